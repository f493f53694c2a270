"""Unit codes that are well-formed but not nodes of the unit hierarchy (issue 7, item 16;
issue 8): pages show the county with a notice, the data API answers 400, and the chart
and KPI callbacks refuse them without querying for them. The foundation fixture's
units are TA01, TA02, TA03 (tests/test_unit_hierarchy.py has the hierarchy itself)."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa

from callbacks.chart_cards import chart_card_body
from callbacks.kpi_cards import kpi_card_body
from charts.areas import INVESTMENT_AREAS
from charts.cards.chart import SHOWS_ERROR, chart_error, retrying
from queries.engine import get_engine
from tests.conftest import use_reporting_db
from translations import t

PAGES = [importlib.import_module("dashboards.overview")] + [
    importlib.import_module(f"dashboards.{area.slug}") for area in INVESTMENT_AREAS
]
EMBED = importlib.import_module("dashboards.embed")
# The notice names the refused code in Finnish quotes (written out by hand).
UNKNOWN = "Aluetta, kuntaa tai yksikköä (unit) \u201dXYZ\u201d ei ole raportointitietokannassa."


def _components(node):
    """Every component in a layout tree, depth first."""
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _components(child)


def _stores(layout) -> list[dict]:
    """The data of every card request store (chart and KPI cards)."""
    return [
        c.data
        for c in _components(layout)
        if isinstance(getattr(c, "id", None), dict)
        and c.id.get("type") in ("chart-request", "kpi-request")
    ]


def _unit_selection(layout):
    (store,) = [c for c in _components(layout) if getattr(c, "id", None) == "unit-selection"]
    return store.data


def test_u001_pages_drop_unknown_unit_codes_and_say_so(reporting_db):
    """Pages and embeds drop an unknown unit code, show the county and name it in a notice."""
    for page in PAGES:
        layout = page.layout(unit="XYZ", **{"from": "2024-01"})
        rendered = str(layout)
        assert "url-notice" in rendered and UNKNOWN in rendered, page.__name__
        # XYZ is no node: the whole county (no unit parameter); the start month stays.
        assert all(s["filters"] == {"from": "2024-01"} for s in _stores(layout)), page.__name__
        assert _unit_selection(layout) == ""
        # Known nodes only: no notice at all.
        assert "url-notice" not in str(page.layout(unit="TA01"))
        assert "url-notice" not in str(page.layout(unit="municipality-903"))
    embedded = EMBED.layout("hoitotakuu-7vrk", unit="XYZ")
    assert UNKNOWN in str(embedded) and "unit" not in _stores(embedded)[0]["filters"]


def test_u002_data_api_answers_400_for_unknown_unit_codes(client):
    """The data API answers 400 naming an unknown or wrongly cased unit code, in JSON and CSV."""
    for query, code in (
        ("unit=XYZ", "XYZ"),
        ("unit=ta01", "ta01"),
        ("unit=municipality-99", "municipality-99"),
    ):  # ids are exact
        response = client.get("/api/charts/hoitotakuu-7vrk/data.json?" + query)
        assert response.status_code == 400, query
        # Says that the request was refused, and why, naming the code.
        assert response.get_json() == {
            "error": "Pyyntöä ei palveltu, koska osa rajauksista ei kelpaa: "
            + UNKNOWN.replace("XYZ", code)
        }
        csv = client.get("/api/charts/hoitotakuu-7vrk/data.csv?" + query)
        assert csv.status_code == 400, query
    assert client.get("/api/charts/hoitotakuu-7vrk/data.json?unit=TA01").status_code == 200


@pytest.fixture
def executed(reporting_db):
    """The parameters of every statement sent to the reporting DB during the test."""
    seen: list = []

    def record(_conn, _cursor, _statement, parameters, _context, _executemany):
        seen.append(repr(parameters))

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def _request(chart: str, **filters) -> dict:
    return {
        "chart": chart,
        "filters": {"from": "2024-01", "to": "2024-02", **filters},
        "lang": "fi",
    }


def test_u003_callbacks_never_query_for_invented_unit_codes(executed):
    """Card callbacks refuse forged unit codes with a reason and never send them in a query."""
    chart_card_body(_request("hoitotakuu-7vrk", unit="TA01"), "series")
    assert any("TA01" in params for params in executed)  # the spy sees unit parameters
    executed.clear()
    # A forged store: each card refuses it, says why, and shows no data ...
    for unit in (["TA01", "XYZ"], ["XYZ"]):
        body = str(chart_card_body(_request("hoitotakuu-7vrk", unit=unit), "series"))
        assert "selection-refused" in body and "Graph" not in body, unit
        # The KPI card says why (the selection is refused), as the chart card does.
        assert "selection-refused" in str(kpi_card_body(_request("hoitotakuu-7vrk", unit=unit)))
    for view in ("units", "spc"):
        body = str(chart_card_body(_request("hoitotakuu-7vrk", unit=["QQ9"]), view))
        assert UNKNOWN.replace("XYZ", "QQ9") in body and "Graph" not in body
    # ... and no query names an invented code.
    assert not any("XYZ" in params or "QQ9" in params for params in executed), executed


def test_u004_without_the_unit_list_pages_render_and_data_waits(client, tmp_path):
    """With the DB down a page keeps an unjudged unit code; API and cards say the DB is down."""
    use_reporting_db(f"duckdb:///{tmp_path}/missing.duckdb")  # the database is down
    # The page cannot judge the code: it renders, keeps it, and its cards say the DB is
    # unreachable (their callback, below) rather than guess.
    layout = PAGES[1].layout(unit="XYZ")
    assert UNKNOWN not in str(layout)
    assert all(s["filters"]["unit"] == "XYZ" for s in _stores(layout))
    response = client.get("/api/charts/hoitotakuu-7vrk/data.json?unit=XYZ")
    assert response.status_code == 503
    assert response.get_json() == {
        "error": "Pyyntöä ei palveltu, koska raportointitietokantaan ei juuri nyt saada "
        "yhteyttä. Yritä hetken kuluttua uudelleen."
    }
    body = chart_card_body(_request("hoitotakuu-7vrk", unit=["XYZ"]), "series")
    # The database notice, and the card asks again by itself (charts.cards.chart.retrying).
    assert str(body) == str(chart_error("fi") + retrying("chart", "hoitotakuu-7vrk", SHOWS_ERROR))
    assert t("kpi.unavailable") in str(kpi_card_body(_request("hoitotakuu-7vrk", unit=["XYZ"])))
