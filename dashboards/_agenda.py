"""The parts of a meeting's page (``dashboards/meetings_meeting.py``): the title and
date form, last meetings' actions, the agenda, the form that adds an item and the
suggested items. ``callbacks.meetings_agenda`` rebuilds the agenda after a change.
No chart data is read: the agenda shows titles and addresses, not charts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, get_relative_path, html

from charts.catalog import CHARTS
from dashboards._meetings import (
    field,
    meeting_fields,
    meeting_path,
    no_personal_data,
    section,
    series_path,
)
from meetings import store
from meetings.agenda import ADDRESS_EXAMPLE, chart_label, chart_options, describe_item
from meetings.calendar import is_held
from meetings.items import item_page_url, item_title
from meetings.messages import overdue_text
from translations import format_date, t

DEFAULT_MINUTES = 10
MEETING_CTX = "meeting-ctx"  # store: {"id", "version", "lang"} of the meeting shown


def meeting_ctx(meeting: Mapping, lang: str) -> dcc.Store:
    """The store the agenda's callbacks read the meeting's id and version from."""
    return dcc.Store(
        id=MEETING_CTX, data={"id": meeting["id"], "version": meeting["version"], "lang": lang}
    )


def edit_form(meeting: Mapping, lang: str) -> list:
    """The meeting's title and date (``<input type=date>``) with a save button."""
    return [
        no_personal_data(lang, "meeting-edit-privacy"),
        *meeting_fields(
            "meeting-edit", lang, meeting["title"], meeting["meeting_date"].isoformat()
        ),
        html.Button(
            t("meetings.form.save", lang),
            id="meeting-edit-save",
            className="btn btn-primary",
            n_clicks=0,
        ),
        html.Div(id="meeting-edit-status", className="mt-3"),
    ]


def meeting_subtitle(meeting: Mapping, today: date, lang: str) -> list:
    """The series (linked), the date and whether the meeting is held or planned."""
    held = is_held(meeting["meeting_date"], today)
    return [
        html.A(meeting["series"]["name"], href=series_path(meeting["series_id"])),
        html.Span(", " + format_date(meeting["meeting_date"], lang) + ". "),
        html.Span(
            t("meetings.meeting_page.held" if held else "meetings.meeting_page.planned", lang)
        ),
    ]


def _action_entry(action: Mapping, today: date, lang: str) -> html.Li:
    due = (
        format_date(action["due_date"], lang)
        if action.get("due_date")
        else t("meetings.actions.no_due", lang)
    )
    status = t(f"meetings.actions.status.{action['status']}", lang)
    parts = [
        html.Span(
            t(
                "meetings.actions.line",
                lang,
                title=action["title"],
                owner=action.get("owner") or "–",
                due=due,
            ),
            className="fw-semibold",
        ),
        html.Span(f" – {status}", className="action-status"),
    ]
    late = overdue_text(action, lang, today)
    if late:
        parts.append(html.Strong(" – " + late, className="action-overdue"))
    chart = CHARTS.get(action.get("chart_id") or "")
    chart_title = t(chart.text_key("title"), lang) if chart else action.get("chart_id") or "–"
    parts.append(
        html.Div(
            t(
                "meetings.actions.from",
                lang,
                meeting=action["meeting_title"],
                date=format_date(action["meeting_date"], lang),
                chart=chart_title,
            ),
            className="small text-muted",
        )
    )
    if action.get("meeting_id") and action.get("item_number"):
        # The status is changed where the action was recorded (its item's page).
        where = f"/tietokeskustelut/{action['meeting_id']}/kohta/{action['item_number']}"
        parts.append(
            html.A(
                t("meetings.actions.update_link", lang),
                href=get_relative_path(where),
                className="small action-update",
            )
        )
    overdue = " overdue" if store.is_overdue(action, today) else ""
    return html.Li(parts, className=f"previous-action {action['status']}{overdue}")


def actions_section(actions: list[dict], today: date, lang: str) -> html.Section:
    """Last meetings' actions and their status; an overdue one says so in words."""
    body = (
        html.Ul([_action_entry(a, today, lang) for a in actions], id="previous-actions")
        if actions
        else html.P(t("meetings.actions.none", lang), id="previous-actions")
    )
    return section(
        t("meetings.actions.heading", lang),
        "actions-heading",
        [html.P(t("meetings.actions.intro", lang)), body],
    )


def _move_button(item: Mapping, n: int, offset: int, disabled: bool, lang: str) -> html.Button:
    key = "up" if offset < 0 else "down"
    return html.Button(
        t(f"meetings.agenda.{key}", lang),
        id={"type": "agenda-move", "item": item["id"], "offset": offset},
        className="btn btn-outline-secondary btn-sm me-1",
        disabled=disabled,
        n_clicks=0,
        **{
            "aria-label": t(f"meetings.agenda.{key}_label", lang, n=n, title=item_title(item, lang))
        },
    )


