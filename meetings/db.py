"""The app database's engine and its Alembic migrations.

``engine()`` gives one engine per ``TK_APP_DB_URL`` and process. ``migrate()`` brings
the database to the newest revision; the app factory calls it at start, so an empty
database (a new SQLite file, an empty PostgreSQL database) gets its tables on first
start and an older one is upgraded. Several workers starting at once take turns: a
PostgreSQL advisory lock, or a lock file beside the SQLite file.
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: the key of the advisory lock the migrating worker holds.
_PG_LOCK_KEY = 7_402_611
# What a read or write of the app database raises when the database is unreachable or
# misbehaves (a removed SQLite file, a PostgreSQL host down): callers outside this
# package catch these without importing SQLAlchemy (as ``queries.engine.DATABASE_ERRORS``
# for the reporting database).
APP_DB_ERRORS: tuple[type[BaseException], ...] = (sa.exc.SQLAlchemyError, OSError)
CONNECT_TIMEOUT_S = 5
_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def new_lock_after_fork() -> None:
    """In a forked child (``fork_hooks``): a new lock of the engines."""
    # A fork of a threaded worker may inherit the lock held by a thread it lacks.
    global _engines_lock
    _engines_lock = threading.Lock()


def _sqlite_path(url: sa.URL) -> Path | None:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def engine(url: str | None = None) -> sa.Engine:
    """The engine of ``url`` (default ``TK_APP_DB_URL``), one per URL and process.

    SQLite: foreign keys are enforced, writers wait up to 15 s for each other (WAL
    journal: readers never wait for a writer), and every use opens the file anew
    without creating it (``migrate`` creates it): a file removed while the app runs is
    an error that pages and forms report, not a copy that still takes writes which the
    next start would not find."""
    url = url or get_settings().app_db_url
    found = _engines.get(url)
    if found is not None and found.pool is not None:
        return found
    with _engines_lock:  # gthread workers: one engine per URL, not one per thread
        found = _engines.get(url)
        if found is None or found.pool is None:
            found = _engines[url] = _create_engine(url)
    return found


def _create_engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    path = _sqlite_path(parsed)
    if path is not None:
        location = path.resolve().as_uri() + "?mode=rw"

        def _open() -> sqlite3.Connection:
            return sqlite3.connect(location, uri=True, timeout=15, check_same_thread=False)

        made = sa.create_engine(url, creator=_open, poolclass=NullPool)

        @sa.event.listens_for(made, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")  # per connection
            cursor.close()

    else:
        # Charts read their decision markers from here: a host that does not answer
        # must not hold a chart up for long (they are drawn without them, logged).
        made = sa.create_engine(
            url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
        )
    return made


def dispose() -> None:
    """Close every app-database engine of this process (tests, forked workers)."""
    for made in _engines.values():
        made.dispose()
    _engines.clear()


def alembic_config() -> Config:
    """Alembic's configuration without an ini file: the scripts in ``migrations``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@contextmanager
def _migration_lock(connection: sa.Connection, url: sa.URL):
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
        return
    path = _sqlite_path(url)
    if path is None:
        yield
        return
    with open(str(path) + ".migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(url: str | None = None) -> None:
    """Upgrade the database at ``url`` (default ``TK_APP_DB_URL``) to the newest
    revision. Raises SQLAlchemy's errors when it cannot be reached."""
    made = engine(url)
    path = _sqlite_path(made.url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Creates the file if it is missing; the WAL journal is a property of the file,
        # set once here rather than on every connection.
        created = sqlite3.connect(path)
        created.execute("PRAGMA journal_mode=WAL")
        created.close()
    config = alembic_config()
    with made.connect() as connection, _migration_lock(connection, made.url):
        connection.commit()  # the lock outlives Alembic's own transaction
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at (None: not migrated)."""
    with engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision of the migration scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
