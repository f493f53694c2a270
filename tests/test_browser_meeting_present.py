"""Presentation mode and the pre-read in headless Chromium at a projector's 1280×720:
the chart in the first screen, the navigation hidden, the keyboard moving between
items, the item's timer, and no WCAG 2.1 A/AA violations axe-core can detect."""

from __future__ import annotations

from dataclasses import replace

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import app
from meetings import db as app_db_module
from meetings import store
from settings import configure, get_settings
from tests.axe import axe_violations as _axe_violations
from tests.servers import WAIT

pytestmark = pytest.mark.browser
AUTHOR = "Testi Käyttäjä"


@pytest.fixture
def meeting(browser_db, tmp_path):
    """A held meeting with two items on a fresh SQLite app DB; the earlier meeting of
    the series decided on the first item's chart."""
    original = get_settings()
    url = f"sqlite:///{tmp_path}/app.db"
    configure(replace(original, app_db_url=url))
    app_db_module.migrate(url)
    series = store.create_series("Johtoryhmä", author=AUTHOR)
    earlier = store.create_meeting(series["id"], "Tammikuu", "2024-01-10", author=AUTHOR)
    item = store.add_item(
        earlier["id"], earlier["version"], "sahkoiset-lomakkeet-osuus", "", 5, author=AUTHOR
    )
    store.add_decision(
        item["id"],
        kind="action",
        title="Ohjeet verkkoon",
        owner="Analyytikko",
        due_date="2024-02-01",
        author=AUTHOR,
    )
    held = store.create_meeting(series["id"], "Helmikuu", "2024-02-10", author=AUTHOR)
    version = held["version"]
    for chart_id in ("sahkoiset-lomakkeet-osuus", "hoitotakuuseuranta-kattavuus"):
        store.add_item(held["id"], version, chart_id, "", 5, author=AUTHOR)
        version += 1
    yield held["id"]
    app_db_module.dispose()
    configure(original)


def _projector(dash_duo) -> None:
    """A 1280×720 viewport, as a projector shows the page."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False},
    )


def _text(dash_duo, selector: str) -> str:
    """The text of the first element matching ``selector`` ("" when there is none),
    read in one script call (no stale element while the router swaps the page)."""
    return dash_duo.driver.execute_script(
        "var el = document.querySelector(arguments[0]); return el ? el.textContent : '';",
        selector,
    )


# Whether the page is wider than the window (a horizontal scroll bar).
_OVERFLOW = "return document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _seconds(timer_text: str) -> int:
    """Seconds counted from a timer text "mm:ss / 5 min"."""
    minutes, seconds = timer_text.split(" ", 1)[0].split(":")
    return 60 * int(minutes) + int(seconds)


def test_bp001_present_with_the_keyboard_chart_in_the_first_screen(dash_duo, meeting):
    """Presentation fits the chart in the first screen, steps by keyboard, times items, exits."""
    dash_duo.start_server(app)
    _projector(dash_duo)
    base = dash_duo.server_url
    dash_duo.wait_for_page(url=f"{base}/tietokeskustelut/{meeting}/esitys/1")
    dash_duo.wait_for_element("#present-graph .main-svg", timeout=WAIT)
    driver = dash_duo.driver
    assert driver.execute_script("return window.innerHeight") == 720
    # No navigation (presentation mode has the bare frame); the chart's graph ends
    # inside the first screen.
    assert dash_duo.find_elements("#app-header") == []
    bottom = driver.execute_script(
        "return document.getElementById('present-graph').getBoundingClientRect().bottom"
    )
    assert 0 < bottom <= 720
    assert driver.execute_script(_OVERFLOW) is False
    assert _text(dash_duo, "#present-position") == "Kohta 1 / 2"
    assert "Toimenpide: Ohjeet verkkoon" in _text(dash_duo, ".present-aside")
    assert "Myöhässä" in _text(dash_duo, ".present-aside")
    # The timer counts from when the item was opened: "mm:ss / 5 min".
    until(lambda: _seconds(_text(dash_duo, "#present-timer")) >= 1, timeout=WAIT)
    assert _text(dash_duo, "#present-timer").endswith(" / 5 min")
    assert _axe_violations(dash_duo) == [], "presentation"

    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    until(lambda: _text(dash_duo, "#present-position") == "Kohta 2 / 2", timeout=WAIT)
    assert driver.current_url == f"{base}/tietokeskustelut/{meeting}/esitys/2"
    assert _text(dash_duo, "#present-title") == "Hoitotakuun seurannan kattavuus"
    # A new item, a new count.
    assert _seconds(_text(dash_duo, "#present-timer")) <= 2
    # Past the item's minutes the timer says so in text and style.
    driver.execute_script(
        "document.getElementById('present-timer').setAttribute('data-minutes', '0')"
    )
    until(lambda: "aika ylitetty" in _text(dash_duo, "#present-timer"), timeout=WAIT)
    assert "over-time" in dash_duo.find_element("#present-timer").get_attribute("class")

    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()  # the last item: stays
    ActionChains(driver).send_keys(Keys.PAGE_UP).perform()
    until(lambda: _text(dash_duo, "#present-position") == "Kohta 1 / 2", timeout=WAIT)
    ActionChains(driver).send_keys(Keys.SPACE).perform()
    until(lambda: _text(dash_duo, "#present-position") == "Kohta 2 / 2", timeout=WAIT)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    until(lambda: driver.current_url == f"{base}/tietokeskustelut/{meeting}", timeout=WAIT)
    until(lambda: dash_duo.find_element("#app-header").is_displayed(), timeout=WAIT)
    assert dash_duo.get_logs() == []


def test_bp002_preread_renders_its_charts_and_passes_axe(dash_duo, meeting):
    """The pre-read draws its charts after the open actions, does not overflow and passes axe."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/tietokeskustelut/{meeting}/ennakko")
    until(lambda: len(dash_duo.find_elements(".preread .main-svg")) >= 2, timeout=WAIT)
    text = _text(dash_duo, ".preread")
    assert text.index("Edellisten kokousten avoimet toimenpiteet") < text.index("1. ")
    assert "Ohjeet verkkoon" in text
    assert dash_duo.driver.execute_script(_OVERFLOW) is False
    assert _axe_violations(dash_duo) == [], "pre-read"
    assert dash_duo.get_logs() == []
