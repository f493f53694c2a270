"""The generic chart card: one layout for every catalog entry.

``chart_card`` is cheap (no database): it renders the frame of the card and a request
store. The pattern-matching callback in ``callbacks.chart_cards`` fills the body with
``chart_body`` from the cached payload.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, get_relative_path, html

from charts.address import Address, page_language
from charts.cards.radio import radio_group
from charts.catalog import CHARTS, ChartSpec
from charts.chart_views import available_views
from charts.payload import no_data_text
from queries.filters import Filters
from settings import get_settings
from translations import (
    babel_locale,
    format_date,
    format_time,
    notice_text,
    t,
)

# The toolbar keeps only what helps in a meeting; nothing may send data outside the
# organisation, so the cloud/share button and the plotly logo are off. Plotly's own
# camera button gives way to the PNG (2x) and SVG buttons of
# assets/30-export-buttons.js, which put the chart's context into the image.
# ``locale`` gives the toolbar's texts (and plotly's month and weekday names) in the
# page's language: plotly.js's own "fi" and "sv" locales, vendored in assets/
# (05-plotly-locale-*.js); English is plotly's default.
_GRAPH_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": [
        "sendDataToCloud",
        "toImage",
        "lasso2d",
        "select2d",
        "autoScale2d",
    ],
    "responsive": True,
}


@cache
def graph_config(lang: str | None = None) -> dict[str, Any]:
    """Every ``dcc.Graph``'s ``config`` in ``lang`` (one dict per language, shared:
    do not change it). The locale is the language of the page's formats
    (``translations.babel_locale``): "fi", "sv" or "en"."""
    return {**_GRAPH_CONFIG, "locale": babel_locale(lang).language}


# The value of a card's peers switch when it is on (``chart_card``).
PEERS_ON = "on"


def card_id(kind: str, chart_id: str) -> dict[str, str]:
    """Pattern-matching id of one part of a chart card."""
    return {"type": kind, "chart": chart_id}


def request_store(kind: str, spec: ChartSpec, filters: Filters, lang: str) -> dcc.Store:
    """The store a card's callback listens to: ``{"chart", "filters", "lang"}``."""
    return dcc.Store(
        id=card_id(kind, spec.id),
        data={"chart": spec.id, "filters": filters.to_query(), "lang": lang},
    )


# dcc.Loading hides its content while any answer inside it is on its way (by default
# ``visibility: hidden``): opening a card's table would hide the focused "show as
# table" and drop the keyboard focus on a busy server. Dimmed instead, it stays.
LOADING_KEEPS_CONTENT = {"visibility": "visible", "opacity": 0.5}
# Milliseconds an answer may take before the card dims and shows the spinner: a card
# that retries by itself (``retrying``) gets its quick answer without a flicker on the
# projector every ``TK_RETRY_SECONDS``.
LOADING_DELAY_MS = 500


def read_request(request: object) -> tuple[ChartSpec | None, Filters, str, tuple[str, ...]]:
    """The chart, filters and language of a request store's data, validated again
    because a client can send anything (unknown chart: None), and the notice keys of
    the filter values not taken (``Filters.from_query``). The unit selection is not
    resolved yet (``queries.units.resolve_selection``)."""
    request = request if isinstance(request, dict) else {}
    lang = page_language(request.get("lang"))
    filters, notices = Filters.from_query(request.get("filters") or {})
    return CHARTS.get(str(request.get("chart"))), filters, lang, notices


def definition_body(spec: ChartSpec, lang: str) -> list:
    """What the card's "definition" disclosure shows: the chart's definition (ending
    with how small numbers are protected in it) and its source (paragraphs in
    ``lang``)."""
    return [
        html.P(spec.definition(lang)),
        html.P(t("card.source", lang, source=t(spec.text_key("source"), lang)), className="mb-0"),
    ]


