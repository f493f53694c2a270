"""Benchmark on the demo data: SQL per chart query, chart callback cold and warm over
HTTP, a no-op callback as the floor, and the gzipped size of each figure.

    make bench                 # prints a table, writes bench/results/latest.json
    python -m bench.run --runs 10 --warm-runs 50
    TK_REPORTING_DB_URL=postgresql+psycopg://... python -m bench.run --sql-only
                               # SQL per chart only, on that database (sql-<driver>.json)

The server is gunicorn with one sync worker and a Redis cache; "cold" requests come
right after the Redis database is flushed, "warm" ones repeat a cached request.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Iterable
from pathlib import Path

import redis
import requests
import sqlalchemy as sa
from flask import Flask

from tests.servers import gunicorn_server

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "runs": len(ordered),
    }


def measure_sql(runs: int, charts: Iterable[str] | None = None) -> dict[str, dict]:
    """Time spent in the database per chart query (cursor execute + fetch), no cache:
    ``{chart id: {"median_ms", "p95_ms", "runs"}}`` for ``charts`` (ids; default every
    chart of the catalog)."""
    from charts.catalog import CHARTS
    from queries.cache import cache
    from queries.engine import get_engine
    from queries.filters import Filters

    spent: list[float] = []

    def before(conn, *_args):
        conn.info["bench_t0"] = time.perf_counter()

    def after(conn, *_args):
        spent.append(time.perf_counter() - conn.info.pop("bench_t0"))

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    flask_app = Flask("bench-sql")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "caching is effectively disabled": intended here
        cache.init_app(flask_app, config={"CACHE_TYPE": "NullCache"})
    results = {}
    with flask_app.app_context():
        for chart_id in CHARTS if charts is None else charts:
            spec = CHARTS[chart_id]
            samples = []
            spec.load(Filters())  # warm the engine's connection and file pages
            for _ in range(runs):
                spent.clear()
                spec.load(Filters())
                # Reference lookups (meta, county code) count too: they run per chart.
                samples.append(sum(spent))
            results[chart_id] = _stats(samples)
    return results


def _callback_body(chart_id: str, output: str) -> dict:
    request_id = {"chart": chart_id, "type": "chart-request"}
    return {
        "output": output,
        "outputs": {"id": {"chart": chart_id, "type": "chart-body"}, "property": "children"},
        "inputs": [
            {
                "id": request_id,
                "property": "data",
                "value": {"chart": chart_id, "filters": {}, "lang": "fi"},
            },
            {
                "id": {"chart": chart_id, "type": "chart-view"},
                "property": "value",
                "value": "series",
            },
            {
                "id": {"chart": chart_id, "type": "chart-phases"},
                "property": "data",
                "value": [],
            },
        ],
        "changedPropIds": [json.dumps(request_id, separators=(",", ":")) + ".data"],
        "state": [],
    }


def measure_http(runs: int, warm_runs: int, redis_url: str) -> dict:
    """Cold and warm chart-callback times over HTTP, the no-op floor and figure sizes,
    per chart: ``{"noop_callback": stats, "charts": {id: {...}}}`` (times in ms)."""
    from charts.catalog import CHARTS

    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    results: dict = {"charts": {}}
    with (
        gunicorn_server(
            "bench.server:server", {"TK_CACHE_TYPE": "RedisCache", "TK_CACHE_URL": redis_url}
        ) as base,
        requests.Session() as http,
    ):
        deps = http.get(base + "/_dash-dependencies").json()
        output = next(d["output"] for d in deps if '"chart-body"' in d["output"])
        url = base + "/_dash-update-component"
        results["noop_callback"] = measure_floor(http, url, warm_runs)
        for chart_id in CHARTS:
            body = _callback_body(chart_id, output)
            cold, warm = [], []
            for _ in range(runs):
                store.flushdb()
                t0 = time.perf_counter()
                response = http.post(url, json=body)
                cold.append(time.perf_counter() - t0)
                response.raise_for_status()
            for _ in range(warm_runs):
                t0 = time.perf_counter()
                response = http.post(url, json=body)
                warm.append(time.perf_counter() - t0)
                response.raise_for_status()
            payload = response.content
            figure = _find_figure(response.json())
            figure_json = json.dumps(figure, separators=(",", ":")).encode()
            results["charts"][chart_id] = {
                "cold": _stats(cold),
                "warm": _stats(warm),
                "figure_json_bytes": len(figure_json),
                "figure_gzip_bytes": len(gzip.compress(figure_json)),
                "response_gzip_bytes": len(gzip.compress(payload)),
            }
    store.flushdb()
    return results


# bench.server's callback that does nothing: a round trip's cost with no work.
NOOP_BODY = {
    "output": "bench-noop-out.children",
    "outputs": {"id": "bench-noop-out", "property": "children"},
    "inputs": [{"id": "bench-noop-in", "property": "children", "value": "x"}],
    "changedPropIds": ["bench-noop-in.children"],
    "state": [],
}


def measure_floor(http: requests.Session, url: str, runs: int) -> dict[str, float]:
    """The no-op callback's times (``_stats``, ms) over ``runs`` posts to ``url`` (Dash's
    callback endpoint of a ``bench.server``), after one to warm the connection."""
    http.post(url, json=NOOP_BODY).raise_for_status()
    floor = []
    for _ in range(runs):
        t0 = time.perf_counter()
        http.post(url, json=NOOP_BODY).raise_for_status()
        floor.append(time.perf_counter() - t0)
    return _stats(floor)


def report_head() -> dict:
    """When and where a benchmark ran: the start of every report."""
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }


def write_report(report: dict, name: str) -> Path:
    """``report`` as ``bench/results/<name>`` (JSON); says where."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / name
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return out


