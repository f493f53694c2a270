"""SQL time per chart on one or more reporting databases (DuckDB, PostgreSQL), no cache:
the one SQL benchmark (``bench.run`` uses it for its SQL columns).

    python -m bench.sql --url duckdb:///data/reporting.duckdb \\
                        --url postgresql+psycopg://postgres@127.0.0.1:5432/reporting
    python -m bench.sql --charts jonot,liikuntalahetteet --runs 15

The figure per chart is the time spent in the database (cursor execute + fetch) summed
over a chart load's queries, reference look-ups included, with the default filters;
median of ``--runs``. Without ``--url`` it measures ``TK_REPORTING_DB_URL``. Prints one
column per database and writes ``bench/results/sql.json`` with the machine's load
average at the start and the end (the figures of a busy machine are not those of a
quiet one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Iterable
from dataclasses import replace

import sqlalchemy as sa
from flask import Flask

from bench.run import _stats, report_head, write_report


def measure_sql(runs: int, charts: Iterable[str] | None = None) -> dict[str, dict]:
    """Time spent in the configured reporting database per chart load (cursor execute
    + fetch), no cache: ``{chart id: {"median_ms", "p95_ms", "runs"}}`` for ``charts``
    (ids; default every chart of the catalog)."""
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


def label(url: str) -> str:
    """A database's name for the table: its driver and database, no credentials."""
    parsed = sa.engine.make_url(url)
    return f"{parsed.get_backend_name()}:{(parsed.database or '').rsplit('/', 1)[-1]}"


def measure(urls: list[str], runs: int, charts: list[str] | None = None) -> dict[str, dict]:
    """``{label(url): measure_sql(...)}`` for each of ``urls`` in turn (the settings
    are restored afterwards)."""
    from queries.engine import dispose_engines
    from settings import configure, get_settings

    original = get_settings()
    results = {}
    try:
        for url in urls:
            dispose_engines()
            configure(replace(original, reporting_db_url=url))
            results[label(url)] = measure_sql(runs, charts)
    finally:
        dispose_engines()
        configure(original)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", help="a reporting database (repeatable)")
    parser.add_argument("--charts", help="comma-separated chart ids (default: every chart)")
    parser.add_argument("--runs", type=int, default=7, help="runs per chart")
    args = parser.parse_args(argv)

    from settings import get_settings

    urls = args.url or [get_settings().reporting_db_url]
    charts = args.charts.split(",") if args.charts else None
    if charts:
        from charts.catalog import CHARTS

        unknown = [chart for chart in charts if chart not in CHARTS]
        if unknown:
            parser.error(f"unknown chart ids: {', '.join(unknown)} (known: {', '.join(CHARTS)})")
    load_before = os.getloadavg()
    results = measure(urls, args.runs, charts)
    report = {
        **report_head(),
        "load_average": {"start": load_before, "end": os.getloadavg()},
        "runs": args.runs,
        "sql": results,
    }
    labels = list(results)
    print(f"{'chart (SQL median ms)':32}" + "".join(f" {name[:24]:>24}" for name in labels))
    for chart_id in next(iter(results.values())):
        print(
            f"{chart_id:32}"
            + "".join(f" {results[name][chart_id]['median_ms']:24.1f}" for name in labels)
        )
    load_after = os.getloadavg()[0]
    print(f"load average (1 min) at start / end: {load_before[0]:.1f} / {load_after:.1f}")
    write_report(report, "sql.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
