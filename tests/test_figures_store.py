"""Storing reported figures (reporting.figures.store) on DuckDB and on a real PostgreSQL:
new, corrected and unchanged rows, the history, the record keys, idempotency, refusal
that changes nothing, the data version, and the DuckDB file swap a running app sees."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from queries import data_version as data_version_module
from queries.engine import dispose_engines, fetch_frame
from queries.sql import statement
from reporting.figures.layout import read_figures
from reporting.figures.rows import Figure, ImportRefused
from reporting.figures.store import (
    CHANGED,
    NEW,
    UNCHANGED,
    ImportFailed,
    preview_figures,
    refusal_with_stored_problems,
    stored_problems,
    write_figures,
)
from settings import configure, get_settings
from tests.conftest import fresh_reporting_db
from tests.fixtures.common import base_tables, create_fixture_db

ENGINES = ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def store_url(request) -> str:
    """A throw-away reporting database with the contract's tables, the three fixture
    units (TA01..TA03) and no figures."""
    return fresh_reporting_db(request.param, request)


def _fig(indicator, region, start, grain, value, num=None, den=None, source="s", line=None):
    return Figure(indicator, region, start, grain, value, num, den, source, line=line)


FIRST = [
    _fig("osuus", "99", date(2023, 1, 1), "year", 50.0, 10.0, 20.0, line=2),
    _fig("osuus", "99", date(2024, 7, 1), "quarter", 25.0, 1.0, 4.0, line=3),
    _fig("maara", "TA01", date(2024, 7, 1), "month", 7.0, line=4),
]
# The same keys: the first unchanged, the second with another value and counts, the
# third with another source; and one new key.
SECOND = [
    FIRST[0],
    _fig("osuus", "99", date(2024, 7, 1), "quarter", 40.0, 2.0, 5.0, line=3),
    _fig("maara", "TA01", date(2024, 7, 1), "month", 7.0, source="korjattu", line=4),
    _fig("maara", "SSS", date(2024, 7, 1), "month", None, line=5),
]


def _rows(url: str, sql: str) -> list[tuple]:
    # Read-only on DuckDB, as the app opens it (a process may not mix the two).
    engine = sa.create_engine(url, connect_args={"read_only": True} if "duckdb" in url else {})
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


VALUES_SQL = (
    "SELECT indicator_id, region_code, period_start, period_grain, value, numerator, "
    "denominator, source, record_key, imported_at FROM indicator_values "
    "ORDER BY indicator_id, region_code, period_start"
)
HISTORY_SQL = (
    "SELECT indicator_id, region_code, period_start, period_grain, value, numerator, "
    "denominator, source, imported_at, replaced_at FROM indicator_value_history "
    "ORDER BY indicator_id, region_code, period_start"
)
IMPORTS_SQL = (
    "SELECT imported_at, file_name, file_sha256, imported_by, rows_added, rows_replaced, "
    "rows_unchanged FROM figure_imports ORDER BY imported_at"
)
VERSION_SQL = "SELECT value FROM reporting_meta WHERE key = 'data_version'"


def test_fs001_new_changed_unchanged_history_and_record_keys(store_url):
    """A correction moves the old row to the history and keeps its record key; new keys added."""
    first = write_figures(store_url, FIRST, file_name="a.csv", content=b"A", imported_by="ann")
    assert (first.added, first.replaced, first.unchanged) == (3, 0, 0)
    assert first.indicators == ("maara", "osuus")
    before = {row[:4]: row for row in _rows(store_url, VALUES_SQL)}

    plan = preview_figures(store_url, SECOND)
    assert [row.status for row in plan] == [UNCHANGED, CHANGED, CHANGED, NEW]
    assert plan[1].previous.value == 25.0 and plan[3].previous is None

    second = write_figures(store_url, SECOND, file_name="b.csv", content=b"B")
    assert (second.added, second.replaced, second.unchanged) == (1, 2, 1)

    after = {row[:4]: row for row in _rows(store_url, VALUES_SQL)}
    quarter = ("osuus", "99", date(2024, 7, 1), "quarter")
    month = ("maara", "TA01", date(2024, 7, 1), "month")
    year = ("osuus", "99", date(2023, 1, 1), "year")
    assert after[quarter][4:8] == (40.0, 2.0, 5.0, "s")
    assert after[month][4:8] == (7.0, None, None, "korjattu")
    # Corrected rows keep their record key; the unchanged row keeps its import time.
    assert after[quarter][8] == before[quarter][8] and after[month][8] == before[month][8]
    assert after[year] == before[year]
    new_key = after[("maara", "SSS", date(2024, 7, 1), "month")]
    assert new_key[4] is None and 0 <= new_key[8] < 2**20

    imports = _rows(store_url, IMPORTS_SQL)
    first_at, second_at = imports[0][0], imports[1][0]
    assert imports == [
        (first_at, "a.csv", hashlib.sha256(b"A").hexdigest(), "ann", 3, 0, 0),
        (second_at, "b.csv", hashlib.sha256(b"B").hexdigest(), None, 1, 2, 1),
    ]
    # The history holds the two rows as they were, replaced at the second import's time.
    assert _rows(store_url, HISTORY_SQL) == [
        ("maara", "TA01", date(2024, 7, 1), "month", 7.0, None, None, "s", first_at, second_at),
        ("osuus", "99", date(2024, 7, 1), "quarter", 25.0, 1.0, 4.0, "s", first_at, second_at),
    ]
    assert after[quarter][9] == second_at and before[quarter][9] == first_at


def test_fs002_reimporting_the_same_figures_changes_nothing(store_url):
    """A second import of the same file writes nothing: no history, no audit row, same version."""
    write_figures(store_url, FIRST, file_name="a.csv", content=b"A")
    values, version = _rows(store_url, VALUES_SQL), _rows(store_url, VERSION_SQL)
    again = write_figures(store_url, FIRST, file_name="a.csv", content=b"A")
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 3)
    assert _rows(store_url, VALUES_SQL) == values  # imported_at and keys included
    assert _rows(store_url, VERSION_SQL) == version
    assert _rows(store_url, HISTORY_SQL) == []
    assert len(_rows(store_url, IMPORTS_SQL)) == 1


def test_fs003_one_bad_line_changes_nothing(store_url):
    """Figures with one unknown unit are refused at its line and nothing is written."""
    write_figures(store_url, FIRST, file_name="a.csv", content=b"A")
    state = [_rows(store_url, sql) for sql in (VALUES_SQL, VERSION_SQL, IMPORTS_SQL)]
    bad = [*SECOND[:3], _fig("maara", "TA09", date(2024, 7, 1), "month", 1.0, line=5)]
    with pytest.raises(ImportRefused) as refused:
        write_figures(store_url, bad, file_name="b.csv", content=b"B")
    assert [(p.line, p.key) for p in refused.value.problems] == [(5, "figures.error.unknown_unit")]
    assert refused.value.texts("en") == [
        "Line 5: There is no unit \u201dTA09\u201d in the reporting database. Check the unit "
        "id or the region code."
    ]
    with pytest.raises(ImportRefused):
        preview_figures(store_url, bad)
    assert [_rows(store_url, sql) for sql in (VALUES_SQL, VERSION_SQL, IMPORTS_SQL)] == state
    assert _rows(store_url, HISTORY_SQL) == []


def test_fs004_a_write_sets_a_new_data_version(store_url):
    """An import that changes something sets data_version to its own time (ISO, UTC)."""
    (before,) = _rows(store_url, VERSION_SQL)[0]
    write_figures(store_url, FIRST, file_name="a.csv", content=b"A")
    (after,) = _rows(store_url, VERSION_SQL)[0]
    (imported_at,) = _rows(store_url, "SELECT imported_at FROM figure_imports")[0]
    assert after != before
    # The version is the import time: the audit row's time (stored without the zone).
    assert datetime.fromisoformat(after).replace(tzinfo=None) == imported_at


@pytest.mark.db
def test_fs005_running_engine_sees_the_swapped_duckdb_file(tmp_path, monkeypatch):
    """An app process reading a DuckDB file sees an import, and its data version, at once."""
    url = f"duckdb:///{tmp_path}/reporting.duckdb"
    engine = sa.create_engine(url)
    create_fixture_db(engine, base_tables())
    engine.dispose()
    original = get_settings()
    configure(replace(original, reporting_db_url=url, data_version_ttl=3600.0))
    count = statement("SELECT COUNT(*) AS n FROM indicator_values")
    try:
        assert int(fetch_frame(count, {})["n"].iloc[0]) == 0
        old_version = data_version_module.data_version()  # remembered for an hour
        # Written as another process would: this process is not told to forget.
        monkeypatch.setattr(data_version_module, "forget_data_version", lambda: None)
        write_figures(url, FIRST, file_name="a.csv", content=b"A")
        assert int(fetch_frame(count, {})["n"].iloc[0]) == 3
        new_version = data_version_module.data_version()
        assert new_version != old_version
        assert new_version == _rows(url, VERSION_SQL)[0][0]
    finally:
        dispose_engines()
        configure(original)


@pytest.mark.db
def test_fs005b_import_by_another_process_is_seen_by_the_next_version_look_up(
    tmp_path, monkeypatch
):
    """A DuckDB import by another process changes load_meta's version at once, no query between."""
    import subprocess
    import sys
    from pathlib import Path

    from queries import engine as engine_module

    url = f"duckdb:///{tmp_path}/reporting.duckdb"
    engine = sa.create_engine(url)
    create_fixture_db(engine, base_tables())
    engine.dispose()
    original = get_settings()
    # An hour's time-to-live: a version seen only after it would fail the test.
    configure(replace(original, reporting_db_url=url, data_version_ttl=3600.0))
    stats: list[str] = []
    file_identity = engine_module._file_identity

    def counted(checked: str):
        stats.append(checked)
        return file_identity(checked)

    monkeypatch.setattr(engine_module, "_file_identity", counted)
    data_version_module.forget_data_version()
    try:
        old_version = data_version_module.data_version()  # read now, remembered an hour
        # The warm path: one os.stat per look-up (load_meta's check), no query, no loop.
        stats.clear()
        for _ in range(5):
            assert data_version_module.data_version() == old_version
        assert stats == [url] * 5
        figures = tmp_path / "luvut.csv"
        figures.write_text("indicator;region;period;value\nosuus;99;2024;7\n", encoding="utf-8")
        root = Path(__file__).resolve().parents[1]
        done = subprocess.run(
            [sys.executable, "-m", "reporting", "import-figures", str(figures), "--url", url],
            capture_output=True, text=True, cwd=root, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        stats.clear()
        # The first look-up after the swap: its own stat finds the new file (the version
        # is forgotten), then the read's engine stats once more to open it: 2 in all.
        new_version = data_version_module.data_version()
        assert new_version == _rows(url, VERSION_SQL)[0][0]
        assert new_version != old_version
        assert stats == [url, url]
    finally:
        dispose_engines()
        data_version_module.forget_data_version()
        configure(original)


@pytest.mark.db
def test_fs006_missing_duckdb_file_fails_without_creating_one(tmp_path):
    """Writing to a DuckDB file that does not exist fails with a message and creates no file."""
    url = f"duckdb:///{tmp_path}/missing.duckdb"
    with pytest.raises(ImportFailed) as failed:
        write_figures(url, FIRST, file_name="a.csv", content=b"A")
    assert failed.value.key == "figures.failed.no_file"
    assert failed.value.text("en") == (
        "The figures were not saved, because there is no database file missing.duckdb."
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.db
def test_fs007_query_during_the_swap_does_not_keep_the_old_file(tmp_path, monkeypatch):
    """A connection opened during a query on the old file waits for it, then reads the new file."""
    url = f"duckdb:///{tmp_path}/reporting.duckdb"
    engine = sa.create_engine(url)
    create_fixture_db(engine, base_tables())
    engine.dispose()
    original = get_settings()
    configure(replace(original, reporting_db_url=url))
    count = statement("SELECT COUNT(*) AS n FROM indicator_values")
    seen: list[int] = []
    try:
        # A query under way on the old file (its connection checked out of the pool).
        from queries.engine import get_engine

        held = get_engine().connect()
        assert held.execute(count).scalar() == 0
        monkeypatch.setattr(data_version_module, "forget_data_version", lambda: None)
        write_figures(url, FIRST, file_name="a.csv", content=b"A")
        # DuckDB shares one instance per path in a process: a connection opened now
        # would join the old file's instance unless it waits for `held` to close.
        failed: list[BaseException] = []

        def read() -> None:
            try:
                seen.append(int(fetch_frame(count, {})["n"].iloc[0]))
            except BaseException as error:  # shown by the assertion below
                failed.append(error)

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(0.5)
        assert reader.is_alive() and seen == [] and failed == []  # waiting for `held`
        held.close()
        reader.join(120)  # a busy machine: the reader must only not be stuck
        assert (seen, failed) == ([3], [])
        # And the pooled connection keeps reading the new file.
        assert int(fetch_frame(count, {})["n"].iloc[0]) == 3
    finally:
        dispose_engines()
        configure(original)


@pytest.mark.postgres
def test_fs008_postgres_import_waits_for_the_advisory_lock(postgres_database_factory):
    """A PostgreSQL import waits while another holds the imports' advisory lock, then writes."""
    from reporting.figures.store import _lock_key

    url = postgres_database_factory()
    engine = sa.create_engine(url)
    create_fixture_db(engine, base_tables())
    done: list = []
    worker = threading.Thread(
        target=lambda: done.append(write_figures(url, FIRST, file_name="a.csv", content=b"A"))
    )
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key()})
            worker.start()
            worker.join(0.7)
            assert worker.is_alive() and done == []  # another import's lock is held
        worker.join(20)
        assert [(s.added, s.replaced, s.unchanged) for s in done] == [(3, 0, 0)]
    finally:
        engine.dispose()


