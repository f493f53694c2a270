"""Decisions on the trend (issue 9, item 6): a decision or action recorded on an agenda
item is drawn at its date on the item's chart wherever the chart is drawn (card, embed,
PowerPoint), named in the text alternative, flagged when an action is past due, and
offered as a phase start of the run chart. Expected values are worked out by hand from
tests/fixtures/foundation.py (months 2023-02, 2024-01 .. 2024-04; data as of 2024-04-30)
and from the dates chosen here.

Both databases are real, in a few combinations rather than all: the reporting DB
through ``reporting_db`` (DuckDB, and PostgreSQL for the late and cancelled decisions)
and the app DB through ``app_db`` (SQLite, and PostgreSQL too for the payload and the
PowerPoint export, where the dates are read back from it).
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image
from plotly.utils import PlotlyJSONEncoder
from pptx import Presentation

from callbacks.chart_cards import chart_card_body
from charts import payload as payload_module
from charts.cards.phase_picker import decision_splits, phase_picker
from charts.catalog import CHARTS
from charts.chart_views import available_views
from charts.decisions import (
    DECISION_COLOUR,
    Marker,
    add_decisions,
    decisions_sentence,
    markers_in_view,
)
from charts.figures.annotations import EVENT_COLOUR, add_events, x_range
from charts.payload import _payload, chart_payload, effective_filters
from dashboards import embed
from exports.pptx import build_deck
from meetings import db as app_db_module
from meetings import store
from queries.filters import Filters
from settings import configure, get_settings
from tests import test_figures_catalog as catalog_checks
from tests.test_callbacks import _find

USER = "testi.kayttaja"
CHART = "hoitotakuu-7vrk"
QUEUES = "jonot"
FILTERS, _ = Filters.from_query({"from": "2024-01", "to": "2024-04"})
# Free text that must never reach a chart, an embed or a slide.
DETAILS = "Tarkennus: Maija Meikäläinen selvittää asian"
OWNER = "Matti Mallikas"
SQLITE_APP_DB = pytest.mark.parametrize("app_db", ["sqlite"], indirect=True)
DUCKDB = pytest.mark.parametrize("reporting_db", ["duckdb"], indirect=True)
POSTGRES_REPORTING = pytest.mark.parametrize(
    "reporting_db", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


def _meeting(meeting_date: str, chart_id: str = CHART, query: str = "") -> dict:
    """A meeting on ``meeting_date`` with one agenda item of ``chart_id``: the item."""
    series = store.create_series("Järjestäjän johtoryhmä", author=USER)
    meeting = store.create_meeting(series["id"], "Tietokeskustelu", meeting_date, author=USER)
    return store.add_item(meeting["id"], meeting["version"], chart_id, query, author=USER)


def _decide(item: dict, title: str, kind: str = "decision", **fields) -> dict:
    return store.add_decision(
        item["id"], kind=kind, title=title, details=DETAILS, author=USER, **fields
    )


def _json(value) -> str:
    return json.dumps(value, cls=PlotlyJSONEncoder, ensure_ascii=False)


def _decision_shapes(figure: dict) -> list[dict]:
    return [
        shape
        for shape in figure["layout"].get("shapes", [])
        if shape.get("line", {}).get("color") == DECISION_COLOUR and shape["type"] == "line"
    ]


def _decision_labels(figure: dict) -> list[dict]:
    return [
        note
        for note in figure["layout"].get("annotations", [])
        if note.get("font", {}).get("color") == DECISION_COLOUR
    ]


# --- the figure, the summary and the card (both app databases) -------------------------


@DUCKDB
def test_dm01_decision_drawn_at_its_date_with_its_short_title_only(
    reporting_db, app_db, monkeypatch
):
    """A decision is drawn at its date with its short title only, apart from events, on a copy."""
    # An intervention event on 1.3.2024 as well, to tell the two apart.
    events = pd.DataFrame(
        {
            "event_date": [pd.Timestamp("2024-03-01")],
            "chart_id": [None],
            "label_fi": ["Uusi ajanvaraus"],
            "label_sv": [""],
            "label_en": [""],
        }
    )
    monkeypatch.setattr(payload_module, "events_for", lambda _area: events)
    item = _meeting("15.2.2024")
    _decide(item, "Iltavastaanotot", owner=OWNER)

    payload = chart_payload(CHART, FILTERS, "fi")
    figure = payload["figure"]
    # The marker: a solid line at 15.2.2024 over the main plot, a diamond on the time
    # axis, and the label "Päätös: Iltavastaanotot" standing on the plot's bottom.
    (line,) = _decision_shapes(figure)
    assert pd.Timestamp(line["x0"]) == pd.Timestamp(line["x1"]) == pd.Timestamp("2024-02-15")
    assert line["line"]["dash"] == "solid" and line["yref"] == "y domain"
    (diamond,) = [s for s in figure["layout"]["shapes"] if s["type"] == "path"]
    assert pd.Timestamp(diamond["xanchor"]) == pd.Timestamp("2024-02-15")
    (label,) = _decision_labels(figure)
    assert label["text"] == "Päätös: Iltavastaanotot"
    assert label["yanchor"] == "bottom" and label["y"] == 0
    # The event keeps its own look: dotted grey, its label hanging from the top.
    (event_line,) = [
        s for s in figure["layout"]["shapes"] if s.get("line", {}).get("color") == EVENT_COLOUR
    ]
    assert event_line["line"]["dash"] == "dot"
    (event_label,) = [a for a in figure["layout"]["annotations"] if a["text"] == "Uusi ajanvaraus"]
    assert event_label["yanchor"] == "top"
    assert DECISION_COLOUR != EVENT_COLOUR
    # Every width class places the decision's label (charts.figures.fit): the event's label is
    # annotation 0, the decision's annotation 1.
    classes = figure["layout"]["meta"]["tkFit"]
    assert all("annotations[1].yshift" in entry["layout"] for entry in classes)
    assert all("annotations[0].yshift" in entry["layout"] for entry in classes)
    # The text alternative names it; the card lists it beside the events.
    assert payload["summary"].endswith(
        "Kuvaan merkityt tietokeskustelujen päätökset ja toimenpiteet: "
        "Iltavastaanotot (päätös 15.2.2024)."
    )
    assert [(d["on"], d["title"], d["overdue"]) for d in payload["decisions"]] == [
        ("2024-02-15", "Iltavastaanotot", False)
    ]
    assert payload["events"] == [{"date": "1.3.2024", "label": "Uusi ajanvaraus"}]
    # Only the short title: the details and the owner are nowhere in the payload.
    text = _json(payload)
    assert "Maija" not in text and OWNER not in text
    # The memoized payload is untouched: the markers are drawn on a copy, every call.
    cached = _payload(CHART, effective_filters(CHARTS[CHART], FILTERS), "fi", "series", ())
    assert _decision_shapes(cached["figure"]) == []
    assert "Iltavastaanotot" not in cached["summary"]


@SQLITE_APP_DB
@DUCKDB
def test_dm01b_markup_in_a_title_is_shown_as_typed_never_as_markup(reporting_db, app_db):
    """Plotly reads <a href>, <b> and <span style> in annotation text: a title typed
    with them is drawn as typed (entities), in every width class too."""
    title = '<b>X</b><a href="https://evil.example/">klik</a> & co'
    _decide(_meeting("15.2.2024"), title)
    figure = chart_payload(CHART, FILTERS, "fi")["figure"]
    (label,) = _decision_labels(figure)
    typed = '&lt;b&gt;X&lt;/b&gt;&lt;a href="https://evil.example/"&gt;klik&lt;/a&gt; &amp; co'
    assert label["text"] == "Päätös: " + typed and label["hovertext"] == label["text"]
    texts = [
        value
        for entry in figure["layout"]["meta"]["tkFit"]
        for key, value in entry["layout"].items()
        if key.endswith(".text")
    ]
    assert texts and all("<a" not in text and "<b>" not in text for text in texts)


@SQLITE_APP_DB
@POSTGRES_REPORTING
def test_dm02_overdue_action_flagged_cancelled_and_outside_not_drawn(reporting_db, app_db):
    """Late actions are flagged; cancelled, out-of-range and other charts' markers are not drawn."""
    today = date.today()
    assert today > date(2024, 6, 30)  # the due date below has passed
    late = _meeting("20.3.2024")
    _decide(late, "Jonojen purku", "action", owner=OWNER, due_date="30.6.2024")
    # Done in time (closed): not late, whatever its due date.
    done = _decide(late, "Lomakkeen uudistus", "action", owner=OWNER, due_date="30.6.2024")
    store.set_decision_status(done["id"], done["version"], "done", author=USER)
    # Cancelled: not drawn.
    cancelled = _decide(_meeting("10.1.2024"), "Peruttu kokeilu")
    store.set_decision_status(cancelled["id"], cancelled["version"], "cancelled", author=USER)
    # Before the range shown (1/2024 .. 4/2024): not drawn.
    _decide(_meeting("15.12.2023"), "Aiempi päätös")
    # Another chart's decision: not drawn here.
    _decide(_meeting("12.2.2024", "jonot"), "Toisen kuvaajan päätös")

    payload = chart_payload(CHART, FILTERS, "fi")
    labels = [note["text"] for note in _decision_labels(payload["figure"])]
    assert labels == ["Toimenpide (myöhässä): Jonojen purku", "Toimenpide: Lomakkeen uudistus"]
    dashes = [shape["line"]["dash"] for shape in _decision_shapes(payload["figure"])]
    assert dashes == ["dash", "solid"]
    assert payload["summary"].endswith(
        "Kuvaan merkityt tietokeskustelujen päätökset ja toimenpiteet: "
        "Jonojen purku (toimenpide 20.3.2024, myöhässä); "
        "Lomakkeen uudistus (toimenpide 20.3.2024)."
    )
    text = _json(payload)
    for absent in ("Peruttu kokeilu", "Aiempi päätös", "Toisen kuvaajan"):
        assert absent not in text
    # The card lists them under the chart, the late one saying so.
    body = chart_body_texts(chart_card_body(_request(CHART, FILTERS), "series", []))
    assert (
        "Päätökset ja toimenpiteet: Jonojen purku (toimenpide 20.3.2024, myöhässä). "
        "Lomakkeen uudistus (toimenpide 20.3.2024). " in body
    )
    # A decision taken after the last period (the meeting after 4/2024) is drawn at the
    # line's end, the axis running on to it, when the chart shows the latest data (the
    # fixture's data end with 4/2024); not when the chosen months end earlier.
    _decide(_meeting("14.5.2024"), "Myöhempi päätös")
    latest = chart_payload(CHART, FILTERS, "fi")
    assert [n["text"] for n in _decision_labels(latest["figure"])][-1] == "Päätös: Myöhempi päätös"
    start, end = x_range(latest["figure"])
    assert start == pd.Timestamp("2024-01-01") and end > pd.Timestamp("2024-05-14")
    earlier, _ = Filters.from_query({"from": "2024-01", "to": "2024-03"})
    assert "Myöhempi päätös" not in _json(chart_payload(CHART, earlier, "fi"))
    # The units view has no time axis: no markers there.
    units = chart_payload(CHART, FILTERS, "fi", "units")
    assert units["decisions"] == [] and "Jonojen purku" not in _json(units)


