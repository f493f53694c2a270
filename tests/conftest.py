"""Shared fixtures: the hand-made reporting DB on DuckDB and on a real PostgreSQL.

PostgreSQL is not optional: when the server at ``TK_TEST_POSTGRES_URL`` cannot be
reached the PostgreSQL-parametrised tests fail with a message; they never skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
import sqlalchemy as sa

from app import app as dash_app
from queries.cache import cache
from queries.engine import dispose_engines
from settings import configure, get_settings
from tests.fixture_data import create_fixture_db

POSTGRES_URL = os.environ.get(
    "TK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test session (dropped afterwards)."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"tk_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at {POSTGRES_URL} is not reachable ({exc.orig}). Start it (see "
            "README, 'Tests') or point TK_TEST_POSTGRES_URL at a server; these tests "
            "never skip.",
            pytrace=False,
        )
    url = sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    dispose_engines()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def duckdb_fixture_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("reporting") / "fixture.duckdb"
    url = f"duckdb:///{path}"
    engine = sa.create_engine(url)
    create_fixture_db(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def postgres_fixture_url(postgres_server_url) -> str:
    engine = sa.create_engine(postgres_server_url)
    create_fixture_db(engine)
    engine.dispose()
    return postgres_server_url


def use_reporting_db(url: str) -> None:
    """Point the app at ``url`` with a cold cache."""
    dispose_engines()
    configure(replace(get_settings(), reporting_db_url=url))
    with dash_app.server.app_context():
        cache.clear()


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def reporting_db(request) -> Iterator[str]:
    """Run the test on the fixture DB of each engine; yields the engine name.

    Tests get a Flask app context (the memoized queries need one) and a cold cache.
    """
    fixture = "duckdb_fixture_url" if request.param == "duckdb" else "postgres_fixture_url"
    original = get_settings()
    use_reporting_db(request.getfixturevalue(fixture))
    with dash_app.server.app_context():
        yield request.param
    dispose_engines()
    configure(original)


@pytest.fixture
def client(reporting_db):
    """A Flask test client of the app on the fixture DB."""
    return dash_app.server.test_client()


def pytest_setup_options():
    """Chromium options for dash[testing]: Debian's browser, closed-network friendly."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
    for flag in (
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    return options


@pytest.fixture
def browser_db(duckdb_fixture_url) -> Iterator[str]:
    """The app on the DuckDB fixture, for browser tests (one engine is enough there)."""
    original = get_settings()
    use_reporting_db(duckdb_fixture_url)
    yield duckdb_fixture_url
    dispose_engines()
    configure(original)
