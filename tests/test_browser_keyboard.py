"""The chart pages by keyboard alone, and on a projector's 1280×720 screen, in headless
Chromium: the filter bar folds and unfolds with Enter and Space and the address follows
(``fold=``); a radio group is one tab stop whose choice moves with the arrow keys; a
card's table opens with Enter; with both panels folded the first chart starts on the
first screen; axe-core finds nothing on a page with its panels folded. No clicks."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import app
from dashboards import hoitoonpaasy
from tests.servers import WAIT
from tests.test_browser import _axe_violations
from tests.test_browser_navigation import _checked, _wait_summary, _wait_url

pytestmark = pytest.mark.browser
CARD = "#card-hoitotakuu-7vrk"
# Every chart of /hoitoonpaasy: derived, so a chart added to the page needs no edit here.
CHARTS_ON_PAGE = len(hoitoonpaasy.CHART_IDS)
FILTERS_BUTTON = "#filters-heading button"
PPTX_BUTTON = "#export-pptx-heading button"


def _press(dash_duo, *keys) -> None:
    """Press ``keys`` in turn on whatever has the focus (as a person at a keyboard)."""
    chain = ActionChains(dash_duo.driver)
    for key in keys:
        chain.send_keys(key)
    chain.perform()


def _active(dash_duo):
    return dash_duo.driver.switch_to.active_element


def _tab_to(dash_duo, selector: str, limit: int = 60) -> list[str]:
    """Press Tab until the element ``selector`` has the focus; return what was passed
    (fails after ``limit`` presses)."""
    target = dash_duo.find_element(selector)
    passed: list[str] = []
    while _active(dash_duo) != target and len(passed) < limit:
        _press(dash_duo, Keys.TAB)
        passed.append((_active(dash_duo).get_attribute("outerHTML") or "")[:90])
    assert _active(dash_duo) == target, passed
    return passed


def _wait_charts(dash_duo, count: int = CHARTS_ON_PAGE) -> None:
    until(
        lambda: len(dash_duo.find_elements(".chart-card .js-plotly-plot")) == count,
        timeout=WAIT,
        msg=f"expected {count} rendered charts",
    )


def _expanded(dash_duo, selector: str) -> str:
    return dash_duo.find_element(selector).get_attribute("aria-expanded")


def test_k001_fold_radio_group_and_table_by_keyboard_only(dash_duo, browser_db):
    """The filter fold, the one-tab-stop radio groups and a card's table all work by keyboard."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01")
    _wait_charts(dash_duo)
    # The filter bar's heading is a button in the tab order, reached from the page's top.
    _tab_to(dash_duo, FILTERS_BUTTON)
    assert _expanded(dash_duo, FILTERS_BUTTON) == "true"
    assert dash_duo.find_element("#filter-grain").is_displayed()
    # Enter folds it: the button says so, the controls are gone, the address says so.
    _press(dash_duo, Keys.ENTER)
    until(lambda: _expanded(dash_duo, FILTERS_BUTTON) == "false", timeout=WAIT)
    until(lambda: not dash_duo.find_element("#filter-grain").is_displayed(), timeout=WAIT)
    _wait_url(dash_duo, lambda url: url.endswith("&fold=filters"), "with fold=filters")
    # The focus stays on the button; Space unfolds it again and the parameter goes.
    assert _active(dash_duo) == dash_duo.find_element(FILTERS_BUTTON)
    _press(dash_duo, Keys.SPACE)
    until(lambda: _expanded(dash_duo, FILTERS_BUTTON) == "true", timeout=WAIT)
    _wait_url(dash_duo, lambda url: "fold=" not in url, "without fold=")
    assert dash_duo.find_element("#filter-grain").is_displayed()

    # The grain is one tab stop: Tab reaches its checked radio, the next Tab leaves
    # the group (the service group), Shift+Tab comes back to the checked one.
    passed = _tab_to(dash_duo, "#filter-grain input[value='month']")
    assert not any("filter-grain" in html for html in passed[:-1]), passed
    _press(dash_duo, Keys.TAB)
    assert _active(dash_duo).get_attribute("name") == "filter-service"
    assert _active(dash_duo).get_attribute("value") == "all"
    ActionChains(dash_duo.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(
        Keys.SHIFT
    ).perform()
    assert _active(dash_duo).get_attribute("name") == "filter-grain"
    assert _active(dash_duo).get_attribute("value") == "month"
    # The arrow key moves the choice (and the focus) to the next option, and the
    # address and the chart follow.
    _press(dash_duo, Keys.ARROW_RIGHT)
    until(lambda: _checked(dash_duo, "#filter-grain") == "quarter", timeout=WAIT)
    assert _active(dash_duo).get_attribute("value") == "quarter"
    _wait_url(dash_duo, lambda url: "grain=quarter" in url, "with grain=quarter")
    # Q1/2024 published: 30 of 45 (tests/test_browser_navigation.py n001).
    _wait_summary(dash_duo, "Q1/2024: 66,7")

    # A card's view switch is one tab stop too: from the checked view Tab goes on to the
    # chart, not to the card's next view.
    view = CARD + " .chart-view input:checked"
    _tab_to(dash_duo, view, limit=80)
    _press(dash_duo, Keys.TAB)
    assert "chart-view" not in (_active(dash_duo).get_attribute("name") or "")
    # ... and its table opens with Enter on "Näytä taulukkona".
    summary = CARD + " .chart-table-toggle summary"
    _tab_to(dash_duo, summary, limit=20)
    _press(dash_duo, Keys.ENTER)
    dash_duo.wait_for_element(CARD + " .chart-table tbody tr", timeout=WAIT)
    assert dash_duo.find_element(CARD + " .chart-table-toggle").get_attribute("open") is not None
    assert dash_duo.get_logs() == []


def _first_plot_top(dash_duo) -> dict:
    """The viewport's height and the top of the first card's plot area (plotly's
    background rectangle of the axes), in CSS pixels from the top of the viewport."""
    return dash_duo.driver.execute_script(
        "const bg = document.querySelector('.chart-card .js-plotly-plot .bglayer rect')"
        " || document.querySelector('.chart-card .js-plotly-plot .nsewdrag');"
        "return {top: bg.getBoundingClientRect().top, height: window.innerHeight};"
    )


def test_k002_with_both_panels_folded_the_projector_shows_a_chart_first(dash_duo, browser_db):
    """Both panels folded, a 720 px screen shows a chart first; unfolding one keeps the other."""
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1280, 720)
    until(lambda: dash_duo.driver.execute_script("return window.innerWidth") == 1280, timeout=WAIT)
    # The browser's window is 720 px high; the page gets what its frame leaves of it.
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?fold=filters&fold=pptx")
    _wait_charts(dash_duo)
    assert _expanded(dash_duo, FILTERS_BUTTON) == "false"
    assert _expanded(dash_duo, PPTX_BUTTON) == "false"
    assert not dash_duo.find_element("#export-pptx-page").is_displayed()
    measured = _first_plot_top(dash_duo)
    assert 0 < measured["top"] < measured["height"], measured
    # Folded panels leave nothing for axe to find (the hidden bodies are out of the
    # accessibility tree, the buttons say what they control).
    assert _axe_violations(dash_duo) == []
    # Unfolding the PowerPoint panel by keyboard takes fold=pptx out of the address and
    # keeps fold=filters.
    _tab_to(dash_duo, PPTX_BUTTON)
    _press(dash_duo, Keys.ENTER)
    _wait_url(dash_duo, lambda url: url.endswith("/hoitoonpaasy?fold=filters"), "fold=filters")
    assert dash_duo.find_element("#export-pptx-page").is_displayed()
    assert dash_duo.get_logs() == []


