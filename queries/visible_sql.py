"""``python -m queries sql <chart-id> [filters]``: the SQL a chart runs, made visible.

Like Datasette's "View and edit SQL", it shows the statements as the database gets
them: the chart's loader (``ChartSpec.load``) runs once against the configured
reporting database, with the filters the chart really applies
(``charts.payload.effective_filters``) and no result cache, and every statement it
sends is recorded from the SQLAlchemy engine (``before_cursor_execute``), so what is
printed is the real text in the driver's parameter style (``$1`` on DuckDB,
``%(name)s`` on PostgreSQL), never a rebuilt copy. Each statement is followed by its
parameters, one per line. The load's metadata reads (data window, data version) run
before the recording starts and are not shown.

Bad input (an unknown chart id, a filter value the dashboard would refuse, a unit the
hierarchy lacks) prints one line and exits 2; an unreachable database prints one line
and exits 1. The filter messages are the dashboard's own notices, in English.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any, NoReturn

from flask import Flask
from sqlalchemy import event

from charts.catalog import CHARTS
from charts.payload import effective_filters
from queries.cache import init_cache
from queries.engine import DATABASE_ERRORS, get_engine
from queries.filters import GRAINS, SERVICES, Filters
from queries.units import resolve_selection
from settings import configure, get_settings
from translations import notice_text

BAD_INPUT = 2
DATABASE_DOWN = 1
LANG = "en"  # developer output


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits with ``BAD_INPUT``."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


def parser() -> argparse.ArgumentParser:
    """The command line: ``sql <chart-id>`` and the dashboard's filters."""
    top = _OneLineParser(prog="python -m queries", description=__doc__.split("\n")[0])
    commands = top.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    sql = commands.add_parser("sql", help="print the SQL statements a chart runs")
    sql.add_argument("chart_id", help="a chart id of the catalog (GET /api/charts)")
    sql.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month shown")
    sql.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month shown")
    # No argparse choices: the dashboard's own validation refuses a bad value, in its words.
    sql.add_argument("--grain", help=f"{', '.join(GRAINS)} (default {GRAINS[0]})")
    sql.add_argument(
        "--unit", action="append", metavar="ID", help="a node of the unit hierarchy (TA01, ...)"
    )
    sql.add_argument("--service", action="append", help=f"a queue service: {', '.join(SERVICES)}")
    return top


def _query(args: argparse.Namespace) -> dict[str, object]:
    """The arguments as the URL query the dashboard parses (``Filters.from_query``)."""
    named = {
        "from": args.start,
        "to": args.end,
        "grain": args.grain,
        "unit": args.unit,
        "service": args.service,
    }
    return {key: value for key, value in named.items() if value is not None}


@contextmanager
def recorded_statements() -> Iterator[list[tuple[str, Any]]]:
    """Record ``(statement, parameters)`` of every statement the reporting engine sends
    to its driver while the block runs, in order."""
    engine = get_engine()
    sent: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _literal(value: Any) -> str:
    """A parameter as SQL would spell it: dates and text quoted, numbers bare."""
    if isinstance(value, date | str):
        return "'" + str(value).replace("'", "''") + "'"
    return repr(value)


def parameter_lines(parameters: Any) -> list[str]:
    """SQL comment lines naming each parameter: ``-- name = value`` for named styles,
    ``-- $n = value`` (1-based) for positional ones."""
    if isinstance(parameters, Mapping):
        items = [(str(name), value) for name, value in parameters.items()]
    elif isinstance(parameters, Sequence) and not isinstance(parameters, str):
        items = [(f"${number}", value) for number, value in enumerate(parameters, start=1)]
    else:
        items = []
    return [f"-- {name} = {_literal(value)}" for name, value in items]


def describe(chart_id: str, filters: Filters, sent: list[tuple[str, Any]]) -> str:
    """The printed form: a header naming the chart and its applied filters, then each
    statement with its parameter lines, separated by blank lines."""
    query = {**filters.to_query(), "grain": filters.grain}
    applied = ", ".join(f"{key}={value}" for key, value in query.items())
    units = ", ".join(filters.units) or "the whole county"
    lines = [
        f"-- chart {chart_id}: {len(sent)} statement(s) on {get_engine().dialect.name}; "
        f"filters as the chart applies them: {applied}; units: {units}"
    ]
    for number, (statement, parameters) in enumerate(sent, start=1):
        lines += ["", f"-- statement {number}", statement.strip() + ";"]
        lines += parameter_lines(parameters)
    return "\n".join(lines) + "\n"


def _fail(message: str, status: int) -> int:
    print(f"python -m queries: {message}", file=sys.stderr)
    return status


def show_sql(chart_id: str, query: dict[str, object]) -> int:
    """Print the SQL of ``chart_id`` for the URL-style ``query``; return the exit status."""
    spec = CHARTS.get(chart_id)
    if spec is None:
        return _fail(f"unknown chart id {chart_id!r} (GET /api/charts lists them)", BAD_INPUT)
    filters, notices = Filters.from_query(query)
    if notices:
        return _fail(notice_text(notices[0], LANG), BAD_INPUT)
    # No result cache: a cached result would run no SQL. The settings are put back
    # afterwards, so a caller in the same process (a test) keeps its own.
    original = get_settings()
    configure(replace(original, cache_type="NullCache"))
    server = Flask(__name__)
    try:
        with warnings.catch_warnings():  # flask-caching warns that NullCache caches nothing
            warnings.simplefilter("ignore", UserWarning)
            init_cache(server, get_settings())
        with server.app_context():
            filters, notices = resolve_selection(filters)
            if notices:
                return _fail(notice_text(notices[0], LANG), BAD_INPUT)
            applied = effective_filters(spec, filters)
            with recorded_statements() as sent:
                spec.load(applied)
    except DATABASE_ERRORS as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return _fail(f"the reporting database did not answer: {reason}", DATABASE_DOWN)
    finally:
        configure(original)
    sys.stdout.write(describe(chart_id, applied, sent))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (argparse's own exits, a usage
    error or ``--help``, become the returned status)."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return show_sql(args.chart_id, _query(args))
