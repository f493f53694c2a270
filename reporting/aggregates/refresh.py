"""Rebuild the aggregate tables after a data load (``python -m reporting refresh-aggregates``).

All tables are rebuilt in one transaction and swapped in by rename, so a reader sees
either the old set or the new one, never a mix; the transaction also writes
``reporting_meta.data_version`` (the load's UTC time, ISO 8601), which the cache keys
carry. A name that exists as a view is the county's own (warehouse-provided
aggregate, ``docs/reporting-contract.md``): it is left alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from reporting import schema
from reporting.aggregates import ALL, Aggregate
from reporting.progress import Report

DATA_VERSION = "data_version"


def _views(conn: sa.Connection) -> set[str]:
    """Names that are the county's own views, materialized ones included (PostgreSQL)."""
    inspector = sa.inspect(conn)
    names = set(inspector.get_view_names())
    if conn.dialect.name == "postgresql":
        names |= set(inspector.get_materialized_view_names())
    return names


def _staging_name(aggregate: Aggregate) -> str:
    return f"{aggregate.table.name}__new"


def _fill_staging(conn: sa.Connection, aggregate: Aggregate) -> None:
    """Build the aggregate's new rows in a staging table beside the live one (the long
    part of a refresh: readers of the live table are not blocked meanwhile)."""
    staging = aggregate.table.to_metadata(sa.MetaData(), name=_staging_name(aggregate))
    staging.drop(conn, checkfirst=True)
    staging.create(conn)
    columns = ", ".join(f'"{c.name}"' for c in aggregate.table.columns)
    params = dict(aggregate.params)
    # A list parameter is an IN list (as in queries.sql.statement).
    lists = [name for name, value in params.items() if isinstance(value, list | tuple)]
    insert = sa.text(f'INSERT INTO "{staging.name}" ({columns}) {aggregate.select_sql}')
    if lists:
        insert = insert.bindparams(*(sa.bindparam(name, expanding=True) for name in lists))
    conn.execute(insert, params)


def _swap_in(conn: sa.Connection, aggregate: Aggregate) -> None:
    """Replace the live table by its staging table and index it. On PostgreSQL the DROP
    locks the live table until the transaction commits, so the swaps come last, after
    every staging table is filled: readers wait milliseconds, not the whole refresh."""
    name = aggregate.table.name
    conn.execute(sa.text(f'DROP TABLE IF EXISTS "{name}"'))
    conn.execute(sa.text(f'ALTER TABLE "{_staging_name(aggregate)}" RENAME TO "{name}"'))
    for index_columns in aggregate.indexes:
        quoted = ", ".join(f'"{c}"' for c in index_columns)
        index = f"ix_{name}_{'_'.join(index_columns)}"
        conn.execute(sa.text(f'CREATE INDEX "{index}" ON "{name}" ({quoted})'))


def rebuild(conn: sa.Connection, report: Report | None = None) -> str:
    """Rebuild every aggregate of ``ALL`` (tables; views are left alone) and write a new
    ``data_version`` on ``conn``, inside the caller's transaction; return the version.

    For the loaders, which load and rebuild in one transaction. Raises SQLAlchemy
    errors as they come.
    """
    started = time.monotonic()
    version = datetime.now(UTC).isoformat(timespec="seconds")
    views = _views(conn)
    tables = [aggregate for aggregate in ALL if aggregate.table.name not in views]
    for aggregate in ALL:
        if aggregate.table.name in views and report:
            report(f"  {aggregate.table.name}: a view, left as provided")
    for aggregate in tables:
        _fill_staging(conn, aggregate)
        if report:
            report(f"  {aggregate.table.name} built (at {time.monotonic() - started:.1f} s)")
    for aggregate in tables:
        _swap_in(conn, aggregate)
    meta = schema.reporting_meta
    conn.execute(meta.delete().where(meta.c.key == DATA_VERSION))
    conn.execute(meta.insert().values(key=DATA_VERSION, value=version))
    return version


def vacuum_analyze(engine: sa.Engine, tables: Iterable[str]) -> None:
    """``VACUUM (ANALYZE)`` each of ``tables`` on PostgreSQL (outside a transaction, as
    VACUUM must be): fresh planner statistics and a visibility map after a bulk write.
    Does nothing on other engines (DuckDB keeps its statistics as it writes)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in tables:
            conn.execute(sa.text(f'VACUUM (ANALYZE) "{name}"'))


def refresh(engine: sa.Engine, report: Report | None = None) -> str:
    """Rebuild every aggregate of ``ALL`` at ``engine`` in one transaction, then
    ``VACUUM (ANALYZE)`` the rebuilt tables on PostgreSQL; return the new data version.

    Raises SQLAlchemy errors as they come (nothing is changed then: one transaction).
    """
    with engine.begin() as conn:
        views = _views(conn)
        version = rebuild(conn, report)
    vacuum_analyze(engine, (a.table.name for a in ALL if a.table.name not in views))
    return version
