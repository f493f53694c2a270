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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from charts.catalog import CHARTS
from charts.payload import chart_payload, effective_filters
from exports.data import describe_filters
from exports.images import export_figure, render
from queries.filters import Filters
from queries.reference import data_as_of, is_synthetic
from translations import format_date, t

SLIDE_WIDTH = Emu(12192000)  # 13.333 in: 16:9
SLIDE_HEIGHT = Emu(6858000)  # 7.5 in
MARGIN = Inches(0.5)
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
TITLE_TOP, TITLE_HEIGHT = Inches(0.3), Inches(0.8)
PICTURE_TOP, PICTURE_HEIGHT = Inches(1.15), Inches(5.15)
FOOTER_TOP, FOOTER_HEIGHT = Inches(6.35), Inches(1.0)
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


def context_lines(chart_id: str, filters: Filters, payload: Mapping, lang: str) -> list[str]:
    """Filters in force, view, source, data date and the synthetic note of one chart,
    worded as on the chart card."""
    spec = CHARTS[chart_id]
    lines = [
        t("export.meta.filters", lang)
        + ": "
        + describe_filters(effective_filters(spec, filters), lang),
    ]
    if payload.get("view", "series") != "series":
        lines.append(t("export.pptx.view", lang, view=t(f"card.view.{payload['view']}", lang)))
    lines.append(t("card.source", lang, source=t(spec.text_key("source"), lang)))
    as_of = payload.get("data_as_of")
    lines.append(
        t("card.data_as_of", lang, date=format_date(date.fromisoformat(as_of), lang))
        if as_of
        else t("card.data_as_of_unknown", lang)
    )
    if payload.get("synthetic"):
        lines.append(t("card.synthetic", lang))
    return lines


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
    summary = payload["summary"] if not payload["empty"] else t("card.no_data", lang)
    return ChartSlide(
        chart_id=chart_id,
        title=t(spec.text_key("title"), lang),
        summary=summary,
        image=image,
        lines=tuple(context_lines(chart_id, filters, payload, lang)),
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


def _chart_page(prs, content: ChartSlide, lang: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    title = slide.shapes.title
    _place(title, MARGIN, TITLE_TOP, CONTENT_WIDTH, TITLE_HEIGHT)
    _write(title.text_frame, [content.title], lang, 24, bold=True, align=PP_ALIGN.LEFT)
    if content.image is not None:
        left, top, width, height = _fit(
            content.image, MARGIN, PICTURE_TOP, CONTENT_WIDTH, PICTURE_HEIGHT
        )
        picture = slide.shapes.add_picture(io.BytesIO(content.image), left, top, width, height)
        picture.name = content.title
        # The alternative text ("Alt Text" in PowerPoint) is the cNvPr descr attribute.
        picture._element.nvPicPr.cNvPr.set("descr", content.summary)
    else:
        box = slide.shapes.add_textbox(MARGIN, PICTURE_TOP, CONTENT_WIDTH, Inches(1))
        _write(box.text_frame, [content.summary], lang, 20)
    footer = slide.shapes.add_textbox(MARGIN, FOOTER_TOP, CONTENT_WIDTH, FOOTER_HEIGHT)
    footer.name = "Tiedot"
    _write(footer.text_frame, content.lines, lang, 11, GREY)
    notes = slide.notes_slide.notes_text_frame
    notes.text = content.notes


def _title_page(prs, title: str, lines: list[str], lang: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    heading, subtitle = slide.placeholders[0], slide.placeholders[1]
    _place(heading, MARGIN, Inches(1.6), CONTENT_WIDTH, Inches(1.6))
    _write(heading.text_frame, [title], lang, 40, bold=True)
    _place(subtitle, MARGIN, Inches(3.4), CONTENT_WIDTH, Inches(3.2))
    _write(subtitle.text_frame, lines, lang, 16, GREY)


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
            time=exported_at.strftime("%H.%M"),
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
    return f"tietokeskustelut_{page_slug or 'yleiskuva'}_{day}.pptx"