def test_k003_a_bad_fold_value_is_named_and_the_panels_stay_open(dash_duo, browser_db):
    """An unknown fold value is named in a notice, the panels stay open and other filters apply."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?fold=valikko&grain=year")
    notice = dash_duo.wait_for_element(".url-notice")
    assert "\u201dvalikko\u201d" in notice.text
    dash_duo.wait_for_element(CARD + " .js-plotly-plot", timeout=WAIT)
    assert _expanded(dash_duo, FILTERS_BUTTON) == "true"
    assert _checked(dash_duo, "#filter-grain") == "year"
    assert dash_duo.get_logs() == []


FOCUS_RING_JS = """
const found = document.querySelector(arguments[0]);
if (!found) return null;
found.focus();
const style = getComputedStyle(found);
return {visible: found.matches(':focus-visible'), style: style.outlineStyle,
        width: style.outlineWidth, colour: style.outlineColor};
"""


def test_k004_every_kind_of_control_shows_the_focus_ring(dash_duo, browser_db):
    """Focused from the keyboard, a radio, a select, a button, a summary and a header
    link each show the 3 px outline (Bootstrap's own ``outline: 0`` on its controls
    does not win), blue on the page and white on the dark header (WCAG 2.4.7)."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01&to=2024-02")
    dash_duo.wait_for_element(CARD + " .js-plotly-plot", timeout=WAIT)
    body = dash_duo.find_element("body")
    body.send_keys(Keys.TAB)  # the last interaction is the keyboard's
    blue, white = "rgb(11, 79, 138)", "rgb(255, 255, 255)"
    for selector, colour in (
        (".filter-bar .form-check-input", blue),
        ("#filter-from", blue),
        (".filter-bar .btn", blue),
        (CARD + " .chart-table-toggle summary", blue),
        (".app-header .nav-link", white),
        (".app-header .language-link", white),
    ):
        ring = dash_duo.driver.execute_script(FOCUS_RING_JS, selector)
        assert ring is not None, selector
        assert ring == {"visible": True, "style": "solid", "width": "3px", "colour": colour}, (
            selector,
            ring,
        )
