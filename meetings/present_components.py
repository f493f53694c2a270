"""Dash components of presentation mode and the pre-read: an agenda item's chart as a
static figure, and decisions and actions as lines of text."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from dash import dcc, get_relative_path, html

from charts.cards.chart import alert, chart_error, graph_config, stale_notice
from charts.payload import no_data_text
from meetings import store
from meetings.items import item_title
from meetings.messages import overdue_text
from meetings.snapshots import meeting_view
from queries import last_good
from queries.engine import DATABASE_ERRORS
from translations import format_date, t

log = logging.getLogger(__name__)

# Keys of a decision's kind and status: <prefix>kind.<kind>, <prefix>status.<status>.
_PREFIX = "meetings.present.decision."


def meeting_url(meeting_id: int) -> str:
    """The meeting's own page (URL prefix included)."""
    return get_relative_path(f"/tietokeskustelut/{meeting_id}")


def present_url(meeting_id: int, n: int) -> str:
    """Agenda item ``n`` (1-based) in presentation mode."""
    return get_relative_path(f"/tietokeskustelut/{meeting_id}/esitys/{n}")


def item_record_url(meeting_id: int, n: int) -> str:
    """Agenda item ``n``'s own page, where observations and decisions are recorded."""
    return get_relative_path(f"/tietokeskustelut/{meeting_id}/kohta/{n}")


def preread_url(meeting_id: int) -> str:
    """The meeting's pre-read."""
    return get_relative_path(f"/tietokeskustelut/{meeting_id}/ennakko")


def preread_document_url(meeting_id: int) -> str:
    """The pre-read as a Word document (the documents API)."""
    return get_relative_path(f"/api/meetings/{meeting_id}/preread.docx")


def projector_figure(figure: Mapping[str, Any], font_size: int, max_height: int) -> dict[str, Any]:
    """A copy of a plotly figure dict for a projector: its base font at ``font_size``
    px and its height a fifth larger, at most ``max_height`` px (a figure's panels are
    placed in fractions of its height, so they keep their proportions). The cached
    payload itself is left as it is."""
    layout = dict(figure.get("layout") or {})
    layout["font"] = {**(layout.get("font") or {}), "size": font_size}
    if layout.get("height"):
        layout["height"] = min(round(layout["height"] * 1.2), max_height)
    return {**figure, "layout": layout}


def item_figure(
    item: Mapping[str, Any],
    meeting_date: date,
    lang: str,
    *,
    graph_id: str,
    projector: tuple[int, int] | None = None,
    class_name: str = "",
) -> list:
    """The item's chart as its meeting on ``meeting_date`` shows it
    (``meetings.snapshots.meeting_view``: the card's cached payload, or what the
    meeting kept once the data have changed):
    a ``<figure>`` with a static ``dcc.Graph`` (id ``graph_id``, ``charts.cards.chart.
    graph_config``), the summary sentence as its ``<figcaption>`` and the "data as of"
    line under it; ``projector``
    (font size, maximum height in px) enlarges the figure (``projector_figure``). An alert instead
    when the filters leave no data or the reporting DB cannot be read."""
    try:
        with last_good.watch() as parts:
            payload = meeting_view(item, meeting_date, lang)
    except DATABASE_ERRORS:
        log.warning("reporting DB not reachable for agenda item %s", item.get("id"))
        return chart_error(lang)
    # The database was away: the chart's last good numbers, said so with their time.
    stale = [stale_notice(parts.fetched, lang)] if parts.stale else []
    if payload["empty"]:
        return [*stale, alert(no_data_text(payload, lang), "secondary")]
    figure = payload["figure"]
    if projector:
        figure = projector_figure(figure, *projector)
    return [
        *stale,
        html.Figure(
            [
                dcc.Graph(
                    figure=figure,
                    config=graph_config(lang),
                    id=graph_id,
                    className="chart-graph",
                    # A title for the plot's own <svg> is not possible; its text
                    # alternative is the figcaption.
                ),
                html.Figcaption(payload["summary"], className="chart-summary"),
            ],
            className=f"item-figure mb-1 {class_name}".strip(),
        ),
        html.P(_stamp(payload, lang), className="chart-stamp text-muted small mb-2"),
    ]


