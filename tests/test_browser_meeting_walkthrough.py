"""A whole data discussion in headless Chromium, as a secretary runs it: a series and a
meeting are created, the agenda is built (one item from the catalog search, one
suggested item accepted), the pre-read is opened, the meeting is presented with the
keyboard, an observation, an action with owner and due date and an information need
are recorded; the action's marker then shows on the chart's page, in its embed and in
a PowerPoint export, and the minutes (.docx, reopened with python-docx) hold it all."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from dash.testing.wait import until
from docx import Document
from pptx import Presentation
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import app
from dashboards._export import IDS
from meetings import store
from settings import configure, get_settings
from tests.axe import axe_violations as _axe_violations
from tests.servers import WAIT
from tests.test_meeting_pages import _set_value

pytestmark = pytest.mark.browser

SECRETARY = "Sihteeri S"
OBSERVATION = "Jono on kasvanut kolme kuukautta peräkkäin; syy on lääkärivaje."
ACTION = "Iltavastaanotot kahdelle asemalle"
OWNER = "Palvelualuejohtaja"
NEED = "Jonot ammattiryhmittäin"
QUEUES = "#card-jonot"
TODAY = date.today()
DUE = TODAY + timedelta(days=60)


def _click(dash_duo, selector: str) -> None:
    """Click ``selector`` once no callback is pending: on a busy machine a late answer
    can still redraw the form, and a click on the replaced button is lost (CI once
    waited 90 s for a status that no request had been sent for)."""
    try:
        until(dash_duo._wait_for_callbacks, timeout=WAIT)
    except Exception as exc:  # dash's TestingTimeoutError: say what is still pending
        pending = [(rq.get("output"), rq.get("status")) for rq in dash_duo.redux_state_rqs]
        raise AssertionError(f"callbacks still pending before {selector}: {pending}") from exc
    # By script: the sticky header can cover the point selenium would click.
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element(selector))


def _text(dash_duo, selector: str) -> str:
    return dash_duo.driver.execute_script(
        "var el = document.querySelector(arguments[0]); return el ? el.textContent : '';",
        selector,
    )


@pytest.mark.parametrize("app_db", ["sqlite"], indirect=True)
def test_w001_a_whole_meeting(dash_duo, browser_db, app_db):
    """A secretary runs a whole meeting, series to minutes, in the browser (see the module)."""
    original = get_settings()
    configure(replace(original, demo_user=SECRETARY))
    try:
        _walk(dash_duo)
    finally:
        configure(original)


def _walk(dash_duo) -> None:
    dash_duo.start_server(app)
    base = dash_duo.server_url
    driver = dash_duo.driver

    # 1. A series and a meeting, today (suggestions are for today's and coming meetings;
    # its decisions stand at the end of the charts' lines, after the fixture's months).
    dash_duo.wait_for_page(url=base + "/tietokeskustelut")
    dash_duo.wait_for_element("#series-new-name", timeout=WAIT)
    _set_value(dash_duo, "#series-new-name", "Järjestäjän johtoryhmä")
    _click(dash_duo, "#series-new-save")
    dash_duo.wait_for_contains_text("#series-new-status", "luotiin", timeout=WAIT)
    _click(dash_duo, "#series-new-status a")
    dash_duo.wait_for_element("#meeting-new-title", timeout=WAIT)
    _set_value(dash_duo, "#meeting-new-title", "Helmikuun tietokeskustelu")
    _set_value(dash_duo, "#meeting-new-date", TODAY.isoformat())
    _click(dash_duo, "#meeting-new-save")
    dash_duo.wait_for_contains_text("#meeting-new-status", "luotiin", timeout=WAIT)
    _click(dash_duo, "#meeting-new-status a")

    # 2. The agenda: the queue chart from the catalog search, with a pasted address,
    # then the first suggested chart.
    dash_duo.wait_for_element("#agenda-search", timeout=WAIT)
    (meeting,) = store.list_meetings()
    assert driver.current_url == f"{base}/tietokeskustelut/{meeting['id']}"
    _set_value(dash_duo, "#agenda-search", "jonossa")
    until(
        lambda: len(dash_duo.find_elements("#agenda-chart option:not([hidden])")) == 1,
        timeout=WAIT,
    )
    _set_value(dash_duo, "#agenda-address", "/hoitoonpaasy?from=2023-01")
    _click(dash_duo, "#agenda-add")
    dash_duo.wait_for_contains_text("#agenda-status", "lisättiin", timeout=WAIT)
    suggestion = "#agenda-suggestions button[aria-label^='Lisää asialistalle']"
    dash_duo.wait_for_element(suggestion, timeout=WAIT)
    suggested = dash_duo.find_element(suggestion).get_attribute("aria-label").split(": ", 1)[1]
    _click(dash_duo, suggestion)
    until(
        lambda: len(dash_duo.find_elements("#agenda-list li.agenda-item")) == 2,
        timeout=WAIT,
        msg="the suggested item never reached the agenda",
    )
    items = store.get_meeting(meeting["id"])["items"]
    assert [item["chart_id"] for item in items][0] == "jonot"
    assert suggested in _text(dash_duo, "#agenda-list")

    # 3. The pre-read: both items, each with its chart.
    dash_duo.wait_for_page(url=f"{base}/tietokeskustelut/{meeting['id']}/ennakko")
    until(lambda: len(dash_duo.find_elements(".preread .main-svg")) >= 2, timeout=WAIT)
    preread = _text(dash_duo, ".preread")
    assert "Jonossa" in preread or "jonossa" in preread
    assert suggested in preread

    # 4. Presenting with the keyboard: item 1, → item 2, Esc back to the meeting. It is
    # the meeting's day, so showing an item keeps its numbers (snapshot).
    dash_duo.wait_for_page(url=f"{base}/tietokeskustelut/{meeting['id']}/esitys/1")
    dash_duo.wait_for_element("#present-graph .main-svg", timeout=WAIT)
    assert _text(dash_duo, "#present-position") == "Kohta 1 / 2"
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    until(lambda: _text(dash_duo, "#present-position") == "Kohta 2 / 2", timeout=WAIT)
    assert driver.current_url.endswith(f"/tietokeskustelut/{meeting['id']}/esitys/2")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    until(lambda: driver.current_url == f"{base}/tietokeskustelut/{meeting['id']}", timeout=WAIT)
    assert all(item["snapshot"] for item in store.get_meeting(meeting["id"])["items"])

    # 5. Recording on the first item: an observation, an action, an information need.
    dash_duo.wait_for_page(url=f"{base}/tietokeskustelut/{meeting['id']}/kohta/1")
    dash_duo.wait_for_element("#record-obs-text", timeout=WAIT)
    _set_value(dash_duo, "#record-obs-text", OBSERVATION)
    _click(dash_duo, "#record-obs-save")
    dash_duo.wait_for_contains_text("#record-obs-result", "Havainnot tallennettu", timeout=WAIT)
    _click(dash_duo, "#record-decision-kind input[value='action']")
    _set_value(dash_duo, "#record-decision-title", ACTION)
    _set_value(dash_duo, "#record-decision-owner", OWNER)
    _set_value(dash_duo, "#record-decision-due", DUE.isoformat())
    _click(dash_duo, "#record-decision-effect input[value='down']")
    _click(dash_duo, "#record-decision-add")
    dash_duo.wait_for_contains_text("#record-decision-result", f"Kirjattu: {ACTION}.", WAIT)
    _set_value(dash_duo, "#record-need-text", NEED)
    _click(dash_duo, "#record-need-add")
    dash_duo.wait_for_contains_text("#record-need-list", NEED, timeout=WAIT)
    assert _axe_violations(dash_duo) == [], "item page"

    # 6. The action on the trend at once: the chart's page (at the end of the line, the
    # meeting being after the data's last month), its embed (short title only) and a
    # PowerPoint export.
    label = f"Toimenpide: {ACTION}"
    dash_duo.wait_for_page(url=base + "/hoitoonpaasy?from=2023-01")
    dash_duo.wait_for_contains_text(QUEUES + " .annotation-text", label, timeout=WAIT)
    listed = _text(dash_duo, QUEUES + " .chart-decisions")
    assert f"{ACTION} (toimenpide {TODAY.day}.{TODAY.month}.{TODAY.year})" in listed
    dash_duo.find_element(".export-panel summary").click()
    for box in dash_duo.find_elements(f"#{IDS['charts']} input"):
        if box.get_attribute("value") != "jonot":
            box.click()
    dash_duo.find_element("#" + IDS["selected"]).click()
    dash_duo.wait_for_contains_text("#" + IDS["status"], "on valmis (1 kuvaajaa)", timeout=WAIT)
    deck = Path(dash_duo.download_path) / f"tietokeskustelut_hoitoonpaasy_{date.today()}.pptx"
    until(lambda: deck.exists() and deck.stat().st_size > 0, timeout=WAIT)
    slide = Presentation(io.BytesIO(deck.read_bytes())).slides[1]
    (picture,) = [shape for shape in slide.shapes if shape.shape_type == 13]
    assert ACTION in picture._element.nvPicPr.cNvPr.get("descr")
    assert ACTION in slide.notes_slide.notes_text_frame.text
    dash_duo.wait_for_page(url=base + "/embed/jonot?from=2023-01")
    dash_duo.wait_for_contains_text(QUEUES + " .annotation-text", label, timeout=WAIT)
    assert OWNER not in driver.page_source and OBSERVATION not in driver.page_source

    # 7. The minutes as Word: the observation, the action with its owner and due date,
    # the information need, and the charts' pictures.
    answer = requests.get(f"{base}/api/meetings/{meeting['id']}/minutes.docx", timeout=300)
    assert answer.status_code == 200
    minutes = Document(io.BytesIO(answer.content))
    text = "\n".join(paragraph.text for paragraph in minutes.paragraphs)
    for expected in (
        OBSERVATION,
        ACTION,
        OWNER,
        f"{DUE.day}.{DUE.month}.{DUE.year}",
        NEED,
        suggested,
    ):
        assert expected in text, expected
    assert len(minutes.inline_shapes) == 2
    assert dash_duo.get_logs() == []
