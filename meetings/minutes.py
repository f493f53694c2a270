"""The meeting as documents: the minutes (Markdown and Word ``.docx``) and the pre-read
(Word).

Both documents are lists of the same ``Block``s (heading, paragraph, bullet list, chart
picture, link), put together by shared functions — the meeting's head, the previous
meeting's actions, an agenda item's chart, a decision or action as one line — and
written out by one writer per format (``to_markdown``, ``to_docx``). So the minutes and
the pre-read cannot drift apart, and the Markdown says what the Word file says, without
the pictures (it links to each chart's page instead).

Per agenda item the chart is its card's (``meetings.items.item_payload``: cached,
protected data) while the data are the ones the meeting kept; once they have changed,
it is drawn from the meeting's snapshot (``meetings.snapshots.meeting_view``), so
the minutes of a held meeting keep what it saw. Its PNG is drawn on the server
(``exports.images``, like the PowerPoint slides) with the summary sentence as its
alternative text. When the
reporting database cannot be reached, or no picture can be drawn, the item says so and
the document is still made: what was recorded comes from the app database alone.

The caller supplies a Flask app context (the payload is memoized through
flask-caching) and, for links, the request's host URL (``base_url``).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image

from charts.catalog import CHARTS
from charts.payload import no_data_text
from exports.images import RenderError, export_figure, render
from exports.pptx import context_lines
from meetings import store
from meetings.changes_text import since_last_meeting
from meetings.items import item_address, item_page_url, item_title
from meetings.messages import overdue_text
from meetings.snapshots import meeting_view
from queries.engine import DATABASE_ERRORS
from translations import format_date, format_time, notice_text, t

log = logging.getLogger(__name__)

# --- blocks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 is the document's title, 2 an agenda item, 3 a part."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    """Text; line breaks kept. ``muted``: small grey print (sources, data dates)."""

    text: str
    muted: bool = False


@dataclass(frozen=True)
class Bullets:
    """A bullet list, one string per item."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Picture:
    """A chart as PNG bytes with its alternative text (the summary sentence)."""

    image: bytes
    alt: str
    name: str


@dataclass(frozen=True)
class Link:
    """A link to ``url`` (absolute) reading ``text``."""

    text: str
    url: str


Block = Heading | Paragraph | Bullets | Picture | Link

# --- shared building blocks -----------------------------------------------------------


def effect_text(decision: Mapping, lang: str) -> str:
    """The expected effect on the indicator, e.g. "nousee 30.6.2025 mennessä"; ""
    when none was stated."""
    direction = decision.get("effect_direction") or ""
    if not direction:
        return ""
    text = t(f"meetings.documents.effect.{direction}", lang)
    by = decision.get("effect_by")
    if by:
        text = t("meetings.documents.effect_by", lang, effect=text, date=format_date(by, lang))
    return text


def decision_line(decision: Mapping, lang: str, today: date, chart_title: str = "") -> str:
    """A decision or action as one line: title (and details), the chart it concerns
    when given, owner, due date, expected effect, status, and "myöhässä" when an open
    action's due date has passed (``store.is_overdue`` against ``today``)."""
    head = decision["title"]
    if decision.get("details"):
        head += ": " + decision["details"]
    if chart_title:
        head += " " + t("meetings.documents.on_chart", lang, chart=chart_title)
    parts = []
    if decision.get("owner"):
        parts.append(t("meetings.documents.owner", lang, owner=decision["owner"]))
    if decision.get("due_date"):
        parts.append(
            t("meetings.documents.due", lang, date=format_date(decision["due_date"], lang))
        )
    effect = effect_text(decision, lang)
    if effect:
        parts.append(t("meetings.documents.effect", lang, effect=effect))
    status = t(f"meetings.documents.status.{decision['status']}", lang)
    parts.append(t("meetings.documents.status", lang, status=status))
    line = head + " – " + ", ".join(parts)
    late = overdue_text(decision, lang, today)
    if late:
        line += " – " + late
    return line


def need_line(need: Mapping, lang: str) -> str:
    """An information need as one line: its text, status and the analysts' response."""
    status = t(f"meetings.documents.need_status.{need['status']}", lang)
    line = need["text"] + " – " + t("meetings.documents.status", lang, status=status)
    if need.get("response"):
        line += ". " + t("meetings.documents.response", lang, response=need["response"])
    return line


