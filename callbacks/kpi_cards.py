"""The pattern-matching callback that fills the overview's KPI cards."""

from __future__ import annotations

import logging

from dash import MATCH, Input, Output, callback, html

from charts.card import card_id, read_request, selection_refused
from charts.kpi import kpi_body, kpi_payload
from queries.engine import DATABASE_ERRORS
from queries.units import refused, resolve_selection
from response_cache import keep_out
from translations import t

log = logging.getLogger(__name__)


@callback(
    Output(card_id("kpi-body", MATCH), "children"),
    Input(card_id("kpi-request", MATCH), "data"),
)
def kpi_card_body(request: dict) -> list:
    """Render one KPI card; a bad request or a database failure gives a short notice.
    A refused unit or service selection (``queries.units.REFUSED_SELECTION``: several
    units, an unknown node, ...) gives the notice before any query."""
    spec, filters, lang, notices = read_request(request)
    if spec is not None and refused(notices):
        # Say why, as the chart card does, rather than "not available right now".
        return selection_refused(refused(notices), lang)
    if spec is None:
        return [html.P(t("kpi.unavailable", lang), className="small")]
    try:
        filters, unknown = resolve_selection(filters)
        if unknown:
            return selection_refused(unknown, lang)
        return kpi_body(kpi_payload(spec.id, filters, lang), lang)
    except DATABASE_ERRORS:
        log.exception("KPI %s failed", spec.id)
        keep_out()
        return [html.P(t("kpi.unavailable", lang), className="small", role="status")]
