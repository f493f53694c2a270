"""Callback responses of a page stay small (issue 10: at most 40 KB each).

Dash's renderer does work for every byte and component a callback answers with, and
the browser parses all of it, so each card's answer on the pages' first load is kept
under ``LIMIT``: the figure with only the template parts it uses, dates without a time
of day (``charts.figures.lean``), and no table until it is opened (``charts.cards.chart``); the
page's layout offers only the chosen months until the data's months come
(``dashboards._filters``). A
response's size depends on how many periods and series a chart draws, not on the
counts, so the demo data is built small but over the same span as the benchmark's
(2022-01 to 10/2026: 58 whole months). The times are in ``bench/browser.py``; sizes
are deterministic and checked here.
"""

from __future__ import annotations

import importlib

import pytest

from app import app
from charts.areas import INVESTMENT_AREAS
from queries.engine import dispose_engines
from reporting.load import build_duckdb
from settings import configure, get_settings
from tests.callback_bodies import callback_body
from tests.conftest import use_reporting_db

pytestmark = pytest.mark.db  # a generated demo in DuckDB, served in-process

LIMIT = 40 * 1024  # bytes of one callback response, as sent (not compressed)
UNTIL = "2026-11"  # data up to the end of 10/2026, as the benchmark's demo database
PAGES = {
    area.path: importlib.import_module(f"dashboards.{area.slug}").CHART_IDS
    for area in INVESTMENT_AREAS
}
KPI_IDS = [
    chart
    for ids in importlib.import_module("dashboards.overview").KPI_IDS.values()
    for chart in ids
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("weight") / "reporting.duckdb"
    build_duckdb(path, scale=0.02, until=UNTIL, seed=7)
    original = get_settings()
    use_reporting_db(f"duckdb:///{path}")
    yield path
    dispose_engines()
    configure(original)


def _output_of(component: str) -> str:
    """The output of the callback whose output names ``component`` (asking for the
    dependencies first, as the renderer does, sets up the callback map)."""
    deps = app.server.test_client().get("/_dash-dependencies").get_json()
    return next(dep["output"] for dep in deps if component in dep["output"])


def _output(kind: str) -> str:
    """The output of the callback filling the card parts of type ``kind``."""
    return _output_of(f'"type":"{kind}"')


def _first_load(kind: str, request_kind: str, chart: str) -> dict:
    """The request the renderer sends for a card of ``chart`` as a page first loads:
    its request store with the page's default filters, the default view, no phases."""
    values = {
        request_kind: {"chart": chart, "filters": {}, "lang": "fi"},
        "chart-view": "series",
        "chart-phases": [],
    }
    return callback_body(
        app,
        _output(kind),
        lambda entry: values.get(entry["id"]["type"]),
        fill=lambda _key, _index: chart,
    )


@pytest.mark.parametrize(
    "path,chart", [(path, chart) for path, charts in PAGES.items() for chart in charts]
)
def test_w001_every_chart_card_answers_in_at_most_40_kb(demo_db, path, chart):
    """Each chart card's first-load answer is a drawn figure without a table, at most 40 KB."""
    client = app.server.test_client()
    response = client.post(
        "/_dash-update-component", json=_first_load("chart-body", "chart-request", chart)
    )
    assert response.status_code == 200
    body = response.get_data()
    # A drawn figure, not a notice: a notice would be small for the wrong reason.
    assert b'"type":"Graph"' in body and b'"figure"' in body
    assert len(body) <= LIMIT, f"{path} {chart}: {len(body)} bytes"
    # The table comes when opened, not with the body.
    assert b'"type":"Table"' not in body


@pytest.mark.parametrize("path", ["/", *PAGES])
def test_w003_every_page_layout_answers_in_at_most_40_kb(demo_db, path):
    """The router's answer (the page's layout: filter bar, export panel, card frames
    with their definitions) as the browser asks for it on a first load."""
    values = {"pathname": path, "search": "", "data": None}
    body = callback_body(app, _output_of("_pages_content"), lambda e: values[e["property"]])
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert b"filter-bar" in response.get_data()
    assert len(response.get_data()) <= LIMIT, f"{path}: {len(response.get_data())} bytes"


@pytest.mark.parametrize("chart", KPI_IDS)
def test_w002_every_kpi_card_answers_in_at_most_40_kb(demo_db, chart):
    """Each overview KPI card's first-load answer is at most 40 KB."""
    client = app.server.test_client()
    response = client.post(
        "/_dash-update-component", json=_first_load("kpi-body", "kpi-request", chart)
    )
    assert response.status_code == 200
    assert b"kpi-status" in response.get_data()
    assert len(response.get_data()) <= LIMIT
