"""Storing reported figures in ``indicator_values``, with their history.

A stored figure is identified by its key (``Figure.key``: indicator, region, period
start and grain). Writing a file's figures (``write_figures``), each is one of:

- **new**: a row is added with a record key drawn with ``secrets`` (never derived from
  the row: the code is public, and the key decides how its counts are rounded);
- **changed** (another value, numerator, denominator or source; an empty source is
  the stored row's own, ``fill_sources``): the stored row is
  copied to ``indicator_value_history`` with ``replaced_at`` and then updated in place,
  keeping its record key (a correction never re-draws the rounding of its counts);
- **unchanged**: nothing is written (re-importing a file is idempotent).

A figure whose key holds a stored figure of the other kind (the county's own over a
published statistic from Sotkanet, or the reverse) is refused: the two are served
differently (docs/privacy.md) and the county's own figures belong under an indicator
id of their own.

A figure whose period overlaps a stored figure of the same indicator and region at
another grain (a quarter over its stored months, a month under a stored year, ...) is
refused, and so are two such figures in one file: the charts sum every stored row
inside a period they show, so the overlap would be counted twice. Only the same grain
corrects a stored figure.

When anything changed, ``reporting_meta.data_version`` is set to the import time (every
cache key changes, ``queries.data_version``) and one ``figure_imports`` row records the
import. Everything happens in one transaction, and a file with any problem writes
nothing.

PostgreSQL: the transaction takes an advisory lock, so two imports run one after the
other. DuckDB: the app's workers hold the file open read-only, so the store copies the
file beside it (under the lock ``<file>.lock``), writes the copy and moves it over the
original (``os.replace``; an import that changes nothing leaves the original as it
is); ``queries.engine.get_engine`` notices the new file and opens it. The importer's
database is ``import_url()``: ``TK_IMPORT_DB_URL`` (a role that may write), else
``TK_REPORTING_DB_URL``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from reporting import schema
from reporting.figures.layout import period_label, region_kind
from reporting.figures.rows import Figure, ImportRefused, Problem

# The advisory lock every import of figures takes on PostgreSQL (an arbitrary constant:
# "tk figures" in ASCII).
ADVISORY_LOCK_KEY = 0x746B_6669_6775_7265
# Seconds an import waits for another one's DuckDB lock before it gives up.
LOCK_WAIT_SECONDS = 30.0
DATA_VERSION = "data_version"

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
_COMPARED = ("value", "numerator", "denominator", "source", "published")


def import_url() -> str:
    """The database imports write: ``TK_IMPORT_DB_URL``, else ``TK_REPORTING_DB_URL``."""
    from settings import get_settings

    settings = get_settings()
    return settings.import_db_url or settings.reporting_db_url


@dataclass(frozen=True)
class PreviewRow:
    """What writing ``figure`` would do: ``status`` is ``"new"``, ``"changed"`` or
    ``"unchanged"``; ``previous`` is the stored figure (None when new)."""

    figure: Figure
    status: str
    previous: Figure | None = None


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows added, replaced (corrected) and left unchanged, and the
    indicators of the file (sorted)."""

    file_name: str
    added: int
    replaced: int
    unchanged: int
    indicators: tuple[str, ...] = ()


class ImportFailed(Exception):
    """The database could not be written (a read-only role, a DuckDB file that cannot be
    replaced, another import holding the lock); nothing was written. ``key`` is the
    translation key (``figures.failed.*``) and ``params`` its values."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params: Mapping[str, object] = params
        super().__init__(f"{key} {params}")

    def text(self, lang: str) -> str:
        from translations import t

        return t(self.key, lang, **{k: str(v) for k, v in self.params.items()})


# --------------------------------------------------------------------------- checks


def _form_problems(figures: Sequence[Figure]) -> list[Problem]:
    """Problems a figure has whatever the database holds: a region code of no known
    form, a key given twice, periods of one indicator and region that overlap."""
    from translations import quote_value

    problems = []
    seen: dict[tuple, int | None] = {}
    for figure in figures:
        if region_kind(figure.region_code) is None:
            problems.append(
                Problem(
                    "figures.error.bad_region",
                    figure.line,
                    {"value": quote_value(figure.region_code)},
                )
            )
        if figure.key in seen:
            problems.append(
                Problem("figures.error.repeated_key", figure.line, {"earlier": seen[figure.key]})
            )
        seen.setdefault(figure.key, figure.line)
    return problems + _overlaps_in_file(figures)


# Months a period of each grain spans; periods of a grain never cross a year.
_GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _months(figure: Figure) -> range:
    """The months (counted from year 0) ``figure``'s period spans."""
    first = figure.period_start.year * 12 + figure.period_start.month - 1
    return range(first, first + _GRAIN_MONTHS[figure.period_grain])


