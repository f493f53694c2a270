"""Embedding in an intranet page on a different loopback origin, in headless Chromium:
framing follows TK_FRAME_ANCESTORS (CSP frame-ancestors), and the embedded chart
reports its height to an allowed parent only, matched by the same source-expression
rules as the browser's (wildcard hosts and ports too: assets/35-frame-ancestors.js)."""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from dash.testing.wait import until

from app import app
from settings import configure, get_settings
from tests.servers import WAIT

pytestmark = pytest.mark.browser

PARENT = """<!DOCTYPE html>
<html lang="fi"><head><title>Intranet</title><link rel="icon" href="data:,"></head><body>
<h1>Intranetin sivu</h1>
<iframe id="frame" title="Etäasioinnin osuus" src="{src}" width="900" height="150"
        sandbox="allow-scripts allow-same-origin allow-downloads"></iframe>
<script>
  window.heights = [];
  window.addEventListener("message", function (event) {{
    if (event.data && event.data.type === "tietokeskustelut:height") {{
      window.heights.push([event.origin, event.data.height]);
      document.getElementById("frame").height = event.data.height;
    }}
  }});
</script>
</body></html>
"""


@pytest.fixture
def parent_site(tmp_path):
    """A static intranet page served from 127.0.0.1 on its own port (its own origin)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _show_parent(dash_duo, folder, origin):
    app_origin = dash_duo.server_url.rstrip("/")
    assert app_origin != origin  # localhost:8050 vs 127.0.0.1:<port>
    src = app_origin + "/embed/digiasiointi-osuus?from=2024-01&to=2024-03&unit=TA03"
    (folder / "index.html").write_text(PARENT.format(src=src), encoding="utf-8")
    dash_duo.driver.get(origin + "/index.html")
    dash_duo.driver.switch_to.frame(dash_duo.driver.find_element("id", "frame"))


# How the parent page is addressed and what TK_FRAME_ANCESTORS allows, from the
# loopback address and port of the parent's server. Chromium resolves every
# "<name>.localhost" to loopback, which gives a real subdomain for the "*." case.
ALLOWED_PARENTS = {
    "exact": ("http://127.0.0.1:{port}", "'self' http://127.0.0.1:{port}"),
    "wildcard host": ("http://intranet.localhost:{port}", "'self' http://*.localhost:{port}"),
    "wildcard port": ("http://127.0.0.1:{port}", "'self' http://127.0.0.1:*"),
    "scheme only": ("http://127.0.0.1:{port}", "'self' http:"),
}


@pytest.mark.parametrize("case", list(ALLOWED_PARENTS))
def test_m001_allowed_origin_shows_chart_and_gets_height(dash_duo, browser_db, parent_site, case):
    """An allowed parent origin shows the chart card alone in a frame and receives its height."""
    folder, loopback = parent_site
    port = loopback.rsplit(":", 1)[1]
    origin, ancestors = (text.format(port=port) for text in ALLOWED_PARENTS[case])
    original = get_settings()
    configure(replace(original, frame_ancestors=ancestors))
    try:
        dash_duo.start_server(app)
        _show_parent(dash_duo, folder, origin)
        dash_duo.wait_for_element(".js-plotly-plot", timeout=WAIT)
        # No navigation inside the frame, the chart card only.
        assert dash_duo.driver.find_elements("id", "app-header") == []
        dash_duo.wait_for_contains_text(".chart-summary", "3/2024: 50,0")
        dash_duo.driver.switch_to.default_content()
        until(
            lambda: dash_duo.driver.execute_script("return window.heights.length") > 0, timeout=WAIT
        )
        sender, height = dash_duo.driver.execute_script("return window.heights.slice(-1)[0]")
        assert dash_duo.driver.execute_script("return location.origin") == origin
        assert sender == dash_duo.server_url.rstrip("/") and height > 300
        frame_height = dash_duo.driver.find_element("id", "frame").get_attribute("height")
        assert int(frame_height) > 300
        assert dash_duo.get_logs() == []
    finally:
        configure(original)


def test_m002_other_origin_is_refused(dash_duo, browser_db, parent_site):
    """A parent origin outside frame-ancestors gets Chromium's error page and no height messages."""
    folder, origin = parent_site
    original = get_settings()
    configure(replace(original, frame_ancestors="'self'"))
    try:
        dash_duo.start_server(app)
        _show_parent(dash_duo, folder, origin)
        # Chromium replaces a refused frame with its own error page.
        until(
            lambda: dash_duo.driver.execute_script("return location.href").startswith(
                "chrome-error://"
            ),
            timeout=WAIT,
        )
        assert dash_duo.driver.find_elements("css selector", ".js-plotly-plot") == []
        dash_duo.driver.switch_to.default_content()
        assert dash_duo.driver.execute_script("return window.heights") == []
        logs = dash_duo.get_logs() or []
        assert any("frame-ancestors" in entry["message"] for entry in logs), logs
    finally:
        configure(original)