def meeting_head(meeting: Mapping, title_key: str, lang: str, now: datetime) -> list[Block]:
    """The document's title (``title_key`` with the meeting's title), series, date,
    members, the example notice of the demo series and when the document was made."""
    series = meeting["series"]
    members = [line.strip() for line in (series.get("members") or "").splitlines()]
    members = [line for line in members if line]
    lines = [
        t("meetings.documents.series", lang, series=series["name"]),
        t("meetings.documents.date", lang, date=format_date(meeting["meeting_date"], lang)),
    ]
    if members:
        lines.append(t("meetings.documents.members", lang, members=", ".join(members)))
    blocks: list[Block] = [
        Heading(t(title_key, lang, title=meeting["title"]), 1),
        Paragraph("\n".join(lines)),
    ]
    if series.get("is_example"):
        blocks.append(Paragraph(t("meetings.example", lang)))
    blocks.append(
        Paragraph(
            t(
                "meetings.documents.made",
                lang,
                at=format_time(now, lang),
            ),
            muted=True,
        )
    )
    return blocks


def previous_actions_blocks(meeting: Mapping, lang: str, today: date) -> list[Block]:
    """What a meeting checks first, as its page lists it (``store.earlier_actions``):
    the open actions of the series' earlier meetings and the previous meeting's done
    ones, each with its status and the meeting it was recorded in; says so when there
    is no earlier meeting or no such action."""
    blocks: list[Block] = [Heading(t("meetings.documents.previous_actions", lang), 2)]
    actions = store.earlier_actions(meeting)
    if not actions and store.previous_meeting(meeting) is None:
        return blocks + [Paragraph(t("meetings.documents.no_previous", lang))]
    lines = tuple(
        earlier_action_line(action, lang, today, _chart_title(action["chart_id"], lang))
        for action in actions
    )
    if not lines:
        return blocks + [Paragraph(t("meetings.documents.no_previous_actions", lang))]
    return blocks + [Bullets(lines)]


def earlier_action_line(action: Mapping, lang: str, today: date, chart_title: str = "") -> str:
    """An action of an earlier meeting (a row of ``store.open_actions`` or
    ``store.earlier_actions``) as ``decision_line`` words it, and the meeting it was
    recorded in."""
    recorded = t(
        "meetings.documents.from_meeting",
        lang,
        title=action["meeting_title"],
        date=format_date(action["meeting_date"], lang),
    )
    return decision_line(action, lang, today, chart_title) + " " + recorded


def _chart_title(chart_id: str, lang: str) -> str:
    return item_title({"chart_id": chart_id}, lang) if chart_id in CHARTS else chart_id


def _picture(payload: Mapping, alt: str, name: str) -> Block | None:
    try:
        image = render(export_figure(payload["figure"]), "png")
    except RenderError:
        log.exception("chart image for the meeting document failed")
        return None
    return Picture(image=image, alt=alt, name=name)


def chart_blocks(
    item: Mapping, meeting_date: date, lang: str, *, images: bool, base_url: str
) -> list[Block]:
    """An agenda item's heading and chart as its meeting shows it
    (``meetings.snapshots.meeting_view``: once the data have changed, the numbers the
    meeting kept): the picture (when ``images`` and there is data), the summary
    sentence, notices about its address, the filters, source and "data as of" lines,
    and a link to the chart on its page (``base_url`` + path)."""
    title = item_title(item, lang)
    blocks: list[Block] = [Heading(f"{item['position']}. {title}", 2)]
    try:
        _address, notices = item_address(item, lang)
        payload = meeting_view(item, meeting_date, lang)
    except DATABASE_ERRORS:
        log.exception("chart of agenda item %s for a meeting document failed", item.get("id"))
        blocks.append(Paragraph(t("meetings.documents.chart_unavailable", lang)))
    else:
        summary = payload["summary"] if not payload["empty"] else no_data_text(payload, lang)
        if images and not payload["empty"]:
            picture = _picture(payload, summary, title)
            blocks.append(picture or Paragraph(t("meetings.documents.image_unavailable", lang)))
        blocks.append(Paragraph(summary))
        blocks.extend(Paragraph(notice_text(notice, lang), muted=True) for notice in notices)
        blocks.append(Paragraph("\n".join(context_lines(payload)), muted=True))
    blocks.append(Link(t("meetings.documents.open_chart", lang), base_url + item_page_url(item)))
    return blocks


