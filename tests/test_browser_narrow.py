"""Charts at narrow widths (phones, 360-480 px embeds) in headless Chromium, read from
the element boxes plotly draws: small-multiple panels, their titles and tick labels,
and event labels never overlap each other or leave the chart; a lone bar is drawn;
the hover speaks Finnish.

The app's own units view is checked on the fixture; figures built by the Python
builders for harder cases (seven long unit names, events close together) are drawn
on a page of their own as a card draws them, with assets/45-fit-width.js laying them
out, at the width of a narrow card.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from dash.testing.wait import until

from app import app
from charts.cards.chart import graph_config
from charts.figures.annotations import add_events
from charts.figures.deadlines import deadline_share_figure
from charts.figures.small_multiples import small_multiples_figure
from charts.figures.time_series import FigureOptions, time_series_figure
from tests.servers import ROOT, WAIT

pytestmark = pytest.mark.browser
CARD = "#card-hoitotakuu-7vrk"
PAGE = "/hoitoonpaasy?from=2024-01&to=2024-04"
TOLERANCE = 0.5  # px: sub-pixel rounding of text boxes

_REACT_JS = """
const [card, figure] = arguments;
const gd = document.querySelector(card + ' .js-plotly-plot');
const fig = JSON.parse(figure);
return Plotly.react(gd, fig.data, fig.layout).then(() => true);
"""
# Boxes (px, page coordinates) of what a chart draws: the svg, each subplot's plot
# area (from plotly's axes), each annotation's text, each tick label (with its
# subplot), the legend.
_BOXES_JS = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
const box = (el, text) => {
  const r = el.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          text: text === undefined ? el.textContent : text};
};
const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
const full = gd._fullLayout;
const plots = Object.keys(full._plots).map((id) => {
  const p = full._plots[id];
  return {left: svg.left + p.xaxis._offset, right: svg.left + p.xaxis._offset + p.xaxis._length,
          top: svg.top + p.yaxis._offset, bottom: svg.top + p.yaxis._offset + p.yaxis._length,
          text: id};
});
const ticks = [];
gd.querySelectorAll('.cartesianlayer .subplot').forEach((sub) => {
  const id = [...sub.classList].find((c) => c !== 'subplot');
  sub.querySelectorAll('.xtick text, .ytick text').forEach((t) => {
    const b = box(t); if (b.right > b.left && t.textContent) { b.subplot = id; ticks.push(b); }
  });
});
const legend = gd.querySelector('g.legend');
return {
  svg: {left: svg.left, top: svg.top, right: svg.right, bottom: svg.bottom},
  plots: plots,
  annotations: [...gd.querySelectorAll('g.annotation')].map(
    (a) => box(a.querySelector('.annotation-text') || a)),
  ticks: ticks,
  legend: legend ? [box(legend, 'legend')] : [],
  fit: gd._tkFitIndex === undefined ? null : gd._tkFitIndex,
  width: full.width,
};
"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > TOLERANCE
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > TOLERANCE
    )


def _inside(inner: dict, outer: dict) -> bool:
    return (
        inner["left"] >= outer["left"] - TOLERANCE
        and inner["right"] <= outer["right"] + TOLERANCE
        and inner["top"] >= outer["top"] - TOLERANCE
        and inner["bottom"] <= outer["bottom"] + TOLERANCE
    )


def _options(**overrides) -> FigureOptions:
    base = {
        "kind": "line",
        "unit": "percent",
        "grain": "month",
        "series_labels": {"s": "Sarja"},
        "target_label": "Tavoite",
        "decimals": 1,
        "lang": "fi",
    }
    return FigureOptions(**{**base, **overrides})


def _frame(values, start="2023-01-01", freq="MS", suppressed=None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.date_range(start, periods=len(values), freq=freq),
            "series": "s",
            "value": values,
            "numerator": np.nan,
            "denominator": np.nan,
            "suppressed": suppressed or [False] * len(values),
        }
    )


def _open(dash_duo, width: int, path: str = PAGE) -> None:
    dash_duo.driver.set_window_size(width, 1400)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + path)
    dash_duo.wait_for_element(CARD + " .js-plotly-plot", timeout=WAIT)


def _serve(dash_duo, figure, width: int) -> dict:
    """Draw ``figure`` on a page of its own in a card ``width`` px wide, as a chart card
    holds it (plotly.js as Dash serves it, the cards' graph config, the app's
    assets/45-fit-width.js), and return its boxes once its width class (if it has
    any) is applied and drawn. (A second Dash app in the test process would become
    the app that ``dash.get_relative_path`` answers for.)"""
    import json

    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    page = Path(dash_duo.download_path) / f"narrow-{width}.html"
    page.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">
<div id="{CARD[1:]}" style="width:{width}px"><div class="dash-graph chart-graph">
<div id="g" style="height:100%;width:100%"></div></div></div>
<script src="{plotly_js.as_uri()}"></script>
<script src="{(ROOT / "assets" / "45-fit-width.js").as_uri()}"></script>
<script>const f = {pio.to_json(figure)};
Plotly.newPlot("g", f.data, f.layout, {json.dumps(graph_config("fi"))});</script>
</body></html>""",
        encoding="utf-8",
    )
    dash_duo.driver.set_window_size(width + 40, 1400)
    dash_duo.driver.get(page.as_uri())
    dash_duo.wait_for_element(CARD + " .js-plotly-plot .main-svg", timeout=WAIT)
    return _laid_out(dash_duo, bool((figure.layout.meta or {}).get("tkFit")))


