"""Outage drill (issue 12): the reporting database goes away under a serving app and
comes back, and nobody sees a 5xx, a trace or an empty card.

Done when: "An outage drill test starts its own throw-away PostgreSQL cluster, serves
from it, stops it mid-run and starts it again: no 5xx, every card shows data (stale,
with its time) during the outage, ``/readyz`` 503 then 200, and the cards recover
without a reload."

The drill, in one test because each step stands on the one before:

1. A throw-away PostgreSQL cluster (``tests.pg_cluster``) gets the demo data at
   ``DEMO_SCALE`` (the same generator, schema and aggregates as ``make postgres-demo``,
   fewer events: about 10 s instead of 100 s at full size).
2. A real gunicorn serves from it with ``make serve``'s settings (``gunicorn.conf.py``:
   threaded workers, the request log) and two workers sharing the Redis cache on db
   ``REDIS_DB``; cached results live only ``CACHE_TIMEOUT`` seconds, so during the
   outage the normal cache entries have expired and only the "last good" copies can
   serve. Its output (the request log and every log line) goes to a file.
3. Headless Chromium opens the overview and the four area pages and waits until every
   card has drawn its data; the number of cards per page is recorded (and checked
   against the pages' modules).
4. The cluster stops at once (``pg_ctl stop -m immediate``: connections cut, as when the
   database host falls over). After ``OUTAGE_SETTLE`` seconds (everything cached,
   kept or remembered has expired) ``/readyz`` answers 503, and a fresh load of each
   page shows every card with its data *and* the stale notice with the time the data
   was fetched; a page whose filters were never computed (``NEVER_COMPUTED``) shows
   the database notice in each card instead of a trace.
5. The cluster starts again. Without reloading (each page of step 4 stays open in a
   tab of its own), within ``RECOVERY_WAIT`` seconds every stale notice is gone with
   the charts still drawn, the never-computed page's cards draw their charts, and
   ``/readyz`` answers 200.
6. The server's output has no 5xx answer (``/readyz``'s 503 during the outage is its
   job) and no Traceback.

What it exercises: the last good copies (``queries.last_good``), the cards' retry
interval (``charts.cards.chart.retrying``, every ``RETRY_SECONDS`` here), the circuit breaker
(``queries.engine.Breaker``) and the data version kept in the shared cache — see
docs/operations.md. tests/test_last_good.py checks the same behaviour piece by piece.
"""

from __future__ import annotations

import importlib
import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import requests
from dash.testing.wait import until

from charts.areas import INVESTMENT_AREAS
from reporting.load import load_postgres
from request_log import LOGGER_NAME
from response_cache import KEEP_SECONDS
from tests.pg_cluster import pg_cluster  # noqa: F401 - a fixture
from tests.prerequisites import CHROMIUM_FLAGS, chromium_path, redis_url
from tests.servers import ROOT, WAIT, gunicorn_server

pytestmark = pytest.mark.browser  # PostgreSQL too: a tier may use the cheaper ones

# --- What the cards show ----------------------------------------------------------------
# The stale notice of a card serving its last good result ("tiedot haettu klo …"):
# charts.cards.chart.stale_notice on chart cards, the KPI card's own line (callbacks.kpi_cards).
STALE_NOTICE_SELECTOR = ".stale-notice"
# charts.cards.chart.chart_error: the database notice of a card with no last good result.
ERROR_SELECTOR = ".db-error"
CHART_CARD, CHART_DRAWN = ".chart-card", ".js-plotly-plot .main-svg"  # dcc.Graph drawn
KPI_CARD, KPI_DRAWN = ".kpi-card", ".kpi-status"  # charts.cards.kpi.kpi_body

# --- The pages --------------------------------------------------------------------------
# (address, card selector, selector of a card's drawn data, expected number of cards).
KPIS = sum(len(ids) for ids in importlib.import_module("dashboards.overview").KPI_IDS.values())
PAGES = [
    ("/", KPI_CARD, KPI_DRAWN, KPIS),
    *(
        (
            area.path,
            CHART_CARD,
            CHART_DRAWN,
            len(importlib.import_module(f"dashboards.{area.slug}").CHART_IDS),
        )
        for area in INVESTMENT_AREAS
    ),
]
# Filters no page above asks for: nothing of them is cached or "last good" when the
# database goes away (the drill's Redis db is emptied first).
NEVER_COMPUTED = (
    "/hoitoonpaasy?from=2024-03&to=2025-08",
    CHART_CARD,
    CHART_DRAWN,
    PAGES[1][3],
)

