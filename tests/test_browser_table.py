"""A card's "show as table" in headless Chromium: built when opened, by keyboard too.

The table is not part of the card's first answer (``charts.cards.chart.chart_body``); opening
its ``<details>`` asks for it (``callbacks.chart_cards.chart_card_table``). It must
still be there for keyboard and screen-reader users (WCAG 2.1 AA): the disclosure is in
the tab order, opens with Enter, and the table has its caption and row and column
headers.
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from app import app
from tests.servers import WAIT

pytestmark = pytest.mark.browser
CARD = "#card-hoitotakuu-7vrk"


def test_t001_the_table_appears_when_opened_by_keyboard(dash_duo, browser_db):
    """A card's table is built once, when opened by keyboard, with published values; focus stays."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01&to=2024-02")
    dash_duo.wait_for_element(CARD + " .js-plotly-plot", timeout=WAIT)
    summary = dash_duo.find_element(CARD + " .chart-table-toggle summary")
    assert summary.text == "Näytä taulukkona"
    # Not built yet: no table anywhere on the page before one is opened.
    assert dash_duo.find_elements(".chart-table") == []
    # In the tab order: Tab from the card's view switch (the control before the chart)
    # reaches it.
    dash_duo.find_element(CARD + " .chart-view input:checked").send_keys(Keys.TAB)
    passed = []
    while dash_duo.driver.switch_to.active_element != summary and len(passed) < 10:
        active = dash_duo.driver.switch_to.active_element
        passed.append(active.get_attribute("outerHTML")[:80])
        active.send_keys(Keys.TAB)
    assert dash_duo.driver.switch_to.active_element == summary, passed
    summary.send_keys(Keys.ENTER)
    dash_duo.wait_for_element(CARD + " .chart-table tbody tr", timeout=WAIT)
    # The keyboard focus stays on the disclosure while the table comes in.
    assert dash_duo.driver.switch_to.active_element == summary
    details = dash_duo.find_element(CARD + " .chart-table-toggle")
    assert details.get_attribute("open") is not None
    table = dash_duo.find_element(CARD + " .chart-table")
    assert table.find_element("css selector", "caption").text == (
        "Kiireettömät käynnit 7 vuorokauden kuluessa hoidon tarpeen arvioinnista"
    )
    # Published shares as in test_callbacks k001: 1/2024 8/14 -> 10/15 = 66,7 %,
    # 2/2024 25/30 = 83,3 %.
    rows = table.find_elements("css selector", "tbody tr")
    assert [r.get_attribute("textContent") for r in rows] == [
        "1/202466,7\u00a0%",
        "2/202483,3\u00a0%",
    ]
    assert all(r.find_element("css selector", "th").get_attribute("scope") == "row" for r in rows)
    # Closed and opened again: the same table, not asked for again.
    summary.send_keys(Keys.ENTER)
    until(lambda: details.get_attribute("open") is None, timeout=WAIT)
    summary.send_keys(Keys.ENTER)
    until(lambda: details.get_attribute("open") is not None, timeout=WAIT)
    assert len(dash_duo.find_elements(CARD + " .chart-table")) == 1
    # Another card's table is still not built.
    assert len(dash_duo.find_elements(".chart-table")) == 1
    assert dash_duo.get_logs() == []


def test_t002_the_definition_appears_when_opened_by_keyboard(dash_duo, browser_db):
    """The card's "Määritelmä" is a native disclosure whose text is fetched when it
    is first opened (``callbacks.chart_cards.chart_definition``), by Enter too."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01&to=2024-02")
    dash_duo.wait_for_element(CARD + " .js-plotly-plot", timeout=WAIT)
    summary = dash_duo.find_element(CARD + " .chart-definition summary")
    assert summary.text == "Määritelmä"
    summary.send_keys(Keys.ENTER)
    body = CARD + " .chart-definition-body"
    until(lambda: "Osoittaja:" in dash_duo.find_element(body).text, timeout=WAIT)
    text = dash_duo.find_element(body).text
    assert "Lähde: Avohilmo-tiedot raportointitietokannasta." in text
    assert "Pienet luvut suojataan" in text
    assert dash_duo.get_logs() == []
