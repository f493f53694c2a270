"""Benchmark: what compression saves on a first visit, and what it costs the server.

    python -m bench.serve                 # prints a table, writes bench/results/serve.json
    python -m bench.serve --runs 20

The server is ``make serve``'s gunicorn (gunicorn.conf.py: gthread) with one worker,
so every request meets the same process and its compressed-file cache, and the Redis
cache; requests from this process over loopback. Measured:

- **first visit** — the bytes of every response a browser fetches for a first, empty-
  cache visit of ``/hoitoonpaasy`` (the page, its scripts and styles, plotly.js and the
  graph's chunk that the renderer loads, ``_dash-layout``, ``_dash-dependencies`` and
  the router callback's answer), as sent with ``Accept-Encoding`` identity, gzip, br.
  The chart callbacks come on top (see ``bench.run``'s gzipped response sizes).
- **plotly.js** — time to the last byte of the 4.8 MB file: uncompressed, the first
  compressed request of the process (compressing it), and the following ones (from the
  process's cache); median of ``runs``.
- **router callback** — the page's layout as the router callback's JSON answer:
  time uncompressed and gzip (compressed per request), median of ``runs``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time

import redis
import requests

from bench.present import router_body
from bench.run import _stats, report_head, write_report
from tests.servers import ROOT, gunicorn_server

PAGE = "/hoitoonpaasy"
PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"
GRAPH_CHUNK = "/_dash-component-suites/dash/dcc/async-graph.js"
ENCODINGS = ("identity", "gzip", "br")


def _sent_bytes(http: requests.Session, url: str, encoding: str, body=None) -> tuple[int, float]:
    """(bytes on the wire, seconds to the last byte) of one request."""
    headers = {"Accept-Encoding": encoding}
    t0 = time.perf_counter()
    if body is None:
        response = http.get(url, headers=headers, stream=True)
    else:
        response = http.post(url, json=body, headers=headers, stream=True)
    raw = response.raw.read(decode_content=False)
    elapsed = time.perf_counter() - t0
    response.raise_for_status()
    return len(raw), elapsed


def _first_visit_urls(http: requests.Session, base: str) -> list[str]:
    page = http.get(base + PAGE).text
    found = re.findall(r'<script src="([^"]+)"', page) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', page
    )
    return [PAGE, *found, PLOTLY, GRAPH_CHUNK, "/_dash-layout", "/_dash-dependencies"]


def measure(runs: int, redis_url: str) -> dict:
    """The module docstring's figures: ``{"first_visit": {encoding: bytes}, "files":
    n, "plotly": {...}, "router": {...}}`` (times as ``bench.run._stats``, ms)."""
    redis.Redis.from_url(redis_url).flushdb()
    env = {"TK_CACHE_TYPE": "RedisCache", "TK_CACHE_URL": redis_url}
    options = ("-c", str(ROOT / "gunicorn.conf.py"))
    router = router_body(PAGE, None)
    with gunicorn_server("app:server", env, options=options) as base, requests.Session() as http:
        urls = _first_visit_urls(http, base)
        callback = base + "/_dash-update-component"
        http.post(callback, json=router).raise_for_status()  # warm the page's queries
        first_visit = {}
        for encoding in ENCODINGS:
            total = sum(_sent_bytes(http, base + url, encoding)[0] for url in urls)
            total += _sent_bytes(http, callback, encoding, router)[0]
            first_visit[encoding] = total
        # plotly.js: the first-visit requests compressed it for gzip and br already;
        # zstd, asked for the first time here, shows what compressing it costs.
        first_zstd = _sent_bytes(http, base + PLOTLY, "zstd")[1]
        plotly = {
            "bytes": {e: _sent_bytes(http, base + PLOTLY, e)[0] for e in (*ENCODINGS, "zstd")},
            "first_zstd_ms": 1000 * first_zstd,
        }
        # Interleaved (one of each per round), so a busy machine's swings hit all alike.
        plotly_times: dict[str, list[float]] = {e: [] for e in ENCODINGS}
        router_samples: dict[str, list[float]] = {e: [] for e in ("identity", "gzip")}
        for _ in range(runs):
            for encoding in ENCODINGS:
                plotly_times[encoding].append(_sent_bytes(http, base + PLOTLY, encoding)[1])
            for encoding in router_samples:
                router_samples[encoding].append(_sent_bytes(http, callback, encoding, router)[1])
        plotly.update({e: _stats(times) for e, times in plotly_times.items()})
        router_times = {e: _stats(times) for e, times in router_samples.items()}
        router_times["bytes"] = {e: _sent_bytes(http, callback, e, router)[0] for e in ENCODINGS}
    return {
        "first_visit": first_visit,
        "files": len(urls) + 1,
        "plotly": plotly,
        "router": router_times,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    report = {**report_head(), **measure(args.runs, args.redis)}
    visit = report["first_visit"]
    print(f"first visit of {PAGE} ({report['files']} responses), KB on the wire:")
    for encoding in ENCODINGS:
        print(f"  {encoding:8} {visit[encoding] / 1024:8.0f}")
    plotly = report["plotly"]
    print("plotly.min.js KB:", {e: round(b / 1024) for e, b in plotly["bytes"].items()})
    print(f"  first zstd request (compressing): {plotly['first_zstd_ms']:.0f} ms")
    for encoding in ENCODINGS:
        print(f"  {encoding:8} median {plotly[encoding]['median_ms']:.1f} ms")
    router = report["router"]
    print("router callback KB:", {e: round(b / 1024, 1) for e, b in router["bytes"].items()})
    for encoding in ("identity", "gzip"):
        print(f"  {encoding:8} median {router[encoding]['median_ms']:.1f} ms")
    write_report(report, "serve.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
