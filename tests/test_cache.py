"""Caching: results are shared through Redis, and cache keys are the same in every
worker process (flask-caching builds keys from the arguments' string form)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from flask import Flask

import queries.access
from queries.access import access_within_days
from queries.cache import cache
from queries.filters import Filters
from settings import get_settings
from tests.prerequisites import redis_url

REDIS_URL = redis_url()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def redis_app():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(
            f"Redis at {REDIS_URL} is not reachable ({exc}); tests never skip it.", pytrace=False
        )
    client.flushdb()
    flask_app = Flask("redis-cache-test")
    original = cache.app  # init_app makes flask_app the one used outside a context
    cache.init_app(
        flask_app,
        config={
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": "tktest:",
        },
    )
    yield flask_app, client
    cache.app = original
    client.flushdb()


def test_r001_second_call_is_served_from_redis(reporting_db, redis_app, monkeypatch):
    """A second identical query is answered from Redis without touching the database."""
    flask_app, client = redis_app
    filters = Filters(start="2024-01", end="2024-02")
    with flask_app.app_context():
        first = access_within_days(filters, 7)
        assert list(client.scan_iter("tktest:*"))

        def fail(*_args, **_kwargs):
            raise AssertionError("the database was queried although the result is cached")

        monkeypatch.setattr(queries.access, "fetch_frame", fail)
        second = access_within_days(filters, 7)
    assert second.equals(first)
    assert second.loc[0, "value"] == 57.1  # 8 / 14, see test_queries


def _key_in_fresh_process() -> str:
    code = (
        "from app import app\n"
        "from queries.access import access_within_days\n"
        "from queries.filters import Filters\n"
        "with app.server.app_context():\n"
        "    f, _ = Filters.from_query({'unit': 'TA02,TA01', 'from': '2024-01'})\n"
        "    print(access_within_days.make_cache_key(access_within_days.uncached, f, 7))\n"
    )
    env = {
        **os.environ,
        "PYTHONHASHSEED": "random",
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": REDIS_URL,
        # The key carries the reporting data's version, read from the database.
        "TK_REPORTING_DB_URL": get_settings().reporting_db_url,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def test_r002_cache_keys_are_identical_across_processes(reporting_db, redis_app):
    """Two processes with different hash seeds build the same cache key for the same query."""
    # Two interpreters with different hash seeds stand for two gunicorn workers sharing
    # one Redis (the key's tail is a version kept in the cache itself, so it is shared
    # too; with SimpleCache each process has its own cache and its own version).
    first, second = _key_in_fresh_process(), _key_in_fresh_process()
    assert first == second and len(first) > 10
    assert get_settings().cache_timeout > 0
