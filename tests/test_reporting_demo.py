"""The synthetic demo data: determinism, shape, and identical DuckDB / PostgreSQL loads."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import re
import secrets
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa

from reporting import demo
from reporting.__main__ import main
from reporting.aggregates import ALL as AGGREGATES
from reporting.load import build_duckdb, load_postgres
from reporting.schema import IMPORT_TABLES, UNIT_TYPES, metadata
from tests.prerequisites import postgres_url

UNTIL = "2024-03"  # data end 2024-02-29; fixed so the tests do not depend on today
SCALE = 0.02
SEED = 7
TABLES = [t.name for t in metadata.sorted_tables]


def _query(path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).df()


def _scalar(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def _rows_hash(path: Path, table: str, order_by: str, where: str = "") -> str:
    """Hash of a table's rows in a fixed order (every column, NULLs included)."""
    digest = hashlib.sha256()
    with duckdb.connect(str(path), read_only=True) as con:
        cur = con.execute(f"SELECT * FROM {table} {where} ORDER BY {order_by}")  # noqa: S608
        while batch := cur.fetchmany(50_000):
            for row in batch:
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "reporting.duckdb"
    build_duckdb(path, scale=SCALE, until=UNTIL, seed=SEED)
    return path


# --------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------


@pytest.mark.db
def test_same_arguments_give_identical_tables(built, tmp_path):
    """Building twice with the same arguments gives identical rows in every table and aggregate."""
    again = tmp_path / "again.duckdb"
    summary = build_duckdb(again, scale=SCALE, until=UNTIL, seed=SEED)
    for table in TABLES:
        n = _scalar(built, f"SELECT count(*) FROM {table}")  # noqa: S608
        assert n == summary.rows[table] == _scalar(again, f"SELECT count(*) FROM {table}")  # noqa: S608
    agg = """SELECT count(*), sum(age), count(assessment_date), sum(contact_date - assessment_date),
                    count(*) FILTER (WHERE contact_type = 'R52'), count(channel)
             FROM client_contacts"""
    assert _query(built, agg).equals(_query(again, agg))
    keys = {
        "client_contacts": "contact_id",
        "referrals": "referral_id",
        "queue_entries": "entry_id",
        "indicator_values": "indicator_id, period_start",
        "units": "unit_id",
        "events": "event_id",
        "reporting_meta": "key",
        "targets": "indicator_id, valid_from, age_min",
    }
    keys.update({a.table.name: ", ".join(a.table.columns.keys()) for a in AGGREGATES})
    for table, order in keys.items():
        # data_version is the time of each build (reporting.aggregates.refresh).
        where = "WHERE key <> 'data_version'" if table == "reporting_meta" else ""
        assert _rows_hash(built, table, order, where) == _rows_hash(again, table, order, where)


@pytest.mark.db
def test_other_seed_gives_other_data(built, tmp_path):
    """Another seed gives other contact rows."""
    other = tmp_path / "other.duckdb"
    build_duckdb(other, scale=SCALE, until=UNTIL, seed=SEED + 1)
    assert _rows_hash(built, "client_contacts", "contact_id") != _rows_hash(
        other, "client_contacts", "contact_id"
    )


@pytest.mark.db
def test_earlier_months_do_not_change_when_until_grows(tmp_path):
    """A longer build keeps every earlier row and queue entry of a shorter one unchanged."""
    short, long = tmp_path / "short.duckdb", tmp_path / "long.duckdb"
    build_duckdb(short, scale=0.01, until="2023-01", seed=SEED)
    build_duckdb(long, scale=0.01, until="2023-06", seed=SEED)
    for table, key, col in (
        ("client_contacts", "contact_id", "contact_date"),
        ("referrals", "referral_id", "referral_date"),
    ):
        where = f"WHERE {col} < DATE '2022-02-01'"
        assert _scalar(short, f"SELECT count(*) FROM {table} {where}") > 0  # noqa: S608
        assert _rows_hash(short, table, key, where) == _rows_hash(long, table, key, where)
        # Every row of the shorter build is in the longer one, unchanged.
        where = f"WHERE {col} <= DATE '2022-12-31'"
        assert _rows_hash(short, table, key, where) == _rows_hash(long, table, key, where)
    # Queue entries keep their ids and dates; only exits after the data end stay open.
    sql = "SELECT entry_id, service, unit_id, entered_date, age FROM queue_entries ORDER BY 1"
    a, b = _query(short, sql), _query(long, sql)
    assert a.equals(b.iloc[: len(a)].reset_index(drop=True))


