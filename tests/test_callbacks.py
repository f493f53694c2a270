"""The chart-card callback, called directly (no browser)."""

from __future__ import annotations

import base64
from dataclasses import replace

import numpy as np
import pytest
from dash import no_update

from callbacks.chart_cards import chart_card_body, chart_card_table
from charts.cards.chart import TABLE_BUILT
from queries.cache import cache
from queries.engine import dispose_engines
from settings import configure, get_settings


def plotted(array) -> list[float]:
    """Values of a figure array, decoding plotly's base64 typed arrays ("bdata")."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _find(component, predicate):
    """All components in a Dash tree that satisfy ``predicate``."""
    found = [component] if predicate(component) else []
    children = getattr(component, "children", None)
    if isinstance(component, list):
        children = component
    if isinstance(children, list | tuple):
        for child in children:
            found += _find(child, predicate)
    elif children is not None and not isinstance(children, str):
        found += _find(children, predicate)
    return found


def table_cells(request: dict, view: str = "series", phases: list | None = None) -> list:
    """The data cells of a card's table as built when it is first opened."""
    children, built = chart_card_table(1, "", request, view, phases or [])
    assert built == TABLE_BUILT
    return [c.children for c in _find(children, lambda c: type(c).__name__ == "Td")]


def test_k001_card_body_has_figure_summary_table_and_stamp(reporting_db):
    """A card body has the published figure, summary and data stamp; the table waits for opening."""
    request = {
        "chart": "hoitotakuu-7vrk",
        "filters": {"from": "2024-01", "to": "2024-02"},
        "lang": "fi",
    }
    body = chart_card_body(request)
    (graph,) = _find(body, lambda c: type(c).__name__ == "Graph")
    trace = graph.figure["data"][0]
    # Published: 8 / 14 -> 10 / 15 = 66.7 % (worked out in test_api.test_a002).
    assert plotted(trace["y"]) == [66.7, 83.3]
    assert graph.config["displaylogo"] is False
    (caption,) = _find(body, lambda c: type(c).__name__ == "Figcaption")
    assert caption.children.startswith("Viimeisin arvo 2/2024: 83,3")
    # The table is not in the body: it is built when opened, with the same numbers.
    assert _find(body, lambda c: type(c).__name__ == "Table") == []
    assert table_cells(request) == ["66,7\u00a0%", "83,3\u00a0%"]
    text = str(body)
    assert "Tiedot 30.4.2024 asti." in text and "Synteettinen demoaineisto." in text


def test_k002_small_counts_show_rounded_and_a_withheld_share_two_dots(reporting_db):
    """A share on small counts is shown rounded; one resting on zero people is withheld as ".."."""

    def cells(chart, unit, month):
        return table_cells(
            {"chart": chart, "filters": {"from": month, "to": month, "unit": [unit]}, "lang": "fi"}
        )

    # TA02 1/2024: 3 of 4 visits within 7 days, rounded (keys 60,000 and 82,000:
    # test_queries.test_q003) to 5 / 5 = 100 %: shown, not "..".
    assert cells("hoitotakuu-7vrk", "TA02", "2024-01") == ["100,0\u00a0%"]
    # TA03 3/2024 has no access-type visits: the assessment share rests on 0 people,
    # published 0 (fewer than 5): withheld as "..".
    assert ".." in cells("kirjaamisen-laatu", "TA03", "2024-03")


def test_k003_database_down_gives_finnish_notice_not_traceback(reporting_db, tmp_path):
    """A missing reporting database gives the card a Finnish notice instead of a traceback."""
    original = get_settings()
    try:
        dispose_engines()
        configure(replace(original, reporting_db_url=f"duckdb:///{tmp_path}/gone.duckdb"))
        cache.clear()
        body = chart_card_body({"chart": "digiasiointi-osuus", "filters": {}, "lang": "fi"})
    finally:
        dispose_engines()
        configure(original)
    assert "Raportointitietokantaan ei juuri nyt saada yhteyttä" in str(body)


def test_k004_forged_request_is_handled(reporting_db):
    """An unknown chart or non-dict request is named as such; a bad grain still draws a graph."""
    # An unknown chart is named as such, not blamed on the database.
    assert "Pyyntöä ei palveltu, koska kuvaajaa \u201d<nope>\u201d ei ole." in str(
        chart_card_body({"chart": "<nope>"})
    )
    assert "kuvaajaa \u201dNone\u201d ei ole" in str(chart_card_body("not a dict"))
    body = chart_card_body({"chart": "digiasiointi-osuus", "filters": {"grain": "decade"}})
    assert _find(body, lambda c: type(c).__name__ == "Graph")


