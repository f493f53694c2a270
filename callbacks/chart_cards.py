"""The pattern-matching callbacks of every chart card: its body, and the phase starts
picked for its run chart."""

from __future__ import annotations

import logging

from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback

from charts.address import SPC_VIEW, CardStates
from charts.card import (
    alert,
    card_id,
    chart_body,
    chart_error,
    read_request,
    selection_refused,
)
from charts.payload import chart_payload
from charts.phase_picker import phase_picker
from queries.engine import DATABASE_ERRORS
from queries.units import refused, resolve_selection
from translations import quote_value, t

log = logging.getLogger(__name__)


@callback(
    Output(card_id("chart-body", MATCH), "children"),
    Input(card_id("chart-request", MATCH), "data"),
    Input(card_id("chart-view", MATCH), "value", allow_optional=True),
    Input(card_id("chart-phases", MATCH), "data", allow_optional=True),
)
def chart_card_body(request: dict, view: str | None = "series", phases: object = None) -> list:
    """Render the body of the card whose request store, view switch or phase starts
    changed.

    ``request`` is ``{"chart": id, "filters": {url params}, "lang": code}`` as written by
    ``charts.card.chart_card``; ``phases`` the card's list of ``YYYY-MM`` phase starts.
    All three are validated again like an address because a client can send anything:
    a view the chart does not offer is the time series, bad phase starts are dropped.
    A unit selection that is not one node of the unit hierarchy (several units, an
    unknown node, a bad form) or more than one queue service is refused with a notice
    before any query: no data for arbitrary unit sets, and invented ids cannot force
    new queries.
    Phase starts reach the payload (and its cache key) only in the run-chart view. The
    phase picker follows the view drawn (``payload["view"]``: a run chart with too few
    periods is drawn as the time series) and shows the phase starts as applied. A
    database failure shows a notice in the user's language, never a trace.
    """
    spec, filters, lang, notices = read_request(request)
    if spec is None:  # http requests are refused before (dash_requests); say it anyway
        chart = request.get("chart") if isinstance(request, dict) else None
        return [alert(t("http.unknown_chart", lang, chart=quote_value(chart)), "warning")]
    if refused(notices):
        return selection_refused(refused(notices), lang)
    # Only valid views and months reach the cache key.
    cards, _notices = CardStates.from_cards({spec.id: view}, {spec.id: phases}, filters.grain)
    view = cards.view_of(spec.id)
    picked = cards.phases_of(spec.id) if view == SPC_VIEW else ()
    try:
        filters, unknown = resolve_selection(filters)  # no queries for invented ids
        if unknown:
            return selection_refused(unknown, lang)
        payload = chart_payload(spec.id, filters, lang, view, picked)
        drawn = payload.get("view", view)
        applied = tuple(payload.get("phases", ()))
        tools = (
            [phase_picker(spec, filters, applied, lang, payload.get("decisions", ()))]
            if drawn == SPC_VIEW
            else []
        )
    except DATABASE_ERRORS:
        log.exception("chart %s failed", spec.id)
        return chart_error(lang)
    return chart_body(spec, payload, lang, filters, tools=[tool for tool in tools if tool])


# Picking phase starts runs in the browser: it only edits the card's list of months, so
# it answers at once and no late server answer can land on a page built since. A click
# on a point of the run chart toggles a phase start at that period; the select and its
# button add one, and so does a decision's button (the month is in its id); "clear"
# removes all. The address follows (callbacks.address), and the
# server validates the months again. Components appearing (a new card body) are no click.
clientside_callback(
    """
    function(click, addClicks, clearClicks, decisionClicks, month, view, phases) {
        const noUpdate = window.dash_clientside.no_update;
        const ctx = window.dash_clientside.callback_context;
        const fired = (ctx.triggered || []).filter(function (t) { return t.value; });
        if (!fired.length) { return noUpdate; }
        const propId = fired[0].prop_id;
        const firedId = JSON.parse(propId.slice(0, propId.lastIndexOf(".")));
        const kind = firedId.type;
        const current = Array.isArray(phases) ? phases.slice() : [];
        if (kind === "phase-clear") { return []; }
        let chosen = null;
        if (kind === "phase-add") {
            chosen = month;
        } else if (kind === "phase-decision") {
            chosen = String(firedId.month || "");
        } else if (kind === "chart-graph" && view === "spc" && click && click.points &&
                   click.points.length) {
            chosen = String(click.points[0].x || "").slice(0, 7);
            if (current.indexOf(chosen) !== -1) {
                return current.filter(function (m) { return m !== chosen; });
            }
        }
        if (!/^\\d{4}-(0[1-9]|1[0-2])$/.test(chosen || "") || current.indexOf(chosen) !== -1) {
            return noUpdate;
        }
        current.push(chosen);
        return current.sort();
    }
    """,
    Output(card_id("chart-phases", MATCH), "data"),
    Input(card_id("chart-graph", MATCH), "clickData", allow_optional=True),
    Input(card_id("phase-add", MATCH), "n_clicks", allow_optional=True),
    Input(card_id("phase-clear", MATCH), "n_clicks", allow_optional=True),
    Input({"type": "phase-decision", "chart": MATCH, "decision": ALL, "month": ALL}, "n_clicks"),
    State(card_id("phase-month", MATCH), "value", allow_optional=True),
    State(card_id("chart-view", MATCH), "value", allow_optional=True),
    State(card_id("chart-phases", MATCH), "data"),
    prevent_initial_call=True,
)
