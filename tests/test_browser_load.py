"""A page renders once and then rests, also while both cores are busy (issue 7, item 14).

The reported failure: on a busy machine a page now and then never drew its charts,
because the page router ran again and again and every chart was requested anew. This
test loads pages repeatedly in headless Chromium (fresh loads of /hoitoonpaasy, and
the overview's "Avaa kuvaaja →" link clicked while the overview is still loading) with
two CPU-burning processes running, and counts the callback requests the server gets.

What one render needs: the router once, each chart card's body once, and no callback
twice; after the charts are drawn no request comes any more.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from dash.testing.wait import until

from app import app
from dashboards import hoitoonpaasy
from tests.servers import WAIT

pytestmark = pytest.mark.browser
PAGE = "/hoitoonpaasy"
# Every chart of /hoitoonpaasy: derived, so a chart added to the page needs no edit here.
CHARTS_ON_PAGE = len(hoitoonpaasy.CHART_IDS)
ROUTER = "_pages_content.children"
ROUNDS = 2  # fresh loads, and twice as many overview-link navigations
QUIET = 1.5  # seconds without a request that count as "at rest"


@contextmanager
def busy_cores(count: int = 2) -> Iterator[None]:
    """Keep ``count`` cores busy with CPU-burning processes; stop exactly those after."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait(timeout=30)


class CallbackLog:
    """WSGI middleware recording each ``/_dash-update-component`` request: which callback
    (its ``output``) for which components (its resolved ``outputs``)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.lock = threading.Lock()
        self.calls: list[tuple[float, str, str]] = []

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").endswith("/_dash-update-component"):
            import io

            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            try:
                request = json.loads(body)
                entry = (request["output"], json.dumps(request["outputs"], sort_keys=True))
            except (ValueError, KeyError, TypeError):
                entry = ("?", "?")
            with self.lock:
                self.calls.append((time.monotonic(), *entry))
        return self.wsgi_app(environ, start_response)

    def since(self, start: float) -> list[tuple[str, str]]:
        with self.lock:
            return [(output, target) for at, output, target in self.calls if at >= start]

    def wait_for_rest(self, start: float) -> None:
        """Wait until no request has arrived for ``QUIET`` seconds (at most ``WAIT``)."""

        def resting() -> bool:
            with self.lock:
                last = max((at for at, *_ in self.calls), default=start)
            return time.monotonic() - max(last, start) >= QUIET

        until(resting, timeout=WAIT, poll=0.5, msg="callback requests never stopped")


@pytest.fixture
def callback_log() -> Iterator[CallbackLog]:
    original = app.server.wsgi_app
    log = CallbackLog(original)
    app.server.wsgi_app = log
    try:
        yield log
    finally:
        app.server.wsgi_app = original


def _assert_one_render(log: CallbackLog, start: float, what: str, exact: bool = True) -> None:
    """After ``start``: the router ran once, each chart body was requested once, and
    (``exact``) no callback twice; then the requests stopped."""
    log.wait_for_rest(start)
    calls = log.since(start)
    routers = sum(1 for output, _target in calls if ROUTER in output)
    bodies = sum(1 for output, _target in calls if '"chart-body"' in output)
    assert routers == 1, f"{what}: the router ran {routers} times ({len(calls)} requests)"
    assert bodies == CHARTS_ON_PAGE, f"{what}: {bodies} chart bodies for {CHARTS_ON_PAGE} cards"
    if exact:
        repeated = {call: n for call, n in Counter(calls).items() if n > 1}
        assert not repeated, f"{what}: callbacks requested more than once: {repeated}"


def _wait_for_charts(dash_duo) -> None:
    until(
        lambda: len(dash_duo.find_elements(".chart-card .js-plotly-plot")) == CHARTS_ON_PAGE,
        timeout=WAIT,
        msg="the charts were never drawn",
    )


def _at_rest(dash_duo, log: CallbackLog) -> float:
    """Leave the app (a blank page) and wait until its last requests are answered."""
    dash_duo.driver.get("about:blank")
    log.wait_for_rest(time.monotonic())
    return time.monotonic()


def _overview_link(dash_duo):
    dash_duo.driver.get(dash_duo.server_url + "/?from=2023-01")
    return dash_duo.wait_for_element("#kpi-hoitotakuu-7vrk a", timeout=WAIT)


def _follow(dash_duo, link) -> None:
    link.click()
    until(lambda: PAGE in dash_duo.driver.current_url, timeout=WAIT)
    _wait_for_charts(dash_duo)


def test_l001_pages_render_once_while_both_cores_are_busy(dash_duo, browser_db, callback_log):
    """A page renders once per load or link, even when both CPU cores are busy."""
    dash_duo.start_server(app)
    with busy_cores(2):
        _at_rest(dash_duo, callback_log)  # the start page's requests are not counted
        for round_ in range(ROUNDS):
            # A fresh load of the page.
            start = time.monotonic()
            dash_duo.driver.get(dash_duo.server_url + PAGE)
            _wait_for_charts(dash_duo)
            _assert_one_render(callback_log, start, f"fresh load {round_ + 1}")

            # The overview's link once the overview is at rest: exactly one render.
            link = _overview_link(dash_duo)
            callback_log.wait_for_rest(time.monotonic())
            start = time.monotonic()
            _follow(dash_duo, link)
            _assert_one_render(callback_log, start, f"overview link {round_ + 1}")

            # The link clicked as soon as it is there, while the overview's own cards
            # are still loading (their late requests are counted too, so only the
            # router and the chart bodies are counted exactly).
            link = _overview_link(dash_duo)
            start = time.monotonic()
            _follow(dash_duo, link)
            _assert_one_render(callback_log, start, f"early link {round_ + 1}", exact=False)
    assert dash_duo.get_logs() == []


def test_l002_a_link_within_the_page_rebuilds_nothing_and_back_rebuilds_once(
    dash_duo, browser_db, callback_log
):
    """With several locations the router's copy of the address fell behind the address
    bar after every change of a filter; the next event of the browser's history (here
    the skip link "Siirry sisältöön", a jump within the page) then rebuilt the whole
    page and requested every chart again. One location is never behind."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + PAGE + "?from=2023-01")
    _wait_for_charts(dash_duo)
    dash_duo.find_element("#filter-grain input[value='year']").click()
    until(lambda: "grain=year" in dash_duo.driver.current_url, timeout=WAIT)
    callback_log.wait_for_rest(time.monotonic())

    start = time.monotonic()
    dash_duo.driver.execute_script("document.querySelector('.skip-link').click()")
    until(lambda: dash_duo.driver.current_url.endswith("#main"), timeout=WAIT)
    callback_log.wait_for_rest(start)
    assert callback_log.since(start) == []

    start = time.monotonic()
    dash_duo.driver.back()  # to the year grain without "#main": nothing to rebuild
    dash_duo.driver.back()  # to the month grain: the page is rebuilt once
    until(lambda: "grain=" not in dash_duo.driver.current_url, timeout=WAIT)
    _wait_for_charts(dash_duo)
    _assert_one_render(callback_log, start, "back")
    assert dash_duo.get_logs() == []
