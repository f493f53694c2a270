"""One computation per cache key (queries.cache.LockingCache) and the data version in
the keys (queries.data_version), on real Redis and real PostgreSQL.

How the database's work is counted, per test: in this process with SQLAlchemy's
``before_cursor_execute`` event when every caller is a thread here; on the database
side with ``pg_stat_statements`` (PostgreSQL's own statement counter) when the callers
are several processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import plotly.io as pio
import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from charts.payload import chart_payload
from queries import data_version as data_version_module
from queries.cache import CacheWaitTimeout, cache
from queries.data_version import forget_data_version
from queries.engine import DATABASE_ERRORS, dispose_engines, fetch_frame, get_engine
from queries.filters import Filters
from queries.reference import reporting_meta
from queries.sql import statement
from settings import configure, get_settings
from tests.conftest import fixture_db_url, use_reporting_db
from tests.fixtures import foundation
from tests.fixtures.common import create_fixture_db
from tests.prerequisites import redis_url
from tests.servers import free_port

pytestmark = pytest.mark.postgres

REDIS_URL = redis_url()
ROOT = Path(__file__).resolve().parents[1]
CALLERS = 24
CHART = "hoitotakuu-lakisaateinen"


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is not reachable ({exc}); tests never skip.")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(autouse=True)
def _cache_app_restored():
    """flask-caching's ``init_app`` makes the last app initialised the one the shared
    ``cache`` uses outside an app context; give it back to the app after each test."""
    original = cache.app
    yield
    cache.app = original


def _app(cache_type: str) -> Flask:
    flask_app = Flask(f"lock-test-{cache_type}")
    config = {"CACHE_TYPE": cache_type, "CACHE_KEY_PREFIX": "tklock:"}
    if cache_type == "RedisCache":
        config["CACHE_REDIS_URL"] = REDIS_URL
    cache.init_app(flask_app, config=config)
    return flask_app


@pytest.fixture
def pg_db(request):
    """The foundation fixture on PostgreSQL; the settings restored afterwards."""
    original = get_settings()
    url = fixture_db_url("postgresql", foundation, request)
    use_reporting_db(url)
    forget_data_version()
    yield url
    dispose_engines()
    configure(original)
    forget_data_version()


@pytest.fixture
def lock_settings():
    """Set the lock's wait and expiry for one test."""
    original = get_settings()

    def apply(**changes):
        configure(replace(get_settings(), **changes))

    yield apply
    configure(original)


def _together(count: int, call) -> list:
    """Run ``call()`` in ``count`` threads released at one moment; the results (or
    the exceptions raised) in thread order."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at each outcome
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a caller hung"
    return results


def _digest(payload: dict) -> str:
    return hashlib.sha256(pio.to_json(payload, validate=False).encode()).hexdigest()


def test_l001_threads_on_redis_run_each_query_once(pg_db, redis_client):
    """Many threads opening one chart on Redis run each statement once and get the same chart."""
    flask_app = _app("RedisCache")
    executed: Counter = Counter()

    def count(_conn, _cursor, sql, params, _context, _many):
        executed[(sql, repr(params))] += 1

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:

        def open_chart():
            with flask_app.app_context():
                return _digest(chart_payload(CHART, Filters(), "fi", "series", ()))

        digests = _together(CALLERS, open_chart)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert all(isinstance(d, str) for d in digests), digests
    assert len(set(digests)) == 1  # every caller got the same chart
    # The chart reads the load metadata, the targets and its counts: each statement
    # with its parameters ran exactly once for all 24 callers (the data version too:
    # one thread per process reads it).
    assert executed and set(executed.values()) == {1}, executed
    # ... the chart's counts among them (from the access-visit aggregate).
    assert any("agg_access_visits" in sql for sql, _params in executed)


_WORKER = """
import hashlib, json, os, sys, threading, time
from pathlib import Path
from app import app
from charts.payload import chart_payload
from queries.filters import Filters
import plotly.io as pio

folder, index, threads = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
(folder / f"ready-{index}").touch()
deadline = time.monotonic() + 300
while not (folder / "go").exists() and time.monotonic() < deadline:
    time.sleep(0.01)
out = [None] * threads

def run(i):
    with app.server.app_context():
        payload = chart_payload(sys.argv[4], Filters(), "fi", "series", ())
    out[i] = hashlib.sha256(pio.to_json(payload, validate=False).encode()).hexdigest()

workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
for w in workers: w.start()
for w in workers: w.join()
print(json.dumps(out))
"""


def _statement_calls(admin: sa.Engine, database: str) -> dict[str, int]:
    """pg_stat_statements' call count per normalised statement in ``database``."""
    with admin.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT s.query, sum(s.calls) FROM pg_stat_statements s "
                "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = :db GROUP BY s.query"
            ),
            {"db": database},
        ).all()
    return {query: int(calls) for query, calls in rows}


