"""Shared page builders. Dash Pages skips this module (its name starts with ``_``).

Every page is a function of its address (``charts.address.Address``): Dash Pages' router
calls a page's ``layout(**query)`` whenever the address changes. A page also records
what it shows in the ``page-state`` store, and the router passes that store in as
``shown_`` (``app.py``: ``routing_callback_inputs``). When the address is one the page
already shows — because the page itself just wrote it there after a change of its
controls (``callbacks.address``) — ``layout`` answers ``no_update`` and the page stays
as it is; on Back, Forward, a link or a reload the address differs, and the page is
built anew from it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import dcc, get_relative_path, html, no_update

from charts.address import Address
from charts.areas import AREA_BY_SLUG, INVESTMENT_AREAS, OVERVIEW
from charts.cards.chart import alert, chart_card
from charts.cards.kpi import address_link, kpi_card
from charts.catalog import CHARTS
from dashboards._export import export_panel
from dashboards._filters import filter_bar
from dashboards._frame import joined_title
from queries.engine import DATABASE_ERRORS
from queries.units import resolve_selection
from response_cache import PAGE_STATE, keep_out, page_token
from translations import notice_text, t

log = logging.getLogger(__name__)

SHOWN = "shown_"  # the keyword under which the router passes that store's data


def page_context(query: Mapping[str, object]) -> tuple[Address, tuple[str, ...]]:
    """The address and the notice keys of rejected values from a page's URL
    parameters (the router's own ``shown_`` keyword is not a parameter).

    A unit selection that is not one node of the unit hierarchy (several units, a
    bad form, an id the reporting DB does not know) falls back to the whole county with
    a notice (``queries.units``); so does more than one queue service. When the unit
    list cannot be read the node stays unchecked: the page still renders, and its cards
    report that the database is unreachable.
    """
    address, notices = Address.from_query({k: v for k, v in query.items() if k != SHOWN})
    try:
        filters, unknown = resolve_selection(address.filters)
    except DATABASE_ERRORS:
        log.warning("unit list not readable; the page keeps the address unchecked")
        keep_out()  # the page is not what it is when the units are read
        return address, notices
    return replace(address, filters=filters), notices + unknown


def page_address(
    query: Mapping[str, object], chart_ids: Iterable[str]
) -> tuple[Address, tuple[str, ...]]:
    """``page_context`` with the card states narrowed to the cards the page shows (a
    view or phase of another page's chart is valid in a link but not shown here)."""
    address, notices = page_context(query)
    return replace(address, cards=address.cards.only(chart_ids)), notices


def page_state(key: str, address: Address) -> dcc.Store:
    """The ``page-state`` store of a page built for ``address``: ``{"page": key,
    "search": canonical query string, "token": unique per build}``. The token tells a
    late callback answer meant for an earlier build of the page from one for this one."""
    return dcc.Store(
        id=PAGE_STATE,
        data={"page": key, "search": address.search(), "token": page_token()},
    )


def already_shown(query: Mapping[str, object], key: str, address: Address) -> bool:
    """Whether the page on screen is ``key`` showing exactly ``address``: then the
    router's call is only the echo of the page's own address change."""
    shown = query.get(SHOWN)
    return (
        isinstance(shown, dict)
        and shown.get("page") == key
        and shown.get("search") == address.search()
    )


def notices_block(notices: tuple[str, ...], lang: str) -> list:
    """Visible, announced notices for rejected URL parameters, each naming the value it
    refused (``translations.notice_text``)."""
    if not notices:
        return []
    return [
        alert(
            [
                html.P(t("notice.intro", lang), className="mb-1"),
                html.Ul(
                    [html.Li(notice_text(notice, lang)) for notice in notices], className="mb-0"
                ),
            ],
            "info",
            "url-notice",
        )
    ]


def page_registration(slug: str) -> dict:
    """Keyword arguments for ``dash.register_page`` of the page at ``/<slug>``."""
    area = AREA_BY_SLUG[slug] if slug else OVERVIEW
    return {
        "path": area.path,
        "name": t(area.title_key),
        "title": joined_title("app.title", area.title_key),
        "order": area.number,
    }


def area_page(slug: str, chart_ids: tuple[str, ...], query: Mapping[str, object]):
    """An investment area's page: title, intro and the cards of ``chart_ids`` in order
    (``no_update`` when it already shows this address)."""
    area = AREA_BY_SLUG[slug]
    address, notices = page_address(query, chart_ids)
    if already_shown(query, slug, address):
        return no_update
    lang = address.language
    with_services = any(CHARTS[chart_id].service_filter for chart_id in chart_ids)
    return html.Div(
        [
            html.H1(t(area.title_key, lang)),
            html.P(t(area.intro_key, lang), className="lead"),
            *notices_block(notices, lang),
            filter_bar(address, lang, get_relative_path(area.path), with_services),
            export_panel(slug, chart_ids, lang, "pptx" in address.fold),
            *[chart_card(CHARTS[chart_id], address, lang) for chart_id in chart_ids],
            page_state(slug, address),
        ]
    )


def overview_page(kpi_ids: dict[str, tuple[str, ...]], query: Mapping[str, object]):
    """The overview: per investment area, KPI cards of its headline indicators (area
    slug -> chart ids) and a link to the area's page, both keeping the filters, the
    language and the embed flag (``no_update`` when it already shows this address)."""
    address, notices = page_address(query, ())
    if already_shown(query, OVERVIEW.slug, address):
        return no_update
    lang = address.language
    sections = []
    for area in INVESTMENT_AREAS:
        heading_id = f"overview-{area.slug}"
        sections.append(
            html.Section(
                [
                    html.H2(t(area.title_key, lang), id=heading_id, className="h4"),
                    dbc.Row(
                        [
                            dbc.Col(
                                kpi_card(CHARTS[chart_id], address, lang),
                                md=6,
                                xl=3,
                                className="mb-3",
                            )
                            for chart_id in kpi_ids.get(area.slug, ())
                        ]
                    ),
                    # Says where it goes (all charts of this area, on its page) and
                    # keeps the filters, language and embed flag.
                    address_link(
                        t(area.all_charts_key, lang),
                        area.path,
                        address,
                        className="area-link",
                        title=t("overview.area_link_title", lang, area=t(area.title_key, lang)),
                    ),
                ],
                className="mb-4",
                **{"aria-labelledby": heading_id},
            )
        )
    return html.Div(
        [
            html.H1(t(OVERVIEW.title_key, lang)),
            html.P(t(OVERVIEW.intro_key, lang), className="lead"),
            *notices_block(notices, lang),
            filter_bar(address, lang, get_relative_path(OVERVIEW.path), with_services=False),
            export_panel(
                "",
                tuple(c for a in INVESTMENT_AREAS for c in kpi_ids.get(a.slug, ())),
                lang,
                "pptx" in address.fold,
            ),
            *sections,
            page_state(OVERVIEW.slug, address),
        ]
    )
