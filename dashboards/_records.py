"""What an agenda item's recording page shows and edits, shared by the page
(``dashboards.meetings_item``), the information-need backlog
(``dashboards.meetings_needs``) and their callbacks (``callbacks.meeting_records``).
Dash Pages skips this module (its name starts with ``_``).

Rows are those of ``meetings.store`` (dicts of the table's columns). ``writable`` says
whether the request may write (an editor's identity: ``meetings.components.can_write``):
otherwise no form or button is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from charts.cards.radio import radio_group
from dashboards._meetings import field, no_personal_data
from meetings.store import MAX_TEXT, MAX_TITLE
from translations import format_date, format_time, t

# Component ids of the item page (one item per page).
ITEM_STORE = "record-item"  # {"item": item id, "lang": code}
OBS_TEXT = "record-obs-text"
OBS_VERSION = "record-obs-version"  # the item's version the field started from (int)
OBS_SAVE = "record-obs-save"
OBS_RESULT = "record-obs-result"
DECISION_FIELDS = {
    "kind": "record-decision-kind",
    "title": "record-decision-title",
    "details": "record-decision-details",
    "owner": "record-decision-owner",
    "due_date": "record-decision-due",
    "effect_direction": "record-decision-effect",
    "effect_by": "record-decision-effect-by",
}
DECISION_ADD = "record-decision-add"
DECISION_RESULT = "record-decision-result"
DECISION_LIST = "record-decision-list"
# Pattern of a status button: {"type", "decision": id, "status": new status,
# "version": the decision's version the button was drawn for}.
DECISION_SET = "record-decision-set"
NEED_TEXT = "record-need-text"
NEED_ADD = "record-need-add"
NEED_RESULT = "record-need-result"
NEED_LIST = "record-need-list"
# The radio value of "no expected effect" (the store's empty direction).
NO_EFFECT = "none"
EFFECTS = (NO_EFFECT, "up", "down", "stable")
# Which status an entry can move to: an action is done or cancelled, then open again;
# a decision is cancelled (revoked) or open again.
NEXT_STATUSES = {
    ("action", "open"): ("done", "cancelled"),
    ("decision", "open"): ("cancelled",),
}


def changed_text(row: Mapping, lang: str) -> str:
    """Who changed ``row`` last and when."""
    return t(
        "meetings.records.changed",
        lang,
        author=row["updated_by"],
        at=format_time(row["updated_at"], lang),
    )


def _date_input(control_id: str) -> dcc.Input:
    # The browser's own date picker (<input type=date>: it sends YYYY-MM-DD).
    return dcc.Input(id=control_id, type="date", value="", className="form-control")


# --- the item's decisions and actions ------------------------------------------------


def _status_buttons(decision: Mapping, lang: str) -> list:
    statuses = NEXT_STATUSES.get((decision["kind"], decision["status"]), ("open",))
    return [
        html.Button(
            [
                t(f"meetings.records.set.{status}", lang),
                html.Span(": " + decision["title"], className="visually-hidden"),
            ],
            id={
                "type": DECISION_SET,
                "decision": decision["id"],
                "status": status,
                "version": decision["version"],
            },
            type="button",
            className="btn btn-outline-secondary btn-sm me-2",
        )
        for status in statuses
    ]


def decision_facts(decision: Mapping, lang: str, today: date | None = None) -> list:
    """The lines describing a decision or action below its title: details, owner, due
    date, expected effect, status, and an overdue flag in words."""
    from meetings.messages import overdue_text

    lines = []
    if decision["details"]:
        lines.append(html.P(decision["details"], className="mb-1 records-details"))
    facts = [t("meetings.records.decided_on", lang, date=format_date(decision["decided_on"], lang))]
    if decision["owner"]:
        facts.append(t("meetings.records.owner", lang, owner=decision["owner"]))
    if decision["due_date"]:
        facts.append(t("meetings.records.due", lang, date=format_date(decision["due_date"], lang)))
    status = t(f"meetings.records.status.{decision['status']}", lang)
    facts.append(t("meetings.records.status_line", lang, status=status))
    lines.append(html.P(" · ".join(facts), className="small mb-1"))
    if decision["effect_direction"]:
        effect = t(
            "meetings.records.effect_line",
            lang,
            direction=t(f"meetings.records.effect.{decision['effect_direction']}", lang),
        )
        if decision["effect_by"]:
            effect += " " + t(
                "meetings.records.effect_by_line",
                lang,
                date=format_date(decision["effect_by"], lang),
            )
        lines.append(html.P(effect, className="small mb-1"))
    late = overdue_text(decision, lang, today)
    if late:
        lines.append(html.P(html.Strong(late), className="small text-danger mb-1 records-overdue"))
    return lines


def decision_entry(decision: Mapping, lang: str, writable: bool) -> html.Li:
    """One decision or action of the item: kind and short title, its facts, and (for a
    writer) the buttons to change its status."""
    kind = t(f"meetings.records.kind.{decision['kind']}", lang)
    parts = [
        html.P([html.Strong(f"{kind}: "), decision["title"]], className="mb-1"),
        *decision_facts(decision, lang),
    ]
    if writable:
        parts.append(html.Div(_status_buttons(decision, lang), className="mb-1"))
    return html.Li(parts, className="list-group-item records-decision")


def decision_list(decisions: list[Mapping], lang: str, writable: bool) -> list:
    """The item's decisions and actions, oldest first (or a sentence saying none)."""
    if not decisions:
        return [html.P(t("meetings.records.decisions_none", lang), className="text-muted")]
    return [
        html.Ul(
            [decision_entry(decision, lang, writable) for decision in decisions],
            className="list-group mb-3",
        )
    ]


