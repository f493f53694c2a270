"""The pattern-matching callbacks of every chart card: its body, its data table (built
when opened), and the phase starts picked for its run chart."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from dash import ALL, MATCH, Input, Output, State, ctx, no_update
from dash.exceptions import MissingCallbackContextException

from callbacks.registry import callback, clientside_callback
from charts.address import SPC_VIEW, CardStates
from charts.cards.chart import (
    PEERS_ON,
    SHOWS_ERROR,
    TABLE_BUILT,
    alert,
    card_id,
    chart_body,
    chart_error,
    chart_table,
    definition_body,
    read_request,
    retrying,
    selection_refused,
    stale_notice,
)
from charts.cards.phase_picker import phase_picker
from charts.catalog import ChartSpec
from charts.payload import chart_payload
from queries import last_good
from queries.engine import DATABASE_ERRORS
from queries.filters import Filters
from queries.units import refused, resolve_selection
from response_cache import keep_out
from translations import quote_value, t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardView:
    """What a card shows, validated: the chart, the resolved filters, the language, the
    view asked and the run chart's phase starts (only in the run-chart view)."""

    spec: ChartSpec
    filters: Filters
    lang: str
    view: str
    picked: tuple[str, ...]
    peers: bool = False

    def payload(self) -> dict:
        """The card's (cached) ``charts.payload.chart_payload``."""
        return chart_payload(
            self.spec.id, self.filters, self.lang, self.view, self.picked, self.peers
        )


def card_view(
    request: object, view: object, phases: object, peers: object = None
) -> CardView | list:
    """The ``CardView`` of a card's request store, view switch, phase starts and peers
    switch (a checklist's value: on when it holds ``PEERS_ON``), or
    the body to show instead (a list of components): an unknown chart, or a refused
    unit or service selection, in the user's language.

    All three inputs are validated again like an address because a client can send
    anything: a view the chart does not offer is the time series, bad phase starts are
    dropped. A unit selection that is not one node of the unit hierarchy (several
    units, an unknown node, a bad form) or more than one queue service is refused
    before any query: no data for arbitrary unit sets, and invented ids cannot force
    new queries. Raises ``DATABASE_ERRORS`` when the unit list cannot be read.
    """
    spec, filters, lang, notices = read_request(request)
    if spec is None:  # http requests are refused before (dash_requests); say it anyway
        chart = request.get("chart") if isinstance(request, dict) else None
        return [alert(t("http.unknown_chart", lang, chart=quote_value(chart)), "warning")]
    if refused(notices):
        return selection_refused(refused(notices), lang)
    # Only valid views and months reach the cache key.
    switch = {spec.id: isinstance(peers, list) and PEERS_ON in peers}
    cards, _notices = CardStates.from_cards(
        {spec.id: view}, {spec.id: phases}, filters.grain, switch
    )
    view = cards.view_of(spec.id)
    picked = cards.phases_of(spec.id) if view == SPC_VIEW else ()
    filters, unknown = resolve_selection(filters)  # no queries for invented ids
    if unknown:
        return selection_refused(unknown, lang)
    return CardView(spec, filters, lang, view, picked, cards.peers_of(spec.id))


def _chart_of(request: object) -> object:
    """The chart id a request store names (for the log)."""
    return request.get("chart") if isinstance(request, dict) else None


def is_retry(kind: str) -> bool:
    """Whether the running card callback was started by its card's own retry
    (``charts.cards.chart.retrying``): a tick of ``<kind>-retry``, or nothing at all — the
    renderer's first call for the interval that a new body has just brought (on the
    page's first load the card has no "shown" store, so ``unless_unchanged`` still
    draws it)."""
    try:
        fired = ctx.triggered_id
    except MissingCallbackContextException:  # called directly (tools, tests)
        return False
    return fired is None or (isinstance(fired, dict) and fired.get("type") == f"{kind}-retry")


def unless_unchanged(kind: str, shown: object, now: float, body: list) -> list:
    """``body`` — or, for a retry that found what the card already shows (the same
    last good result, or still the database notice), ``no_update``: the screen stays
    as it is, and nothing is announced again. Without this, the interval a body brings
    would call for the same body again at once, over and over."""
    return no_update if is_retry(kind) and shown == now else body


