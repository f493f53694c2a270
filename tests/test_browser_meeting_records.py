"""Recording an action and an information need on an agenda item's page in headless
Chromium: the card's view switch leaves the address alone, the action is saved,
listed and marked done, the need reaches the backlog, and axe-core finds no WCAG 2.1
A/AA violations on either page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from dash.testing.wait import until

from app import app
from meetings import db as app_db_module
from meetings import store
from settings import configure, get_settings
from tests.axe import axe_violations as _axe_violations
from tests.servers import WAIT

pytestmark = pytest.mark.browser
WRITER = "Analyytikko A"

# Sets an input's value the way typing does, so React (and Dash) see the change; a
# date input's typed form depends on the browser's locale, its value never does.
SET_VALUE = """
const input = arguments[0];
const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
setter.call(input, arguments[1]);
input.dispatchEvent(new Event('input', {bubbles: true}));
input.dispatchEvent(new Event('change', {bubbles: true}));
"""


@pytest.fixture
def writer_db(browser_db, tmp_path) -> Iterator[int]:
    """A migrated SQLite app DB with a meeting (5.3.2026) whose one item is the 7-day
    care guarantee for 1–2/2024, and the demo user ``WRITER``; yields the meeting id."""
    original = get_settings()
    url = f"sqlite:///{tmp_path}/app.db"
    configure(replace(original, app_db_url=url, demo_user=WRITER))
    app_db_module.migrate(url)
    series = store.create_series("Järjestäjän johtoryhmä", author=WRITER)
    meeting = store.create_meeting(series["id"], "Maaliskuu", "2026-03-05", author=WRITER)
    store.add_item(meeting["id"], 1, "hoitotakuu-7vrk", "from=2024-01&to=2024-02", author=WRITER)
    yield meeting["id"]
    app_db_module.dispose()
    configure(original)


def _click(dash_duo, selector: str) -> None:
    """A click by script (selenium's own refuses what the shell's sticky header covers
    at the scroll position it picks)."""
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element(selector))


def test_br001_action_recorded_on_the_item_page(dash_duo, writer_db):
    """An action and a need recorded on an item page are listed, stored and reach the backlog."""
    dash_duo.start_server(app)
    url = dash_duo.server_url + f"/tietokeskustelut/{writer_db}/kohta/1"
    dash_duo.wait_for_page(url=url)
    card = "#card-hoitotakuu-7vrk"
    # 2/2024: 25 of 30 visits within 7 days = 83.3 % (tests/test_browser.py b005).
    dash_duo.wait_for_contains_text(card + " .chart-summary", "Viimeisin arvo 2/2024: 83,3")
    # The card's view switch redraws the card and writes no address.
    dash_duo.driver.execute_script(
        "arguments[0].click();", dash_duo.find_element(card + " .chart-view input[value='units']")
    )
    dash_duo.wait_for_contains_text(card + " .chart-summary", "Jakso 2/2024: suurin arvo")
    assert dash_duo.driver.current_url == url
    # The date inputs are the browser's own.
    due = dash_duo.find_element("#record-decision-due")
    assert due.get_attribute("type") == "date"
    dash_duo.find_element("#record-decision-title").send_keys("Iltavastaanotot kahdelle asemalle")
    dash_duo.find_element("#record-decision-owner").send_keys("Palvelualuejohtaja")
    dash_duo.driver.execute_script(SET_VALUE, due, "2026-04-30")
    dash_duo.driver.execute_script(
        "arguments[0].click();", dash_duo.find_element("#record-decision-effect input[value='up']")
    )
    dash_duo.driver.execute_script(
        SET_VALUE, dash_duo.find_element("#record-decision-effect-by"), "2026-09-30"
    )
    _click(dash_duo, "#record-decision-add")
    dash_duo.wait_for_contains_text(
        "#record-decision-result", "Kirjattu: Iltavastaanotot kahdelle asemalle."
    )
    listed = dash_duo.find_element("#record-decision-list").text
    assert "Vastuu: Palvelualuejohtaja · Määräpäivä 30.4.2026 · Tila: avoin" in listed
    assert "Odotettu vaikutus indikaattoriin: nousee 30.9.2026 mennessä" in listed
    until(
        lambda: dash_duo.find_element("#record-decision-title").get_attribute("value") == "",
        timeout=WAIT,
    )
    # Mark it done: the list is drawn again with the new status.
    _click(dash_duo, "#record-decision-list button")
    dash_duo.wait_for_contains_text("#record-decision-list", "Tila: tehty")
    assert dash_duo.driver.current_url == url
    # An information need, then the backlog lists it with a link back to the item.
    dash_duo.find_element("#record-need-text").send_keys("Hoitotakuu ammattiryhmittäin")
    _click(dash_duo, "#record-need-add")
    dash_duo.wait_for_contains_text("#record-need-list", "Hoitotakuu ammattiryhmittäin")
    assert _axe_violations(dash_duo) == []
    dash_duo.wait_for_page(url=dash_duo.server_url + "/tietokeskustelut/tietotarpeet?tila=new")
    dash_duo.wait_for_contains_text(".backlog-need", "Hoitotakuu ammattiryhmittäin")
    link = dash_duo.find_element(".backlog-need a[href$='/kohta/1']")
    assert link.get_attribute("href") == url
    assert _axe_violations(dash_duo) == []
    assert dash_duo.get_logs() == []
    (row,) = store.item_records(store.get_meeting(writer_db)["items"][0]["id"])["decisions"]
    assert (row["title"], row["owner"], str(row["due_date"]), row["status"]) == (
        "Iltavastaanotot kahdelle asemalle",
        "Palvelualuejohtaja",
        "2026-04-30",
        "done",
    )
