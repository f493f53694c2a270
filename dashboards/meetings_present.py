"""Presentation mode ``/tietokeskustelut/<meeting_id>/esitys/<n>``: agenda item ``n``
(1-based) of a meeting, full screen for a projector at 1280×720.

The shell hides its navigation on this path (``callbacks.shell``). The page shows the
item's chart as a static figure (the cached card payload: ``meetings.items.
item_payload``) with its summary as the caption, the decisions taken on this chart in
earlier meetings beside it, "n / N", previous and next links (each item has its own
URL, so remote participants follow by opening it), and the item's timer. The keyboard
(ArrowRight, PageDown, Space: next; ArrowLeft, PageUp: previous; Escape: back to the
meeting page) and the timer are ``assets/50-presentation.js``.

Moving to the next item costs one read of the meeting, one of the chart's decisions,
and the cached chart payload (``bench/present.py`` measures it).

Snapshot rule (docs/meetings.md, "Snapshots"): the first time an item is shown here on
or after the meeting's date by a user who may write (an editor), the numbers it shows are kept
on the item (``meetings.snapshots.record_snapshot``); later showings keep the first.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html, no_update, register_page

from charts.address import Address
from charts.cards.chart import alert
from dashboards._frame import BARE, framed, localised_title, query_language
from dashboards._page import already_shown, page_state
from identity import current_author
from meetings import store
from meetings.components import error_alert
from meetings.items import item_title
from meetings.present_components import (
    changes_paragraph,
    decisions_list,
    item_figure,
    item_record_url,
    load_meeting,
    meeting_url,
    present_url,
)
from meetings.snapshots import read_snapshot, record_snapshot
from queries.engine import DATABASE_ERRORS
from translations import format_date, quote_value, t

log = logging.getLogger(__name__)

PATH_TEMPLATE = "/tietokeskustelut/<meeting_id>/esitys/<n>"
# The plot's base font and its largest height on a projector (the cards use 14 px and
# 360 px for most charts): with the item's heading above it, the plot still ends
# inside a 1280x720 screen.
PROJECTOR = (18, 470)


@localised_title
def title(lang: str, meeting_id: str | None = None, n: str | None = None, **_query: object) -> str:
    """The document title in ``lang`` (no database read: the router asks for it on
    every move)."""
    return t("meetings.present.title_short", lang, n=n or "") + " – " + t("app.title", lang)


def path_ok(meeting_id: str | None = None, n: str | None = None) -> bool:
    """Whether the meeting exists and has an item ``n`` (else the address answers 404:
    ``http_errors``). When the app DB cannot be read the page opens and says so."""
    place = store.parse_id(n)
    if place is None:
        return False
    try:
        meeting = load_meeting(meeting_id)
    except DATABASE_ERRORS:
        return store.parse_id(meeting_id) is not None
    return meeting is not None and place <= len(meeting["items"])


register_page(__name__, path_template=PATH_TEMPLATE, title=title, path_ok=path_ok, order=13)


def snapshot_due(meeting: Mapping[str, Any], item: Mapping[str, Any], today: date) -> bool:
    """Whether showing ``item`` now takes its snapshot: none kept yet and the meeting's
    date has come (a rehearsal before the meeting keeps nothing)."""
    return not item.get("snapshot") and meeting["meeting_date"] <= today


def keep_snapshot(meeting: Mapping[str, Any], item: Mapping[str, Any]) -> dict | None:
    """Apply the snapshot rule for a user who may write (``current_author``); returns
    the item's snapshot (taken now or before; ``meetings.snapshots`` shape) or None. A
    failure is logged and the item is shown all the same (its snapshot is then taken
    the next time)."""
    user = current_author()
    if user is None or not snapshot_due(meeting, item, date.today()):
        return read_snapshot(item)
    try:
        return record_snapshot(item, author=user)
    except DATABASE_ERRORS:
        log.warning("snapshot of agenda item %s not taken", item["id"])
        return None


def _footer(meeting_id: int, place: int, snapshot: dict | None, lang: str) -> html.P:
    """The keys, the item's own page (to record what was decided) and, once kept, the
    note that the numbers shown are kept for the next meeting."""
    children: list = [
        t("meetings.present.keys_hint", lang),
        " ",
        dcc.Link(
            t("meetings.present.open_item_page", lang), href=item_record_url(meeting_id, place)
        ),
    ]
    if snapshot and snapshot.get("data_as_of"):
        as_of = format_date(date.fromisoformat(snapshot["data_as_of"]), lang)
        children += [" ", t("meetings.present.snapshot_kept", lang, date=as_of)]
    return html.P(children, className="present-keys small")


def _step(label_key: str, meeting_id: int, n: int | None, link_id: str, lang: str, end_key: str):
    if n is None:
        return html.Span(t(end_key, lang), className="present-step disabled text-muted")
    return dcc.Link(
        t(label_key, lang), href=present_url(meeting_id, n), id=link_id, className="present-step"
    )


def _timer(item: Mapping[str, Any], lang: str) -> html.P:
    minutes = int(item["minutes"])
    budget = t("meetings.present.timer_budget", lang, minutes=minutes)
    return html.P(
        [
            html.Span(t("meetings.present.timer_label", lang) + ": ", className="visually-hidden"),
            html.Span(
                f"00:00 / {budget}",
                id="present-timer",
                role="timer",
                className="present-timer",
                **{
                    "data-minutes": str(minutes),
                    "data-budget": budget,
                    "data-over": t("meetings.present.over_time", lang),
                    # New for every build: the timer restarts whenever an item is opened.
                    "data-key": uuid.uuid4().hex,
                },
            ),
        ],
        className="present-timer-wrap mb-0",
    )


def _earlier_decisions(meeting: Mapping[str, Any], item: Mapping[str, Any], lang: str):
    heading = html.H2(
        t("meetings.present.decisions_heading", lang), id="present-decisions-title", className="h4"
    )
    try:
        found = [
            decision
            for decision in store.decisions_for_chart(item["chart_id"])
            if decision["decided_on"] < meeting["meeting_date"]
        ]
        previous = store.previous_meeting(meeting)
    except DATABASE_ERRORS as exc:
        body, changes = error_alert(exc, lang), []
    else:
        body = (
            decisions_list(found, lang, "present-decisions")
            if found
            else html.P(t("meetings.present.no_decisions", lang))
        )
        changes = [
            html.H2(
                t("meetings.present.preread.changes_heading", lang),
                id="present-changes-title",
                className="h4",
            ),
            *changes_paragraph(item, previous, lang),
        ]
    return html.Aside(
        [*changes, heading, body],
        className="present-aside",
        **{"aria-labelledby": "present-decisions-title"},
    )


def _refused(message: str | list, lang: str) -> html.Div:
    return html.Div(
        [html.H1(t("meetings.present.heading", lang)), message],
        className="presentation",
    )


@framed(chrome=BARE)
def layout(meeting_id: str | None = None, n: str | None = None, **query: object):
    """Item ``n`` of the meeting in presentation mode (``no_update`` when the page
    already shows it: the router's echo of a jump within the page)."""
    lang = query_language(query)
    key = f"present/{meeting_id}/{n}"
    address = Address(lang=lang)
    if already_shown(query, key, address):
        return no_update
    try:
        meeting = load_meeting(meeting_id)
    except DATABASE_ERRORS as exc:
        return _refused(error_alert(exc, lang), lang)
    place = store.parse_id(n)
    if meeting is not None and not meeting["items"]:
        return _refused(alert(t("meetings.present.no_items", lang), "info"), lang)
    if meeting is None or place is None or place > len(meeting["items"]):
        value = quote_value(f"{meeting_id}/{n}")
        return _refused(alert(t("meetings.present.not_found", lang, value=value), "warning"), lang)
    items = meeting["items"]
    total = len(items)
    item = items[place - 1]
    snapshot = keep_snapshot(meeting, item)
    meeting_id_number = meeting["id"]
    bar = html.Nav(
        [
            _step(
                "meetings.present.previous",
                meeting_id_number,
                place - 1 if place > 1 else None,
                "present-previous",
                lang,
                "meetings.present.first",
            ),
            html.Span(
                t("meetings.present.item_of", lang, n=place, total=total),
                id="present-position",
                className="present-position",
            ),
            _step(
                "meetings.present.next",
                meeting_id_number,
                place + 1 if place < total else None,
                "present-next",
                lang,
                "meetings.present.last",
            ),
            _timer(item, lang),
            dcc.Link(
                t("meetings.present.exit", lang),
                href=meeting_url(meeting_id_number),
                id="present-exit",
                className="present-exit",
            ),
        ],
        className="present-bar",
        **{"aria-label": t("meetings.present.nav_label", lang)},
    )
    heading = [
        html.P(
            f"{meeting['title']} · {format_date(meeting['meeting_date'], lang)}"
            + (
                " · " + t("meetings.index.example", lang)
                if meeting["series"].get("is_example")
                else ""
            ),
            className="present-meeting mb-0",
        ),
        html.H1(item_title(item, lang), id="present-title", className="present-title"),
    ]
    body = dbc.Row(
        [
            dbc.Col(
                item_figure(
                    item,
                    meeting["meeting_date"],
                    lang,
                    graph_id="present-graph",
                    projector=PROJECTOR,
                ),
                lg=8,
            ),
            dbc.Col(_earlier_decisions(meeting, item, lang), lg=4),
        ],
        className="present-body",
    )
    return html.Div(
        [
            bar,
            *heading,
            body,
            _footer(meeting_id_number, place, snapshot, lang),
            page_state(key, address),
        ],
        id="presentation",
        className="presentation",
        **{"data-meeting": str(meeting_id_number), "data-item": str(place)},
    )
