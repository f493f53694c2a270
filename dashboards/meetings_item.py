"""Recording one agenda item: ``/tietokeskustelut/<meeting_id>/kohta/<n>`` (``n``: the
item's 1-based place on the agenda).

The page shows the item's chart as its card (the card's own callback fills it, in the
item's filters and view), the decisions taken on the same chart in other meetings, and
what this meeting records on the item: observations and interpretation, decisions
and actions, information needs (``callbacks.meeting_records`` saves them).

The page has no filter bar and no ``page-state`` store, so nothing on it writes the
address (``callbacks.address``): switching the card's view redraws the card only, and
the address stays that of the item.
"""

from __future__ import annotations

from dash import dcc, get_relative_path, html, register_page

from charts.address import page_language
from charts.cards.chart import alert, chart_card
from dashboards import _records as records
from dashboards._frame import MEETINGS, framed, localised_title, query_language
from dashboards._page import notices_block
from meetings import store
from meetings.components import can_write, example_notice, read_only_notice
from meetings.db import APP_DB_ERRORS
from meetings.items import item_address, item_page_url, item_spec, item_title
from queries.engine import DATABASE_ERRORS
from translations import format_date, t

PATH = "/tietokeskustelut/<meeting_id>/kohta/<n>"


def _numbers(meeting_id: object, n: object) -> tuple[int, int] | None:
    """The meeting id and item number of the path, or None unless both are ASCII
    digits within the database's integer range."""
    texts = (str(meeting_id), str(n))
    if not all(text.isascii() and text.isdigit() and len(text) <= 10 for text in texts):
        return None
    numbers = (int(texts[0]), int(texts[1]))
    return numbers if max(numbers) <= store.MAX_INTEGER else None


def find_item(meeting_id: object, n: object) -> tuple[dict, dict] | None:
    """The meeting (``store.get_meeting``) and its ``n``-th item, or None when the ids
    are not digits or name nothing. Raises ``meetings.db.APP_DB_ERRORS`` when the app database
    cannot be read."""
    numbers = _numbers(meeting_id, n)
    if numbers is None:
        return None
    try:
        meeting = store.get_meeting(numbers[0])
    except store.NotFound:
        return None
    if not 1 <= numbers[1] <= len(meeting["items"]):
        return None
    return meeting, meeting["items"][numbers[1] - 1]


def path_ok(meeting_id: str | None = None, n: str | None = None) -> bool:
    """Whether the address names an item of a meeting (else 404: ``http_errors``).
    When the app database cannot be read the page answers and says so."""
    try:
        return find_item(meeting_id, n) is not None
    except APP_DB_ERRORS:
        return _numbers(meeting_id, n) is not None


@localised_title
def title(lang: str, meeting_id: str | None = None, n: str | None = None, **_query: object) -> str:
    """The document title in ``lang``: the item's chart and the meeting (WCAG 2.4.2)."""
    try:
        found = find_item(meeting_id, n)
    except APP_DB_ERRORS:
        found = None
    if found is None:
        return t("meetings.records.page_title", lang) + " – " + t("app.title", lang)
    meeting, item = found
    return f"{item_title(item, lang)} – {meeting['title']} – {t('app.title', lang)}"


register_page(__name__, path_template=PATH, order=14, title=title, path_ok=path_ok)


def item_url(meeting_id: int, n: int) -> str:
    """The recording page of the meeting's ``n``-th item (URL prefix included)."""
    return get_relative_path(f"/tietokeskustelut/{meeting_id}/kohta/{n}")


def meeting_url(meeting_id: int) -> str:
    """The meeting's page (URL prefix included)."""
    return get_relative_path(f"/tietokeskustelut/{meeting_id}")


