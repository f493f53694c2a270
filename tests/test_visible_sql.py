"""``python -m queries sql`` (``queries.visible_sql``) prints the statements a chart
really runs, with their parameters, on DuckDB and PostgreSQL; bad input is one line and
exit status 2. The fixture is tests/fixtures/foundation.py (data 2023-02, 2024-01..04)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from queries import visible_sql

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