@pytest.mark.unit
def test_generator_chunks_match_contract_columns():
    """Every generated chunk has its table's contract columns in order, for every table
    but those only figure imports write."""
    seen = set()
    for table, df in demo.generate(scale=0.005, until="2022-03", seed=SEED):
        assert list(df.columns) == [c.name for c in metadata.tables[table].columns]
        seen.add(table)
    assert seen == set(TABLES) - set(IMPORT_TABLES)
    assert set(IMPORT_TABLES) < set(TABLES)


# --------------------------------------------------------------------------------------
# Shape
# --------------------------------------------------------------------------------------


@pytest.mark.db
def test_data_end_and_meta(built):
    """The metadata names the data end, seed, scale and county, and no table runs past the end."""
    meta = dict(_query(built, "SELECT key, value FROM reporting_meta").itertuples(index=False))
    assert meta["data_as_of"] == "2024-02-29"
    assert meta["synthetic"] == "true"
    assert meta["generator"] == "tietokeskustelut demo v2"
    assert meta["seed"] == str(SEED) and meta["scale"] == "0.02"
    assert meta["county_name_fi"] == "Esimerkkilän hyvinvointialue"
    assert meta["county_name_sv"] == "Exempelby välfärdsområde"
    assert meta["county_name_en"] == "Esimerkkilä wellbeing services county"
    end = date(2024, 2, 29)
    for table, col in (
        ("client_contacts", "contact_date"),
        ("referrals", "referral_date"),
        ("queue_entries", "entered_date"),
        ("queue_entries", "exit_date"),
        ("indicator_values", "period_start"),
        ("events", "event_date"),
    ):
        assert _scalar(built, f"SELECT max({col}) FROM {table}") <= end, (table, col)  # noqa: S608
    first = _scalar(built, "SELECT min(contact_date) FROM client_contacts")
    assert date(2022, 1, 1) <= first <= date(2022, 1, 4)
    assert _scalar(built, "SELECT max(contact_date) FROM client_contacts") >= date(2024, 2, 26)


@pytest.mark.db
def test_contacts_volume_and_ids(built):
    """Contacts have about the scaled yearly volume, sequential ids, few weekends, a July dip."""
    df = _query(
        built,
        """SELECT year(contact_date) AS y, count(*) AS n, min(contact_id) AS lo,
                  max(contact_id) AS hi FROM client_contacts GROUP BY 1 ORDER BY 1""",
    )
    per_year = dict(zip(df.y, df.n, strict=True))
    assert 0.9 * 1.4e6 * SCALE < per_year[2022] < 1.1 * 1.4e6 * SCALE
    total = int(df.n.sum())
    assert df.lo.min() == 1 and df.hi.max() == total  # sequential ids
    weekend = _scalar(
        built, "SELECT avg(CASE WHEN dayofweek(contact_date) IN (0, 6) THEN 1 ELSE 0 END) "
        "FROM client_contacts"
    )  # fmt: skip
    assert weekend < 0.05
    july, oct_ = (
        _scalar(
            built,
            f"SELECT count(*) FROM client_contacts WHERE contact_date BETWEEN "  # noqa: S608
            f"DATE '2023-{m:02d}-01' AND last_day(DATE '2023-{m:02d}-01')",
        )  # fmt: skip
        for m in (7, 10)
    )
    assert 0.5 < july / oct_ < 0.8


