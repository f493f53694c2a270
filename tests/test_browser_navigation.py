"""The view is a function of the address, in headless Chromium: Back and Forward restore
the controls, the charts and the link "Kopioi linkki" copies; a reload keeps a card's
view; a link with ``view=``/``phase=`` opens those views; the overview's links keep the
filters, the language and the embed flag.

Expected numbers from tests/fixtures/foundation.py (data as of 30.4.2024), care
guarantee within 7 days, county level:
- 2/2023: TA01 9 of 15 visits within 7 days = 60.0 %; the only month of 2023 with visits,
  so the year 2023 is 60.0 % too.
- 1/2024: TA01 5 of 10 + TA02 3 of 4 = 8 of 14; 2/2024: TA01 25 of 30. March has no
  access visits, so Q1/2024 is (8 + 25) / (14 + 30) = 33 / 44 = 75.0 %.
- The year 2024 and Q2/2024 are incomplete (data ends 30.4.2024) and never the latest
  value a summary speaks of.
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.support.select import Select

from app import app
from dashboards import hoitoonpaasy
from tests.axe import axe_violations as _axe_violations
from tests.servers import WAIT

pytestmark = pytest.mark.browser
CARD = "#card-hoitotakuu-7vrk"
# Every chart of /hoitoonpaasy: derived, so a chart added to the page needs no edit here.
CHARTS_ON_PAGE = len(hoitoonpaasy.CHART_IDS)


def _summary(dash_duo, card: str = CARD) -> str:
    """The card's summary sentence ("" while loading). Read in one script call, as the
    page may be rebuilt at any moment; textContent keeps the no-break space of "75,0 %"
    (Selenium's .text turns it into a space)."""
    return dash_duo.driver.execute_script(
        "const el = document.querySelector(arguments[0] + ' .chart-summary');"
        "return el ? el.textContent : '';",
        card,
    )


def _wait_summary(dash_duo, text: str, card: str = CARD) -> None:
    until(
        lambda: text in _summary(dash_duo, card),
        timeout=WAIT,
        msg=f"{card} summary never said {text!r} (last: {_summary(dash_duo, card)!r})",
    )


def _wait_url(dash_duo, predicate, what: str) -> None:
    until(
        lambda: predicate(dash_duo.driver.current_url),
        timeout=WAIT,
        msg=f"address never {what} (last: {dash_duo.driver.current_url})",
    )


def _checked(dash_duo, selector: str) -> str:
    """The value of the checked radio button under ``selector`` ("" if none)."""
    return dash_duo.driver.execute_script(
        "const radio = document.querySelector(arguments[0] + ' input[type=radio]:checked');"
        "return radio ? radio.value : '';",
        selector,
    )


def _copied_link(dash_duo) -> str:
    """Press "Kopioi linkki" with the clipboard replaced by a recorder; return the text."""
    dash_duo.driver.execute_script(
        "window.__copied = [];"
        "navigator.clipboard.writeText = function (text) {"
        "  window.__copied.push(text); return Promise.resolve(); };"
    )
    dash_duo.find_element("#copy-link").click()
    until(
        lambda: dash_duo.driver.execute_script("return window.__copied.length") > 0,
        timeout=WAIT,
        msg="nothing was copied",
    )
    return dash_duo.driver.execute_script("return window.__copied[0]")


def test_n001_back_and_forward_restore_controls_charts_and_copied_link(dash_duo, browser_db):
    """Back and forward restore the grain control, chart values and copied link of each state."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2023-01&grain=quarter")
    # Q1/2024: 33 of 44 visits within 7 days, published (docs/privacy.md, m = 5):
    # 33 = 6·5 + 3, key 950000: 950000·5 = 4750000 >= 3·2**20 = 3145728 -> 30;
    # 44 = 8·5 + 4, key 213424: 1067120 < 4·2**20 = 4194304 -> 45; 30/45 = 66,7 %.
    _wait_summary(dash_duo, "Q1/2024: 66,7")
    assert _checked(dash_duo, "#filter-grain") == "quarter"

    dash_duo.find_element("#filter-grain input[value='year']").click()
    _wait_url(dash_duo, lambda url: "grain=year" in url, "said grain=year")
    # 2023: 9 of 15 (2024 is incomplete); 9 = 5 + 4, key 513000: 2565000 < 4194304
    # -> 10; 15 = 3·5 + 0 -> 15; 10/15 = 66,7 %.
    _wait_summary(dash_duo, "2023: 66,7")
    assert "from=2023-01" in dash_duo.driver.current_url

    dash_duo.driver.back()
    _wait_url(dash_duo, lambda url: "grain=quarter" in url, "went back to grain=quarter")
    _wait_summary(dash_duo, "Q1/2024: 66,7")
    assert _checked(dash_duo, "#filter-grain") == "quarter"
    copied = _copied_link(dash_duo)
    assert copied == dash_duo.driver.current_url
    assert "grain=quarter" in copied and "from=2023-01" in copied

    dash_duo.driver.forward()
    _wait_url(dash_duo, lambda url: "grain=year" in url, "went forward to grain=year")
    _wait_summary(dash_duo, "2023: 66,7")
    assert _checked(dash_duo, "#filter-grain") == "year"
    assert "grain=year" in _copied_link(dash_duo)
    # The copied link opens exactly the view that was on screen.
    dash_duo.wait_for_page(url=dash_duo.driver.current_url)
    _wait_summary(dash_duo, "2023: 66,7")
    assert _checked(dash_duo, "#filter-grain") == "year"
    assert dash_duo.get_logs() == []


def test_n002_card_view_is_in_the_address_and_survives_reload(dash_duo, browser_db):
    """A card's non-default view is in the address, survives reload and back; the default is not."""
    dash_duo.start_server(app)
    # To 2/2024: the fixture has no visits in 3-4/2024, whose 0 / 0 (withheld for
    # every unit) would be the latest month.
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2023-01&to=2024-02")
    until(
        lambda: len(dash_duo.find_elements(".chart-card .js-plotly-plot")) == CHARTS_ON_PAGE,
        timeout=WAIT,
    )
    dash_duo.find_element(CARD + " .chart-view input[value='units']").click()
    _wait_url(dash_duo, lambda url: "view=hoitotakuu-7vrk:units" in url, "named the view")
    # TA01's latest month 2/2024: 25 of 30 = 83.3 %.
    _wait_summary(dash_duo, "Alfan terveysasema (83,3")

    dash_duo.driver.refresh()
    _wait_summary(dash_duo, "Alfan terveysasema (83,3")
    assert _checked(dash_duo, CARD + " .chart-view") == "units"
    # The other cards keep their default view, and the address does not name them.
    assert _checked(dash_duo, "#card-jonot .chart-view") == "series"
    assert dash_duo.driver.current_url.count("view=") == 1

    # Back to the time series: the default view leaves the address.
    dash_duo.find_element(CARD + " .chart-view input[value='series']").click()
    _wait_url(dash_duo, lambda url: "view=" not in url, "dropped the view")
    _wait_summary(dash_duo, "2/2024: 83,3")
    dash_duo.driver.back()
    _wait_url(dash_duo, lambda url: "view=hoitotakuu-7vrk:units" in url, "went back")
    _wait_summary(dash_duo, "Alfan terveysasema (83,3")
    assert _checked(dash_duo, CARD + " .chart-view") == "units"
    assert dash_duo.get_logs() == []


QUEUE_CARD = "#card-jonot"


def _click(dash_duo, selector: str) -> None:
    """Click a button far down the page (the queue card is the page's last): WebDriver's
    own click reports it covered there, so the button's ``click()`` is called, which is
    what a keyboard user's Enter on it does too."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].click();", element)


def test_n003_link_with_view_and_phase_opens_them_and_picking_writes_the_address(
    dash_duo, browser_db
):
    """A link opens its view and phases; picking, clicking or clearing phases rewrites the URL."""
    # The queue chart: its 16 months (1/2023 .. 4/2024) are enough for a run chart (12),
    # so the run chart and its phase picker are drawn. (The fixture's hoitotakuu-7vrk
    # has fewer than 12 shown months: that card draws the time series, without a picker.)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(
        url=dash_duo.server_url + "/hoitoonpaasy?from=2023-01&view=jonot:spc&phase=jonot:2024-02"
    )
    picker = QUEUE_CARD + " .phase-picker"
    dash_duo.wait_for_element(picker, timeout=WAIT)
    assert _checked(dash_duo, QUEUE_CARD + " .chart-view") == "spc"
    dash_duo.wait_for_contains_text(picker + " .phase-current", "2/2024", timeout=WAIT)
    assert _axe_violations(dash_duo) == []  # the picker is labelled and keyboard-usable

    # The keyboard way: pick 1/2024 in the select and press the button.
    Select(dash_duo.find_element(picker + " select")).select_by_value("2024-01")
    _click(dash_duo, picker + " button.btn-outline-primary")
    _wait_url(
        dash_duo,
        lambda url: "phase=jonot:2024-01&phase=jonot:2024-02" in url,
        "listed both phase starts in order",
    )
    dash_duo.wait_for_contains_text(picker + " .phase-current", "1/2024, 2/2024", timeout=WAIT)

    # A click on a point of the run chart toggles a phase start there (2/2024: removed).
    dash_duo.driver.execute_script(
        "const graph = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "graph.emit('plotly_click', {points: [{x: '2024-02-01', y: 0, curveNumber: 0,"
        " pointNumber: 13, pointIndex: 13}]});",
        QUEUE_CARD,
    )
    _wait_url(
        dash_duo,
        lambda url: "2024-01" in url and "2024-02" not in url,
        "dropped the clicked phase start",
    )
    dash_duo.wait_for_contains_text(picker + " .phase-current", "1/2024.", timeout=WAIT)

    # "Clear" removes every phase start; the address keeps the view.
    _click(dash_duo, picker + " button.btn-outline-secondary")
    _wait_url(dash_duo, lambda url: "phase=" not in url, "dropped the phase starts")
    assert "view=jonot:spc" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_n004_bad_view_and_phase_fall_back_with_a_notice(dash_duo, browser_db):
    """Bad views and phases in the address show a notice and the cards keep their default view."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(
        url=dash_duo.server_url
        + "/hoitoonpaasy?view=hoitotakuu-7vrk:pie&view=nope:spc&phase=odotusaikajakauma:2024-01"
    )
    notice = dash_duo.wait_for_element(".url-notice", timeout=WAIT)
    assert "näkymä" in notice.text.lower() and "vaiheen alku" in notice.text.lower()
    until(
        lambda: len(dash_duo.find_elements(".chart-card .js-plotly-plot")) == CHARTS_ON_PAGE,
        timeout=WAIT,
    )
    assert _checked(dash_duo, CARD + " .chart-view") == "series"
    assert dash_duo.get_logs() == []


