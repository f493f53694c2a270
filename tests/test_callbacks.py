"""The chart-card callback, called directly (no browser)."""

from __future__ import annotations

import base64
from dataclasses import replace

import numpy as np

from callbacks.chart_cards import chart_card_body
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


def test_k001_card_body_has_figure_summary_table_and_stamp(reporting_db):
    body = chart_card_body(
        {"chart": "hoitotakuu-7vrk", "filters": {"from": "2024-01", "to": "2024-02"}, "lang": "fi"}
    )
    (graph,) = _find(body, lambda c: type(c).__name__ == "Graph")
    trace = graph.figure["data"][0]
    assert plotted(trace["y"]) == [57.1, 83.3]
    assert graph.config["displaylogo"] is False
    (caption,) = _find(body, lambda c: type(c).__name__ == "Figcaption")
    assert caption.children.startswith("Viimeisin arvo 2/2024: 83,3")
    cells = [c.children for c in _find(body, lambda c: type(c).__name__ == "Td")]
    assert cells == ["57,1\u00a0%", "83,3\u00a0%"]
    text = str(body)
    assert "Tiedot 30.4.2024 asti." in text and "Synteettinen demoaineisto." in text


def test_k002_suppressed_cells_show_two_dots(reporting_db):
    body = chart_card_body(
        {
            "chart": "hoitotakuu-7vrk",
            "filters": {"from": "2024-01", "to": "2024-01", "unit": ["TA02"]},
            "lang": "fi",
        }
    )
    cells = [c.children for c in _find(body, lambda c: type(c).__name__ == "Td")]
    assert cells == [".."]


def test_k003_database_down_gives_finnish_notice_not_traceback(reporting_db, tmp_path):
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
    assert "Raportointitietokantaan" in str(chart_card_body({"chart": "<nope>"}))
    assert "Raportointitietokantaan" in str(chart_card_body("not a dict"))
    body = chart_card_body({"chart": "digiasiointi-osuus", "filters": {"grain": "decade"}})
    assert _find(body, lambda c: type(c).__name__ == "Graph")


def test_k010_apply_filters_writes_url_and_updates_only_changed_cards():
    from dash import no_update

    from callbacks.filters import apply_filters

    requests = [
        {"chart": "a", "filters": {}, "lang": "fi"},
        {"chart": "b", "filters": {"grain": "year", "unit": ["TA01", "TA03"]}, "lang": "fi"},
    ]
    kpis = [{"chart": "a", "filters": {"grain": "year", "unit": ["TA01", "TA03"]}}]
    search, updated, kpi_updated, summary, status = apply_filters(
        [["TA03"], ["TA01"]], "2022-01", "latest", "year", [], requests, kpis, [], "?lang=fi"
    )
    # Units sorted, the default start and "latest" end left out of the URL.
    assert search == "?grain=year&unit=TA01&unit=TA03"
    assert updated[0] == {
        "chart": "a",
        "filters": {"grain": "year", "unit": ["TA01", "TA03"]},
        "lang": "fi",
    }
    assert updated[1] is no_update and kpi_updated == [no_update]
    assert summary == "2 valittu" and status == ""


def test_k011_apply_filters_keeps_url_units_until_checkboxes_load_and_drops_bad_values():
    from callbacks.filters import apply_filters

    search, _updated, _kpis, summary, status = apply_filters(
        [], "2024-13", "2023-05", "week", ["oral_health", "spa"], [], [], ["TA02"], "?embed=1"
    )
    # Bad month and grain fall back to defaults; the unknown service is dropped.
    assert search == "?to=2023-05&unit=TA02&service=oral_health&embed=1"  # embed kept
    assert summary == "1 valittu"
    assert "Aikatason" in status and "palvelu" in status.lower()


def test_k012_end_before_start_is_said_not_silently_reset():
    from callbacks.filters import apply_filters

    search, *_rest, status = apply_filters([], "2025-03", "2024-01", "month", [], [], [], [], "")
    assert search == ""  # the default period is used ...
    assert status == "Loppukuukausi on ennen alkukuukautta; näytetään koko ajanjakso."