def chart_card(spec: ChartSpec, address: Address, lang: str) -> html.Section:
    """The card frame: title, definition disclosure, view switch (set to the address's
    view for this card), a loading body, the request store and the store of the phase
    starts picked for its run chart."""
    title_id = f"title-{spec.id}"
    # The definition is a native disclosure whose text is fetched the first time it
    # is opened (callbacks.chart_cards.chart_definition): the same sentences on every
    # card (small-count protection, whole periods) would otherwise make up a sixth of
    # a page's first answer (docs/performance.md).
    definition = html.Details(
        [
            html.Summary(t("card.definition", lang), id=card_id("definition-open", spec.id)),
            html.Div(
                html.P(t("card.definition_loading", lang), className="text-muted", role="status"),
                id=card_id("definition", spec.id),
                className="chart-definition-body small mt-1",
            ),
        ],
        className="chart-definition mb-2",
    )
    views = available_views(spec)
    view_switch = radio_group(
        card_id("chart-view", spec.id),
        t("card.view", lang),
        [{"label": t(f"card.view.{view}", lang), "value": view} for view in views],
        address.cards.view_of(spec.id),
        class_name="chart-view small mb-1",
    )
    # The peer context (the whole country and all counties) of a chart with a national
    # counterpart: a switch whose label says what it adds; on, the address carries
    # ``peers=<chart id>`` (charts.address) and the time series draws it.
    peers_switch = (
        dbc.Checklist(
            id=card_id("chart-peers", spec.id),
            options=[{"label": t("peers.toggle", lang), "value": PEERS_ON}],
            value=[PEERS_ON] if address.cards.peers_of(spec.id) else [],
            switch=True,
            class_name="chart-peers small mb-1",
        )
        if spec.national
        else None
    )
    scope = (
        None
        if spec.unit_filter
        else html.P(t("card.county_total", lang), className="text-muted small mb-1")
    )
    return html.Section(
        [
            dbc.CardHeader(
                html.H2(t(spec.text_key("title"), lang), id=title_id, className="h5 mb-0")
            ),
            dbc.CardBody(
                [
                    definition,
                    scope,
                    view_switch if len(views) > 1 else None,
                    peers_switch,
                    dcc.Loading(
                        html.Div(
                            html.P(t("card.loading", lang), className="text-muted", role="status"),
                            id=card_id("chart-body", spec.id),
                            className="chart-body",
                        ),
                        type="default",
                        overlay_style=LOADING_KEEPS_CONTENT,
                        delay_show=LOADING_DELAY_MS,
                    ),
                    request_store("chart-request", spec, address.filters, lang),
                    dcc.Store(
                        id=card_id("chart-phases", spec.id),
                        data=list(address.cards.phases_of(spec.id)),
                    ),
                ]
            ),
        ],
        className="card chart-card mb-4",
        id=f"card-{spec.id}",
        **{"aria-labelledby": title_id},
    )


# The class of a card's table container once the table is in it (callbacks.chart_cards).
TABLE_BUILT = "chart-table-built"


def chart_table(spec: ChartSpec, payload: dict[str, Any], lang: str) -> html.Table:
    """The "show as table" table of a ``charts.payload.chart_payload`` dict: the
    payload's ``table`` (``{"columns", "rows"}`` of strings) with the chart's title as
    its caption, row headers in the first column."""
    return _table(payload["table"], t(spec.text_key("title"), lang))


def _table(table: dict[str, Any], caption: str) -> html.Table:
    header = html.Thead(html.Tr([html.Th(col, scope="col") for col in table["columns"]]))
    body = html.Tbody(
        [
            html.Tr([html.Th(row[0], scope="row")] + [html.Td(cell) for cell in row[1:]])
            for row in table["rows"]
        ]
    )
    return html.Table(
        [html.Caption(caption), header, body],
        className="table table-sm table-striped chart-table",
    )


def data_links(spec: ChartSpec, filters: Filters, lang: str, peers: bool = False) -> html.P:
    """Download links for the data behind the chart, with the same filters and in the
    page's language (``lang``, left out when it is the default, as in page addresses),
    and with the peer context's columns when the card shows it (``peers``)."""
    params = dict(filters.to_query())
    if peers:
        params["peers"] = spec.id
    if lang != page_language(None):
        params["lang"] = lang
    query = urlencode(params, doseq=True)
    links: list = [t("card.download_data", lang), " "]
    for extension, label in (("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON")):
        href = get_relative_path(f"/api/charts/{spec.id}/data.{extension}")
        if query:
            href += "?" + query
        if len(links) > 2:
            links.append(" · ")
        links.append(
            html.A(label, href=href, download="", title=t("card.download_as", lang, format=label))
        )
    return html.P(links, className="chart-downloads small mb-1")


