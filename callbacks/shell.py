"""Callbacks of the app shell (the parts around every page)."""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc
from dash import Input, Output, State, get_relative_path, html

from callbacks.address import PAGE_LOCATION
from callbacks.registry import callback, clientside_callback
from charts.address import page_language
from dashboards._frame import EDITOR_LINKS, FIGURE_IMPORT_PATH, language_search
from meetings.components import can_write
from queries.engine import DATABASE_ERRORS
from queries.reference import is_synthetic
from response_cache import keep_out
from translations import t

log = logging.getLogger(__name__)


@callback(Output("data-notice", "children"), Input("data-notice", "lang"))
def data_notice(lang: str | None) -> list:
    """The banner in ``lang`` (the page frame's, ``dashboards._frame``) that says the
    data is synthetic demo data: empty for real data, and when the reporting database
    cannot say (the cards then report the outage). It runs when a page's frame
    appears, so building the page itself never reads the database."""
    lang = page_language(lang)
    try:
        synthetic = is_synthetic()
    except DATABASE_ERRORS:
        log.warning("reporting DB not reachable for the demo-data banner")
        keep_out()
        return []
    if not synthetic:
        return []
    return [html.Div(t("shell.synthetic_banner", lang), className="synthetic-banner", role="note")]


@callback(
    Output(EDITOR_LINKS, "children"),
    Output(EDITOR_LINKS, "hidden"),
    Input(EDITOR_LINKS, "lang"),
    State(PAGE_LOCATION, "pathname"),
)
def editor_links(lang: str | None, pathname: str | None) -> tuple[list, bool]:
    """The header's links for editors (``meetings.components.can_write``: the upload
    page of figures, marked active on that page), in ``lang``; for anyone else nothing,
    and the place stays hidden. Never kept (``response_cache``): it depends on who asks."""
    if not can_write():
        return [], True
    lang = page_language(lang)
    path = get_relative_path(FIGURE_IMPORT_PATH)
    link = dbc.NavLink(
        t("figure_import.nav", lang),
        href=path + language_search(lang),
        active=isinstance(pathname, str) and pathname.rstrip("/") == path,
    )
    return [link], False


# Embedded views (/embed/<id>, or any page with ?embed=1) and presentation mode
# (/tietokeskustelut/<id>/esitys/<n>) have no header (dashboards._frame); the body's
# classes let the style sheets lay them out for a frame or a projector. This runs in
# the browser, so the layout never flashes up in the wrong form.
clientside_callback(
    """
    function(pathname, search) {
        var path = pathname || "";
        var embedded = path.indexOf("/embed/") !== -1 ||
            new URLSearchParams(search || "").get("embed") === "1";
        var presenting = path.indexOf("/tietokeskustelut/") !== -1 &&
            path.indexOf("/esitys/") !== -1;
        document.body.classList.toggle("embedded", embedded);
        document.body.classList.toggle("presenting", presenting);
        return presenting ? "presenting" : embedded ? "embedded" : "";
    }
    """,
    Output("app-shell", "className"),
    Input(PAGE_LOCATION, "pathname"),
    Input(PAGE_LOCATION, "search"),
)
