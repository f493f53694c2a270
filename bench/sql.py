"""SQL time per chart on one or more reporting databases (DuckDB, PostgreSQL), no cache.

    python -m bench.sql --url duckdb:///data/reporting.duckdb \\
                        --url postgresql+psycopg://postgres@127.0.0.1:5432/reporting
    python -m bench.sql --charts jonot,liikuntalahetteet --runs 15

The figure is ``bench.run.measure_sql``'s (cursor execute + fetch summed over a chart
load's queries, reference look-ups included; the default filters; median of ``--runs``).
Without ``--url`` it measures ``TK_REPORTING_DB_URL``. Prints one column per database
and writes ``bench/results/sql.json`` with the machine's load average at the start and
the end (the figures of a busy machine are not those of a quiet one). ``make bench``
runs it on the demo file and, when ``TK_BENCH_POSTGRES_URL`` is set, on that
PostgreSQL database too (loaded with ``make postgres-demo``).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

import sqlalchemy as sa

from bench.run import measure_sql, report_head, write_report


def _label(url: str) -> str:
    """A database's name for the table: its driver and database, no credentials."""
    parsed = sa.engine.make_url(url)
    return f"{parsed.get_backend_name()}:{(parsed.database or '').rsplit('/', 1)[-1]}"


def measure(urls: list[str], runs: int, charts: list[str] | None) -> dict[str, dict]:
    """``{database label: measure_sql(...)}`` for each of ``urls`` in turn."""
    from queries.engine import dispose_engines
    from settings import configure, get_settings

    original = get_settings()
    results = {}
    try:
        for url in urls:
            dispose_engines()
            configure(replace(original, reporting_db_url=url))
            results[_label(url)] = measure_sql(runs, charts)
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
    print(f"{'chart (SQL median ms)':32}" + "".join(f" {label[:24]:>24}" for label in labels))
    for chart_id in next(iter(results.values())):
        print(
            f"{chart_id:32}"
            + "".join(f" {results[label][chart_id]['median_ms']:24.1f}" for label in labels)
        )
    load_after = os.getloadavg()[0]
    print(f"load average (1 min) at start / end: {load_before[0]:.1f} / {load_after:.1f}")
    write_report(report, "sql.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
