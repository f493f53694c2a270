"""Callbacks of the app shell (the parts around every page)."""

from __future__ import annotations

from dash import Input, Output, clientside_callback

from callbacks.address import PAGE_LOCATION

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
