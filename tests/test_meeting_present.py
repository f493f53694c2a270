"""Presentation mode, the pre-read and "since the last meeting".

The reporting data are ``tests.fixtures.meetings_since``: state A is what meeting 1
saw, state B (one new month, one revised past value) what meeting 2 sees; every
expected number is in that module's table, worked out by hand. The app database runs
on SQLite and PostgreSQL (``app_db``), the reporting database on DuckDB and
PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app import app as dash_app
from dashboards import meetings_preread, meetings_present
from meetings import store
from meetings.changes_text import changes_sentences, since_last_meeting
from meetings.items import item_payload
from meetings.snapshots import item_changes, meeting_view, read_snapshot, record_snapshot
from queries.engine import dispose_engines
from settings import configure, get_settings
from tests.conftest import ENGINES, fixture_db_url, use_reporting_db
from tests.fixtures.meetings_since import CHART, STATE_A, STATE_B

AUTHOR = "Testi Käyttäjä"
NBSP = "\u00a0"


@pytest.fixture(params=ENGINES)
def states(request):
    """URLs of reporting states A and B on one engine; the app starts on A. Runs the
    test inside a Flask app context (the memoized queries need one)."""
    original = get_settings()
    urls = (
        fixture_db_url(request.param, STATE_A, request),
        fixture_db_url(request.param, STATE_B, request),
    )
    use_reporting_db(urls[0])
    with dash_app.server.app_context():
        yield urls
    dispose_engines()
    configure(original)


@pytest.fixture
def identity():
    """A demo user: the request has an identity (writes allowed)."""
    original = get_settings()
    configure(replace(original, demo_user=AUTHOR))
    yield AUTHOR
    configure(replace(get_settings(), demo_user=original.demo_user))


def _walk(component):
    """A Dash component and all its descendants."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _text(component) -> str:
    """All text of a Dash tree, in order."""
    parts = []
    for node in _walk(component):
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if isinstance(child, str | int):
                parts.append(str(child))
    return " ".join(parts)


def _by_id(component, wanted: str):
    found = [node for node in _walk(component) if getattr(node, "id", None) == wanted]
    return found[0] if found else None


def _meeting(series_id: int, title: str, day: date, charts: list[str]) -> dict:
    meeting = store.create_meeting(series_id, title, day.isoformat(), author=AUTHOR)
    version = meeting["version"]
    for chart_id in charts:
        store.add_item(meeting["id"], version, chart_id, "", 10, author=AUTHOR)
        version += 1
    return store.get_meeting(meeting["id"])


# --- since the last meeting ---------------------------------------------------------