def test_l002_processes_sharing_redis_run_the_chart_queries_once(
    request, redis_client, postgres_database_factory, tmp_path
):
    """Processes sharing Redis run the chart's count once and each targets query once per key."""
    # A database of its own, so that pg_stat_statements' counts for it are this test's.
    url = postgres_database_factory()
    engine = sa.create_engine(url)
    create_fixture_db(engine, foundation.tables())
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
    database = engine.url.database
    before = _statement_calls(engine, database)
    processes, threads = 4, 6
    env = {
        **os.environ,
        "TK_REPORTING_DB_URL": url,
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": REDIS_URL,
        "TK_APP_DB_URL": f"sqlite:///{tmp_path}/app.db",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tmp_path), str(i), str(threads), CHART],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    try:
        deadline = time.monotonic() + 300  # imports are slow on a busy machine
        while len(list(tmp_path.glob("ready-*"))) < processes:
            assert time.monotonic() < deadline, "the worker processes did not start"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.05)
        (tmp_path / "go").touch()
        outputs = [w.communicate(timeout=300) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    assert all(w.returncode == 0 for w in workers), [err[-2000:] for _out, err in outputs]
    digests = [d for out, _err in outputs for d in json.loads(out.strip().splitlines()[-1])]
    assert len(digests) == processes * threads and len(set(digests)) == 1
    after = _statement_calls(engine, database)
    engine.dispose()
    ran = {q: after[q] - before.get(q, 0) for q in after if after[q] != before.get(q, 0)}
    contacts = {q: n for q, n in ran.items() if "agg_access_visits" in q}
    targets = {q: n for q, n in ran.items() if "FROM targets" in q}
    # Counted by PostgreSQL itself, for 24 callers in 4 processes: the chart's count
    # over the access visits (their monthly aggregate) once; the targets statement
    # twice, once per key — the chart has a programme target (indicator
    # hoitotakuu-lakisaateinen) and a legal deadline
    # (lakisaateinen-maaraaika-perusterveydenhuolto), two calls of targets_for.
    assert contacts and set(contacts.values()) == {1}, ran
    assert list(targets.values()) == [2], ran
    # The load metadata with the data version: once per process, one thread of each
    # reading it.
    meta = {q: n for q, n in ran.items() if "FROM reporting_meta" in q}
    assert meta == {"SELECT key, value FROM reporting_meta": processes}, ran


def test_l003_a_failing_holder_caches_no_error_and_a_waiter_takes_over(
    redis_client, pg_db, lock_settings
):
    """A lock holder's error reaches only its caller, is not cached, and one waiter recomputes."""
    lock_settings(cache_lock_wait=60.0, cache_lock_timeout=30.0)
    flask_app = _app("RedisCache")
    calls: list[int] = []

    @cache.memoize()
    def flaky_total(tag: str) -> int:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(1.0)  # the others are waiting by now
            raise sa.exc.OperationalError("SELECT", {}, Exception("statement timeout"))
        return int(fetch_frame(statement("SELECT 40 + 2 AS n"), {}).loc[0, "n"])

    def call():
        with flask_app.app_context():
            return flaky_total("x")

    outcomes = _together(10, call)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    # The first caller's error reached only that caller and was not stored: one
    # waiter computed again (two computations in all), and nine callers got 42.
    assert len(errors) == 1 and isinstance(errors[0], sa.exc.OperationalError)
    assert sorted(o for o in outcomes if not isinstance(o, Exception)) == [42] * 9
    assert len(calls) == 2


def test_l004_a_dead_holders_lock_expires_and_a_waiter_computes(redis_client, pg_db, lock_settings):
    """A lock left by a dead worker expires and the next caller computes and caches the value."""
    lock_settings(cache_lock_wait=60.0, cache_lock_timeout=30.0)
    flask_app = _app("RedisCache")

    @cache.memoize()
    def answer(tag: str) -> int:
        return int(fetch_frame(statement("SELECT 6 * 7 AS n"), {}).loc[0, "n"])

    with flask_app.app_context():
        key = answer.make_cache_key(answer.uncached, "x")
        # A worker that took the lock for 2 s and died: nobody releases it.
        redis_client.set(f"tklock:lock:{key}", b"dead-worker", px=2000)
        assert answer("x") == 42
        assert cache.get(key) == 42


def test_l005_waiting_past_the_bound_is_the_database_unavailable_path(
    redis_client, pg_db, lock_settings
):
    """Waiting past the bound raises CacheWaitTimeout, a database error, and computes nothing."""
    lock_settings(cache_lock_wait=1.0, cache_lock_timeout=30.0)
    flask_app = _app("RedisCache")
    computed: list[int] = []

    @cache.memoize()
    def answer(tag: str) -> int:
        computed.append(1)
        return 42

    with flask_app.app_context():
        key = answer.make_cache_key(answer.uncached, "x")
        redis_client.set(f"tklock:lock:{key}", b"slow-worker", ex=60)  # still computing
        with pytest.raises(CacheWaitTimeout) as raised:
            answer("x")
    # Callers catch DATABASE_ERRORS and show "not available right now".
    assert isinstance(raised.value, DATABASE_ERRORS)
    assert computed == []


def test_l006_simple_cache_computes_once_per_process(pg_db):
    """With SimpleCache, concurrent callers in one process compute the value once."""
    flask_app = _app("SimpleCache")
    calls: list[int] = []

    @cache.memoize()
    def slow_answer(tag: str) -> int:
        calls.append(1)
        time.sleep(0.5)
        return 42

    def call():
        with flask_app.app_context():
            return slow_answer("x")

    assert _together(20, call) == [42] * 20
    assert len(calls) == 1


def _set_meta(url: str, key: str, value: str | None) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM reporting_meta WHERE key = :k"), {"k": key})
        if value is not None:
            conn.execute(
                sa.text("INSERT INTO reporting_meta (key, value) VALUES (:k, :v)"),
                {"k": key, "v": value},
            )
    engine.dispose()


def _set_units_county(url: str, code: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE units SET county_code = :c"), {"c": code})
    engine.dispose()


def test_l007_a_new_data_version_gives_new_results(request, redis_client, lock_settings):
    """Cached results change only with a new data version, or data_as_of when there is none."""
    # A database of this test's own, since it changes the load metadata.
    original = get_settings()
    url = request.getfixturevalue("postgres_database_factory")()
    engine = sa.create_engine(url)
    create_fixture_db(engine, foundation.tables())
    engine.dispose()
    use_reporting_db(url)
    lock_settings(data_version_ttl=3600.0)
    forget_data_version()
    flask_app = _app("RedisCache")

    # A memoized result that does not depend on the metadata's version by itself.
    @cache.memoize()
    def county_of_units() -> str:
        frame = fetch_frame(statement("SELECT MIN(county_code) AS c FROM units"), {})
        return str(frame["c"].iloc[0])

    try:
        with flask_app.app_context():
            _set_meta(url, "data_version", "2026-11-01T03:00:00+00:00")
            assert county_of_units() == "99"
            # New content under the same version is not seen: the result is cached.
            _set_units_county(url, "98")
            forget_data_version()
            assert county_of_units() == "99"
            # The next load writes a new version: new keys, new results.
            _set_meta(url, "data_version", "2026-12-01T03:00:00+00:00")
            forget_data_version()
            assert county_of_units() == "98"
            # Without data_version, data_as_of stands for the version.
            _set_meta(url, "data_version", None)
            _set_units_county(url, "97")
            forget_data_version()
            assert county_of_units() == "97"  # key of data_as_of 2024-04-30
            _set_units_county(url, "96")
            forget_data_version()
            assert county_of_units() == "97"  # same data_as_of: cached
            _set_meta(url, "data_as_of", "2024-05-31")
            forget_data_version()
            assert county_of_units() == "96"
            # The metadata itself is read with the version, never from an older one.
            _set_meta(url, "county_code", "95")
            assert reporting_meta()["county_code"] == "99"  # within the TTL
            forget_data_version()
            assert reporting_meta()["county_code"] == "95"
    finally:
        dispose_engines()
        configure(original)
        forget_data_version()


def test_l008_the_version_is_remembered_for_its_ttl(pg_db, lock_settings):
    """The data version is read again only after its TTL has passed."""
    # The foundation database is shared by the session: its own version is put back.
    original_version = data_version_module.read_load_meta()["data_version"]
    lock_settings(data_version_ttl=3600.0)
    _set_meta(pg_db, "data_version", "v1")
    try:
        assert data_version_module.data_version() == "v1"
        _set_meta(pg_db, "data_version", "v2")
        assert data_version_module.data_version() == "v1"  # within the TTL
        lock_settings(data_version_ttl=0.0)
        assert data_version_module.data_version() == "v2"
    finally:
        _set_meta(pg_db, "data_version", original_version)


def test_l009_delete_memoized_and_clear_still_invalidate(redis_client, pg_db):
    """delete_memoized, for one argument or all, and clear still drop cached results."""
    flask_app = _app("RedisCache")
    calls: list[str] = []

    @cache.memoize()
    def echo(tag: str) -> str:
        calls.append(tag)
        return tag * 2

    with flask_app.app_context():
        assert [echo("a"), echo("a"), echo("b")] == ["aa", "aa", "bb"]
        cache.delete_memoized(echo, "a")
        assert echo("a") == "aa" and calls == ["a", "b", "a"]
        cache.delete_memoized(echo)  # every argument
        assert echo("b") == "bb" and calls == ["a", "b", "a", "b"]
        cache.clear()
        assert echo("a") == "aa" and calls == ["a", "b", "a", "b", "a"]


def test_l010_a_cache_that_does_not_answer_computes_without_it(pg_db):
    """An unreachable Redis cache makes calls compute every time instead of failing."""
    flask_app = Flask("lock-test-no-redis")
    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    cache.init_app(
        flask_app,
        config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": nowhere, "CACHE_KEY_PREFIX": "x:"},
    )
    calls: list[int] = []

    @cache.memoize()
    def answer(tag: str) -> int:
        calls.append(1)
        return 42

    with flask_app.app_context():
        assert [answer("x"), answer("x")] == [42, 42]
    assert len(calls) == 2  # nothing could be stored, and no request failed