def _request(chart_id: str, filters: Filters) -> dict:
    return {"chart": chart_id, "filters": filters.to_query(), "lang": "fi"}


def chart_body_texts(body: list) -> list[str]:
    """The texts of the card body's paragraphs, each joined into one string."""
    paragraphs = _find(body, lambda c: type(c).__name__ == "P")
    return [
        "".join(part for part in p.children if isinstance(part, str))
        if isinstance(p.children, list)
        else str(p.children)
        for p in paragraphs
    ]


# --- embed, PowerPoint ---------------------------------------------------------------


@SQLITE_APP_DB
@DUCKDB
def test_dm03_the_embed_draws_the_marker(reporting_db, app_db):
    """The embed draws a decision's marker and names it in the caption, without owner or details."""
    _decide(_meeting("15.2.2024"), "Iltavastaanotot", owner=OWNER)
    page = embed.layout(CHART, **{"from": "2024-01", "to": "2024-04"})
    (request,) = _find(
        page, lambda c: getattr(c, "id", None) == {"type": "chart-request", "chart": CHART}
    )
    body = chart_card_body(request.data, "series", [])
    (graph,) = _find(body, lambda c: type(c).__name__ == "Graph")
    assert [note["text"] for note in _decision_labels(graph.figure)] == ["Päätös: Iltavastaanotot"]
    (caption,) = _find(body, lambda c: type(c).__name__ == "Figcaption")
    assert "Iltavastaanotot (päätös 15.2.2024)" in caption.children
    assert "Maija" not in _json(graph.figure) and OWNER not in _json(graph.figure)