STATE = {"page": "digipalvelut", "search": "", "token": "build-1"}


def _propose(
    unit="#county",
    start="2022-01",
    end="latest",
    grain="month",
    service="all",
    views=None,
    phases=None,
    state=STATE,
    expanded=None,
):
    from callbacks.address import propose_address

    views, phases, expanded = views or {}, phases or {}, expanded or {}
    return propose_address(
        unit,
        start,
        end,
        grain,
        service,
        list(views.values()),
        list(phases.values()),
        list(expanded.values()),
        [],  # no peers switches
        [{"chart": c, "type": "chart-view"} for c in views],
        [{"chart": c, "type": "chart-phases"} for c in phases],
        [{"panel": p, "type": "fold"} for p in expanded],
        [],
        state,
    )


def test_k010_controls_propose_the_canonical_address_for_their_page_build(reporting_db):
    """The filter controls propose the canonical address, leaving out the default period."""
    proposal = _propose("area-a-alue", grain="year")
    # The default start and "latest" end left out of the address.
    assert proposal == {
        "token": "build-1",
        "search": "?grain=year&unit=area-a-alue",
        "links": "?grain=year&unit=area-a-alue",
        "filters": {"grain": "year", "unit": "area-a-alue"},
        "status": "",
    }


def test_k011_bad_values_are_said(reporting_db):
    """Bad month, grain and service fall back to defaults; the bad grain and service are named."""
    proposal = _propose(
        "TA02",
        start="2024-13",
        end="2023-05",
        grain="week",
        service="spa",
        state={**STATE, "search": "?embed=1"},
    )
    # Bad month and grain fall back to defaults; the unknown service gives all of them.
    assert proposal["search"] == "?to=2023-05&unit=TA02&embed=1"
    # Each refused value is named: the month, the grain and the service "spa".
    assert "Aikataso \u201dweek\u201d ei kelpaa" in proposal["status"]
    assert "Palvelu \u201dspa\u201d ei kelpaa" in proposal["status"]
    assert _propose("TA02", service="oral_health")["search"] == "?unit=TA02&service=oral_health"


@pytest.mark.unit
def test_k012_end_before_start_is_said_not_silently_reset():
    """An end month before the start uses the default period and says why."""
    proposal = _propose(start="2025-03", end="2024-01")
    assert proposal["search"] == ""  # the default period is used ...
    assert proposal["status"] == (
        "Loppukuukausi \u201d2024-01\u201d on ennen alkukuukautta \u201d2025-03\u201d, joten "
        "ajanjaksoa ei voitu käyttää."
    )


@pytest.mark.unit
def test_k013_card_views_and_phase_starts_go_into_the_address():
    """Non-default views and unique quarter-aligned phases go into the address, not the links."""
    proposal = _propose(
        grain="quarter",
        views={"hoitotakuu-7vrk": "spc", "jonot": "series", "odotusaikajakauma": "spc"},
        phases={"hoitotakuu-7vrk": ["2024-03", "2023-11", "2024-03"], "jonot": []},
    )
    # series is the default; a distribution has no run chart (said, and left out);
    # phase starts sorted and unique, each the first month of its quarter (the grain):
    # 2023-11 is in Q4/2023 (2023-10), 2024-03 in Q1/2024 (2024-01).
    assert proposal["search"] == (
        "?grain=quarter&view=hoitotakuu-7vrk:spc"
        "&phase=hoitotakuu-7vrk:2023-10&phase=hoitotakuu-7vrk:2024-01"
    )
    assert proposal["links"] == "?grain=quarter"
    assert proposal["filters"] == {"grain": "quarter"}
    assert "näkymä" in proposal["status"].lower()


@pytest.mark.unit
def test_k014_a_forged_or_missing_page_state_proposes_nothing():
    """A missing page state proposes nothing; a recorded one is re-read like a URL."""
    import pytest
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):
        _propose(state=None)
    # A recorded address is re-read like a URL: its language and embed flag stay.
    assert _propose(state={"search": "?lang=xx&embed=1&grain=week"})["search"] == "?embed=1"


