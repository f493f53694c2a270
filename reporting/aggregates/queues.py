"""Aggregates of ``queue_entries`` and ``referrals``: what the queue and referral charts read.

- ``agg_queue_snapshots``: the queue and its backlog per snapshot day, unit and
  service (``queries.queues.queue_snapshots``, chart ``jonot``).
- ``agg_oral_health_waits``: treated oral-health queue entries per exit month, unit
  and waiting time in whole days (``queries.queues.oral_health_waiting_days``).
- ``agg_oral_health_wait_classes``: the same entries per exit month, unit and
  ``WAIT_CLASS_DAYS``-day waiting-time class, the coarse level that tells the
  percentile query which few classes' exact waits it must read.
- ``agg_referrals``: referrals per month, referring unit, type and specialty
  (specialties, referring units and the by-specialty and by-unit charts).
- ``agg_referrers``: referrals per month, referring unit, type and referring
  professional, with the professional's key (``queries.referrals.referral_counts``:
  a count of distinct referrers over a quarter or a year is not a sum of monthly
  distinct counts, so the professional stays a column).

Every count comes with its key sum (the sum of the counted records' ``record_key``
mod 2**20, BIGINT, ``queries.sql.cell_key``), so a chart's cell key is the sum of the
rows' key sums mod 2**20: ``cell_key`` over the key column.

Fixed at refresh time (a change of the data needs ``refresh-aggregates``, which the
loader runs): the snapshot calendar (every month's last day from the first queue
entry's month to ``reporting_meta.data_as_of``, and ``data_as_of`` itself; the refresh
day when the load states no ``data_as_of``), the legal deadline each queue is measured
against (``SERVICE_DEADLINES``) and the ``targets`` rows in force at each snapshot.
"""

from __future__ import annotations

import sqlalchemy as sa

from queries.access import PRIMARY_CARE_DEADLINE
from queries.sql import cell_key, period_expr
from reporting.aggregates.base import Aggregate, metadata

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

# An entry open at snapshot s is overdue when its wait s - entered_date exceeds the
# deadline row t in force at s for its age (or reaches it, for a strict '<' deadline).
OVERDUE = (
    "s.snapshot - q.entered_date > t.value"
    " OR (t.comparison = '<' AND s.snapshot - q.entered_date = t.value)"
)


# The deadline of q.service as SQL (one WHEN per service of SERVICE_DEADLINES, values
# bound as parameters; any other service is measured against the primary-care one).
_DEADLINE_OF_SERVICE = (
    "CASE q.service "
    + " ".join(f"WHEN :service_{i} THEN :deadline_{i}" for i in range(len(SERVICE_DEADLINES)))
    + " ELSE :primary_deadline END"
)
_DEADLINE_PARAMS = {
    **{f"service_{i}": service for i, service in enumerate(SERVICE_DEADLINES)},
    **{f"deadline_{i}": deadline for i, deadline in enumerate(SERVICE_DEADLINES.values())},
    "primary_deadline": PRIMARY_CARE_DEADLINE,
}


queue_snapshots = sa.Table(
    "agg_queue_snapshots",
    metadata,
    sa.Column("snapshot", sa.Date, nullable=False),  # the day the queue is measured
    sa.Column("unit_id", sa.String(32), nullable=False),
    sa.Column("service", sa.String(32), nullable=False),
    sa.Column("queue", sa.BigInteger, nullable=False),  # entries open at the snapshot
    sa.Column("queue_key", sa.BigInteger, nullable=False),
    sa.Column("backlog", sa.BigInteger, nullable=False),  # of them, past the deadline
    sa.Column("backlog_key", sa.BigInteger, nullable=False),
)