@pytest.mark.db
def test_codes_come_from_the_allowed_sets(built):
    """Codes, ages, channels and queue units stay within their allowed sets and pairings."""
    allowed = {
        ("client_contacts", "unit_id"): set(demo.STATION_IDS),
        ("client_contacts", "service_form"): set(demo.SERVICE_FORMS),
        ("client_contacts", "nature"): {"SH", "TH"},
        ("client_contacts", "contact_type"): set(demo.CONTACT_TYPES),
        ("client_contacts", "channel"): {"phone", "video", "chat", None},
        ("client_contacts", "booked_via"): {"electronic", "phone", "desk", None},
        ("client_contacts", "profession"): {"doctor", "nurse", "other"},
        ("referrals", "referral_type"): {"specialised", "wellbeing", "exercise", "other"},
        ("referrals", "specialty"): set(demo.SPECIALTIES) | {None},
        ("referrals", "source_unit_id"): set(demo.STATION_IDS),
        ("queue_entries", "service"): set(demo.QUEUE_SERVICES),
        ("queue_entries", "exit_reason"): {"treated", "cancelled", "moved", None},
        ("units", "unit_type"): set(UNIT_TYPES),
    }
    for (table, col), values in allowed.items():
        found = set(_query(built, f"SELECT DISTINCT {col} AS v FROM {table}").v)  # noqa: S608
        found = {None if pd.isna(v) else v for v in found}
        assert found <= values, (table, col, found - values)
    assert _scalar(built, "SELECT min(age) FROM client_contacts") >= 0
    assert _scalar(built, "SELECT max(age) FROM client_contacts") <= 99
    # channel only for remote contacts
    assert (
        _scalar(
            built,
            "SELECT count(*) FROM client_contacts WHERE channel IS NOT NULL "
            "AND contact_type NOT IN ('R52', 'R56')",
        )
        == 0
    )
    # queue units match the service
    bad = _scalar(
        built,
        """SELECT count(*) FROM queue_entries q JOIN units u USING (unit_id)
           WHERE NOT ((q.service = 'primary_care' AND u.unit_type = 'health_station')
                  OR q.service = u.unit_type)""",
    )
    assert bad == 0


@pytest.mark.db
def test_units(built):
    """The units are the expected mix in one county, and a rare contact type has small counts."""
    units = _query(built, "SELECT * FROM units")
    counts = units.unit_type.value_counts().to_dict()
    assert counts == {
        "health_station": 12,
        "oral_health": 3,
        "family_centre": 2,
        "mental_health": 1,
        "substance_abuse": 1,
    }
    assert set(units.county_code) == {"99"}
    assert units.municipality_code.nunique() == 8
    assert units.service_area.nunique() == 3
    # Some station-months of a rare contact type fall below the suppression limit.
    small = _scalar(
        built,
        """SELECT count(*) FROM (SELECT unit_id, date_trunc('month', contact_date), count(*) n
           FROM client_contacts WHERE contact_type = 'R20' GROUP BY ALL) WHERE n < 5""",
    )
    assert small > 0


@pytest.mark.db
def test_remote_share_and_waiting_times(built):
    """Remote share, non-client share and waits of access visits stay in realistic ranges."""
    remote = _query(
        built,
        """SELECT year(contact_date) AS y,
                  avg(CASE WHEN contact_type IN ('R50','R51','R52','R55','R56') THEN 1.0
                      ELSE 0.0 END) AS share
           FROM client_contacts WHERE contact_type NOT IN ('R60', 'R71', 'R72')
           GROUP BY 1 ORDER BY 1""",
    ).set_index("y")["share"]
    assert 0.05 <= remote[2022] <= 0.20
    assert remote[2023] > remote[2022]
    non_client = _scalar(
        built,
        "SELECT avg(CASE WHEN contact_type IN ('R60','R71','R72') THEN 1.0 ELSE 0 END) "
        "FROM client_contacts",
    )
    assert 0.03 < non_client < 0.07
    assert (
        _scalar(built, "SELECT count(*) FROM client_contacts WHERE assessment_date > contact_date")
        == 0
    )
    p7 = _query(
        built,
        """SELECT year(contact_date) AS y,
                  avg(CASE WHEN contact_date - assessment_date <= 7 THEN 1.0 ELSE 0 END) AS p7,
                  avg(CASE WHEN contact_date - assessment_date <= 14 THEN 1.0 ELSE 0 END) AS p14,
                  max(contact_date - assessment_date) AS longest
           FROM client_contacts
           WHERE service_form = 'T11' AND nature = 'SH' AND NOT urgent AND first_visit
             AND NOT cancelled AND assessment_date IS NOT NULL
           GROUP BY 1 ORDER BY 1""",
    ).set_index("y")
    assert 0.50 < p7.p7[2022] < 0.70
    assert 0.10 < p7.p14[2022] - p7.p7[2022] < 0.25
    assert p7.longest.max() <= 120