@pytest.mark.db
def test_fs009_duckdb_import_gives_up_while_another_holds_the_lock_file(tmp_path, monkeypatch):
    """A DuckDB import whose lock file another holds gives up with "busy" and writes nothing."""
    import fcntl

    from reporting.figures import store

    url = f"duckdb:///{tmp_path}/reporting.duckdb"
    engine = sa.create_engine(url)
    create_fixture_db(engine, base_tables())
    engine.dispose()
    monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0.3)
    with open(tmp_path / "reporting.duckdb.lock", "a+b") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(ImportFailed) as failed:
            write_figures(url, FIRST, file_name="a.csv", content=b"A")
    assert failed.value.key == "figures.failed.busy"
    assert _rows(url, VALUES_SQL) == []


@pytest.mark.postgres
def test_fs010_read_only_role_fails_and_changes_nothing(postgres_database_factory):
    """A role that may only read gets ImportFailed with the database's reason; nothing changes."""
    url = postgres_database_factory()
    admin = sa.create_engine(url)
    create_fixture_db(admin, base_tables())
    role = "tk_ro_" + url.rsplit("_", 1)[-1]
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(sa.text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
    reader_url = sa.make_url(url).set(username=role).render_as_string(hide_password=False)
    try:
        with pytest.raises(ImportFailed) as failed:
            write_figures(reader_url, FIRST, file_name="a.csv", content=b"A")
        assert failed.value.key == "figures.failed.database"
        assert "permission denied" in failed.value.text("en")
        assert _rows(url, VALUES_SQL) == [] and _rows(url, IMPORTS_SQL) == []
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
            conn.execute(sa.text(f'DROP ROLE "{role}"'))
        admin.dispose()


@pytest.mark.unit
def test_fs011_import_url_falls_back_to_the_reporting_database():
    """Imports write TK_IMPORT_DB_URL when set, else TK_REPORTING_DB_URL."""
    from reporting.figures.store import import_url

    original = get_settings()
    try:
        configure(replace(original, reporting_db_url="duckdb:///r.duckdb", import_db_url=""))
        assert import_url() == "duckdb:///r.duckdb"
        configure(replace(original, import_db_url="postgresql+psycopg://w@db/r"))
        assert import_url() == "postgresql+psycopg://w@db/r"
    finally:
        configure(original)


# --------------------------------------------------------------------------- overlaps

MH = "mielenterveyspalvelujen-saatavuus"
# Months 2024-07..2024-09 of MH in region 99, stored before the files below.
MONTHS = [
    _fig(MH, "99", date(2024, month, 1), "month", 93.0, 300.0 + month, 323.0 + month, line=line)
    for line, month in ((2, 7), (3, 8), (4, 9))
]
OVERLAP_TAIL = (
    "of the same indicator and region. Import the same grain or correct the stored rows, "
    "otherwise the charts would count the figures twice."
)


def _refused_without_writing(url: str, figures: list[Figure]) -> ImportRefused:
    """The refusal of ``figures`` by both the preview and the write; asserts the write
    left every table as it was."""
    tables = (VALUES_SQL, HISTORY_SQL, VERSION_SQL, IMPORTS_SQL)
    state = [_rows(url, sql) for sql in tables]
    with pytest.raises(ImportRefused) as previewed:
        preview_figures(url, figures)
    with pytest.raises(ImportRefused) as refused:
        write_figures(url, figures, file_name="b.csv", content=b"B")
    assert [_rows(url, sql) for sql in tables] == state
    assert previewed.value.problems == refused.value.problems
    return refused.value


def test_fs012_quarter_over_stored_months_is_refused(store_url):
    """A quarter over its stored months is refused at its line and nothing is written."""
    write_figures(store_url, MONTHS, file_name="a.csv", content=b"A")
    # The review's row: `MH;99;2024-Q3;93,1;917;985;Oma`, line 2 of its file. Stored,
    # the quarter chart would sum 917 + the months' numerators (hence the refusal).
    quarter = _fig(MH, "99", date(2024, 7, 1), "quarter", 93.1, 917.0, 985.0, "Oma", line=2)
    refused = _refused_without_writing(store_url, [quarter])
    assert [(p.line, p.key) for p in refused.problems] == [
        (2, "figures.error.overlaps_stored_month")
    ]
    assert refused.texts("en") == [
        "Line 2: The period overlaps the stored months 2024-07..2024-09 " + OVERLAP_TAIL
    ]


def test_fs013_year_over_stored_quarters_is_refused(store_url):
    """A year over stored quarters names them (apart when not consecutive); nothing written."""
    stored = [
        _fig(MH, "99", date(2024, 1, 1), "quarter", 90.0, line=2),  # 2024-Q1
        _fig(MH, "99", date(2024, 7, 1), "quarter", 91.0, line=3),  # 2024-Q3
        _fig(MH, "99", date(2023, 10, 1), "quarter", 92.0, line=4),  # 2023-Q4: another year
    ]
    write_figures(store_url, stored, file_name="a.csv", content=b"A")
    year = _fig(MH, "99", date(2024, 1, 1), "year", 90.5, line=7)
    refused = _refused_without_writing(store_url, [year])
    assert [(p.line, p.key) for p in refused.problems] == [
        (7, "figures.error.overlaps_stored_quarter")
    ]
    # Q1 and Q3 are not consecutive, so they are listed apart; 2023-Q4 is outside 2024.
    assert refused.texts("en") == [
        "Line 7: The period overlaps the stored quarters 2024-Q1, 2024-Q3 " + OVERLAP_TAIL
    ]
    assert refused.texts("fi") == [
        "Rivi 7: Ajanjakso menee päällekkäin saman indikaattorin ja alueen tallennettujen "
        "neljännesten 2024-Q1, 2024-Q3 kanssa. Tuo luvut samalla jaksotuksella tai korjaa "
        "tallennetut rivit, muuten kuviot laskisivat luvut kahteen kertaan."
    ]


def test_fs014_month_under_stored_year_is_refused(store_url):
    """A month under a stored year is refused (and a later month of the file too)."""
    write_figures(
        store_url,
        [_fig(MH, "99", date(2024, 1, 1), "year", 88.0, line=2)],
        file_name="a.csv",
        content=b"A",
    )
    months = [
        _fig(MH, "99", date(2025, 1, 1), "month", 80.0, line=2),  # 2025: no stored year
        _fig(MH, "99", date(2024, 7, 1), "month", 81.0, line=3),
        _fig(MH, "99", date(2024, 12, 1), "month", 82.0, line=4),
    ]
    refused = _refused_without_writing(store_url, months)
    assert [(p.line, p.key) for p in refused.problems] == [
        (3, "figures.error.overlaps_stored_year"),
        (4, "figures.error.overlaps_stored_year"),
    ]
    assert refused.texts("en")[0] == (
        "Line 3: The period overlaps the stored year 2024 " + OVERLAP_TAIL
    )
    assert refused.texts("sv")[1] == (
        "Rad 4: Perioden överlappar det sparade året 2024 för samma indikator och område. "
        "Importera samma indelning eller rätta de sparade raderna, annars skulle diagrammen "
        "räkna siffrorna två gånger."
    )


def test_fs015_a_year_and_its_months_in_one_file_are_refused(store_url):
    """Within one file a month under the file's year is refused at the month's line."""
    rows = [
        _fig(MH, "99", date(2024, 1, 1), "year", 90.0, line=2),
        _fig(MH, "99", date(2024, 1, 1), "month", 89.0, line=3),
        _fig(MH, "TA01", date(2024, 2, 1), "month", 88.0, line=4),  # another region: fine
        _fig(MH, "99", date(2024, 2, 1), "month", 87.0, line=5),
        _fig(MH, "99", date(2024, 4, 1), "quarter", 86.0, line=6),  # Q2 is in 2024 too
    ]
    refused = _refused_without_writing(store_url, rows)
    assert [(p.line, p.key, dict(p.params)) for p in refused.problems] == [
        (3, "figures.error.overlaps_line", {"period": "2024-01", "other": "2024", "earlier": 2}),
        (5, "figures.error.overlaps_line", {"period": "2024-02", "other": "2024", "earlier": 2}),
        (6, "figures.error.overlaps_line", {"period": "2024-Q2", "other": "2024", "earlier": 2}),
    ]
    assert refused.texts("en")[0] == (
        "Line 3: The period 2024-01 overlaps the period 2024 of the same indicator and region "
        "on line 2. Use one grain (year, quarter or month) for the same period, otherwise the "
        "charts would count it twice."
    )
    assert _rows(store_url, VALUES_SQL) == []


def test_fs016_other_region_indicator_or_period_is_no_overlap(store_url):
    """A quarter of another region, indicator, quarter or year beside stored months is written."""
    write_figures(store_url, MONTHS, file_name="a.csv", content=b"A")
    rows = [
        _fig(MH, "TA01", date(2024, 7, 1), "quarter", 70.0, line=2),  # another region
        _fig("paihdepalvelujen-saatavuus", "99", date(2024, 7, 1), "quarter", 71.0, line=3),
        _fig(MH, "99", date(2024, 10, 1), "quarter", 72.0, line=4),  # Q4: after 07..09
        _fig(MH, "99", date(2023, 7, 1), "quarter", 73.0, line=5),  # 2023-Q3
        _fig(MH, "99", date(2024, 6, 1), "month", 74.0, line=6),  # same grain, new month
    ]
    summary = write_figures(store_url, rows, file_name="b.csv", content=b"B")
    # Five new keys, none overlapping the three stored months: 3 + 5 = 8 rows.
    assert (summary.added, summary.replaced, summary.unchanged) == (5, 0, 0)
    assert len(_rows(store_url, VALUES_SQL)) == 8


SOURCES_SQL = (
    "SELECT indicator_id, region_code, period_start, source FROM indicator_values "
    "ORDER BY indicator_id, region_code, period_start"
)


def test_fs017_an_empty_source_keeps_the_stored_one_and_a_new_row_gets_the_file_name(store_url):
    """The same numbers without a source under another file name are unchanged, not corrected."""
    year = _fig("osuus", "99", date(2023, 1, 1), "year", 50.0, 10.0, 20.0, source="Oma lähde")
    month = _fig("maara", "TA01", date(2024, 7, 1), "month", 7.0, source="")
    write_figures(store_url, [year, month], file_name="a.csv", content=b"A")
    # A source written stays; an empty one on a new row becomes the file's name.
    assert _rows(store_url, SOURCES_SQL) == [
        ("maara", "TA01", date(2024, 7, 1), "a.csv"),
        ("osuus", "99", date(2023, 1, 1), "Oma lähde"),
    ]
    # The same two rows again without sources, from b.csv, and one new row.
    again = [
        replace(year, source=""),
        month,
        _fig("maara", "TA02", date(2024, 7, 1), "month", 3.0, source=""),
    ]
    plan = preview_figures(store_url, again, file_name="b.csv")
    assert [(row.status, row.figure.source) for row in plan] == [
        (UNCHANGED, "Oma lähde"),
        (UNCHANGED, "a.csv"),
        (NEW, "b.csv"),
    ]
    # Without a file name a new row's source is left empty (nothing to stand in).
    assert preview_figures(store_url, again)[2].figure.source == ""
    summary = write_figures(store_url, again, file_name="b.csv", content=b"B")
    assert (summary.added, summary.replaced, summary.unchanged) == (1, 0, 2)
    assert _rows(store_url, HISTORY_SQL) == []  # nothing corrected: no history row
    assert _rows(store_url, SOURCES_SQL) == [
        ("maara", "TA01", date(2024, 7, 1), "a.csv"),
        ("maara", "TA02", date(2024, 7, 1), "b.csv"),
        ("osuus", "99", date(2023, 1, 1), "Oma lähde"),
    ]
    # A source written in the file still corrects the stored one.
    fixed = write_figures(
        store_url, [replace(month, source="Raportti")], file_name="c.csv", content=b"C"
    )
    assert (fixed.added, fixed.replaced, fixed.unchanged) == (0, 1, 0)


def test_fs018_reader_and_store_problems_of_one_file_come_together(store_url):
    """A bad period (line 2), unknown unit (line 3) and overlap (line 4) are listed at once."""
    # A stored month of maara/99: a year over it is an overlap only the store sees.
    write_figures(
        store_url,
        [_fig("maara", "99", date(2024, 3, 1), "month", 1.0)],
        file_name="a.csv",
        content=b"A",
    )
    content = (
        b"indicator;region;period;value\n"
        b"maara;TA01;2024-13;5\n"  # line 2: month 13, the reader refuses it
        b"maara;TA09;2024;7\n"  # line 3: no unit TA09 in the fixture (TA01..TA03)
        b"maara;99;2024;8\n"  # line 4: the year 2024 over the stored month 2024-03
        b"maara;TA02;2024;9\n"  # line 5: fine
    )
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "b.csv")
    assert [f.line for f in refused.value.figures] == [3, 4, 5]
    # The store's checks, returned without raising:
    assert [(p.line, p.key) for p in stored_problems(store_url, refused.value.figures)] == [
        (3, "figures.error.unknown_unit"),
        (4, "figures.error.overlaps_stored_month"),
    ]
    together = refusal_with_stored_problems(store_url, refused.value)
    assert together.texts("en") == [
        "Line 2: The period \u201d2024-13\u201d cannot be used. Write a year (2024), a quarter "
        "(2024-Q3) or a month (2024-07).",
        "Line 3: There is no unit \u201dTA09\u201d in the reporting database. Check the unit "
        "id or the region code.",
        "Line 4: The period overlaps the stored months 2024-03 of the same indicator and "
        "region. Import the same grain or correct the stored rows, otherwise the charts would "
        "count the figures twice.",
    ]
    assert stored_problems(store_url, []) == []
    # Only the stored month is there: nothing of the refused file was written.
    assert [row[:2] for row in _rows(store_url, SOURCES_SQL)] == [("maara", "99")]


