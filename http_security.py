"""Security headers on every response, above all the Content-Security-Policy.

The policy (docs/security.md explains each directive and why the headers are set here
and not by flask-talisman):

- ``default-src 'self'``: nothing is fetched from another origin;
- ``script-src 'self'`` and the SHA-256 hashes of Dash's inline scripts (the renderer's
  start and the clientside callbacks' functions, ``Dash.csp_hashes``). No
  ``'unsafe-inline'`` and no ``'unsafe-eval'`` for scripts: the charts use no WebGL
  traces (the only plotly.js code that compiles code at run time);
- ``style-src 'self' 'unsafe-inline'``: see ``STYLE_SRC``;
- ``img-src 'self' data: blob:`` (Bootstrap's form icons are SVG data URLs; the
  toolbar's PNG/SVG downloads are made in the page);
- ``connect-src 'self'``, ``object-src 'none'``, ``base-uri 'self'``,
  ``form-action 'self'``;
- ``frame-ancestors`` from ``TK_FRAME_ANCESTORS``, read per request (docs/embedding.md).

``X-Frame-Options`` is deliberately not sent: it can name at most one origin
(``ALLOW-FROM`` is obsolete and ignored), and browsers that know CSP ignore it
whenever ``frame-ancestors`` is present, so it could only block an allowed intranet
origin in old browsers. See docs/embedding.md.
"""

from __future__ import annotations

from dash import Dash

from settings import get_settings

# Dash 4's components (dcc) and renderer bring their stylesheets inside their scripts
# and add them to the page as <style> elements; plotly.js adds its rules to a <style>
# element it creates (and one for its map library). With ``style-src 'self'`` Chromium
# refuses every one of them (docs/security.md, "Why styles allow 'unsafe-inline'").
# Styles cannot run script, and what a style could fetch (images, fonts) stays held to
# 'self' by img-src and default-src, so injected CSS cannot send the page elsewhere.
STYLE_SRC = "'self' 'unsafe-inline'"


def content_security_policy(script_hashes: list[str], frame_ancestors: str) -> str:
    """The header's value: the directives above, ``script_hashes`` (CSP source
    expressions such as ``'sha256-…'``) allowed as inline scripts and framing allowed
    for ``frame_ancestors`` (a CSP source list)."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": STYLE_SRC,
        "img-src": "'self' data: blob:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_security_headers(app: Dash) -> None:
    """Send the Content-Security-Policy, ``X-Content-Type-Options: nosniff`` and a
    referrer policy on every response of ``app``'s server.

    The inline scripts' hashes are taken when each response is finished, from the
    scripts the page was rendered with: Dash Pages registers its title callback (an
    inline script) only at the first request, so hashes taken when the app is built
    would miss it. Hashing the few short scripts costs microseconds.
    """

    @app.server.after_request
    def _headers(response):
        response.headers["Content-Security-Policy"] = content_security_policy(
            list(app.csp_hashes()), get_settings().frame_ancestors
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