def _agenda_entry(meeting: Mapping, item: Mapping, n: int, count: int, writer: bool, lang: str):
    title = item_title(item, lang)
    area = t(f"area.{CHARTS[item['chart_id']].area}.title", lang)
    parts = [
        html.A(title, href=meeting_path(meeting["id"], f"/kohta/{n}"), className="fw-semibold"),
        html.Span(" – " + t("meetings.agenda.minutes", lang, minutes=item["minutes"])),
        html.Div(describe_item(item, lang), className="small agenda-address"),
        html.Div(
            [
                html.A(
                    t("meetings.agenda.record", lang, n=n),
                    href=meeting_path(meeting["id"], f"/kohta/{n}"),
                    className="me-3",
                ),
                html.A(t("meetings.agenda.open_chart", lang, area=area), href=item_page_url(item)),
            ],
            className="small",
        ),
    ]
    if writer:
        parts.append(
            html.Div(
                [
                    _move_button(item, n, -1, n == 1, lang),
                    _move_button(item, n, 1, n == count, lang),
                    html.Button(
                        t("meetings.agenda.remove", lang),
                        id={"type": "agenda-remove", "item": item["id"]},
                        className="btn btn-outline-danger btn-sm",
                        n_clicks=0,
                        **{"aria-label": t("meetings.agenda.remove_label", lang, n=n, title=title)},
                    ),
                ],
                className="mt-1",
            )
        )
    return html.Li(parts, className="agenda-item mb-3", id=f"agenda-item-{n}")


def agenda_list(meeting: Mapping, writer: bool, lang: str) -> html.Div:
    """The agenda in order: each item's chart title (linking to its recording page),
    minutes, filters and view in words, links, and (for a writer) up, down and
    remove buttons; then the total time."""
    items = meeting["items"]
    if not items:
        return html.Div(html.P(t("meetings.agenda.empty", lang)), id="agenda-list")
    total = sum(item["minutes"] for item in items)
    return html.Div(
        [
            html.Ol(
                [
                    _agenda_entry(meeting, item, n, len(items), writer, lang)
                    for n, item in enumerate(items, start=1)
                ],
                className="agenda",
            ),
            html.P(
                t("meetings.agenda.total", lang, minutes=total),
                className="fw-semibold",
                id="agenda-total",
            ),
        ],
        id="agenda-list",
    )


def add_form(lang: str) -> list:
    """Search the catalog (title, area), pick a chart (native select), paste a page
    address for its filters and view, set the minutes, add."""
    options = chart_options("", lang)
    return [
        field(
            t("meetings.agenda.search", lang),
            dbc.Input(id="agenda-search", type="search", debounce=False),
            "agenda-search",
        ),
        field(
            t("meetings.agenda.chart", lang),
            dbc.Select(id="agenda-chart", options=options, value=options[0]["value"]),
            "agenda-chart",
        ),
        html.Div(id="agenda-search-status", role="status", className="small mb-2"),
        field(
            t("meetings.agenda.address", lang),
            dbc.Input(
                id="agenda-address",
                type="text",
            ),
            "agenda-address",
            t("meetings.agenda.address_help", lang, example=ADDRESS_EXAMPLE),
            "agenda-address-help",
        ),
        field(
            t("meetings.agenda.item_minutes", lang),
            dbc.Input(id="agenda-minutes", type="number", min=1, max=120, value=DEFAULT_MINUTES),
            "agenda-minutes",
        ),
        html.Button(
            t("meetings.agenda.add", lang),
            id="agenda-add",
            className="btn btn-primary",
            n_clicks=0,
        ),
    ]


def suggestion_list(suggestions: list[Mapping], writer: bool, lang: str) -> list:
    """Suggested items (``meetings.suggestions.suggest``): chart, reason, filters and
    view in words, and for a writer an "Lisää asialistalle" button each."""
    if not suggestions:
        return [html.P(t("meetings.suggest.none", lang))]
    entries = []
    for index, suggestion in enumerate(suggestions):
        chart_id = suggestion["chart_id"]
        title = t(CHARTS[chart_id].text_key("title"), lang)
        parts = [
            html.Span(chart_label(chart_id, lang), className="fw-semibold"),
            html.Div(suggestion.get("reason") or "", className="suggestion-reason"),
            html.Div(
                describe_item({"chart_id": chart_id, "query": suggestion.get("query") or ""}, lang),
                className="small",
            ),
        ]
        if writer:
            parts.append(
                html.Button(
                    t("meetings.suggest.add", lang),
                    id={"type": "agenda-suggest", "index": index},
                    className="btn btn-outline-primary btn-sm mt-1",
                    n_clicks=0,
                    **{"aria-label": t("meetings.suggest.add_label", lang, title=title)},
                )
            )
        entries.append(html.Li(parts, className="suggestion mb-2"))
    return [html.Ul(entries, className="list-unstyled")]
