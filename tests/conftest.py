"""Shared fixtures: the hand-made reporting DB on DuckDB and on a real PostgreSQL.

PostgreSQL is not optional: when the server at ``TK_TEST_POSTGRES_URL`` cannot be
reached the PostgreSQL-parametrised tests fail with a message; they never skip.

Every test gets exactly one cost tier (tests/tiers.py) when the suite is collected, and a
``unit`` test that reaches for a database, a socket, a process or the app's server fails.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import duckdb
import duckdb_engine  # noqa: F401 - its import opens DuckDB once; see _kept_pure
import flask
import psycopg
import pytest
import sqlalchemy as sa
from dash.testing.application_runners import ThreadedRunner
from dash.testing.composite import DashComposite
from werkzeug.serving import make_server

# Tests never read a developer's demo database by accident: without a fixture they
# see a reporting DB that does not exist (as on a fresh CI machine).
os.environ["TK_REPORTING_DB_URL"] = "duckdb:////nonexistent/tietokeskustelut-tests.duckdb"
# ... nor a developer's meeting data: the app database of a test run starts empty.
_APP_DB_FOLDER = tempfile.mkdtemp(prefix="tk-app-db-")
atexit.register(shutil.rmtree, _APP_DB_FOLDER, ignore_errors=True)  # not left behind
os.environ["TK_APP_DB_URL"] = "sqlite:///" + _APP_DB_FOLDER + "/app.db"
os.environ.pop("TK_DEMO_USER", None)
for _name in ("TK_IDENTITY_HEADER", "TK_AUTH_REQUIRED", "TK_GROUP_HEADER", "TK_EDITOR_GROUPS"):
    os.environ.pop(_name, None)

from app import app as dash_app  # noqa: E402 - after the environment is set
from meetings import db as app_db_module  # noqa: E402
from queries.cache import cache  # noqa: E402
from queries.engine import dispose_engines  # noqa: E402
from settings import configure, get_settings  # noqa: E402
from tests.fixtures import foundation  # noqa: E402
from tests.fixtures.common import base_tables, create_fixture_db  # noqa: E402
from tests.prerequisites import CHROMIUM_FLAGS, chromium_path, postgres_url  # noqa: E402
from tests.servers import READY_TIMEOUT, WAIT, free_port, wait_until_ready  # noqa: E402
from tests.tiers import TIER_HELP, TIERS, tier_of  # noqa: E402

POSTGRES_URL = postgres_url()


def pytest_configure(config):
    """Registers the tier marks here, from tests/tiers.py, so their list has one home."""
    for tier in TIERS:
        config.addinivalue_line("markers", f"{tier}: {TIER_HELP[tier]}")
    config.addinivalue_line(
        "markers",
        "hand_computed(*chart_ids): the test checks these charts' numbers against values "
        "worked out by hand (tests/test_chart_contract.py)",
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by the marks added here
def pytest_collection_modifyitems(config, items):
    """Marks each test with its tier; stops the run when a test has none or two."""
    problems = []
    for item in items:
        marked = {mark.name for mark in item.iter_markers() if mark.name in TIERS}
        params = item.callspec.params.values() if hasattr(item, "callspec") else ()
        tier, problem = tier_of(marked, item.fixturenames, params)
        if problem:
            problems.append(f"{item.nodeid} {problem}")
        elif tier not in marked:
            item.add_marker(tier)
    if problems:
        raise pytest.UsageError("Test tiers:\n" + "\n".join(problems))


# Audit events (PEP 578) that a unit test may not cause: they are raised by the C code
# itself, so a name imported before the test (``from sqlite3 import connect``) or a
# module-scoped fixture does not get round them. DuckDB and psycopg open their files
# and connections in C without an audit event: their entry points are replaced below.
_IMPURE_EVENTS = {
    "socket.connect": "opens a connection",
    "socket.bind": "listens on a port",
    "subprocess.Popen": "starts a process",
    "os.fork": "forks a process",
    "os.posix_spawn": "starts a process",
    "os.exec": "starts a process",
    "sqlite3.connect": "opens SQLite",
}
_pure = threading.local()  # .active: a unit test is running in this thread


def _audit(event: str, args) -> None:
    if event in _IMPURE_EVENTS and getattr(_pure, "active", False):
        raise AssertionError(
            f"a unit test {_IMPURE_EVENTS[event]}; mark it with the tier it needs (tests/tiers.py)"
        )


sys.addaudithook(_audit)


def _refuse(what: str):
    def refuse(*args, **kwargs):
        raise AssertionError(f"a unit test {what}; mark it with the tier it needs (tests/tiers.py)")

    return refuse


@contextlib.contextmanager
def _kept_pure(item) -> Iterator[None]:
    """For a ``unit`` test: opening a database, a socket or a process, or serving a
    request through the app fails it; the tier is checked, not only declared. Only this
    thread is watched (other threads belong to earlier tests)."""
    if item.get_closest_marker("unit") is None:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        # Making an engine is pure, but SQLAlchemy loads a dialect at its first URL and
        # duckdb_engine's import asks DuckDB what it supports: imported above, so a unit
        # test does not fail or pass by which test happened to make the first engine.
        patch.setattr(sa.engine.Engine, "connect", _refuse("connects to a database"))
        patch.setattr(sa.engine.Engine, "raw_connection", _refuse("connects to a database"))
        for name in ("connect", "sql", "query", "execute", "read_csv", "default_connection"):
            patch.setattr(duckdb, name, _refuse("opens DuckDB"))
        patch.setattr(psycopg, "connect", _refuse("connects to PostgreSQL"))
        patch.setattr(psycopg.Connection, "connect", _refuse("connects to PostgreSQL"))
        patch.setattr(flask.Flask, "test_client", _refuse("serves a request through the app"))
        _pure.active = True
        try:
            yield
        finally:
            _pure.active = False


# Set-up (with the module- and session-scoped fixtures a unit test is the first to use)
# and the call are watched; the tear-down is not: it may close what an earlier test of
# another tier opened (a module's database, dropped after its last test).
@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with _kept_pure(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with _kept_pure(item):
        return (yield)


@pytest.fixture(autouse=True)
def _settings_left_as_found() -> Iterator[None]:
    """A test that leaves the process's settings changed fails (and they are put back):
    a later test would otherwise run against its database or language (it happened:
    the meeting tests read a fixture database a fork test had left configured)."""
    before = get_settings()
    yield
    after = get_settings()
    if after != before:
        configure(before)
        changed = ", ".join(before.differences(after))
        pytest.fail(f"the test left settings changed: {changed}", pytrace=False)


@pytest.fixture(scope="session")
def reporting_database() -> None:
    """Nothing but a name: a fixture depending on it is a reporting database, which puts
    the tests using it in the ``db`` tier (tests/tiers.py)."""


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The PostgreSQL server the tests use; fails (never skips) when it is down."""
    admin = sa.create_engine(POSTGRES_URL)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at {POSTGRES_URL} is not reachable ({exc.orig}). Start it (see "
            "README, 'Two commands') or point TK_TEST_POSTGRES_URL at a server; these "
            "tests never skip.",
            pytrace=False,
        )
    finally:
        admin.dispose()
    return POSTGRES_URL