def test_fs019_own_figures_and_published_statistics_do_not_replace_each_other(store_url):
    """A canonical row over a stored Sotkanet row, and the reverse, is refused at its line."""
    national = replace(
        _fig("osuus", "01", date(2024, 1, 1), "year", 61.5, source="THL / Sotkanet, CC BY 4.0"),
        published=True,
    )
    own = _fig("osuus", "99", date(2024, 1, 1), "year", 50.0, 10.0, 20.0, source="Oma")
    write_figures(store_url, [national, own], file_name="a.csv", content=b"A")
    # The county's own figure for 01's key (line 2), and Sotkanet's for 99's (line 3).
    over_national = replace(national, value=70.0, source="Oma", published=False, line=2)
    over_own = replace(own, value=55.0, source=national.source, published=True, line=3)
    refused = _refused_without_writing(store_url, [over_national, over_own])
    assert [(p.line, p.key) for p in refused.problems] == [
        (2, "figures.error.stored_published"),
        (3, "figures.error.stored_own"),
    ]
    assert refused.texts("en") == [
        "Line 2: A statistic published in Sotkanet is stored for the same indicator, region "
        "and period, and the county's own figure cannot replace it. Import the national "
        "figures with the Sotkanet import (import-sotkanet) and the county's own figures "
        "under another indicator id.",
        "Line 3: The county's own figure is stored for the same indicator, region and period, "
        "and a figure from Sotkanet cannot replace it. Import Sotkanet's figures under another "
        "indicator id (--map SOTKANET_ID=INDICATOR_ID).",
    ]
    # The same kind still corrects its own row (a new Sotkanet retrieval, say).
    summary = write_figures(
        store_url, [replace(national, value=62.0)], file_name="b.json", content=b"B"
    )
    assert (summary.added, summary.replaced, summary.unchanged) == (0, 1, 0)