@DUCKDB
def test_dm04_powerpoint_slide_draws_and_names_the_decision(reporting_db, app_db):
    """A deck's slide draws the marker in its colour and names the action in alt text and notes."""
    _decide(_meeting("20.3.2024"), "Jonojen purku", "action", owner=OWNER, due_date="30.6.2024")
    deck = build_deck("Hoitoonpääsy", [CHART], FILTERS, "fi")
    prs = Presentation(io.BytesIO(deck))
    slide = prs.slides[1]
    (picture,) = [shape for shape in slide.shapes if shape.shape_type == 13]
    sentence = "Jonojen purku (toimenpide 20.3.2024, myöhässä)"
    assert sentence in picture._element.nvPicPr.cNvPr.get("descr")
    notes = slide.notes_slide.notes_text_frame.text
    assert sentence in notes
    assert "Maija" not in notes and OWNER not in notes
    # The picture draws the marker in its colour (#A36100).
    with Image.open(io.BytesIO(picture.image.blob)) as image:
        colours = image.convert("RGB").getcolors(1 << 20)
    assert sum(count for count, colour in colours if colour == (0xA3, 0x61, 0x00)) > 20


# --- the run chart's phase picker --------------------------------------------------------


def _is_decision_button(component) -> bool:
    found = getattr(component, "id", None)
    return isinstance(found, dict) and found.get("type") == "phase-decision"


