"""The presentation-mode benchmark keeps working: one tiny run on the fixture DB.
(Its numbers are not asserted: benchmarks are not tests.)"""

from __future__ import annotations

from bench.present import measure
from settings import get_settings
from tests.test_cache import REDIS_URL


def test_h010_benchmark_moves_through_a_meeting(browser_db, monkeypatch):
    """The meeting benchmark times moving to the next item and first showings, with sizes."""
    # The server runs in its own process: it reads the fixture DB from the environment.
    monkeypatch.setenv("TK_REPORTING_DB_URL", get_settings().reporting_db_url)
    results = measure(rounds=1, items=2, redis_url=REDIS_URL)
    assert results["next_item"]["runs"] == 1 and set(results["per_item"]) == {2}
    assert results["first_showing"]["runs"] == 2
    assert all(size > 500 for size in results["response_gzip_bytes"].values())