def records_blocks(item: Mapping, lang: str, today: date) -> list[Block]:
    """What was recorded on an item: observations, decisions, actions, information
    needs (each part only when there is something; one line saying nothing was
    recorded otherwise)."""
    decisions = [d for d in item["decisions"] if d["kind"] == "decision"]
    actions = [d for d in item["decisions"] if d["kind"] == "action"]
    parts = [
        ("meetings.documents.observations", [item.get("observations") or ""]),
        ("meetings.documents.decisions", [decision_line(d, lang, today) for d in decisions]),
        ("meetings.documents.actions", [decision_line(d, lang, today) for d in actions]),
        ("meetings.documents.needs", [need_line(n, lang) for n in item["needs"]]),
    ]
    blocks: list[Block] = []
    for key, lines in parts:
        lines = [line for line in lines if line]
        if not lines:
            continue
        blocks.append(Heading(t(key, lang), 3))
        if key == "meetings.documents.observations":
            blocks.append(Paragraph(lines[0]))
        else:
            blocks.append(Bullets(tuple(lines)))
    return blocks or [Paragraph(t("meetings.documents.nothing_recorded", lang))]


# --- what changed since the previous meeting ------------------------------------------


def changes_blocks(item: Mapping, previous: Mapping | None, lang: str) -> list[Block]:
    """What changed in the item's chart since the previous meeting of the series, in
    the pre-read page's words (``meetings.changes_text.since_last_meeting``), one
    sentence a bullet."""
    blocks: list[Block] = [Heading(t("meetings.documents.changes", lang), 3)]
    try:
        sentences = since_last_meeting(item, previous, lang)
    except DATABASE_ERRORS:
        log.exception("changes of agenda item %s failed", item.get("id"))
        return blocks + [Paragraph(t("meetings.documents.chart_unavailable", lang))]
    return blocks + [Bullets(tuple(sentences))]


def open_actions_blocks(item: Mapping, open_actions: Sequence[Mapping], lang: str, today: date):
    """The open actions of earlier meetings of the series on the item's chart."""
    lines = tuple(
        earlier_action_line(action, lang, today)
        for action in open_actions
        if action["chart_id"] == item["chart_id"]
    )
    blocks: list[Block] = [Heading(t("meetings.documents.open_actions", lang), 3)]
    return blocks + [
        Bullets(lines) if lines else Paragraph(t("meetings.documents.no_open_actions", lang))
    ]


# --- the two documents ------------------------------------------------------------------


def minutes_blocks(
    meeting: Mapping, lang: str, *, images: bool, base_url: str = "", now: datetime | None = None
) -> list[Block]:
    """The minutes: the head, the previous meeting's actions, then per agenda item its
    chart and what was recorded. ``meeting`` as ``store.get_meeting`` gives it."""
    now = now or datetime.now(UTC)
    today = now.date()
    blocks = meeting_head(meeting, "meetings.documents.minutes_title", lang, now)
    blocks += previous_actions_blocks(meeting, lang, today)
    for item in meeting["items"]:
        blocks += chart_blocks(
            item, meeting["meeting_date"], lang, images=images, base_url=base_url
        )
        blocks += records_blocks(item, lang, today)
    if not meeting["items"]:
        blocks.append(Paragraph(t("meetings.documents.no_items", lang)))
    return blocks


def preread_blocks(
    meeting: Mapping, lang: str, *, images: bool, base_url: str = "", now: datetime | None = None
) -> list[Block]:
    """The pre-read: the head, the previous meeting's actions, then per agenda item its
    chart, what changed since the previous meeting and the open actions on it."""
    now = now or datetime.now(UTC)
    today = now.date()
    previous = store.previous_meeting(meeting)
    open_actions = store.open_actions(meeting["series_id"], meeting["meeting_date"])
    blocks = meeting_head(meeting, "meetings.documents.preread_title", lang, now)
    blocks += previous_actions_blocks(meeting, lang, today)
    for item in meeting["items"]:
        blocks += chart_blocks(
            item, meeting["meeting_date"], lang, images=images, base_url=base_url
        )
        blocks += changes_blocks(item, previous, lang)
        blocks += open_actions_blocks(item, open_actions, lang, today)
    if not meeting["items"]:
        blocks.append(Paragraph(t("meetings.documents.no_items", lang)))
    return blocks


# --- writers ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^(\s*)(#|>|\+|-|\d+[.)])", re.MULTILINE)


def md_escape(text: str, *, line_start: bool = True) -> str:
    """``text`` as literal Markdown: emphasis, link, HTML, entity and table characters
    backslash-escaped, and a line that would start a heading, quote or list too (the
    first line only when ``line_start``: not in a heading's text)."""
    text = _MD_SPECIAL.sub(r"\\\1", text)

    def escape(match: re.Match) -> str:
        if match.start() == 0 and not line_start:
            return match.group(0)
        return match.group(1) + match.group(2)[:-1] + "\\" + match.group(2)[-1]

    return _MD_LINE_START.sub(escape, text)