# The calendar: every month's last day from the first entry's month up to the data's
# last day (reporting_meta.data_as_of, else the refresh day), and that day itself. Each
# open entry is joined to the deadline row in force at the snapshot for its age (LEFT
# JOIN: an entry with no deadline row counts in the queue, never in the backlog).
_QUEUE_SNAPSHOTS_SQL = (
    """
WITH bounds AS (
    SELECT MIN(entered_date) AS first_day,
           COALESCE((SELECT CAST(value AS DATE) FROM reporting_meta WHERE key = 'data_as_of'),
                    CURRENT_DATE) AS last_day
    FROM queue_entries
),
snapshots AS (
    SELECT DISTINCT LEAST(CAST(g.d + INTERVAL '1 month' AS DATE) - 1, b.last_day) AS snapshot
    FROM bounds b,
         generate_series(CAST(date_trunc('month', b.first_day) AS TIMESTAMP),
                         CAST(date_trunc('month', b.last_day) AS TIMESTAMP),
                         INTERVAL '1 month') AS g(d)
)
SELECT s.snapshot AS snapshot,
       q.unit_id AS unit_id,
       q.service AS service,
       COUNT(*) AS queue,
       {record_keys} AS queue_key,
       SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) AS backlog,
       {overdue_keys} AS backlog_key
FROM snapshots s
JOIN queue_entries q
  ON q.entered_date <= s.snapshot
 AND COALESCE(q.exit_date, DATE '9999-12-31') > s.snapshot
LEFT JOIN targets t
  ON t.indicator_id = {deadline_of_service}
 AND t.kind = 'legal_deadline'
 AND s.snapshot BETWEEN t.valid_from AND COALESCE(t.valid_to, DATE '9999-12-31')
 AND q.age BETWEEN t.age_min AND t.age_max
GROUP BY 1, 2, 3
""".replace("{record_keys}", cell_key("q.record_key"))
    .replace("{overdue_keys}", cell_key("q.record_key", OVERDUE))
    .replace("{overdue}", OVERDUE)
    .replace("{deadline_of_service}", _DEADLINE_OF_SERVICE)
)

oral_health_waits = sa.Table(
    "agg_oral_health_waits",
    metadata,
    sa.Column("month", sa.Date, nullable=False),  # first day of the exit month
    sa.Column("unit_id", sa.String(32), nullable=False),
    sa.Column("wait_days", sa.Integer, nullable=False),  # exit_date - entered_date
    sa.Column("entries", sa.BigInteger, nullable=False),
    sa.Column("entries_key", sa.BigInteger, nullable=False),
)

# The treated oral-health entries of both tables below (bind ``_ORAL_HEALTH_PARAMS``).
_TREATED_ORAL_HEALTH = (
    "q.service = :service AND q.exit_reason = :exit_reason AND q.exit_date IS NOT NULL"
)
_ORAL_HEALTH_PARAMS = {"service": "oral_health", "exit_reason": "treated"}

_ORAL_HEALTH_WAITS_SQL = (
    """
SELECT {month} AS month,
       q.unit_id AS unit_id,
       q.exit_date - q.entered_date AS wait_days,
       COUNT(*) AS entries,
       {record_keys} AS entries_key
FROM queue_entries q
WHERE {treated}
GROUP BY 1, 2, 3
""".replace("{month}", period_expr("month", "q.exit_date"))
    .replace("{record_keys}", cell_key("q.record_key"))
    .replace("{treated}", _TREATED_ORAL_HEALTH)
)

# The width of a waiting-time class in days. A class is [wait_from, wait_from + 16):
# a percentile query reads the classes (a few per month and unit, since the waits
# cluster) and then the exact waits of the classes holding its ranks only.
# Measured on the demo: 16 days keeps both reads about equal (3.4 k class rows, 3.4 k
# exact-wait rows for the default view; docs/performance.md).
WAIT_CLASS_DAYS = 16

oral_health_wait_classes = sa.Table(
    "agg_oral_health_wait_classes",
    metadata,
    sa.Column("month", sa.Date, nullable=False),  # first day of the exit month
    sa.Column("unit_id", sa.String(32), nullable=False),
    # The class's first wait in days: wait_days - wait_days % WAIT_CLASS_DAYS.
    sa.Column("wait_from", sa.Integer, nullable=False),
    sa.Column("entries", sa.BigInteger, nullable=False),
    sa.Column("entries_key", sa.BigInteger, nullable=False),
)

