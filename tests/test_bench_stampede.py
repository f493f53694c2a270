"""The cold-burst benchmark keeps working: a tiny run on the fixture DB (DuckDB).
(Its numbers are not asserted: benchmarks are not tests.)"""

from __future__ import annotations

from bench.stampede import measure
from settings import get_settings
from tests.test_cache import REDIS_URL


def test_h101_stampede_benchmark_runs_a_cold_and_a_warm_burst(browser_db, monkeypatch):
    monkeypatch.setenv("TK_REPORTING_DB_URL", get_settings().reporting_db_url)
    result = measure(users=2, workers=1, threads=1, page="/hoitoonpaasy", redis_url=REDIS_URL)
    # /hoitoonpaasy has 7 chart cards (README's table); every answer was a chart.
    assert (result["users"], result["charts_per_user"]) == (2, 7)
    assert result["notices"] == result["http_errors"] == 0
    assert result["warm"]["notices"] == result["warm"]["http_errors"] == 0
    assert "statement_calls" not in result  # counted only on PostgreSQL