@SQLITE_APP_DB
@DUCKDB
def test_dm05_run_chart_offers_a_passed_decision_as_a_phase_start(reporting_db, app_db):
    """The run chart offers a passed decision as a phase start, disabled once split there."""
    # The queue chart has 16 months (1/2023 .. 4/2024) in the fixture, enough for its
    # run chart (12). A decision of 15.2.2024 (passed) and one of today (not passed).
    _decide(_meeting("15.2.2024", QUEUES), "Iltavastaanotot")
    _decide(_meeting(date.today().strftime("%d.%m.%Y"), QUEUES), "Tänään päätetty")
    queues = Filters(start="2023-01")
    body = chart_card_body(_request(QUEUES, queues), "spc", [])
    (graph,) = _find(body, lambda c: type(c).__name__ == "Graph")
    # Today's decision stands at the line's end (after 4/2024); only the passed one can
    # split the run chart.
    assert [note["text"] for note in _decision_labels(graph.figure)] == [
        "Päätös: Iltavastaanotot",
        "Päätös: Tänään päätetty",
    ]
    (button,) = _find(body, _is_decision_button)
    assert button.children == "Jaa vaiheisiin päätöksen kohdalta: Iltavastaanotot (15.2.2024)"
    (decision,) = store.decisions_for_chart(QUEUES)[:1]
    assert button.id == {
        "type": "phase-decision",
        "chart": QUEUES,
        "decision": decision["id"],
        "month": "2024-02",
    }
    assert not button.disabled
    # Once 2/2024 starts a phase (the button's month, as the browser adds it) the run
    # chart is split there and the button is disabled.
    split = chart_card_body(_request(QUEUES, queues), "spc", ["2024-02"])
    (button,) = _find(split, _is_decision_button)
    assert button.disabled
    (caption,) = _find(split, lambda c: type(c).__name__ == "Figcaption")
    assert caption.children.startswith("Keskiarvo ja rajat lasketaan uudelleen kohdissa: 2/2024")
    # At quarter grain the decision's period is Q1/2024, whose phase start is 1/2024.
    decision_item, _today = chart_payload(QUEUES, queues, "fi")["decisions"]
    choices = [{"label": "Q1/2024", "value": "2024-01"}]
    (quarter,) = decision_splits([decision_item], choices, "quarter", date(2024, 3, 1))
    assert quarter["month"] == "2024-01"
    # Not yet passed on the day it was taken, and not offered from a range whose first
    # period (the baseline) holds it.
    payload = chart_payload(QUEUES, queues, "fi", "spc")
    early = phase_picker(
        CHARTS[QUEUES], queues, (), "fi", payload["decisions"], today=date(2024, 2, 15)
    )
    assert _find(early, _is_decision_button) == []
    later = replace(queues, start="2024-02")
    from_february = phase_picker(CHARTS[QUEUES], later, (), "fi", payload["decisions"])
    assert _find(from_february, _is_decision_button) == []


# --- the app database down -------------------------------------------------------------


