"""``/tietokeskustelut/<meeting_id>``: one meeting — its title and date, last
meetings' actions and their status first, then the agenda (reorder, remove, add
from the catalog or from the suggestions), and links to the pre-read, the
presentation and the minutes. An unknown id answers 404 (``path_ok``)."""

from __future__ import annotations

from datetime import date

from dash import dcc, get_relative_path, html, register_page

from dashboards._agenda import (
    actions_section,
    add_form,
    agenda_list,
    edit_form,
    meeting_ctx,
    meeting_subtitle,
)
from dashboards._frame import MEETINGS, framed, localised_title
from dashboards._meetings import exists as _exists
from dashboards._meetings import (
    meeting_path,
    page_lang,
    section,
)
from meetings import store
from meetings.components import can_write, error_alert, example_notice, read_only_notice
from meetings.store import STORE_ERRORS
from translations import t


def path_ok(meeting_id: str | None = None) -> bool:
    """Whether the path names an existing meeting (else 404: ``http_errors``)."""
    return _exists(store.get_meeting, meeting_id)


@localised_title
def title(lang: str, meeting_id: str | None = None, **_query: object) -> str:
    """The document title in ``lang``: the meeting's title, or the app's name."""
    row_id = store.parse_id(meeting_id)
    try:
        name = store.get_meeting(row_id)["title"] if row_id else ""
    except STORE_ERRORS:
        name = ""
    return t("app.title", lang) + (" – " + name if name else "")


register_page(
    __name__,
    path_template="/tietokeskustelut/<meeting_id>",
    name="meetings_meeting",
    title=title,
    path_ok=path_ok,
    order=19,
)


def links(meeting_id: int, lang: str) -> html.Section:
    """Pre-read, presentation and the minutes downloads."""
    entries = [
        (t("meetings.meeting_page.preread", lang), meeting_path(meeting_id, "/ennakko")),
        (t("meetings.meeting_page.present", lang), meeting_path(meeting_id, "/esitys/1")),
        (
            t("meetings.meeting_page.minutes_docx", lang),
            get_relative_path(f"/api/meetings/{meeting_id}/minutes.docx"),
        ),
        (
            t("meetings.meeting_page.minutes_md", lang),
            get_relative_path(f"/api/meetings/{meeting_id}/minutes.md"),
        ),
    ]
    return section(
        t("meetings.meeting_page.links_heading", lang),
        "meeting-links-heading",
        [html.Ul([html.Li(html.A(text, href=href)) for text, href in entries])],
    )


@framed(active=MEETINGS)
def layout(meeting_id: str | None = None, **query: object):
    """The meeting's page (``path_ok`` has already refused an unknown id)."""
    lang = page_lang(query)
    row_id = store.parse_id(meeting_id)
    today = date.today()
    try:
        if row_id is None:
            raise store.NotFound(meeting_id)
        meeting = store.get_meeting(row_id)
        actions = store.earlier_actions(meeting)
    except STORE_ERRORS as exc:
        return html.Div([html.H1(t("meetings.index.title", lang)), error_alert(exc, lang)])
    writer = can_write()
    parts = [
        html.H1(meeting["title"], id="meeting-title"),
        html.P(meeting_subtitle(meeting, today, lang), className="lead", id="meeting-subtitle"),
        *example_notice(meeting["series"], lang),
        *read_only_notice(lang),
        html.Div(actions_section(actions, today, lang), id="meeting-actions"),
        section(
            t("meetings.agenda.heading", lang),
            "agenda-heading",
            [
                html.Div(id="agenda-status"),
                agenda_list(meeting, writer, lang),
            ],
        ),
    ]
    if writer:
        parts.append(
            section(
                t("meetings.agenda.add_heading", lang),
                "agenda-add-heading",
                add_form(lang),
            )
        )
    parts.append(
        section(
            t("meetings.suggest.heading", lang),
            "suggest-heading",
            [
                html.P(t("meetings.suggest.intro", lang)),
                html.Div(
                    html.P(t("meetings.suggest.loading", lang)),
                    id="agenda-suggestions",
                    **{"aria-live": "polite"},
                ),
                dcc.Store(id="agenda-suggestions-data"),
            ],
        )
    )
    parts.append(links(meeting["id"], lang))
    if writer:
        parts.append(
            section(
                t("meetings.meeting_page.edit_heading", lang),
                "meeting-edit-heading",
                edit_form(meeting, lang),
            )
        )
    parts.append(meeting_ctx(meeting, lang))
    return html.Div(parts)