@pytest.mark.db
def test_referrals(built):
    """Referral types start on their dates, specialty goes with specialised, volume scales."""
    first_wellbeing = _scalar(
        built, "SELECT min(referral_date) FROM referrals WHERE referral_type = 'wellbeing'"
    )
    assert first_wellbeing >= date(2023, 3, 1)
    first_exercise = _scalar(
        built, "SELECT min(referral_date) FROM referrals WHERE referral_type = 'exercise'"
    )
    assert first_exercise >= date(2023, 6, 1)
    assert (
        _scalar(
            built,
            "SELECT count(*) FROM referrals WHERE (referral_type = 'specialised') "
            "<> (specialty IS NOT NULL)",
        )
        == 0
    )
    per_month = _scalar(
        built,
        "SELECT count(*) / 26.0 FROM referrals WHERE referral_type = 'specialised'",
    )
    assert 0.8 * 1500 * SCALE < per_month < 1.2 * 1500 * SCALE


@pytest.mark.db
def test_queues(built):
    """Queue exits follow entries with a reason, some stay open; oral health waits are realistic."""
    assert _scalar(built, "SELECT count(*) FROM queue_entries WHERE exit_date < entered_date") == 0
    assert (
        _scalar(
            built,
            "SELECT count(*) FROM queue_entries WHERE (exit_date IS NULL) <> (exit_reason IS NULL)",
        )
        == 0
    )
    assert _scalar(built, "SELECT count(*) FROM queue_entries WHERE exit_date IS NULL") > 0
    oral = _query(
        built,
        """SELECT year(entered_date) AS y, median(exit_date - entered_date) AS med
           FROM queue_entries WHERE service = 'oral_health' AND exit_date IS NOT NULL
           GROUP BY 1 ORDER BY 1""",
    ).set_index("y")["med"]
    assert 120 < oral[2022] < 260


