"""PowerPoint export: decks built from the foundation fixture and reopened with
python-pptx, pictures that are real PNGs drawn by the system Chromium, and one browser
per process however many images it draws."""

from __future__ import annotations

import io
import json
import threading
import time
from datetime import datetime
from pathlib import Path

import plotly.graph_objects as go
import psutil
import pytest
from PIL import Image
from plotly.utils import PlotlyJSONEncoder
from pptx import Presentation
from pptx.util import Emu, Pt

from charts.areas import INVESTMENT_AREAS
from charts.catalog import CHARTS
from charts.payload import chart_payload
from dashboards import hoitoonpaasy, overview
from dashboards._export import IDS
from dashboards._page import area_page
from exports import images
from exports.pptx import (
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    build_deck,
    chart_slide_layout,
    deck_filename,
    text_height,
)
from queries.filters import Filters
from translations import t

FILTERS, _ = Filters.from_query({"from": "2024-01", "to": "2024-02"})
# The overview's headline charts in the page's order (its export panel's charts).
OVERVIEW_CHARTS = [c for area in INVESTMENT_AREAS for c in overview.KPI_IDS.get(area.slug, ())]
PAGE_CHARTS = list(hoitoonpaasy.CHART_IDS)  # the first is hoitotakuu-7vrk
PNG_BLUE = (0x00, 0x72, 0xB2)  # the headline series colour (charts/figures/time_series.py)


def _slide_texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE


def _json(figure: dict) -> str:
    return json.dumps(figure, cls=PlotlyJSONEncoder, sort_keys=True)


def _simple_figure(y) -> dict:
    return go.Figure(go.Scatter(x=[1, 2, 3], y=y)).to_plotly_json()


def test_pp01_deck_of_a_page_reopens_with_titles_pictures_and_context(reporting_db):
    """A page's 16:9 deck has a title slide, then per chart its title, image, alt text and notes."""
    progress: list[tuple[int, int]] = []
    deck = build_deck(
        "Hoitoonpääsy",
        PAGE_CHARTS,
        FILTERS,
        "fi",
        progress=lambda done, total: progress.append((done, total)),
        exported_at=datetime(2026, 11, 24, 9, 5),
    )
    prs = Presentation(io.BytesIO(deck))
    assert (prs.slide_width, prs.slide_height) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    assert len(prs.slides) == 1 + len(PAGE_CHARTS)
    assert progress == [(n, len(PAGE_CHARTS)) for n in range(1, len(PAGE_CHARTS) + 1)]
    assert prs.core_properties.title == "Hoitoonpääsy"

    title_slide = "\n".join(_slide_texts(prs.slides[0]))
    assert prs.slides[0].shapes.title.text == "Hoitoonpääsy"
    assert "Rajaukset: ajanjakso 1/2024–2/2024; aikataso kuukausi" in title_slide
    assert "Tiedot 30.4.2024 asti." in title_slide
    # CLDR's Finnish short time (H.mm): no leading zero in the hour.
    assert "Viety 24.11.2026 klo 9.05" in title_slide
    assert "Demoaineisto" in title_slide  # the fixture says its data are synthetic

    for slide, chart_id in zip(list(prs.slides)[1:], PAGE_CHARTS, strict=True):
        spec = CHARTS[chart_id]
        payload = chart_payload(chart_id, FILTERS, "fi")
        assert slide.shapes.title.text == t(spec.text_key("title"), "fi")
        pictures = _pictures(slide)
        if payload["empty"]:  # no data under the filters: a notice instead of a picture
            assert pictures == [] and "ei ole tietoja" in "\n".join(_slide_texts(slide))
            continue
        assert len(pictures) == 1, chart_id
        picture = pictures[0]
        # The alternative text is the chart's summary sentence, as under the card.
        assert picture._element.nvPicPr.cNvPr.get("descr") == payload["summary"]
        with Image.open(io.BytesIO(picture.image.blob)) as image:
            assert image.format == "PNG"
            assert image.size[0] == 2 * images.EXPORT_WIDTH
            assert image.size[1] >= 2 * images.EXPORT_HEIGHT
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert len(colours) > 20, "a blank picture"
        # The picture keeps its proportions and stays on the slide.
        assert abs(picture.width / picture.height - image.size[0] / image.size[1]) < 0.01
        assert picture.left >= 0 and picture.left + picture.width <= SLIDE_WIDTH
        assert picture.top + picture.height <= SLIDE_HEIGHT
        texts = "\n".join(_slide_texts(slide))
        assert "Rajaukset: ajanjakso 1/2024–2/2024; aikataso kuukausi" in texts
        assert t("card.source", "fi", source=t(spec.text_key("source"), "fi")) in texts
        assert "Tiedot 30.4.2024 asti." in texts
        assert "Synteettinen demoaineisto." in texts
        notes = slide.notes_slide.notes_text_frame.text
        assert payload["summary"] in notes and spec.definition("fi") in notes

    # Hand-computed (tests/fixtures/foundation.py): 2/2024 25 of 30 = 83.3 %.
    first = prs.slides[1]
    assert first.shapes.title.text.startswith("Kiireettömät käynnit 7 vuorokauden")
    descr = _pictures(first)[0]._element.nvPicPr.cNvPr.get("descr")
    assert descr.startswith("Viimeisin arvo 2/2024: 83,3\u00a0%")
    with Image.open(io.BytesIO(_pictures(first)[0].image.blob)) as image:
        rgb = image.convert("RGB")
        line = sum(1 for count, colour in rgb.getcolors(1 << 20) if colour == PNG_BLUE)
    assert line > 0, "the 7-day line is not drawn"


