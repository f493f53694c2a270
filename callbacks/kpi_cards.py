"""The pattern-matching callback that fills the overview's KPI cards."""

from __future__ import annotations

import logging

from dash import MATCH, Input, Output, State, html

from callbacks.chart_cards import unless_unchanged
from callbacks.registry import callback
from charts.cards.chart import SHOWS_ERROR, card_id, read_request, retrying, selection_refused
from charts.cards.kpi import kpi_body
from charts.kpi_payload import kpi_payload
from queries import last_good
from queries.engine import DATABASE_ERRORS
from queries.units import refused, resolve_selection
from response_cache import keep_out
from translations import format_time, t

log = logging.getLogger(__name__)


@callback(
    Output(card_id("kpi-body", MATCH), "children"),
    Input(card_id("kpi-request", MATCH), "data"),
    Input(card_id("kpi-retry", MATCH), "n_intervals", allow_optional=True),
    State(card_id("kpi-shown", MATCH), "data", allow_optional=True),
)
def kpi_card_body(request: dict, _retries: object = None, shown: object = None) -> list:
    """Render one KPI card; a bad request gives a short notice. A refused unit or
    service selection (``queries.units.REFUSED_SELECTION``: several units, an unknown
    node, ...) gives the notice before any query. When the database fails, the card
    shows its last good result with its fetch time, or a short notice, and asks again
    by itself as the chart cards do (``callbacks.chart_cards``)."""
    spec, filters, lang, notices = read_request(request)
    if spec is not None and refused(notices):
        # Say why, as the chart card does, rather than "not available right now".
        return selection_refused(refused(notices), lang)
    if spec is None:
        return [html.P(t("kpi.unavailable", lang), className="small")]
    try:
        with last_good.watch() as parts:
            filters, unknown = resolve_selection(filters)
            if unknown:
                return selection_refused(unknown, lang)
            body = kpi_body(kpi_payload(spec.id, filters, lang), lang)
    except DATABASE_ERRORS as error:
        log.warning("KPI %s: reporting database failed: %r", spec.id, error)
        keep_out()
        notice = html.P(t("kpi.unavailable", lang), className="small db-error", role="status")
        return unless_unchanged(
            "kpi", shown, SHOWS_ERROR, [notice, *retrying("kpi", spec.id, SHOWS_ERROR)]
        )
    if not parts.stale:
        return body
    keep_out()  # not the database's current answer
    when = format_time(parts.fetched, lang)
    notice = html.P(t("stale.kpi", lang, when=when), className="small stale-notice", role="status")
    again = retrying("kpi", spec.id, parts.fetched_at)
    return unless_unchanged("kpi", shown, parts.fetched_at, [notice, *body, *again])
