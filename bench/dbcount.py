"""How many times each query ran on the reporting database, counted by the database.

On PostgreSQL with the ``pg_stat_statements`` extension (it must be in
``shared_preload_libraries``; the counter creates the extension in the database when it
may) each normalised statement's ``calls`` are counted: that is one count per chart
query, whatever its parameters. Without it, the per-table scan counters of
``pg_stat_user_tables`` (sequential + index scans) are used: they say how often each
table was read, not by which query, and a parallel scan counts once per process. On
DuckDB nothing is counted (it keeps no statistics).

``pg_stat_statements`` counts a statement when it completes: a run cancelled by the
statement timeout is not in it. So on PostgreSQL the counter also samples
``pg_stat_activity`` every ``SAMPLE_EVERY_S`` while it counts and reports the distinct
runs it saw per statement text: every run that lasted longer than the sampling interval,
cancelled or not. A run is a backend and its transaction's start (the query's own start
changes between the protocol's parse, bind and execute steps; the app runs each query
in a transaction of its own).

The counters are the database's, for this database only: other databases on the same
server do not disturb them, but the counts include every client of this database.
"""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

STATEMENTS = "pg_stat_statements"
TABLE_SCANS = "pg_stat_user_tables"
# PostgreSQL sends a backend's table counters to the shared statistics when it has been
# idle for up to 10 s (PGSTAT_IDLE_INTERVAL); wait that long before reading them.
TABLE_STATS_DELAY_S = 11.0
# Statements of drivers, pools and of this counter itself are not chart queries.
_NOT_CHART = ("pg_stat", "pg_catalog", "pg_database", "pg_type", "version()", "current_schema")
SAMPLE_EVERY_S = 0.02
_ACTIVE = sa.text(
    "SELECT pid, xact_start, query FROM pg_stat_activity WHERE datname = current_database() "
    "AND state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
)


def _chart_statement(text: str) -> bool:
    lowered = text.lower()
    return lowered.startswith(("select", "with")) and not any(p in lowered for p in _NOT_CHART)


class QueryCounter:
    """Counts statements (or table scans) on the database at ``url`` between ``reset``
    and ``counts``. ``method`` says how: ``STATEMENTS``, ``TABLE_SCANS`` or None (not
    countable: not PostgreSQL)."""

    def __init__(self, url: str):
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self.method = self._detect()

    def _detect(self) -> str | None:
        if self.engine.dialect.name != "postgresql":
            return None
        with self.engine.connect() as conn:
            preloaded = conn.execute(sa.text("SHOW shared_preload_libraries")).scalar_one()
            if STATEMENTS in preloaded:
                try:
                    conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
                    conn.commit()
                    return STATEMENTS
                except sa.exc.DBAPIError:  # not allowed to create it: fall back
                    conn.rollback()
        return TABLE_SCANS

    def reset(self) -> None:
        """Zero this database's counters."""
        if self.method is None:
            return
        with self.engine.connect() as conn:
            if self.method == STATEMENTS:
                conn.execute(
                    sa.text(
                        "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database "
                        "WHERE datname = current_database()), 0)"
                    )
                )
            else:
                time.sleep(TABLE_STATS_DELAY_S)  # earlier reads must land before the reset
                conn.execute(sa.text("SELECT pg_stat_reset()"))
            conn.commit()

    def counts(self) -> dict[str, int]:
        """``{statement text or table name: calls or scans}`` since ``reset`` (empty
        when not countable). Statement texts are PostgreSQL's normalised ones, with
        ``$n`` for the parameters, whitespace collapsed."""
        if self.method is None:
            return {}
        with self.engine.connect() as conn:
            if self.method == STATEMENTS:
                rows = conn.execute(
                    sa.text(
                        "SELECT query, calls FROM pg_stat_statements WHERE dbid = "
                        "(SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                ).all()
                found: dict[str, int] = {}
                for query, calls in rows:
                    text = " ".join(query.split())
                    if _chart_statement(text):
                        found[text] = found.get(text, 0) + calls
                return found
            time.sleep(TABLE_STATS_DELAY_S)
            rows = conn.execute(
                sa.text(
                    "SELECT relname, COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0) "
                    "FROM pg_stat_user_tables"
                )
            ).all()
            return {name: int(scans) for name, scans in rows if scans}

    def sample_runs(self) -> ActivitySampler:
        """A context manager sampling ``pg_stat_activity`` while it is open (on
        PostgreSQL; on other databases it records nothing)."""
        return ActivitySampler(self.engine if self.method else None)

    def dispose(self) -> None:
        self.engine.dispose()


class ActivitySampler:
    """Samples the running statements of a database in a thread; ``runs()`` gives
    ``{statement text: distinct runs seen}`` (text as the client sent it, whitespace
    collapsed)."""

    def __init__(self, engine: sa.Engine | None):
        self.engine = engine
        self.seen: set[tuple[int, object, str]] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ActivitySampler:
        if self.engine is not None:
            self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=30)

    def _sample(self) -> None:
        with self.engine.connect() as conn:
            while not self.stop.is_set():
                for pid, started, query in conn.execute(_ACTIVE):
                    text = " ".join((query or "").split())
                    if _chart_statement(text):
                        self.seen.add((pid, started, text))
                conn.rollback()  # a fresh snapshot of the activity view next time
                self.stop.wait(SAMPLE_EVERY_S)

    def runs(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for _pid, _started, text in self.seen:
            found[text] = found.get(text, 0) + 1
        return found
