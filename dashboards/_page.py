"""Shared page builders. Dash Pages skips this module (its name starts with ``_``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, get_relative_path, html

from charts.areas import AREA_BY_SLUG, INVESTMENT_AREAS, OVERVIEW
from charts.card import alert, chart_card
from charts.catalog import CHARTS
from charts.kpi import kpi_card
from dashboards._export import export_panel
from dashboards._filters import filter_bar
from queries.engine import DATABASE_ERRORS
from queries.filters import Filters
from queries.units import known_units
from settings import get_settings
from translations import normalise_language, t


def page_context(query: dict) -> tuple[Filters, tuple[str, ...], str]:
    """Filters, notice keys and language from a page's URL parameters.

    Unit codes the reporting DB does not know are dropped with a notice
    (``queries.units``). When the unit list cannot be read the codes stay unchecked:
    the page still renders, and its cards report that the database is unreachable.
    """
    filters, notices = Filters.from_query(query)
    try:
        filters, unknown = known_units(filters)
    except DATABASE_ERRORS:
        unknown = ()
    lang = normalise_language(query.get("lang") or get_settings().language)
    return filters, notices + unknown, lang


def notices_block(notices: tuple[str, ...], lang: str) -> list:
    """Visible, announced notices for rejected URL parameters."""
    if not notices:
        return []
    return [
        alert(
            [
                html.P(t("notice.intro", lang), className="mb-1"),
                html.Ul([html.Li(t(key, lang)) for key in notices], className="mb-0"),
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
        "title": t("app.title") + " – " + t(area.title_key),
        "order": area.number,
    }


def area_page(slug: str, chart_ids: tuple[str, ...], query: dict) -> html.Div:
    """An investment area's page: title, intro and the cards of ``chart_ids`` in order."""
    area = AREA_BY_SLUG[slug]
    filters, notices, lang = page_context(query)
    with_services = any(CHARTS[chart_id].service_filter for chart_id in chart_ids)
    return html.Div(
        [
            html.H1(t(area.title_key, lang)),
            html.P(t(area.intro_key, lang), className="lead"),
            *notices_block(notices, lang),
            filter_bar(filters, lang, get_relative_path(area.path), with_services),
            export_panel(slug, chart_ids, lang),
            *[chart_card(CHARTS[chart_id], filters, lang) for chart_id in chart_ids],
        ]
    )


def overview_page(kpi_ids: dict[str, tuple[str, ...]], query: dict) -> html.Div:
    """The overview: per investment area, KPI cards of its headline indicators (area
    slug -> chart ids) and a link to the area's page."""
    filters, notices, lang = page_context(query)
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
                                kpi_card(CHARTS[chart_id], filters, lang),
                                md=6,
                                xl=3,
                                className="mb-3",
                            )
                            for chart_id in kpi_ids.get(area.slug, ())
                        ]
                    ),
                    dcc.Link(
                        t("overview.area_link", lang, area=t(area.title_key, lang)),
                        href=get_relative_path(area.path),
                        className="area-link",
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
            filter_bar(filters, lang, get_relative_path(OVERVIEW.path), with_services=False),
            export_panel(
                "", tuple(c for a in INVESTMENT_AREAS for c in kpi_ids.get(a.slug, ())), lang
            ),
            *sections,
        ]
    )