def _overlap(a: Figure, b: Figure) -> bool:
    """Whether ``a`` and ``b`` are of the same indicator and region and another grain,
    and their periods share a month (the caller has matched indicator and region)."""
    if a.period_grain == b.period_grain:
        return False
    months_a, months_b = _months(a), _months(b)
    return months_a.start < months_b.stop and months_b.start < months_a.stop


def _bucket(figure: Figure) -> tuple[str, str, int]:
    # Every period lies within one year: only figures of the same bucket can overlap.
    return (figure.indicator_id, figure.region_code, figure.period_start.year)


def _overlaps_in_file(figures: Sequence[Figure]) -> list[Problem]:
    """A figure whose period overlaps an earlier one of the file with the same
    indicator and region and another grain (a year and its months in one file)."""
    earlier: dict[tuple, list[Figure]] = defaultdict(list)
    problems = []
    for figure in figures:
        bucket = earlier[_bucket(figure)]
        other = next((o for o in bucket if _overlap(o, figure)), None)
        if other is not None:
            params = {
                "period": period_label(figure.period_start, figure.period_grain),
                "other": period_label(other.period_start, other.period_grain),
                "earlier": other.line,
            }
            problems.append(Problem("figures.error.overlaps_line", figure.line, params))
        bucket.append(figure)
    return problems


def _period_runs(figures: Sequence[Figure]) -> str:
    """The periods of ``figures`` (one grain) as the layout writes them, consecutive
    ones joined: ``2024-07..2024-09``, ``2024-Q1, 2024-Q3``."""
    step = _GRAIN_MONTHS[figures[0].period_grain]
    runs: list[list[Figure]] = []
    for figure in sorted(figures, key=lambda f: f.period_start):
        if runs and _months(figure).start == _months(runs[-1][-1]).start + step:
            runs[-1].append(figure)
        else:
            runs.append([figure])
    labels = [
        "..".join(period_label(f.period_start, f.period_grain) for f in (run[0], run[-1]))
        if len(run) > 1
        else period_label(run[0].period_start, run[0].period_grain)
        for run in runs
    ]
    return ", ".join(labels)


def _overlaps_stored(figures: Sequence[Figure], stored: Sequence[Figure]) -> list[Problem]:
    """A figure whose period overlaps stored figures of the same indicator and region
    and another grain: one problem per grain of the stored figures it overlaps."""
    by_bucket: dict[tuple, list[Figure]] = defaultdict(list)
    for figure in stored:
        by_bucket[_bucket(figure)].append(figure)
    problems = []
    for figure in figures:
        clashes = [s for s in by_bucket.get(_bucket(figure), ()) if _overlap(s, figure)]
        for grain in sorted({s.period_grain for s in clashes}, key=_GRAIN_MONTHS.get):
            periods = _period_runs([s for s in clashes if s.period_grain == grain])
            problems.append(
                Problem(f"figures.error.overlaps_stored_{grain}", figure.line, {"periods": periods})
            )
    return problems


def _unit_problems(conn: sa.Connection, figures: Sequence[Figure]) -> list[Problem]:
    """A region code of a unit's form that is no ``units.unit_id``."""
    from translations import quote_value

    asked = {f.region_code for f in figures if region_kind(f.region_code) == "unit"}
    if not asked:
        return []
    units = schema.units
    known = set(
        conn.execute(sa.select(units.c.unit_id).where(units.c.unit_id.in_(sorted(asked)))).scalars()
    )
    return [
        Problem("figures.error.unknown_unit", f.line, {"value": quote_value(f.region_code)})
        for f in figures
        if region_kind(f.region_code) == "unit" and f.region_code not in known
    ]


