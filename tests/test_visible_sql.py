"""``python -m queries sql`` (``queries.visible_sql``) prints the statements a chart
really runs, with their parameters, on DuckDB and PostgreSQL; bad input (arguments,
settings, a driver that is not installed) is one line and exit status 2, a database
that fails one line and exit status 1. The fixture is tests/fixtures/foundation.py
(data 2023-02, 2024-01..04)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace

import duckdb
import pytest
import sqlalchemy as sa

from queries import visible_sql
from queries.engine import dispose_engines
from settings import configure, get_settings
from tests.conftest import ENGINES
from tests.fixtures import foundation
from tests.fixtures.common import create_fixture_db
from tests.servers import free_port

# How each engine's driver spells a bound parameter in the statement text.
PLACEHOLDER = {"duckdb": r"\$\d+", "postgresql": r"%\(\w+\)s"}


def _run(capsys, *argv):
    """Exit status, stdout and stderr of the command with ``argv``."""
    status = visible_sql.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_vs001_access_chart_shows_its_statement_and_parameters(reporting_db, capsys):
    """hoitotakuu-7vrk for TA01 in 1/2024: one statement on the access aggregate with the
    period bound as [2024-01-01, 2024-02-01), the unit and the 7 days as parameters."""
    status, out, err = _run(
        capsys, "sql", "hoitotakuu-7vrk", "--from", "2024-01", "--to", "2024-01", "--unit", "TA01"
    )
    assert (status, err) == (0, "")
    assert out.startswith(f"-- chart hoitotakuu-7vrk: 1 statement(s) on {reporting_db}; ")
    assert "from=2024-01, to=2024-01, grain=month; units: TA01" in out.splitlines()[0]
    assert out.count("-- statement ") == 1
    assert "FROM agg_access_visits a" in out
    # The bindings of the named fragment (queries.sql.filter_clause), as the driver gets them.
    where = next(line for line in out.splitlines() if line.startswith("WHERE "))
    p = PLACEHOLDER[reporting_db]
    assert re.fullmatch(
        rf"WHERE a\.wait_class IS NOT NULL AND a\.month >= {p} AND a\.month < {p}"
        rf" AND a\.unit_id IN \({p}\)",
        where,
    ), where
    values = sorted(line.split(" = ", 1)[1] for line in out.splitlines() if " = " in line)
    assert values == ["'2024-01-01'", "'2024-02-01'", "'TA01'", "7"]


def test_vs002_a_chart_of_two_statements_shows_both(reporting_db, capsys):
    """kirjaamisen-laatu runs two statements (assessments, contact-type codes), each with
    its own parameters; a county view binds no unit."""
    status, out, _ = _run(
        capsys, "sql", "kirjaamisen-laatu", "--from", "2024-01", "--to", "2024-02"
    )
    assert status == 0
    assert out.count("-- statement ") == 2
    assert "FROM agg_access_visits a" in out and "FROM agg_contact_types a" in out
    assert "units: the whole county" in out.splitlines()[0]
    assert "'TA01'" not in out
    # The second statement's known codes: R10 .. R72, 13 codes of the national set
    # (5 in person, 5 remote, 3 not client contacts), each a parameter.
    second = out.split("-- statement 2", 1)[1]
    codes = [line for line in second.splitlines() if re.fullmatch(r"-- \S+ = 'R\d\d'", line)]
    assert len(codes) == 13


def test_vs003_unknown_unit_is_refused_in_one_line(reporting_db, capsys):
    """A unit the hierarchy lacks is refused with the dashboard's message, exit 2."""
    status, out, err = _run(capsys, "sql", "jonot", "--unit", "ZZ99")
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and "ZZ99" in err and "not in the reporting database" in err


@pytest.mark.unit
@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["sql", "no-such-chart"], ["unknown chart id 'no-such-chart'"]),
        (["sql", "jonot", "--from", "2024-13"], ["2024-13", "YYYY-MM"]),
        (["sql", "jonot", "--grain", "week"], ["week", "month, quarter or year"]),
        (["sql", "jonot", "--service", "teeth"], ["teeth", "oral_health"]),
        (["sql", "jonot", "--from", "2024-05", "--to", "2024-01"], ["2024-01", "2024-05"]),
        (["sql"], ["chart_id"]),
        (["tables"], ["invalid choice: 'tables'"]),
    ],
)
def test_vs004_bad_input_is_one_line_and_exit_2(argv, words, capsys):
    """Each bad argument is refused before any database is opened: one line, exit 2."""
    status, out, err = _run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1, err
    for word in words:
        assert word in err


