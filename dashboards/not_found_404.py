"""Dash Pages' in-app 404: what a link inside the app to an unknown path shows. A
request for such a path from outside answers 404 before Dash (``http_errors``)."""

from dash import get_relative_path, html, register_page

from dashboards._frame import framed, joined_title, language_search, query_language
from translations import t

register_page(__name__, title=joined_title("http.not_found_title"))


@framed()
def layout(**query: object) -> html.Div:
    """The "page not found" text in the page's language with a link to the overview."""
    lang = query_language(query)
    return html.Div(
        [
            html.H1(t("http.not_found_title", lang)),
            html.P(t("http.page_not_found_in_app", lang)),
            html.P(
                html.A(
                    t("http.home_link", lang), href=get_relative_path("/") + language_search(lang)
                )
            ),
        ]
    )
