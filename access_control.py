"""Access control: with ``TK_AUTH_REQUIRED=1`` only signed-in users reach the app.

The sign-in itself is the SSO proxy's (docs/access-control.md); the app checks that a
request carries the identity the proxy passes (``identity.proxy_identity``: the
``TK_IDENTITY_HEADER`` header, counted only from a peer in ``TK_TRUSTED_PROXIES``).
A request without it — no header, an empty one, or one from any other peer — is
answered ``401`` with ``WWW-Authenticate`` and ``Cache-Control: no-store``, in the
user's language (``lang``, as ``charts.address.page_language``): ``{"error": ...}``
JSON on the API, its downloads and Dash's endpoints (``http_errors.is_machine_path``),
a small HTML page elsewhere. Only the probes ``<prefix>healthz`` and ``<prefix>readyz``
stay open.

It is WSGI middleware around the whole Flask app, installed last (outermost) by
``app.create_app``: it sees the connection's real peer before ``ProxyFix`` rewrites
it, and it runs before anything answers from a store — ``response_cache`` answers
repeated Dash callbacks in a ``before_request`` hook, which a Flask hook of this
module could not be sure to precede. The setting is read per request, so a test may
switch it with ``settings.configure``. Neither the user's name nor the address is
logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable

from werkzeug.wrappers import Request, Response

from charts.address import page_language
from http_errors import error_page, is_machine_path
from http_security import content_security_policy
from identity import is_trusted_peer, proxy_identity
from settings import Settings, get_settings
from translations import t

log = logging.getLogger(__name__)

# The challenge of the 401. HTTP requires one; no standard scheme says "sign in at the
# proxy in front of me", so a named one tells a client that no credentials it could
# send here would help (a Basic or Bearer challenge would invite it to try).
CHALLENGE = 'SSO realm="tietokeskustelut"'

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

_warned: set[str] = set()


def _warn_once(reason: str, message: str) -> None:
    # A misconfigured proxy or TK_TRUSTED_PROXIES refuses every request: say why once
    # per process (without names or addresses), not once per request.
    if reason not in _warned:
        _warned.add(reason)
        log.warning("%s (logged once per process)", message)


class AccessControl:
    """WSGI middleware: with ``TK_AUTH_REQUIRED=1`` it passes a request on to ``app``
    only with an identity from a trusted proxy, or to the open probe paths under
    ``routes_prefix``; it answers everything else with 401 (module docstring)."""

    def __init__(self, app: WSGIApp, routes_prefix: str) -> None:
        self.app = app
        self.routes_prefix = routes_prefix
        # Load balancers and orchestrators probe the app's port directly, without a
        # sign-in; the probes answer only "ok"/"ready", nothing about the data. Exact
        # paths: nothing else under them is opened.
        self.open_paths = frozenset({routes_prefix + "healthz", routes_prefix + "readyz"})

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        settings = get_settings()
        if (
            not settings.auth_required
            or environ.get("PATH_INFO", "") in self.open_paths
            or proxy_identity(environ, settings) is not None
        ):
            return self.app(environ, start_response)
        self._explain(environ, settings)
        return self.refusal(environ)(environ, start_response)

    @staticmethod
    def _explain(environ: dict, settings: Settings) -> None:
        if not is_trusted_peer(environ, settings):
            _warn_once(
                "peer",
                "401: a request came from a peer not in TK_TRUSTED_PROXIES; behind the "
                "sign-in proxy, check TK_TRUSTED_PROXIES (identity headers from other "
                "peers are ignored)",
            )

    def refusal(self, environ: dict) -> Response:
        """The 401 answer to the request of ``environ``: JSON on machine paths, an
        HTML page in the user's language elsewhere."""
        # Reads the query string only, never the body.
        lang = page_language(Request(environ).args.get("lang"))
        if is_machine_path(environ.get("PATH_INFO", ""), self.routes_prefix):
            body = json.dumps({"error": t("access.sign_in_api", lang)}, ensure_ascii=False)
            response = Response(body, status=401, mimetype="application/json")
        else:
            response = error_page(
                401, t("access.sign_in_title", lang), t("access.sign_in_page", lang), lang
            )
        response.headers["WWW-Authenticate"] = CHALLENGE
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        # The app's policy holds for this answer too (http_security); it runs no script.
        response.headers["Content-Security-Policy"] = content_security_policy(
            [], get_settings().frame_ancestors
        )
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        return response


def init_access_control(server, routes_prefix: str) -> None:
    """Wrap ``server.wsgi_app`` (a Flask app's) in ``AccessControl``. Call it after
    every other WSGI wrapper (``ProxyFix``), so that it is the outermost."""
    server.wsgi_app = AccessControl(server.wsgi_app, routes_prefix)
