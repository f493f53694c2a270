"""The load tools run against a real server and report sane structures (issue 10).

`make loadtest` (bench/loadtest.py) and the cold burst of `make bench`
(bench/cold_burst.py) on the foundation fixture in PostgreSQL: a page view recorded in
headless Chromium, replayed by 5 locust users for 10 s and by a 3-user burst on an empty
cache, with the queries counted on the database. Numbers are not asserted: benchmarks
are not tests.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from bench import cold_burst
from bench.dbcount import STATEMENTS, TABLE_SCANS, QueryCounter
from bench.pageview import record, save
from bench.run import RESULTS
from bench.target import NotLoopback, check_loopback, started_server
from dashboards import hoitoonpaasy
from tests.conftest import fixture_db_url
from tests.fixtures import foundation
from tests.servers import ROOT
from tests.test_cache import REDIS_URL

pytestmark = pytest.mark.browser  # PostgreSQL too: a tier may use the cheaper ones
PAGES = ["/", "/hoitoonpaasy"]
CALLBACK = "/_dash-update-component"  # with the page load's signed endId after "?"


@pytest.fixture(scope="module")
def pg_url(request) -> str:
    return fixture_db_url("postgresql", foundation, request)


@pytest.fixture(scope="module")
def served(pg_url, tmp_path_factory):
    """A started server (1 worker, 2 threads, Redis cache) and its recorded page views."""
    with started_server(pg_url, REDIS_URL, workers=1, threads=2) as base:
        views = record(base, PAGES)
        path = tmp_path_factory.mktemp("load") / "pageviews.json"
        save(views, path)
        yield base, views, path


def test_recording_is_the_browsers_chain(served):
    """The recorded page views follow the browser's request waves, chart bodies after the router."""
    _base, views, _path = served
    assert [view.page for view in views] == PAGES
    for view in views:
        assert len(view.waves[0]) == 1 and view.waves[0][0].method == "GET"
        assert view.waves[0][0].path == view.page
        assert {r.path for r in view.waves[1]} == {"/_dash-layout", "/_dash-dependencies"}
        later = [r for wave in view.waves[2:] for r in wave]
        assert later and all(r.method == "POST" and r.path.split("?")[0] == CALLBACK for r in later)
        assert all("output" in json.loads(r.body) for r in later)
    charts = {
        json.loads(r.body)["outputs"]["id"]["chart"]
        for wave in views[1].waves[2:]
        for r in wave
        if '"chart-body"' in r.body
    }
    assert charts == set(hoitoonpaasy.CHART_IDS)
    # The cards exist only once the router has answered: their bodies come a wave later.
    wave_of = {r.label: n for n, wave in enumerate(views[1].waves) for r in wave}
    router = next(n for label, n in wave_of.items() if "_pages_content" in label)
    assert router == 2
    assert all(n > router for label, n in wave_of.items() if "chart-body" in label)


def test_loadtest_reports_page_views(served):
    """The load test runs against the server and reports page views, sizes, times and CPU."""
    base, views, path = served
    out = "test-loadtest.json"
    command = [
        sys.executable,
        "-m",
        "bench.loadtest",
        "--url",
        base,
        "--users",
        "5",
        "--duration",
        "10",
        "--spawn",
        "2",
        "--recording",
        str(path),
        "--out",
        out,
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((RESULTS / out).read_text(encoding="utf-8"))["loadtest"]
    (RESULTS / out).unlink()
    assert report["users"] == 5 and report["page_views"] > 0
    assert report["failed_page_views"] == 0, report["failure_reasons"]
    sizes = [view.requests for view in views]
    assert min(sizes) <= report["requests_per_page_view"] <= max(sizes)
    times = report["page_view_ms"]
    assert 0 < times["p50"] <= times["p95"] <= times["max"]
    assert set(report["page_view_ms_by_page"]) <= set(PAGES)
    assert report["server_processes"] >= 2  # gunicorn's master and its worker
    assert report["server_cpu_s_per_page_view"] > 0 and report["load_generator_cpu_s"] > 0


def test_cold_burst_counts_queries_on_the_database(served, pg_url):
    """The cold burst measures every user and counts at least the baseline queries per key."""
    base, views, _path = served
    counter = QueryCounter(pg_url)
    try:
        report = cold_burst.measure(base, views[1], 3, REDIS_URL, counter)
    finally:
        counter.dispose()
    assert len(report["per_user_s"]) == 3 and report["errors"] == []
    assert report["complete_users"] == 3
    assert report["last_user_s"] == max(report["per_user_s"])
    assert report["count_method"] in (STATEMENTS, TABLE_SCANS)
    counts = report["query_counts"]
    assert sum(row["baseline"] for row in counts) > 0
    # The cache was empty both times and computes each key once: every memoized query
    # runs in the burst at least as often as for one user. Not so the metadata read:
    # each process keeps it for TK_DATA_VERSION_TTL (30 s), so whether the baseline or
    # the burst reads it depends on when the process last did (CI saw 1 and 0).
    memoized = [row for row in counts if "reporting_meta" not in row["query"]]
    assert memoized, counts
    short = [row for row in memoized if row["burst"] < row["baseline"]]
    assert short == [], short


def test_counter_counts_what_ran(pg_url):
    """The query counter counts the statements or table scans that ran."""
    counter = QueryCounter(pg_url)
    other = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    try:
        counter.reset()
        with other.connect() as conn:
            for _ in range(2):
                conn.execute(sa.text("SELECT count(*) FROM units WHERE unit_id <> 'none'"))
        counts = counter.counts()
    finally:
        other.dispose()
        counter.dispose()
    if counter.method == STATEMENTS:
        assert [calls for text, calls in counts.items() if "FROM units WHERE" in text] == [2]
    else:
        assert counts.get("units") == 2


@pytest.mark.parametrize("url", ["http://example.org:8050", "http://10.0.0.5", "ftp://127.0.0.1"])
def test_only_loopback_is_a_target(url):
    """The load tools refuse any target that is not loopback HTTP, also from the command line."""
    with pytest.raises(NotLoopback):
        check_loopback(url)
    done = subprocess.run(
        [sys.executable, "-m", "bench.loadtest", "--url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "only talk to a server on this machine" in done.stderr


def test_loopback_targets_are_accepted():
    """Loopback URLs are accepted as targets, without a trailing slash."""
    assert check_loopback("http://127.0.0.1:8050/") == "http://127.0.0.1:8050"
    assert check_loopback("http://localhost:8050") == "http://localhost:8050"
