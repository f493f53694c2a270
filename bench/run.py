"""Benchmark on the demo data: SQL per chart query, chart callback cold and warm over
HTTP, a no-op callback as the floor, and the gzipped size of each figure.

    make bench                 # prints a table, writes bench/results/latest.json
    python -m bench.run --runs 10 --warm-runs 50

The SQL columns are ``bench.sql``'s (the SQL-only benchmark, several databases): the
configured reporting database and, when ``TK_BENCH_POSTGRES_URL`` names one (loaded
with ``make postgres-demo``), that PostgreSQL database beside it. The server is
gunicorn with one sync worker and a Redis cache on the configured database; "cold"
requests come right after the Redis database is flushed, "warm" ones repeat a cached
request. The report helpers below are shared by every benchmark module.
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
from pathlib import Path

import redis
import requests

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
            {
                "id": {"chart": {"wild": "MATCH"}, "type": "chart-retry"},
                "property": "n_intervals",
                "value": None,
            },
            # The peers switch, off (only national charts have it; others send the
            # absent form, which the server accepts the same way).
            {
                "id": {"chart": {"wild": "MATCH"}, "type": "chart-peers"},
                "property": "value",
                "value": None,
            },
        ],
        "changedPropIds": [json.dumps(request_id, separators=(",", ":")) + ".data"],
        "state": [
            {
                "id": {"chart": {"wild": "MATCH"}, "type": "chart-shown"},
                "property": "data",
                "value": None,
            }
        ],
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
    args = parser.parse_args(argv)

    # bench.sql builds on this module's report helpers, so it is imported here.
    from bench.sql import label, measure
    from queries.reference import reporting_meta  # noqa: F401 - fail early on a bad DB
    from settings import get_settings

    configured = get_settings().reporting_db_url
    urls = [configured]
    if os.environ.get("TK_BENCH_POSTGRES_URL"):
        urls.append(os.environ["TK_BENCH_POSTGRES_URL"])
    load_before = os.getloadavg()
    sql = measure(urls, args.runs)
    http = measure_http(args.runs, args.warm_runs, args.redis_url)
    report = {
        **report_head(),
        "load_average": {"start": load_before, "end": os.getloadavg()},
        "reporting_db": label(configured),
        "sql": sql,
        "http": http,
    }
    # One SQL column per database (the configured one first: the server's).
    labels = list(sql)
    heads = "".join(f" {'SQL ' + name.split(':')[0][:6]:>11}" for name in labels)
    print(f"{'chart':32}{heads} {'cold ms':>8} {'warm ms':>8} {'fig gz KB':>9}")
    for chart_id, numbers in http["charts"].items():
        sql_ms = "".join(f" {sql[name][chart_id]['median_ms']:11.1f}" for name in labels)
        print(
            f"{chart_id:32}{sql_ms} "
            f"{numbers['cold']['median_ms']:8.1f} {numbers['warm']['median_ms']:8.1f} "
            f"{numbers['figure_gzip_bytes'] / 1024:9.1f}"
        )
    floor = http["noop_callback"]["median_ms"]
    print(f"{'no-op callback (floor)':32}{' ' * 12 * len(labels)} {'':8} {floor:8.1f}")
    print("(medians in ms, SQL per database: " + ", ".join(labels) + "; p95 and runs in the JSON)")
    print(f"load average (1 min) at start / end: {load_before[0]:.1f} / {os.getloadavg()[0]:.1f}")
    write_report(report, "latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