def _navigation(meeting: dict, item: dict, n: int, lang: str) -> html.Nav:
    count = len(meeting["items"])
    links = []
    if n > 1:
        links.append(
            html.A(t("meetings.records.previous", lang), href=item_url(meeting["id"], n - 1))
        )
    if n < count:
        links.append(html.A(t("meetings.records.next", lang), href=item_url(meeting["id"], n + 1)))
    links.append(html.A(t("meetings.records.back", lang), href=meeting_url(meeting["id"])))
    links.append(
        html.A(
            t("meetings.records.chart_page", lang),
            href=item_page_url(item, "" if lang == page_language(None) else lang),
        )
    )
    return html.Nav(
        html.Ul(
            [html.Li(link, className="list-inline-item me-3") for link in links],
            className="list-inline mb-3",
        ),
        **{"aria-label": t("meetings.records.nav_label", lang)},
    )


def _card(item: dict, lang: str) -> list:
    try:
        address, notices = item_address(item, lang)
    except DATABASE_ERRORS:  # the unit list is unreadable: the card then says so
        from urllib.parse import parse_qs

        from charts.address import Address

        address, notices = Address.from_query(parse_qs(item["query"]))
    return [*notices_block(notices, lang), chart_card(item_spec(item), address, lang)]


def earlier_on_chart(meeting: dict, item: dict) -> list[dict]:
    """Decisions and actions on the item's chart recorded in other meetings, up to this
    meeting's date (``store.decisions_for_chart``)."""
    own = {entry["id"] for entry in meeting["items"]}
    return [
        decision
        for decision in store.decisions_for_chart(item["chart_id"])
        if decision["item_id"] not in own and decision["decided_on"] <= meeting["meeting_date"]
    ]


def _section(heading_id: str, heading: str, children: list) -> html.Section:
    return html.Section(
        [html.H2(heading, id=heading_id, className="h4"), *children],
        className="mb-4",
        **{"aria-labelledby": heading_id},
    )


@framed(active=MEETINGS)
def layout(meeting_id: str | None = None, n: str | None = None, **query: object):
    """The recording page of the item, or a notice when it cannot be read."""
    lang = query_language(query)
    try:
        found = find_item(meeting_id, n)
        earlier = earlier_on_chart(*found) if found else []
    except APP_DB_ERRORS:
        return html.Div(alert(t("meetings.error.database", lang), "warning"))
    if found is None:
        return html.Div(alert(t("meetings.records.not_found", lang), "warning"))
    meeting, item = found
    number = int(n)
    writable = can_write()
    observations = records.observations_block(item, lang, writable)
    decisions = [
        html.Div(id=records.DECISION_RESULT, **{"aria-live": "polite"}),
        html.Div(
            records.decision_list(item["decisions"], lang, writable), id=records.DECISION_LIST
        ),
        records.decision_form(lang) if writable else None,
    ]
    needs = [
        html.Div(id=records.NEED_RESULT, **{"aria-live": "polite"}),
        html.Div(records.need_list(item["needs"], lang), id=records.NEED_LIST),
        records.need_form(lang) if writable else None,
        html.P(
            html.A(
                t("meetings.records.backlog_link", lang),
                href=get_relative_path("/tietokeskustelut/tietotarpeet"),
            )
        ),
    ]
    return html.Div(
        [
            html.H1(
                t(
                    "meetings.records.heading",
                    lang,
                    meeting=meeting["title"],
                    date=format_date(meeting["meeting_date"], lang),
                )
            ),
            html.P(
                t(
                    "meetings.records.item_of",
                    lang,
                    n=number,
                    count=len(meeting["items"]),
                    chart=item_title(item, lang),
                ),
                className="lead",
            ),
            _navigation(meeting, item, number, lang),
            *example_notice(meeting["series"], lang),
            *read_only_notice(lang),
            *_card(item, lang),
            _section(
                "records-earlier",
                t("meetings.records.earlier_heading", lang),
                records.earlier_decisions(earlier, lang),
            ),
            _section(
                "records-observations",
                t("meetings.records.observations_heading", lang),
                observations,
            ),
            _section("records-decisions", t("meetings.records.decisions_heading", lang), decisions),
            _section("records-needs", t("meetings.records.needs_heading", lang), needs),
            dcc.Store(id=records.ITEM_STORE, data={"item": item["id"], "lang": lang}),
        ],
        className="meeting-item",
    )
