"""``python -m reporting refresh-aggregates`` and ``reporting.aggregates.refresh``: the
tables come back after a load, a county's view of the same name is left alone,
PostgreSQL gets indexes and fresh statistics, and a bad URL is a
clean error."""

from __future__ import annotations

import warnings
from datetime import date

import pytest
import sqlalchemy as sa

from reporting.__main__ import main
from reporting.aggregates import ALL
from reporting.aggregates import refresh as refresh_module
from reporting.aggregates.refresh import refresh
from tests.fixtures.common import base_tables, contact, create_fixture_db

# Three access visits of TA01 in 2024-01 (waits 2, 7 and 20 days; keys 1, 2, 4) and a
# cancelled one; a remote contact (R52) in 2024-02.
# The shipped targets (base_tables): in 2024 the legal deadline is 14 days at every age.
ROWS = {
    **base_tables(),
    "client_contacts": [
        contact(1, date(2024, 1, 10), 2, "TA01", record_key=1),
        contact(2, date(2024, 1, 11), 7, "TA01", record_key=2),
        contact(3, date(2024, 1, 30), 20, "TA01", record_key=4),
        contact(4, date(2024, 1, 30), 1, "TA01", cancelled=True, record_key=8),
        contact(5, date(2024, 2, 1), None, "TA02", contact_type="R52", record_key=16),
    ],
}


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path) -> str:
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path}/refresh.duckdb"
    return request.getfixturevalue("postgres_database_factory")()


def _rows(engine: sa.Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql), params)]


def test_cli_rebuilds_dropped_aggregates_with_a_new_data_version(url, capsys):
    """The CLI rebuilds dropped aggregates with hand-computed rows and sets a new data version."""
    engine = sa.create_engine(url)
    try:
        create_fixture_db(engine, ROWS)
        with engine.begin() as conn:
            for aggregate in ALL:
                aggregate.table.drop(conn)
            conn.execute(sa.text("DELETE FROM reporting_meta WHERE key = 'data_version'"))
    finally:
        engine.dispose()
    assert main(["refresh-aggregates", "--url", url]) == 0
    out = capsys.readouterr().out
    assert "Aggregates rebuilt" in out and "data version" in out
    engine = sa.create_engine(url)
    try:
        # By month, unit, code and cancellation: R10 in 2024-01 three (keys 1 + 2 + 4 =
        # 7) and one cancelled (8); R52 in 2024-02 one (16).
        assert _rows(
            engine,
            "SELECT month, unit_id, contact_type, cancelled, n, key_sum FROM agg_contact_types"
            " ORDER BY month, cancelled",
        ) == [
            (date(2024, 1, 1), "TA01", "R10", False, 3, 7),
            (date(2024, 1, 1), "TA01", "R10", True, 1, 8),
            (date(2024, 2, 1), "TA02", "R52", False, 1, 16),
        ]
        # Access-type visits (the cancelled one is not): waits 2 and 7 in class 0 (0-7
        # days, keys 1 + 2), within the 14-day deadline of 2024; 20 in class 2 (15-90
        # days, key 4), not within. The R52 contact is an access-type visit too (remote
        # client contact, T11, SH, first) but without an assessment: no class, no deadline.
        assert _rows(
            engine,
            "SELECT unit_id, assessed, wait_class, within_deadline, wait_min, wait_max, n,"
            " key_sum FROM agg_access_visits ORDER BY unit_id, wait_class",
        ) == [
            ("TA01", True, 0, True, 2, 7, 2, 3),
            ("TA01", True, 2, False, 20, 20, 1, 4),
            ("TA02", False, None, None, None, None, 1, 16),
        ]
        (version,) = _rows(engine, "SELECT value FROM reporting_meta WHERE key = 'data_version'")
        assert version[0].startswith(str(date.today().year))
    finally:
        engine.dispose()


def test_a_view_of_the_same_name_is_left_alone_and_read(url):
    """Refresh leaves a county's view named like an aggregate in place, and charts read it."""
    engine = sa.create_engine(url)
    try:
        create_fixture_db(engine, ROWS)
        # A county provides agg_bookings as a view over its warehouse: here a view
        # saying every contact that was not cancelled was booked electronically.
        view = """CREATE VIEW agg_bookings AS
            SELECT CAST(date_trunc('month', contact_date) AS DATE) AS month, unit_id,
                   TRUE AS booked_electronically, COUNT(*) AS n,
                   SUM(record_key) % 1048576 AS key_sum
            FROM client_contacts WHERE NOT cancelled GROUP BY 1, 2"""
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE agg_bookings"))
            conn.execute(sa.text(view))
        refresh(engine)
        with engine.connect() as conn:
            assert "agg_bookings" in sa.inspect(conn).get_view_names()
        assert _rows(engine, "SELECT SUM(n) FROM agg_bookings WHERE booked_electronically") == [
            (4,)
        ]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_materialized_view_of_the_same_name_is_left_alone(request):
    """Refresh keeps a materialized view of an aggregate's name and still rebuilds the others."""
    # A county refreshes its own materialized view; the refresh must neither fail on
    # it (DROP TABLE refuses one) nor stop rebuilding the other aggregates.
    engine = sa.create_engine(request.getfixturevalue("postgres_database_factory")())
    try:
        create_fixture_db(engine, ROWS)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE agg_bookings"))
            conn.execute(
                sa.text(
                    "CREATE MATERIALIZED VIEW agg_bookings AS"
                    " SELECT DATE '2024-01-01' AS month, 'TA01' AS unit_id,"
                    " TRUE AS booked_electronically, 99 AS n, 0 AS key_sum"
                )
            )
            conn.execute(sa.text("DELETE FROM agg_access_visits"))
        refresh(engine)
        assert _rows(engine, "SELECT SUM(n) FROM agg_bookings") == [(99,)]
        # The access-type visits are back in the rebuilt table: contacts 1-3 and the
        # remote one, 5 (no assessment recorded); 4 was cancelled.
        assert _rows(engine, "SELECT SUM(n) FROM agg_access_visits") == [(4,)]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_readers_are_not_blocked_while_the_new_rows_are_built(request, monkeypatch):
    """Other sessions can read every live aggregate while refresh builds the new rows."""
    # While refresh builds the new rows (the long part), another session reads every
    # live aggregate at once; a lock wait over 2 s fails the read. Only the swaps at
    # the end take the live tables' locks.
    url = request.getfixturevalue("postgres_database_factory")()
    engine = sa.create_engine(url)
    reader = sa.create_engine(url, connect_args={"options": "-c lock_timeout=2000"})
    try:
        create_fixture_db(engine, ROWS)
        built: list[str] = []
        fill = refresh_module._fill_staging

        def fill_then_read(conn, aggregate):
            fill(conn, aggregate)
            built.append(aggregate.table.name)
            with reader.connect() as other:
                for name in built:
                    other.execute(sa.select(sa.func.count()).select_from(sa.table(name)))

        monkeypatch.setattr(refresh_module, "_fill_staging", fill_then_read)
        refresh(engine)
        assert built == [a.table.name for a in ALL]
    finally:
        reader.dispose()
        engine.dispose()


