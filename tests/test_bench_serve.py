"""The serving benchmark keeps working: one tiny run on the fixture DB. (Its numbers
are not asserted: benchmarks are not tests; only that it measured what it says.)"""

from __future__ import annotations

from bench.serve import ENCODINGS, measure
from settings import get_settings
from tests.test_cache import REDIS_URL


def test_h101_serving_benchmark_measures_sizes_and_times(browser_db, monkeypatch):
    """The serving benchmark measures first visits and plotly and router sizes in every encoding."""
    monkeypatch.setenv("TK_REPORTING_DB_URL", get_settings().reporting_db_url)
    report = measure(1, REDIS_URL)
    assert set(report["first_visit"]) == set(ENCODINGS)
    assert report["files"] > 10
    assert set(report["plotly"]["bytes"]) == {*ENCODINGS, "zstd"}
    assert report["plotly"]["gzip"]["runs"] == report["router"]["gzip"]["runs"] == 1