def _laid_out(dash_duo, has_classes: bool) -> dict:
    def ready():
        boxes = dash_duo.driver.execute_script(_BOXES_JS, CARD)
        return boxes if (boxes["fit"] is not None or not has_classes) else None

    until(ready, timeout=WAIT, msg="the width class was not applied")
    # Let the relayout (and Dash's copy of it into the figure) draw.
    dash_duo.driver.execute_script(
        "return new Promise(r => setTimeout(() => requestAnimationFrame(() => r(1)), 300))"
    )
    return dash_duo.driver.execute_script(_BOXES_JS, CARD)


def _draw(dash_duo, figure) -> dict:
    """Draw ``figure`` into the card of the open page (no width classes)."""
    assert dash_duo.driver.execute_script(_REACT_JS, CARD, pio.to_json(figure))
    return _laid_out(dash_duo, False)


def _assert_apart(boxes: dict) -> None:
    """Every plot area, annotation (title), tick label and the legend inside the chart;
    plots, titles and legend apart; no tick label on a title or on another panel."""
    plots, titles = boxes["plots"], boxes["annotations"]
    everything = (
        [("plot " + p["text"], p) for p in plots]
        + [("title " + t["text"], t) for t in titles]
        + [("legend", b) for b in boxes["legend"]]
    )
    for name, b in everything + [("tick " + t["text"], t) for t in boxes["ticks"]]:
        assert _inside(b, boxes["svg"]), f"{name} {b} is outside the chart {boxes['svg']}"
    for (name_a, a), (name_b, b) in combinations(everything, 2):
        assert not _overlap(a, b), f"{name_a} {a} overlaps {name_b} {b}"
    for tick in boxes["ticks"]:
        for title in titles:
            assert not _overlap(tick, title), (tick, title)
        for plot in plots:
            if plot["text"] != tick["subplot"]:
                assert not _overlap(tick, plot), (tick, plot)


# Seven units with names longer than the fixture's, one a single long word.
UNITS = [
    "Alfan terveysasema",
    "Beetan terveys- ja hyvinvointikeskus",
    "Gamman terveysasema",
    "Deltan perhekeskus ja neuvola",
    "Epsilonin sosiaali- ja terveyskeskus",
    "Zeetan terveysasema",
    "Etäterveysasemapalvelukokonaisuus",
]


@pytest.mark.parametrize("width", [360, 420, 480])
def test_n001_small_multiples_panels_titles_and_ticks_do_not_overlap(dash_duo, width):
    """Narrow small multiples stack in one column; panels, titles and ticks do not overlap."""
    panels = {
        name: _frame([40.0 + i, np.nan, 50.0 + i, 55.0], suppressed=[False, True, False, False])
        for i, name in enumerate(UNITS)
    }
    boxes = _serve(dash_duo, small_multiples_figure(panels, "s", _options()), width)
    assert boxes["width"] == width
    assert len(boxes["plots"]) == 7 and len(boxes["annotations"]) == 7
    _assert_apart(boxes)
    # A card this narrow is in the one-column class (under 520 px): the 7 panels one
    # above the other.
    assert len({(p["left"], p["right"]) for p in boxes["plots"]}) == 1


@pytest.mark.parametrize("window", [360, 480])
def test_n004_the_units_view_on_a_narrow_page(dash_duo, browser_db, window):
    """The units view in a phone-wide window lays out its three panels without overlaps."""
    # The fixture's three health stations, by unit, in a phone-wide window.
    _open(dash_duo, window, PAGE + "&view=hoitotakuu-7vrk:units")
    until(
        lambda: len(dash_duo.driver.execute_script(_BOXES_JS, CARD)["plots"]) == 3,
        timeout=WAIT,
    )
    has_classes = dash_duo.driver.execute_script(
        "const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return Boolean(gd.layout.meta && gd.layout.meta.tkFit);",
        CARD,
    )
    boxes = _laid_out(dash_duo, has_classes)
    assert len(boxes["annotations"]) == 3
    _assert_apart(boxes)
    assert dash_duo.get_logs() == []