# --- The setting and the waits ----------------------------------------------------------
DEMO_SCALE = 0.05  # of the full demo's event volumes (1 = ~1.4 M contacts a year)
REDIS_DB = 12  # the drill's own Redis database, emptied before and after
CACHE_TIMEOUT = 3  # s: TK_CACHE_TIMEOUT, normal cache entries expire during the outage
DATA_VERSION_TTL = 1  # s: TK_DATA_VERSION_TTL, the data version is asked for again soon
RETRY_SECONDS = 5  # s: TK_RETRY_SECONDS, a card's retry interval and the database's rest
# Past every way an answer outlives the database: the cache entries, the process-local
# kept answers (response_cache) and the remembered data version, plus a margin for a
# busy machine.
OUTAGE_SETTLE = max(CACHE_TIMEOUT, KEEP_SECONDS, DATA_VERSION_TTL) + 5
# The cluster's restart (crash recovery) plus the card's retry interval, on a busy
# machine: the cards must recover on their own within this.
RECOVERY_WAIT = 120
HTTP_TIMEOUT = 60  # s per plain request (readiness)

# --- The server's output ----------------------------------------------------------------
# The request log's lines (request_log.py): the logger's name, then one JSON object.
REQUEST_LINE = re.compile(re.escape(LOGGER_NAME) + r":(?P<record>\{.*\})\s*$")
# The one 5xx the drill expects: readiness saying "not ready" during the outage.
EXPECTED_5XX_PATHS = ("/readyz",)


def statuses(lines: Iterable[str]) -> list[tuple[int, str, str]]:
    """``(status, path, line)`` for each line of the request log in the server's
    output (``request_log.RequestLog``)."""
    found = []
    for line in lines:
        match = REQUEST_LINE.search(line)
        if match:
            record = json.loads(match["record"])
            found.append((int(record["status"]), record["path"], line.rstrip()))
    return found


def unexpected_5xx(lines: Iterable[str]) -> list[str]:
    """The request lines with a 5xx status other than readiness's."""
    return [
        line
        for status, path, line in statuses(lines)
        if status >= 500 and urlsplit(path).path not in EXPECTED_5XX_PATHS
    ]


# The start of a log record: Python's default format ("ERROR:callbacks.kpi_cards:...")
# or gunicorn's ("[2026-11-30 22:00:00 +0000] [123] [ERROR] ...").
RECORD_START = re.compile(r"^(?:[A-Z]+:[\w.]+:|\[[^\]]+\] \[\d+\] \[[A-Z]+\])")


def traced_records(lines: list[str]) -> list[str]:
    """The log records that came with a Traceback, each once: the record's own line
    (the nearest record start above the trace), else the line above the trace."""
    found: list[str] = []
    for i, line in enumerate(lines):
        if "Traceback" not in line:
            continue
        above = next(
            (lines[j] for j in range(i - 1, -1, -1) if RECORD_START.match(lines[j])),
            lines[i - 1] if i else line,
        )
        if above not in found:
            found.append(above)
    return found


def test_od000_status_codes_read_from_the_request_log():
    """The log check reads the request log's JSON lines, and nothing else."""
    lines = [
        'INFO:tietokeskustelut.requests:{"method": "GET", "path": "/readyz", "status": 503,'
        ' "duration_ms": 3.1, "bytes": 45}',
        'INFO:tietokeskustelut.requests:{"method": "POST", "path": "/_dash-update-component",'
        ' "status": 500, "duration_ms": 12.0, "bytes": 12}',
        'INFO:tietokeskustelut.requests:{"method": "GET", "path": "/hoitoonpaasy",'
        ' "status": 200, "duration_ms": 41.7, "bytes": 5321}',
        "WARNING:callbacks.chart_cards:chart jonot: reporting database failed: status=500",
    ]
    assert [s[:2] for s in statuses(lines)] == [
        (503, "/readyz"),
        (500, "/_dash-update-component"),
        (200, "/hoitoonpaasy"),
    ]
    assert unexpected_5xx(lines) == [lines[1]]


