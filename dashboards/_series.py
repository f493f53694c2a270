"""Meeting series on the meeting pages: the list of series, a series' form and its
meetings. Built by the pages and rebuilt by ``callbacks.meetings_agenda`` after a save.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards._meetings import field, meeting_path, no_personal_data, series_path
from meetings.calendar import is_held
from meetings.store import MAX_NAME
from translations import format_date, t, t_plural


def member_lines(members: str | None) -> list[str]:
    """The members of a series, one a line (blank lines dropped)."""
    return [line.strip() for line in (members or "").splitlines() if line.strip()]


def members_count_text(members: str | None, lang: str) -> str:
    """ "1 jäsen", "3 jäsentä"."""
    count = len(member_lines(members))
    return t_plural(
        count,
        lang,
        one="meetings.index.members_one",
        other="meetings.index.members_count",
        count=count,
    )


def series_list(rows: list[Mapping], lang: str) -> html.Div:
    """Every series: its name linking to its page, rhythm, number of members and an
    "esimerkki" badge on the demo's example series."""
    if not rows:
        return html.Div(html.P(t("meetings.index.no_series", lang)), id="series-list")
    entries = []
    for row in rows:
        badge = []
        if row.get("is_example"):
            badge = [
                " ",
                dbc.Badge(
                    t("meetings.index.example", lang),
                    color="secondary",
                    className="series-example",
                    title=t("meetings.index.example_label", lang),
                ),
            ]
        details = ", ".join(
            [row.get("rhythm") or t("meetings.index.no_rhythm", lang)]
            + [members_count_text(row.get("members"), lang)]
        )
        entries.append(
            html.Li(
                [
                    html.A(row["name"], href=series_path(row["id"]), className="fw-semibold"),
                    *badge,
                    html.Span(" – " + details),
                ],
                className="series-entry",
            )
        )
    return html.Div(html.Ul(entries), id="series-list")


def series_form(prefix: str, lang: str, values: Mapping | None = None, *, button: str) -> list:
    """The fields of a series (name, members one a line, rhythm) and its button; ids
    ``<prefix>-name``, ``-members``, ``-rhythm``, ``-save``."""
    values = values or {}
    note_id = f"{prefix}-privacy"
    return [
        no_personal_data(lang, note_id),
        field(
            t("meetings.field.series_name", lang),
            dbc.Input(
                id=f"{prefix}-name", type="text", value=values.get("name", ""), maxLength=MAX_NAME
            ),
            f"{prefix}-name",
        ),
        field(
            t("meetings.field.members", lang),
            dbc.Textarea(
                id=f"{prefix}-members",
                value=values.get("members", ""),
                rows=4,
            ),
            f"{prefix}-members",
            t("meetings.index.members_help", lang),
            f"{prefix}-members-help",
        ),
        field(
            t("meetings.field.rhythm", lang),
            dbc.Input(
                id=f"{prefix}-rhythm",
                type="text",
                value=values.get("rhythm", ""),
                maxLength=MAX_NAME,
            ),
            f"{prefix}-rhythm",
            t("meetings.index.rhythm_help", lang),
            f"{prefix}-rhythm-help",
        ),
        html.Button(button, id=f"{prefix}-save", className="btn btn-primary", n_clicks=0),
    ]


def _meeting_entry(row: Mapping, lang: str) -> html.Li:
    count = t("meetings.series_page.items", lang, count=row.get("item_count") or 0)
    return html.Li(
        [
            html.A(row["title"], href=meeting_path(row["id"])),
            html.Span(f" – {format_date(row['meeting_date'], lang)}, {count}"),
        ],
        className="meeting-entry",
    )


def series_meetings(rows: list[Mapping], today: date, lang: str) -> html.Div:
    """A series' meetings by date: the coming ones, then the held ones (``is_held``)."""
    coming = [row for row in rows if not is_held(row["meeting_date"], today)]
    past = [row for row in rows if is_held(row["meeting_date"], today)]

    def block(heading_key: str, none_key: str, chosen: list, block_id: str) -> html.Div:
        body = (
            html.Ul([_meeting_entry(row, lang) for row in chosen])
            if chosen
            else html.P(t(none_key, lang))
        )
        return html.Div([html.H3(t(heading_key, lang)), body], id=block_id)

    return html.Div(
        [
            block(
                "meetings.series_page.coming",
                "meetings.series_page.none_coming",
                coming,
                "meetings-coming",
            ),
            block(
                "meetings.series_page.past", "meetings.series_page.none_past", past, "meetings-past"
            ),
        ],
        id="series-meetings",
    )


def series_details(row: dict, lang: str) -> html.Div:
    """The series' rhythm and members as read."""
    members = member_lines(row.get("members"))
    return html.Div(
        [
            html.P(t("meetings.series_page.rhythm", lang, rhythm=row.get("rhythm") or "–")),
            html.H2(t("meetings.series_page.members", lang), className="h5"),
            html.Ul([html.Li(m) for m in members])
            if members
            else html.P(t("meetings.series_page.no_members", lang)),
        ],
        id="series-details",
    )


def version_store(store_id: str, row_id: int, version: int, lang: str) -> dcc.Store:
    """What a form's callback needs: ``{"id", "version", "lang"}``."""
    return dcc.Store(id=store_id, data={"id": row_id, "version": version, "lang": lang})
