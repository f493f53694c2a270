"""Queues (jonot), backlog and oral-health waiting times from ``queue_entries``.

Queue length at a date d = entries with ``entered_date <= d`` and (``exit_date`` NULL or
``> d``); backlog = those of them that have waited longer than the legal deadline in
force at d for their age (docs/indicators.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from queries.access import PRIMARY_CARE_DEADLINE
from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import SERVICES, Filters
from queries.periods import period_start
from queries.reference import data_window
from queries.results import TIDY_COLUMNS, empty_frame
from queries.sql import cell_key, chart_statement

ORAL_HEALTH_DEADLINE = "lakisaateinen-maaraaika-suun-terveydenhuolto"

# Which legal deadline (targets.indicator_id) a queue is measured against. The care
# guarantee of the Health Care Act § 51 has its own rows for oral health; mental health,
# substance abuse and family-centre queues are primary-care services and use the
# primary-care deadline (a choice documented in docs/indicators.md).
SERVICE_DEADLINES = {
    "oral_health": ORAL_HEALTH_DEADLINE,
    "primary_care": PRIMARY_CARE_DEADLINE,
    "mental_health": PRIMARY_CARE_DEADLINE,
    "substance_abuse": PRIMARY_CARE_DEADLINE,
    "family_centre": PRIMARY_CARE_DEADLINE,
}

# Step of the snapshot calendar per grain (a bound parameter cast to INTERVAL).
_STEP = {"month": "1 month", "quarter": "3 months", "year": "1 year"}

# One snapshot per period: its last day, or the last day shown (the filter's end or the
# data's last date) when that comes first, so an incomplete period is not measured at a
# date the data does not reach. The calendar is generate_series over timestamps, which
# DuckDB and PostgreSQL both have; each open entry is joined to the deadline row in
# force at the snapshot for its age (LEFT JOIN: an entry with no deadline row still
# counts in the queue, never in the backlog).
_OVERDUE = (
    "s.snapshot - q.entered_date > t.value"
    " OR (t.comparison = '<' AND s.snapshot - q.entered_date = t.value)"
)
_QUEUE_SQL = (
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
    .replace("{backlog_key}", cell_key("q.record_key", _OVERDUE))
    .replace("{overdue}", _OVERDUE)
)


def _last_day(filters: Filters) -> date:
    """The last day shown: the filter's end, capped at the data's last date (or today)."""
    last = filters.end_date_exclusive - timedelta(days=1)
    return min(last, data_window()[1])


@cache.memoize()
def queue_snapshots(filters: Filters) -> pd.DataFrame:
    """Queue length and backlog at the end of each period, as the tidy chart frame.

    Series (counts of queue entries, i.e. people): ``queue`` = entries open at the
    snapshot (the period's last day, or the last day shown if earlier), ``backlog`` =
    those of them that had waited longer than the legal deadline in force at the
    snapshot for their age at entry (``SERVICE_DEADLINES``; waiting days = snapshot -
    entered_date). Quarter and year snapshots are taken at their own last day, not
    averaged from months. The service filter (``Filters.services``, default every
    service) and the unit filter apply. Periods with no open entry are 0; when no entry
    is open at any snapshot of the range the frame is empty. Exact, with cell keys (an
    entry open at several snapshots counts in each with its one record key).
    """
    last_day = _last_day(filters)
    if last_day < filters.start_date:
        return empty_frame()
    oral = [s for s, deadline in SERVICE_DEADLINES.items() if deadline == ORAL_HEALTH_DEADLINE]
    first_period = period_start(filters.start_date, filters.grain)
    last_period = period_start(last_day, filters.grain)
    stmt, params = chart_statement(
        _QUEUE_SQL,
        filters,
        date_column="s.snapshot",
        unit_column="q.unit_id",
        params={
            "step": _STEP[filters.grain],
            "first_period": first_period.date(),
            "last_period": last_period.date(),
            "last_day": last_day,
            "services": list(filters.services or SERVICES),
            "oral_services": oral,
            "oral_deadline": ORAL_HEALTH_DEADLINE,
            "primary_deadline": PRIMARY_CARE_DEADLINE,
        },
    )
    rows = fetch_frame(stmt, params)
    if rows.empty:
        return empty_frame()
    freq = {"month": "MS", "quarter": "QS", "year": "YS"}[filters.grain]
    periods = pd.date_range(first_period, last_period, freq=freq)
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


_ORAL_WAIT_SQL = (
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
    rounded down). Periods with none are absent.
    """
    stmt, params = chart_statement(
        _ORAL_WAIT_SQL,
        filters,
        date_column="q.exit_date",
        unit_column="q.unit_id",
        params={"service": "oral_health", "exit_reason": "treated"},
    )
    rows = fetch_frame(stmt, params)
    if rows.empty:
        return empty_frame()
    parts = []
    for key, column in (("median", "median_days"), ("p90", "p90_days")):
        part = pd.DataFrame(
            {
                "period": pd.to_datetime(rows["period"]),
                "series": key,
                "value": rows[column].astype(float).round(1),
                "denominator": rows["entries"].astype(float),
                "denominator_key": rows["entries_key"].astype(float),
                "suppressed": False,
            }
        )
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True).reindex(columns=TIDY_COLUMNS)
    return frame.sort_values(["series", "period"], kind="stable").reset_index(drop=True)
