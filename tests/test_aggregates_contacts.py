"""The contact charts read the monthly aggregates (``reporting.aggregates.contacts``) and
give exactly what the event-level SQL gave: every chart frame, cell keys and published
numbers included, on a small generated demo, on DuckDB and PostgreSQL.

The event-level SQL below is the charts' SQL before the aggregates (kept here only, as
the reference); the hand-computed fixtures of tests/test_queries*.py check the numbers
themselves on the aggregates.
"""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from app import app as dash_app
from charts.catalog import CHARTS as CATALOG
from charts.payload import effective_filters
from queries import codes
from queries.access import (
    ACCESS_PARAMS,
    ACCESS_TYPE_VISIT,
    BUCKET_KEYS,
    WAIT_BUCKETS,
    access_within_days,
    access_within_legal_deadline,
    waiting_time_distribution,
)
from queries.cache import cache
from queries.digital import ELECTRONIC_BOOKING, electronic_booking_share, remote_share
from queries.engine import dispose_engines, fetch_frame
from queries.filters import Filters
from queries.privacy import protect
from queries.recording import KNOWN_CONTACT_TYPES, recording_quality
from queries.results import TIDY_COLUMNS, share_series
from queries.sql import CLIENT_CONTACT_PARAMS, CLIENT_CONTACT_TOOK_PLACE, cell_key, chart_statement
from queries.visible_sql import recorded_statements
from reporting.aggregates.contacts import AGGREGATES
from reporting.load import build_duckdb, load_postgres
from settings import configure, get_settings
from tests.conftest import ENGINES, use_reporting_db

UNTIL = "2024-03"  # data 2022-01 .. 2024-02: the 90- and 14-day deadlines both in force
SCALE = 0.02
SEED = 7

# --- The event-level reference SQL (the charts' SQL before the aggregates) ----------

_WAIT = "c.contact_date - c.assessment_date"
_ACCESS_VISITS = (
    ACCESS_TYPE_VISIT + " AND c.assessment_date IS NOT NULL AND c.assessment_date <= c.contact_date"
)
_LEGAL = f"{_WAIT} <= CAST(t.value AS INTEGER) - CASE WHEN t.comparison = '<' THEN 1 ELSE 0 END"
_DEADLINE_JOIN = """
JOIN targets t
  ON t.indicator_id = 'lakisaateinen-maaraaika-perusterveydenhuolto'
 AND t.kind = 'legal_deadline'
 AND c.contact_date BETWEEN t.valid_from AND COALESCE(t.valid_to, DATE '9999-12-31')
 AND c.age BETWEEN t.age_min AND t.age_max
"""


def _count(name: str, condition: str | None = None) -> str:
    n = "COUNT(*)" if condition is None else f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"
    return f"{n} AS {name}, {cell_key('c.record_key', condition)} AS {name}_key"


def _bucket(first: int, last: int | None) -> str:
    return f"{_WAIT} >= {first}" + ("" if last is None else f" AND {_WAIT} <= {last}")


def _select(counts: list[str], where: str, join: str = "") -> str:
    # Constant fragments of this module only.
    head = "SELECT {period} AS period, " + ", ".join(counts)  # noqa: S608
    return head + " FROM client_contacts c " + join + " WHERE " + where + " {filters} GROUP BY 1"


# chart id -> (event SQL, params, [(series map, denominator)]). Every catalog chart that
# reads a contact aggregate has its entry here and in CHARTS below (checked by
# test_every_chart_over_the_contact_aggregates_is_compared).
REFERENCE = {
    "hoitotakuu-7vrk": (
        _select([_count("visits"), _count("within_days", f"{_WAIT} <= 7")], _ACCESS_VISITS),
        ACCESS_PARAMS,
        [({"within_days": "within_days"}, "visits")],
    ),
    "hoitotakuu-lakisaateinen": (
        _select([_count("visits"), _count("within", _LEGAL)], _ACCESS_VISITS, _DEADLINE_JOIN),
        ACCESS_PARAMS,
        [({"within_deadline": "within"}, "visits")],
    ),
    "odotusaikajakauma": (
        _select(
            [_count("visits")]
            + [_count(f"b{i}", _bucket(*bucket)) for i, bucket in enumerate(WAIT_BUCKETS)],
            _ACCESS_VISITS,
        ),
        ACCESS_PARAMS,
        [({key: f"b{i}" for i, key in enumerate(BUCKET_KEYS)}, "visits")],
    ),
    "kirjaamisen-laatu": (
        _select(
            [
                _count("access", ACCESS_TYPE_VISIT),
                _count("assessed", ACCESS_TYPE_VISIT + " AND c.assessment_date IS NOT NULL"),
                _count("contacts"),
                _count("valid", "c.contact_type IN :known"),
            ],
            "1 = 1",
        ),
        {**ACCESS_PARAMS, "known": list(KNOWN_CONTACT_TYPES)},
        [
            ({"assessment_recorded": "assessed"}, "access"),
            ({"valid_contact_type": "valid"}, "contacts"),
        ],
    ),
    "digiasiointi-osuus": (
        _select(
            [
                _count("contacts"),
                _count("remote", "c.contact_type IN :remote"),
                _count("realtime", "c.contact_type IN :realtime"),
                _count("asynchronous", "c.contact_type IN :asynchronous"),
            ],
            CLIENT_CONTACT_TOOK_PLACE,
        ),
        {
            **CLIENT_CONTACT_PARAMS,
            "remote": list(codes.REMOTE),
            "realtime": list(codes.REMOTE_REALTIME),
            "asynchronous": list(codes.REMOTE_ASYNC),
        },
        [
            (
                {"remote": "remote", "realtime": "realtime", "asynchronous": "asynchronous"},
                "contacts",
            )
        ],
    ),
    "sahkoinen-ajanvaraus-osuus": (
        _select(
            [_count("booked"), _count("electronic", "c.booked_via = :electronic")],
            CLIENT_CONTACT_TOOK_PLACE + " AND c.booked_via IS NOT NULL",
        ),
        {**CLIENT_CONTACT_PARAMS, "electronic": ELECTRONIC_BOOKING},
        [({"electronic": "electronic"}, "booked")],
    ),
}