_ORAL_HEALTH_WAIT_CLASSES_SQL = (
    """
SELECT {month} AS month,
       q.unit_id AS unit_id,
       (q.exit_date - q.entered_date) - (q.exit_date - q.entered_date) % {class_days}
           AS wait_from,
       COUNT(*) AS entries,
       {record_keys} AS entries_key
FROM queue_entries q
WHERE {treated}
GROUP BY 1, 2, 3
""".replace("{month}", period_expr("month", "q.exit_date"))
    .replace("{record_keys}", cell_key("q.record_key"))
    .replace("{treated}", _TREATED_ORAL_HEALTH)
    .replace("{class_days}", str(WAIT_CLASS_DAYS))
)

referrals = sa.Table(
    "agg_referrals",
    metadata,
    sa.Column("month", sa.Date, nullable=False),  # first day of the referral month
    sa.Column("source_unit_id", sa.String(32), nullable=False),
    sa.Column("referral_type", sa.String(16), nullable=False),
    sa.Column("specialty", sa.String(64)),  # NULL as recorded
    sa.Column("referrals", sa.BigInteger, nullable=False),
    sa.Column("referrals_key", sa.BigInteger, nullable=False),
)

_REFERRALS_SQL = """
SELECT {month} AS month,
       r.source_unit_id AS source_unit_id,
       r.referral_type AS referral_type,
       r.specialty AS specialty,
       COUNT(*) AS referrals,
       {record_keys} AS referrals_key
FROM referrals r
GROUP BY 1, 2, 3, 4
""".replace("{month}", period_expr("month", "r.referral_date")).replace(
    "{record_keys}", cell_key("r.record_key")
)

referrers = sa.Table(
    "agg_referrers",
    metadata,
    sa.Column("month", sa.Date, nullable=False),  # first day of the referral month
    sa.Column("source_unit_id", sa.String(32), nullable=False),
    sa.Column("referral_type", sa.String(16), nullable=False),
    sa.Column("referrer_id", sa.String(32), nullable=False),
    sa.Column("referrer_key", sa.Integer, nullable=False),  # the professional's one key
    sa.Column("referrals", sa.BigInteger, nullable=False),
    sa.Column("referrals_key", sa.BigInteger, nullable=False),
)

_REFERRERS_SQL = """
SELECT {month} AS month,
       r.source_unit_id AS source_unit_id,
       r.referral_type AS referral_type,
       r.referrer_id AS referrer_id,
       MIN(r.referrer_key) AS referrer_key,
       COUNT(*) AS referrals,
       {record_keys} AS referrals_key
FROM referrals r
GROUP BY 1, 2, 3, 4
""".replace("{month}", period_expr("month", "r.referral_date")).replace(
    "{record_keys}", cell_key("r.record_key")
)

AGGREGATES: tuple[Aggregate, ...] = (
    Aggregate(
        queue_snapshots,
        _QUEUE_SNAPSHOTS_SQL,
        params=_DEADLINE_PARAMS,
        indexes=(("snapshot", "unit_id"),),
    ),
    # The exact waits are read per month and class (PostgreSQL's percentile query) or
    # by month range (DuckDB's).
    Aggregate(
        oral_health_waits,
        _ORAL_HEALTH_WAITS_SQL,
        params=_ORAL_HEALTH_PARAMS,
        indexes=(("month", "wait_days"),),
    ),
    Aggregate(
        oral_health_wait_classes,
        _ORAL_HEALTH_WAIT_CLASSES_SQL,
        params=_ORAL_HEALTH_PARAMS,
        indexes=(("month", "unit_id"),),
    ),
    Aggregate(referrals, _REFERRALS_SQL, indexes=(("referral_type", "month", "source_unit_id"),)),
    Aggregate(referrers, _REFERRERS_SQL, indexes=(("referral_type", "month", "source_unit_id"),)),
)
