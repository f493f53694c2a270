"""The information-need backlog's parts (``dashboards.meetings_needs``), shared with
its callback (``callbacks.meeting_records.save_need``). Dash Pages skips this module.

Rows are ``meetings.store.list_needs`` rows: an information need with ``chart_id``,
``meeting_id``, ``meeting_title``, ``meeting_date`` and ``item_number``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from dash import dcc, get_relative_path, html

from charts.cards.radio import radio_group
from dashboards import _records as records
from dashboards._meetings import no_personal_data
from meetings.store import MAX_TEXT, NEED_STATUSES
from translations import format_date, format_time, t

# Component ids: pattern types keyed by ``need`` (the need's id), and the page's
# language store.
NEED_IDS = {
    "status": "backlog-status",
    "response": "backlog-response",
    "version": "backlog-version",  # {"need": id, "version": the version the form shows}
    "save": "backlog-save",
    "result": "backlog-result",
    "meta": "backlog-meta",
    "lang": "backlog-lang",
}


def _id(kind: str, need_id: int) -> dict:
    return {"type": NEED_IDS[kind], "need": need_id}


def need_meta(need: Mapping, lang: str) -> str:
    """Who changed the need last and when."""
    return records.changed_text(need, lang)


def other_need_version(need: Mapping, lang: str) -> html.Div:
    """The version saved meanwhile, beside a refused save: its status and response."""
    response = need["response"] or t("meetings.needs.response_none", lang)
    label = t(
        "meetings.records.other_version",
        lang,
        author=need["updated_by"],
        at=format_time(need["updated_at"], lang),
    )
    text = t(
        "meetings.needs.other_version",
        lang,
        status=records.need_status_text(need["status"], lang),
        response=response,
    )
    return records.other_version(label, text)


def _raised(need: Mapping, lang: str) -> html.P:
    meeting_href = get_relative_path(f"/tietokeskustelut/{need['meeting_id']}")
    item_href = get_relative_path(
        f"/tietokeskustelut/{need['meeting_id']}/kohta/{need['item_number']}"
    )
    chart = t(f"chart.{need['chart_id']}.title", lang)
    parts = [
        t("meetings.needs.raised_meeting", lang) + " ",
        html.A(need["meeting_title"], href=meeting_href),
        f" ({format_date(need['meeting_date'], lang)}), ",
        t("meetings.needs.raised_chart", lang) + " ",
        html.A(chart, href=item_href),
    ]
    return html.P(parts, className="small mb-1")


def need_form(need: Mapping, lang: str) -> html.Div:
    """The analysts' form: status and response, saved from the version shown."""
    response_id = _id("response", need["id"])
    return html.Div(
        [
            radio_group(
                _id("status", need["id"]),
                t("meetings.field.status", lang),
                [
                    {"label": records.need_status_text(status, lang), "value": status}
                    for status in NEED_STATUSES
                ],
                need["status"],
                legend_class="fs-6 fw-semibold mb-1",
                fieldset_class="mb-2",
            ),
            no_personal_data(lang),
            html.Div(
                [
                    html.Label(
                        t("meetings.field.response", lang),
                        htmlFor=json.dumps(response_id, sort_keys=True, separators=(",", ":")),
                        className="form-label fw-semibold mb-1",
                    ),
                    dcc.Textarea(
                        id=response_id,
                        value=need["response"],
                        maxLength=MAX_TEXT,
                        rows=2,
                        className="form-control",
                    ),
                ],
                className="mb-2",
            ),
            dcc.Store(
                id=_id("version", need["id"]), data={"need": need["id"], "version": need["version"]}
            ),
            html.Button(
                t("meetings.needs.save", lang),
                id=_id("save", need["id"]),
                type="button",
                className="btn btn-primary btn-sm mb-2",
            ),
            html.Div(id=_id("result", need["id"]), **{"aria-live": "polite"}),
        ],
        className="records-form",
    )


def backlog_entry(need: Mapping, lang: str, writable: bool) -> html.Li:
    """One information need: its text, where it was raised (links to the meeting and
    to the item), status, response, who changed it last, and (for a writer) the form."""
    heading_id = f"backlog-need-{need['id']}"
    parts = [
        html.H2(
            t("meetings.needs.item_heading", lang, number=need["id"]), id=heading_id, className="h5"
        ),
        html.P(need["text"], className="mb-1", style={"whiteSpace": "pre-wrap"}),
        _raised(need, lang),
    ]
    if writable:
        parts.append(need_form(need, lang))
    else:
        parts += [
            html.P(
                t(
                    "meetings.records.status_line",
                    lang,
                    status=records.need_status_text(need["status"], lang),
                ),
                className="small mb-1",
            ),
            html.P(
                [
                    html.Strong(t("meetings.field.response", lang) + ": "),
                    need["response"] or t("meetings.needs.response_none", lang),
                ],
                className="small mb-1",
            ),
        ]
    parts.append(
        html.P(need_meta(need, lang), id=_id("meta", need["id"]), className="small text-muted mb-0")
    )
    return html.Li(
        parts, className="list-group-item backlog-need", **{"aria-labelledby": heading_id}
    )
