"""`make loadtest`: many users viewing pages, replaying what the browser sends.

    make loadtest                                   # 100 users, 5 minutes
    python -m bench.loadtest --users 100 --duration 300 [--url http://127.0.0.1:8050]

Each user is a locust ``FastHttpUser`` that views pages one after another, the first at
the overview or one of the four area pages (user *i* starts at page *i* mod 5) and then
the next page in turn. A page view replays a recording made once in headless Chromium
at the start (``bench.pageview``): the page, the layout, the callback map and every
callback, wave after wave, each wave in parallel as the browser sends it. There is no
pause between page views unless ``--think`` is given: the users keep the server as busy
as they can (a closed loop), so page-view times show the server under that load.

Without ``--url`` the tool starts gunicorn itself (gthread workers, the Redis cache at
``--redis-url``, the reporting DB of ``TK_REPORTING_DB_URL``); with ``--url`` it uses a
running server (e.g. ``make serve``). Only a server on this machine is accepted.

Reported (and written to ``bench/results/loadtest.json``): page views per second,
page-view time p50/p95/max, failed page views and the reasons, requests and received
bytes per page view, and the server's CPU seconds per page view (the CPU time of the
processes listening on the port and their children, before and after), with the
machine's load average and the CPU time the load generator itself used.
"""

# locust patches the standard library for gevent when imported; it comes first.
from locust import FastHttpUser, constant, events, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from contextlib import nullcontext  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import psutil  # noqa: E402
import redis  # noqa: E402

from bench.pageview import (  # noqa: E402
    ACCEPT_ENCODING,
    BROWSER_CONNECTIONS,
    PageView,
    Request,
    ViewResult,
    failure_texts,
    load,
    percentile,
    record,
    replay,
    save,
)
from bench.run import report_head, write_report  # noqa: E402
from bench.target import (  # noqa: E402
    NotLoopback,
    check_loopback,
    cpu_seconds,
    machine_load,
    server_processes,
    started_server,
)

