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

Every failure is one line on stderr. Bad input exits 2: an unknown chart id, an option
given twice or with several comma-separated values (each filter takes one), a filter
value the dashboard would refuse, a unit the hierarchy lacks, settings that
``settings.py`` refuses (its own message), or a ``TK_REPORTING_DB_URL`` whose driver is
not installed. A database that did not answer, or answered with an error (a missing
table or column: the database's first line), exits 1; when the database is the demo
file, the line says how to build or rebuild it (``make demo-db``). The filter messages
are the dashboard's own notices, in English.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from charts.catalog import CHARTS
from charts.payload import effective_filters
from queries.cache import init_cache
from queries.engine import DATABASE_ERRORS, get_engine
from queries.filters import GRAINS, SERVICES, Filters
from queries.units import resolve_selection
from settings import DEFAULT_DUCKDB_PATH, configure, get_settings
from translations import notice_text

BAD_INPUT = 2
DATABASE_FAILED = 1  # did not answer, or answered with an error
LANG = "en"  # developer output


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits with ``BAD_INPUT``."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


class _OneValue(argparse.Action):
    """An option that takes one value: given twice, or with commas (which the dashboard
    reads as several values), it is a usage error instead of one value silently
    winning over the other."""

    def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001
        previous = getattr(namespace, self.dest)
        if previous is not None:
            raise argparse.ArgumentError(
                self, f"given more than once ({previous!r}, then {values!r}); it takes one value"
            )
        if "," in values:
            raise argparse.ArgumentError(self, f"takes one value, not several ({values!r})")
        setattr(namespace, self.dest, values)


def parser() -> argparse.ArgumentParser:
    """The command line: ``sql <chart-id>`` and the dashboard's filters."""
    top = _OneLineParser(prog="python -m queries", description=__doc__.split("\n")[0])
    commands = top.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    sql = commands.add_parser("sql", help="print the SQL statements a chart runs")
    sql.add_argument("chart_id", help="a chart id of the catalog (GET /api/charts)")
    sql.add_argument(
        "--from", dest="start", metavar="YYYY-MM", help="first month shown", action=_OneValue
    )
    sql.add_argument(
        "--to", dest="end", metavar="YYYY-MM", help="last month shown", action=_OneValue
    )
    # No argparse choices: the dashboard's own validation refuses a bad value, in its words.
    sql.add_argument("--grain", help=f"{', '.join(GRAINS)} (default {GRAINS[0]})", action=_OneValue)
    sql.add_argument(
        "--unit", metavar="ID", help="a node of the unit hierarchy (TA01, ...)", action=_OneValue
    )
    sql.add_argument("--service", help=f"a queue service: {', '.join(SERVICES)}", action=_OneValue)
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


def _first_line(exc: BaseException) -> str:
    """The first line of the driver's own message (SQLAlchemy's wrapper adds the
    statement on further lines), or the exception's name when it has no message."""
    inner = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    lines = str(inner).strip().splitlines()
    return lines[0] if lines else type(inner).__name__


def _engine_problem(url: str) -> str | None:
    """Why no engine can be made for ``url`` (not a URL, or its dialect or driver
    module not installed), or None. Making an engine does not connect."""
    try:
        name = sa.engine.make_url(url).drivername
    except (sa.exc.ArgumentError, ValueError) as exc:  # ValueError: a port that is no number
        return f"TK_REPORTING_DB_URL is not a database URL: {_first_line(exc)}"
    try:
        get_engine()
    # ImportError: the dialect's driver module (MySQLdb, asyncpg) is missing;
    # NoSuchModuleError: SQLAlchemy has no such dialect at all.
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        return f"the driver of TK_REPORTING_DB_URL ({name}) is not available: {_first_line(exc)}"
    return None


def _demo_hint(url: str, answered: bool) -> str:
    """What to do when ``url`` is the demo database (``make demo-db`` builds it at
    ``DEFAULT_DUCKDB_PATH``): build it when the file is missing, rebuild it when it
    answered with an error (older than the code); empty for any other database."""
    parts = sa.engine.make_url(url)
    if parts.get_backend_name() != "duckdb" or not parts.database:
        return ""
    path = Path(parts.database)
    if path.resolve() != DEFAULT_DUCKDB_PATH.resolve():
        return ""
    if answered:
        # make rebuilds only when a source is newer than the file; a removed file it builds.
        return " (rebuild the demo database: delete the file and run `make demo-db`)"
    return "" if path.exists() else " (build the demo database with `make demo-db`)"


def _database_failure(exc: BaseException, url: str) -> str:
    """The one line for a failed load: the database refused a statement (no such table
    or column: it answered) or did not answer at all."""
    # Refused statements: the driver's ProgrammingError (undefined table or column) or
    # DataError; connection failures and time-outs are OperationalError.
    answered = isinstance(exc, sa.exc.ProgrammingError | sa.exc.DataError)
    what = "answered with an error" if answered else "did not answer"
    return f"the reporting database {what}: {_first_line(exc)}{_demo_hint(url, answered)}"


def show_sql(chart_id: str, query: dict[str, object]) -> int:
    """Print the SQL of ``chart_id`` for the URL-style ``query``; return the exit status."""
    try:
        original = get_settings()  # first: every later step reads them
    except ValueError as exc:  # what settings.py raises, naming the setting in most cases
        return _fail(f"the settings are not valid: {_first_line(exc)}", BAD_INPUT)
    spec = CHARTS.get(chart_id)
    if spec is None:
        return _fail(f"unknown chart id {chart_id!r} (GET /api/charts lists them)", BAD_INPUT)
    filters, notices = Filters.from_query(query)
    if notices:
        return _fail(notice_text(notices[0], LANG), BAD_INPUT)
    problem = _engine_problem(original.reporting_db_url)
    if problem:
        return _fail(problem, BAD_INPUT)
    # No result cache: a cached result would run no SQL. The settings are put back
    # afterwards, so a caller in the same process (a test) keeps its own.
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
        return _fail(_database_failure(exc, original.reporting_db_url), DATABASE_FAILED)
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
