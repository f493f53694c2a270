"""Plotly's own texts in the page's language, in headless Chromium: the toolbar's
button titles come from plotly.js's locale (assets/05-plotly-locale-*.js, chosen by
``charts.card.graph_config``), not plotly's English defaults.

The expected titles are written here by hand from the vendored locale files
(plotly.js 4.1.1): "Zoom in" is "Zoomaa sisään" in fi and "Zooma in" in sv, "Reset
axes" "Palauta akselien oletusasetukset" and "Återställ axlar".
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from dash.testing.wait import until

from app import app
from charts.card import graph_config
from tests.servers import ROOT, WAIT

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
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01&to=2024-04")
    titles = set(_titles(dash_duo, "#card-hoitotakuu-7vrk"))
    assert EXPECTED["fi"] <= titles, titles
    assert not titles & ENGLISH_ONLY, titles


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_lc002_the_toolbar_in_swedish_and_english(dash_duo, lang):
    """A chart drawn as a card draws it (plotly.js as Dash serves it, the vendored
    locales as assets/ loads them, before plotly.js, and ``graph_config(lang)``), on
    a page of its own: the app offers only Finnish until the language switch comes."""
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    locales = sorted((ROOT / "assets").glob("05-plotly-locale-*.js"))
    figure = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2]))
    page = Path(dash_duo.download_path) / f"locale-{lang}.html"
    scripts = "".join(f'<script src="{path.as_uri()}"></script>' for path in locales)
    page.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8"></head><body>
{scripts}<script src="{plotly_js.as_uri()}"></script>
<div id="card"><div id="g" style="width:600px;height:400px"></div></div>
<script>const f = {pio.to_json(figure)};
Plotly.newPlot("g", f.data, f.layout, {json.dumps(graph_config(lang))});</script>
</body></html>""",
        encoding="utf-8",
    )
    dash_duo.driver.get(page.as_uri())
    titles = set(_titles(dash_duo, "#card"))
    assert EXPECTED[lang] <= titles, titles
    if lang != "en":
        assert not titles & ENGLISH_ONLY, titles