DEFAULT_REDIS = os.environ.get("TK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def pages() -> list[str]:
    """The overview and the four area pages, as paths."""
    from charts.areas import ALL_AREAS

    return [area.path for area in ALL_AREAS]


class PageViewer(FastHttpUser):
    """A user viewing the recorded pages in turn (``views``), results into ``results``."""

    abstract = True  # made concrete per run by ``viewer_class``
    concurrency = BROWSER_CONNECTIONS
    network_timeout = 120.0
    connection_timeout = 60.0
    views: list[PageView] = []
    results: list[ViewResult] = []
    texts: tuple[str, ...] = ()
    numbers = itertools.count()

    def on_start(self) -> None:
        self.turn = next(self.numbers)
        self.pool = gevent.pool.Pool(BROWSER_CONNECTIONS)

    def send(self, request: Request) -> tuple[int, int, bytes]:
        headers = {"Accept-Encoding": ACCEPT_ENCODING}
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        response = self.client.request(
            request.method, request.path, data=request.body, headers=headers, name=request.label
        )
        if response.status_code == 0:  # no HTTP answer: locust keeps the exception
            raise ConnectionError(str(getattr(response, "error", "no answer")))
        body = response.content or b""
        length = response.headers.get("content-length") if response.headers else None
        return response.status_code, int(length) if length else len(body), body

    def pmap(self, fn, items):
        return self.pool.map(fn, items)

    @task
    def view_page(self) -> None:
        view = self.views[self.turn % len(self.views)]
        self.turn += 1
        self.results.append(replay(view, self.send, self.pmap, self.texts))


def viewer_class(base: str, views: list[PageView], think: float) -> type[PageViewer]:
    """A ``PageViewer`` for one run: its host, recording, pause and result list."""
    return type(
        "LoadTestUser",
        (PageViewer,),
        {
            "abstract": False,
            "host": base,
            "views": views,
            "results": [],
            "texts": failure_texts(),
            "numbers": itertools.count(),
            "wait_time": constant(think),
        },
    )


def run_load(
    base: str,
    views: list[PageView],
    users: int,
    duration: float,
    think: float = 0.0,
    spawn_seconds: float = 10.0,
) -> dict:
    """Run ``users`` page viewers against ``base`` for ``duration`` seconds after all have
    started (spawned over ``spawn_seconds``); the summary (``summarise``)."""
    user_class = viewer_class(base, views, think)
    env = Environment(user_classes=[user_class], events=events, host=base)
    runner = env.create_local_runner()
    processes = server_processes(base)
    runner.start(users, spawn_rate=max(1.0, users / max(spawn_seconds, 0.1)))
    gevent.sleep(spawn_seconds)
    # Measured window: from all users running to the end; views started before are dropped.
    load_before = machine_load()
    me = [psutil.Process()]  # the load generator competes with the server for the CPUs
    cpu0, own0, t0 = cpu_seconds(processes), cpu_seconds(me), time.time()
    gevent.sleep(duration)
    cpu1, own1, t1 = cpu_seconds(processes), cpu_seconds(me), time.time()
    runner.quit()
    runner.greenlet.join(timeout=180)
    measured = [r for r in user_class.results if t0 <= r.started and r.started + r.seconds <= t1]
    summary = summarise(measured, t1 - t0, cpu1 - cpu0 if processes else None)
    summary["users"], summary["think_s"] = users, think
    summary["machine_load_at_start"], summary["machine_load_at_end"] = load_before, machine_load()
    summary["server_processes"] = len(processes)
    summary["load_generator_cpu_s"] = own1 - own0
    return summary


def summarise(results: list[ViewResult], seconds: float, server_cpu: float | None) -> dict:
    """Page views completed within a window of ``seconds``: rates, times (ms), failures,
    requests, bytes and server CPU per page view. ``server_cpu`` None: not measured."""
    count = len(results)
    failed = [r for r in results if r.errors]
    times = [r.seconds for r in results]
    reasons: dict[str, int] = {}
    for result in failed:
        for error in result.errors:
            reasons[error] = reasons.get(error, 0) + 1
    per_page: dict[str, list[float]] = {}
    for result in results:
        per_page.setdefault(result.page, []).append(result.seconds)
    return {
        "window_s": seconds,
        "page_views": count,
        "page_views_per_s": count / seconds if seconds else 0.0,
        "page_view_ms": _ms(times),
        "page_view_ms_by_page": {page: _ms(samples) for page, samples in per_page.items()},
        "failed_page_views": len(failed),
        "failure_reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])[:20]),
        "requests_per_page_view": (sum(len(r.outcomes) for r in results) / count if count else 0.0),
        "received_kb_per_page_view": (
            sum(o.bytes for r in results for o in r.outcomes) / 1024 / count if count else 0.0
        ),
        "server_cpu_s_per_page_view": (
            server_cpu / count if server_cpu is not None and count else None
        ),
        "server_cpu_s": server_cpu,
        "retried_requests": sum(o.retried for r in results for o in r.outcomes),
    }


def _ms(samples: list[float]) -> dict[str, float] | None:
    if not samples:
        return None
    return {
        "p50": percentile(samples, 0.5) * 1000,
        "p95": percentile(samples, 0.95) * 1000,
        "max": max(samples) * 1000,
    }


def print_summary(summary: dict) -> None:
    """The summary as a few lines for the terminal."""
    times = summary["page_view_ms"] or {"p50": 0, "p95": 0, "max": 0}
    cpu = summary["server_cpu_s_per_page_view"]
    start = summary["machine_load_at_start"]
    print(
        f"{summary['users']} users, {summary['window_s']:.0f} s measured: "
        f"{summary['page_views']} page views, {summary['page_views_per_s']:.2f}/s\n"
        f"page view: p50 {times['p50']:.0f} ms, p95 {times['p95']:.0f} ms, "
        f"max {times['max']:.0f} ms\n"
        f"failed page views: {summary['failed_page_views']} "
        f"(requests sent twice: {summary['retried_requests']})\n"
        f"per page view: {summary['requests_per_page_view']:.1f} requests, "
        f"{summary['received_kb_per_page_view']:.1f} KB received, "
        + (f"{cpu * 1000:.0f} ms server CPU" if cpu is not None else "server CPU not measured")
        + f"\nmachine load at start {start['load1']:.1f} on {start['cpus']} CPUs; "
        f"the load generator used {summary['load_generator_cpu_s']:.0f} CPU s"
    )
    for reason, count in summary["failure_reasons"].items():
        print(f"  {count} × {reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds measured")
    parser.add_argument("--spawn", type=float, default=10.0, help="seconds to start all users")
    parser.add_argument("--think", type=float, default=0.0, help="pause between page views, s")
    parser.add_argument("--url", help="a running server on this machine (default: start one)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="cache of a started server")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (started)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (started)")
    parser.add_argument("--recording", help="replay this recording instead of recording anew")
    parser.add_argument("--out", default="loadtest.json", help="file name in bench/results")
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration <= 0:
        parser.error("--users must be at least 1 and --duration positive")
    try:
        base = check_loopback(args.url) if args.url else None
        check_loopback(args.redis_url.replace("redis://", "http://", 1))
    except NotLoopback as exc:
        parser.error(str(exc))

    from settings import get_settings

    server = (
        nullcontext(base)
        if base
        else started_server(
            get_settings().reporting_db_url, args.redis_url, args.workers, args.threads
        )
    )
    with server as target:
        if args.recording:
            from pathlib import Path

            views = load(Path(args.recording))
        else:
            print(f"recording {len(pages())} page views in headless Chromium ...")
            views = record(target, pages())
            from bench.run import RESULTS

            RESULTS.mkdir(parents=True, exist_ok=True)
            save(views, RESULTS / "pageviews.json")
        if not base:
            redis.Redis.from_url(args.redis_url).ping()
        for view in views:
            print(f"  {view.page or '/'}: {view.requests} requests in {len(view.waves)} waves")
        summary = run_load(target, views, args.users, args.duration, args.think, args.spawn)
    summary["server"] = (
        {"url": "given"}
        if base
        else {"started": "gunicorn gthread", "workers": args.workers, "threads": args.threads}
    )
    print_summary(summary)
    write_report({**report_head(), "loadtest": summary}, args.out)
    return 0


if __name__ == "__main__":
    status = main()
    # Everything is written and the server stopped; leave without the interpreter's
    # finalisation, in which gevent's patched locks print "greenlet is being finalized".
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