def test_pm001_since_last_meeting_shows_exactly_the_new_month_and_the_revised_value(app_db, states):
    """After a data change a held meeting shows its snapshot; the next lists new, revised values."""
    url_a, url_b = states
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    first = _meeting(series["id"], "Huhtikuu", date(2024, 4, 5), [CHART])
    snapshot = record_snapshot(first["items"][0], author=AUTHOR)
    # State A as served: 3/12, 4/16 and 6/12 -> 25.0, 25.0, 50.0 %, as of 31.3.2024.
    assert snapshot["data_as_of"] == "2024-03-31"
    assert snapshot["rows"] == [
        ["share", "2024-01-01", 25.0, False],
        ["share", "2024-02-01", 25.0, False],
        ["share", "2024-03-01", 50.0, False],
    ]

    # While the data are the ones kept, the meeting shows the live card (its own view).
    held = store.get_item(first["items"][0]["id"])
    assert meeting_view(held, date(2024, 4, 5), "fi")["kept"] is False

    use_reporting_db(url_b)
    kept = store.get_item(first["items"][0]["id"])
    # Once they have changed, the held meeting shows what it saw: 3/2024 = 6/12 = 50.0 %
    # as its latest value (live: 4/2024 = 9/12 = 75.0 %), and says so.
    seen = meeting_view(kept, date(2024, 4, 5), "fi")
    assert seen["kept"] is True and seen["data_as_of"] == "2024-03-31"
    assert seen["summary"].startswith(f"Viimeisin arvo 3/2024: 50,0{NBSP}%")
    assert seen["figure"]["layout"]["meta"]["tkExport"]["context"][-1] == (
        "Luvut sellaisina kuin ne näytettiin kokouksessa 5.4.2024."
    )
    assert item_payload(kept, "fi")["summary"].startswith(f"Viimeisin arvo 4/2024: 75,0{NBSP}%")
    assert read_snapshot(kept) == snapshot  # kept in the app DB as it was
    # State B: February 6/16 = 37.5 % (was 25.0), April 9/12 = 75.0 % is new; January
    # and March are unchanged and not reported.
    assert item_changes(kept) == {
        "until": "now",
        "previous_as_of": "2024-03-31",
        "as_of": "2024-04-30",
        "grain": "month",
        "new_periods": ["2024-04-01"],
        "revised": [
            {
                "series": "share",
                "period": "2024-02-01",
                "before": 25.0,
                "after": 37.5,
                "before_withheld": False,
                "after_withheld": False,
            }
        ],
    }

    second = _meeting(series["id"], "Toukokuu", date(2024, 5, 6), [CHART])
    previous = store.previous_meeting(second)
    assert previous["id"] == first["id"]
    expected = [
        "Edellisessä kokouksessa tiedot olivat 31.3.2024 asti, nyt 30.4.2024 asti.",
        "Uusi jakso: 4/2024.",
        f"Korjattu aiempi arvo: 2/2024 25,0{NBSP}% → 37,5{NBSP}%.",
    ]
    assert since_last_meeting(second["items"][0], previous, "fi") == expected
    page = meetings_preread.layout(meeting_id=str(second["id"]))
    assert " ".join(expected) in _text(page)
    # Presenting the item says the same beside the chart.
    shown = _text(meetings_present.layout(meeting_id=str(second["id"]), n="1"))
    assert "Muutokset edellisen kokouksen jälkeen " + " ".join(expected) in shown


@pytest.mark.unit
def test_pm002_changes_sentences_withheld_several_series_and_nothing_changed():
    """Change sentences name series, withheld values, unchanged data and cut long lists at 12."""
    from charts.catalog import CHARTS

    spec = CHARTS["digiasiointi-osuus"]  # three series, percent, one decimal
    changes = {
        "previous_as_of": "2024-03-31",
        "as_of": "2024-03-31",
        "grain": "quarter",
        "new_periods": ["2024-04-01", "2024-07-01"],
        "revised": [
            {
                "series": "remote",
                "period": "2024-01-01",
                "before": None,
                "after": 12.5,
                "before_withheld": True,
                "after_withheld": False,
            },
            {
                "series": "TA01",  # a series from the data: named by its key
                "period": "2024-01-01",
                "before": 3.0,
                "after": 4.3,
                "before_withheld": False,
                "after_withheld": False,
            },
        ],
    }
    assert changes_sentences(changes, spec, "fi") == [
        "Tiedot ovat samat kuin edellisessä kokouksessa (31.3.2024 asti).",
        "Uudet jaksot: Q2/2024, Q3/2024.",
        f"Korjatut aiemmat arvot: Etäasiointi yhteensä Q1/2024 salattu → 12,5{NBSP}%, "
        f"TA01 Q1/2024 3,0{NBSP}% → 4,3{NBSP}%.",
    ]
    unchanged = {**changes, "new_periods": [], "revised": []}
    assert changes_sentences(unchanged, spec, "fi") == [
        "Tiedot ovat samat kuin edellisessä kokouksessa (31.3.2024 asti).",
        "Ei uusia jaksoja eikä korjattuja arvoja.",
    ]
    only_new = {**unchanged, "as_of": None, "new_periods": ["2024-04-01"]}
    assert changes_sentences(only_new, spec, "fi") == [
        "Uusi jakso: Q2/2024.",
        "Aiempia arvoja ei ole korjattu.",
    ]
    only_revised = {**changes, "previous_as_of": None, "new_periods": []}
    assert changes_sentences(only_revised, spec, "fi")[0] == "Ei uusia jaksoja."
    many = {
        **only_revised,
        "revised": [
            {**changes["revised"][1], "period": f"20{year}-01-01"} for year in range(10, 25)
        ],
    }
    # 15 revisions: the first 12 named (2010 … 2021), then "ja 3 muuta".
    (sentence,) = changes_sentences(many, spec, "fi")[1:]
    assert sentence.startswith(f"Korjatut aiemmat arvot: TA01 Q1/2010 3,0{NBSP}% → 4,3")
    assert sentence.endswith(f"TA01 Q1/2021 3,0{NBSP}% → 4,3{NBSP}%, ja 3 muuta.")
    assert changes_sentences(None, spec, "fi") == [
        "Ei vertailutietoa: edellisen kokouksen lukuja ei tallennettu."
    ]