@pytest.mark.server
def test_vs005_module_entry_point_exits_2_without_a_traceback():
    """``python -m queries sql`` with an unknown id: exit 2, one line, no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "queries", "sql", "no-such-chart"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "python -m queries: unknown chart id 'no-such-chart' (GET /api/charts lists them)"
    ]


@pytest.fixture
def own_settings():
    """The test replaces the process settings; the original ones (and no engine made
    under the test's) are there again afterwards."""
    original = get_settings()
    yield
    dispose_engines()
    configure(original)


def _run_with_db(capsys, url, *argv):
    """``_run`` with ``TK_REPORTING_DB_URL`` set to ``url``."""
    configure(replace(get_settings(), reporting_db_url=url))
    return _run(capsys, *argv)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TK_LANGUAGE", "xx", "TK_LANGUAGE must be one of fi, sv, en (default fi)"),
        ("TK_MIN_CELL_COUNT", "abc", "TK_MIN_CELL_COUNT must be a whole number, not 'abc'"),
        ("TK_MIN_CELL_COUNT", "1", "TK_MIN_CELL_COUNT must be at least 2 (default 5)"),
    ],
)
def test_vs006_settings_refused_by_settings_py_are_one_line_and_exit_2(
    name, value, message, monkeypatch, own_settings, capsys
):
    """A setting that settings.py refuses: its own message in one line, exit 2."""
    monkeypatch.setenv(name, value)
    configure(None)  # read from the environment again, as a fresh process does
    assert _run(capsys, "sql", "jonot") == (
        2,
        "",
        f"python -m queries: the settings are not valid: {message}\n",
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://reader@db.example/reporting",
            "the driver of TK_REPORTING_DB_URL (mysql) is not available: No module named 'MySQLdb'",
        ),
        (
            "postgresql+asyncpg://reader@db.example/reporting",
            "the driver of TK_REPORTING_DB_URL (postgresql+asyncpg) is not available: "
            "No module named 'asyncpg'",
        ),
        (
            "nosuchdb://reader@db.example/reporting",
            "the driver of TK_REPORTING_DB_URL (nosuchdb) is not available: "
            "Can't load plugin: sqlalchemy.dialects:nosuchdb",
        ),
        (
            "reporting.duckdb",
            "TK_REPORTING_DB_URL is not a database URL: "
            "Could not parse SQLAlchemy URL from given URL string",
        ),
        (
            "postgresql+psycopg://reader@db.example:port/reporting",
            "TK_REPORTING_DB_URL is not a database URL: "
            "invalid literal for int() with base 10: 'port'",
        ),
    ],
)
def test_vs007_a_url_whose_driver_is_missing_is_one_line_and_exit_2(
    url, message, own_settings, capsys
):
    """A database URL naming a driver (or dialect) that is not installed, or no URL at
    all: one line naming the driver, exit 2, before any connection is tried."""
    assert _run_with_db(capsys, url, "sql", "jonot") == (2, "", f"python -m queries: {message}\n")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--from", "2024-01", "--from", "2024-02"],
            "argument --from: given more than once ('2024-01', then '2024-02'); it takes one value",
        ),
        (
            ["--to", "2024-02", "--to", "2024-03"],
            "argument --to: given more than once ('2024-02', then '2024-03'); it takes one value",
        ),
        (
            ["--grain", "month", "--grain", "year"],
            "argument --grain: given more than once ('month', then 'year'); it takes one value",
        ),
        (
            ["--unit", "TA01", "--unit", "TA02"],
            "argument --unit: given more than once ('TA01', then 'TA02'); it takes one value",
        ),
        (
            ["--service", "oral_health", "--service", "oral_health"],
            "argument --service: given more than once ('oral_health', then 'oral_health'); "
            "it takes one value",
        ),
        (
            ["--from", "2024-01,2024-02"],
            "argument --from: takes one value, not several ('2024-01,2024-02')",
        ),
        (
            ["--grain", "month,year"],
            "argument --grain: takes one value, not several ('month,year')",
        ),
    ],
)
def test_vs008_a_repeated_option_is_refused_in_one_line_and_exit_2(options, message, capsys):
    """Every filter option takes one value: given twice (even the same value) or with
    commas it is refused, never one value silently chosen."""
    assert _run(capsys, "sql", "jonot", *options) == (
        2,
        "",
        f"python -m queries sql: {message} (see --help)\n",
    )


@pytest.fixture(params=ENGINES)
def engine_name(request, reporting_database) -> str:
    """Each engine in turn: ``duckdb`` or ``postgresql``."""
    return request.param


def _empty_database(engine_name, request, tmp_path) -> str:
    """URL of a new reporting database without tables on ``engine_name``."""
    if engine_name == "duckdb":
        duckdb.connect(str(tmp_path / "empty.duckdb")).close()  # creates the file
        return f"duckdb:///{tmp_path}/empty.duckdb"
    return request.getfixturevalue("postgres_database_factory")()


