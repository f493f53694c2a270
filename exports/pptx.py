"""A page, or a chosen set of its charts, as one PowerPoint deck (16:9).

The first slide names the page, the filters, the export time and the data date. Then
one slide per chart: its title, the chart as a PNG rendered on the server
(``exports.images``) with the chart's summary sentence as the picture's alternative
text, and under it the filters in force, source, "data as of" date and, for the demo
data, the synthetic-data note. The speaker notes hold the summary and the definition.
A chart left without data by the filters gets its slide with a notice instead of a
picture, so the deck keeps the page's order.

The chart texts and numbers are exactly the card's: everything comes from the cached
``charts.payload.chart_payload``. The caller supplies a Flask app context (the payload
is memoized through flask-caching).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from charts.catalog import CHARTS
from charts.filter_text import describe_filters
from charts.payload import chart_payload, no_data_text
from exports.files import download_name
from exports.images import export_figure, render
from queries.filters import Filters
from queries.reference import data_as_of, is_synthetic
from translations import format_clock, format_date, t

SLIDE_WIDTH = Emu(12192000)  # 13.333 in: 16:9
SLIDE_HEIGHT = Emu(6858000)  # 7.5 in
MARGIN = Inches(0.5)
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
TITLE_TOP = Inches(0.3)
GAP = Inches(0.1)  # between the title, the picture and the footer lines
BOTTOM = Inches(0.2)  # below the footer lines
MIN_PICTURE_HEIGHT = Inches(3)
TITLE_SIZE, FOOTER_SIZES = 24, (11, 10, 9, 8)  # pt; the footer steps down to fit
HEADING_TOP, SUBTITLE_SIZES = Inches(1.6), (16, 14, 12, 10)  # the deck's title slide
# PowerPoint wraps the slide texts when the deck is opened, in the template's font
# (Calibri), which this server may not have: the boxes are sized from a generous
# estimate instead: CHAR_EM of the font size per character (Calibri averages about
# 0.5 em in Finnish text, bold a little more), LINE_SPACING of it per line, plus the
# text box's own insets (PowerPoint's defaults).
CHAR_EM = 0.6
LINE_SPACING = 1.2
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)
GREY = RGBColor(0x33, 0x33, 0x33)
# Layouts of python-pptx's default template.
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5
_LANGUAGE_IDS = {"fi": MSO_LANGUAGE_ID.FINNISH, "sv": MSO_LANGUAGE_ID.SWEDISH}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ChartSlide:
    """What one chart's slide shows; ``image`` is None when there is no data."""

    chart_id: str
    title: str
    summary: str
    image: bytes | None
    lines: tuple[str, ...]
    notes: str


def context_lines(payload: Mapping) -> list[str]:
    """Filters in force, view, source, data date and the synthetic note of one chart,
    worded as under the chart card and in its toolbar images (``export_context``)."""
    return list(payload["figure"]["layout"]["meta"]["tkExport"]["context"])


def chart_slide(
    chart_id: str,
    filters: Filters,
    lang: str,
    view: str = "series",
    phases: tuple[str, ...] = (),
) -> ChartSlide:
    """The content of one chart's slide from its cached payload (renders the image);
    ``phases``: the phase starts of the run chart (``YYYY-MM``, sorted)."""
    spec = CHARTS[chart_id]
    payload = chart_payload(chart_id, filters, lang, view, phases)
    image = None if payload["empty"] else render(export_figure(payload["figure"]), "png")
    summary = payload["summary"] if not payload["empty"] else no_data_text(payload, lang)
    return ChartSlide(
        chart_id=chart_id,
        title=t(spec.text_key("title"), lang),
        summary=summary,
        image=image,
        lines=tuple(context_lines(payload)),
        notes=summary + "\n\n" + spec.definition(lang),
    )


def _write(
    frame, lines: Iterable[str], lang: str, size: int, colour=None, bold=False, align=None
) -> None:
    """Replace a text frame's text with one paragraph per line in ``lang``."""
    frame.clear()
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour is not None:
            run.font.color.rgb = colour
        if lang in _LANGUAGE_IDS:
            run.font.language_id = _LANGUAGE_IDS[lang]


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _fit(image: bytes, left, top, width, height) -> tuple[int, int, int, int]:
    """The largest box of the image's proportions inside the given one, centred."""
    with Image.open(io.BytesIO(image)) as picture:
        px_width, px_height = picture.size
    scale = min(width / px_width, height / px_height)
    w, h = int(px_width * scale), int(px_height * scale)
    return left + (width - w) // 2, top, w, h


def text_height(lines: Iterable[str], size: float, width: int = CONTENT_WIDTH) -> int:
    """EMU a text box ``width`` EMU wide needs for ``lines`` at ``size`` pt: each line
    word-wrapped at the estimated characters per line (``CHAR_EM``), ``LINE_SPACING``
    per wrapped line, plus the box's insets. An upper bound, not a measurement."""
    per_line = max(1, int((width - 2 * INSET_X) / (CHAR_EM * Pt(size))))
    count = sum(len(textwrap.wrap(line, per_line) or [""]) for line in lines)
    return int(count * LINE_SPACING * Pt(size)) + 2 * INSET_Y


@dataclass(frozen=True)
class ChartSlideLayout:
    """Where a chart slide's parts go (EMU), stacked from their content: the title
    (wrapped), the picture box (the rest), the footer lines (wrapped) at the bottom."""

    title_height: int
    picture_top: int
    picture_height: int
    footer_top: int
    footer_height: int
    footer_size: int  # pt


