"""Cold burst: N users open one page at the same moment on an empty cache.

    python -m bench.cold_burst                      # 30 users, /hoitoonpaasy (make bench)
    python -m bench.cold_burst --users 30 --page /hoitoonpaasy [--url http://127.0.0.1:8050]

What a room of directors meets when they open the same link at the start of a meeting
after a data load. The page view is recorded once in headless Chromium and replayed as
in ``bench.loadtest`` (every request of the page, wave after wave, each wave in
parallel). Then:

1. *baseline*: the Redis cache is flushed (and, a few seconds later, the server's own
   copies of whole answers have expired: ``response_cache.KEEP_SECONDS``) and one
   user views the page: how many times
   each query runs for one complete page view;
2. *burst*: the cache is flushed again and ``--users`` users start the page view
   together (released by one barrier), each with its own connections.

Reported per user: the time to a complete page (all requests answered, none with an
error; ``None`` for a user whose page failed), the last user's time, the errors, and how
many times each query ran on the database in the baseline and in the burst
(``bench.dbcount``: completed runs from ``pg_stat_statements`` when available, else
table scans; and the runs seen in ``pg_stat_activity``, which include cancelled ones). With one
query per cache key across the workers, the burst runs each query as often as the
baseline. Written to ``bench/results/cold_burst.json``.

Without ``--url`` the tool starts gunicorn itself (as ``bench.loadtest``) on the reporting
DB of ``TK_REPORTING_DB_URL``; with ``--url`` a running server on this machine is used,
and ``--redis-url`` must be its cache.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import redis
import requests

from bench.dbcount import QueryCounter
from bench.pageview import (
    ACCEPT_ENCODING,
    BROWSER_CONNECTIONS,
    PageView,
    Request,
    ViewResult,
    failure_texts,
    record,
    replay,
)
from bench.run import report_head, write_report
from bench.target import NotLoopback, check_loopback, machine_load, started_server
from response_cache import KEEP_SECONDS

DEFAULT_REDIS = os.environ.get("TK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
REQUEST_TIMEOUT_S = 180.0  # a cold page on a busy machine; the server's own limit is lower


class Browser:
    """One user's connections: a ``requests`` session with ``BROWSER_CONNECTIONS``
    connections and as many threads to send a wave in parallel."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=BROWSER_CONNECTIONS)
        self.session.mount("http://", adapter)
        self.pool = ThreadPoolExecutor(BROWSER_CONNECTIONS)

    def send(self, request: Request) -> tuple[int, int, bytes]:
        headers = {"Accept-Encoding": ACCEPT_ENCODING}
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        response = self.session.request(
            request.method,
            self.base + request.path,
            data=request.body.encode() if request.body is not None else None,
            headers=headers,
            timeout=REQUEST_TIMEOUT_S,
        )
        length = response.headers.get("content-length")
        body = response.content
        return response.status_code, int(length) if length else len(body), body

    def pmap(self, fn, items):
        return list(self.pool.map(fn, items))

    def close(self) -> None:
        self.pool.shutdown()
        self.session.close()


def burst(base: str, view: PageView, users: int) -> list[ViewResult]:
    """``users`` users view ``view`` at the same moment; their results in user order."""
    texts = failure_texts()
    browsers = [Browser(base) for _ in range(users)]
    start = threading.Barrier(users)
    results: list[ViewResult | None] = [None] * users

    def user(index: int) -> None:
        start.wait()
        results[index] = replay(view, browsers[index].send, browsers[index].pmap, texts)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for browser in browsers:
        browser.close()
    return [r for r in results if r is not None]


