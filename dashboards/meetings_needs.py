"""The information-need backlog ``/tietokeskustelut/tietotarpeet``: every "we would
need to see X" raised in the data discussions, newest first, where it was raised (the
meeting and the item's chart, linked), its status and the analysts' response, who
changed it last; ``?tila=new|in_progress|done|declined`` shows one status (another
value: all, with a notice). A writer sets each need's status and response
(``callbacks.meeting_records.save_need``, versioned).
"""

from __future__ import annotations

from dash import dcc, get_relative_path, html, register_page

from charts.cards.chart import alert
from dashboards import _records as records
from dashboards._frame import MEETINGS, framed, joined_title, query_language
from dashboards._needs import NEED_IDS, backlog_entry
from meetings import store
from meetings.components import can_write, read_only_notice
from meetings.db import APP_DB_ERRORS
from translations import quote_value, t

PATH = "/tietokeskustelut/tietotarpeet"
FILTER = "tila"

register_page(
    __name__,
    path=PATH,
    order=11,
    name=t("meetings.needs.title"),
    title=joined_title("meetings.needs.title", "app.title"),
)


def read_filter(value: object) -> tuple[str | None, str | None]:
    """The status to show (None: all) and the refused value (quoted) when ``value`` is
    given but is not one of ``store.NEED_STATUSES``. Several values: the first."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or value == "":
        return None, None
    if isinstance(value, str) and value in store.NEED_STATUSES:
        return value, None
    return None, quote_value(value)


def _filter_links(current: str | None, lang: str) -> html.Nav:
    path = get_relative_path(PATH)
    choices = [(None, t("meetings.needs.filter_all", lang))] + [
        (status, records.need_status_text(status, lang)) for status in store.NEED_STATUSES
    ]
    items = []
    for status, label in choices:
        href = path + (f"?{FILTER}={status}" if status else "")
        extra = {"aria-current": "page", "className": "fw-bold"} if status == current else {}
        items.append(html.Li(html.A(label, href=href, **extra), className="list-inline-item me-3"))
    return html.Nav(
        [
            html.P(t("meetings.needs.filter_label", lang), className="fw-semibold mb-1"),
            html.Ul(items, className="list-inline mb-3"),
        ],
        **{"aria-label": t("meetings.needs.filter_label", lang)},
    )


@framed(active=MEETINGS)
def layout(**query: object):
    """The backlog, filtered by ``?tila=`` (a bad value: all, with a notice)."""
    lang = query_language(query)
    status, refused = read_filter(query.get(FILTER))
    notices = (
        [alert(t("meetings.needs.bad_filter", lang, value=refused), "info", "url-notice")]
        if refused
        else []
    )
    try:
        needs = store.list_needs(status)
    except APP_DB_ERRORS:
        return html.Div(alert(t("meetings.error.database", lang), "warning"))
    writable = can_write()
    if needs:
        body = html.Ul(
            [backlog_entry(need, lang, writable) for need in needs], className="list-group mb-4"
        )
    elif status:
        body = html.P(
            t(
                "meetings.needs.none_with_status",
                lang,
                status=records.need_status_text(status, lang),
            )
        )
    else:
        body = html.P(t("meetings.needs.none", lang))
    return html.Div(
        [
            html.H1(t("meetings.needs.title", lang)),
            html.P(t("meetings.needs.intro", lang), className="lead"),
            *notices,
            *read_only_notice(lang),
            _filter_links(status, lang),
            body,
            dcc.Store(id=NEED_IDS["lang"], data=lang),
        ],
        className="meeting-needs",
    )
