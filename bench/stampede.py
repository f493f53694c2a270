"""Cold burst: many users open one page at the same moment on an empty cache.

    python -m bench.stampede --users 30 --workers 4 --threads 1 --page /hoitoonpaasy

The app runs in gunicorn (``--workers`` workers of ``--threads`` threads each) with
``RedisCache`` on the configured reporting database (``TK_REPORTING_DB_URL``). Redis is
flushed; then each user (a thread) sends the chart-card callbacks of the page's default
view — the requests a browser sends, at most 6 at a time as a browser does per host —
and all users start together. Reported: per user, the seconds until the last chart
answered (median and maximum); how many chart answers were the "database not
available" notice and how many were HTTP errors (status, first body); on PostgreSQL,
how many times each statement ran during the burst, counted by the database
(``pg_stat_statements`` of this database); and the same burst once more on the filled
cache (``warm``). Writes ``bench/results/stampede.json``. A benchmark, not a test:
nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import redis
import requests
import sqlalchemy as sa

from bench.run import report_head, write_report
from tests.prerequisites import redis_url
from tests.servers import gunicorn_server
from translations import t

_COUNT_SQL = (
    "SELECT s.query, sum(s.calls) FROM pg_stat_statements s "
    "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() "
    "GROUP BY s.query"
)


def _statement_calls(url: str) -> dict[str, int] | None:
    """``pg_stat_statements`` calls per statement in the database of ``url``, or None
    when it is not PostgreSQL or the extension cannot be used there."""
    if not url.startswith("postgresql"):
        return None
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {q: int(n) for q, n in conn.execute(sa.text(_COUNT_SQL)).all()}
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def _card_bodies(page: str, output: str) -> list[dict]:
    """The chart-card callback bodies of ``page``'s default view, as the browser sends
    them (the cards of the page's own layout: ``warm.page_cards``); ``output`` is the
    chart-body callback's output as the server's ``/_dash-dependencies`` names it."""
    from app import app
    from bench.run import _callback_body
    from warm import page_cards

    return [
        _callback_body(call.chart, output)
        for call in page_cards(app)
        if call.page == page and call.kind == "chart"
    ]


def burst(base: str, bodies: list[dict], users: int) -> dict:
    """All ``users`` open the page together; per-user seconds and notice count."""
    notice = t("card.db_error", "fi")
    start = threading.Barrier(users)
    seconds: list[float] = [0.0] * users
    notices = [0] * users
    failures = [0] * users
    statuses: list[int] = []
    bodies_seen: list[str] = []

    def user(index: int) -> None:
        with requests.Session() as http, ThreadPoolExecutor(max_workers=6) as pool:
            start.wait()
            began = time.perf_counter()
            answers = list(
                pool.map(
                    lambda body: http.post(
                        base + "/_dash-update-component", json=body, timeout=600
                    ),
                    bodies,
                )
            )
            seconds[index] = time.perf_counter() - began
        for answer in answers:
            if answer.status_code != 200:
                failures[index] += 1
                statuses.append(answer.status_code)
                bodies_seen.append(answer.text[:300])
            elif notice in answer.text:
                notices[index] += 1

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "users": users,
        "charts_per_user": len(bodies),
        "user_seconds_median": round(statistics.median(seconds), 2),
        "user_seconds_max": round(max(seconds), 2),
        "notices": sum(notices),
        "http_errors": sum(failures),
        "http_error_statuses": sorted(set(statuses)),
        "http_error_first": bodies_seen[0] if bodies_seen else None,
    }


def measure(users: int, workers: int, threads: int, page: str, redis_url: str) -> dict:
    """One cold burst and one warm burst (see the module docstring) on a fresh server;
    the figures as a dict (seconds; ``statement_calls`` only on PostgreSQL)."""
    from settings import get_settings

    db_url = get_settings().reporting_db_url
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    env = {
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": redis_url,
        "GUNICORN_CMD_ARGS": f"--threads {threads}",  # gunicorn's own variable
    }
    with gunicorn_server("bench.server:server", env, workers=workers) as base:
        deps = requests.get(base + "/_dash-dependencies", timeout=600).json()
        output = next(d["output"] for d in deps if '"chart-body"' in d["output"])
        bodies = _card_bodies(page, output)
        store.flushdb()  # nothing a worker cached while starting
        before = _statement_calls(db_url)
        result = burst(base, bodies, users)
        after = _statement_calls(db_url)
        # The same burst again on the filled cache: what the page costs warm.
        result["warm"] = burst(base, bodies, users)
    store.flushdb()
    result.update(page=page, workers=workers, threads=threads)
    if before is not None and after is not None:
        ran = {q: n - before.get(q, 0) for q, n in after.items() if n != before.get(q, 0)}
        result["statement_calls"] = {
            " ".join(q.split())[:120]: n for q, n in ran.items() if q.lstrip().startswith("SELECT")
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (more than 1: gthread)"
    )
    parser.add_argument("--page", default="/hoitoonpaasy")
    parser.add_argument("--redis-url", default=redis_url())
    args = parser.parse_args(argv)
    result = measure(args.users, args.workers, args.threads, args.page, args.redis_url)
    print(result)
    write_report({**report_head(), "stampede": result}, "stampede.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
