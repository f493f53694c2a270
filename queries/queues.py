"""Queues (jonot), backlog and oral-health waiting times from ``queue_entries``,
read from its aggregates (``reporting.aggregates.queues``).

Queue length at a date d = entries with ``entered_date <= d`` and (``exit_date`` NULL or
``> d``); backlog = those of them that have waited longer than the legal deadline in
force at d for their age (docs/indicators.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame, get_engine
from queries.filters import MONTHS_PER_GRAIN, SERVICES, Filters
from queries.periods import period_start
from queries.reference import data_window
from queries.results import TIDY_COLUMNS, empty_frame, on_every_period
from queries.sql import MONTHLY_AGGREGATE, QUEUE_SNAPSHOTS, cell_key
from reporting.aggregates.queues import ORAL_HEALTH_DEADLINE, SERVICE_DEADLINES, WAIT_CLASS_DAYS

__all__ = [
    "ORAL_HEALTH_DEADLINE",
    "SERVICE_DEADLINES",
    "oral_health_waiting_days",
    "queue_snapshots",
]

_FREQ = {"month": "MS", "quarter": "QS", "year": "YS"}

# The queue and backlog of the wanted snapshots, summed over the selected units and
# services (``agg_queue_snapshots``: one row per snapshot day, unit and service, built
# by ``reporting.aggregates``; the legal deadlines are applied there).
_QUEUE_SQL = (
    """
SELECT {period} AS period,
       CAST(SUM(a.queue) AS BIGINT) AS queue,
       """
    + cell_key("a.queue_key")
    + """ AS queue_key,
       CAST(SUM(a.backlog) AS BIGINT) AS backlog,
       """
    + cell_key("a.backlog_key")
    + """ AS backlog_key
FROM agg_queue_snapshots a
WHERE a.snapshot IN :snapshots AND a.service IN :services
{filters}
GROUP BY 1
ORDER BY 1
"""
)


def _last_day(filters: Filters) -> date:
    """The last day shown: the filter's end, capped at the data's last date (or today)."""
    last = filters.end_date_exclusive - timedelta(days=1)
    return min(last, data_window()[1])


def _snapshots(periods: pd.DatetimeIndex, grain: str, last_day: date) -> list[date]:
    """The snapshot day of each period (its start in ``periods``): the period's last
    day, or ``last_day`` when that comes first."""
    step = pd.DateOffset(months=MONTHS_PER_GRAIN[grain])
    return [min((start + step).date() - timedelta(days=1), last_day) for start in periods]


@cache.memoize()
def queue_snapshots(filters: Filters) -> pd.DataFrame:
    """Queue length and backlog at the end of each period, as the tidy chart frame.

    Series (counts of queue entries, i.e. people): ``queue`` = entries open at the
    snapshot (the period's last day, or the last day shown if earlier), ``backlog`` =
    those of them that had waited longer than the legal deadline in force at the
    snapshot for their age at entry (``SERVICE_DEADLINES``; waiting days = snapshot -
    entered_date). Quarter and year snapshots are taken at their own last day, not
    averaged from months. The service filter (``Filters.services``, default every
    service) and the unit filter apply. Periods with no open entry are 0 (also when no
    entry is open at any snapshot of the range). Exact, with cell keys (an
    entry open at several snapshots counts in each with its one record key).
    """
    last_day = _last_day(filters)
    if last_day < filters.start_date:
        return empty_frame()
    first_period = period_start(filters.start_date, filters.grain)
    last_period = period_start(last_day, filters.grain)
    freq = _FREQ[filters.grain]
    periods = pd.date_range(first_period, last_period, freq=freq)
    stmt, params = QUEUE_SNAPSHOTS.statement(
        _QUEUE_SQL,
        filters,
        params={
            "snapshots": _snapshots(periods, filters.grain, last_day),
            "services": list(filters.services or SERVICES),
        },
    )
    # No early return when no entry is open anywhere: every snapshot is present (0
    # where none is open), so the frame's shape never tells 0 from a small count.
    rows = fetch_frame(stmt, params)
    indexed = rows.assign(period=pd.to_datetime(rows["period"])).set_index("period")
    parts = []
    for key in ("queue", "backlog"):
        values = indexed[key].astype(float).reindex(periods, fill_value=0.0)
        keys = indexed[f"{key}_key"].astype(float).reindex(periods, fill_value=0.0)
        part = pd.DataFrame(
            {
                "period": periods,
                "series": key,
                "value": values.to_numpy(),
                "value_key": keys.to_numpy(),
                "suppressed": False,
            }
        )
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True).reindex(columns=TIDY_COLUMNS)
    return frame.sort_values(["series", "period"], kind="stable").reset_index(drop=True)


# Percentiles from the waiting-time distribution (``agg_oral_health_waits``: treated
# oral-health entries per exit month, unit and wait in days), the same interpolated
# percentile as percentile_cont over the entries, in each engine's fastest form
# (measured: docs/performance.md). DuckDB: its own percentile_cont over the
# distribution expanded back to one row per entry (generate_series(1, entries); the
# key sum counted once per aggregate row, at i = 1).
_ORAL_WAIT_EXPANDED_SQL = (
    """
SELECT {period} AS period,
       COUNT(*) AS entries,
       """
    + cell_key("a.entries_key", "g.i = 1")
    + """ AS entries_key,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY a.wait_days) AS median_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY a.wait_days) AS p90_days