def test_n005_overview_links_keep_filters_language_and_embed(dash_duo, browser_db):
    """Overview links carry the current filters and embed flag to the area page, which uses them."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/?from=2023-01&grain=quarter&embed=1")
    kpi_link = "#kpi-hoitotakuu-7vrk a"
    area_link = "a.area-link[href*='hoitoonpaasy']"

    def hrefs() -> tuple[str, str]:
        return (
            dash_duo.find_element(kpi_link).get_attribute("href"),
            dash_duo.find_element(area_link).get_attribute("href"),
        )

    dash_duo.wait_for_element(kpi_link, timeout=WAIT)
    kpi, area = hrefs()
    assert kpi.endswith("/hoitoonpaasy?from=2023-01&grain=quarter&embed=1#card-hoitotakuu-7vrk")
    assert area.endswith("/hoitoonpaasy?from=2023-01&grain=quarter&embed=1")
    # A change of the filters on the overview reaches its links.
    dash_duo.find_element("#filter-grain input[value='year']").click()
    until(lambda: "grain=year" in hrefs()[0] and "grain=year" in hrefs()[1], timeout=WAIT)
    assert hrefs()[0].endswith("/hoitoonpaasy?from=2023-01&grain=year&embed=1#card-hoitotakuu-7vrk")

    dash_duo.find_element(kpi_link).click()
    _wait_url(dash_duo, lambda url: "/hoitoonpaasy?" in url, "opened the area page")
    _wait_summary(dash_duo, "2023: 66,7")  # published 10 / 15 (n001), the year grain came along
    assert _checked(dash_duo, "#filter-grain") == "year"
    assert "embed=1" in dash_duo.driver.current_url
    assert dash_duo.find_elements("#app-header") == []  # the bare frame: no navigation
    assert dash_duo.get_logs() == []