def test_pp02_exporting_does_not_change_the_cached_figure(reporting_db):
    """Exporting leaves the cached figure untouched and asks the layout at 1200 x 520 px."""
    payload = chart_payload("hoitotakuu-7vrk", FILTERS, "fi")
    before = _json(payload["figure"])
    exported = images.export_figure(payload["figure"], title="Otsikko", context=["Rivi", ""])
    assert _json(payload["figure"]) == before
    # The drawing page lays the image out (assets/25-export-layout.js) from this request.
    request = exported["layout"]["meta"]["tkExportLayout"]
    assert (request["title"], request["lines"]) == ("Otsikko", ["Rivi"])
    # 1200 px wide; drawn at max(520, 1.25 x 360 = 450) = 520 px before the title,
    # legend and caption blocks are measured.
    assert (request["width"], request["height"]) == (1200, 520)
    assert (exported["layout"]["width"], exported["layout"]["height"]) == (1200, 520)


def test_pp03_units_view_and_charts_without_data(reporting_db):
    """Unknown charts are dropped, empty ones get a notice, and the units view is drawn if asked."""
    empty, _ = Filters.from_query({"from": "2030-01", "to": "2030-02"})
    deck = build_deck("Hoitoonpääsy", ["hoitotakuu-7vrk", "no-such-chart"], empty, "fi")
    prs = Presentation(io.BytesIO(deck))
    assert len(prs.slides) == 2  # the unknown id is dropped
    slide = prs.slides[1]
    assert _pictures(slide) == []
    assert "Valituilla rajauksilla ei ole tietoja." in "\n".join(_slide_texts(slide))

    deck = build_deck(
        "Hoitoonpääsy", ["hoitotakuu-7vrk"], FILTERS, "fi", views={"hoitotakuu-7vrk": "units"}
    )
    slide = Presentation(io.BytesIO(deck)).slides[1]
    summary = chart_payload("hoitotakuu-7vrk", FILTERS, "fi", "units")["summary"]
    assert summary.startswith("Jakso 2/2024: suurin arvo Alfan terveysasema (83,3")
    assert _pictures(slide)[0]._element.nvPicPr.cNvPr.get("descr") == summary
    assert "Näkymä: Yksiköittäin" in "\n".join(_slide_texts(slide))


@pytest.mark.server
def test_pp04_one_browser_per_process_for_many_images(monkeypatch):
    """Many images, also from two threads, are drawn by one browser started once per process."""
    import kaleido

    images.shutdown()
    opened: list[int] = []
    real_open = kaleido.Kaleido.open

    async def counting_open(self):
        opened.append(1)
        return await real_open(self)

    monkeypatch.setattr(kaleido.Kaleido, "open", counting_open)
    starts = images.browser_starts()
    started = time.perf_counter()
    pngs = [images.render(images.export_figure(_simple_figure([1, n, 2]))) for n in range(3)]
    # Two threads at once still share the one browser.
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(images.chart_image(_simple_figure([3, 1]))))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    svg = images.chart_image(_simple_figure([2, 2]), fmt="svg", title="Otsikko", context=["x"])
    elapsed = time.perf_counter() - started
    assert len(opened) == 1 and images.browser_starts() == starts + 1
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in [*pngs, *results])
    assert len(results) == 2
    assert svg.lstrip().startswith(b"<svg") and b"Otsikko" in svg
    assert elapsed < 30, f"6 images took {elapsed:.1f} s"