@pytest.mark.parametrize(
    ("drop_column", "message"),
    [
        (
            False,
            {
                "duckdb": "Catalog Error: Table with name reporting_meta does not exist!",
                "postgresql": 'relation "reporting_meta" does not exist',
            },
        ),
        (
            True,
            {
                "duckdb": 'Binder Error: Table "a" does not have a column named "wait_class"',
                "postgresql": "column a.wait_class does not exist",
            },
        ),
    ],
)
def test_vs009_a_database_that_answers_with_an_error_says_what_failed(
    engine_name, drop_column, message, request, tmp_path, own_settings, capsys
):
    """No tables at all (the load metadata is read first), or the foundation data
    without the column ``agg_access_visits.wait_class`` that hoitotakuu-7vrk filters on
    (a database older than the code): the database's first line, exit 1."""
    url = _empty_database(engine_name, request, tmp_path)
    if drop_column:
        engine = sa.create_engine(url)
        create_fixture_db(engine, foundation.tables())
        with engine.begin() as conn:
            if engine_name == "duckdb":  # DuckDB alters no table that has indexes
                names = conn.execute(
                    sa.text(
                        "SELECT index_name FROM duckdb_indexes()"
                        " WHERE table_name = 'agg_access_visits'"
                    )
                ).scalars()
                for name in list(names):
                    conn.execute(sa.text(f"DROP INDEX {name}"))
            conn.execute(sa.text("ALTER TABLE agg_access_visits DROP COLUMN wait_class"))
        engine.dispose()
    assert _run_with_db(capsys, url, "sql", "hoitotakuu-7vrk") == (
        1,
        "",
        f"python -m queries: the reporting database answered with an error: "
        f"{message[engine_name]}\n",
    )


@pytest.mark.parametrize(
    ("file", "is_demo", "message"),
    [
        (
            "missing",
            True,
            'did not answer: IO Error: Cannot open database "{path}" in read-only mode: '
            "database does not exist (build the demo database with `make demo-db`)",
        ),
        (
            "empty",
            True,
            "answered with an error: Catalog Error: Table with name reporting_meta does not "
            "exist! (rebuild the demo database: delete the file and run `make demo-db`)",
        ),
        (
            "missing",
            False,
            'did not answer: IO Error: Cannot open database "{path}" in read-only mode: '
            "database does not exist",
        ),
    ],
)
def test_vs010_the_demo_database_missing_or_stale_gets_the_make_hint(
    file, is_demo, message, reporting_database, tmp_path, monkeypatch, own_settings, capsys
):
    """When the configured DuckDB file is the demo database (``make demo-db`` builds it),
    the line says to build it (missing) or rebuild it (answered with an error); any
    other missing file gets no hint. Exit 1 either way."""
    path = tmp_path / "reporting.duckdb"
    demo = path if is_demo else tmp_path / "elsewhere" / "reporting.duckdb"
    monkeypatch.setattr(visible_sql, "DEFAULT_DUCKDB_PATH", demo)
    if file == "empty":
        duckdb.connect(str(path)).close()
    assert _run_with_db(capsys, f"duckdb:///{path}", "sql", "jonot") == (
        1,
        "",
        "python -m queries: the reporting database " + message.format(path=path) + "\n",
    )


@pytest.mark.db
def test_vs011_an_unreachable_database_is_one_line_and_exit_1(own_settings, capsys):
    """A PostgreSQL address where nothing listens: the driver's first line, exit 1."""
    port = free_port()
    url = f"postgresql+psycopg://reader@127.0.0.1:{port}/reporting"
    assert _run_with_db(capsys, url, "sql", "jonot") == (
        1,
        "",
        "python -m queries: the reporting database did not answer: connection failed: "
        f'connection to server at "127.0.0.1", port {port} failed: Connection refused\n',
    )


@pytest.mark.server
@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "TK_LANGUAGE",
            "xx",
            "python -m queries: the settings are not valid: "
            "TK_LANGUAGE must be one of fi, sv, en (default fi)",
        ),
        (
            "TK_REPORTING_DB_URL",
            "mysql://reader@db.example/reporting",
            "python -m queries: the driver of TK_REPORTING_DB_URL (mysql) is not available: "
            "No module named 'MySQLdb'",
        ),
    ],
)
def test_vs012_bad_settings_from_the_environment_exit_2_without_a_traceback(name, value, line):
    """The attacker's route: the variable set for ``python -m queries``, no traceback
    from any import, one line, exit 2."""
    done = subprocess.run(
        [sys.executable, "-m", "queries", "sql", "jonot"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, name: value},
    )
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (2, "", [line])
