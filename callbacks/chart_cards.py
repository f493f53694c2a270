"""The one pattern-matching callback that fills every chart card."""

from __future__ import annotations

import logging

from dash import MATCH, Input, Output, callback

from charts.card import card_id, chart_body, chart_error, read_request
from charts.payload import VIEWS, chart_payload
from queries.engine import DATABASE_ERRORS
from queries.units import known_units

log = logging.getLogger(__name__)


@callback(
    Output(card_id("chart-body", MATCH), "children"),
    Input(card_id("chart-request", MATCH), "data"),
    Input(card_id("chart-view", MATCH), "value"),
)
def chart_card_body(request: dict, view: str = "series") -> list:
    """Render the body of the card whose request store or view switch fired.

    ``request`` is ``{"chart": id, "filters": {url params}, "lang": code}`` as written by
    ``charts.card.chart_card``; it is re-validated here because a client can send
    anything (an unknown ``view`` falls back to the time series; unit codes the
    reporting DB does not know are dropped before any query, so invented codes cannot
    force new queries). A database failure shows a notice in the user's language,
    never a trace.
    """
    spec, filters, lang = read_request(request)
    if spec is None:
        return chart_error(lang)
    try:
        filters, _unknown = known_units(filters)
        # Only known views reach the cache key; anything else is the time series.
        view = view if view in VIEWS else "series"
        payload = chart_payload(spec.id, filters, lang, view)
    except DATABASE_ERRORS:
        log.exception("chart %s failed", spec.id)
        return chart_error(lang)
    return chart_body(spec, payload, lang, filters)