CHARTS = {
    "hoitotakuu-7vrk": lambda f: access_within_days(f, 7),
    "hoitotakuu-lakisaateinen": access_within_legal_deadline,
    "odotusaikajakauma": waiting_time_distribution,
    "kirjaamisen-laatu": recording_quality,
    "digiasiointi-osuus": remote_share,
    "sahkoinen-ajanvaraus-osuus": electronic_booking_share,
}


def reference_frame(chart_id: str, filters: Filters) -> pd.DataFrame:
    """The chart's exact tidy frame from the event rows."""
    sql, params, parts = REFERENCE[chart_id]
    stmt, bound = chart_statement(
        sql, filters, date_column="c.contact_date", unit_column="c.unit_id", params=params
    )
    rows = fetch_frame(stmt, bound)
    frames = [share_series(rows, filters, series, den) for series, den in parts]
    return pd.concat(frames, ignore_index=True).reindex(columns=TIDY_COLUMNS)


# --- The demo on both engines --------------------------------------------------------


@pytest.fixture(scope="module")
def demo_urls(tmp_path_factory, request) -> dict[str, str]:
    """name -> URL of the same small demo on DuckDB and (when selected) PostgreSQL."""
    path = tmp_path_factory.mktemp("aggdemo") / "reporting.duckdb"
    build_duckdb(path, scale=SCALE, until=UNTIL, seed=SEED)
    urls = {"duckdb": f"duckdb:///{path}"}
    return urls


@pytest.fixture(params=ENGINES)
def demo_db(request, demo_urls):
    if request.param not in demo_urls:
        url = request.getfixturevalue("postgres_database_factory")()
        load_postgres(url, scale=SCALE, until=UNTIL, seed=SEED)
        demo_urls[request.param] = url
    original = get_settings()
    use_reporting_db(demo_urls[request.param])
    with dash_app.server.app_context():
        yield demo_urls[request.param]
    dispose_engines()
    configure(original)


def _unit_ids(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT unit_id FROM units ORDER BY 1")).scalars())
    finally:
        engine.dispose()


def _filter_sets(url: str) -> list[Filters]:
    first, second = _unit_ids(url)[:2]
    return [
        Filters(start="2022-01"),  # every month of the data, open end
        Filters(start="2023-07", end="2023-10", units=(first,)),  # 90 -> 14 days inside
        Filters(start="2022-01", end="2024-02", grain="quarter", units=(first, second)),
        Filters(start="2022-01", end="2024-02", grain="year"),
        Filters(start="2024-02", end="2024-06"),  # runs past the data's end
    ]


@pytest.mark.parametrize("chart_id", sorted(CHARTS))
def test_chart_frames_from_aggregates_equal_event_sql(demo_db, chart_id):
    """Each chart's frame from the aggregates equals the event-level SQL, also after protection."""
    for filters in _filter_sets(demo_db):
        cache.clear()
        expected = reference_frame(chart_id, filters)
        got = CHARTS[chart_id](filters).reindex(columns=TIDY_COLUMNS)
        assert len(expected) > 0, f"{chart_id} {filters}: the demo has no rows here"
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=f"{chart_id} {filters}")
        # The published numbers follow from counts and keys; compared all the same.
        for minimum in (5, 10):
            pd.testing.assert_frame_equal(
                protect(got, minimum, counts_people=True),
                protect(expected, minimum, counts_people=True),
                check_dtype=False,
            )


def test_every_chart_over_the_contact_aggregates_is_compared(demo_db):
    """A catalog chart whose loader reads a contact aggregate (agg_contact_types and the
    others of reporting.aggregates.contacts) is in REFERENCE and CHARTS, so a new one
    cannot go unchecked against the event rows."""
    tables = {aggregate.table.name for aggregate in AGGREGATES}
    reading = set()
    for chart_id, spec in CATALOG.items():
        cache.clear()  # a cached result would run no SQL
        with recorded_statements() as sent:
            spec.load(effective_filters(spec, Filters(start="2022-01")))
        if any(table in statement for statement, _params in sent for table in tables):
            reading.add(chart_id)
    assert sorted(reading) == sorted(REFERENCE) == sorted(CHARTS)


def test_aggregates_are_small_and_sum_to_the_events(demo_db):
    """Every aggregate has far fewer rows than contacts; contact types count each contact once."""
    engine = sa.create_engine(demo_db)
    try:
        with engine.connect() as conn:
            contacts = conn.execute(sa.text("SELECT COUNT(*) FROM client_contacts")).scalar()
            for aggregate in AGGREGATES:
                name, table = aggregate.table.name, aggregate.table
                rows, total = conn.execute(sa.select(sa.func.count(), sa.func.sum(table.c.n))).one()
                # Months x units x a few classes: far fewer rows than contacts.
                assert 0 < rows < contacts / 10, name
                if name == "agg_contact_types":
                    assert total == contacts  # every contact row, once
    finally:
        engine.dispose()


def test_within_days_inside_a_waiting_class_is_refused(demo_db):
    """A within-days limit that splits a waiting-time class raises ValueError."""
    # 10 days falls inside the 8-14 class: the aggregate cannot say which visits waited
    # 8-10 days, and the query says so instead of answering wrongly.
    with pytest.raises(ValueError, match="splits a waiting-time class"):
        access_within_days(Filters(start="2022-01"), 10)