@pytest.mark.unit
def test_fs020_a_published_row_never_lends_its_source_to_the_countys_figure():
    """An empty source over a stored Sotkanet row gets the file name, not the credit."""
    from reporting.figures.store import fill_sources

    national = replace(
        _fig("osuus", "01", date(2024, 1, 1), "year", 61.5, source="THL / Sotkanet, CC BY 4.0"),
        published=True,
    )
    own = _fig("osuus", "99", date(2024, 1, 1), "year", 50.0, source="Oma")
    stored = {national.key: national, own.key: own}
    filled = fill_sources(
        [replace(national, source="", published=False), replace(own, source="")],
        stored,
        "korjaus.csv",
    )
    # 01: the stored row is published, so the file's name; 99: the county's own source.
    assert [f.source for f in filled] == ["korjaus.csv", "Oma"]


def test_fs021_a_filled_in_source_never_claims_the_sotkanet_credit(store_url):
    """A row without a source inherits no Sotkanet credit nor takes a credit-like file name."""
    credit = "THL / Sotkanet, CC BY 4.0 (indikaattori 4)"
    national = replace(
        _fig("osuus", "SSS", date(2023, 1, 1), "year", 50.0, source=credit), published=True
    )
    write_figures(store_url, [national], file_name="sotkanet.json", content=b"S")
    # A correction of the same key from a county's file, without a source: it would keep
    # the stored Sotkanet credit on a row not from Sotkanet; it is refused, first of all
    # as a county's figure over a published statistic (fs019).
    correction = _fig("osuus", "SSS", date(2023, 1, 1), "year", 51.0, source="", line=2)
    refused = _refused_without_writing(store_url, [correction])
    assert [(p.line, p.key) for p in refused.problems] == [(2, "figures.error.stored_published")]
    # A new row without a source from a file named like the credit (a full-width slash,
    # allowed in file names; NFKC makes it "/").
    new = _fig("osuus", "99", date(2023, 1, 1), "year", 7.0, source="", line=3)
    look_alike = "THL \uff0f Sotkanet, CC BY 4.0.csv"
    with pytest.raises(ImportRefused) as previewed:
        preview_figures(store_url, [new], file_name=look_alike)
    assert [(p.line, p.key) for p in previewed.value.problems] == [
        (3, "figures.error.reserved_source")
    ]
    with pytest.raises(ImportRefused):
        write_figures(store_url, [new], file_name=look_alike, content=b"L")
    # The Sotkanet row itself is as it was written (value 50, its credit).
    assert _rows(store_url, SOURCES_SQL) == [("osuus", "SSS", date(2023, 1, 1), credit)]
