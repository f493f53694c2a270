"""The frame around every page: skip link, header with the navigation and the language
switch, the demo-data banner, the ``<main>`` landmark and the footer. Dash Pages skips
this module (its name starts with ``_``).

The frame is part of each page's layout (``framed``), not of the app shell, because it
is in the page's language and the shell layout is one per process (``app.py``). The
router builds it with the page, so one answer carries both and the header never shows
one language while the page shows another. Embedded views (``/embed/<id>``, any page
with ``embed=1``) and presentation mode get the banner and ``<main>`` only: the
intranet page or the projector shows the chart, not the app.

The language of a page is its ``lang`` URL parameter (``request_language``); the
switch links to the same address with another ``lang``. Those are full page loads
(plain links): ``<html lang>``, the document title and the browser-side texts then
come from the server in the new language (``app.py``). ``assets/15-language-switch.js``
keeps the switch's links pointing at the current address while the filters change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import ctx, get_relative_path, html, no_update
from dash.exceptions import MissingCallbackContextException
from flask import has_request_context, request

from charts.address import page_language
from charts.areas import ALL_AREAS
from translations import SUPPORTED_LANGUAGES, t

# Navigation keys of the header: an area's slug ("" the overview) or MEETINGS.
MEETINGS = "tietokeskustelut"
MEETINGS_PATH = "/" + MEETINGS
# What the frame shows around a page: everything, or only the banner and <main>.
FULL, BARE = "full", "bare"
STATEMENT_PATH = "/saavutettavuus"  # the accessibility statement, linked from the footer
FIGURE_IMPORT_PATH = "/tuonti"  # the upload page of reported figures, for editors
# The header's place for the links only editors get (``callbacks.shell.editor_links``
# fills it per request: the frame itself is the same for everyone, since the router's
# answers for the area pages are kept and served to every user, ``response_cache``).
EDITOR_LINKS = "nav-editor-links"
# Dash Pages' own location component: the router's inputs name it.
_ROUTER_SEARCH = "_pages_location.search"


def _first(value: object) -> object:
    # A repeated URL parameter comes as a list; its first value counts.
    return value[0] if isinstance(value, list) and value else value


def query_language(query: Mapping[str, object]) -> str:
    """The language a page's URL parameters ask for: ``lang`` when supported, else the
    default (``settings.language``)."""
    return page_language(_first(query.get("lang")))


def request_language() -> str:
    """The language of the page being built or served, for what Dash calls without the
    query (a page's document title): in the router's callback the address it routes,
    in a page load the request's ``lang`` parameter, else the default."""
    try:
        search = ctx.inputs.get(_ROUTER_SEARCH)
    except (MissingCallbackContextException, LookupError):  # not in a callback
        search = None
    if isinstance(search, str):
        # Read as Dash Pages reads it for the page: a query string starts with one "?".
        query = parse_qs(search[1:]) if search.startswith("?") else {}
        return query_language(query)
    if has_request_context():
        return query_language(request.args.to_dict(flat=False))
    return page_language(None)


def localised_title(title: Callable[..., str]) -> Callable[..., str]:
    """A Dash Pages ``title`` function in the page's language: ``title(lang, **path
    variables)`` wrapped so that Dash can call it with the path variables only."""

    @wraps(title)
    def page_title(**path_variables: object) -> str:
        return title(request_language(), **path_variables)

    return page_title


def joined_title(*keys: str) -> Callable[..., str]:
    """A Dash Pages ``title`` function: the texts of ``keys`` in the page's language,
    joined with " – " (e.g. the page's name and the app's); a text that repeats the
    one before it is left out ("Tietokeskustelut", not twice)."""

    def title(lang: str) -> str:
        texts = [t(key, lang) for key in keys]
        return " – ".join(text for i, text in enumerate(texts) if i == 0 or text != texts[i - 1])

    return localised_title(title)


def language_search(lang: str) -> str:
    """The query string of a link that only sets the language (``""`` for the default)."""
    return "" if lang == page_language(None) else f"?lang={lang}"


def _nav(lang: str, active: str | None) -> dbc.Nav:
    # Links carry only the language: the header is not rebuilt when the filters
    # change, so any filters in its links would go stale.
    items = [(area.slug, area.path, area.title_key) for area in ALL_AREAS]
    items.append((MEETINGS, MEETINGS_PATH, "meetings.nav.title"))
    return dbc.Nav(
        [
            *(
                dbc.NavItem(
                    dbc.NavLink(
                        t(key, lang),
                        href=get_relative_path(path) + language_search(lang),
                        active=slug == active,
                    )
                )
                for slug, path, key in items
            ),
            html.Div(id=EDITOR_LINKS, lang=lang, hidden=True, className="nav-item"),
        ],
        navbar=True,
        className="flex-wrap",
    )


def language_switch(lang: str) -> html.Nav:
    """Links to the page in each supported language, each named in its own language
    (``language.autonym`` of that language's catalog, marked with its ``lang``); the
    current one is marked ``aria-current``. ``assets/15-language-switch.js`` points them
    at the current address (filters included) before they are followed."""
    links = [
        html.Li(
            html.A(
                t("language.autonym", code),
                href="?lang=" + code,
                lang=code,
                hrefLang=code,
                className="language-link" + (" active" if code == lang else ""),
                **{"data-lang-switch": code, "aria-current": "true" if code == lang else None},
            )
        )
        for code in SUPPORTED_LANGUAGES
    ]
    return html.Nav(
        html.Ul(links, className="language-switch list-inline mb-0"),
        **{"aria-label": t("shell.language_switch", lang)},
    )


def _header(lang: str, active: str | None) -> html.Header:
    return html.Header(
        dbc.Navbar(
            dbc.Container(
                [
                    html.Span(t("app.title", lang), className="navbar-brand"),
                    _nav(lang, active),
                    language_switch(lang),
                ],
                fluid=True,
            ),
            color="dark",
            dark=True,
            className="mb-3",
        ),
        id="app-header",
        className="app-header",
    )


def _footer(lang: str) -> html.Footer:
    return html.Footer(
        dbc.Container(
            html.A(
                t("shell.accessibility_statement", lang),
                href=get_relative_path(STATEMENT_PATH) + language_search(lang),
            ),
            fluid=True,
        ),
        className="app-footer small py-3",
    )


def with_language(content, lang: str):
    """``content`` with each internal link (an ``href`` starting with ``/``, the
    app's own addresses) carrying ``lang`` when it is not the default language, so
    that following it keeps the page's language (WCAG 3.1.1: the page says what it
    is in). Links that name a language already are kept as they are."""
    search = language_search(lang)
    if not search or content is None or isinstance(content, str | int | float):
        return content
    parts = content if isinstance(content, list | tuple) else [content]
    for part in parts:
        if not hasattr(part, "_traverse"):
            continue
        for component in [part, *part._traverse()]:
            href = getattr(component, "href", None)
            if isinstance(href, str) and href.startswith("/") and not href.startswith("//"):
                component.href = _add_language(href, lang)
    return content


def _add_language(href: str, lang: str) -> str:
    address, hash_mark, fragment = href.partition("#")
    path, _, query = address.partition("?")
    if "lang" in parse_qs(query):
        return href
    query = f"{query}&lang={lang}" if query else f"lang={lang}"
    return f"{path}?{query}{hash_mark}{fragment}"


def page_frame(content, lang: str, active: str | None = None, chrome: str = FULL) -> html.Div:
    """Dash Pages' content for a page whose layout is ``content``: with
    ``chrome=FULL`` the skip link, header (``active`` the navigation key of the page,
    or None), the demo-data banner's place, ``<main id="main">`` and footer; with
    ``BARE`` the banner's place and ``<main>`` only. The banner is filled by a callback
    (``callbacks.shell.data_notice``, from the place's ``lang``), so building a page
    never reads the database."""
    main = dbc.Container(
        [
            html.Div(id="data-notice", lang=lang, **{"aria-live": "polite"}),
            html.Main(content, id="main", tabIndex="-1"),
        ],
        fluid=True,
    )
    if chrome == BARE:
        return html.Div(main, className="page-frame")
    return html.Div(
        [
            html.A(t("shell.skip_to_content", lang), href="#main", className="skip-link"),
            _header(lang, active),
            main,
            _footer(lang),
        ],
        className="page-frame",
    )


def framed(active: str | None = None, chrome: str = FULL):
    """Decorator for a page's ``layout(**query)``: its content inside ``page_frame``
    in the language of its ``lang`` parameter. ``embed=1`` makes the frame bare; a
    layout's ``no_update`` (the page already shows the address) passes through."""

    def wrap(layout):
        @wraps(layout)
        def framed_layout(*args, **query):
            content = layout(*args, **query)
            if content is no_update:
                return content
            embedded = _first(query.get("embed")) == "1"
            lang = query_language(query)
            return page_frame(
                with_language(content, lang), lang, active, BARE if embedded else chrome
            )

        return framed_layout

    return wrap