SELF = "https://tk.example.fi"  # the dashboard's own origin in most cases below
# (expression, parent origin, dashboard origin, matches?) worked out from CSP Level 3,
# "Does url match expression in origin with redirect count?" (redirect count 0).
MATCH_CASES = [
    # 'self': the same origin; or the same host upgraded to https on default ports.
    ("'self'", "https://tk.example.fi", SELF, True),
    ("'self'", "http://tk.example.fi", SELF, False),  # no downgrade to http
    ("'self'", "https://tk.example.fi", "http://tk.example.fi", True),  # upgrade
    ("'self'", "https://tk.example.fi:8443", "http://tk.example.fi", False),  # port
    ("'self'", "https://intra.example.fi", SELF, False),
    ("'SELF'", "https://tk.example.fi", SELF, True),  # keywords ignore case
    # 'none' matches nothing; other keywords are not ancestor sources.
    ("'none'", "https://tk.example.fi", SELF, False),
    ("'unsafe-inline'", "https://intra.example.fi", SELF, False),
    # *: any http(s) origin (any host, IP addresses too) or the dashboard's own scheme.
    ("*", "https://intra.example.fi", SELF, True),
    ("*", "http://10.0.0.1:8080", SELF, True),
    ("*", "ftp://files.example.fi", SELF, False),
    ("*", "null", SELF, False),  # an opaque origin (sandboxed parent)
    # scheme-source: http also allows https, never the other way round.
    ("https:", "https://any.example.org", SELF, True),
    ("https:", "http://intra.example.fi", SELF, False),
    ("http:", "https://intra.example.fi", SELF, True),
    # host-source with "*.": one or more labels in front, never the bare domain.
    ("https://*.example.fi", "https://intra.example.fi", SELF, True),
    ("https://*.example.fi", "https://a.b.example.fi", SELF, True),
    ("https://*.example.fi", "https://example.fi", SELF, False),
    ("https://*.example.fi", "https://evilexample.fi", SELF, False),
    ("https://*.example.fi", "https://intra.example.fi.evil.org", SELF, False),
    ("https://*.example.fi", "http://intra.example.fi", SELF, False),  # https only
    ("http://*.example.fi", "https://intra.example.fi", SELF, True),  # upgrade
    ("HTTPS://*.EXAMPLE.FI", "https://intra.example.fi", SELF, True),  # case
    # ports: none given = the scheme's default; * = any; a number = that port.
    ("https://*.example.fi", "https://intra.example.fi:8443", SELF, False),
    ("https://intra.example.fi:*", "https://intra.example.fi:8443", SELF, True),
    ("https://intra.example.fi:*", "https://intra.example.fi", SELF, True),
    ("https://intra.example.fi:443", "https://intra.example.fi", SELF, True),
    ("https://intra.example.fi:8443", "https://intra.example.fi:8443", SELF, True),
    ("https://intra.example.fi:8443", "https://intra.example.fi", SELF, False),
    ("https://intra.example.fi", "https://intra.example.fi:443", SELF, True),  # = default
    # 80 is not https's port: CSP3's port match compares with the URL's own default.
    ("http://intra.example.fi:80", "https://intra.example.fi", SELF, False),
    ("http://intra.example.fi", "https://intra.example.fi", SELF, True),
    # without a scheme: the dashboard's own scheme, upgraded from http to https.
    ("intra.example.fi", "https://intra.example.fi", SELF, True),
    ("intra.example.fi", "http://intra.example.fi", SELF, False),
    ("intra.example.fi", "https://intra.example.fi", "http://tk.example.fi", True),
    ("*.example.fi:*", "https://x.example.fi:9000", SELF, True),
    # a path: "/" matches an origin, any longer path does not.
    ("https://intra.example.fi/", "https://intra.example.fi", SELF, True),
    ("https://intra.example.fi/sivu", "https://intra.example.fi", SELF, False),
    # literal IP addresses: exactly, or by port wildcard; "*." never matches them.
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000", SELF, True),
    ("http://127.0.0.1:*", "http://127.0.0.1:5555", SELF, True),
    ("http://*.0.0.1:8000", "http://127.0.0.1:8000", SELF, False),
    ("http://127.0.0.2:8000", "http://127.0.0.1:8000", SELF, False),
]


def test_m003_parent_origin_matches_by_csp_source_expressions(dash_duo, browser_db):
    """The embed script matches parent origins against CSP source expressions and lists."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/embed/digiasiointi-osuus")
    results = dash_duo.driver.execute_script(
        "return arguments[0].map(c => window.tkFrameAncestors.matches(c[0], c[1], c[2]));",
        MATCH_CASES,
    )
    wrong = [case for case, got in zip(MATCH_CASES, results, strict=True) if got != case[3]]
    assert wrong == []
    # A list matches when any expression does; 'none' beside others changes nothing.
    lists = [
        (["'none'", "https://intra.example.fi"], "https://intra.example.fi", True),
        (["'self'", "https://*.example.fi"], "https://www.example.fi", True),
        (["'self'", "https://*.example.fi"], "https://www.example.org", False),
        ([], "https://tk.example.fi", False),
    ]
    allowed = dash_duo.driver.execute_script(
        "return arguments[0].map(c => window.tkFrameAncestors.allows(c[0], c[1], arguments[1]));",
        lists,
        SELF,
    )
    assert allowed == [expected for *_, expected in lists]
    assert dash_duo.get_logs() == []