def chart_body(
    spec: ChartSpec,
    payload: dict[str, Any],
    lang: str,
    filters: Filters | None = None,
    tools: list | None = None,
) -> list:
    """The card body from a ``charts.payload.chart_payload`` dict; ``tools`` are shown
    right under the figure (the run chart's phase picker).

    The data table is left out: its "show as table" disclosure holds only a
    placeholder, and ``callbacks.chart_cards.chart_card_table`` puts the table there
    the first time it is opened. Dash's renderer does work for every component on the
    page whenever any callback answers, and a table is hundreds of them, so tables
    nobody opened made the whole page slow (docs/performance.md). The disclosure is a
    native ``<details>``: keyboard-operable and announced as expandable; the
    placeholder is a status message. The table is not a live region: a screen reader
    reads it when the user moves into it, not all at once."""
    if payload["empty"]:
        return [alert(no_data_text(payload, lang), "secondary")]
    as_of = payload["data_as_of"]
    stamp = [
        html.Span(t("card.source", lang, source=t(spec.text_key("source"), lang))),
        " ",
        html.Span(
            t("card.data_as_of", lang, date=format_date(date.fromisoformat(as_of), lang))
            if as_of
            else t("card.data_as_of_unknown", lang)
        ),
    ]
    if payload.get("peers_source"):
        stamp += [" ", html.Span(t("peers.source", lang, source=payload["peers_source"]))]
    if payload["synthetic"]:
        stamp += [" ", html.Strong(t("card.synthetic", lang))]
    events = (
        [
            html.P(
                [t("card.events", lang), " "]
                + [f"{event['date']} {event['label']}. " for event in payload["events"]],
                className="chart-events small mb-1",
            )
        ]
        if payload["events"]
        else []
    )
    # The decisions and actions drawn on the chart, in words (short titles only).
    decisions = (
        [
            html.P(
                [t("meetings.trend.card", lang), " "]
                + [f"{decision['text']}. " for decision in payload["decisions"]],
                className="chart-decisions small mb-1",
            )
        ]
        if payload.get("decisions")
        else []
    )
    return [
        html.Figure(
            [
                dcc.Graph(
                    figure=payload["figure"],
                    config=graph_config(lang),
                    id=card_id("chart-graph", spec.id),
                    className="chart-graph",
                ),
                html.Figcaption(payload["summary"], className="chart-summary"),
            ],
            className="mb-2",
        ),
        *(tools or []),
        html.Details(
            [
                html.Summary(t("card.show_table", lang), id=card_id("chart-table-open", spec.id)),
                html.Div(
                    html.P(
                        t("card.table_loading", lang), className="text-muted small", role="status"
                    ),
                    id=card_id("chart-table", spec.id),
                ),
            ],
            className="chart-table-toggle",
        ),
        *events,
        *decisions,
        data_links(spec, filters or Filters(), lang, bool(payload.get("peers"))),
        html.P(stamp, className="chart-stamp text-muted small mb-0"),
    ]


def chart_error(lang: str) -> list:
    """The body shown when the reporting database cannot be reached."""
    return [alert(t("card.db_error", lang), "warning", "db-error")]


# What a retrying card shows in its "shown" store: the fetch time (epoch seconds) of the
# last good result it shows, or this for the database notice (no result at all).
SHOWS_ERROR = 0


def stale_notice(fetched: datetime, lang: str) -> html.Div:
    """The notice over a result that is not the database's current answer
    (``queries.last_good``): when it was fetched, in Finnish time, and that the card
    updates by itself."""
    return alert(
        t("stale.notice", lang, when=format_time(fetched, lang)), "warning", "stale-notice"
    )


def retrying(kind: str, chart_id: str, shown: float) -> list:
    """What makes a card ask again by itself while it shows a last good result or the
    database notice: an interval (``TK_RETRY_SECONDS``) whose ticks are an input of the
    card's callback (``<kind>-retry``), and a store of what it shows now
    (``<kind>-shown``: the fetch time, or ``SHOWS_ERROR``) so a tick that gets the same
    changes nothing on the screen. Both go away with the body once current data is
    shown."""
    return [
        dcc.Interval(
            id=card_id(f"{kind}-retry", chart_id),
            interval=int(get_settings().retry_seconds * 1000),
        ),
        dcc.Store(id=card_id(f"{kind}-shown", chart_id), data=shown),
    ]


def selection_refused(notices: tuple[str, ...], lang: str) -> list:
    """The body shown instead of data when a request's unit or service selection is
    refused (``queries.units.REFUSED_SELECTION``): what was wrong, in ``lang``."""
    return [
        alert(
            [
                html.P(t("card.selection_refused", lang), className="mb-1"),
                html.Ul(
                    [html.Li(notice_text(notice, lang)) for notice in notices], className="mb-0"
                ),
            ],
            "warning",
            "selection-refused",
        )
    ]


def alert(children, color: str, class_name: str = "") -> html.Div:
    """A Bootstrap alert announced politely to screen readers (``role="status"``)."""
    return html.Div(children, className=f"alert alert-{color} {class_name}".strip(), role="status")