@callback(
    Output(card_id("chart-body", MATCH), "children"),
    Input(card_id("chart-request", MATCH), "data"),
    Input(card_id("chart-view", MATCH), "value", allow_optional=True),
    Input(card_id("chart-phases", MATCH), "data", allow_optional=True),
    Input(card_id("chart-retry", MATCH), "n_intervals", allow_optional=True),
    Input(card_id("chart-peers", MATCH), "value", allow_optional=True),
    State(card_id("chart-shown", MATCH), "data", allow_optional=True),
)
def chart_card_body(
    request: dict,
    view: str | None = "series",
    phases: object = None,
    _retries: object = None,
    peers: object = None,
    shown: object = None,
) -> list:
    """Render the body of the card whose request store, view switch, phase starts or
    peers switch changed, or whose retry interval ticked.

    ``request`` is ``{"chart": id, "filters": {url params}, "lang": code}`` as written by
    ``charts.cards.chart.chart_card``; ``phases`` the card's list of ``YYYY-MM`` phase starts;
    all three validated by ``card_view``. Phase starts reach the payload (and its cache
    key) only in the run-chart view. The phase picker follows the view drawn
    (``payload["view"]``: a run chart with too few periods is drawn as the time
    series) and shows the phase starts as applied. The data table is not part of the
    body: ``chart_card_table`` builds it when it is opened.

    When the reporting database fails, the card shows the view's last good result
    (``queries.last_good``) under a notice with its fetch time, or, with none kept, a
    notice in the user's language (never a trace); either way it asks again every
    ``TK_RETRY_SECONDS`` (``charts.cards.chart.retrying``; ``shown`` is what it shows then)
    and shows current data once the database answers, without a reload.
    """
    try:
        with last_good.watch() as parts:
            shown_view = card_view(request, view, phases, peers)
            if not isinstance(shown_view, CardView):
                return shown_view
            payload = shown_view.payload()
            drawn = payload.get("view", shown_view.view)
            applied = tuple(payload.get("phases", ()))
            spec, lang = shown_view.spec, shown_view.lang
            tools = (
                [
                    phase_picker(
                        spec, shown_view.filters, applied, lang, payload.get("decisions", ())
                    )
                ]
                if drawn == SPC_VIEW
                else []
            )
    except DATABASE_ERRORS as error:
        # One line, no trace: an outage would otherwise fill the log with the same one.
        log.warning("chart %s: reporting database failed: %r", _chart_of(request), error)
        keep_out()
        spec, _filters, lang, _notices = read_request(request)
        body = chart_error(lang) + retrying("chart", spec.id, SHOWS_ERROR)
        return unless_unchanged("chart", shown, SHOWS_ERROR, body)
    if parts.stale:
        keep_out()  # the database's current answer is not in it
        if is_retry("chart") and shown == parts.fetched_at:
            return no_update  # as shown (unless_unchanged), without building the body
    body = chart_body(
        spec, payload, lang, shown_view.filters, tools=[tool for tool in tools if tool]
    )
    if not parts.stale:
        return body
    again = retrying("chart", spec.id, parts.fetched_at)
    return [stale_notice(parts.fetched, lang), *body, *again]


@callback(
    Output(card_id("definition", MATCH), "children"),
    Input(card_id("definition-open", MATCH), "n_clicks"),
    State(card_id("chart-request", MATCH), "data"),
    prevent_initial_call=True,
)
def chart_definition(clicks: object, request: object) -> list:
    """The card's definition, source and small-count rule (``definition_body``), put in
    its disclosure when it is opened (``clicks`` of its summary); an unknown chart in a
    forged request gets the unknown-chart notice."""
    if not clicks:
        return no_update
    spec, _filters, lang, _notices = read_request(request)
    if spec is None:
        keep_out()
        chart = quote_value(_chart_of(request))
        return [alert(t("http.unknown_chart", lang, chart=chart), "warning")]
    return definition_body(spec, lang)


@callback(
    Output(card_id("chart-table", MATCH), "children"),
    Output(card_id("chart-table", MATCH), "className"),
    Input(card_id("chart-table-open", MATCH), "n_clicks"),
    State(card_id("chart-table", MATCH), "className"),
    State(card_id("chart-request", MATCH), "data"),
    State(card_id("chart-view", MATCH), "value", allow_optional=True),
    State(card_id("chart-phases", MATCH), "data", allow_optional=True),
    State(card_id("chart-peers", MATCH), "value", allow_optional=True),
    prevent_initial_call=True,
)
def chart_card_table(
    clicks: object,
    built: object,
    request: dict,
    view: str | None = "series",
    phases: object = None,
    peers: object = None,
) -> tuple[list, str]:
    """The card's data table, built the first time its "show as table" is opened
    (``clicks`` of its summary; a click that closes it, or any after the table is
    there — its class is ``TABLE_BUILT`` — changes nothing).

    The table is the same payload's as the body's (same request, view and phase starts,
    validated by ``card_view``), so it always shows the figure's numbers; keeping it
    out of the body keeps the page light (a table is hundreds of components). Returns
    ``(children, class)``; a refusal or a database failure is shown in its place,
    and the next opening tries again.
    """
    if not clicks or built == TABLE_BUILT:
        return no_update, no_update
    try:
        with last_good.watch() as parts:
            shown = card_view(request, view, phases, peers)
            if not isinstance(shown, CardView):
                return shown, ""
            payload = shown.payload()
    except DATABASE_ERRORS as error:
        log.warning("table of %s: reporting database failed: %r", _chart_of(request), error)
        keep_out()
        return chart_error(read_request(request)[2]), ""
    table = chart_table(shown.spec, payload, shown.lang)
    if parts.stale:
        # The last good result's table, said so; not marked built, so the next opening
        # asks the database again.
        keep_out()
        return [stale_notice(parts.fetched, shown.lang), table], ""
    return [table], TABLE_BUILT


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
