"""The filter bar above the charts. Its values always come from the page's address
(``charts.address.Address``), and ``callbacks.address`` writes every change back to
the address, so a link reopens exactly the same view.

Native form controls (select, checkbox, radio) are used on purpose: they are labelled,
keyboard-operable and announced correctly by screen readers (WCAG 2.1 AA). Building
the bar never touches the database: the unit checkboxes, grouped by service area and
municipality, are filled by a callback from the cached unit list, and so are the month
selects' options, which end at the data's last month (``callbacks.filters``).
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from charts.address import Address
from queries.filters import DEFAULT_START, GRAINS, SERVICES, _month_ok
from translations import t

LATEST = "latest"  # the "to" select's value for "up to the latest data"
# The server's proposal for the next address (callbacks.address), applied in the browser.
ADDRESS_PROPOSAL = "address-proposal"


def month_options(last: date | None = None, chosen: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Every month from the default start to ``last`` (default: this month), as select
    options ``{"label": "3/2024", "value": "2024-03"}``. A ``chosen`` month after
    ``last`` (from an address) is appended, so a select never shows a value it lacks."""
    last = last or date.today()
    year, month = (int(p) for p in DEFAULT_START.split("-"))
    options = []
    while (year, month) <= (last.year, last.month):
        options.append({"label": f"{month}/{year}", "value": f"{year:04d}-{month:02d}"})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    offered = {option["value"] for option in options}
    for value in sorted(set(chosen) - offered):
        if _month_ok(value) and value > f"{last.year:04d}-{last.month:02d}":
            year, month = (int(p) for p in value.split("-"))
            options.append({"label": f"{month}/{year}", "value": value})
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


def filter_bar(address: Address, lang: str, path: str, with_services: bool) -> html.Section:
    """Controls for units, period, grain and queue services (hidden on pages without
    queue charts), a copy-link button and a reset link. ``path`` is the page's path
    (the reset link drops every parameter but the language and the embed flag)."""
    filters = address.filters
    # Until callbacks.filters.month_choices narrows them to the data: up to this month.
    months = month_options(None, (filters.start, filters.end or LATEST))
    controls = [
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
            dbc.Checklist(
                id="filter-service",
                options=[{"label": t(f"service.{s}", lang), "value": s} for s in SERVICES],
                value=list(filters.services),
                inline=True,
            ),
            12,
            hidden=not with_services,
        ),
    ]
    unit_summary = (
        t("filters.units_selected", lang, count=len(filters.units))
        if filters.units
        else t("filters.units_all", lang)
    )
    units = html.Details(
        [
            html.Summary(
                [t("filters.units", lang), ": ", html.Span(unit_summary, id="unit-summary")]
            ),
            # Filled by callbacks.filters.unit_picker; until then the chosen ids wait here.
            html.Div(id="unit-picker", className="unit-picker mt-2"),
            dcc.Store(id="unit-selection", data=list(filters.units)),
        ],
        className="mb-2",
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