def decision_form(lang: str) -> html.Div:
    """The form recording a decision or an action (``meetings.store.add_decision``)."""
    fields = DECISION_FIELDS
    kind = radio_group(
        fields["kind"],
        t("meetings.field.kind", lang),
        [
            {"label": t(f"meetings.records.kind.{kind}", lang), "value": kind}
            for kind in ("decision", "action")
        ],
        "action",
        legend_class="fs-6 fw-semibold mb-1",
        fieldset_class="mb-2",
    )
    effect = radio_group(
        fields["effect_direction"],
        t("meetings.field.effect", lang),
        [
            {"label": t(f"meetings.records.effect.{effect}", lang), "value": effect}
            for effect in EFFECTS
        ],
        NO_EFFECT,
        legend_class="fs-6 fw-semibold mb-1",
        fieldset_class="mb-2",
    )
    return html.Div(
        [
            html.H3(t("meetings.records.decision_form", lang), className="h6"),
            no_personal_data(lang),
            kind,
            field(
                t("meetings.field.decision_title", lang),
                dbc.Input(id=fields["title"], maxLength=MAX_TITLE, value=""),
                fields["title"],
                t("meetings.records.title_help", lang, limit=MAX_TITLE),
            ),
            field(
                t("meetings.field.details", lang),
                dbc.Textarea(id=fields["details"], value="", maxLength=MAX_TEXT, rows=2),
                fields["details"],
            ),
            field(
                t("meetings.field.owner", lang),
                dbc.Input(id=fields["owner"], value=""),
                fields["owner"],
                t("meetings.records.owner_help", lang),
            ),
            field(
                t("meetings.field.due_date", lang),
                _date_input(fields["due_date"]),
                fields["due_date"],
                t("meetings.records.due_help", lang),
            ),
            effect,
            field(
                t("meetings.field.effect_by", lang),
                _date_input(fields["effect_by"]),
                fields["effect_by"],
            ),
            html.Button(
                t("meetings.records.add_decision", lang),
                id=DECISION_ADD,
                type="button",
                className="btn btn-primary mb-2",
            ),
        ],
        className="records-form border rounded p-3 mb-3",
    )


def earlier_decisions(decisions: list[Mapping], lang: str) -> list:
    """Decisions and actions on the same chart from other meetings (read-only)."""
    if not decisions:
        return [html.P(t("meetings.records.earlier_none", lang), className="text-muted")]
    return [
        html.Ul(
            [decision_entry(decision, lang, writable=False) for decision in decisions],
            className="list-group mb-3",
        )
    ]


# --- observations ------------------------------------------------------------------


def observations_block(item: Mapping, lang: str, writable: bool) -> list:
    """The item's observations: for a writer a textarea, its save button and the
    version it started from; for a reader the text."""
    if not writable:
        text = item["observations"] or t("meetings.records.observations_none", lang)
        return [html.P(text, className="records-observations", style={"whiteSpace": "pre-wrap"})]
    return [
        no_personal_data(lang),
        field(
            t("meetings.field.observations", lang),
            dbc.Textarea(id=OBS_TEXT, value=item["observations"], rows=5, maxLength=MAX_TEXT),
            OBS_TEXT,
            t("meetings.records.observations_help", lang),
        ),
        dcc.Store(id=OBS_VERSION, data=item["version"]),
        html.Button(
            t("meetings.records.observations_save", lang),
            id=OBS_SAVE,
            type="button",
            className="btn btn-primary mb-2",
        ),
        html.Div(id=OBS_RESULT, **{"aria-live": "polite"}),
    ]


def other_version(label: str, text: str) -> html.Div:
    """The version somebody else saved, shown beside a refused save."""
    return html.Div(
        [html.P(label, className="fw-semibold mb-1"), html.Blockquote(text, className="mb-0")],
        className="records-other-version border-start ps-2 mb-2",
        style={"whiteSpace": "pre-wrap"},
    )


# --- information needs ---------------------------------------------------------------


def need_status_text(status: str, lang: str) -> str:
    """An information need's status in words."""
    return t(f"meetings.records.need_status.{status}", lang)


def need_entry(need: Mapping, lang: str) -> html.Li:
    """One information need of the item: its text, status and the analysts' response."""
    parts = [
        html.P(need["text"], className="mb-1", style={"whiteSpace": "pre-wrap"}),
        html.P(
            t("meetings.records.status_line", lang, status=need_status_text(need["status"], lang)),
            className="small mb-1",
        ),
    ]
    if need["response"]:
        parts.append(
            html.P(
                [html.Strong(t("meetings.field.response", lang) + ": "), need["response"]],
                className="small mb-1",
            )
        )
    return html.Li(parts, className="list-group-item records-need")


def need_list(needs: list[Mapping], lang: str) -> list:
    """The item's information needs, oldest first (or a sentence saying none)."""
    if not needs:
        return [html.P(t("meetings.records.needs_none", lang), className="text-muted")]
    return [html.Ul([need_entry(need, lang) for need in needs], className="list-group mb-3")]


def need_form(lang: str) -> html.Div:
    """The form adding an information need to the item (``meetings.store.add_need``)."""
    return html.Div(
        [
            no_personal_data(lang),
            field(
                t("meetings.field.need", lang),
                dbc.Textarea(id=NEED_TEXT, value="", rows=2, maxLength=MAX_TEXT),
                NEED_TEXT,
                t("meetings.records.needs_help", lang),
            ),
            html.Button(
                t("meetings.records.add_need", lang),
                id=NEED_ADD,
                type="button",
                className="btn btn-primary mb-2",
            ),
        ],
        className="records-form border rounded p-3 mb-3",
    )
