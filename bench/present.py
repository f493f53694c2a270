"""Benchmark: moving to the next agenda item in presentation mode, warm, on the demo data.

    python -m bench.present                 # prints medians and p95, writes
                                            # bench/results/present.json
    python -m bench.present --rounds 30 --items 6

The server is gunicorn with one sync worker and a Redis cache (as ``bench.run``), on
a fresh SQLite app database holding one meeting with a realistic agenda (``AGENDA``)
and decisions of an earlier meeting on its charts. "Next item" is what the browser
sends when ArrowRight is pressed: one POST to ``/_dash-update-component`` for Dash
Pages' router callback with the new path ``/tietokeskustelut/<id>/esitys/<n+1>`` and
the ``page-state`` of item n; the page's layout reads the meeting once, the chart's
decisions once, and the cached chart payload. Warm: every item was shown once before
the timed rounds. The reader has no identity, so no snapshot is taken (a snapshot is
taken once per item, the first time it is shown in the meeting). The no-op callback
is the floor of a callback round trip on this machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from dataclasses import replace

import redis
import requests

from bench.run import _stats, find_in_response, measure_floor, report_head, write_report
from response_cache import ROUTER
from tests.servers import gunicorn_server

# A meeting's agenda: chart id and the item's address (the pages' URL parameters).
AGENDA = (
    ("hoitotakuu-7vrk", "from=2024-01"),
    ("jonot", "from=2024-01&view=jonot:spc"),
    ("hoitotakuu-lakisaateinen", "from=2024-01"),
    ("digiasiointi-osuus", "from=2024-01"),
    ("hyvinvointilahetteet", "from=2024-01&grain=quarter"),
    ("kirjaamisen-laatu", "from=2024-01"),
)
AUTHOR = "Benchmark"
ROUTER_OUTPUT = ROUTER  # Dash Pages' router callback


def make_meeting(app_db_url: str, items: int) -> int:
    """A series with an earlier meeting (a decision and an action on every chart) and
    the meeting to present, with the first ``items`` charts of ``AGENDA``; returns the
    presented meeting's id."""
    from meetings import db
    from settings import configure, get_settings

    original = get_settings()
    configure(replace(original, app_db_url=app_db_url))
    try:
        db.migrate(app_db_url)
        return _fill(items)
    finally:
        db.dispose()
        configure(original)


def _fill(items: int) -> int:
    from meetings import store

    series = store.create_series("Benchmark-sarja", author=AUTHOR)
    agenda = AGENDA[:items]
    earlier = store.create_meeting(series["id"], "Edellinen", "2025-01-15", author=AUTHOR)
    version = earlier["version"]
    for chart_id, query in agenda:
        item = store.add_item(earlier["id"], version, chart_id, query, 10, author=AUTHOR)
        version += 1
        store.add_decision(item["id"], kind="decision", title="Seurataan", author=AUTHOR)
        store.add_decision(
            item["id"],
            kind="action",
            title="Selvitetään syyt",
            owner="Analyytikko",
            due_date="2025-02-15",
            author=AUTHOR,
        )
    meeting = store.create_meeting(series["id"], "Esitettävä", "2025-02-20", author=AUTHOR)
    version = meeting["version"]
    for chart_id, query in agenda:
        store.add_item(meeting["id"], version, chart_id, query, 10, author=AUTHOR)
        version += 1
    return meeting["id"]


def router_body(path: str, shown: dict | None) -> dict:
    """The router callback's request for ``path`` as the browser sends it after a link
    was followed (``shown``: the ``page-state`` of the page on screen)."""
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [{"id": "page-state", "property": "data", "value": shown}],
    }


def _page_state(node) -> dict | None:
    """The ``page-state`` store's data in a router response."""

    def pick(d: dict):
        props = d.get("props")
        return (
            props["data"] if isinstance(props, dict) and props.get("id") == "page-state" else None
        )

    return find_in_response(node, pick)


def measure(rounds: int, items: int, redis_url: str) -> dict:
    """Warm next-item times over HTTP and the no-op floor (ms): ``{"next_item":
    stats, "per_item": {n: stats}, "first_showing": stats (each item once, cache
    empty: SQL included), "noop_callback": stats, "response_gzip_bytes": {n: int}}``."""
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    folder = tempfile.mkdtemp(prefix="tk-bench-present-")
    app_db_url = f"sqlite:///{folder}/app.db"
    meeting_id = make_meeting(app_db_url, items)
    env = {
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": redis_url,
        "TK_APP_DB_URL": app_db_url,
        "TK_DEMO_USER": "",
    }
    results: dict = {"meeting_items": items, "per_item": {}, "response_gzip_bytes": {}}
    with gunicorn_server("bench.server:server", env) as base, requests.Session() as http:
        url = base + "/_dash-update-component"
        results["noop_callback"] = measure_floor(http, url, rounds * 2)

        def show(n: int, shown: dict | None) -> tuple[float, dict | None, int]:
            path = f"/tietokeskustelut/{meeting_id}/esitys/{n}"
            t0 = time.perf_counter()
            response = http.post(url, json=router_body(path, shown))
            spent = time.perf_counter() - t0
            response.raise_for_status()
            body = response.json()
            text = json.dumps(body, ensure_ascii=False)
            if "present-graph" not in text:
                raise RuntimeError(f"item {n} shows no chart: {text[:300]}")
            return spent, _page_state(body), len(gzip.compress(response.content))

        shown = None
        cold = []
        for n in range(1, items + 1):  # warm: every item shown once (cache empty)
            spent, shown, size = show(n, shown)
            cold.append(spent)
            results["response_gzip_bytes"][n] = size
        results["first_showing"] = _stats(cold)
        samples: dict[int, list[float]] = {n: [] for n in range(2, items + 1)}
        for _ in range(rounds):
            _spent, shown, _size = show(1, None)
            for n in range(2, items + 1):
                spent, shown, _size = show(n, shown)
                samples[n].append(spent)
        results["per_item"] = {n: _stats(values) for n, values in samples.items()}
        results["next_item"] = _stats([value for values in samples.values() for value in values])
    store.flushdb()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes through the agenda")
    parser.add_argument("--items", type=int, default=len(AGENDA), help="items on the agenda")
    parser.add_argument(
        "--redis-url", default=os.environ.get("TK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args(argv)
    items = max(2, min(args.items, len(AGENDA)))
    results = measure(args.rounds, items, args.redis_url)
    report = {**report_head(), **results}
    agenda = dict(AGENDA)
    print(f"{'next item (warm)':34} {'median ms':>9} {'p95 ms':>8} {'runs':>5}")
    for n, stats in results["per_item"].items():
        label = f"-> {n}: {list(agenda)[n - 1]}"
        print(f"{label:34} {stats['median_ms']:9.1f} {stats['p95_ms']:8.1f} {stats['runs']:5d}")
    total = results["next_item"]
    print(f"{'all moves':34} {total['median_ms']:9.1f} {total['p95_ms']:8.1f} {total['runs']:5d}")
    first = results["first_showing"]
    print(f"{'first showing (empty cache)':34} {first['median_ms']:9.1f} {first['p95_ms']:8.1f}")
    floor = results["noop_callback"]
    print(f"{'no-op callback (floor)':34} {floor['median_ms']:9.1f} {floor['p95_ms']:8.1f}")
    write_report(report, "present.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
