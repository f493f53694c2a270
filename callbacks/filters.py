"""Filter bar callbacks: the unit picker and the copy-link button. (Every change of the
filters goes into the address and the cards through ``callbacks.address``.)"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, html

from callbacks.address import UNIT_GROUP, shown_address
from dashboards._filters import LATEST, month_options
from dashboards._page import PAGE_STATE
from queries.engine import DATABASE_ERRORS
from queries.reference import data_window, units
from translations import t


@callback(
    Output("unit-picker", "children"),
    Input("unit-selection", "data"),
    State(PAGE_STATE, "data"),
)
def unit_picker(selected, state):
    """Checkboxes for every unit, one fieldset per service area, labelled
    "municipality – unit" and sorted by municipality."""
    lang = shown_address(state).language
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


@callback(
    Output("filter-from", "options"),
    Output("filter-to", "options"),
    Input("unit-selection", "data"),
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
    except DATABASE_ERRORS:
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