@pytest.mark.unit
def test_k015_card_body_takes_phases_only_in_the_run_chart(monkeypatch):
    """The card body passes valid sorted phases only to the run chart; other views get none."""
    from callbacks import chart_cards

    calls = []

    def payload(chart_id, filters, lang, view, phases, peers=False):
        calls.append((chart_id, view, phases))
        return {"empty": True}

    monkeypatch.setattr(chart_cards, "chart_payload", payload)
    monkeypatch.setattr(chart_cards, "phase_picker", lambda *args: None)
    request = {"chart": "hoitotakuu-7vrk", "filters": {}, "lang": "fi"}
    chart_card_body(request, "spc", ["2024-03", "bad", "2024-01", "2024-03"])
    chart_card_body(request, "units", ["2024-03"])
    chart_card_body({**request, "chart": "odotusaikajakauma"}, "spc", ["2024-03"])
    chart_card_body(request, None, None)
    assert calls == [
        ("hoitotakuu-7vrk", "spc", ("2024-01", "2024-03")),
        ("hoitotakuu-7vrk", "units", ()),
        # A view the chart does not offer is its time series, which takes no phases.
        ("odotusaikajakauma", "series", ()),
        ("hoitotakuu-7vrk", "series", ()),
    ]


def test_k005_a_run_chart_with_too_few_months_is_a_time_series_without_phase_picker(
    reporting_db,
):
    """With under twelve months the run chart view draws the time series, with no phase picker."""
    # The test data holds 1/2024 .. 4/2024: four months, fewer than the twelve a run
    # chart needs, so the card draws the time series (66,7 % and 83,3 % for 1-2/2024,
    # as in k001: 8/14 is published as 10/15) and offers no phase picker, whatever
    # phase starts were asked.
    body = chart_card_body(
        {"chart": "hoitotakuu-7vrk", "filters": {"from": "2024-01", "to": "2024-02"}, "lang": "fi"},
        "spc",
        ["2024-02"],
    )
    (graph,) = _find(body, lambda c: type(c).__name__ == "Graph")
    assert plotted(graph.figure["data"][0]["y"]) == [66.7, 83.3]
    assert (
        "Näkymä: Onko muutos todellinen?"
        not in graph.figure["layout"]["meta"]["tkExport"]["context"]
    )
    pickers = _find(body, lambda c: "phase-picker" in (getattr(c, "className", "") or ""))
    assert pickers == []
    (caption,) = _find(body, lambda c: type(c).__name__ == "Figcaption")
    assert caption.children.startswith("Muutoksen tunnistukseen tarvitaan vähintään 12")


def test_k016_the_table_is_built_once_per_opening_and_refuses_like_the_body(reporting_db, tmp_path):
    """A card's table is built once, and refuses bad selections, charts and a down database."""
    request = {"chart": "hoitotakuu-7vrk", "filters": {"from": "2024-01"}, "lang": "fi"}
    # Already built (its class says so): a click that closes or reopens it changes nothing.
    assert chart_card_table(2, TABLE_BUILT, request, "series", []) == (no_update, no_update)
    # The run chart's table (too few months: drawn as the time series, as in k005),
    # starting with 1/2024 8/14 -> 10/15 = 66,7 % and 2/2024 83,3 % (k001).
    assert table_cells(request, "spc", ["2024-02"])[:2] == ["66,7\u00a0%", "83,3\u00a0%"]
    # Two units: refused before any query, with the reason, and not marked as built.
    children, built = chart_card_table(
        1, "", {**request, "filters": {"unit": ["TA01", "TA02"]}}, "series", []
    )
    assert built == "" and "selection-refused" in str(children)
    children, built = chart_card_table(1, "", {"chart": "<nope>"}, "series", [])
    assert built == "" and "kuvaajaa \u201d<nope>\u201d ei ole" in str(children)
    original = get_settings()
    try:
        dispose_engines()
        configure(replace(original, reporting_db_url=f"duckdb:///{tmp_path}/gone.duckdb"))
        cache.clear()
        children, built = chart_card_table(1, "", request, "series", [])
    finally:
        dispose_engines()
        configure(original)
    assert built == "" and "Raportointitietokantaan ei juuri nyt saada yhteyttä" in str(children)


@pytest.mark.unit
def test_k040_definition_is_fetched_when_its_disclosure_opens():
    """The card carries only the disclosure; opening it fetches the definition, the
    small-count rule and the source in the request's language. A forged chart id gets
    the unknown-chart notice, and the first render (no click) changes nothing."""
    from callbacks.chart_cards import chart_definition

    request = {"chart": "hoitotakuu-7vrk", "filters": {}, "lang": "sv"}
    text = str(chart_definition(1, request))
    assert "Täljare: icke-brådskande första sjukvårdsbesök (SH)" in text
    assert "Källa: Avohilmo-uppgifter från rapporteringsdatabasen." in text
    assert "multipel av 5" in text  # the small-count rule, with the minimum in force
    assert chart_definition(None, request) is no_update
    forged = str(chart_definition(1, {"chart": "<x>", "lang": "fi"}))
    assert "\u201d<x>\u201d" in forged
