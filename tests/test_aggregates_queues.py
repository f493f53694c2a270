"""The queue and referral charts read the aggregates (``reporting.aggregates.queues``);
this module proves they return the same chart frames as the event-level SQL they
replaced, on a small generated demo in DuckDB and in PostgreSQL.

The event-level SQL below is the charts' SQL before the aggregates, kept here only as
the reference. Each chart function runs twice on the same database: as it is (on the
aggregates), and with its rows taken from the reference SQL instead (its module's
``fetch_frame`` answers every aggregate statement with the reference rows), so the
same Python turns both into the chart frame. Equal frames, counts and cell keys
included, mean equal published numbers (``queries.privacy`` works on the frame).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

import queries.queues
import queries.referrals
from queries.access import PRIMARY_CARE_DEADLINE
from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import SERVICES, Filters
from queries.periods import period_start
from queries.reference import data_window
from queries.sql import cell_key, chart_statement, statement
from reporting.aggregates.queues import ORAL_HEALTH_DEADLINE, OVERDUE, SERVICE_DEADLINES
from reporting.aggregates.refresh import refresh
from reporting.load import build_duckdb, load_postgres
from settings import configure, get_settings
from tests.conftest import ENGINES, dash_app, use_reporting_db

SCALE = 0.03
UNTIL = "2024-03"  # data end 2024-02-29
SEED = 11

# --- the reference: event-level SQL as it was before the aggregates -----------------

_QUEUE_EVENTS_SQL = (
    """
WITH snapshots AS (
    SELECT LEAST(CAST(g.d + CAST(:step AS INTERVAL) AS DATE) - 1, CAST(:last_day AS DATE))
               AS snapshot
    FROM generate_series(CAST(:first_period AS TIMESTAMP), CAST(:last_period AS TIMESTAMP),
                         CAST(:step AS INTERVAL)) AS g(d)
)
SELECT {period} AS period,
       COUNT(*) AS queue,
       {queue_key} AS queue_key,
       SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) AS backlog,
       {backlog_key} AS backlog_key
FROM snapshots s
JOIN queue_entries q
  ON q.entered_date <= s.snapshot
 AND COALESCE(q.exit_date, DATE '9999-12-31') > s.snapshot
LEFT JOIN targets t
  ON t.indicator_id = CASE WHEN q.service IN :oral_services THEN :oral_deadline
                           ELSE :primary_deadline END
 AND t.kind = 'legal_deadline'
 AND s.snapshot BETWEEN t.valid_from AND COALESCE(t.valid_to, DATE '9999-12-31')
 AND q.age BETWEEN t.age_min AND t.age_max
WHERE q.service IN :services
{filters}
GROUP BY 1
ORDER BY 1
""".replace("{queue_key}", cell_key("q.record_key"))
    .replace("{backlog_key}", cell_key("q.record_key", OVERDUE))
    .replace("{overdue}", OVERDUE)
)

_ORAL_WAIT_EVENTS_SQL = (
    """
SELECT {period} AS period,
       COUNT(*) AS entries,
       """
    + cell_key("q.record_key")
    + """ AS entries_key,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY q.exit_date - q.entered_date) AS median_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY q.exit_date - q.entered_date) AS p90_days
FROM queue_entries q
WHERE q.service = :service AND q.exit_reason = :exit_reason AND q.exit_date IS NOT NULL
{filters}
GROUP BY 1
ORDER BY 1
"""
)

_REFERRALS_EVENTS_SQL = """
SELECT period,
       SUM(n) AS referrals,
       {referrals_key} AS referrals_key,
       COUNT(*) AS referrers,
       {referrers_key} AS referrers_key
FROM (
    SELECT {period} AS period,
           r.referrer_id AS referrer_id,
           MIN(r.referrer_key) AS referrer_key,
           COUNT(*) AS n,
           SUM(r.record_key) AS k
    FROM referrals r
    WHERE r.referral_type = :referral_type
    {filters}
    GROUP BY 1, 2
) per_referrer
GROUP BY period
ORDER BY period
""".replace("{referrals_key}", cell_key("k")).replace("{referrers_key}", cell_key("referrer_key"))

_SPECIALTY_EVENTS_SQL = (
    """