def chart_slide_layout(title: str, lines: Iterable[str]) -> ChartSlideLayout:
    """The slide's layout for a ``title`` and footer ``lines``: the footer keeps the
    largest of ``FOOTER_SIZES`` that leaves the picture ``MIN_PICTURE_HEIGHT``."""
    lines = list(lines)
    title_height = text_height([title], TITLE_SIZE)
    picture_top = TITLE_TOP + title_height + GAP
    for size in FOOTER_SIZES:
        footer_height = text_height(lines, size)
        footer_top = SLIDE_HEIGHT - BOTTOM - footer_height
        if footer_top - GAP - picture_top >= MIN_PICTURE_HEIGHT:
            break
    return ChartSlideLayout(
        title_height=title_height,
        picture_top=picture_top,
        picture_height=footer_top - GAP - picture_top,
        footer_top=footer_top,
        footer_height=footer_height,
        footer_size=size,
    )


def _chart_page(prs, content: ChartSlide, lang: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    layout = chart_slide_layout(content.title, content.lines)
    title = slide.shapes.title
    _place(title, MARGIN, TITLE_TOP, CONTENT_WIDTH, layout.title_height)
    _write(title.text_frame, [content.title], lang, TITLE_SIZE, bold=True, align=PP_ALIGN.LEFT)
    if content.image is not None:
        left, top, width, height = _fit(
            content.image, MARGIN, layout.picture_top, CONTENT_WIDTH, layout.picture_height
        )
        picture = slide.shapes.add_picture(io.BytesIO(content.image), left, top, width, height)
        picture.name = content.title
        # The alternative text ("Alt Text" in PowerPoint) is the cNvPr descr attribute.
        picture._element.nvPicPr.cNvPr.set("descr", content.summary)
    else:
        box = slide.shapes.add_textbox(
            MARGIN, layout.picture_top, CONTENT_WIDTH, text_height([content.summary], 20)
        )
        _write(box.text_frame, [content.summary], lang, 20)
    footer = slide.shapes.add_textbox(
        MARGIN, layout.footer_top, CONTENT_WIDTH, layout.footer_height
    )
    footer.name = "Tiedot"
    _write(footer.text_frame, content.lines, lang, layout.footer_size, GREY)
    notes = slide.notes_slide.notes_text_frame
    notes.text = content.notes


def _title_page(prs, title: str, lines: list[str], lang: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    heading, subtitle = slide.placeholders[0], slide.placeholders[1]
    # Stacked from their content like a chart slide: the lines (a long filter line
    # wraps) step down in size until they end above the slide's bottom.
    heading_height = text_height([title], 40)
    _place(heading, MARGIN, HEADING_TOP, CONTENT_WIDTH, heading_height)
    _write(heading.text_frame, [title], lang, 40, bold=True)
    top = HEADING_TOP + heading_height + GAP
    for size in SUBTITLE_SIZES:
        height = text_height(lines, size)
        if top + height <= SLIDE_HEIGHT - BOTTOM:
            break
    _place(subtitle, MARGIN, top, CONTENT_WIDTH, height)
    _write(subtitle.text_frame, lines, lang, size, GREY)


def build_deck(
    page_title: str,
    chart_ids: Iterable[str],
    filters: Filters,
    lang: str,
    views: Mapping[str, str] | None = None,
    phases: Mapping[str, tuple[str, ...]] | None = None,
    progress: Progress | None = None,
    exported_at: datetime | None = None,
) -> bytes:
    """The deck as ``.pptx`` bytes: a title slide and one slide per chart in order.

    ``views`` maps a chart id to the card view to export (default: the time series),
    ``phases`` a chart id to the phase starts of its run chart (default: none).
    ``progress(done, total)`` is called after each chart.
    """
    chart_ids = [chart_id for chart_id in chart_ids if chart_id in CHARTS]
    views = views or {}
    phases = phases or {}
    exported_at = exported_at or datetime.now()
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT

    as_of = data_as_of()
    title_lines = [
        t("app.title", lang),
        t("export.meta.filters", lang) + ": " + describe_filters(filters, lang),
        t("card.data_as_of", lang, date=format_date(as_of, lang))
        if as_of
        else t("card.data_as_of_unknown", lang),
        t(
            "export.pptx.exported",
            lang,
            date=format_date(exported_at.date(), lang),
            time=format_clock(exported_at, lang),
        ),
    ]
    if is_synthetic():
        title_lines.append(t("shell.synthetic_banner", lang))
    _title_page(prs, page_title, title_lines, lang)

    for done, chart_id in enumerate(chart_ids, start=1):
        slide = chart_slide(
            chart_id, filters, lang, views.get(chart_id, "series"), phases.get(chart_id, ())
        )
        _chart_page(prs, slide, lang)
        if progress is not None:
            progress(done, len(chart_ids))

    core = prs.core_properties
    core.title = page_title
    core.subject = t("app.title", lang)
    core.author = core.last_modified_by = t("app.title", lang)
    core.language = {"fi": "fi-FI", "sv": "sv-FI"}.get(lang, lang)
    core.created = core.modified = exported_at
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def deck_filename(page_slug: str, exported_at: datetime | None = None) -> str:
    """``tietokeskustelut_<page>_<date>.pptx`` (the overview is ``yleiskuva``)."""
    day = (exported_at or datetime.now()).date().isoformat()
    return download_name("tietokeskustelut", page_slug or "yleiskuva", day, extension="pptx")
