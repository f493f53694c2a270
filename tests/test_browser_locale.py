"""Plotly's own texts in the page's language, in headless Chromium: the toolbar's
button titles come from plotly.js's locale (assets/05-plotly-locale-*.js, chosen by
``charts.cards.chart.graph_config``), not plotly's English defaults.

The expected titles are written here by hand from the vendored locale files
(plotly.js 4.1.1): "Zoom in" is "Zoomaa sisään" in fi and "Zooma in" in sv, "Reset
axes" "Palauta akselien oletusasetukset" and "Återställ axlar".
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until

from app import app
from tests.servers import WAIT

pytestmark = pytest.mark.browser

TITLES_JS = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
return gd ? Array.from(gd.querySelectorAll('.modebar-btn'))
    .map(b => b.getAttribute('data-title')) : [];
"""
EXPECTED = {
    "fi": {
        "Zoomaus",
        "Panorointi",
        "Zoomaa sisään",
        "Zoomaa ulos",
        "Palauta akselien oletusasetukset",
    },
    "sv": {"Zooma", "Panorera", "Zooma in", "Zooma ut", "Återställ axlar"},
    "en": {"Zoom", "Pan", "Zoom in", "Zoom out", "Reset axes"},
}
ENGLISH_ONLY = {"Zoom", "Pan", "Zoom in", "Zoom out", "Reset axes"}


def _titles(dash_duo, scope: str) -> list[str]:
    until(
        lambda: len(dash_duo.driver.execute_script(TITLES_JS, scope)) >= 5,
        timeout=WAIT,
        msg=f"no plotly toolbar under {scope}",
    )
    return dash_duo.driver.execute_script(TITLES_JS, scope)


def test_lc001_the_toolbar_speaks_finnish_on_a_chart_page(dash_duo, browser_db):
    """The chart toolbar's button titles are Finnish on a chart page, with none left in English."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01&to=2024-04")
    titles = set(_titles(dash_duo, "#card-hoitotakuu-7vrk"))
    assert EXPECTED["fi"] <= titles, titles
    assert not titles & ENGLISH_ONLY, titles


def test_lc002_the_toolbar_in_swedish_and_english(dash_duo, browser_db):
    """?lang=sv and ?lang=en: the same card's toolbar in Swedish, then in English."""
    dash_duo.start_server(app)
    for lang in ("sv", "en"):
        dash_duo.wait_for_page(
            url=dash_duo.server_url + f"/hoitoonpaasy?from=2024-01&to=2024-04&lang={lang}"
        )
        titles = set(_titles(dash_duo, "#card-hoitotakuu-7vrk"))
        assert EXPECTED[lang] <= titles, (lang, titles)
        if lang == "sv":
            assert not titles & ENGLISH_ONLY, titles
