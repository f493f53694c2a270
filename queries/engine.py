"""Connections to the reporting database: the only place an engine is created.

The reporting database is read-only for the app. DuckDB files are opened with
``read_only=True`` so that several worker processes can share one file while a loader
writes the next one beside it; PostgreSQL gets a statement time limit and a connect
time limit per connection.

Queries pass a circuit breaker per database (``Breaker``): after ``BREAKER_FAILURES``
failures in a row the app stops asking that database for ``TK_RETRY_SECONDS`` and
fails at once (``DatabaseResting``, one of ``DATABASE_ERRORS``), so the callers answer
from the last good results (``queries.last_good``) without each waiting on a database
that is away; then queries try again, and one more failure rests it again. A crowd of
cards retrying during an outage costs the database nothing and the web workers little.
(pybreaker was tried: its ``call`` holds one lock for the whole call, which would run a
threaded worker's queries one at a time.)
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import sqlalchemy as sa

from settings import get_settings

log = logging.getLogger(__name__)


class RowCapExceeded(RuntimeError):
    """A chart query returned more aggregate rows than ``TK_QUERY_ROW_CAP`` allows."""


class DatabaseResting(ConnectionError):
    """The reporting database failed ``BREAKER_FAILURES`` times in a row and is not
    asked again until ``TK_RETRY_SECONDS`` have passed."""


# What a query raises when the reporting database is unreachable or misbehaves; callers
# outside this package catch these without importing SQLAlchemy themselves.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    sa.exc.SQLAlchemyError,
    RowCapExceeded,
    OSError,  # DatabaseResting is one
)

# Failures in a row after which the breaker opens: one slow statement between successful
# ones does not stop the queries of everyone else.
BREAKER_FAILURES = 3
# Seconds a connection attempt to PostgreSQL may take: a database host that does not
# answer at all must not hold a request thread for the system's TCP time-out.
CONNECT_TIMEOUT_SECONDS = 5

_engines: dict[str, sa.Engine] = {}
# DuckDB URL -> (device, inode) of the file its engine opened: an import of figures
# (reporting.figures.store) replaces the file, and the engine then still reads the old one.
_opened_files: dict[str, tuple[int, int]] = {}
_engines_lock = threading.Lock()  # gthread workers: one engine per URL, not one per thread


def _connect_args(url: str, timeout_ms: int) -> dict[str, Any]:
    if url.startswith("duckdb"):
        return {"read_only": True}
    if url.startswith("postgresql"):
        return {
            "options": f"-c statement_timeout={int(timeout_ms)}",
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        }
    return {}


# Called with the URL when its DuckDB file was replaced (``queries.data_version``
# forgets the version it remembers; it imports this module, so it registers itself).
_replaced_listeners: list[Callable[[str], None]] = []


def when_file_replaced(listener: Callable[[str], None]) -> None:
    """Call ``listener(url)`` whenever ``get_engine`` finds the DuckDB file of ``url``
    replaced (before the new engine's first query)."""
    _replaced_listeners.append(listener)


def _file_identity(url: str) -> tuple[int, int] | None:
    """(device, inode) of a ``duckdb:///`` URL's file; None for other URLs and when the
    file cannot be seen (the query then fails as it would)."""
    if not url.startswith("duckdb:///"):
        return None
    path = url[len("duckdb:///") :].split("?", 1)[0]
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _replaced(url: str, identity: tuple[int, int] | None) -> bool:
    known = _opened_files.get(url)
    return identity is not None and known is not None and known != identity


class _DuckDBConnections:
    """The connections of one DuckDB engine that are checked out, and whether its file
    has been replaced (then each is closed when it comes back).

    Why: DuckDB keeps one database instance per file path in a process, shared by every
    connection to it. A connection opened while a connection to the replaced file is
    still open (a query under way in another thread) would join the old instance and
    read the old file for as long as the pool keeps it. So a new engine's connections
    wait until the old file's connections are closed (``wait_for_replaced_files``)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.out = 0
        self.retired = False
        self._lock = threading.Lock()
        sa.event.listen(engine.pool, "checkout", self._checkout)
        sa.event.listen(engine.pool, "checkin", self._checkin)

    def _checkout(self, dbapi_connection, record, proxy) -> None:
        with self._lock:
            self.out += 1

    def _checkin(self, dbapi_connection, record) -> None:
        with self._lock:
            self.out -= 1
            retired = self.retired
        if retired and dbapi_connection is not None:
            record.invalidate()  # closes it: the old file's instance can go


_duckdb_connections: dict[int, _DuckDBConnections] = {}  # id(engine) -> its connections
_retired: list[_DuckDBConnections] = []  # of replaced files, while some are still out


def _retire(engine: sa.Engine) -> None:
    """Stop using ``engine`` (its DuckDB file was replaced): close its idle connections,
    and each checked-out one when it comes back."""
    watched = _duckdb_connections.pop(id(engine), None)
    if watched is not None:
        watched.retired = True
        _retired.append(watched)
    engine.dispose()


def wait_for_replaced_files(*_event_args: object) -> None:
    """Before a DuckDB connection is opened (a ``do_connect`` listener; the store's
    engines use it too): wait, at most the query time limit, until no connection of
    this process to a replaced file is open, so the new one opens the new file."""
    deadline = time.monotonic() + get_settings().query_timeout_ms / 1000
    while True:
        _retired[:] = [watched for watched in _retired if watched.out > 0]
        if not _retired:
            return
        if time.monotonic() > deadline:
            # Not waited for again: a connection that never comes back must not slow
            # every later connection.
            log.warning("a connection to a replaced DuckDB file is still open; not waiting")
            _retired.clear()
            return
        time.sleep(0.005)


def _retire_if_replaced(url: str, identity: tuple[int, int] | None) -> None:
    """When the DuckDB file of ``url`` is no longer the one its engine opened
    (``identity`` is the file's now): retire the engine and tell the listeners."""
    engine = _engines.get(url)
    if engine is None or not _replaced(url, identity):
        return
    with _engines_lock:
        if _engines.get(url) is engine and _replaced(url, identity):
            _retire(_engines.pop(url))
            _opened_files.pop(url, None)
    for listener in _replaced_listeners:
        listener(url)


def notice_replaced_file() -> None:
    """Check whether the configured DuckDB file was replaced since its engine opened it
    (one ``os.stat``; nothing for PostgreSQL): if so, retire the engine and tell the
    listeners (``when_file_replaced``), as ``get_engine`` would. For callers that may
    answer without a query, such as ``queries.data_version.load_meta``, whose
    remembered version would otherwise hide an import for ``TK_DATA_VERSION_TTL``."""
    url = get_settings().reporting_db_url
    _retire_if_replaced(url, _file_identity(url))


def get_engine() -> sa.Engine:
    """The engine for the configured ``TK_REPORTING_DB_URL`` (one per URL and process).

    A DuckDB file replaced since its engine opened it (an import of figures moves a new
    file over it: ``reporting.figures.store``) gets a new engine; the old one is retired
    (queries under way finish on the old file; ``_DuckDBConnections``) and the listeners
    are told (``when_file_replaced``: the remembered data version is forgotten), so this
    process serves the new figures at once. One ``os.stat`` per call."""
    settings = get_settings()
    url = settings.reporting_db_url
    identity = _file_identity(url)
    _retire_if_replaced(url, identity)
    engine = _engines.get(url)
    if engine is None:
        with _engines_lock:
            engine = _engines.get(url)
            if engine is None:
                engine = sa.create_engine(
                    url,
                    connect_args=_connect_args(url, settings.query_timeout_ms),
                    pool_pre_ping=not url.startswith("duckdb"),
                )
                _engines[url] = engine
                if identity is not None:
                    _opened_files[url] = identity
                if url.startswith("duckdb"):
                    _duckdb_connections[id(engine)] = _DuckDBConnections(engine)
                    sa.event.listen(engine, "do_connect", wait_for_replaced_files)
    return engine


class Breaker:
    """A circuit breaker: ``check`` raises ``DatabaseResting`` while the database rests;
    ``failed`` and ``succeeded`` report each query's outcome. Thread-safe; the query
    itself runs outside its lock."""

    def __init__(self, failures: int, rest_seconds: float) -> None:
        self._max = failures
        self._rest = rest_seconds
        self._failures = 0
        self._resting_until = 0.0
        self._lock = threading.Lock()

    def check(self) -> None:
        if time.monotonic() < self._resting_until:
            raise DatabaseResting(f"the reporting database failed; retried after {self._rest} s")

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self._max:
                self._resting_until = time.monotonic() + self._rest
                # After a rest, the first failure rests it again.
                self._failures = self._max - 1

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._resting_until = 0.0


_breakers: dict[str, Breaker] = {}


def _breaker(url: str) -> Breaker:
    """The circuit breaker of the database at ``url`` (one per URL and process)."""
    breaker = _breakers.get(url)
    if breaker is None:
        with _engines_lock:
            breaker = _breakers.setdefault(
                url, Breaker(BREAKER_FAILURES, get_settings().retry_seconds)
            )
    return breaker


_inherited_pools: list = []  # a forked child's copies of its parent's pools


def set_inherited_pools_aside() -> None:
    """After a fork: the parent's pooled connections belong to the parent. The child
    keeps them referenced (so it neither closes nor frees them) and opens its own —
    SQLAlchemy's advice, ``dispose(close=False)``. The registry's lock is made anew: a
    fork of a threaded worker may inherit it held by a thread that the child lacks.
    Run in every forked child by ``fork_hooks.after_fork_in_child``."""
    global _engines_lock
    _engines_lock = threading.Lock()
    for engine in _engines.values():
        _inherited_pools.append(engine.pool)
        engine.dispose(close=False)


def dispose_engines() -> None:
    """Close every pooled connection (tests call this between databases)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _opened_files.clear()
    _duckdb_connections.clear()
    _retired.clear()
    _breakers.clear()


def _plain(value: Any) -> Any:
    # PostgreSQL returns NUMERIC aggregates as Decimal; DuckDB returns floats. Normalise
    # so both engines give identical frames.
    return float(value) if isinstance(value, Decimal) else value


class _LastSuccess:
    """When this process last had an answer from the reporting database (wall clock,
    UTC), for ``/readyz``. One lock: request threads record it concurrently."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: datetime | None = None

    def record(self) -> None:
        now = datetime.now(UTC)
        with self._lock:
            if self._at is None or now > self._at:
                self._at = now

    def get(self) -> datetime | None:
        with self._lock:
            return self._at


_last_success = _LastSuccess()


def last_successful_query_at() -> datetime | None:
    """The time (UTC) of the last query of this process that the reporting database
    answered (``fetch_frame`` or ``ping``); None when none has yet."""
    return _last_success.get()


def fetch_frame(sql: sa.TextClause, params: dict[str, Any]) -> pd.DataFrame:
    """Run one aggregate query and return its rows as a DataFrame (columns as selected).

    Raises ``RowCapExceeded`` when the result has more rows than the configured cap:
    chart queries aggregate in the database, so a long result means a wrong query.
    """
    settings = get_settings()
    cap = settings.query_row_cap
    breaker = _breaker(settings.reporting_db_url)
    breaker.check()
    try:
        with get_engine().connect() as conn:
            result = conn.execute(sql, params)
            columns = list(result.keys())
            rows = result.fetchmany(cap + 1)
    except DATABASE_ERRORS:
        breaker.failed()
        raise
    breaker.succeeded()
    _last_success.record()  # the database answered, even if the rows are too many
    if len(rows) > cap:  # a wrong query, not a database that is away
        raise RowCapExceeded(f"query returned more than {cap} rows")
    return pd.DataFrame([[_plain(v) for v in row] for row in rows], columns=columns)


def ping() -> bool:
    """True when the reporting database answers a trivial query."""
    try:
        with get_engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        _last_success.record()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