def test_od002_traces_named_by_their_log_record():
    """A trace in the server's output is reported by the record that logged it."""
    lines = [
        "ERROR:callbacks.kpi_cards:KPI jonot failed",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in f',
        "OSError: refused",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        "sqlalchemy.exc.OperationalError: refused",
        "[2026-11-30 22:00:00 +0000] [7] [ERROR] Error handling request /x",
        "Traceback (most recent call last):",
        "WARNING:queries.data_version:metadata not read; keeping version 'v'",
    ]
    assert traced_records(lines) == [lines[0], lines[9]]


# --- The browser ------------------------------------------------------------------------
CARDS_JS = """
const [cardSel, drawnSel, staleSel, errorSel] = arguments;
return Array.from(document.querySelectorAll(cardSel)).map(function (card) {
    const title = card.querySelector('h2, h3');
    return {
        card: card.id || (title ? title.textContent.trim() : '?'),
        drawn: card.querySelector(drawnSel) !== null,
        stale: card.querySelector(staleSel) !== null,
        error: card.querySelector(errorSel) !== null,
    };
});
"""


def cards(driver, card: str, drawn: str) -> list[dict]:
    """Each card of the open page: its id, and whether it shows its data drawn, the
    stale notice and the database notice."""
    return driver.execute_script(CARDS_JS, card, drawn, STALE_NOTICE_SELECTOR, ERROR_SELECTOR)


