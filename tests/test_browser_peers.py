"""The peers switch of a national chart's card in headless Chromium: on, the figure gets
the counties' band and the country's line, the text alternative its comparison
sentence and the address ``peers=<chart id>``; off, all of it goes again. Runs on the
peer-context fixture (``tests/fixtures/peers.py``; its numbers are worked out in
``tests/test_peers.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import StaleElementReferenceException

import tests.fixtures.peers
from app import app
from queries.engine import dispose_engines
from settings import configure, get_settings
from tests.conftest import fixture_db_url, use_reporting_db
from tests.servers import WAIT

pytestmark = pytest.mark.browser
CHART = "hoitotakuu-7vrk"
CARD = f"#card-{CHART}"
PAGE = "/hoitoonpaasy?from=2023-01&to=2024-12&grain=year"
# Traces of the peer context in the card's graph (charts.figures.peers.PEERS_META).
PEER_TRACES = (
    "return document.querySelector(arguments[0] + ' .js-plotly-plot').data"
    ".filter(function (trace) { return trace.meta === 'tk-peers'; }).length;"
)


def text_of(dash_duo, selector: str) -> str:
    """The element's text, or "" while a new card body replaces it."""
    try:
        return dash_duo.find_element(selector).text
    except StaleElementReferenceException:
        return ""


@pytest.fixture
def peers_db(request) -> Iterator[str]:
    """The app on the DuckDB peer-context fixture."""
    original = get_settings()
    url = fixture_db_url("duckdb", tests.fixtures.peers, request)
    use_reporting_db(url)
    yield url
    dispose_engines()
    configure(original)


def test_bp001_the_switch_adds_and_removes_the_peer_context(dash_duo, peers_db):
    """Switching peers on draws the band, says the comparison and writes peers= to the address."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + PAGE)
    dash_duo.wait_for_element(CARD + " .js-plotly-plot", timeout=WAIT)
    switch = dash_duo.find_element(CARD + " .chart-peers input")
    # A checkbox named by its visible label (the label's for= points at it).
    label = dash_duo.find_element(f"{CARD} .chart-peers label[for='{switch.get_attribute('id')}']")
    assert label.text == "Näytä vertailu: koko maa ja hyvinvointialueet"
    assert not switch.is_selected()
    assert dash_duo.driver.execute_script(PEER_TRACES, CARD) == 0

    switch.click()
    caption = CARD + " .chart-summary"
    until(lambda: "Vertailu 2024:" in text_of(dash_duo, caption), timeout=WAIT)
    # 2024 in the working of tests/test_peers.py: Q1 59,0 %, Q3 65,5 %, 52,0–75,0 %, 7.
    # (Selenium gives the no-break spaces as plain spaces.)
    assert "keskimmäinen puolikas 59,0 %–65,5 %" in text_of(dash_duo, caption)
    # Two bands (lower and filled upper edge each) and the country's line.
    until(lambda: dash_duo.driver.execute_script(PEER_TRACES, CARD) == 5, timeout=WAIT)
    until(lambda: f"peers={CHART}" in dash_duo.driver.current_url, timeout=WAIT)
    stamp = dash_duo.find_element(CARD + " .chart-stamp").text
    assert "Vertailutiedon lähde: THL / Sotkanet, CC BY 4.0." in stamp

    # The address reopens the card with the switch on.
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_element(CARD + " .js-plotly-plot", timeout=WAIT)
    until(lambda: "Vertailu 2024:" in text_of(dash_duo, caption), timeout=WAIT)
    switch = dash_duo.find_element(CARD + " .chart-peers input")
    assert switch.is_selected()

    switch.click()
    until(
        lambda: "Viimeisin arvo" in (text := text_of(dash_duo, caption)) and "Vertailu" not in text,
        timeout=WAIT,
    )
    until(lambda: dash_duo.driver.execute_script(PEER_TRACES, CARD) == 0, timeout=WAIT)
    until(lambda: "peers=" not in dash_duo.driver.current_url, timeout=WAIT)
    assert dash_duo.get_logs() == []
