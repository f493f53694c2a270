"""tietokeskustelut: the Dash app factory and the module-level ``server`` for gunicorn.

gunicorn app:server          # production
python app.py                # development server on TK_HOST:TK_PORT
"""

from __future__ import annotations

import hashlib
import json
import logging

from dash import Dash, State, html, page_container
from dash._utils import to_json
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from access_control import init_access_control
from api import init_api
from background_jobs import background_manager
from callbacks import init_callbacks
from dash_requests import init_dash_requests
from dashboards._figure_import import MAX_REQUEST_BYTES
from dashboards._frame import request_language
from dashboards._page import PAGE_STATE, SHOWN
from fork_hooks import init_fork_hooks
from http_delivery import COMPRESS_ONCE_KEY, init_delivery
from http_errors import init_http_errors
from http_security import init_security_headers
from meetings import db as app_db
from queries.cache import init_cache
from request_log import QuietRequestHandler, RequestLog
from response_cache import init_response_cache
from settings import Settings, configure, get_settings
from translations import t
from warm import warm_in_background

# Dash's default page with a language attribute, set per request (interpolate_index).
_HTML_TAG = "<html>"
INDEX_STRING = (
    "<!DOCTYPE html>\n"
    + _HTML_TAG
    + "\n<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>\n"
    "<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>\n"
    "</html>"
)


def client_config_script(lang: str) -> str:
    """Settings and texts (in ``lang``) the browser-side scripts in assets/ need, as
    inline JSON."""
    settings = get_settings()
    config = {
        "texts": {"png": t("toolbar.png", lang), "svg": t("toolbar.svg", lang)},
        # Origins an embedding parent may have; the height message goes only to them.
        "frameAncestors": settings.frame_ancestors.split(),
    }
    # "</" cannot end the script element early once escaped.
    payload = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return f'<script id="tk-config" type="application/json">{payload}</script>'


class DashboardApp(Dash):
    """Dash with the client configuration rendered into every page; ``jobs`` is its
    background-callback manager (``background_jobs``). The callback map and the shell
    layout are serialised once per process, and compressed once per encoding
    (``http_delivery.COMPRESS_ONCE_KEY``): every page view asks for both, and neither
    changes while the process runs (the map is complete after Dash's set-up, which
    ``dash_requests.complete_setup_first`` finishes before any request)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.jobs = kwargs.get("background_callback_manager")
        self._serialised: dict[str, tuple[str, str]] = {}

    def _once(self, name: str, build, **headers):
        # Two threads may both build it at first; they build the same text.
        if name not in self._serialised:
            text = to_json(build())
            self._serialised[name] = (text, hashlib.sha256(text.encode()).hexdigest())
        text, digest = self._serialised[name]
        request.environ[COMPRESS_ONCE_KEY] = digest
        return self.backend.make_response(text, **headers)

    def dependencies(self):
        return self._once(
            "dependencies", lambda: self._callback_list, content_type="application/json"
        )

    def serve_layout(self):
        if self._layout_is_function:  # a layout per request: as Dash does
            return super().serve_layout()
        return self._once("layout", self.get_layout, mimetype="application/json")

    def interpolate_index(self, **kwargs):
        # The page's language is its ``lang`` parameter: <html lang> (WCAG 3.1.1), the
        # title and the browser-side texts follow it. The switch reloads the page.
        lang = request_language()
        kwargs["title"] = t("app.title", lang)
        page = super().interpolate_index(**kwargs)
        page = page.replace(_HTML_TAG, f'<html lang="{lang}">', 1)
        return page.replace("</head>", client_config_script(lang) + "</head>", 1)


def _shell() -> html.Div:
    """The app shell: Dash Pages' container. Each page brings its own frame (header,
    navigation and language switch in its language: ``dashboards._frame``), so the
    shell is the same in every language and is served once per process."""
    return html.Div(page_container, id="app-shell")


# The settings the process's first app was built with (create_app).
_built_with: Settings | None = None


def create_app(settings: Settings | None = None) -> Dash:
    """Build the Dash app: pages from ``dashboards/``, callbacks, cache and the API.

    Every call builds a complete app (all callbacks registered on it, the endpoints
    and request hooks on its own Flask server); what is the process's rather than an
    app's (the settings, the fork hooks) is set up once however many apps are built.
    Raises RuntimeError when an app was built in this process with other settings:
    the settings are the process's, so the first app would follow the second's.
    """
    global _built_with
    requested = settings if settings is not None else get_settings()
    if _built_with is not None and requested != _built_with:
        # The settings are the process's (settings.configure): a second app with other
        # ones would silently re-point the first app's links, language and database.
        raise RuntimeError(
            "create_app(): this process already built an app with other settings "
            f"({', '.join(requested.differences(_built_with))} differ); the settings are "
            "per process, so build each configuration in a process of its own"
        )
    configure(requested)
    settings = _built_with = requested
    logging.basicConfig(level=logging.INFO)
    init_fork_hooks()
    app = DashboardApp(
        __name__,
        use_pages=True,
        pages_folder="dashboards",
        url_base_pathname=settings.url_prefix,
        title=t("app.title", settings.language),
        update_title=None,
        serve_locally=True,
        suppress_callback_exceptions=True,
        # The router tells each page what it already shows, so the echo of the page's
        # own address change leaves it alone (dashboards._page.already_shown).
        routing_callback_inputs={SHOWN: State(PAGE_STATE, "data", allow_optional=True)},
        # Long callbacks (PowerPoint exports) run in their own processes: Celery workers
        # or forks of the web worker (background_jobs).
        background_callback_manager=background_manager(settings),
    )
    init_delivery(app)  # first: its response hook must run after every other one
    # No body larger than this is read (413 before Dash parses it): http_errors.
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.index_string = INDEX_STRING
    app.layout = _shell()
    init_callbacks(app)

    init_cache(app.server, settings)
    try:
        app_db.migrate()  # the meeting data's schema, on every start (Alembic)
    except Exception:  # noqa: BLE001 - the dashboard serves charts without it
        logging.getLogger(__name__).exception(
            "The app database (TK_APP_DB_URL) could not be migrated; meeting pages will report it."
        )
    init_api(app.server, settings.url_prefix)
    init_dash_requests(app)  # malformed requests to Dash's endpoints: 4xx, not 500
    init_response_cache(app)  # after the checks: only checked requests reach it
    init_http_errors(app)  # unknown paths 404, wrong methods 405, in Finnish
    init_security_headers(app)
    if settings.proxy_fix:
        app.server.wsgi_app = ProxyFix(
            app.server.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1
        )
    # Around ProxyFix (the real peer) and before response_cache answers anything
    # (access_control).
    init_access_control(app.server, app.config.routes_pathname_prefix)
    # Outermost (around access control too, so refusals are logged): the line's time
    # covers every other layer and the sending of the body.
    app.server.wsgi_app = RequestLog(app.server.wsgi_app)
    app.server.json.ensure_ascii = False  # JSON in UTF-8: Finnish letters stay readable
    if settings.warm_at_start:
        warm_in_background(app)  # serving does not wait for it
    return app


app = create_app()
server = app.server

if __name__ == "__main__":
    current = get_settings()
    # The development server's own request lines would log the client's address.
    app.run(
        host=current.host,
        port=current.port,
        debug=current.debug,
        request_handler=QuietRequestHandler,
    )
