"""The filter bar above the charts. Its values always come from the page's address
(``charts.address.Address``), and ``callbacks.address`` writes every change back to
the address, so a link reopens exactly the same view.

Native form controls (select, radio) are used on purpose: they are labelled,
keyboard-operable and announced correctly by screen readers (WCAG 2.1 AA). Building
the bar never touches the database: the options of the unit control (one node of the
unit hierarchy: the county, a service area, a municipality or a unit; see
``queries.units``) are filled by a callback from the cached unit list.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from charts.address import Address
from queries.filters import DEFAULT_START, GRAINS, SERVICES
from translations import t

LATEST = "latest"  # the "to" select's value for "up to the latest data"
ALL_SERVICES = "all"  # the service control's value for "every service"
UNIT_CONTROL = "filter-unit"  # the unit control: a select of the hierarchy's nodes
# The unit control's value for the whole county (node id ""; dbc.Select keeps the
# value "" for its placeholder). "#" is never part of a node id.
COUNTY = "#county"
UNIT_SELECTION = "unit-selection"  # store: the node id the page was built for
# The server's proposal for the next address (callbacks.address), applied in the browser.
ADDRESS_PROPOSAL = "address-proposal"


def month_options(last: date | None = None) -> list[dict[str, str]]:
    """Every month from the default start to ``last`` (default: this month)."""
    last = last or date.today()
    year, month = (int(p) for p in DEFAULT_START.split("-"))
    options = []
    while (year, month) <= (last.year, last.month):
        options.append({"label": f"{month}/{year}", "value": f"{year:04d}-{month:02d}"})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return options


def _field(label: str, control, control_id: str, width: int, hidden: bool = False) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, html_for=control_id, className="mb-1 small fw-semibold"), control],
        md=width,
        className="mb-2" + (" d-none" if hidden else ""),
    )


def _fieldset(legend: str, control, width: int, hidden: bool = False) -> dbc.Col:
    return dbc.Col(
        html.Fieldset(
            [html.Legend(legend, className="form-label mb-1 small fw-semibold"), control]
        ),
        md=width,
        className="mb-2" + (" d-none" if hidden else ""),
    )


def county_option(lang: str) -> dict[str, str]:
    """The unit control's option for the whole county (node id ``""``)."""
    return {"label": t("filters.units_all", lang), "value": COUNTY}


def filter_bar(address: Address, lang: str, path: str, with_services: bool) -> html.Section:
    """Controls for the unit selection, period, grain and queue service (hidden on
    pages without queue charts), a copy-link button and a reset link. ``path`` is the
    page's path (the reset link drops every parameter but the language and the embed
    flag)."""
    filters = address.filters
    months = month_options()
    # Until callbacks.filters.unit_options has filled the options, the chosen node is
    # an option of its own (named by its id), so the select shows it.
    unit_options = [county_option(lang)]
    if filters.node:
        unit_options.append({"label": filters.node, "value": filters.node})
    controls = [
        _field(
            t("filters.unit", lang),
            dbc.Select(id=UNIT_CONTROL, options=unit_options, value=filters.node or COUNTY),
            UNIT_CONTROL,
            4,
        ),
        _field(
            t("filters.from", lang),
            dbc.Select(id="filter-from", options=months, value=filters.start),
            "filter-from",
            2,
        ),
        _field(
            t("filters.to", lang),
            dbc.Select(
                id="filter-to",
                options=[{"label": t("filters.to_latest", lang), "value": LATEST}, *months],
                value=filters.end or LATEST,
            ),
            "filter-to",
            2,
        ),
        _fieldset(
            t("filters.grain", lang),
            dbc.RadioItems(
                id="filter-grain",
                options=[{"label": t(f"filters.grain.{g}", lang), "value": g} for g in GRAINS],
                value=filters.grain,
                inline=True,
            ),
            4,
        ),
        _fieldset(
            t("filters.services", lang),
            dbc.RadioItems(
                id="filter-service",
                options=[
                    {"label": t("filters.services_all", lang), "value": ALL_SERVICES},
                    *({"label": t(f"service.{s}", lang), "value": s} for s in SERVICES),
                ],
                value=filters.services[0] if filters.services else ALL_SERVICES,
                inline=True,
            ),
            12,
            hidden=not with_services,
        ),
    ]
    units = html.Div(
        [
            # Why the unit list is missing, when it cannot be read (unit_options).
            html.Span(id="unit-status", className="small text-muted", role="status"),
            dcc.Store(id=UNIT_SELECTION, data=filters.node),
        ]
    )
    actions = html.Div(
        [
            html.Button(
                t("filters.copy_link", lang),
                id="copy-link",
                type="button",
                className="btn btn-outline-primary btn-sm me-2",
                **{
                    "data-ok": t("filters.copied", lang),
                    "data-fail": t("filters.copy_failed", lang),
                },
            ),
            dcc.Link(
                t("filters.reset", lang),
                href=path + Address(lang=address.lang, embed=address.embed).search(),
                className="me-3 small",
            ),
            html.Span(id="copy-link-status", className="small me-3", role="status"),
            # Why a choice was not taken (e.g. the end month before the start month).
            html.Span(id="filter-status", className="small text-danger", role="status"),
        ],
        className="d-flex align-items-center",
    )
    return html.Section(
        [
            html.H2(t("filters.title", lang), className="visually-hidden"),
            dbc.Row(controls, className="g-2"),
            units,
            actions,
            dcc.Store(id=ADDRESS_PROPOSAL),
        ],
        className="filter-bar card card-body mb-3",
        **{"aria-label": t("filters.title", lang)},
    )
