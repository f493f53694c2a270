"""The filter bar above the charts. Its values always come from the page's address
(``charts.address.Address``), and ``callbacks.address`` writes every change back to
the address, so a link reopens exactly the same view.

Native form controls (select, radio) are used on purpose: they are labelled,
keyboard-operable and announced correctly by screen readers (WCAG 2.1 AA). Building
the bar never touches the database: the options of the unit control (one node of the
unit hierarchy: the county, a service area, a municipality or a unit; see
``queries.units``) are filled by a callback from the cached unit list, and so are the
month selects' options, which end at the data's last month (``callbacks.filters``);
until then each control offers only its chosen value, which keeps the page's first
answer small.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from charts.address import Address
from charts.cards.radio import radio_group
from dashboards._fold import fold_heading
from queries.filters import DEFAULT_START, GRAINS, SERVICES, _month_ok
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
FILTERS_HEADING = "filters-heading"
FILTERS_BODY = "filters-body"  # what the fold button opens and closes


def month_option(value: str) -> dict[str, str]:
    """The select option of a ``YYYY-MM`` month: ``{"label": "3/2024", "value": "2024-03"}``."""
    year, month = (int(p) for p in value.split("-"))
    return {"label": f"{month}/{year}", "value": value}


def chosen_month_options(chosen: tuple[str, ...]) -> list[dict[str, str]]:
    """Options of the valid ``YYYY-MM`` months among ``chosen`` only, in order: what the
    month selects offer until ``callbacks.filters.month_choices`` has filled them (a
    page's first answer then carries two options, not every month of the data)."""
    return [month_option(value) for value in sorted(set(chosen)) if _month_ok(value)]


def month_options(last: date | None = None, chosen: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Every month from the default start to ``last`` (default: this month), as select
    options ``{"label": "3/2024", "value": "2024-03"}``. A ``chosen`` month after
    ``last`` (from an address) is appended, so a select never shows a value it lacks."""
    last = last or date.today()
    year, month = (int(p) for p in DEFAULT_START.split("-"))
    options = []
    while (year, month) <= (last.year, last.month):
        options.append(month_option(f"{year:04d}-{month:02d}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    offered = {option["value"] for option in options}
    for value in sorted(set(chosen) - offered):
        if _month_ok(value) and value > f"{last.year:04d}-{last.month:02d}":
            options.append(month_option(value))
    return options


def _field(label: str, control, control_id: str, width: int, hidden: bool = False) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, html_for=control_id, className="mb-1 small fw-semibold"), control],
        md=width,
        className="mb-2" + (" d-none" if hidden else ""),
    )


def _radios(
    legend: str, control_id: str, options: list, value: str, width: int, hidden: bool = False
) -> dbc.Col:
    """A column ``width`` wide (hidden: not shown) holding the radio group
    ``control_id`` (``charts.cards.radio.radio_group``) named by ``legend``."""
    return dbc.Col(
        radio_group(
            control_id,
            legend,
            options,
            value,
            legend_class="form-label mb-1 small fw-semibold",
        ),
        md=width,
        className="mb-2" + (" d-none" if hidden else ""),
    )


def county_option(lang: str) -> dict[str, str]:
    """The unit control's option for the whole county (node id ``""``)."""
    return {"label": t("filters.units_all", lang), "value": COUNTY}


def filter_bar(address: Address, lang: str, path: str, with_services: bool) -> html.Section:
    """Controls for the unit selection, period, grain and queue service (hidden on
    pages without queue charts), a copy-link button and a reset link, under a heading
    that folds them away (``dashboards._fold``; folded when the address says
    ``fold=filters``). ``path`` is the page's path (the reset link drops every parameter
    but the folded panels, the language and the embed flag)."""
    filters = address.filters
    # Until callbacks.filters.month_choices has filled them with the data's months, the
    # selects offer the chosen months only (as the unit control its chosen node).
    months = chosen_month_options((filters.start, filters.end or LATEST))
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
        _radios(
            t("filters.grain", lang),
            "filter-grain",
            [{"label": t(f"filters.grain.{g}", lang), "value": g} for g in GRAINS],
            filters.grain,
            4,
        ),
        _radios(
            t("filters.services", lang),
            "filter-service",
            [
                {"label": t("filters.services_all", lang), "value": ALL_SERVICES},
                *({"label": t(f"service.{s}", lang), "value": s} for s in SERVICES),
            ],
            filters.services[0] if filters.services else ALL_SERVICES,
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
            # Reset is about the filters: the folded panels stay as they are.
            dcc.Link(
                t("filters.reset", lang),
                href=path
                + Address(lang=address.lang, embed=address.embed, fold=address.fold).search(),
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
            fold_heading(
                "filters",
                t("filters.title", lang),
                FILTERS_BODY,
                "filters" in address.fold,
                FILTERS_HEADING,
                "h6 mb-0",
            ),
            html.Div(
                [dbc.Row(controls, className="g-2 mt-1"), units, actions],
                id=FILTERS_BODY,
                className="fold-body",
            ),
            dcc.Store(id=ADDRESS_PROPOSAL),
        ],
        className="filter-bar card card-body mb-3",
        **{"aria-labelledby": FILTERS_HEADING},
    )
