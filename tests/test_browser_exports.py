"""Chart images in headless Chromium: no cloud button, PNG at 2x and SVG with the
chart's context (title, filters, source, data date) in the image; and the layout of
every exported image, the toolbar's and the server's (PowerPoint), read from the
element boxes of the downloaded SVG: title, legend, plot area, tick labels and each
caption line inside the image and apart from each other, at several widths."""

from __future__ import annotations

import re
import struct
from itertools import combinations
from pathlib import Path

import plotly.graph_objects as go
import pytest
from dash.testing.wait import until

from app import app
from charts.figures.time_series import FigureOptions, base_layout
from exports import images
from tests.servers import WAIT

pytestmark = pytest.mark.browser
CARD = "#card-hoitotakuu-7vrk"


def _open_chart(dash_duo):
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01&to=2024-02")
    dash_duo.wait_for_element(CARD + " .js-plotly-plot")
    dash_duo.wait_for_element(CARD + " .modebar", timeout=WAIT)


def _download(dash_duo, name: str) -> Path:
    """The downloaded file once Chromium has finished writing it."""
    path = Path(dash_duo.download_path) / name

    def finished() -> bool:
        # Chromium writes to "<name>.crdownload" and renames it when done; the final
        # name can appear empty for a moment, so wait for content as well.
        return (
            path.exists()
            and path.stat().st_size > 0
            and not path.with_name(name + ".crdownload").exists()
        )

    until(finished, timeout=WAIT, msg=f"{name} was not downloaded")
    return path


def _svg_size(svg: str) -> tuple[int, int]:
    head = svg[: svg.index(">")]
    return tuple(
        int(float(re.search(f' {name}="([0-9.]+)"', head)[1])) for name in ("width", "height")
    )


def test_x001_toolbar_has_no_cloud_button_or_logo_and_our_buttons(dash_duo, browser_db):
    """The chart toolbar has our PNG and SVG buttons and no cloud, edit, plotly camera or logo."""
    _open_chart(dash_duo)
    titles = [b.get_attribute("data-title") for b in dash_duo.find_elements(CARD + " .modebar-btn")]
    assert "Lataa kuva (PNG)" in titles and "Lataa kuva (SVG)" in titles
    assert not [t for t in titles if t and ("cloud" in t.lower() or "edit" in t.lower())]
    assert "Download plot as a png" not in titles  # plotly's own camera is replaced
    assert dash_duo.find_elements(".modebar-btn--logo") == []
    assert dash_duo.get_logs() == []


def test_x002_svg_and_png_downloads_carry_their_context(dash_duo, browser_db):
    """SVG and PNG downloads carry title, period and source; PNG is 2x the SVG; screen unchanged."""
    _open_chart(dash_duo)
    dash_duo.find_element(CARD + " .modebar-btn[data-title='Lataa kuva (SVG)']").click()
    svg = _download(dash_duo, "hoitotakuu-7vrk_2024-04-30.svg").read_text(encoding="utf-8")
    assert "Kiireettömät käynnit 7 vuorokauden kuluessa" in svg
    assert "ajanjakso 1/2024–2/2024" in svg and "Avohilmo-tiedot" in svg
    assert "Tiedot 30.4.2024 asti." in svg
    dash_duo.find_element(CARD + " .modebar-btn[data-title='Lataa kuva (PNG)']").click()
    png = _download(dash_duo, "hoitotakuu-7vrk_2024-04-30.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    graph = dash_duo.find_element(CARD + " .js-plotly-plot")
    svg_width, svg_height = _svg_size(svg)
    # The SVG is as wide as the chart on screen; the PNG is the same layout at 2x. Both
    # are taller than the chart: title and caption lines are added (their layout is
    # checked by the tests below).
    assert svg_width == graph.size["width"]
    assert (width, height) == (2 * svg_width, 2 * svg_height)
    assert svg_height > graph.size["height"]
    # The chart on screen did not get the export title.
    assert "Kiireettömät" not in dash_duo.find_element(CARD + " .main-svg").get_attribute(
        "innerHTML"
    )
    assert dash_duo.get_logs() == []


# --- Layout of exported images, read from the element boxes of the SVG --------------

# Boxes (px, relative to the image) of what an exported image shows, read in the
# browser from the SVG file itself: the title (each wrapped line), the legend, each
# plot area (its clip rectangle where plotly placed it), the tick labels and each
# caption line (the last annotation).
_BOXES_JS = """
const svg = document.documentElement;
const box = (el) => {
  const r = el.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, text: el.textContent};
};
const lines = (text) => {
  if (!text) return [];
  const parts = [...text.querySelectorAll('tspan.line')];
  return (parts.length ? parts : [text]).map(box);
};
const annotations = [...svg.querySelectorAll('g.annotation')].sort(
  (a, b) => a.dataset.index - b.dataset.index);
// Each subplot's group in the overplot (class "xy", "xy2", ...); its plot area is the
// rect of the clip path plotly names "clip<uid><subplot>plot". (The group itself is
// clipped only when no trace draws outside the axes, so its own clip-path attribute
// is not always there.)
const plots = [...svg.querySelectorAll('.overplot > g')].filter((g) =>
  svg.querySelector(`clipPath[id$="${g.getAttribute('class')}plot"] rect`)).map((g) => {
  const m = g.transform.baseVal.consolidate().matrix;
  const r = svg.querySelector(`clipPath[id$="${g.getAttribute('class')}plot"] rect`);
  return {left: m.e, top: m.f, right: m.e + r.width.baseVal.value,
          bottom: m.f + r.height.baseVal.value, text: 'plot'};
});
const legend = svg.querySelector('g.legend');
return {
  width: svg.width.baseVal.value,
  height: svg.height.baseVal.value,
  title: lines(svg.querySelector('.g-gtitle text')),
  legend: legend ? [box(legend)] : [],
  plots: plots,
  ticks: [...svg.querySelectorAll('.xtick text, .ytick text, .y2tick text')].map(box)
    .filter((b) => b.right > b.left),
  captions: annotations.length ? lines(annotations[annotations.length - 1]
    .querySelector('text')) : [],
};
"""
TOLERANCE = 0.5  # px: sub-pixel rounding of text boxes


def _image_boxes(dash_duo, path: Path) -> dict:
    dash_duo.driver.get(path.as_uri())
    return dash_duo.driver.execute_script(_BOXES_JS)


def _letters(texts) -> str:
    return "".join("".join(texts).split())


def _overlap(a: dict, b: dict) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > TOLERANCE
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > TOLERANCE
    )