@pytest.mark.server
def test_pp05_a_forked_job_starts_its_own_browser_and_closes_it(tmp_path):
    """A background-callback job is a fork of the web worker that ends with os._exit:
    it must not use the parent's browser, and it must not leave Chromium behind."""
    from multiprocess import Process, Queue

    images.render(_simple_figure([1, 2]))  # the parent has a browser running
    parent_browser = images._renderer.kaleido.subprocess.pid
    parent_profile = images._renderer.kaleido._browser_impl.tmp_dir.path
    queue = Queue()

    def job():
        png = images.render(_simple_figure([2, 1]))
        browser = images._renderer.kaleido
        profile = browser._browser_impl.tmp_dir.path  # Chromium's temporary profile
        queue.put((images.browser_starts(), browser.subprocess.pid, str(profile), png[:8]))

    process = Process(target=job)
    process.start()
    starts, child_browser, profile, head = queue.get(timeout=60)
    process.join(30)
    assert process.exitcode == 0
    assert starts == 1 and head == b"\x89PNG\r\n\x1a\n"
    assert child_browser != parent_browser
    assert not Path(profile).exists(), "the job's browser was not closed at its exit"
    deadline = time.monotonic() + 10
    while psutil.pid_exists(child_browser) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = psutil.pid_exists(child_browser) and (
        psutil.Process(child_browser).status() != psutil.STATUS_ZOMBIE
    )
    assert not alive, "the job's browser outlived the job"
    assert psutil.pid_exists(parent_browser)  # the parent's browser is untouched
    assert Path(parent_profile).exists()
    assert images.render(_simple_figure([1, 1])).startswith(b"\x89PNG")


@pytest.mark.unit
def test_pp06_the_drawing_page_fetches_nothing_from_the_network():
    """The image drawing page loads only local files and names no network URL."""
    page = images.page_generator().generate_index()
    sources = [part.split('"')[1] for part in page.split("src=")[1:]]
    assert sources and all(src.startswith("file://") for src in sources), sources
    # No URL of a network scheme (a checkout path may well contain "http").
    assert "http:" not in page.lower() and "https:" not in page.lower()


@pytest.mark.unit
def test_pp07_missing_browser_is_a_clear_error(monkeypatch):
    """A missing browser raises RenderError naming its path, and counts no start."""
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    fresh = images._Renderer()
    with pytest.raises(images.RenderError, match="/nonexistent/chromium"):
        fresh.render(_simple_figure([1]), {"format": "png"})
    assert fresh.starts == 0


def _find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


@pytest.mark.unit
def test_pp08_every_page_has_the_export_panel_with_its_charts():
    """Every page has the export panel listing its charts, with a new job key per page load."""
    page = area_page("hoitoonpaasy", hoitoonpaasy.CHART_IDS, {"from": "2024-01"})
    checklist = _find(page, IDS["charts"])
    assert [o["value"] for o in checklist.options] == list(hoitoonpaasy.CHART_IDS)
    assert checklist.value == list(hoitoonpaasy.CHART_IDS)
    request = _find(page, IDS["request"]).data
    assert request["page"] == "hoitoonpaasy" and request["charts"] == list(hoitoonpaasy.CHART_IDS)
    again = _find(area_page("hoitoonpaasy", hoitoonpaasy.CHART_IDS, {}), IDS["request"]).data
    assert again["token"] != request["token"]  # one job key per page load
    home = overview.layout()
    assert _find(home, IDS["request"]).data["charts"] == OVERVIEW_CHARTS
    assert deck_filename("", datetime(2026, 1, 2)) == "tietokeskustelut_yleiskuva_2026-01-02.pptx"
    assert Emu(SLIDE_WIDTH).inches == pytest.approx(13.333, abs=0.001)


@pytest.mark.unit
def test_pp09_the_callback_serves_only_known_charts_in_page_order():
    """The export callback keeps only known, unique charts in page order, at most MAX_CHARTS."""
    from callbacks.exports_pptx import MAX_CHARTS, _charts

    request = {"charts": ["jonot", "hoitotakuu-7vrk", "../../etc", 7, "jonot"]}
    assert _charts(request, None, selected_only=False) == ["jonot", "hoitotakuu-7vrk"]
    chosen = ["hoitotakuu-7vrk", "digiasiointi-osuus", "jonot"]
    assert _charts(request, chosen, selected_only=True) == ["jonot", "hoitotakuu-7vrk"]
    assert _charts(request, [], selected_only=True) == []
    assert _charts({"charts": list(CHARTS) * 3}, None, False) == list(CHARTS)[:MAX_CHARTS]