@DUCKDB
def test_dm06_app_database_down_draws_without_decisions(reporting_db, caplog):
    """With the app database down the chart is drawn without decisions, and the error is logged."""
    original = get_settings()
    # Nothing listens on port 1: the connection is refused at once.
    configure(replace(original, app_db_url="postgresql+psycopg://postgres@127.0.0.1:1/none"))
    try:
        with caplog.at_level(logging.ERROR, logger="charts.payload"):
            payload = chart_payload(CHART, FILTERS, "fi")
    finally:
        app_db_module.dispose()
        configure(original)
    assert payload["decisions"] == [] and not payload["empty"]
    assert payload["summary"].startswith("Viimeisin arvo")
    assert any("drawn without them" in record.getMessage() for record in caplog.records)


# --- pure parts -------------------------------------------------------------------------


@pytest.mark.unit
def test_dm07_markers_in_view_and_the_sentence():
    """Markers in the x range, not cancelled, are kept and flagged late; the sentence lists them."""
    figure = go.Figure(layout={"xaxis": {"range": ["2024-01-01", "2024-05-01"]}}).to_plotly_json()
    rows = [
        {
            "id": 3,
            "kind": "action",
            "title": "B",
            "decided_on": date(2024, 4, 30),
            "due_date": date(2024, 5, 31),
            "status": "open",
        },
        {
            "id": 1,
            "kind": "decision",
            "title": "A",
            "decided_on": date(2024, 1, 1),
            "due_date": None,
            "status": "open",
        },
        {
            "id": 2,
            "kind": "decision",
            "title": "X",
            "decided_on": date(2024, 5, 1),
            "due_date": None,
            "status": "open",
        },
        {
            "id": 4,
            "kind": "decision",
            "title": "Y",
            "decided_on": date(2024, 2, 1),
            "due_date": None,
            "status": "cancelled",
        },
    ]
    # 1.1.2024 is the range's first day (in), 1.5.2024 the first day after it (out);
    # on 1.6.2024 the action due 31.5.2024 is late, on 31.5.2024 not yet.
    found = markers_in_view(rows, figure, date(2024, 6, 1))
    assert found == [
        Marker(1, date(2024, 1, 1), "decision", "A", False),
        Marker(3, date(2024, 4, 30), "action", "B", True),
    ]
    assert not markers_in_view(rows, figure, date(2024, 5, 31))[1].overdue
    assert decisions_sentence(found, "fi") == (
        "Kuvaan merkityt tietokeskustelujen päätökset ja toimenpiteet: "
        "A (päätös 1.1.2024); B (toimenpide 30.4.2024, myöhässä)."
    )
    assert decisions_sentence([], "fi") == ""
    # Drawn on a copy: the figure given keeps its layout.
    before = _json(figure)
    drawn = add_decisions(figure, found, "fi")
    assert _json(figure) == before
    assert [n["text"] for n in drawn["layout"]["annotations"]] == [
        "Päätös: A",
        "Toimenpide (myöhässä): B",
    ]
    assert add_decisions(figure, [], "fi") is figure


@pytest.mark.unit
def test_dm11_marker_colour_is_readable_and_not_a_series_colour():
    """The marker colour contrasts at least 4.5:1 on white and is no series or event colour."""
    from charts.figures.stacked import STACK_COLOURS
    from charts.figures.time_series import SERIES_COLOURS

    # #A36100: linear channels 0.3662, 0.1195, 0 -> luminance 0.2126 * 0.3662 + 0.7152 *
    # 0.1195 = 0.1633; contrast on white 1.05 / 0.2133 = 4.92, above 4.5 (small text).
    red, green = (0xA3 / 255 + 0.055) / 1.055, (0x61 / 255 + 0.055) / 1.055
    luminance = 0.2126 * red**2.4 + 0.7152 * green**2.4
    assert abs(luminance - 0.1633) < 0.0005
    assert 1.05 / (luminance + 0.05) >= 4.5
    assert DECISION_COLOUR not in (*SERIES_COLOURS, *STACK_COLOURS, EVENT_COLOUR)


@pytest.mark.unit
def test_dm08_labels_stack_upwards_from_the_bottom_and_never_overlap():
    """Labels of close decisions stack upwards from the bottom in every width class."""
    # Two decisions a day apart on a 320 px figure: the second label cannot stand beside
    # the first, so it stands above it (a larger yshift), in every width class.
    figure = go.Figure(
        layout={"xaxis": {"range": ["2024-01-01", "2025-01-01"]}, "margin": {"l": 56, "r": 40}}
    )
    add_events(figure, pd.DataFrame({"event_date": [], "label": []}), "label")
    markers = [
        Marker(1, date(2024, 6, 1), "decision", "Ensimmäinen pitkä päätös", False),
        Marker(2, date(2024, 6, 2), "decision", "Toinen pitkä päätös", False),
    ]
    drawn = add_decisions(figure.to_plotly_json(), markers, "fi")
    for entry in drawn["layout"]["meta"]["tkFit"]:
        layout = entry["layout"]
        assert layout["annotations[1].yshift"] > layout["annotations[0].yshift"] >= 10


