"""The pre-read ``/tietokeskustelut/<meeting_id>/ennakko``: what to read before a
meeting.

It starts with the actions of the series' earlier meetings that are still open, with
their status (past due ones flagged), then for each agenda item: its title, its chart
as a static figure with the summary sentence as the caption (the cached card payload),
what changed since the previous meeting of the series (``meetings.changes_text``) and
the open actions on that chart. A link downloads the same as a Word document
(``/api/meetings/<id>/preread.docx``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from dash import dcc, html, register_page

from charts.cards.chart import alert
from dashboards._frame import MEETINGS, framed, localised_title, query_language
from meetings import store
from meetings.components import error_alert, example_notice
from meetings.items import item_title
from meetings.present_components import (
    actions_list,
    changes_paragraph,
    item_figure,
    load_meeting,
    meeting_url,
    preread_document_url,
    present_url,
)
from queries.engine import DATABASE_ERRORS
from translations import format_date, quote_value, t

log = logging.getLogger(__name__)

PATH_TEMPLATE = "/tietokeskustelut/<meeting_id>/ennakko"


@localised_title
def title(lang: str, meeting_id: str | None = None, **_query: object) -> str:
    """The document title in ``lang`` (no database read)."""
    return t("meetings.present.preread.doc_title", lang) + " – " + t("app.title", lang)


def path_ok(meeting_id: str | None = None) -> bool:
    """Whether the meeting exists (else 404: ``http_errors``). When the app DB cannot
    be read the page opens and says so."""
    try:
        return load_meeting(meeting_id) is not None
    except DATABASE_ERRORS:
        return store.parse_id(meeting_id) is not None


register_page(__name__, path_template=PATH_TEMPLATE, title=title, path_ok=path_ok, order=15)


def _section(heading_id: str, heading: html.H2 | html.H3, children: list, **kwargs) -> html.Section:
    return html.Section([heading, *children], **{"aria-labelledby": heading_id}, **kwargs)


def _open_actions_section(actions: list[dict], lang: str) -> html.Section:
    heading_id = "preread-actions-title"
    body = (
        [actions_list(actions, lang, "preread-open-actions")]
        if actions
        else [html.P(t("meetings.present.preread.no_open_actions", lang))]
    )
    return _section(
        heading_id,
        html.H2(t("meetings.present.preread.open_actions_heading", lang), id=heading_id),
        body,
        className="mb-4",
    )


def _item_section(
    place: int,
    item: Mapping[str, Any],
    meeting_date: date,
    previous: Mapping[str, Any] | None,
    actions: list[dict],
    lang: str,
) -> html.Section:
    heading_id = f"preread-item-{place}"
    mine = [action for action in actions if action["chart_id"] == item["chart_id"]]
    changes_id = f"{heading_id}-changes"
    actions_id = f"{heading_id}-actions"
    return _section(
        heading_id,
        html.H3(
            t("meetings.present.preread.item_heading", lang, n=place, title=item_title(item, lang)),
            id=heading_id,
        ),
        [
            html.P(
                t("meetings.present.preread.item_minutes", lang, minutes=item["minutes"]),
                className="small",
            ),
            *item_figure(item, meeting_date, lang, graph_id=f"preread-graph-{place}"),
            html.H4(
                t("meetings.present.preread.changes_heading", lang), id=changes_id, className="h5"
            ),
            *changes_paragraph(item, previous, lang),
            html.H4(
                t("meetings.present.preread.item_actions_heading", lang),
                id=actions_id,
                className="h5",
            ),
            actions_list(mine, lang)
            if mine
            else html.P(t("meetings.present.preread.no_item_actions", lang)),
        ],
        className="preread-item mb-4",
    )


def _links(meeting: Mapping[str, Any], lang: str) -> html.P:
    """The document download, the start of the presentation (when there are items)
    and the way back to the meeting, separated by " · "."""
    found: list = [
        html.A(
            t("meetings.present.preread.download", lang),
            href=preread_document_url(meeting["id"]),
            download="",
        )
    ]
    if meeting["items"]:
        found.append(
            dcc.Link(
                t("meetings.present.preread.present", lang), href=present_url(meeting["id"], 1)
            )
        )
    found.append(
        dcc.Link(t("meetings.present.preread.back", lang), href=meeting_url(meeting["id"]))
    )
    children: list = []
    for link in found:
        children += [" · ", link] if children else [link]
    return html.P(children, className="preread-links")


@framed(active=MEETINGS)
def layout(meeting_id: str | None = None, **query: object):
    """The pre-read of the meeting, or a notice when there is no such meeting or the
    app database cannot be read."""
    lang = query_language(query)
    try:
        meeting = load_meeting(meeting_id)
        if meeting is None:
            return html.Div(
                [
                    html.H1(t("meetings.present.preread.doc_title", lang)),
                    alert(
                        t("meetings.present.not_found", lang, value=quote_value(meeting_id)),
                        "warning",
                    ),
                ]
            )
        previous = store.previous_meeting(meeting)
        actions = store.open_actions(meeting["series_id"], meeting["meeting_date"])
    except DATABASE_ERRORS as exc:
        return html.Div(
            [html.H1(t("meetings.present.preread.doc_title", lang)), error_alert(exc, lang)]
        )
    items = meeting["items"]
    links = _links(meeting, lang)
    agenda_id = "preread-agenda-title"
    agenda = _section(
        agenda_id,
        html.H2(t("meetings.present.preread.items_heading", lang), id=agenda_id),
        [
            _item_section(place, item, meeting["meeting_date"], previous, actions, lang)
            for place, item in enumerate(items, start=1)
        ]
        or [html.P(t("meetings.present.preread.no_items", lang))],
    )
    return html.Div(
        [
            html.H1(t("meetings.present.preread.title", lang, meeting=meeting["title"])),
            *example_notice(meeting["series"], lang),
            html.P(
                t(
                    "meetings.present.preread.intro",
                    lang,
                    date=format_date(meeting["meeting_date"], lang),
                ),
                className="lead",
            ),
            links,
            _open_actions_section(actions, lang),
            agenda,
        ],
        className="preread",
    )
