"""The page's controls write the page's address: one writer, one location.

The address bar has exactly one ``dcc.Location``: Dash Pages' own (``PAGE_LOCATION``,
inside ``dash.page_container``), whose router builds the page from the address. Two
locations each keeping their own copy of the address drift apart as soon as one of
them writes it: the other then misses Back and Forward, or writes its stale copy back
(see docs/architecture.md, "One location").

A change of a filter, a card's view, its phase starts or its peers switch goes two
steps:

1. ``propose_address`` (server) validates the controls like URL parameters
   (``charts.address.Address``) and answers a proposal: the new query string, the
   filters for the cards, the texts of the filter bar, and the token of the page
   build it was computed for (``dashboards._page.page_state``).
2. In the browser the proposal is applied only when that build is still on screen:
   the new address is recorded in ``page-state``, the filters go to the cards and the
   new query string to the links to other pages; then the location's ``search``
   follows ``page-state`` (the location pushes a history entry). An answer that
   arrives after Back or a link has built the page anew is dropped, so it cannot write
   an address the page does not show. (The location is written in a step of its own
   because it lives outside the page: a callback with an output outside a freshly
   built page runs when the page appears, and Dash then skips the first call of
   callbacks whose inputs that run left unchanged, such as the KPI cards'.)

The router then sees an address the page already shows and leaves the page alone
(``dashboards._page.already_shown``); Back, Forward, a link or a reload bring an
address the page does not show, and the router builds the page from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import parse_qs

from dash import ALL, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.registry import callback, clientside_callback
from charts.address import Address, CardStates, folded_panels
from charts.cards.chart import card_id
from charts.cards.kpi import ADDRESS_LINK
from dashboards._filters import ADDRESS_PROPOSAL, ALL_SERVICES, COUNTY, LATEST, UNIT_CONTROL
from dashboards._fold import fold_id
from dashboards._page import PAGE_STATE
from queries.engine import DATABASE_ERRORS
from queries.filters import Filters
from queries.units import resolve_selection
from translations import notice_text

# Dash Pages' location component (dash.page_container); Dash has no public name for it.
PAGE_LOCATION = "_pages_location"


def read_shown(state: object) -> tuple[Address, tuple[str, ...]]:
    """The address recorded in a ``page-state`` store (the default address for anything
    that is not such a store's data) and the notice keys of its values not taken."""
    search = state.get("search") if isinstance(state, dict) else None
    query = parse_qs(search.lstrip("?")) if isinstance(search, str) else {}
    return Address.from_query(query)


def shown_address(state: object) -> Address:
    """The address recorded in a ``page-state`` store (``read_shown`` without the
    notices)."""
    return read_shown(state)[0]


def controls_address(
    shown: Address,
    unit: object,
    start: object,
    end: object,
    grain: object,
    service: object,
    views: dict[str, object],
    phases: dict[str, object],
    expanded: Mapping[str, object] | None = None,
    peers: Mapping[str, object] | None = None,
) -> tuple[Address, tuple[str, ...]]:
    """The address the controls show, validated like URL parameters, and the notice keys
    of values not taken. ``unit`` is the unit control's node id (``COUNTY``: the whole
    county), ``service`` the service control's one service (``ALL_SERVICES``: all).
    ``expanded`` maps a panel to its fold button's ``aria-expanded`` (``"false"``:
    folded; ``None`` or empty: the page has no fold buttons, and the shown
    address's folded panels stay). Language and embed flag are those of the shown
    address. ``peers`` maps a chart to its peers switch's value. The node is not looked
    up here (``queries.units.resolve_selection``)."""
    filters, filter_notices = Filters.from_query(
        {
            "unit": None if unit == COUNTY else unit,
            "from": start,
            "to": None if end == LATEST else end,
            "grain": grain,
            "service": None if service == ALL_SERVICES else service,
        }
    )
    cards, card_notices = CardStates.from_cards(views, phases, filters.grain, peers)
    fold, fold_notices = (
        folded_panels(panel for panel, value in expanded.items() if value == "false")
        if expanded
        else (shown.fold, ())
    )
    return (
        Address(filters, cards, shown.lang, shown.embed, fold),
        filter_notices + card_notices + fold_notices,
    )


def _by_chart(ids: object, values: object, key: str = "chart") -> dict[str, object]:
    """Chart id (or the id's other ``key``) -> value for the ``ids``/``values`` lists of
    an ALL pattern."""
    return {
        item.get(key): value
        for item, value in zip(
            ids if isinstance(ids, list) else [],
            values if isinstance(values, list) else [],
            strict=False,
        )
        if isinstance(item, dict) and isinstance(item.get(key), str)
    }


@callback(
    Output(ADDRESS_PROPOSAL, "data"),
    Input(UNIT_CONTROL, "value"),
    Input("filter-from", "value"),
    Input("filter-to", "value"),
    Input("filter-grain", "value"),
    Input("filter-service", "value"),
    Input(card_id("chart-view", ALL), "value"),
    Input(card_id("chart-phases", ALL), "data"),
    Input(fold_id(ALL), "aria-expanded"),
    Input(card_id("chart-peers", ALL), "value"),
    State(card_id("chart-view", ALL), "id"),
    State(card_id("chart-phases", ALL), "id"),
    State(fold_id(ALL), "id"),
    State(card_id("chart-peers", ALL), "id"),
    State(PAGE_STATE, "data"),
    prevent_initial_call=True,
)
def propose_address(
    unit,
    start,
    end,
    grain,
    service,
    views,
    phases,
    expanded,
    peers,
    view_ids,
    phase_ids,
    fold_ids,
    peer_ids,
    state,
):
    """The address of the page's controls as a proposal for ``apply_address``:
    ``{"token", "search", "links", "filters", "status"}`` (``links``: the query string
    of links to other pages; ``filters``: the cards' filter parameters; ``status``: why
    a value was not taken). A unit node the reporting DB does not know is not taken
    (the whole county instead); when the unit list cannot be read the node stays
    unchecked, and the cards report the database."""
    if not isinstance(state, dict):
        raise PreventUpdate
    shown = shown_address(state)
    address, notices = controls_address(
        shown,
        unit,
        start,
        end,
        grain,
        service,
        _by_chart(view_ids, views),
        _by_chart(phase_ids, phases),
        _by_chart(fold_ids, expanded, "panel"),
        _by_chart(peer_ids, peers),
    )
    try:
        filters, unknown = resolve_selection(address.filters)
    except DATABASE_ERRORS:
        unknown = ()
    else:
        address = replace(address, filters=filters)
    lang = address.language
    return {
        "token": state.get("token"),
        "search": address.search(),
        "links": address.link_search(),
        "filters": address.filters.to_query(),
        "status": " ".join(notice_text(notice, lang) for notice in notices + unknown),
    }


clientside_callback(
    """
    function(proposal, state, requests, kpis, links) {
        const noUpdate = window.dash_clientside.no_update;
        const none = function (list) { return (list || []).map(function () { return noUpdate; }); };
        // Only an answer computed for the build of the page on screen is applied.
        if (!proposal || !state || proposal.token !== state.token) {
            return [noUpdate, none(requests), none(kpis), noUpdate, none(links)];
        }
        const same = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
        const refilter = function (store) {
            return store && !same(store.filters, proposal.filters)
                ? Object.assign({}, store, {filters: proposal.filters}) : noUpdate;
        };
        return [
            proposal.search !== state.search
                ? Object.assign({}, state, {search: proposal.search, moved: true}) : noUpdate,
            (requests || []).map(refilter),
            (kpis || []).map(refilter),
            proposal.status,
            (links || []).map(function (link) {
                const at = link.target.indexOf("#");
                return at === -1 ? link.target + proposal.links
                    : link.target.slice(0, at) + proposal.links + link.target.slice(at);
            }),
        ];
    }
    """,
    Output(PAGE_STATE, "data"),
    Output(card_id("chart-request", ALL), "data"),
    Output(card_id("kpi-request", ALL), "data"),
    Output("filter-status", "children"),
    Output({"type": ADDRESS_LINK, "target": ALL}, "href"),
    Input(ADDRESS_PROPOSAL, "data"),
    State(PAGE_STATE, "data"),
    State(card_id("chart-request", ALL), "data"),
    State(card_id("kpi-request", ALL), "data"),
    State({"type": ADDRESS_LINK, "target": ALL}, "id"),
    prevent_initial_call=True,
)

# The address bar follows the page state once the page has moved to a new address
# (``moved``). A fresh build of the page also sets the store, without ``moved``: the
# address it was built from stays as it is, even when not written canonically, so
# opening a page never adds a history entry that Back would return to.
clientside_callback(
    """
    function(state, search) {
        if (!state || !state.moved || state.search === search) {
            return window.dash_clientside.no_update;
        }
        return state.search;
    }
    """,
    Output(PAGE_LOCATION, "search"),
    Input(PAGE_STATE, "data"),
    State(PAGE_LOCATION, "search"),
    prevent_initial_call=True,
)
