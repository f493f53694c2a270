"""Embedding in an intranet page on a different loopback origin, in headless Chromium:
framing follows TK_FRAME_ANCESTORS (CSP frame-ancestors), and the embedded chart
reports its height to an allowed parent only."""

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


def test_m001_allowed_origin_shows_chart_and_gets_height(dash_duo, browser_db, parent_site):
    folder, origin = parent_site
    original = get_settings()
    configure(replace(original, frame_ancestors=f"'self' {origin}"))
    try:
        dash_duo.start_server(app)
        _show_parent(dash_duo, folder, origin)
        dash_duo.wait_for_element(".js-plotly-plot", timeout=WAIT)
        # No navigation inside the frame, the chart card only.
        assert dash_duo.driver.find_element("id", "app-header").get_attribute("hidden")
        dash_duo.wait_for_contains_text(".chart-summary", "3/2024: 50,0")
        dash_duo.driver.switch_to.default_content()
        until(lambda: dash_duo.driver.execute_script("return window.heights.length") > 0,
              timeout=WAIT)
        sender, height = dash_duo.driver.execute_script("return window.heights.slice(-1)[0]")
        assert sender == dash_duo.server_url.rstrip("/") and height > 300
        frame_height = dash_duo.driver.find_element("id", "frame").get_attribute("height")
        assert int(frame_height) > 300
        assert dash_duo.get_logs() == []
    finally:
        configure(original)


def test_m002_other_origin_is_refused(dash_duo, browser_db, parent_site):
    folder, origin = parent_site
    original = get_settings()
    configure(replace(original, frame_ancestors="'self'"))
    try:
        dash_duo.start_server(app)
        _show_parent(dash_duo, folder, origin)
        # Chromium replaces a refused frame with its own error page.
        until(lambda: dash_duo.driver.execute_script("return location.href").startswith(
            "chrome-error://"), timeout=WAIT)
        assert dash_duo.driver.find_elements("css selector", ".js-plotly-plot") == []
        dash_duo.driver.switch_to.default_content()
        assert dash_duo.driver.execute_script("return window.heights") == []
        logs = dash_duo.get_logs() or []
        assert any("frame-ancestors" in entry["message"] for entry in logs), logs
    finally:
        configure(original)