def _stored(conn: sa.Connection, figures: Sequence[Figure]) -> list[tuple[Figure, int]]:
    """Every stored figure (with its record key) of the indicators of ``figures``: one
    query, whatever the number of rows (the keys and the overlaps are matched here)."""
    values = schema.indicator_values
    indicators = sorted({f.indicator_id for f in figures})
    if not indicators:
        return []
    rows = conn.execute(sa.select(values).where(values.c.indicator_id.in_(indicators)))
    return [
        (
            Figure(
                indicator_id=row["indicator_id"],
                region_code=row["region_code"],
                period_start=row["period_start"],
                period_grain=row["period_grain"],
                value=row["value"],
                numerator=row["numerator"],
                denominator=row["denominator"],
                source=row["source"],
                retrieved_on=row["retrieved_on"],
                published=bool(row["published"]),
            ),
            row["record_key"],
        )
        for row in rows.mappings()
    ]


def _kind_problems(figures: Sequence[Figure], stored: Sequence[Figure]) -> list[Problem]:
    """A figure whose key holds a stored figure of the other kind: the county's own
    over a published statistic (Sotkanet) or the reverse. Replacing it would switch
    ``published`` and with it how the row is served (exact or rounded,
    docs/privacy.md) and whether the peer context reads it."""
    published = {figure.key: figure.published for figure in stored}
    problems = []
    for figure in figures:
        was = published.get(figure.key)
        if was is not None and was != figure.published:
            name = "stored_published" if was else "stored_own"
            problems.append(Problem(f"figures.error.{name}", figure.line))
    return problems


def _same(a: Figure, b: Figure) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in _COMPARED)


def _problems(
    conn: sa.Connection, figures: Sequence[Figure], every: Sequence[Figure]
) -> list[Problem]:
    return [
        *_form_problems(figures),
        *_unit_problems(conn, figures),
        *_kind_problems(figures, every),
        *_overlaps_stored(figures, every),
    ]


def fill_sources(
    figures: Sequence[Figure], stored: Mapping[tuple, Figure], file_name: str | None
) -> list[Figure]:
    """``figures`` with an empty source filled in: the stored row's source when the
    key is stored as the county's own figure (re-importing the same numbers under
    another file name changes nothing), else the file's name (at most ``MAX_SOURCE``
    characters; left empty when ``file_name`` is None). A stored published row
    (Sotkanet) never lends its source: the credit would follow the county's figure."""
    from reporting.figures.layout import MAX_SOURCE

    filled = []
    for figure in figures:
        if not figure.source:
            previous = stored.get(figure.key)
            own = previous is not None and not previous.published
            source = previous.source if own else (file_name or "")[:MAX_SOURCE]
            figure = replace(figure, source=source)
        filled.append(figure)
    return filled


def _claimed_credits(figures: Sequence[Figure]) -> list[Problem]:
    """A ``reserved_source`` problem for each figure not from Sotkanet whose source,
    as filled in (``fill_sources``), reads as the Sotkanet credit: a stored Sotkanet
    row's source kept by a county's correction, or a file named like the credit. The
    reader refuses such a source written in the file (``layout.looks_like_sotkanet_credit``)."""
    from reporting.figures.layout import looks_like_sotkanet_credit
    from reporting.figures.rows import SOTKANET_CREDIT

    return [
        Problem("figures.error.reserved_source", figure.line, {"credit": SOTKANET_CREDIT})
        for figure in figures
        if not figure.published and looks_like_sotkanet_credit(figure.source)
    ]


def _plan(
    conn: sa.Connection, figures: Sequence[Figure], file_name: str | None
) -> list[PreviewRow]:
    """Each figure's status against what ``conn`` holds (its empty source filled in,
    ``fill_sources``); raises ``ImportRefused`` for the problems that need the
    database."""
    every = _stored(conn, figures)
    problems = _problems(conn, figures, [figure for figure, _ in every])
    if problems:
        raise ImportRefused(problems)
    stored = {figure.key: figure for figure, _ in every}
    filled = fill_sources(figures, stored, file_name)
    claimed = _claimed_credits(filled)
    if claimed:
        raise ImportRefused(claimed)
    plan = []
    for figure in filled:
        previous = stored.get(figure.key)
        if previous is None:
            plan.append(PreviewRow(figure, NEW))
        else:
            status = UNCHANGED if _same(figure, previous) else CHANGED
            plan.append(PreviewRow(figure, status, previous))
    return plan


def _reading(url: str, read):
    """``read(conn)`` on a read-only connection of its own at ``url``; ``ImportFailed``
    when the database cannot be read."""
    engine = _engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return read(conn)
    except sa.exc.SQLAlchemyError as exc:
        raise ImportFailed("figures.failed.database", reason=_reason(exc)) from exc
    finally:
        engine.dispose()