@pytest.mark.unit
def test_pm003_one_series_is_not_named_and_a_newly_withheld_value_says_so():
    """A one-series chart's revisions omit the series name and a newly withheld value says so."""
    from charts.catalog import CHARTS

    spec = CHARTS["hoitotakuu-7vrk"]  # one series ("within_days"), percent, one decimal
    changes = {
        "previous_as_of": "2024-02-29",
        "as_of": "2024-03-31",
        "grain": "month",
        "new_periods": ["2024-03-01"],
        "revised": [
            {
                "series": "within_days",
                "period": "2024-01-01",
                "before": 66.7,
                "after": 70.0,
                "before_withheld": False,
                "after_withheld": False,
            },
            {
                "series": "within_days",
                "period": "2024-02-01",
                "before": 83.3,
                "after": None,
                "before_withheld": False,
                "after_withheld": True,
            },
        ],
    }
    assert changes_sentences(changes, spec, "fi") == [
        "Edellisessä kokouksessa tiedot olivat 29.2.2024 asti, nyt 31.3.2024 asti.",
        "Uusi jakso: 3/2024.",
        f"Korjatut aiemmat arvot: 1/2024 66,7{NBSP}% → 70,0{NBSP}%, 2/2024 83,3{NBSP}% → salattu.",
    ]


# --- presentation mode --------------------------------------------------------------

AGENDA = ["omaolo-palvelut", CHART, "hoitotakuuseuranta-kattavuus"]


def _href(link) -> str:
    return getattr(link, "href", None)


def test_pm010_item_n_of_total_with_previous_and_next_links(app_db, states):
    """Presenting item n of N shows position, timer and chart, with previous and next links."""
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    meeting = _meeting(series["id"], "Huhtikuu", date(2024, 4, 5), AGENDA)
    mid = meeting["id"]
    middle = meetings_present.layout(meeting_id=str(mid), n="2")
    assert _by_id(middle, "present-position").children == "Kohta 2 / 3"
    assert _by_id(middle, "present-title").children == "Sähköisesti täytettyjen lomakkeiden osuus"
    assert _href(_by_id(middle, "present-previous")) == f"/tietokeskustelut/{mid}/esitys/1"
    assert _href(_by_id(middle, "present-next")) == f"/tietokeskustelut/{mid}/esitys/3"
    assert _href(_by_id(middle, "present-exit")) == f"/tietokeskustelut/{mid}"
    hrefs = [node.href for node in _walk(middle) if getattr(node, "href", None)]
    assert f"/tietokeskustelut/{mid}/kohta/2" in hrefs  # where decisions are recorded
    timer = _by_id(middle, "present-timer")
    assert timer.children == "00:00 / 10 min"
    assert timer.to_plotly_json()["props"]["data-minutes"] == "10"
    # The chart is the cached card payload, with its summary as the caption.
    graph = _by_id(middle, "present-graph")
    assert graph.figure["data"] and graph.config["displaylogo"] is False
    captions = [node for node in _walk(middle) if getattr(node, "className", "") == "chart-summary"]
    assert captions and captions[0].children.startswith("Viimeisin arvo")
    assert "Tiedot 31.3.2024 asti. Synteettinen demoaineisto." in _text(middle)

    first = meetings_present.layout(meeting_id=str(mid), n="1")
    assert _by_id(first, "present-previous") is None
    assert "Ensimmäinen kohta" in _text(first)
    assert _href(_by_id(first, "present-next")) == f"/tietokeskustelut/{mid}/esitys/2"
    last = meetings_present.layout(meeting_id=str(mid), n="3")
    assert _by_id(last, "present-next") is None
    assert "Viimeinen kohta" in _text(last)
    assert _by_id(last, "present-position").children == "Kohta 3 / 3"