@pytest.mark.db
def test_targets_events_indicators(built):
    """Targets, events and indicator values load as in their sources, with whole counts."""
    with open(demo.TARGETS_CSV, encoding="utf-8") as fh:
        csv_rows = sum(1 for row in csv.reader(fh, delimiter=";") if row) - 1
    assert _scalar(built, "SELECT count(*) FROM targets") == csv_rows
    assert _scalar(built, "SELECT count(*) FROM targets WHERE valid_to IS NULL") > 0
    source = _scalar(
        built,
        "SELECT source FROM targets WHERE indicator_id = "
        "'lakisaateinen-maaraaika-suun-terveydenhuolto' AND valid_from = DATE '2024-11-01'",
    )
    # The whole free-text source survives the load.
    assert source == (
        "Terveydenhuoltolaki 51 §: suun terveydenhuolto 3 kuukautta "
        "(laskettu 90 vrk, vahvistamaton)"
    )
    events = _query(built, "SELECT * FROM events ORDER BY event_id")
    assert list(events.event_date.dt.date) == [
        date(2023, 3, 1), date(2023, 9, 1), date(2023, 9, 1), date(2024, 2, 1),
    ]  # fmt: skip
    ind = _query(
        built,
        "SELECT indicator_id, period_grain, count(*) AS n FROM indicator_values GROUP BY 1, 2",
    )
    got = {(r.indicator_id, r.period_grain): r.n for r in ind.itertuples()}
    assert got == {
        ("hoitotakuuseuranta-kattavuus", "quarter"): 8,  # 2022Q1..2023Q4
        ("sahkoiset-lomakkeet-osuus", "month"): 26,
        ("palvelutarpeen-arviointi-90pv", "month"): 26,
        ("omaolo-palvelut", "year"): 3,
        ("matalan-kynnyksen-ryhmat", "year"): 3,
        # The plan indicators: monthly (2022-01..2024-02), quarterly like the coverage,
        # yearly like the groups (2022..2024, the last year's row from its January).
        ("tk-vastaanotto-saatavuus", "month"): 26,
        ("mielenterveyspalvelujen-saatavuus", "month"): 26,
        ("paihdepalvelujen-saatavuus", "month"): 26,
        ("neuvola-laakarikaynnit-18kk-4v", "quarter"): 8,
        ("lene-maaraajassa", "quarter"): 8,
        ("tyottomien-tuki-asiakkaat", "year"): 3,
        # Synthetic national figures (national_values_frame): the whole years 2022 and
        # 2023 × (21 counties + Helsinki + the demo county 99 + the country) = 2 × 24.
        ("hoitotakuu-7vrk", "year"): 48,
        ("digiasiointi-osuus", "year"): 48,
    }
    assert (
        _scalar(
            built,
            "SELECT value FROM indicator_values WHERE indicator_id = 'omaolo-palvelut' "
            "AND period_start = DATE '2023-01-01'",
        )
        == 21
    )
    # Numerators and denominators are whole counts (forms were once stored in thousands
    # with decimals, whose float sums exported as 16.308999999999997).
    assert (
        _scalar(
            built,
            "SELECT count(*) FROM indicator_values WHERE numerator <> round(numerator) "
            "OR denominator <> round(denominator)",
        )
        == 0
    )
    assert (
        _scalar(
            built,
            "SELECT min(denominator) FROM indicator_values "
            "WHERE indicator_id = 'sahkoiset-lomakkeet-osuus'",
        )
        > 1000
    )


# --------------------------------------------------------------------------------------
# Writers and CLI
# --------------------------------------------------------------------------------------


@pytest.mark.db
def test_build_replaces_file_atomically(tmp_path):
    """A rebuild replaces the file, creating its folders, and leaves no temporary file."""
    path = tmp_path / "nested" / "dir" / "reporting.duckdb"
    build_duckdb(path, scale=0.005, until="2022-03", seed=SEED)
    first = _scalar(path, "SELECT value FROM reporting_meta WHERE key = 'data_as_of'")
    build_duckdb(path, scale=0.005, until="2022-05", seed=SEED)
    assert first == "2022-02-28"
    assert _scalar(path, "SELECT value FROM reporting_meta WHERE key = 'data_as_of'") == (
        "2022-04-30"
    )
    assert sorted(p.name for p in path.parent.iterdir()) == ["reporting.duckdb"]