def _assert_laid_out(boxes: dict, title: str, lines: list[str], legend: bool | None) -> None:
    """Everything inside the image, nothing on top of anything else, and all of the
    title and of every caption line there (wrapped, not cut). ``legend``: whether the
    image must have one (None: whatever the chart's figure shows)."""
    width, height = boxes["width"], boxes["height"]
    # The title and caption texts, re-joined from their wrapped lines, are whole (a
    # word wider than the image is split between lines, so compare without spaces).
    assert _letters(b["text"] for b in boxes["title"]) == _letters([title])
    assert _letters(b["text"] for b in boxes["captions"]) == _letters(lines)
    if legend is not None:
        assert len(boxes["legend"]) == (1 if legend else 0)
    assert boxes["plots"], "no plot area"
    named = (
        [("title", b) for b in boxes["title"]]
        + [("legend", b) for b in boxes["legend"]]
        + [("plot", b) for b in boxes["plots"][:1]]
        + [("tick " + b["text"], b) for b in boxes["ticks"]]
        + [("caption " + b["text"], b) for b in boxes["captions"]]
    )
    for name, b in named:
        inside = (
            b["left"] >= -TOLERANCE
            and b["top"] >= -TOLERANCE
            and b["right"] <= width + TOLERANCE
            and b["bottom"] <= height + TOLERANCE
        )
        assert inside, f"{name} {b} is outside the {width} x {height} image"
    for (name_a, a), (name_b, b) in combinations(named, 2):
        if name_a.startswith("tick") and name_b.startswith("tick"):
            continue  # tick labels of one axis are plotly's own business
        assert not _overlap(a, b), f"{name_a} {a} overlaps {name_b} {b}"
    # Top to bottom: title, legend, plot area, caption lines.
    order = [boxes["title"][-1]] + boxes["legend"] + [boxes["plots"][0], boxes["captions"][0]]
    assert all(x["bottom"] <= y["top"] for x, y in zip(order, order[1:], strict=False))


def _download_svg(dash_duo, card: str, name: str, target: Path) -> Path:
    button = dash_duo.find_element(card + " .modebar-btn[data-title='Lataa kuva (SVG)']")
    # A script click: the toolbar of a card below the fold is not under the pointer.
    dash_duo.driver.execute_script("arguments[0].click()", button)
    path = _download(dash_duo, name)
    return path.rename(target)