_fixture_urls: dict[tuple[str, str], str] = {}


def fresh_reporting_db(engine_name: str, request, data_as_of: str = "2024-04-30") -> str:
    """URL of a new, empty reporting database for one test (the contract's tables with
    the fixture units, the shipped targets and the load metadata; no figures or
    events), on ``"duckdb"`` (a file in the test's tmp_path) or ``"postgresql"`` (a
    throw-away database): for tests that import into it."""
    if engine_name == "duckdb":
        folder = request.getfixturevalue("tmp_path")
        url = f"duckdb:///{folder}/reporting.duckdb"
    else:
        url = request.getfixturevalue("postgres_database_factory")()
    engine = sa.create_engine(url)
    try:
        create_fixture_db(engine, base_tables(data_as_of))
    finally:
        engine.dispose()
    return url


def fixture_db_url(engine_name: str, module, request) -> str:
    """URL of a database holding ``module.tables()``, built once per session and engine."""
    key = (engine_name, module.__name__)
    if key not in _fixture_urls:
        if engine_name == "duckdb":
            folder = request.getfixturevalue("tmp_path_factory").mktemp("reporting")
            url = f"duckdb:///{folder}/{module.__name__.rsplit('.', 1)[-1]}.duckdb"
        else:
            url = request.getfixturevalue("postgres_database_factory")()
        engine = sa.create_engine(url)
        create_fixture_db(engine, module.tables())
        engine.dispose()
        _fixture_urls[key] = url
    return _fixture_urls[key]


