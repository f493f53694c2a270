"""Callbacks of the app shell (the parts around every page)."""

from __future__ import annotations

import logging

from dash import Input, Output, callback, clientside_callback, html

from callbacks.address import PAGE_LOCATION
from queries.engine import DATABASE_ERRORS
from queries.reference import is_synthetic
from response_cache import keep_out
from settings import get_settings
from translations import t

log = logging.getLogger(__name__)


@callback(Output("data-notice", "children"), Input(PAGE_LOCATION, "pathname"))
def data_notice(_pathname: str | None) -> list:
    """The banner that says the data is synthetic demo data (empty for real data)."""
    lang = get_settings().language
    try:
        synthetic = is_synthetic()
    except DATABASE_ERRORS:
        log.warning("reporting DB not reachable for the data notice")
        keep_out()
        return []
    if not synthetic:
        return []
    return [html.Div(t("shell.synthetic_banner", lang), className="synthetic-banner", role="note")]


# Embedded views (/embed/<id>, or any page with ?embed=1) hide the navigation, and so
# does presentation mode (/tietokeskustelut/<id>/esitys/<n>: the projector shows the
# chart, not the app). This runs in the browser so the navigation never flashes up.
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
        return embedded || presenting;
    }
    """,
    Output("app-header", "hidden"),
    Input(PAGE_LOCATION, "pathname"),
    Input(PAGE_LOCATION, "search"),
)