def stored_problems(url: str, figures: Sequence[Figure]) -> list[Problem]:
    """The problems of ``figures`` that ``preview_figures`` and ``write_figures``
    refuse (a unit id not in ``units``, a period overlapping a stored figure or
    another row of ``figures`` at another grain, a key given twice, a region code of
    no known form), returned rather than raised; empty when there are none. Raises
    ``ImportFailed`` when the database cannot be read."""
    if not figures:
        return []
    return _reading(
        url, lambda conn: _problems(conn, figures, [f for f, _ in _stored(conn, figures)])
    )


def refusal_with_stored_problems(url: str, refused: ImportRefused) -> ImportRefused:
    """A reader's refusal with the problems the store finds in the rows it could read
    (``refused.figures``, ``stored_problems``) added, all in line order: a file's every
    problem is listed at once. When the database cannot be read the reader's
    problems are returned alone (the file is refused either way)."""
    if not refused.figures:
        return refused
    try:
        extra = stored_problems(url, refused.figures)
    except ImportFailed:
        return refused
    if not extra:
        return refused
    return ImportRefused([*refused.problems, *extra])


def preview_figures(
    url: str, figures: Sequence[Figure], file_name: str | None = None
) -> list[PreviewRow]:
    """What ``write_figures`` would do with ``figures`` at ``url``, row by row (in the
    order given), without writing. An empty source is filled in as ``write_figures``
    does (``fill_sources``: the stored row's, else ``file_name``; empty without it).
    Raises ``ImportRefused`` for the problems ``stored_problems`` lists and
    ``ImportFailed`` when the database cannot be read."""
    return _reading(url, lambda conn: _plan(conn, figures, file_name))


# --------------------------------------------------------------------------- writing


@dataclass
class _Counts:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    indicators: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


def _figure_row(figure: Figure, imported_at: datetime) -> dict:
    return {
        "indicator_id": figure.indicator_id,
        "region_code": figure.region_code,
        "period_start": figure.period_start,
        "period_grain": figure.period_grain,
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "source": figure.source,
        "retrieved_on": figure.retrieved_on,
        "imported_at": imported_at,
        "published": figure.published,
    }


def _key_condition(table: sa.Table, figure: Figure):
    return sa.and_(
        table.c.indicator_id == figure.indicator_id,
        table.c.region_code == figure.region_code,
        table.c.period_start == figure.period_start,
        table.c.period_grain == figure.period_grain,
    )


def _write(conn: sa.Connection, figures: Sequence[Figure], record: dict) -> _Counts:
    """Write ``figures`` on ``conn`` inside the caller's transaction."""
    plan = _plan(conn, figures, record["file_name"])
    counts = _Counts(indicators={f.indicator_id for f in figures})
    now = datetime.now(UTC)
    at = now.replace(tzinfo=None)  # the columns hold UTC without a zone
    values, history = schema.indicator_values, schema.indicator_value_history
    added = [
        {
            **_figure_row(row.figure, at),
            "record_key": secrets.randbelow(schema.RECORD_KEY_RANGE),
        }
        for row in plan
        if row.status == NEW
    ]
    counts.added = len(added)
    if added:
        conn.execute(values.insert(), added)  # one executemany: a file may be large
    for row in plan:
        figure = row.figure
        if row.status == UNCHANGED:
            counts.unchanged += 1
        elif row.status == CHANGED:
            counts.replaced += 1
            old = conn.execute(sa.select(values).where(_key_condition(values, figure))).mappings()
            old_row = dict(old.one())
            old_row.pop("record_key")
            conn.execute(history.insert().values(**old_row, replaced_at=at))
            # The record key stays: the correction is the same cell (docs/privacy.md).
            conn.execute(
                values.update()
                .where(_key_condition(values, figure))
                .values(**_figure_row(figure, at))
            )
    if counts.changed:
        meta = schema.reporting_meta
        conn.execute(meta.delete().where(meta.c.key == DATA_VERSION))
        conn.execute(meta.insert().values(key=DATA_VERSION, value=now.isoformat()))
        conn.execute(
            schema.figure_imports.insert().values(
                imported_at=at,
                rows_added=counts.added,
                rows_replaced=counts.replaced,
                rows_unchanged=counts.unchanged,
                **record,
            )
        )
    return counts