def measure(base: str, view: PageView, users: int, redis_url: str, counter: QueryCounter) -> dict:
    """The baseline and the burst (module docstring) against ``base``, whose cache is the
    Redis database at ``redis_url``."""
    cache = redis.Redis.from_url(redis_url)

    def cold(n: int) -> tuple[list[ViewResult], dict[str, int], dict[str, int]]:
        cache.flushdb()
        # The server's processes keep copies of whole answers for a few seconds
        # (response_cache): the cache is empty once they have expired too.
        time.sleep(KEEP_SECONDS + 0.5)
        counter.reset()
        with counter.sample_runs() as sampler:
            results = burst(base, view, n)
        return results, counter.counts(), sampler.runs()

    _one, baseline_counts, baseline_seen = cold(1)
    load_at_start = machine_load()
    results, burst_counts, burst_seen = cold(users)
    per_user = [None if r.errors else r.seconds for r in results]
    complete = [s for s in per_user if s is not None]
    errors = [e for r in results for e in r.errors]
    statements = sorted(set(baseline_counts) | set(burst_counts))
    return {
        "page": view.page,
        "users": users,
        "requests_per_page_view": view.requests,
        "baseline_page_view_s": _one[0].seconds,
        "baseline_errors": _one[0].errors,
        "per_user_s": per_user,
        "complete_users": len(complete),
        "last_user_s": max(s for s in (r.seconds for r in results)),
        "errors": errors,
        "retried_requests": sum(o.retried for r in results for o in r.outcomes),
        "count_method": counter.method,
        "query_counts": [
            {
                "query": text,
                "baseline": baseline_counts.get(text, 0),
                "burst": burst_counts.get(text, 0),
            }
            for text in statements
        ],
        "runs_seen_running": [
            {
                "query": text,
                "baseline": baseline_seen.get(text, 0),
                "burst": burst_seen.get(text, 0),
            }
            for text in sorted(set(baseline_seen) | set(burst_seen))
        ],
        "machine_load_at_start": load_at_start,
        "machine_load_at_end": machine_load(),
    }


def print_report(report: dict) -> None:
    """The burst as a few lines for the terminal."""
    times = sorted(s for s in report["per_user_s"] if s is not None)
    load = report["machine_load_at_start"]
    print(
        f"{report['users']} users open {report['page']} together on an empty cache "
        f"({report['requests_per_page_view']} requests each; load {load['load1']:.1f} on "
        f"{load['cpus']} CPUs)\n"
        f"complete pages: {report['complete_users']} of {report['users']}; "
        f"last user {report['last_user_s']:.2f} s"
        + (f"; fastest {times[0]:.2f} s, median {times[len(times) // 2]:.2f} s" if times else "")
        + f"\none user alone: {report['baseline_page_view_s']:.2f} s\n"
        f"errors: {len(report['errors'])} (requests sent twice: {report['retried_requests']})"
    )
    for error in sorted(set(report["errors"]))[:10]:
        print(f"  {report['errors'].count(error)} × {error}")
    if report["count_method"] is None:
        print("queries on the database: not counted (not PostgreSQL)")
        return
    print(
        f"completed runs on the database ({report['count_method']}): "
        f"one user / {report['users']} users"
    )
    for row in report["query_counts"]:
        print(f"  {row['baseline']:4} / {row['burst']:4}  {row['query'][:90]}")
    print(f"runs seen running in pg_stat_activity: one user / {report['users']} users")
    for row in report["runs_seen_running"]:
        print(f"  {row['baseline']:4} / {row['burst']:4}  {row['query'][:90]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--page", default="/hoitoonpaasy")
    parser.add_argument("--url", help="a running server on this machine (default: start one)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="the server's cache (flushed)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (started)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (started)")
    parser.add_argument("--out", default="cold_burst.json", help="file name in bench/results")
    args = parser.parse_args(argv)
    if args.users < 1:
        parser.error("--users must be at least 1")
    try:
        base = check_loopback(args.url) if args.url else None
        check_loopback(args.redis_url.replace("redis://", "http://", 1))
    except NotLoopback as exc:
        parser.error(str(exc))

    from settings import get_settings

    db_url = get_settings().reporting_db_url
    server = (
        nullcontext(base)
        if base
        else started_server(db_url, args.redis_url, args.workers, args.threads)
    )
    counter = QueryCounter(db_url)
    try:
        with server as target:
            print(f"recording {args.page} in headless Chromium ...")
            (view,) = record(target, [args.page])
            report = measure(target, view, args.users, args.redis_url, counter)
    finally:
        counter.dispose()
    report["server"] = (
        {"url": "given"}
        if base
        else {"started": "gunicorn gthread", "workers": args.workers, "threads": args.threads}
    )
    report["reporting_db"] = counter.engine.dialect.name
    print_report(report)
    write_report({**report_head(), "cold_burst": report}, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
