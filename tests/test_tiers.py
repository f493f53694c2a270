"""tests/tiers.py: how a test's cost tier is decided from its marks, fixtures and
parameters (the collection hook in tests/conftest.py applies it to every test)."""

import os
import socket
import sqlite3
import subprocess
from sqlite3 import connect as sqlite_connect

import duckdb
import flask
import psycopg
import pytest
import sqlalchemy as sa

from tests.tiers import TIERS, costliest, tier_of

pytestmark = pytest.mark.unit


def test_ti001_a_fixture_decides_the_tier_of_an_unmarked_test():
    """An unmarked test gets the tier of the costliest fixture it uses."""
    assert tier_of([], ["tmp_path", "reporting_database", "request"]) == ("db", None)
    assert tier_of([], ["app_db", "dash_duo"]) == ("browser", None)
    assert tier_of([], ["postgres_database_factory", "client"]) == ("postgres", None)


def test_ti002_the_engine_a_case_runs_on_decides_its_tier():
    """A case on DuckDB or SQLite is db, on PostgreSQL postgres; other parameters say nothing."""
    assert tier_of([], ["url"], ["duckdb"]) == ("db", None)
    assert tier_of([], ["url"], ["sqlite", 3]) == ("db", None)
    assert tier_of([], ["url"], ["postgresql", "jonot"]) == ("postgres", None)
    assert tier_of(["unit"], ["chart_id"], ["jonot", 7]) == ("unit", None)


def test_ti003_a_mark_may_ask_for_more_than_the_fixtures_show():
    """A mark may ask for more than the fixtures show (a test starting a process itself)."""
    assert tier_of(["server"], ["client"]) == ("server", None)
    assert tier_of(["browser"], [], ["postgresql"]) == ("browser", None)


def test_ti004_a_test_without_any_tier_is_a_problem():
    """A test with no mark, fixture or parameter that tells is refused with the tiers to pick."""
    tier, problem = tier_of([], ["tmp_path", "monkeypatch"], [1, "jonot"])
    assert tier is None
    assert "has no tier" in problem and "unit, db, server, postgres, browser" in problem


def test_ti005_two_marks_are_a_problem():
    """A test marked with two tiers is refused even when one of them is right."""
    tier, problem = tier_of(["postgres", "browser"], ["dash_duo"])
    assert tier is None
    assert problem.startswith("has two tiers (postgres, browser)")


def test_ti006_a_mark_cheaper_than_a_fixture_is_a_problem():
    """A mark cheaper than a fixture or parameter needs is refused, naming the tier needed."""
    tier, problem = tier_of(["unit"], ["reporting_database"])
    assert tier is None
    assert problem == "is marked unit but fixture reporting_database needs db; mark it db"
    tier, problem = tier_of(["db"], [], ["postgresql"])
    assert tier is None
    assert problem == "is marked db but parameter 'postgresql' needs postgres; mark it postgres"


def test_ti007_tiers_are_ordered_by_cost():
    """The costliest of some tiers is the furthest along unit < db < server < postgres < browser."""
    assert TIERS == ("unit", "db", "server", "postgres", "browser")
    assert costliest(["db", "unit", "server"]) == "server"
    assert costliest(["postgres", "browser"]) == "browser"
    assert costliest([]) is None


def test_ti008_this_test_is_marked_unit_and_nothing_else(request):
    """The collection hook leaves exactly one tier mark on a test (here the module's unit)."""
    names = [mark.name for mark in request.node.iter_markers() if mark.name in TIERS]
    assert names == ["unit"]


def test_ti009_a_unit_test_cannot_reach_a_database_a_socket_or_a_process():
    """A unit test cannot open DuckDB, SQLite, a connection, a socket, a process or the app."""
    with pytest.raises(AssertionError, match="starts a process"):
        subprocess.Popen(["true"])
    with pytest.raises(AssertionError, match="opens a connection"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(AssertionError, match="opens DuckDB"):
        duckdb.connect(":memory:")
    with pytest.raises(AssertionError, match="opens SQLite"):
        sqlite3.connect(":memory:")
    with pytest.raises(AssertionError, match="connects to a database"):
        sa.create_engine("sqlite://").connect()
    with pytest.raises(AssertionError, match="serves a request through the app"):
        flask.Flask("probe").test_client()


@pytest.fixture(scope="module")
def module_sqlite():
    """A module-scoped fixture that opens SQLite: set up by the first test using it."""
    try:
        connection = sqlite_connect(":memory:")
    except AssertionError as refused:  # the guard covers a unit test's set-up too
        yield str(refused)
        return
    yield "opened"
    connection.close()


def test_ti010_the_guard_sees_past_early_imports_fixtures_and_other_drivers(module_sqlite):
    """Names imported before the test, a module fixture's set-up, DuckDB's module-level
    queries, psycopg, a listening socket and a fork are refused in a unit test too."""
    assert "opens SQLite" in module_sqlite
    with pytest.raises(AssertionError, match="opens SQLite"):
        sqlite_connect(":memory:")  # bound at import, before any patching
    with pytest.raises(AssertionError, match="opens DuckDB"):
        duckdb.sql("SELECT 1")
    with pytest.raises(AssertionError, match="connects to PostgreSQL"):
        psycopg.connect("postgresql://postgres@127.0.0.1:1/none")
    with pytest.raises(AssertionError, match="listens on a port"):
        socket.socket().bind(("127.0.0.1", 0))
    # The audit event comes before the fork: nothing is forked when the guard holds
    # (and a child of a broken guard leaves at once rather than run the suite again).
    with pytest.raises(AssertionError, match="forks a process"):
        if os.fork() == 0:
            os._exit(0)
