"""``/tietokeskustelut``: the meeting series, a form for a new series and the year
view (*vuosikello*, ``?vuosi=YYYY``) of past and coming meetings."""

from __future__ import annotations

from datetime import date

from dash import dcc, get_relative_path, html, register_page

from charts.cards.chart import alert
from dashboards._frame import MEETINGS, framed, joined_title
from dashboards._meetings import (
    BASE_PATH,
    meeting_path,
    page_lang,
    section,
)
from dashboards._series import series_form, series_list
from meetings import store
from meetings.calendar import MAX_YEAR, MIN_YEAR, parse_year, year_months
from meetings.components import can_write, error_alert, read_only_notice
from meetings.store import STORE_ERRORS
from translations import format_date, quote_value, t

register_page(
    __name__,
    path=BASE_PATH,
    name=t("meetings.index.title"),
    title=joined_title("app.title", "meetings.index.title"),
    order=10,
)


def year_link(year: int, key: str, lang: str) -> html.A:
    """A link to the year view of ``year`` (the page itself)."""
    href = get_relative_path(BASE_PATH) + f"?vuosi={year}"
    if lang and lang != page_lang({}):
        href += f"&lang={lang}"
    return html.A(t(key, lang, year=year), href=href, className="me-3")


def calendar(meetings: list[dict], year: int, today: date, lang: str) -> html.Section:
    """The year view: 12 months, each listing its meetings (date, title, series, link),
    held ones marked "pidetty" and coming ones "suunniteltu"; links to the years
    before and after."""
    months = []
    for month in year_months(meetings, year, today):
        heading_id = f"calendar-month-{month['month']}"
        if month["meetings"]:
            body = html.Ul(
                [
                    html.Li(
                        [
                            html.Span(format_date(row["meeting_date"], lang) + " "),
                            html.A(row["title"], href=meeting_path(row["id"])),
                            html.Span(f" ({row['series_name']}) "),
                            html.Span(
                                t(
                                    "meetings.calendar.held"
                                    if row["held"]
                                    else "meetings.calendar.planned",
                                    lang,
                                ),
                                className="badge "
                                + ("text-bg-secondary" if row["held"] else "text-bg-primary"),
                            ),
                        ],
                        className="calendar-meeting " + ("held" if row["held"] else "planned"),
                    )
                    for row in month["meetings"]
                ],
                className="mb-0",
            )
        else:
            body = html.P(t("meetings.calendar.no_meetings", lang), className="text-muted mb-0")
        months.append(
            html.Div(
                [
                    html.H3(
                        t(f"meetings.month.{month['month']}", lang), id=heading_id, className="h6"
                    ),
                    body,
                ],
                className="calendar-month col-12 col-md-6 col-xl-4 mb-3",
                id=f"calendar-{month['month']}",
            )
        )
    years = html.Nav(
        [
            year_link(year - 1, "meetings.calendar.previous", lang) if year > MIN_YEAR else None,
            year_link(year + 1, "meetings.calendar.next", lang) if year < MAX_YEAR else None,
        ],
        **{"aria-label": t("meetings.calendar.nav_label", lang)},
        className="mb-2",
    )
    return section(
        t("meetings.calendar.heading", lang, year=year),
        "calendar-heading",
        [
            html.P(t("meetings.calendar.intro", lang, today=format_date(today, lang))),
            years,
            html.Div(months, className="row", id="calendar"),
        ],
    )


@framed(active=MEETINGS)
def layout(vuosi: object = None, **query: object):
    """The series, the form for a new one (writers only) and the year view."""
    lang = page_lang(query)
    today = date.today()
    year, ok = parse_year(vuosi, today)
    notices = []
    if not ok:
        notices.append(
            alert(
                t(
                    "meetings.calendar.bad_year",
                    lang,
                    value=quote_value(vuosi),
                    example=today.year,
                    minimum=MIN_YEAR,
                    maximum=MAX_YEAR,
                ),
                "info",
                "url-notice",
            )
        )
    try:
        series_rows = store.list_series()
        meetings = store.list_meetings()
    except STORE_ERRORS as exc:
        return html.Div([html.H1(t("meetings.index.title", lang)), error_alert(exc, lang)])
    create = []
    if can_write():
        create = [
            section(
                t("meetings.index.create_heading", lang),
                "series-create-heading",
                [
                    *series_form("series-new", lang, button=t("meetings.index.create", lang)),
                    html.Div(id="series-new-status", className="mt-3"),
                ],
            )
        ]
    return html.Div(
        [
            html.H1(t("meetings.index.title", lang)),
            html.P(t("meetings.index.intro", lang), className="lead"),
            *notices,
            *read_only_notice(lang),
            html.P(
                html.A(
                    t("meetings.index.needs_link", lang),
                    href=get_relative_path(BASE_PATH + "/tietotarpeet"),
                )
            ),
            section(
                t("meetings.index.series_heading", lang),
                "series-heading",
                [series_list(series_rows, lang)],
            ),
            *create,
            calendar(meetings, year, today, lang),
            dcc.Store(id="meetings-lang", data=lang),
        ]
    )