def _md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def to_markdown(blocks: Iterable[Block]) -> str:
    """The blocks as CommonMark; pictures are left out (each item links to its chart)."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            text = md_escape(block.text.replace("\n", " "), line_start=False)
            parts.append("#" * block.level + " " + text)
        elif isinstance(block, Paragraph):
            parts.append(md_escape(block.text).replace("\n", "  \n"))
        elif isinstance(block, Bullets):
            parts.append(
                "\n".join("- " + md_escape(line).replace("\n", "\n  ") for line in block.items)
            )
        elif isinstance(block, Link):
            parts.append(f"[{md_escape(block.text, line_start=False)}]({_md_url(block.url)})")
    return "\n\n".join(parts) + "\n"


PAGE_WIDTH, PAGE_HEIGHT, PAGE_MARGIN = Mm(210), Mm(297), Mm(20)  # A4
PICTURE_MAX_HEIGHT = Mm(180)
GREY = RGBColor(0x55, 0x55, 0x55)
_DOCX_LANGUAGES = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}


def picture_size(image: bytes, max_width: int, max_height: int) -> tuple[int, int]:
    """The largest (width, height) in EMU of the image's proportions within the box."""
    with Image.open(io.BytesIO(image)) as picture:
        px_width, px_height = picture.size
    scale = min(max_width / px_width, max_height / px_height)
    return int(px_width * scale), int(px_height * scale)


def _add_link(paragraph, text: str, url: str) -> None:
    """A real hyperlink run (python-docx has no API for it)."""
    rel = paragraph.part.relate_to(
        url,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.extend([style, colour, underline])
    run.append(props)
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _set_language(document, lang: str) -> None:
    """The proofing language of the whole document (the Normal style)."""
    props = document.styles["Normal"].element.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), _DOCX_LANGUAGES.get(lang, lang))
    props.append(element)


def to_docx(blocks: Iterable[Block], *, title: str, lang: str, now: datetime) -> bytes:
    """The blocks as a Word document (A4): headings in Word's heading styles, pictures
    as inline shapes with their alternative text, links as hyperlinks."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, PAGE_MARGIN)
    text_width = PAGE_WIDTH - 2 * PAGE_MARGIN
    _set_language(document, lang)
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, block.level)
        elif isinstance(block, Paragraph):
            run = document.add_paragraph().add_run(block.text)
            if block.muted:
                run.font.size = Pt(9)
                run.font.color.rgb = GREY
        elif isinstance(block, Bullets):
            for line in block.items:
                document.add_paragraph(line, style="List Bullet")
        elif isinstance(block, Picture):
            width, height = picture_size(block.image, text_width, PICTURE_MAX_HEIGHT)
            run = document.add_paragraph().add_run()
            shape = run.add_picture(io.BytesIO(block.image), width=width, height=height)
            shape._inline.docPr.set("descr", block.alt)
            shape._inline.docPr.set("name", block.name)
        elif isinstance(block, Link):
            _add_link(document.add_paragraph(), block.text, block.url)
    core = document.core_properties
    core.title = title
    core.subject = core.author = core.last_modified_by = t("app.title", lang)
    core.language = _DOCX_LANGUAGES.get(lang, lang)
    core.created = core.modified = now.astimezone(UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_markdown(meeting: Mapping, lang: str, *, base_url: str = "", now=None) -> str:
    """The minutes as Markdown (no pictures: a link to each chart's page)."""
    return to_markdown(minutes_blocks(meeting, lang, images=False, base_url=base_url, now=now))


def minutes_docx(meeting: Mapping, lang: str, *, base_url: str = "", now=None) -> bytes:
    """The minutes as a Word document with each item's chart picture."""
    now = now or datetime.now(UTC)
    blocks = minutes_blocks(meeting, lang, images=True, base_url=base_url, now=now)
    title = t("meetings.documents.minutes_title", lang, title=meeting["title"])
    return to_docx(blocks, title=title, lang=lang, now=now)


def preread_docx(meeting: Mapping, lang: str, *, base_url: str = "", now=None) -> bytes:
    """The pre-read as a Word document with each item's chart picture."""
    now = now or datetime.now(UTC)
    blocks = preread_blocks(meeting, lang, images=True, base_url=base_url, now=now)
    title = t("meetings.documents.preread_title", lang, title=meeting["title"])
    return to_docx(blocks, title=title, lang=lang, now=now)


def title_slug(title: str, limit: int = 40) -> str:
    """A meeting title for a file name: lower case, ä and å as a, ö as o, any other
    character outside a–z and 0–9 as "-", at most ``limit`` characters."""
    text = title.lower().translate(str.maketrans({"ä": "a", "å": "a", "ö": "o"}))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].strip("-") or "kokous"
