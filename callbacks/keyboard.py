"""Folding a panel away (``dashboards._fold``): in the browser, at once.

The fold button's ``aria-expanded`` is the panel's state; the stylesheet hides the body
of a folded panel. The flip runs client-side so the panel folds without waiting for the
server; ``callbacks.address.propose_address`` listens to ``aria-expanded`` and puts the
folded panels into the address (``fold=``).
"""

from __future__ import annotations

from dash import MATCH, Input, Output, State

from callbacks.registry import clientside_callback
from dashboards._fold import fold_id

clientside_callback(
    """
    function(clicks, expanded) {
        if (!clicks) { return window.dash_clientside.no_update; }
        return expanded === "false" ? "true" : "false";
    }
    """,
    Output(fold_id(MATCH), "aria-expanded"),
    Input(fold_id(MATCH), "n_clicks"),
    State(fold_id(MATCH), "aria-expanded"),
    prevent_initial_call=True,
)