def _stamp(payload: Mapping[str, Any], lang: str) -> str:
    """ "Tiedot 30.4.2024 asti." and, for demo data, that it is synthetic."""
    as_of = payload["data_as_of"]
    text = (
        t("card.data_as_of", lang, date=format_date(date.fromisoformat(as_of), lang))
        if as_of
        else t("card.data_as_of_unknown", lang)
    )
    if payload.get("kept"):
        # The meeting's own numbers (meetings.snapshots.meeting_view): its caption
        # line says so, the last one of the context lines.
        text += " " + payload["figure"]["layout"]["meta"]["tkExport"]["context"][-1]
    return text + (" " + t("card.synthetic", lang) if payload["synthetic"] else "")


def decision_lines(
    decision: Mapping[str, Any], lang: str, today: date | None = None
) -> list[html.Span]:
    """One decision or action as short texts: kind and title, for an action its owner
    and due date, its status, and "Myöhässä" when an open action is past due
    (``store.is_overdue``, flagged in text and with the class ``overdue``)."""
    kind = t(_PREFIX + "kind." + decision["kind"], lang)
    parts: list = [html.Strong(f"{kind}: {decision['title']}"), " "]
    if decision["kind"] == "action":
        due = decision.get("due_date")
        parts += [
            t(
                "meetings.present.decision.owner_due",
                lang,
                owner=decision.get("owner") or "–",
                due=format_date(due, lang) if due else "–",
            ),
            " ",
        ]
    parts.append(
        t(
            "meetings.present.decision.status_text",
            lang,
            status=t(_PREFIX + "status." + decision["status"], lang),
        )
    )
    late = overdue_text(decision, lang, today)
    if late:
        parts += [" ", html.Strong(late, className="overdue")]
    return parts


def decisions_list(decisions: list[Mapping[str, Any]], lang: str, class_name: str = "") -> html.Ul:
    """Decisions and actions, each as ``<li>``: its date (``decided_on``) then
    ``decision_lines``."""
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(format_date(decision["decided_on"], lang), className="decided-on"),
                    " ",
                    *decision_lines(decision, lang),
                ],
                className="overdue-item" if store.is_overdue(decision) else "",
            )
            for decision in decisions
        ],
        className=f"decision-list {class_name}".strip(),
    )


def actions_list(actions: list[Mapping[str, Any]], lang: str, class_name: str = "") -> html.Ul:
    """Open actions of earlier meetings (``store.open_actions`` rows), each with the
    meeting and chart it was agreed on, then ``decision_lines``."""
    items = []
    for action in actions:
        origin = t(
            "meetings.present.decision.from_meeting",
            lang,
            meeting=action["meeting_title"],
            date=format_date(action["meeting_date"], lang),
            chart=item_title(action, lang),
        )
        items.append(
            html.Li(
                [*decision_lines(action, lang), " ", html.Span(origin, className="text-muted")],
                className="overdue-item" if store.is_overdue(action) else "",
            )
        )
    return html.Ul(items, className=f"action-list {class_name}".strip())


def load_meeting(meeting_id: object) -> dict | None:
    """The meeting (``store.get_meeting``) the URL part ``meeting_id`` names, or None
    when it is no id or no meeting. The app DB's errors propagate
    (``queries.engine.DATABASE_ERRORS``)."""
    number = store.parse_id(meeting_id)
    if number is None:
        return None
    try:
        return store.get_meeting(number)
    except store.NotFound:
        return None


def changes_paragraph(
    item: Mapping[str, Any], previous: Mapping[str, Any] | None, lang: str
) -> list:
    """What changed in the item's chart since the previous meeting of the series
    (``meetings.changes_text.since_last_meeting``) as one paragraph, or the card's
    database notice when the reporting DB cannot be read."""
    from meetings.changes_text import since_last_meeting

    try:
        sentences = since_last_meeting(item, previous, lang)
    except DATABASE_ERRORS:
        log.warning("reporting DB not reachable for the changes of item %s", item["id"])
        return chart_error(lang)
    return [html.P(" ".join(sentences), className="meeting-changes")]