def find_in_response(node, pick):
    """The first non-None ``pick(d)`` over the dicts of a Dash callback response
    (depth first), or None."""
    if isinstance(node, dict):
        found = pick(node)
        if found is not None:
            return found
        values = node.values()
    elif isinstance(node, list):
        values = node
    else:
        return None
    for value in values:
        found = find_in_response(value, pick)
        if found is not None:
            return found
    return None


def _find_figure(node):
    """The first ``figure`` prop in a Dash callback response."""
    return find_in_response(
        node, lambda d: d["figure"] if isinstance(d.get("figure"), dict) else None
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="SQL and cold runs per chart")
    parser.add_argument("--warm-runs", type=int, default=30, help="warm runs per chart")
    parser.add_argument(
        "--redis-url", default=os.environ.get("TK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument(
        "--sql-only",
        action="store_true",
        help="only the SQL per chart, on the reporting database configured (any engine)",
    )
    args = parser.parse_args(argv)

    from queries.reference import reporting_meta  # noqa: F401 - fail early on a bad DB
    from settings import get_settings

    sql = measure_sql(args.runs)
    if args.sql_only:
        driver = sa.engine.make_url(get_settings().reporting_db_url).drivername
        print(f"{'chart':32} {'SQL ms':>8} {'p95 ms':>8}   ({driver})")
        for chart_id, numbers in sql.items():
            print(f"{chart_id:32} {numbers['median_ms']:8.1f} {numbers['p95_ms']:8.1f}")
        report = {**report_head(), "reporting_db": driver, "sql": sql}
        write_report(report, f"sql-{driver.split('+')[0]}.json")
        return 0
    http = measure_http(args.runs, args.warm_runs, args.redis_url)
    report = {
        **report_head(),
        "reporting_db": sa.engine.make_url(get_settings().reporting_db_url).drivername,
        "sql": sql,
        "http": http,
    }
    print(f"{'chart':32} {'SQL ms':>8} {'cold ms':>8} {'warm ms':>8} {'fig gz KB':>9}")
    for chart_id, numbers in http["charts"].items():
        print(
            f"{chart_id:32} {sql[chart_id]['median_ms']:8.1f} "
            f"{numbers['cold']['median_ms']:8.1f} {numbers['warm']['median_ms']:8.1f} "
            f"{numbers['figure_gzip_bytes'] / 1024:9.1f}"
        )
    print(f"{'no-op callback (floor)':32} {'':8} {'':8} {http['noop_callback']['median_ms']:8.1f}")
    print("(medians; p95 and run counts in the JSON)")
    write_report(report, "latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