@pytest.mark.unit
def test_bad_arguments_are_rejected(tmp_path):
    """Bad until, scale or month arguments raise ValueError and write no file."""
    with pytest.raises(ValueError):
        build_duckdb(tmp_path / "x.duckdb", until="2022-01")
    with pytest.raises(ValueError):
        build_duckdb(tmp_path / "x.duckdb", scale=0)
    with pytest.raises(ValueError):
        demo.parse_until("2024/03")
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.unit
@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["build-demo"],
        ["build-demo", "--out", "x.duckdb", "--scale", "abc"],
        ["build-demo", "--out", "x.duckdb", "--scale", "-1"],
        ["build-demo", "--out", "x.duckdb", "--until", "2024-13"],
        ["build-demo", "--out", "x.duckdb", "--until", "2021-12"],
        ["build-demo", "--out", "x.duckdb", "--seed", "-3"],
        ["load-demo", "--url", "sqlite:///x.db"],
        ["frobnicate"],
    ],
)
def test_cli_rejects_bad_arguments(argv, capsys, tmp_path, monkeypatch):
    """Bad command lines exit 2 with usage and no traceback, writing no file."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "Traceback" not in err
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.db
def test_cli_build_and_ensure(tmp_path, capsys):
    """build-demo writes and reports the file; ensure-demo then leaves an up-to-date file alone."""
    out = tmp_path / "cli.duckdb"
    args = ["--scale", "0.005", "--until", "2022-04", "--seed", "3"]
    assert main(["build-demo", "--out", str(out), *args]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "client_contacts" in printed and " s" in printed
    assert _scalar(out, "SELECT value FROM reporting_meta WHERE key = 'data_as_of'") == (
        "2022-03-31"
    )
    mtime = out.stat().st_mtime_ns
    assert main(["ensure-demo", "--out", str(out)]) == 0
    assert "not rebuilding" in capsys.readouterr().out
    assert out.stat().st_mtime_ns == mtime


@pytest.mark.db
def test_cli_build_reports_a_line_per_step_on_stderr(tmp_path, capsys):
    """build-demo reports each step with elapsed seconds on stderr, the summary on stdout."""
    out = tmp_path / "steps.duckdb"
    assert main(["build-demo", "--out", str(out), "--scale", "0.005", "--until", "2023-03"]) == 0
    captured = capsys.readouterr()
    assert "client_contacts" in captured.out and "client_contacts" not in captured.err
    # Each step ends with the seconds since the start, e.g. " (3 s)".
    lines = [re.sub(r" \(\d+ s\)$", "", line) for line in captured.err.splitlines()]
    # Until 2023-03: data 2022-01 .. 2023-02 = 12 + 2 = 14 months; one line per year.
    assert lines == [
        f"Building the synthetic demo data into {out}: 14 months, 2022-01 to 2023-02,"
        " at scale 0.005 (about a minute at scale 1)",
        "  reference tables written: units, targets, indicator values, events",
        "  queue entries still open at the start of the data written",
        "  2022: 12 of 14 months of contacts, referrals and queues written",
        "  2023: 14 of 14 months of contacts, referrals and queues written",
        "  aggregates built",
        "  file complete",
    ]
    assert all(re.search(r" \(\d+ s\)$", line) for line in captured.err.splitlines()[1:])


@pytest.mark.db
def test_cli_load_demo_unreachable_server_is_a_clean_error(capsys):
    """load-demo to an unreachable PostgreSQL fails with exit 1 and a one-line error."""
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    assert main(["load-demo", "--url", url, "--scale", "0.005", "--until", "2022-02"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot load into PostgreSQL") and "Traceback" not in err


@pytest.mark.server
def test_python_dash_m_entry_point(tmp_path):
    """python -m reporting runs the CLI: a bad --until exits 2 with usage, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "reporting", "build-demo", "--out", str(tmp_path / "x.duckdb"),
         "--until", "22-03"],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "--until" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------

PG_URL = postgres_url()


@contextlib.contextmanager
def _fresh_postgres_db():
    """A new database on the test server, dropped afterwards. Unreachable = test failure."""
    server = sa.make_url(PG_URL)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"tk_demo_test_{secrets.token_hex(4)}"
    problem = None
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        problem = str(exc.orig).strip()
    if problem is not None:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL at {server.render_as_string(hide_password=True)} is unreachable; "
            f"start it or set TK_TEST_POSTGRES_URL. {problem}",
            pytrace=False,
        )
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _plain(value):
    """PostgreSQL sums of integers come back as Decimal; DuckDB's as int."""
    return int(value) if isinstance(value, Decimal) and value == int(value) else value


@pytest.mark.postgres
def test_postgres_load_matches_duckdb(built):
    """The demo loaded into PostgreSQL matches the DuckDB build."""
    with _fresh_postgres_db() as url:
        _check_postgres_matches_duckdb(url, built)