# --- every chart's figure checks still hold with decisions on it -------------------------


@pytest.fixture
def decisions_everywhere(app_db):
    """A decision on 15.2.2024 and a late action on 20.6.2023 on every catalog chart."""
    for chart_id in CHARTS:
        _decide(_meeting("15.2.2024", chart_id), "Päätös kuvaajalle")
        _decide(
            _meeting("20.6.2023", chart_id), "Toimi", "action", owner=OWNER, due_date="30.6.2023"
        )


@SQLITE_APP_DB
@DUCKDB
@pytest.mark.parametrize("chart_id", sorted(CHARTS))
def test_dm09_figure_checks_of_every_chart_with_decisions(
    reporting_db, decisions_everywhere, chart_id
):
    """Every view of every chart passes the figure checks with markers, drawn once in range."""
    # The same checks as test_figures_catalog.test_fc001, on figures carrying markers.
    catalog_checks.test_fc001_every_view_of_every_chart(reporting_db, chart_id)
    spec = CHARTS[chart_id]
    for filters in catalog_checks.FILTERS:
        for view in available_views(spec):
            payload = chart_payload(chart_id, filters, "fi", view)
            drawn = {pd.Timestamp(s["x0"]) for s in _decision_shapes(payload["figure"])}
            if payload["empty"] or payload["view"] == "units":
                assert drawn == set(), (chart_id, view)
                continue
            # Each date inside the periods shown (the x range) is drawn, once.
            start, end = x_range(payload["figure"])
            dates = {pd.Timestamp("2023-06-20"), pd.Timestamp("2024-02-15")}
            assert drawn == {day for day in dates if start <= day < end}, (chart_id, view)


# --- in the browser: the marker on the page and in the embed, the split button ----------


@pytest.mark.browser
@SQLITE_APP_DB
def test_dm10_browser_marker_on_page_and_embed_and_split_at_the_decision(
    dash_duo, browser_db, app_db
):
    """In the browser the marker shows on page and embed, and its button splits the run chart."""
    from dash.testing.wait import until

    from app import app
    from tests.axe import axe_violations as _axe_violations
    from tests.servers import WAIT

    _decide(_meeting("15.2.2024", QUEUES), "Iltavastaanotot", owner=OWNER)
    card = "#card-jonot"
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2023-01&view=jonot:spc")
    # The marker's label is drawn in the figure (an SVG annotation), and the card says it.
    dash_duo.wait_for_contains_text(card + " .annotation-text", "Päätös: Iltavastaanotot", WAIT)
    dash_duo.wait_for_contains_text(
        card + " .chart-decisions", "Iltavastaanotot (päätös 15.2.2024)"
    )
    button = card + " .phase-decision-button"
    dash_duo.wait_for_contains_text(button, "Jaa vaiheisiin päätöksen kohdalta", WAIT)
    assert _axe_violations(dash_duo) == []
    # The button (as Enter on it does) splits the run chart at 2/2024: address and text.
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element(button))
    until(
        lambda: "phase=jonot:2024-02" in dash_duo.driver.current_url,
        timeout=WAIT,
        msg=f"the address never got the phase start ({dash_duo.driver.current_url})",
    )
    dash_duo.wait_for_contains_text(card + " .phase-current", "2/2024", WAIT)
    until(
        lambda: dash_duo.find_element(button).get_attribute("disabled") is not None,
        timeout=WAIT,
        msg="the button of a phase start already made stays enabled",
    )
    # The embed draws the marker too, with the short title only.
    dash_duo.wait_for_page(url=dash_duo.server_url + "/embed/jonot?from=2023-01")
    dash_duo.wait_for_contains_text(card + " .annotation-text", "Päätös: Iltavastaanotot", WAIT)
    assert OWNER not in dash_duo.driver.page_source
    assert "Maija" not in dash_duo.driver.page_source
    assert dash_duo.get_logs() == []
