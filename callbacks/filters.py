"""Filter bar callbacks: the options of the unit control and the copy-link button.
(Every change of the filters goes into the address and the cards through
``callbacks.address``.)"""

from __future__ import annotations

from dash import Input, Output, State, callback, clientside_callback

from callbacks.address import shown_address
from dashboards._filters import UNIT_CONTROL, UNIT_SELECTION, county_option
from dashboards._page import PAGE_STATE
from queries.engine import DATABASE_ERRORS
from queries.units import AREA, MUNICIPALITY, UNIT, hierarchy_nodes
from translations import t

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
    except DATABASE_ERRORS:
        chosen = [selected] if isinstance(selected, str) and selected else []
        return (
            [county_option(lang), *({"label": node, "value": node} for node in chosen)],
            t("filters.units_unavailable", lang),
        )
    return node_options(nodes, lang), ""


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