@pytest.mark.postgres
def test_postgres_refresh_indexes_and_analyses(request):
    """On PostgreSQL refresh builds each declared index and vacuums and analyses each aggregate."""
    url = request.getfixturevalue("postgres_database_factory")()
    engine = sa.create_engine(url)
    try:
        create_fixture_db(engine, ROWS)
        for aggregate in ALL:
            name = aggregate.table.name
            indexes = _rows(
                engine, "SELECT indexdef FROM pg_indexes WHERE tablename = :name", name=name
            )
            # Every index the aggregate declares exists, with its columns in order.
            assert aggregate.indexes, name
            for columns in aggregate.indexes:
                wanted = "(" + ", ".join(columns) + ")"
                assert any(wanted in i[0] for i in indexes), (name, wanted, indexes)
            # VACUUM (ANALYZE) ran: the statistics collector says when.
            analysed = _rows(
                engine,
                "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL"
                " FROM pg_stat_user_tables WHERE relname = :name",
                name=name,
            )
            assert analysed == [(True, True)], name
    finally:
        engine.dispose()


@pytest.mark.db
def test_cli_bad_url_is_a_clean_error(capsys):
    """A malformed or unreachable database URL ends the CLI with a clean error, no traceback."""
    with pytest.raises(SystemExit):
        main(["refresh-aggregates", "--url", "not a url"])
    assert "Traceback" not in capsys.readouterr().err
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    assert main(["refresh-aggregates", "--url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot refresh the aggregates") and "Traceback" not in err


@pytest.mark.db
def test_cli_driver_missing_or_file_missing_is_one_line_and_writes_nothing(tmp_path, capsys):
    """A missing driver or DuckDB file is a usage error (exit 2) that creates no file."""
    # A dialect whose driver is not installed, and a DuckDB file that does not exist
    # (DuckDB would have created an empty one): a usage error, no file left behind.
    for url in ("mysql://x@127.0.0.1/y", f"duckdb:///{tmp_path}/missing.duckdb"):
        with pytest.raises(SystemExit) as done:
            main(["refresh-aggregates", "--url", url])
        assert done.value.code == 2
        err = capsys.readouterr().err
        assert "--url" in err and "Traceback" not in err, url
    assert list(tmp_path.iterdir()) == []


@pytest.mark.db
def test_ensure_demo_builds_the_aggregates_of_an_older_file(tmp_path, capsys):
    """ensure-demo builds missing aggregates of an older demo file and then does not rebuild."""
    out = tmp_path / "older.duckdb"
    assert main(["build-demo", "--out", str(out), "--scale", "0.005", "--until", "2022-03"]) == 0
    # A file of the same generator written before the aggregates existed.
    engine = sa.create_engine(f"duckdb:///{out}")
    try:
        with engine.begin() as conn:
            for aggregate in ALL:
                aggregate.table.drop(conn)
    finally:
        engine.dispose()
    capsys.readouterr()
    assert main(["ensure-demo", "--out", str(out)]) == 0
    assert "without its aggregates; building them" in capsys.readouterr().out
    engine = sa.create_engine(f"duckdb:///{out}")
    try:
        # 2022-01 and 2022-02: every contact counted once in agg_contact_types.
        assert _rows(engine, "SELECT SUM(n) FROM agg_contact_types") == _rows(
            engine, "SELECT COUNT(*) FROM client_contacts"
        )
    finally:
        engine.dispose()
    assert main(["ensure-demo", "--out", str(out)]) == 0
    assert "not rebuilding" in capsys.readouterr().out


def test_refresh_uses_no_deprecated_sqlalchemy_api(url):
    """Refreshing the aggregates raises no SQLAlchemy deprecation warning."""
    # The staging tables are copies of the contract's (Table.to_metadata), not of
    # its columns one by one (the deprecated Column.copy warned once per column).
    engine = sa.create_engine(url)
    try:
        create_fixture_db(engine, ROWS)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            refresh(engine)
    finally:
        engine.dispose()
    deprecated = [w for w in caught if issubclass(w.category, sa.exc.SADeprecationWarning)]
    assert deprecated == []