@pytest.fixture(scope="session")
def postgres_database_factory(postgres_server_url):
    """Makes more fresh databases on the test server (dropped at the end)."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"tk_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return (
            sa.engine.make_url(POSTGRES_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    yield make
    dispose_engines()

    def drop(name: str) -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    # In parallel: each DROP DATABASE waits for a checkpoint, and concurrent ones share
    # it (one by one, 60 drops took 250 s of teardown on a busy machine).
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(drop, made))
    admin.dispose()


def use_reporting_db(url: str) -> None:
    """Point the app at ``url`` with a cold cache."""
    dispose_engines()
    configure(replace(get_settings(), reporting_db_url=url))
    with dash_app.server.app_context():
        cache.clear()


ENGINES = ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)]


def reporting_db_fixture(module):
    """A fixture running each test on ``module.tables()`` in DuckDB and in PostgreSQL.

    It yields the engine name; the test runs inside a Flask app context (the memoized
    queries need one) with a cold cache. Use it in a test module as
    ``reporting_db = reporting_db_fixture(tests.fixtures.<name>)``.
    """

    @pytest.fixture(params=ENGINES)
    def fixture(request, reporting_database) -> Iterator[str]:
        original = get_settings()
        use_reporting_db(fixture_db_url(request.param, module, request))
        with dash_app.server.app_context():
            yield request.param
        dispose_engines()
        configure(original)

    return fixture


reporting_db = reporting_db_fixture(foundation)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app_db(request, tmp_path) -> Iterator[str]:
    """A fresh, migrated app database (meetings) on SQLite and on PostgreSQL, with the
    settings pointing at it; yields its URL. ``TK_DEMO_USER`` stays unset."""
    original = get_settings()
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/app.db"
    else:
        url = request.getfixturevalue("postgres_database_factory")()
    configure(replace(original, app_db_url=url))
    app_db_module.migrate(url)
    yield url
    app_db_module.dispose()
    configure(original)


@pytest.fixture
def count_calls(monkeypatch):
    """``count_calls(module, name)`` wraps ``module.name`` for the test: every call is
    passed on and its positional arguments appended to the returned list."""

    def wrap(module, name: str) -> list:
        calls: list = []
        original = getattr(module, name)

        def counted(*args, **kwargs):
            calls.append(args)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
        return calls

    return wrap


@pytest.fixture
def client(reporting_db):
    """A Flask test client of the app on the fixture DB."""
    return dash_app.server.test_client()


def pytest_setup_options():
    """Chromium options for dash[testing]: Debian's browser, closed-network friendly."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    # DASH_TEST_CHROMEPATH or chromium on PATH, as `make test` checked beforehand.
    options.binary_location = chromium_path() or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    return options


class PatientThreadedRunner(ThreadedRunner):
    """dash[testing]'s threaded server, started on a free port, waited for as long as a
    busy machine needs (dash's default: 3 s, and ports counted up from 58050, which two
    test runs on one machine would share), and stopped by shutting the server down.

    dash's own ``stop`` raises ``SystemExit`` asynchronously in every thread started
    since the server was (the app's own threads too: the warm-up, kaleido's event loop,
    a request thread between a lock's acquire and release) and then joins the server
    thread without a limit. On a busy machine one of those threads ended between being
    listed and being hit, the stop failed halfway, and the next test hung with the
    half-stopped server. Werkzeug's ``shutdown`` ends only the server's loop; requests
    still running finish on their own (daemon threads)."""

    def start(self, app, start_timeout=READY_TIMEOUT, **kwargs):
        # What dash's runner sets before app.run: the bundles served by the app itself
        # and the dev tools as in a non-debug run.
        app.scripts.config.serve_locally = True
        app.css.config.serve_locally = True
        app.enable_dev_tools(debug=False, dev_tools_disable_version_check=True)
        self._app = app
        self.port = kwargs.get("port") or free_port()
        self._server = make_server("127.0.0.1", self.port, app.server, threaded=True)
        self.thread = threading.Thread(
            target=self._server.serve_forever, name="dash-test-server", daemon=True
        )
        self.thread.start()
        wait_until_ready(self.url, timeout=start_timeout)
        self.started = True

    def stop(self):
        self._server.shutdown()  # returns once the loop has ended (it polls every 0.5 s)
        self._server.server_close()
        self.thread.join(timeout=self.stop_timeout)
        self._app = None
        self.started = False


class PatientComposite(DashComposite):
    """``dash_duo`` whose page loads wait ``WAIT`` seconds too (dash's default: 10)."""

    def wait_for_page(self, url=None, timeout=WAIT):
        return super().wait_for_page(url=url, timeout=timeout)


@pytest.fixture
def dash_thread_server() -> Iterator[ThreadedRunner]:
    """Overrides dash[testing]'s fixture of the same name (see PatientThreadedRunner)."""
    with PatientThreadedRunner() as runner:
        yield runner


@pytest.fixture
def dash_duo(request, dash_thread_server, tmp_path) -> Iterator[DashComposite]:
    """dash[testing]'s ``dash_duo`` with ``tests.servers.WAIT`` as its default wait."""
    download = tmp_path / "download"
    download.mkdir()
    with PatientComposite(
        server=dash_thread_server,
        browser=request.config.getoption("webdriver"),
        headless=request.config.getoption("headless"),
        options=request.config.hook.pytest_setup_options(),
        download_path=str(download),
        percy_run=False,
        wait_timeout=WAIT,
    ) as composite:
        yield composite


@pytest.fixture
def browser_db(request) -> Iterator[str]:
    """The app on the DuckDB foundation fixture, for browser tests (one engine is
    enough there)."""
    original = get_settings()
    url = fixture_db_url("duckdb", foundation, request)
    use_reporting_db(url)
    yield url
    dispose_engines()
    configure(original)