EVENTS = pd.DataFrame(
    {
        "event_date": pd.to_datetime(
            ["2023-03-01", "2023-04-01", "2023-04-15", "2023-09-01", "2024-11-15"]
        ),
        "label": [
            "Digituki-kampanja alkoi",
            "Ajanvarauksen uudistus",
            "Uusi asiakaspalvelunumero",
            "Omaolo-oirearvio käyttöön kaikilla asemilla",
            "Etävastaanotto laajeni",
        ],
    }
)


@pytest.mark.parametrize("width", [360, 480, 1280])
def test_n002_event_labels_do_not_overlap_each_other_or_leave_the_plot(dash_duo, width):
    """Event labels stay inside the plot, clear of each other, legend and ticks, and are not cut."""
    targets = pd.DataFrame(columns=["kind"])
    figure = time_series_figure(_frame([40.0 + i for i in range(24)]), targets, _options())
    add_events(figure, EVENTS, "label")
    boxes = _serve(dash_duo, figure, width)
    labels, (plot,) = boxes["annotations"], boxes["plots"]
    assert len(labels) == 5
    for label in labels:
        # Within the plot's width (they sit at its top) and the chart.
        assert plot["left"] - TOLERANCE <= label["left"], label
        assert label["right"] <= plot["right"] + TOLERANCE, label
        assert _inside(label, boxes["svg"]), label
        for legend in boxes["legend"]:
            assert not _overlap(label, legend), (label, legend)
        for tick in boxes["ticks"]:
            assert not _overlap(label, tick), (label, tick)
    for a, b in combinations(labels, 2):
        assert not _overlap(a, b), f"{a} overlaps {b}"
    # Every word of every label is there (wrapped, not cut).
    drawn = "".join(label["text"] for label in labels).replace(" ", "").replace("-", "")
    assert drawn == "".join(EVENTS["label"]).replace(" ", "").replace("-", "")


def _lone_year_with_target():
    year = _frame([12.0], start="2024-01-01")
    target = pd.DataFrame(
        [
            {
                "kind": "programme_target",
                "valid_from": pd.Timestamp("2024-01-01"),
                "valid_to": pd.NaT,
                "age_min": 0,
                "age_max": 150,
                "value": 10.0,
                "comparison": ">=",
                "source": "suunnitelma",
            }
        ]
    )
    return time_series_figure(year, target, _options(kind="bar", grain="year"))


def test_n003_a_lone_bar_is_drawn(dash_duo):
    """A lone yearly bar beside a target line fills 80 % of the axis instead of being 0 px wide."""
    _serve(dash_duo, _lone_year_with_target(), 600)
    size = dash_duo.driver.execute_script(
        """const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
        const bar = gd.querySelector('.bars .point path').getBoundingClientRect();
        return [bar.width, gd._fullLayout.xaxis._length];""",
        CARD,
    )
    # The one bar of 2024 fills 80 % of the year, which is the whole axis (it was 0 px
    # wide: plotly gave it 1 ms next to the target line's year).
    assert size[0] == pytest.approx(0.8 * size[1], abs=1.5)


_HOVER_JS = """const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
const area = gd.querySelector('.draglayer .' + arguments[1] + ' .nsewdrag');
const drag = area.getBoundingClientRect();
const at = {clientX: drag.left + drag.width * arguments[2], clientY: drag.top + drag.height / 2};
area.dispatchEvent(new MouseEvent('mousemove', Object.assign({bubbles: true}, at)));
return [...gd.querySelectorAll('.hoverlayer text')].map((t) => t.textContent);"""


def test_n005_the_hover_of_the_legal_deadline_chart_is_finnish(dash_duo):
    """The legal deadline chart's hover shows Finnish month and strip names, no English dates."""
    share = _frame([80.0, 85.0, 90.0], start="2024-01-01")
    deadlines = pd.DataFrame(
        [
            {
                "kind": "legal_deadline",
                "valid_from": pd.Timestamp("2023-09-01"),
                "valid_to": pd.NaT,
                "age_min": 0,
                "age_max": 150,
                "value": 14.0,
                "comparison": "<=",
                "source": "Terveydenhuoltolaki 51 §",
            }
        ]
    )
    _serve(dash_duo, deadline_share_figure(share, deadlines, _options()), 800)

    def hover(subplot: str) -> list[str]:
        # February is the middle of the three months shown: the middle of the plot.
        return dash_duo.driver.execute_script(_HOVER_JS, CARD, subplot, 0.5)

    # The hover's title over the share: "2/2024" (plotly's own would be "Feb 15, 2024,
    # 12:00"); over the deadline strip, its name.
    texts = until(lambda: hover("xy"), timeout=WAIT)
    assert texts[0] == "2/2024", texts
    strip = until(
        lambda: (lambda found: found if found[:1] != texts[:1] else None)(hover("x2y2")),
        timeout=WAIT,
    )
    assert strip[0] == "Lakisääteinen määräaika", strip
    assert not [text for text in texts + strip if "Feb" in text or "Jan" in text]