def test_pm011_unknown_meeting_or_item_answers_404(app_db, states):
    """Unknown meetings or item numbers answer 404 and, inside the app, a Finnish notice."""
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    meeting = _meeting(series["id"], "Huhtikuu", date(2024, 4, 5), AGENDA)
    mid = meeting["id"]
    client = dash_app.server.test_client()
    assert client.get(f"/tietokeskustelut/{mid}/esitys/3").status_code == 200
    assert client.get(f"/tietokeskustelut/{mid}/ennakko").status_code == 200
    for path in (
        f"/tietokeskustelut/{mid}/esitys/4",
        f"/tietokeskustelut/{mid}/esitys/0",
        f"/tietokeskustelut/{mid}/esitys/-1",
        f"/tietokeskustelut/{mid}/esitys/x",
        f"/tietokeskustelut/{mid + 1}/esitys/1",
        "/tietokeskustelut/abc/esitys/1",
        f"/tietokeskustelut/{mid + 1}/ennakko",
        "/tietokeskustelut/1x/ennakko",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "ei löytynyt" in response.get_data(as_text=True).lower(), path
    # Inside the app (a link followed): a Finnish notice, no traceback.
    page = meetings_present.layout(meeting_id=str(mid), n="4")
    assert f"Kokousta tai asialistan kohtaa ”{mid}/4” ei löytynyt." in _text(page)
    empty = _meeting(series["id"], "Tyhjä", date(2024, 5, 5), [])
    assert client.get(f"/tietokeskustelut/{empty['id']}/esitys/1").status_code == 404
    page = meetings_present.layout(meeting_id=str(empty["id"]), n="1")
    assert "Asialistalla ei ole kohtia, joten esitettävää ei ole." in _text(page)
    preread = _text(meetings_preread.layout(meeting_id=str(empty["id"])))
    assert "Asialistalla ei ole vielä kohtia." in preread and "Aloita esitys" not in preread


def test_pm012_earlier_decisions_beside_the_chart_overdue_flagged(app_db, states):
    """Earlier meetings' decisions on the chart appear beside it, overdue actions flagged."""
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    first = _meeting(series["id"], "Maaliskuu", date(2024, 3, 1), [CHART])
    item = first["items"][0]
    store.add_decision(item["id"], kind="decision", title="Lomakkeet kaikille", author=AUTHOR)
    store.add_decision(
        item["id"],
        kind="action",
        title="Ohjeet verkkoon",
        owner="Analyytikko",
        due_date="2024-03-20",
        author=AUTHOR,
    )
    second = _meeting(series["id"], "Huhtikuu", date(2024, 4, 5), [CHART])
    # Decided in this meeting itself: not an earlier decision.
    store.add_decision(
        second["items"][0]["id"], kind="decision", title="Tänään päätetty", author=AUTHOR
    )
    page = meetings_present.layout(meeting_id=str(second["id"]), n="1")
    text = _text(page)
    assert "Aiemmat päätökset" in text
    assert "Päätös: Lomakkeet kaikille" in text
    assert "Toimenpide: Ohjeet verkkoon" in text
    assert "Vastuu: Analyytikko, määräpäivä 20.3.2024." in text
    # Past due (20.3.2024) and still open: flagged in text.
    assert "Myöhässä: määräpäivä 20.3.2024 on ohitettu." in text
    # Not among the earlier ones beside the chart (its marker is on the chart itself).
    assert "Tänään päätetty" not in text[text.index("Aiemmat päätökset") :]
    assert "Tänään päätetty (päätös 5.4.2024)" in text

    alone = _meeting(series["id"], "Toukokuu", date(2024, 5, 5), ["omaolo-palvelut"])
    page = meetings_present.layout(meeting_id=str(alone["id"]), n="1")
    assert "Tästä kuvaajasta ei ole tehty päätöksiä aiemmissa kokouksissa." in _text(page)


def test_pm013_snapshot_taken_the_first_time_shown_on_or_after_the_meeting_date(
    app_db, states, identity
):
    """Presenting on or after the meeting date keeps a first snapshot; a rehearsal keeps none."""
    url_a, url_b = states
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    today = date.today()
    held = _meeting(series["id"], "Tänään", today, [CHART, "omaolo-palvelut"])
    coming = _meeting(series["id"], "Huomenna", today + timedelta(days=1), [CHART])

    meetings_present.layout(meeting_id=str(coming["id"]), n="1")
    assert store.get_item(coming["items"][0]["id"])["snapshot"] is None  # a rehearsal

    page = meetings_present.layout(meeting_id=str(held["id"]), n="1")
    kept = store.get_item(held["items"][0]["id"])
    assert (
        "Näytetyt luvut (tiedot 31.3.2024 asti) on tallennettu seuraavan kokouksen "
        "vertailua varten." in _text(page)
    )
    assert read_snapshot(kept)["data_as_of"] == "2024-03-31"
    assert kept["snapshot_as_of"] == date(2024, 3, 31)
    assert store.get_item(held["items"][1]["id"])["snapshot"] is None  # not shown yet

    # Shown again after the data changed: the first snapshot stays.
    use_reporting_db(url_b)
    meetings_present.layout(meeting_id=str(held["id"]), n="1")
    assert read_snapshot(store.get_item(held["items"][0]["id"]))["data_as_of"] == "2024-03-31"


def test_pm014_no_snapshot_without_an_identity(app_db, states):
    """Presenting without an identity keeps no snapshot and says nothing about saving one."""
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    held = _meeting(series["id"], "Tänään", date.today(), [CHART])
    page = meetings_present.layout(meeting_id=str(held["id"]), n="1")
    assert store.get_item(held["items"][0]["id"])["snapshot"] is None
    assert "tallennettu" not in _text(page)


# --- the pre-read -------------------------------------------------------------------


def test_pm020_preread_starts_with_open_actions_then_each_item(app_db, states):
    """The pre-read lists open earlier actions, then each item with its chart, changes, actions."""
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    first = _meeting(series["id"], "Maaliskuu", date(2024, 3, 1), [CHART])
    store.add_decision(
        first["items"][0]["id"],
        kind="action",
        title="Ohjeet verkkoon",
        owner="Analyytikko",
        due_date="2024-03-20",
        author=AUTHOR,
    )
    done = store.add_decision(
        first["items"][0]["id"],
        kind="action",
        title="Jo tehty",
        owner="Analyytikko",
        due_date="2024-03-10",
        author=AUTHOR,
    )
    store.set_decision_status(done["id"], done["version"], "done", author=AUTHOR)
    second = _meeting(series["id"], "Huhtikuu", date(2024, 4, 5), [CHART, "omaolo-palvelut"])
    page = meetings_preread.layout(meeting_id=str(second["id"]))
    text = _text(page)
    assert text.index("Edellisten kokousten avoimet toimenpiteet") < text.index("1. ")
    assert "Toimenpide: Ohjeet verkkoon" in text
    assert "Tila: avoin." in text
    assert "Myöhässä: määräpäivä 20.3.2024 on ohitettu." in text
    assert "Kokous Maaliskuu, 1.3.2024, kuvaaja Sähköisesti täytettyjen lomakkeiden osuus" in text
    # Done: not among the open actions (the chart's summary still names it: its marker).
    assert "Jo tehty" not in text[: text.index("1. Sähköisesti")]
    assert "1. Sähköisesti täytettyjen lomakkeiden osuus" in text
    assert "2. Käytössä olevat Omaolo-palvelut" in text
    # Meeting 1 kept no snapshot of the chart; it did not show the second one.
    assert "Ei vertailutietoa: edellisen kokouksen lukuja ei tallennettu." in text
    assert "Ei vertailutietoa: kuvaajaa ei käsitelty edellisessä kokouksessa." in text
    # The open action concerns item 1's chart, not item 2's.
    sections = [
        node for node in _walk(page) if getattr(node, "className", "") == "preread-item mb-4"
    ]
    assert "Ohjeet verkkoon" in _text(sections[0])
    assert "Ei avoimia toimenpiteitä." in _text(sections[1])
    # Each item's chart with its summary as the caption, and the document link.
    assert _by_id(page, "preread-graph-1").figure["data"]
    links = [node for node in _walk(page) if getattr(node, "href", None)]
    assert f"/api/meetings/{second['id']}/preread.docx" in [link.href for link in links]

    first_page = _text(meetings_preread.layout(meeting_id=str(first["id"])))
    assert "Ei edellistä kokousta" in first_page
    assert "Edellisistä kokouksista ei ole avoimia toimenpiteitä." in first_page


def test_pm015_databases_down_give_finnish_notices_not_tracebacks(app_db, states, tmp_path):
    """With the reporting or app DB down, presentation and pre-read pages show Finnish notices."""
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    first = _meeting(series["id"], "Maaliskuu", date(2024, 3, 1), [CHART])
    record_snapshot(first["items"][0], author=AUTHOR)
    second = _meeting(series["id"], "Huhtikuu", date(2024, 4, 5), [CHART])
    # The reporting DB is gone: the pages open, the chart and the changes say so.
    use_reporting_db(f"duckdb:///{tmp_path}/gone.duckdb")
    down = "Raportointitietokantaan ei juuri nyt saada yhteyttä"
    assert down in _text(meetings_present.layout(meeting_id=str(second["id"]), n="1"))
    preread = _text(meetings_preread.layout(meeting_id=str(second["id"])))
    assert preread.count(down) == 2  # the chart and what changed
    # The app DB is gone too: the address is not refused as unknown, the page says it.
    original = get_settings()
    configure(replace(original, app_db_url="postgresql+psycopg://postgres@127.0.0.1:1/gone"))
    try:
        app_down = "Tietokeskustelujen tietokantaan ei saatu yhteyttä."
        assert app_down in _text(meetings_present.layout(meeting_id="1", n="1"))
        assert app_down in _text(meetings_preread.layout(meeting_id="1"))
        client = dash_app.server.test_client()
        assert client.get("/tietokeskustelut/1/esitys/1").status_code == 200
        assert client.get("/tietokeskustelut/1/ennakko").status_code == 200
    finally:
        configure(original)


def test_pm001b_a_held_meeting_keeps_saying_what_changed_before_it(app_db, states):
    """Meetings on 5.4. (kept state A) and 6.5.2024 (kept state B). After that, the
    second one's pre-read still compares A with B (its own snapshot), whatever the
    data served later: the new month 4/2024 and February revised 25,0 → 37,5 %."""
    url_a, url_b = states
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    first = _meeting(series["id"], "Huhtikuu", date(2024, 4, 5), [CHART])
    record_snapshot(first["items"][0], author=AUTHOR)
    use_reporting_db(url_b)
    second = _meeting(series["id"], "Toukokuu", date(2024, 5, 6), [CHART])
    record_snapshot(second["items"][0], author=AUTHOR)
    use_reporting_db(url_a)  # the data served now differ from what meeting 2 kept
    held = store.get_meeting(second["id"])
    assert since_last_meeting(held["items"][0], store.previous_meeting(held), "fi") == [
        "Edellisessä kokouksessa tiedot olivat 31.3.2024 asti, tässä kokouksessa 30.4.2024 asti.",
        "Uusi jakso: 4/2024.",
        f"Korjattu aiempi arvo: 2/2024 25,0{NBSP}% → 37,5{NBSP}%.",
    ]
