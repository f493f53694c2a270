"""``/tietokeskustelut/sarjat/<series_id>``: a meeting series — its members and
rhythm (editable, guarded by the series' ``version``), its meetings by date and a
form for a new meeting. An unknown id answers 404 (``path_ok``)."""

from __future__ import annotations

from datetime import date

from dash import get_relative_path, html, register_page

from dashboards._frame import MEETINGS, framed, localised_title
from dashboards._meetings import (
    BASE_PATH,
    meeting_fields,
    no_personal_data,
    page_lang,
    section,
)
from dashboards._meetings import exists as _exists
from dashboards._series import series_details, series_form, series_meetings, version_store
from meetings import store
from meetings.components import can_write, error_alert, example_notice, read_only_notice
from meetings.store import STORE_ERRORS
from translations import t


def path_ok(series_id: str | None = None) -> bool:
    """Whether the path names an existing series (else 404: ``http_errors``)."""
    return _exists(store.get_series, series_id)


@localised_title
def title(lang: str, series_id: str | None = None, **_query: object) -> str:
    """The document title in ``lang``: the series' name, or the app's name."""
    row_id = store.parse_id(series_id)
    try:
        name = store.get_series(row_id)["name"] if row_id else ""
    except STORE_ERRORS:
        name = ""
    name = t("meetings.series_page.title", lang, name=name) if name else ""
    return t("app.title", lang) + (" – " + name if name else "")


register_page(
    __name__,
    path_template=BASE_PATH + "/sarjat/<series_id>",
    name="meetings_series",
    title=title,
    path_ok=path_ok,
    order=12,
)


def meeting_form(lang: str) -> list:
    """The fields of a new meeting: title and date (``<input type=date>``)."""
    return [
        no_personal_data(lang, "meeting-new-privacy"),
        *meeting_fields("meeting-new", lang),
        html.Button(
            t("meetings.series_page.create", lang),
            id="meeting-new-save",
            className="btn btn-primary",
            n_clicks=0,
        ),
        html.Div(id="meeting-new-status", className="mt-3"),
    ]


@framed(active=MEETINGS)
def layout(series_id: str | None = None, **query: object):
    """The series' page (``path_ok`` has already refused an unknown id)."""
    lang = page_lang(query)
    back = html.P(html.A(t("meetings.series_page.back", lang), href=get_relative_path(BASE_PATH)))
    row_id = store.parse_id(series_id)
    try:
        if row_id is None:
            raise store.NotFound(series_id)
        row = store.get_series(row_id)
        meetings = store.list_meetings(row_id)
    except STORE_ERRORS as exc:
        return html.Div([back, error_alert(exc, lang)])
    writer = can_write()
    parts = [
        back,
        html.H1(t("meetings.series_page.title", lang, name=row["name"]), id="series-title"),
        *example_notice(row, lang),
        *read_only_notice(lang),
        series_details(row, lang),
        section(
            t("meetings.series_page.meetings_heading", lang),
            "series-meetings-heading",
            [series_meetings(meetings, date.today(), lang)],
        ),
    ]
    if writer:
        parts += [
            section(
                t("meetings.series_page.create_heading", lang),
                "meeting-create-heading",
                meeting_form(lang),
            ),
            section(
                t("meetings.series_page.edit_heading", lang),
                "series-edit-heading",
                [
                    *series_form("series-edit", lang, row, button=t("meetings.form.save", lang)),
                    html.Div(id="series-edit-status", className="mt-3"),
                ],
            ),
        ]
    parts.append(version_store("series-ctx", row["id"], row["version"], lang))
    return html.Div(parts)
