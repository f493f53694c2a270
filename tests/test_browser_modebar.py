"""The plotly toolbar (modebar) never covers the plotting area, measured from element
boxes in headless Chromium: every chart of a page, the other card views, the embed."""

from __future__ import annotations

import pytest
from dash.testing.wait import until

from app import app
from dashboards import ennaltaehkaisy, hoitoonpaasy
from tests.servers import WAIT

pytestmark = pytest.mark.browser

# Per rendered graph: the box of its modebar, of each plotting area (plotly's drag
# rectangle of each subplot covers exactly its plotting area) and of each drawn bar;
# ``settled`` once plotly has drawn the figure at the graph's current width (a page
# scroll bar appearing after the first draw narrows the graph until it redraws).
BOXES = """
const box = e => { const b = e.getBoundingClientRect();
                   return [b.left, b.top, b.right, b.bottom]; };
return Array.from(document.querySelectorAll(arguments[0] + ' .js-plotly-plot')).map(gd => ({
  card: (gd.closest('section') || document.body).id,
  settled: Math.abs(gd.getBoundingClientRect().width - gd._fullLayout.width) < 1,
  modebar: Array.from(gd.querySelectorAll('.modebar')).map(box),
  plots: Array.from(gd.querySelectorAll('.draglayer .nsewdrag')).map(box),
  bars: Array.from(gd.querySelectorAll('.barlayer .point path')).map(box),
}));
"""


def _overlap(a, b) -> bool:
    """Whether two boxes ``[left, top, right, bottom]`` share any area."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


def _check(dash_duo, scope: str, expected: int) -> int:
    """Assert for each of the ``expected`` graphs under ``scope`` that its modebar is
    laid out and touches no plotting area and no bar; returns the bars seen."""
    until(
        lambda: all(graph["settled"] for graph in dash_duo.driver.execute_script(BOXES, scope)),
        timeout=WAIT,
        msg="graphs not redrawn at their width",
    )
    graphs = dash_duo.driver.execute_script(BOXES, scope)
    assert len(graphs) == expected
    bars = 0
    for graph in graphs:
        (modebar,) = graph["modebar"]
        assert modebar[2] - modebar[0] > 10 and modebar[3] - modebar[1] > 10, graph["card"]
        assert graph["plots"], graph["card"]
        for area in graph["plots"] + graph["bars"]:
            assert not _overlap(modebar, area), (graph["card"], modebar, area)
        bars += len(graph["bars"])
    return bars


def _choose_view(dash_duo, card: str, view: str) -> None:
    """Pick a card's view (a click by script: the card may sit under the page's
    sticky filter bar at the scroll position selenium picks)."""
    radio = dash_duo.find_element(f"{card} .chart-view input[value='{view}']")
    dash_duo.driver.execute_script("arguments[0].click()", radio)


def _wait_for_graphs(dash_duo, scope: str, count: int) -> None:
    until(
        lambda: len(dash_duo.find_elements(scope + " .js-plotly-plot .modebar")) == count,
        timeout=WAIT,
        msg=f"expected {count} rendered charts under {scope}",
    )


def test_mb001_modebar_clear_of_plots_in_every_view_and_the_embed(dash_duo, browser_db):
    """The toolbar overlaps no plot area or bar in any card view, the groups chart or the embed."""
    dash_duo.start_server(app)
    # /hoitoonpaasy: every chart of the page, bars among them (the queue, the
    # waiting-time stacks).
    charts = len(hoitoonpaasy.CHART_IDS)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2023-01")
    _wait_for_graphs(dash_duo, ".chart-card", charts)
    # Hovering shows the toolbar; its box is the same either way.
    dash_duo.driver.execute_script(
        "document.querySelector('#card-jonot .js-plotly-plot .nsewdrag')"
        ".dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))"
    )
    assert _check(dash_duo, ".chart-card", charts) > 0
    # The queue card's other views: small multiples and the run chart (16 months).
    card = "#card-jonot"
    _choose_view(dash_duo, card, "units")
    dash_duo.wait_for_contains_text(card + " .chart-summary", "suurin arvo")
    _wait_for_graphs(dash_duo, card, 1)
    _check(dash_duo, card, 1)
    _choose_view(dash_duo, card, "spc")
    # The summary speaks of "erityinen syy" (a signal) or its absence, in every case.
    dash_duo.wait_for_contains_text(card + " .chart-summary", "Erityi")
    _wait_for_graphs(dash_duo, card, 1)
    _check(dash_duo, card, 1)
    # The groups chart (two aligned panels, bars in both) among every chart of its page.
    charts = len(ennaltaehkaisy.CHART_IDS)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/ennaltaehkaisy?from=2023-01")
    _wait_for_graphs(dash_duo, ".chart-card", charts)
    assert _check(dash_duo, ".chart-card", charts) > 0
    # The embed, narrower than a page card.
    dash_duo.driver.set_window_size(700, 900)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/embed/odotusaikajakauma?from=2024-01")
    _wait_for_graphs(dash_duo, "body", 1)
    assert _check(dash_duo, "body", 1) > 0
    assert dash_duo.get_logs() == []