def _check_postgres_matches_duckdb(postgres_db: str, built: Path) -> None:
    summary = load_postgres(postgres_db, scale=SCALE, until=UNTIL, seed=SEED)
    checks = [f"SELECT count(*) FROM {t}" for t in TABLES] + [  # noqa: S608
        """SELECT extract(year FROM contact_date)::int AS y, count(*) AS n FROM client_contacts
           WHERE contact_type = 'R52' GROUP BY 1 ORDER BY 1""",
        "SELECT referral_type, count(*) FROM referrals GROUP BY 1 ORDER BY 1",
        """SELECT count(assessment_date), sum(contact_date - assessment_date), sum(age),
                  count(channel), count(booked_via),
                  sum(CASE WHEN urgent THEN 1 ELSE 0 END) FROM client_contacts""",
        """SELECT service, count(*), count(exit_date), sum(exit_date - entered_date)
           FROM queue_entries GROUP BY 1 ORDER BY 1""",
        "SELECT count(*), count(valid_to), sum(value) FROM targets",
        # data_version is the time of each load (reporting.aggregates.refresh).
        "SELECT key, value FROM reporting_meta WHERE key <> 'data_version' ORDER BY key",
        "SELECT min(contact_date), max(contact_date), max(contact_id) FROM client_contacts",
    ]
    # The aggregates, built by both loaders, row for row.
    for a in AGGREGATES:
        checks.append(str(sa.select(a.table).order_by(*a.table.columns)))
    dsn = sa.make_url(postgres_db).set(drivername="postgresql").render_as_string(False)
    with (
        psycopg.connect(dsn) as pg,
        duckdb.connect(str(built), read_only=True) as dk,
    ):
        for sql in checks:
            got = [tuple(map(_plain, row)) for row in pg.execute(sql).fetchall()]
            want = dk.execute(sql).fetchall()
            assert got == want, sql
        indexes = {
            r[0]
            for r in pg.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'client_contacts'"
            ).fetchall()
        }
        assert any("(contact_date)" in i for i in indexes)
    assert summary.rows["client_contacts"] == _scalar(built, "SELECT count(*) FROM client_contacts")


@pytest.mark.db
def test_cli_ensure_rebuilds_a_file_of_another_generator(tmp_path, capsys, monkeypatch):
    """ensure-demo rebuilds a file written by another generator version."""
    import duckdb

    from reporting import load

    out = tmp_path / "stale.duckdb"
    assert main(["build-demo", "--out", str(out), "--scale", "0.005", "--until", "2022-03"]) == 0
    # A file written before the record keys existed says "tietokeskustelut demo v1".
    with duckdb.connect(str(out)) as con:
        con.execute("UPDATE reporting_meta SET value = 'tietokeskustelut demo v1' "
                    "WHERE key = 'generator'")  # fmt: skip
    capsys.readouterr()
    built = []
    monkeypatch.setattr(
        load, "build_duckdb", lambda path, **_kw: built.append(path) or load.LoadSummary(str(path))
    )
    assert main(["ensure-demo", "--out", str(out)]) == 0
    assert built == [out]
    assert "tietokeskustelut demo v1; rebuilding" in capsys.readouterr().out


@pytest.mark.db
def test_record_keys_in_range_and_one_key_per_referrer(built):
    """Record keys fill 0 .. 2**20 - 1, and each referrer has one referrer key."""
    # Every keyed table: keys within 0 .. 2**20 - 1 = 1,048,575, and spread over the
    # range (a uniform draw: with thousands of rows the extremes are near both ends).
    for table in ("client_contacts", "referrals", "queue_entries", "indicator_values"):
        low, high, n = _query(
            built,
            f"SELECT min(record_key), max(record_key), count(*) FROM {table}",  # noqa: S608
        ).iloc[0]
        assert low >= 0 and high <= 1_048_575, table
        if n > 1000:
            assert low < 10_000 and high > 1_038_575, table
    # One referrer_key per referring professional.
    per_referrer = _scalar(
        built,
        "SELECT max(n) FROM (SELECT count(DISTINCT referrer_key) AS n FROM referrals "
        "GROUP BY referrer_id) t",
    )
    assert per_referrer == 1
