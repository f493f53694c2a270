"""Warm-up (``warm``): after it, a browser's first view of every page runs no SQL on
the reporting database — the warm keys are exactly the keys the page's callbacks use.

Counted in this process with SQLAlchemy's ``before_cursor_execute`` event on the
reporting engine: the Dash server runs in a thread here (``dash_duo``). The app
database (decisions drawn on the charts) is read anew on every view by design and is
not counted.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa
from dash.testing.wait import until

import warm
from app import app
from charts.areas import ALL_AREAS
from charts.catalog import CHARTS
from dashboards.overview import KPI_IDS
from queries.data_version import forget_data_version
from queries.engine import get_engine
from settings import configure, get_settings
from tests.servers import WAIT
from translations import t
from warm.__main__ import main as warm_command

pytestmark = pytest.mark.browser
# The overview's KPI cards, in the order it shows them (dashboards/overview.py KPI_IDS:
# today 4 + 3 + 2 + 4 = 13 cards).
KPIS = [chart for ids in KPI_IDS.values() for chart in ids]
# The cards a warm-up computes: every catalog chart once, on its area's page
# (tests/test_chart_contract.py checks each is on exactly one page), plus the KPI
# cards (today 22 charts + 13 KPIs = 35). Derived, so a new chart or KPI needs no edit here.
CARDS = len(CHARTS) + len(KPIS)


@pytest.fixture
def long_version_ttl():
    # A page view must not re-read the data version just because the test is slow.
    original = get_settings()
    configure(replace(original, data_version_ttl=3600.0))
    forget_data_version()
    yield
    configure(original)
    forget_data_version()


def test_w001_page_cards_are_every_card_of_every_page(browser_db):
    """The warm-up covers every chart and KPI card of every page in its default view."""
    calls = warm.page_cards(app)
    pages = {area.path for area in ALL_AREAS}
    assert {call.page for call in calls} == pages
    charts = [call.chart for call in calls if call.kind == "chart"]
    kpis = [call.chart for call in calls if call.kind == "kpi"]
    # Every catalog chart, each on one area page (tests/test_chart_contract.py), and the
    # overview's KPI cards in KPI_IDS's order.
    assert len(charts) == len(set(charts)) == len(CHARTS)
    assert kpis == KPIS
    # The default view: the time series, no phase starts, no filters in the request.
    assert {(call.view, call.phases) for call in calls if call.kind == "chart"} == {("series", ())}
    assert all(call.request["filters"] == {} for call in calls)


def _drawn(dash_duo, path: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)
    loading = t("card.loading", "fi")
    if path == "/":
        until(lambda: len(dash_duo.find_elements(".kpi-card")) == len(KPIS), timeout=WAIT)
        until(
            lambda: all(loading not in card.text for card in dash_duo.find_elements(".kpi-card")),
            timeout=WAIT,
        )
    else:
        until(
            lambda: (
                dash_duo.find_elements(".chart-card")
                and len(dash_duo.find_elements(".chart-card .js-plotly-plot"))
                == len(dash_duo.find_elements(".chart-card"))
            ),
            timeout=WAIT,
        )


def test_w002_after_warm_up_a_first_page_view_runs_no_sql(browser_db, long_version_ttl, dash_duo):
    """After warm-up a browser's first view of every page runs no reporting SQL."""
    report = warm.warm(app)
    assert report.failed == [] and len(report.computed) == CARDS
    statements: list[str] = []

    def count(_conn, _cursor, sql, _params, _context, _many):
        statements.append(sql)

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        dash_duo.start_server(app)
        for area in ALL_AREAS:
            _drawn(dash_duo, area.path)
        dash_duo.driver.get("about:blank")
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert statements == []
    assert dash_duo.get_logs() == []


def test_w003_warm_up_at_start_runs_beside_serving_and_fills_the_cache(
    browser_db, long_version_ttl
):
    """The background warm-up runs in a daemon thread and fills the cache fully."""
    thread = warm.warm_in_background(app)
    assert thread.daemon  # the server neither waits for it nor is kept alive by it
    thread.join(timeout=600)
    assert not thread.is_alive()
    statements: list[str] = []

    def count(_conn, _cursor, sql, _params, _context, _many):
        statements.append(sql)

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        again = warm.warm(app)  # everything the background warm-up filled is a hit
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(again.computed) == CARDS and statements == []


def test_w004_the_command_refuses_a_cache_the_servers_do_not_share(capsys):
    """The warm command exits 2 for a process-local SimpleCache and has a --help."""
    # A SimpleCache is this process's own: warming it would change nothing the servers
    # read, so the command says so and exits 2 without computing a card.
    original = get_settings()
    configure(replace(original, cache_type="SimpleCache"))
    try:
        assert warm_command([]) == 2
    finally:
        configure(original)
    assert "TK_CACHE_TYPE is SimpleCache" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        warm_command(["--help"])
    assert done.value.code == 0
    assert "python -m warm" in capsys.readouterr().out
