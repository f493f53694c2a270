"""Filter bar callbacks: the options of the unit control and the copy-link button.
(Every change of the filters goes into the address and the cards through
``callbacks.address``.)"""

from __future__ import annotations

import logging

from dash import Input, Output, State

from callbacks.address import shown_address
from callbacks.registry import callback, clientside_callback
from dashboards._filters import LATEST, UNIT_CONTROL, UNIT_SELECTION, county_option, month_options
from dashboards._page import PAGE_STATE
from queries.engine import DATABASE_ERRORS
from queries.reference import data_window
from queries.units import AREA, MUNICIPALITY, UNIT, hierarchy_nodes
from response_cache import keep_out
from translations import t

log = logging.getLogger(__name__)

# The unit control's groups, in order, and the value of each group's heading (an
# option that cannot be chosen; "#" is never part of a node id).
GROUPS = (AREA, MUNICIPALITY, UNIT)


def node_options(nodes, lang: str) -> list[dict]:
    """The unit control's options for the hierarchy ``nodes`` (``queries.units.Node``):
    the county, then a heading (disabled) and the nodes of each kind in ``GROUPS`` —
    service areas, municipalities, units — in the order given. A native select has
    no groups of its own in Dash, so the headings group the list for the eye and the
    screen reader alike."""
    options = [county_option(lang)]
    for kind in GROUPS:
        members = [node for node in nodes if node.kind == kind]
        if not members:
            continue
        options.append(
            {
                "label": f"— {t(f'filters.unit_group.{kind}', lang)} —",
                "value": f"#{kind}",
                "disabled": True,
            }
        )
        options += [{"label": node.label(lang), "value": node.id} for node in members]
    return options


@callback(
    Output(UNIT_CONTROL, "options"),
    Output("unit-status", "children"),
    Input(UNIT_SELECTION, "data"),
    State(PAGE_STATE, "data"),
)
def unit_options(selected, state):
    """The unit control's options (``node_options``) in the page's language; when the
    unit list cannot be read, the county and the chosen node (named by its id) and a
    note saying so."""
    lang = shown_address(state).language
    try:
        nodes = hierarchy_nodes()
    except DATABASE_ERRORS as error:
        log.warning("unit list not readable for the unit control: %r", error)
        keep_out()  # a fallback, not the list: not to be kept (response_cache)
        chosen = [selected] if isinstance(selected, str) and selected else []
        return (
            [county_option(lang), *({"label": node, "value": node} for node in chosen)],
            t("filters.units_unavailable", lang),
        )
    return node_options(nodes, lang), ""


@callback(
    Output("filter-from", "options"),
    Output("filter-to", "options"),
    Input(UNIT_SELECTION, "data"),
    State("filter-from", "value"),
    State("filter-to", "value"),
    State(PAGE_STATE, "data"),
)
def month_choices(_selected, start, end, state):
    """The month selects' options, up to the data's last month (the cached data date;
    this month when the database cannot be read): ``({"label", "value"} list for
    "from", the same after "to the latest" for "to")``. A month the address chose
    after the data stays offered, so the select shows the address's value."""
    lang = shown_address(state).language
    try:
        last = data_window()[1]
    except DATABASE_ERRORS as error:
        log.warning("data window not readable for the month selects: %r", error)
        keep_out()
        last = None
    chosen = tuple(value for value in (start, end) if isinstance(value, str))
    months = month_options(last, chosen)
    return months, [{"label": t("filters.to_latest", lang), "value": LATEST}, *months]


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
