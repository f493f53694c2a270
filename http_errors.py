"""Unknown addresses answer 404, wrong methods 405 and too large bodies 413, in Finnish.

Dash serves its page (status 200) for every path, and Dash Pages draws "404 - Page not
found" inside it: a soft 404 that crawlers, link checkers and monitoring read as a
page. Here, before Dash sees it, a request for a path that is no page (nor an embed of
a known chart) is answered 404. A body larger than Flask's ``MAX_CONTENT_LENGTH``
(``dashboards._figure_import.MAX_REQUEST_BYTES``) is answered 413 unread. Every 404,
405 and 413 of the server — pages, the data API,
assets, Dash's own endpoints — gets a short answer in the user's language: JSON
(``{"error": ...}``) under ``/api/`` and Dash's ``/_dash-`` endpoints, an HTML page
(``lang`` set, a link to the overview) elsewhere. A 405 keeps its ``Allow`` header.

A page may register a ``path_ok`` callable (``dash.register_page(..., path_ok=...)``)
that says whether its path variables name something that exists (the embed page: a
chart of the catalog). Dash Pages' own 404 page (``dashboards/not_found_404.py``),
shown after a link inside the app, is no address of its own.
"""

from __future__ import annotations

import html
import logging

from dash import Dash, get_relative_path
from dash._pages import _path_to_page
from flask import Response, abort, jsonify, request
from kombu.exceptions import OperationalError as KombuOperationalError
from werkzeug.exceptions import MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

from charts.address import page_language
from translations import quote_value, t

log = logging.getLogger(__name__)

NOT_FOUND_MODULE = "not_found_404"  # Dash Pages' name of the in-app 404 page


def _lang() -> str:
    return page_language(request.args.get("lang"))


def is_page(path_id: str) -> bool:
    """Whether ``path_id`` (a path without the app's prefix and outer slashes) is one of
    the registered pages, with path variables that name something that exists."""
    page, variables = _path_to_page(path_id)
    if not page or page.get("module", "").split(".")[-1] == NOT_FOUND_MODULE:
        return False
    path_ok = page.get("path_ok")
    return path_ok is None or bool(path_ok(**(variables or {})))


def is_machine_path(path: str, routes_prefix: str) -> bool:
    """Whether ``path`` is one that programs ask for — the API and its downloads
    (``api/``), Dash's endpoints (``_dash-``), the health probes — so that an error
    there is answered as JSON, not as an HTML page. ``routes_prefix`` is the app's
    (``/`` or e.g. ``/tk/``); a path outside it is not."""
    rest = path[len(routes_prefix) :] if path.startswith(routes_prefix) else ""
    return rest.startswith(("api/", "_dash-", "healthz", "readyz"))


def _wants_json(routes_prefix: str) -> bool:
    return is_machine_path(request.path, routes_prefix)


def error_page(status: int, title: str, message: str, lang: str) -> Response:
    """A small HTML page in ``lang``: the title, the message and a link to the overview
    (``message`` is escaped here)."""
    home = get_relative_path("/")
    body = (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)} – {html.escape(t('app.title', lang))}</title></head>\n"
        f"<body><main><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>"
        f'<p><a href="{html.escape(home)}">{html.escape(t("http.home_link", lang))}</a></p>'
        "</main></body>\n</html>\n"
    )
    return Response(body, status=status, mimetype="text/html")


def init_http_errors(app: Dash) -> None:
    """Answer unknown page paths with 404 before Dash's catch-all page route, and give
    every 404 and 405 of the server a Finnish answer (see the module docstring)."""
    server = app.server
    routes_prefix = app.config.routes_pathname_prefix
    page_routes = {routes_prefix, routes_prefix + "<path:path>"}

    @server.before_request
    def _unknown_page():
        if request.endpoint not in page_routes:
            return None
        path_id = request.path[len(routes_prefix) :].strip("/")
        if not is_page(path_id):
            abort(404)
        return None

    @server.errorhandler(NotFound)
    def _not_found(_error):
        lang = _lang()
        message = t("http.page_not_found", lang, path=quote_value(request.path))
        if _wants_json(routes_prefix):
            response = jsonify({"error": message})
            response.status_code = 404
            return response
        return error_page(404, t("http.not_found_title", lang), message, lang)

    def _streamed_body_too_large():
        # A body without a stated length (chunked) is cut at MAX_CONTENT_LENGTH by
        # werkzeug's LimitedStream without an error: the parser would see the first
        # 16 MB and answer 400. Read it here (bounded) and say 413 when it reached the
        # limit (a body of exactly the limit is refused too: the stream cannot tell).
        if request.content_length is not None or request.method in ("GET", "HEAD"):
            return None
        if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
            return None
        request.get_data(cache=True)
        stream = request.stream
        if isinstance(stream, LimitedStream) and stream.is_exhausted:
            raise RequestEntityTooLarge()
        return None

    # First of the request hooks: before the callback check parses the body.
    server.before_request_funcs.setdefault(None, []).insert(0, _streamed_body_too_large)

    @server.errorhandler(RequestEntityTooLarge)
    def _too_large(_error):
        # A body over MAX_CONTENT_LENGTH (app.create_app): refused when its length is
        # known, or as soon as a streamed one passes it; never parsed nor passed on.
        from dashboards._figure_import import MAX_MEGABYTES, MAX_REQUEST_MEGABYTES

        lang = _lang()
        message = t("http.request_too_large", lang, mb=MAX_REQUEST_MEGABYTES, file_mb=MAX_MEGABYTES)
        if _wants_json(routes_prefix):
            response = jsonify({"error": message})
        else:
            response = error_page(413, t("http.request_too_large_title", lang), message, lang)
        response.status_code = 413
        return response

    @server.errorhandler(KombuOperationalError)
    def _jobs_unavailable(error: KombuOperationalError):
        # The Celery broker (TK_CELERY_BROKER_URL) does not answer: a PowerPoint export
        # cannot be queued. Said in the user's language, logged without a traceback.
        log.warning("background job not queued, broker unavailable: %s", error)
        response = jsonify({"error": t("http.jobs_unavailable", _lang())})
        response.status_code = 503
        return response

    @server.errorhandler(MethodNotAllowed)
    def _method_not_allowed(error: MethodNotAllowed):
        lang = _lang()
        allowed = sorted(set(error.valid_methods or ()) - {"OPTIONS", "HEAD"})
        message = t(
            "http.method_not_allowed",
            lang,
            method=quote_value(request.method),
            path=quote_value(request.path),
            allowed=", ".join(allowed),
        )
        if _wants_json(routes_prefix):
            response = jsonify({"error": message})
        else:
            response = error_page(405, t("http.method_not_allowed_title", lang), message, lang)
        response.status_code = 405
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
        return response