@pytest.mark.unit
def test_pp10_slide_text_boxes_are_sized_from_their_text():
    """Text boxes are sized from their text; the footer font shrinks to leave the picture room."""
    # Content width 13.333 in - 2 x 0.5 in = 11277600 EMU, less 2 x 0.1 in insets =
    # 11094720 EMU. At 11 pt (139700 EMU) a character is estimated at 0.6 em = 83820
    # EMU: 132 characters a line; a line is 1.2 x 11 pt = 167640 EMU, plus 2 x 0.05 in
    # (91440 EMU) of insets.
    assert text_height(["x" * 132], 11) == 167640 + 91440
    assert text_height(["x" * 133], 11) == 2 * 167640 + 91440
    # Six lines of 100 five-letter words ("sana "): at 11 pt 26 words a line, 4 lines
    # each, 24 lines = 4114800 EMU; the picture would keep 7.5 in - 0.2 in bottom -
    # footer - 0.1 in gap - picture top (0.3 in + one 24 pt title line 0.5 in + 0.1 in
    # = 822960 EMU) = 1554480 EMU, under 3 in. 10 pt: 29 words, 4 lines each, still
    # under; 9 pt: 32 words, 4 lines each, 2377440 EMU, under; 8 pt (182 characters,
    # 36 words, 3 lines each, 18 lines of 121920 EMU): the picture keeps 3474720 EMU.
    layout = chart_slide_layout("Otsikko", ["sana " * 100] * 6)
    assert layout.footer_size == 8
    assert layout.picture_top == 822960
    assert layout.footer_height == 18 * 121920 + 91440
    assert layout.picture_height == 3474720


def test_pp11_chart_slide_parts_are_stacked_from_their_content(reporting_db):
    """A chart slide's title, picture and footer are sized by content and stacked apart."""
    # The county: the units view has the fixture's three health stations.
    three_units, _ = Filters.from_query({"from": "2024-01", "to": "2024-02"})
    deck = build_deck(
        "Hoitoonpääsy",
        ["hoitotakuu-7vrk"],
        three_units,
        "fi",
        views={"hoitotakuu-7vrk": "units"},
    )
    slide = Presentation(io.BytesIO(deck)).slides[1]
    title = slide.shapes.title
    (picture,) = _pictures(slide)
    (footer,) = [shape for shape in slide.shapes if shape.name == "Tiedot"]
    # The 71-character title: 24 pt, 0.6 em = 182880 EMU a character, 60 characters a
    # line: two lines of 1.2 x 24 pt = 365760 EMU, plus 91440 EMU of insets.
    assert len(title.text_frame.text) == 71
    assert title.height == 2 * 365760 + 91440
    # Five footer lines (filters, view, source, data date, synthetic note), each under
    # 132 characters at 11 pt: 5 x 167640 + 91440 EMU (more than the 1 in it had).
    lines = footer.text_frame.text.split("\n")
    assert len(lines) == 5 and max(map(len, lines)) < 132
    assert footer.height == 5 * 167640 + 91440
    assert footer.text_frame.paragraphs[0].runs[0].font.size == Pt(11)
    # Top to bottom without overlap, all on the slide.
    assert title.top + title.height <= picture.top
    assert picture.top + picture.height <= footer.top
    assert footer.top + footer.height <= SLIDE_HEIGHT


def test_pp12_slides_use_each_cards_view_and_phase_starts(reporting_db, monkeypatch):
    """Each slide uses its card's view and phase starts, the default view when none is given."""
    from exports import pptx

    calls = []

    def payload(chart_id, filters, lang, view, phases):
        calls.append((chart_id, view, phases))
        # An empty card: no image to render, only its caption lines and "no data".
        context = {"tkExport": {"context": ["Rajaukset: koko alue"]}}
        return {"empty": True, "view": view, "figure": {"layout": {"meta": context}}}

    monkeypatch.setattr(pptx, "chart_payload", payload)
    build_deck(
        "Hoitoonpääsy",
        ["hoitotakuu-7vrk", "jonot"],
        Filters(),
        "fi",
        views={"hoitotakuu-7vrk": "spc"},
        phases={"hoitotakuu-7vrk": ("2024-02",)},
    )
    assert calls == [("hoitotakuu-7vrk", "spc", ("2024-02",)), ("jonot", "series", ())]