def drill_driver():
    """Headless Chromium with the browser tests' flags (``CHROMIUM_FLAGS``) whose tabs
    in the background keep running their timers at full speed: the drill leaves a tab
    per page open through the outage and expects each card's own retry to fire there
    (Chromium otherwise slows a hidden tab's timers, down to once a minute)."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path() or "/usr/bin/chromium"
    for flag in (
        *CHROMIUM_FLAGS,
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(WAIT)
    return driver


def new_tab(driver) -> str:
    """Open a new tab, switch to it and return its handle."""
    driver.switch_to.new_window("tab")
    return driver.current_window_handle


def settled(driver) -> bool:
    """Whether no Dash callback is updating the page."""
    return driver.execute_script(
        "return document.querySelectorAll(\"[data-dash-is-loading='true']\").length === 0"
    )


def open_page(driver, base: str, path: str, card: str, count: int) -> None:
    """A fresh load of ``path``: returns once its ``count`` cards are there (what they
    show is for the caller to check: during the outage the cards' retries keep some
    callback running every few seconds, so "no callback running" is no condition)."""
    driver.get("about:blank")
    driver.get(base + path)
    until(
        lambda: len(cards(driver, card, "*")) == count,
        timeout=WAIT,
        msg=f"{path}: not {count} cards",
    )


def wait_for_cards(driver, path: str, card: str, drawn: str, want, what: str, timeout=WAIT):
    """Wait until ``want(state)`` holds for every card of the open page; the failure
    names the cards that do not."""
    last: list[dict] = []

    def holds() -> bool:
        nonlocal last
        last = cards(driver, card, drawn)
        return bool(last) and all(want(state) for state in last)

    try:
        until(holds, timeout=timeout)
    except Exception as exc:  # dash's TestingTimeoutError: say which cards
        failing = [state for state in last if not want(state)]
        if not last:  # no card at all: say what the tab shows instead
            shown = driver.execute_script("return document.body ? document.body.innerText : ''")
            failing = f"no cards; the tab at {driver.current_url} shows {shown[:400]!r}"
        raise AssertionError(f"{path}: not every card {what}: {failing}") from exc


def drawn_fresh(state: dict) -> bool:
    return state["drawn"] and not state["stale"] and not state["error"]


def drawn_stale(state: dict) -> bool:
    return state["drawn"] and state["stale"] and not state["error"]


def database_notice(state: dict) -> bool:
    return state["error"] and not state["drawn"]


# --- Setting up -------------------------------------------------------------------------
def drill_redis_url() -> str:
    """The tests' Redis (``TK_TEST_REDIS_URL``) on the drill's own database."""
    parts = urlsplit(redis_url())
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def ready_status(base: str) -> int:
    return requests.get(base + "/readyz", timeout=HTTP_TIMEOUT).status_code


@pytest.fixture(scope="module")
def reporting_cluster(pg_cluster):  # noqa: F811 - the fixture imported above
    """The throw-away cluster with the demo data at ``DEMO_SCALE``."""
    started = time.monotonic()
    load_postgres(pg_cluster.url, scale=DEMO_SCALE)
    print(f"demo data at scale {DEMO_SCALE} loaded in {time.monotonic() - started:.1f} s")
    return pg_cluster


@pytest.fixture
def drill_cache():
    """The drill's Redis database, empty (no last good from an earlier run) and
    emptied again afterwards."""
    url = drill_redis_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def test_od001_outage_drill(reporting_cluster, drill_cache, tmp_path):
    """The drill of the module's doc, steps 2 to 6; ``-s`` prints when each step ended
    (seconds since the server answered)."""
    cluster = reporting_cluster
    log_path: Path = tmp_path / "server.log"
    env = {
        "TK_REPORTING_DB_URL": cluster.url,
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": drill_cache,
        "TK_CACHE_TIMEOUT": str(CACHE_TIMEOUT),
        "TK_DATA_VERSION_TTL": str(DATA_VERSION_TTL),
        "TK_WARM_AT_START": "0",
        # The cards ask again every RETRY_SECONDS (a failing database rests as long;
        # a stale result is rebuilt at most that often): the recovery is seen soon.
        "TK_RETRY_SECONDS": str(RETRY_SECONDS),
    }
    timings: dict[str, float] = {}
    started = time.monotonic()

    def lap(name: str) -> None:
        """Note (and print: ``-s`` shows it, a failure's report too) when a step ended."""
        timings[name] = round(time.monotonic() - started, 1)
        print(f"drill: {name} at {timings[name]} s", flush=True)

    with (
        log_path.open("w") as output,
        gunicorn_server(
            "app:server",
            env,
            ready_path="/readyz",
            workers=2,
            options=("-c", str(ROOT / "gunicorn.conf.py")),
            output=output,
        ) as base,
    ):
        driver = drill_driver()
        try:
            lap("server up")
            # 3. Every page draws every card from the database.
            counts = {}
            for path, card, drawn, count in PAGES:
                open_page(driver, base, path, card, count)
                wait_for_cards(driver, path, card, drawn, drawn_fresh, "drew its data")
                counts[path] = len(cards(driver, card, drawn))
            assert counts == {path: count for path, _, _, count in PAGES}
            assert ready_status(base) == 200
            lap(f"pages drawn (cards per page: {counts})")

            # 4. The database goes away. Each page is opened afresh in a tab of its own
            # and left open there, for step 5.
            cluster.stop()
            lap("database stopped")
            time.sleep(OUTAGE_SETTLE)
            assert ready_status(base) == 503
            tabs = {}
            for path, card, drawn, count in PAGES:
                tabs[path] = new_tab(driver)
                open_page(driver, base, path, card, count)
                wait_for_cards(
                    driver, path, card, drawn, drawn_stale, "shows its last good data as stale"
                )
            lap("stale pages checked")
            # A page of filters never computed has no last good: the database notice.
            path, card, drawn, count = NEVER_COMPUTED
            tabs[path] = new_tab(driver)
            open_page(driver, base, path, card, count)
            wait_for_cards(driver, path, card, drawn, database_notice, "shows the notice")
            lap("never-computed page checked")

            # 5. The database comes back: every tab opened during the outage recovers by
            # itself (the cards' own retries), without a reload.
            cluster.start()
            lap("database started")
            deadline = time.monotonic() + RECOVERY_WAIT
            for path, card, drawn, _count in [*PAGES, NEVER_COMPUTED]:
                driver.switch_to.window(tabs[path])
                left = max(deadline - time.monotonic(), 1.0)
                wait_for_cards(driver, path, card, drawn, drawn_fresh, "recovered", timeout=left)
            until(lambda: ready_status(base) == 200, timeout=RECOVERY_WAIT)
            lap("recovered")
        finally:
            driver.quit()

    # 6. Nothing failed on the server.
    lines = log_path.read_text(errors="replace").splitlines()
    assert statuses(lines), "no request lines in the server's output: is the log format read?"
    assert unexpected_5xx(lines) == []
    assert traced_records(lines) == []
