"""The PowerPoint export: a Dash background callback behind the export panel.

A deck of several charts takes seconds (a browser start and one render per chart), so
it runs as a background callback: the manager configured in ``app.py`` (Dash's
``DiskcacheManager``) runs it in a separate process and the browser polls for
progress and the result, so no web worker waits on it and other users' requests go
on as usual. The job process is a fork of the web worker: it starts its own chart
renderer (one Chromium for all of the deck's images) and closes it when it ends.
"""

from __future__ import annotations

import logging

from dash import Input, Output, State, ctx, dcc, get_app, html, no_update

from callbacks.address import read_shown
from callbacks.registry import callback
from charts.address import SPC_VIEW, page_language
from charts.areas import AREA_BY_SLUG, OVERVIEW
from charts.catalog import CHARTS
from dashboards._export import IDS
from dashboards._page import PAGE_STATE
from exports.files import PPTX_TYPE
from exports.pptx import build_deck, deck_filename
from queries.units import refused, resolve_selection
from translations import SUPPORTED_LANGUAGES, notice_text, t

log = logging.getLogger(__name__)
MAX_CHARTS = 40  # a request naming more charts than any page has is not served


def _charts(request: dict, chosen: list | None, selected_only: bool) -> list[str]:
    """The page's charts (or the chosen ones), in page order, all known to the catalog."""
    listed = request.get("charts")
    listed = listed if isinstance(listed, list) else []
    page_charts = [c for c in listed if isinstance(c, str) and c in CHARTS]
    if selected_only:
        chosen_set = {c for c in (chosen if isinstance(chosen, list) else []) if isinstance(c, str)}
        page_charts = [c for c in page_charts if c in chosen_set]
    return list(dict.fromkeys(page_charts))[:MAX_CHARTS]


def in_every_language(key: str) -> list:
    """The text of ``key`` in each supported language, each in a span with its
    ``lang``; ``assets/10-style.css`` shows only the one of the page (``<html lang>``),
    for texts fixed before any page asks (a background callback's ``running``)."""
    return [
        html.Span(t(key, code), lang=code, className="in-page-language")
        for code in SUPPORTED_LANGUAGES
    ]


def _refusal(notices: tuple[str, ...], lang: str) -> str:
    """The status line for a refused unit or service selection."""
    texts = (notice_text(notice, lang) for notice in notices)
    return " ".join([t("export.pptx.refused", lang), *texts])


@callback(
    Output(IDS["download"], "data"),
    Output(IDS["status"], "children"),
    Input(IDS["page"], "n_clicks"),
    Input(IDS["selected"], "n_clicks"),
    State(IDS["request"], "data"),
    State(IDS["charts"], "value"),
    State(PAGE_STATE, "data"),
    background=True,
    interval=500,  # ms between the browser's polls for progress and the result
    # The first status text is fixed when the callback is registered: it holds every
    # language and the style sheet shows the page's (in_every_language); the progress
    # texts that follow are in the page's language.
    running=[
        (Output(IDS["page"], "disabled"), True, False),
        (Output(IDS["selected"], "disabled"), True, False),
        (Output(IDS["progress"], "hidden"), False, True),
        (Output(IDS["status"], "children"), in_every_language("export.pptx.preparing"), ""),
    ],
    progress=[
        Output(IDS["progress"], "value"),
        Output(IDS["progress"], "max"),
        Output(IDS["status"], "children"),
    ],
    prevent_initial_call=True,
)
def export_pptx(set_progress, _page_clicks, _selected_clicks, request, chosen, state):
    """Build the deck of the page's (or the chosen) charts under the page's address:
    its filters, the view each card shows and the phase starts of its run chart; hand
    it to ``dcc.Download``.

    Everything the client sends is validated again: unknown pages and charts are
    dropped, the address is parsed like URL parameters, and a unit selection that is
    not one node of the unit hierarchy (or more than one queue service) is refused
    with a message, before any query. A failure (database, browser) gives a message
    in the status line, never a trace.
    """
    request = request if isinstance(request, dict) else {}
    lang = page_language(request.get("lang"))
    slug = request.get("page") if request.get("page") in AREA_BY_SLUG else ""
    area = AREA_BY_SLUG.get(slug, OVERVIEW)
    chart_ids = _charts(request, chosen, ctx.triggered_id == IDS["selected"])
    if not chart_ids:
        return no_update, t("export.pptx.none_selected", lang)
    address, notices = read_shown(state)
    if refused(notices):
        return no_update, _refusal(refused(notices), lang)
    filters = address.filters
    chart_views = {chart_id: address.cards.view_of(chart_id) for chart_id in chart_ids}
    chart_phases = {
        chart_id: address.cards.phases_of(chart_id)
        for chart_id in chart_ids
        if chart_views[chart_id] == SPC_VIEW
    }

    def progress(done: int, total: int) -> None:
        set_progress(
            (str(done), str(total), t("export.pptx.progress", lang, done=done, total=total))
        )

    progress(0, len(chart_ids))
    try:
        with get_app().server.app_context():
            filters, unknown = resolve_selection(filters)  # no queries for invented ids
            if unknown:
                return no_update, _refusal(unknown, lang)
            deck = build_deck(
                t(area.title_key, lang),
                chart_ids,
                filters,
                lang,
                views=chart_views,
                phases=chart_phases,
                progress=progress,
            )
    except Exception:  # noqa: BLE001 - any failure becomes a message for the user
        log.exception("PowerPoint export of %s failed", chart_ids)
        return no_update, t("export.pptx.failed", lang)
    return (
        # The type names the file for the browser (dcc.Download's default: text/plain).
        dcc.send_bytes(deck, deck_filename(slug), type=PPTX_TYPE),
        t("export.pptx.ready", lang, count=len(chart_ids)),
    )
