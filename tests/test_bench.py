"""The benchmark keeps working: one tiny run of each measurement on the fixture DB.
(Its numbers are not asserted: benchmarks are not tests.)"""

from __future__ import annotations

import os

from bench.run import measure_http
from bench.sql import measure_sql
from charts.catalog import CHARTS
from settings import get_settings
from tests.test_cache import REDIS_URL


def test_h001_benchmark_measures_every_chart(browser_db, monkeypatch):
    """The SQL and HTTP benchmarks measure every chart once, with non-trivial figure sizes."""
    # browser_db: the foundation fixture on DuckDB only; one engine is enough here.
    sql = measure_sql(1)
    assert set(sql) == set(CHARTS) and all(v["runs"] == 1 for v in sql.values())
    monkeypatch.setenv("TK_REPORTING_DB_URL", get_settings().reporting_db_url)
    assert os.environ["TK_REPORTING_DB_URL"].startswith("duckdb:///")
    http = measure_http(1, 1, REDIS_URL)
    assert set(http["charts"]) == set(CHARTS)
    for numbers in http["charts"].values():
        assert numbers["figure_gzip_bytes"] > 100 and numbers["warm"]["runs"] == 1


def test_h002_browser_benchmark_measures_a_page(browser_db, monkeypatch):
    """The browser benchmark measures one page with script time, nodes and callbacks per card."""
    from bench.browser import measure, served_app

    monkeypatch.setenv("TK_REPORTING_DB_URL", get_settings().reporting_db_url)
    with served_app(REDIS_URL) as base:
        results = measure(base, 1, profile=True, only=["hoitoonpaasy"])
    assert list(results) == ["hoitoonpaasy"]
    summary = results["hoitoonpaasy"]["summary"]
    assert summary["ScriptDuration"] > 0 and summary["Nodes"] > 0 and summary["elements"] > 0
    # One answer per chart card at least (the page's seven), each with a body.
    assert summary["callbacks"] >= 7 and summary["largest_callback_bytes"] > 0
    assert sum(results["hoitoonpaasy"]["profile_ms"]["groups"].values()) > 0