def write_figures(
    url: str,
    figures: Sequence[Figure],
    *,
    file_name: str,
    content: bytes,
    imported_by: str | None = None,
) -> ImportSummary:
    """Store ``figures`` (read from ``content``, the file ``file_name``) at ``url`` in
    one transaction; return what was done. A figure without a source keeps the stored
    row's, and a new one gets ``file_name`` (``fill_sources``). Raises
    ``ImportRefused`` (a problem that needs the database; nothing written) or
    ``ImportFailed`` (the database cannot be written; nothing written). This process
    forgets its data version afterwards, so it serves the new figures at once; other
    processes see them within ``TK_DATA_VERSION_TTL`` (and a DuckDB file's
    replacement at their next query)."""
    record = {
        "file_name": file_name[:300],
        "file_sha256": hashlib.sha256(content).hexdigest(),
        "imported_by": imported_by[:200] if imported_by else None,
    }
    if url.startswith("duckdb"):
        counts = _write_duckdb(url, figures, record)
    else:
        counts = _write_database(url, figures, record)
    if counts.changed:
        from queries.data_version import forget_data_version

        forget_data_version()
    return ImportSummary(
        file_name=file_name,
        added=counts.added,
        replaced=counts.replaced,
        unchanged=counts.unchanged,
        indicators=tuple(sorted(counts.indicators)),
    )


def _write_database(url: str, figures: Sequence[Figure], record: dict) -> _Counts:
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two imports at once would each see the other's rows as absent.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key()})
            return _write(conn, figures, record)
    except sa.exc.SQLAlchemyError as exc:
        raise ImportFailed("figures.failed.database", reason=_reason(exc)) from exc
    finally:
        engine.dispose()


def _lock_key() -> int:
    # pg_advisory_xact_lock takes a signed 64-bit integer.
    return ADVISORY_LOCK_KEY - (1 << 64) if ADVISORY_LOCK_KEY >= 1 << 63 else ADVISORY_LOCK_KEY


def duckdb_path(url: str) -> Path:
    """The file of a ``duckdb:///`` URL."""
    database = sa.make_url(url).database or ""
    if database in ("", ":memory:"):
        raise ImportFailed("figures.failed.no_file", path=database or ":memory:")
    return Path(database)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold ``<path>.lock`` exclusively (one import of a DuckDB file at a time)."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the whole with block
    except OSError as exc:
        raise ImportFailed("figures.failed.file", reason=exc.strerror or str(exc)) from exc
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ImportFailed("figures.failed.busy") from None
                time.sleep(0.1)
        yield
    finally:
        handle.close()  # releases the lock


def _write_duckdb(url: str, figures: Sequence[Figure], record: dict) -> _Counts:
    """Copy the DuckDB file, write the copy, move it over the original: readers that
    hold the original open keep reading it until they open the new one."""
    path = duckdb_path(url)
    if not path.is_file():
        raise ImportFailed("figures.failed.no_file", path=path.name)
    with _file_lock(path):
        # The plan is made on the copy, not on the original: this process may still hold
        # the original's previous file open, and DuckDB would show a new connection that.
        copy = path.with_name(f".{path.name}.import-{os.getpid()}")
        try:
            shutil.copyfile(path, copy)
            counts = _write_database("duckdb:///" + str(copy), figures, record)
            if counts.changed:
                os.replace(copy, path)
        except OSError as exc:
            raise ImportFailed("figures.failed.file", reason=exc.strerror or str(exc)) from exc
        finally:
            for leftover in (copy, copy.with_name(copy.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
    return counts


def _engine(url: str, read_only: bool = False) -> sa.Engine:
    """An engine of its own (the app's engines are read-only); DuckDB read-only when
    only reading, so a preview never blocks the app's workers."""
    connect_args = {"read_only": True} if read_only and url.startswith("duckdb") else {}
    try:
        engine = sa.create_engine(url, connect_args=connect_args, poolclass=sa.pool.NullPool)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise ImportFailed("figures.failed.database", reason=str(exc)) from exc
    if engine.dialect.name == "duckdb":
        # In the app's process (the upload page) the app's engine may hold a file that an
        # import has since replaced: retire it, and open this one only once its
        # connections are closed (queries.engine: DuckDB shares one instance per path).
        from queries.engine import get_engine, wait_for_replaced_files
        from settings import get_settings

        if url == get_settings().reporting_db_url:
            get_engine()
        sa.event.listen(engine, "do_connect", wait_for_replaced_files)
    return engine


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    """The database's own words, first line (no statement, no parameters)."""
    reason = str(getattr(exc, "orig", None) or exc)
    return reason.strip().splitlines()[0] if reason.strip() else type(exc).__name__