SELECT {period} AS period,
       r.specialty AS specialty,
       COUNT(*) AS referrals,
       """
    + cell_key("r.record_key")
    + """ AS referrals_key
FROM referrals r
WHERE r.referral_type = :referral_type
{filters}
GROUP BY 1, 2
ORDER BY 1, 2
"""
)

_BY_UNIT_EVENTS_SQL = (
    """
SELECT {period} AS period,
       r.source_unit_id AS unit_id,
       MAX(u.name_fi) AS name_fi,
       COUNT(*) AS referrals,
       """
    + cell_key("r.record_key")
    + """ AS referrals_key
FROM referrals r
LEFT JOIN units u ON u.unit_id = r.source_unit_id
WHERE r.referral_type = :referral_type
{filters}
GROUP BY 1, 2
ORDER BY 1, 2
"""
)

_STEP = {"month": "1 month", "quarter": "3 months", "year": "1 year"}


def _queue_rows(filters: Filters, _params: dict) -> pd.DataFrame:
    last_day = min(filters.end_date_exclusive - timedelta(days=1), data_window()[1])
    oral = [s for s, deadline in SERVICE_DEADLINES.items() if deadline == ORAL_HEALTH_DEADLINE]
    stmt, params = chart_statement(
        _QUEUE_EVENTS_SQL,
        filters,
        date_column="s.snapshot",
        unit_column="q.unit_id",
        params={
            "step": _STEP[filters.grain],
            "first_period": period_start(filters.start_date, filters.grain).date(),
            "last_period": period_start(last_day, filters.grain).date(),
            "last_day": last_day,
            "services": list(filters.services or SERVICES),
            "oral_services": oral,
            "oral_deadline": ORAL_HEALTH_DEADLINE,
            "primary_deadline": PRIMARY_CARE_DEADLINE,
        },
    )
    return fetch_frame(stmt, params)


def _event_rows(sql: str, **extra: object) -> Callable[[Filters, dict], pd.DataFrame]:
    def rows(filters: Filters, params: dict) -> pd.DataFrame:
        date_column = "q.exit_date" if "queue_entries" in sql else "r.referral_date"
        unit_column = "q.unit_id" if "queue_entries" in sql else "r.source_unit_id"
        wanted = {name: params[name] for name in ("referral_type",) if name in params}
        stmt, bound = chart_statement(
            sql,
            filters,
            date_column=date_column,
            unit_column=unit_column,
            params={**wanted, **extra},
        )
        return fetch_frame(stmt, bound)

    return rows


def _distinct_rows(sql: str) -> Callable[[Filters, dict], pd.DataFrame]:
    def rows(_filters: Filters, params: dict) -> pd.DataFrame:
        return fetch_frame(statement(sql), params)

    return rows


# Which reference answers which aggregate statement (a marker of its SQL text).
_REFERENCES: dict[str, Callable[[Filters, dict], pd.DataFrame]] = {
    "FROM agg_queue_snapshots": _queue_rows,
    "agg_oral_health_wait": _event_rows(
        _ORAL_WAIT_EVENTS_SQL, service="oral_health", exit_reason="treated"
    ),
    "FROM agg_referrers": _event_rows(_REFERRALS_EVENTS_SQL),
    "a.specialty AS specialty": _event_rows(_SPECIALTY_EVENTS_SQL),
    "LEFT JOIN units u ON u.unit_id = a.source_unit_id": _event_rows(_BY_UNIT_EVENTS_SQL),
    "COALESCE(specialty, :none) AS specialty FROM agg_referrals": _distinct_rows(
        "SELECT DISTINCT COALESCE(specialty, :none) AS specialty FROM referrals"
        " WHERE referral_type = :referral_type"
    ),
    "source_unit_id AS unit_id FROM agg_referrals": _distinct_rows(
        "SELECT DISTINCT source_unit_id AS unit_id FROM referrals"
        " WHERE referral_type = :referral_type"
    ),
}


def _from_events(filters: Filters, monkeypatch: pytest.MonkeyPatch):
    """Make the queue and referral modules read the reference rows for ``filters``."""

    def fetch(stmt: sa.TextClause, params: dict) -> pd.DataFrame:
        sql = str(stmt)
        found = [rows for marker, rows in _REFERENCES.items() if marker in sql]
        assert len(found) == 1, f"no single reference for {sql}"
        return found[0](filters, params)

    for module in (queries.queues, queries.referrals):
        monkeypatch.setattr(module, "fetch_frame", fetch)


# --- the demo databases ----------------------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def demo_db(request, tmp_path_factory) -> Iterator[str]:
    """A small generated demo with its aggregates, in DuckDB or PostgreSQL."""
    if request.param == "duckdb":
        path = tmp_path_factory.mktemp("aggregates") / "demo.duckdb"
        build_duckdb(path, scale=SCALE, until=UNTIL, seed=SEED)
        url = f"duckdb:///{path}"
    else:
        url = request.getfixturevalue("postgres_database_factory")()
        load_postgres(url, scale=SCALE, until=UNTIL, seed=SEED)
    engine = sa.create_engine(url)
    refresh(engine)  # the loaders may run it already: a second refresh is the same
    engine.dispose()
    yield url


@pytest.fixture
def on_demo(demo_db) -> Iterator[None]:
    original = get_settings()
    use_reporting_db(demo_db)
    with dash_app.server.app_context():
        yield
    configure(original)


# Filters on every grain, a range starting and ending inside quarters, one unit and
# one service (unit ids of the demo: reporting.demo.units_frame).
FILTERS = [
    Filters(),
    Filters(grain="quarter"),
    Filters(grain="year"),
    Filters(start="2022-02", end="2023-11", grain="quarter"),
    Filters(start="2023-01", end="2023-06", units=("TA11",), node="TA11"),
    Filters(start="2022-01", grain="quarter", units=("SU01", "TA11", "TA12")),
    Filters(services=("oral_health",)),
    Filters(grain="quarter", services=("mental_health",)),
    Filters(start="2030-01"),  # after the data: empty on both paths
]

CHARTS: dict[str, Callable[[Filters], pd.DataFrame]] = {
    "queue_snapshots": queries.queues.queue_snapshots,
    "oral_health_waiting_days": queries.queues.oral_health_waiting_days,
    "referral_counts_wellbeing": lambda f: queries.referrals.referral_counts(f, "wellbeing"),
    "referral_counts_exercise": lambda f: queries.referrals.referral_counts(f, "exercise"),
    "referral_counts_specialised": lambda f: queries.referrals.referral_counts(f, "specialised"),
    "specialised_by_specialty": queries.referrals.specialised_referrals_by_specialty,
    "by_unit_wellbeing": lambda f: queries.referrals.referral_counts_by_unit(f, "wellbeing"),
    "by_unit_specialised": lambda f: queries.referrals.referral_counts_by_unit(f, "specialised"),
}


@pytest.mark.parametrize("chart", list(CHARTS))
def test_aggregates_give_the_event_level_frames(on_demo, chart, monkeypatch):
    """Queue charts give the same frames from the aggregates as from the events, on real data."""
    load = CHARTS[chart]
    compared = 0
    for filters in FILTERS:
        cache.clear()
        from_aggregates = load(filters)
        cache.clear()
        with monkeypatch.context() as patch:
            _from_events(filters, patch)
            from_events = load(filters)
        pd.testing.assert_frame_equal(from_aggregates, from_events, obj=f"{chart} {filters}")
        compared += len(from_events)
    # The demo has data for these charts: the comparison is not between empty frames.
    assert compared > 100
