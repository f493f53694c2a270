"""Filter bar callbacks: every change goes into the URL and into the chart cards."""

from __future__ import annotations

from itertools import chain
from urllib.parse import parse_qs, urlencode

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, html, no_update

from charts.card import card_id
from dashboards._filters import LATEST
from queries.engine import DATABASE_ERRORS
from queries.filters import Filters
from queries.reference import units
from settings import get_settings
from translations import normalise_language, t

UNIT_GROUP = "unit-group"


def query_string(filters: Filters, lang: str | None, embed: bool = False) -> str:
    """``?from=...&unit=...`` for ``filters`` (defaults left out), or ``""``; the
    language and the embed flag of the current URL are kept."""
    query = filters.to_query()
    if lang and lang != get_settings().language:
        query["lang"] = lang
    if embed:
        query["embed"] = "1"
    encoded = urlencode(query, doseq=True)
    return "?" + encoded if encoded else ""


def _lang_of(search: str | None) -> str:
    return normalise_language((_query_of(search).get("lang") or [None])[0])


def _query_of(search: object) -> dict[str, list[str]]:
    """The parameters of a location's ``search`` string (anything else: none)."""
    return parse_qs(search.lstrip("?")) if isinstance(search, str) else {}


@callback(
    Output("filter-location", "search"),
    Output(card_id("chart-request", ALL), "data"),
    Output(card_id("kpi-request", ALL), "data"),
    Output("unit-summary", "children"),
    Output("filter-status", "children"),
    Input({"type": UNIT_GROUP, "area": ALL}, "value"),
    Input("filter-from", "value"),
    Input("filter-to", "value"),
    Input("filter-grain", "value"),
    Input("filter-service", "value"),
    State(card_id("chart-request", ALL), "data"),
    State(card_id("kpi-request", ALL), "data"),
    State("unit-selection", "data"),
    State("filter-location", "search"),
    prevent_initial_call=True,
)
def apply_filters(
    unit_groups, start, end, grain, service, requests, kpi_requests, url_units, search
):
    """Validate the controls' values like URL parameters, write them to the URL (no
    reload) and hand them to every chart card on the page.

    Before the unit checkboxes have loaded (``unit_groups`` empty) the units of the
    URL stay in force.
    """
    # A checklist's value is a list; a client may send anything else (ignored here).
    chosen = (
        list(chain.from_iterable(v for v in unit_groups if isinstance(v, list)))
        if unit_groups
        else url_units
    )
    query = {
        "unit": chosen or [],
        "from": start,
        "to": None if end == LATEST else end,
        "grain": grain,
        "service": service or [],
    }
    filters, notices = Filters.from_query(query)
    lang = _lang_of(search)
    wanted = filters.to_query()

    def refreshed(stores: list) -> list:
        return [
            {**store, "filters": wanted}
            if isinstance(store, dict) and store.get("filters") != wanted
            else no_update
            for store in stores or []
        ]

    summary = (
        t("filters.units_selected", lang, count=len(filters.units))
        if filters.units
        else t("filters.units_all", lang)
    )
    embed = _query_of(search).get("embed") == ["1"]
    new_search = query_string(filters, lang, embed)
    status = " ".join(t(key, lang) for key in notices)
    return new_search, refreshed(requests), refreshed(kpi_requests), summary, status


@callback(
    Output("unit-picker", "children"),
    Input("unit-selection", "data"),
    State("filter-location", "search"),
)
def unit_picker(selected, search):
    """Checkboxes for every unit, one fieldset per service area, labelled
    "municipality – unit" and sorted by municipality."""
    lang = _lang_of(search)
    try:
        frame = units()
    except DATABASE_ERRORS:
        return html.P(t("filters.units_unavailable", lang), className="small text-muted")
    name = "name_sv" if lang == "sv" else "name_fi"
    municipality = "municipality_sv" if lang == "sv" else "municipality_fi"
    # A store the browser sends back may hold anything: keep only unit ids (strings).
    selected = {
        unit for unit in (selected if isinstance(selected, list) else []) if isinstance(unit, str)
    }
    groups = []
    for area, group in frame.groupby("service_area", sort=True):
        rows = group.sort_values([municipality, name])
        options = [
            {"label": f"{getattr(r, municipality)} – {getattr(r, name)}", "value": r.unit_id}
            for r in rows.itertuples(index=False)
        ]
        groups.append(
            html.Fieldset(
                [
                    html.Legend(area, className="small fw-semibold mb-1"),
                    dbc.Checklist(
                        id={"type": UNIT_GROUP, "area": area},
                        options=options,
                        value=[o["value"] for o in options if o["value"] in selected],
                    ),
                ],
                className="unit-group",
            )
        )
    return groups


# Copying needs the browser's clipboard, so it runs client-side. Without clipboard
# access (plain http on an intranet) the status asks the user to copy the address bar.
clientside_callback(
    """
    async function(n, okText, failText) {
        if (!n) { return window.dash_clientside.no_update; }
        try {
            await navigator.clipboard.writeText(window.location.href);
            return okText;
        } catch (e) {
            return failText;
        }
    }
    """,
    Output("copy-link-status", "children"),
    Input("copy-link", "n_clicks"),
    State("copy-link", "data-ok"),
    State("copy-link", "data-fail"),
    prevent_initial_call=True,
)