FROM agg_oral_health_waits a, generate_series(1, a.entries) AS g(i)
WHERE a.entries > 0
{filters}
GROUP BY 1
ORDER BY 1
"""
)

# PostgreSQL: a set-returning function per row is slow there, so percentile_cont's
# interpolation is computed from cumulative counts. With m = entries - 1 (the last
# 0-based rank), the p-th percentile lies at position p * m between the waits at ranks
# floor(p * m) and ceil(p * m); the wait at rank r is the least wait whose cumulative
# count ("upto") exceeds r. In whole numbers: the median at m / 2, between ranks
# r1 = m div 2 and r2 = (m + 1) div 2 with fraction (m mod 2) / 2; the 90th percentile
# at 9m / 10, between ranks r3 = 9m div 10 and r4 = (9m + 9) div 10 with fraction
# (9m mod 10) / 10 (PostgreSQL's integer division; exact, and integer sums stay fast).
# Two levels keep the rows read small at any scale: the cumulative counts of the
# waiting-time classes (agg_oral_health_wait_classes) tell which class holds each rank
# and how many entries come before it; only those classes' exact waits are then read
# (agg_oral_health_waits, by month and wait through its index; :months = the grain's
# length) and counted on from there.
_ORAL_WAIT_CUMULATIVE_SQL = """
WITH classes AS (
    SELECT {period} AS period, a.wait_from AS wait_from,
           CAST(SUM(a.entries) AS INTEGER) AS n,
           CAST(SUM(a.entries_key) % 1048576 AS INTEGER) AS k
    FROM agg_oral_health_wait_classes a
    WHERE a.entries > 0
    {filters}
    GROUP BY 1, 2
),
cumulative AS (
    SELECT period, wait_from,
           SUM(n) OVER (PARTITION BY period ORDER BY wait_from) - n AS before,
           SUM(n) OVER (PARTITION BY period ORDER BY wait_from) AS upto,
           SUM(n) OVER (PARTITION BY period) - 1 AS m,
           SUM(k) OVER (PARTITION BY period) AS k
    FROM classes
),
ranked AS (
    SELECT c.*, m / 2 AS r1, (m + 1) / 2 AS r2, 9 * m / 10 AS r3, (9 * m + 9) / 10 AS r4
    FROM cumulative c
),
holding AS (
    SELECT period, CAST(period + :months * INTERVAL '1 month' AS DATE) AS period_end,
           wait_from, before
    FROM ranked
    WHERE (before <= r1 AND upto > r1) OR (before <= r2 AND upto > r2)
       OR (before <= r3 AND upto > r3) OR (before <= r4 AND upto > r4)
),
waits AS (
    SELECT h.period, a.wait_days,
           h.before + SUM(SUM(CAST(a.entries AS INTEGER)))
               OVER (PARTITION BY h.period, h.wait_from ORDER BY a.wait_days) AS upto
    FROM holding h
    JOIN agg_oral_health_waits a
      ON a.month >= h.period AND a.month < h.period_end
     AND a.wait_days >= h.wait_from AND a.wait_days < h.wait_from + {class_days}
    WHERE a.entries > 0
    {filters}
    GROUP BY h.period, h.wait_from, h.before, a.wait_days
),
neighbours AS (
    SELECT p.period, p.m, p.k,
           MIN(CASE WHEN w.upto > p.r1 THEN w.wait_days END) AS median_lo,
           MIN(CASE WHEN w.upto > p.r2 THEN w.wait_days END) AS median_hi,
           MIN(CASE WHEN w.upto > p.r3 THEN w.wait_days END) AS p90_lo,
           MIN(CASE WHEN w.upto > p.r4 THEN w.wait_days END) AS p90_hi
    FROM (SELECT DISTINCT period, m, k, r1, r2, r3, r4 FROM ranked) p
    JOIN waits w ON w.period = p.period
    GROUP BY p.period, p.m, p.k
)
SELECT period,
       m + 1 AS entries,
       CAST(k % 1048576 AS BIGINT) AS entries_key,
       CAST(median_lo + (median_hi - median_lo) * (m % 2) / 2.0 AS DOUBLE PRECISION)
           AS median_days,
       CAST(p90_lo + (p90_hi - p90_lo) * (9 * m % 10) / 10.0 AS DOUBLE PRECISION) AS p90_days