# A unit is named with its municipality: the longest filters line one node gives
# (a selection is one node of the unit hierarchy).
WIDE_FILTERS = "/hoitoonpaasy?from=2024-01&to=2024-04&unit=TA01"
FILTERS_LINE = (
    "Rajaukset: ajanjakso 1/2024–4/2024; aikataso kuukausi; yksikkö: Alfa – Alfan terveysasema"
)
DATA_LINES = ["Tiedot 30.4.2024 asti.", "Synteettinen demoaineisto."]
# chart id -> (title, caption lines) of the real cards; their legends are whatever
# charts/figures/time_series.py gives them (the stress case below has a legend of 12 entries).
CARDS = {
    "hoitotakuu-7vrk": (
        "Kiireettömät käynnit 7 vuorokauden kuluessa hoidon tarpeen arvioinnista",
        [FILTERS_LINE, "Lähde: Avohilmo-tiedot raportointitietokannasta.", *DATA_LINES],
    ),
    "hoitotakuu-lakisaateinen": (
        "Kiireettömät käynnit lakisääteisessä määräajassa",
        [
            FILTERS_LINE,
            "Lähde: Avohilmo-tiedot raportointitietokannasta; määräajat "
            "terveydenhuoltolain 51 §:stä.",
            *DATA_LINES,
        ],
    ),
}
# A title, legend and captions longer than any chart's: 12 series, 6 caption lines,
# one of them a "word" wider than a narrow image.
STRESS_TITLE = (
    "Kiireettömät käynnit 7 vuorokauden kuluessa hoidon tarpeen arvioinnista "
    "ikäryhmittäin, palvelumuodoittain ja yksiköittäin koko hyvinvointialueella "
    "verrattuna edellisen vuoden vastaavaan ajanjaksoon ja kansalliseen tavoitteeseen"
)
STRESS_LINES = [
    "Rajaukset: " + "; ".join(f"yksikkö {n}: Terveysasema numero {n}" for n in range(1, 13)),
    "Näkymä: Aikasarja",
    "Lähde: Avohilmo-tiedot raportointitietokannasta.",
    *DATA_LINES,
    "Pitkä_tunniste_ilman_välilyöntejä_" + "x_" * 60,
]
STRESS_SERIES = [f"Sarja {n}: ikäryhmä {10 * n}–{10 * n + 9} v." for n in range(12)]
_STRESS_JS = """
const [card, title, lines, names] = arguments;
const gd = document.querySelector(card + ' .js-plotly-plot');
const data = names.map((name, i) => ({type: 'scatter', mode: 'lines+markers', name: name,
  x: ['2024-01-01', '2024-02-01', '2024-03-01'], y: [40 + i, 50 + i, 60 + i]}));
const layout = Object.assign({}, gd.layout,
  {meta: {tkExport: {title: title, context: lines, filename: 'laaja'}}});
return Plotly.react(gd, data, layout).then(() => true);
"""


@pytest.mark.parametrize("window_width", [1280, 600])
def test_x003_toolbar_svg_lays_out_title_legend_plot_and_captions(
    dash_duo, browser_db, tmp_path, window_width
):
    """Toolbar SVGs, wide or narrow, lay out title, legend, plot and captions; long titles wrap."""
    dash_duo.driver.set_window_size(window_width, 1600)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + WIDE_FILTERS)
    downloads = []  # (svg file, on-screen width, title, lines, legend required?)
    for chart_id, (title, lines) in CARDS.items():
        card = f"#card-{chart_id}"
        dash_duo.wait_for_element(card + " .modebar", timeout=WAIT)
        svg = _download_svg(
            dash_duo, card, f"{chart_id}_2024-04-30.svg", tmp_path / f"{chart_id}.svg"
        )
        width = dash_duo.find_element(card + " .js-plotly-plot").size["width"]
        downloads.append((svg, width, title, lines, None))
    # The extremes, drawn into a real card (its layout, its toolbar).
    card = "#card-hoitotakuu-7vrk"
    assert dash_duo.driver.execute_script(
        _STRESS_JS, card, STRESS_TITLE, STRESS_LINES, STRESS_SERIES
    )
    svg = _download_svg(dash_duo, card, "laaja.svg", tmp_path / "laaja.svg")
    width = dash_duo.find_element(card + " .js-plotly-plot").size["width"]
    downloads.append((svg, width, STRESS_TITLE, STRESS_LINES, True))
    assert dash_duo.get_logs() == []

    for svg, width, title, lines, legend in downloads:
        boxes = _image_boxes(dash_duo, svg)
        assert boxes["width"] == width  # as wide as the chart on screen
        _assert_laid_out(boxes, title, lines, legend)
    # 227 characters of 16 px text, some 7 px each, are some 1600 px: more than one
    # line of any card at these window widths (at most 1280 px).
    assert len(STRESS_TITLE) == 227 and width <= 1280
    assert len(boxes["title"]) >= 2


@pytest.mark.parametrize("width", [1200, 480])
def test_x004_server_images_follow_the_same_layout(dash_duo, tmp_path, width):
    """The PowerPoint pictures are drawn by kaleido with the same layout rule."""
    fig = go.Figure(
        [
            go.Scatter(x=["2024-01-01", "2024-02-01"], y=[40 + n, 50 + n], name=name)
            for n, name in enumerate(STRESS_SERIES)
        ]
    )
    options = FigureOptions(
        kind="line",
        unit="percent",
        grain="month",
        series_labels={},
        target_label="",
        decimals=1,
        lang="fi",
    )
    figure = base_layout(fig, options).to_plotly_json()
    svg = tmp_path / "server.svg"
    exported = images.export_figure(figure, title=STRESS_TITLE, context=STRESS_LINES, width=width)
    svg.write_bytes(images.render(exported, "svg"))
    dash_duo.driver.get("about:blank")
    boxes = _image_boxes(dash_duo, svg)
    assert boxes["width"] == width
    _assert_laid_out(boxes, STRESS_TITLE, STRESS_LINES, True)
    # 12 entries of some 200 px cannot share one row at either width: the legend
    # is several rows tall (over 2 x 20 px) and the image grew to hold it.
    legend = boxes["legend"][0]
    assert legend["bottom"] - legend["top"] > 40
    assert boxes["height"] > images.EXPORT_HEIGHT
