"""Writers for the synthetic demo data: a DuckDB file and a PostgreSQL database.

Both consume the single generator :func:`reporting.demo.generate`, so the same
arguments give the same rows in both databases.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from reporting import demo
from reporting.aggregates import refresh as aggregates
from reporting.progress import BuildProgress, Report
from reporting.schema import metadata

# Secondary indexes created in PostgreSQL after the bulk load.
POSTGRES_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("client_contacts", ("contact_date",)),
    ("client_contacts", ("unit_id", "contact_date")),
    ("referrals", ("referral_date",)),
    ("referrals", ("referral_type", "referral_date")),
    ("queue_entries", ("service", "entered_date")),
    ("queue_entries", ("service", "exit_date")),
    ("targets", ("indicator_id",)),
    ("indicator_values", ("indicator_id", "period_start")),
)


@dataclass
class LoadSummary:
    """What a writer wrote."""

    target: str  # file path or database URL without password
    # Every contract table, in creation order: the import tables (figure history and
    # audit) start empty and stay 0 in a fresh demo.
    rows: dict[str, int] = field(
        default_factory=lambda: {table.name: 0 for table in metadata.sorted_tables}
    )
    data_as_of: date | None = None
    seconds: float = 0.0
    size_bytes: int | None = None  # DuckDB file size

    def describe(self) -> str:
        lines = [f"Wrote {self.target}"]
        if self.data_as_of is not None:
            lines.append(f"  data as of {self.data_as_of.isoformat()}")
        for table, n in self.rows.items():
            lines.append(f"  {table:<18} {n:>12,} rows")
        if self.size_bytes is not None:
            lines.append(f"  file size {self.size_bytes / 1e6:,.1f} MB")
        lines.append(f"  took {self.seconds:.1f} s")
        return "\n".join(lines)


def _count(summary: LoadSummary, table: str, n: int) -> None:
    summary.rows[table] = summary.rows.get(table, 0) + n


def _chunks(
    scale: float, until: str | date | None, seed: int, progress: BuildProgress | None
) -> Iterable[tuple[str, pd.DataFrame]]:
    chunks = demo.generate(scale=scale, until=until, seed=seed)
    return progress.track(chunks) if progress is not None else chunks


def _progress(end: date, report: Report | None) -> BuildProgress | None:
    return BuildProgress(end, report) if report is not None else None


# --------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------


def _duckdb_insert_sql(table: sa.Table) -> str:
    """INSERT ... SELECT from the registered chunk, casting dates explicitly."""
    exprs = [
        f'CAST("{c.name}" AS DATE)' if isinstance(c.type, sa.Date) else f'"{c.name}"'
        for c in table.columns
    ]
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    # Identifiers come from the contract metadata, not from input.
    return f'INSERT INTO "{table.name}" ({columns}) SELECT {", ".join(exprs)} FROM _chunk'  # noqa: S608


def _remove(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def build_duckdb(
    path: str | os.PathLike[str],
    *,
    scale: float = 1.0,
    until: str | date | None = None,
    seed: int = demo.DEFAULT_SEED,
    progress: Report | None = None,
) -> LoadSummary:
    """Build the demo reporting database as a DuckDB file at ``path``.

    The file (event tables and their aggregates, ``reporting.aggregates``) is written
    beside ``path`` under a temporary name and moved into place only when complete,
    so processes reading the old file are never shown a partial one.
    ``progress``, when given, receives a line per step (``reporting.progress``).
    """
    import duckdb  # local: the PostgreSQL loader does not need it

    demo.check_args(scale, seed)
    end = demo.data_end(until)
    started = time.perf_counter()
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    wal = tmp.with_name(tmp.name + ".wal")
    _remove(tmp, wal)
    summary = LoadSummary(target=str(path), data_as_of=end)
    steps = _progress(end, progress)
    if steps is not None:
        steps.begin(str(path), scale)
    try:
        engine = sa.create_engine(f"duckdb:///{tmp}")
        try:
            metadata.create_all(engine)
        finally:
            engine.dispose()
        insert_sql = {t.name: _duckdb_insert_sql(t) for t in metadata.sorted_tables}
        con = duckdb.connect(str(tmp))
        try:
            for table, df in _chunks(scale, until, seed, steps):
                con.register("_chunk", df)
                try:
                    con.execute(insert_sql[table])
                finally:
                    con.unregister("_chunk")
                _count(summary, table, len(df))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        engine = sa.create_engine(f"duckdb:///{tmp}")
        try:
            aggregates.refresh(engine)
        finally:
            engine.dispose()
        _count(summary, "reporting_meta", 1)  # the data version
        if steps is not None:
            steps.step("aggregates built")
            steps.step("file complete")
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp, wal)
        raise
    summary.size_bytes = path.stat().st_size
    summary.seconds = time.perf_counter() - started
    return summary


# --------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------


def _csv(df: pd.DataFrame) -> str:
    """A chunk as CSV for COPY: empty unquoted field = NULL, dates as YYYY-MM-DD."""
    out = df.copy(deep=False)
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            out[name] = _iso_dates(col)
    buf = io.StringIO()
    out.to_csv(buf, index=False, header=False, na_rep="", lineterminator="\n")
    return buf.getvalue()


def _iso_dates(col: pd.Series) -> pd.Series:
    """Vectorised ISO formatting of a datetime column (NaT -> missing)."""
    values = col.to_numpy(dtype="datetime64[D]")
    text = np.datetime_as_string(values, unit="D").astype(object)
    text[np.isnat(values)] = None
    return pd.Series(text, index=col.index, dtype=object)


def load_postgres(
    url: str,
    *,
    scale: float = 1.0,
    until: str | date | None = None,
    seed: int = demo.DEFAULT_SEED,
    progress: Report | None = None,
) -> LoadSummary:
    """Drop and re-create the contract tables at ``url``, bulk-load the demo data and
    rebuild the aggregates (``reporting.aggregates``).

    Everything runs in one transaction: readers keep seeing the old tables (or wait for
    the lock) until the new data and aggregates are committed; ``VACUUM (ANALYZE)``
    follows. ``url`` is a SQLAlchemy URL such as
    ``postgresql+psycopg://postgres@127.0.0.1:5432/reporting``. ``progress``, when
    given, receives a line per step (``reporting.progress``).
    """
    demo.check_args(scale, seed)
    end = demo.data_end(until)
    started = time.perf_counter()
    engine = sa.create_engine(url)
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        engine.dispose()
        raise ValueError("load_postgres needs a postgresql+psycopg:// URL")
    summary = LoadSummary(target=engine.url.render_as_string(hide_password=True), data_as_of=end)
    steps = _progress(end, progress)
    columns = {t.name: ", ".join(f'"{c.name}"' for c in t.columns) for t in metadata.sorted_tables}
    try:
        with engine.begin() as conn:
            if steps is not None:  # connected: the build starts now
                steps.begin(summary.target, scale)
            metadata.drop_all(conn)
            metadata.create_all(conn)
            pg = conn.connection.driver_connection  # the psycopg connection, same transaction
            with pg.cursor() as cur:
                for table, df in _chunks(scale, until, seed, steps):
                    if len(df):
                        sql = f'COPY "{table}" ({columns[table]}) FROM STDIN (FORMAT csv)'
                        with cur.copy(sql) as copy:
                            copy.write(_csv(df))
                    _count(summary, table, len(df))
                for table, cols in POSTGRES_INDEXES:
                    name = f"ix_{table}_{'_'.join(cols)}"
                    quoted = ", ".join(f'"{c}"' for c in cols)
                    cur.execute(f'CREATE INDEX "{name}" ON "{table}" ({quoted})')
                for table in metadata.sorted_tables:
                    cur.execute(f'ANALYZE "{table.name}"')
                if steps is not None:
                    steps.step("indexes and statistics made")
            aggregate_views = set(sa.inspect(conn).get_view_names())
            aggregates.rebuild(conn)
            _count(summary, "reporting_meta", 1)  # the data version
            if steps is not None:
                steps.step("aggregates built")
        # After the commit (VACUUM cannot run in a transaction): the bulk-loaded tables
        # get their visibility map (index-only scans) and fresh statistics.
        aggregates.vacuum_analyze(
            engine,
            [t.name for t in metadata.sorted_tables]
            + [a.table.name for a in aggregates.ALL if a.table.name not in aggregate_views],
        )
        if steps is not None:
            steps.step("tables vacuumed and analysed")
    finally:
        engine.dispose()
    summary.seconds = time.perf_counter() - started
    return summary