FROM neighbours
ORDER BY period
""".replace("{class_days}", str(WAIT_CLASS_DAYS))
_ORAL_WAIT_SQL = {"duckdb": _ORAL_WAIT_EXPANDED_SQL, "postgresql": _ORAL_WAIT_CUMULATIVE_SQL}


@cache.memoize()
def oral_health_waiting_days(filters: Filters) -> pd.DataFrame:
    """Waiting time to non-urgent oral-health care in days: median and 90th percentile.

    Oral-health queue entries (``service = 'oral_health'``) that left the queue treated
    (``exit_reason = 'treated'``), by the period of their exit date; waiting time =
    exit_date - entered_date in whole days. Percentiles are interpolated
    (``percentile_cont``) and recomputed from the entries at every grain. Returns the
    tidy chart frame with series ``median`` and ``p90`` (value in days, one decimal;
    ``denominator`` = the treated entries it rests on, with ``denominator_key``;
    ``numerator`` empty: these are not shares). Exact: ``queries.privacy.protect``
    withholds a percentile whose entries are published as 0 (fewer than the minimum,
    rounded down). Every period of the filter is present (0 entries where none).
    """
    stmt, params = MONTHLY_AGGREGATE.statement(
        _ORAL_WAIT_SQL.get(get_engine().dialect.name, _ORAL_WAIT_CUMULATIVE_SQL),
        filters,
        params={"months": MONTHS_PER_GRAIN[filters.grain]},
    )
    # Every period of the filter is present: one without treated entries has 0
    # entries and no percentile (withheld when published), so a missing period never
    # tells "exactly 0 people" apart from "fewer than m" (``on_every_period``).
    rows = on_every_period(fetch_frame(stmt, params), filters)
    if rows.empty:
        return empty_frame()
    entries = rows["entries"].astype(float).fillna(0.0)
    entries_key = rows["entries_key"].astype(float).fillna(0.0)
    parts = []
    for key, column in (("median", "median_days"), ("p90", "p90_days")):
        part = pd.DataFrame(
            {
                "period": rows.index,
                "series": key,
                "value": rows[column].astype(float).round(1).to_numpy(),
                "denominator": entries.to_numpy(),
                "denominator_key": entries_key.to_numpy(),
                "suppressed": False,
            }
        )
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True).reindex(columns=TIDY_COLUMNS)
    return frame.sort_values(["series", "period"], kind="stable").reset_index(drop=True)
