"""Dash Pages' in-app 404: what a link inside the app to an unknown path shows. A
request for such a path from outside answers 404 before Dash (``http_errors``)."""

from dash import get_relative_path, html, register_page

from translations import t

register_page(__name__, title=t("http.not_found_title"))


def layout(**_query: object) -> html.Div:
    """A Finnish "page not found" with a link to the overview."""
    return html.Div(
        [
            html.H1(t("http.not_found_title")),
            html.P(t("http.page_not_found_in_app")),
            html.P(html.A(t("http.home_link"), href=get_relative_path("/"))),
        ]
    )
