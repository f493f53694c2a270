"""Monthly aggregates of ``client_contacts``: what the contact charts read.

Three tables, each a count ``n`` (INTEGER) and the cell-key sum ``key_sum`` (BIGINT,
the sum of the counted rows' ``record_key`` mod 2**20, ``queries.privacy``) per month
(``month``: DATE, the first day) and unit (``unit_id``) and a few coded or derived
columns:

- ``agg_access_visits``: the access-type visits (``queries.access.ACCESS_TYPE_VISIT``:
  T11, SH, non-urgent, first visit, a client contact that took place) by ``assessed``
  (a care-need assessment date is recorded), ``wait_class`` (index into
  ``queries.access.WAIT_BUCKETS`` of the wait = visit date − assessment date in days;
  NULL when no assessment is recorded or it is dated after the visit: such visits are
  not in THL's access statistics), ``within_deadline`` (the wait is within the legal
  deadline in force on the visit date for the patient's age, from the ``targets`` rows
  of ``queries.access.PRIMARY_CARE_DEADLINE``; NULL when ``wait_class`` is NULL or no
  deadline is in force) and ``wait_min``/``wait_max`` (the shortest and longest wait
  in days of the row's visits, so "within d days" is exact whenever no row has waits on
  both sides of d, e.g. at any class end). About 4 k rows on the demo.
- ``agg_contact_types``: every contact row by ``contact_type`` (the raw code, recording
  errors included) and ``cancelled``. About 14 k rows on the demo.
- ``agg_bookings``: client contacts that took place (``queries.sql.CLIENT_CONTACT_TOOK_PLACE``)
  by ``booked_electronically`` (``booked_via = 'electronic'``; NULL when ``booked_via``
  is not recorded). About 2 k rows on the demo.

Fixed when the tables are built (a change needs ``python -m reporting
refresh-aggregates``; the loaders run it): the code sets of ``queries.codes`` behind
"access-type visit" and "took place", ``WAIT_BUCKETS``, ``ELECTRONIC_BOOKING`` and the
legal deadlines of ``targets``. The contract (``docs/reporting-contract.md``) lets a
county provide these tables as views of the same names and columns instead.
"""

from __future__ import annotations

import sqlalchemy as sa

from queries.access import ACCESS_PARAMS, ACCESS_TYPE_VISIT, PRIMARY_CARE_DEADLINE, WAIT_BUCKETS
from queries.digital import ELECTRONIC_BOOKING
from queries.sql import CLIENT_CONTACT_PARAMS, CLIENT_CONTACT_TOOK_PLACE, period_expr
from reporting.aggregates.base import Aggregate, metadata

# Chart filters are month ranges and unit lists (queries.filters).
_INDEXES = (("month",), ("unit_id", "month"))


def _table(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("unit_id", sa.String(32), nullable=False),
        *columns,
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("key_sum", sa.BigInteger, nullable=False),
    )


access_visits = _table(
    "agg_access_visits",
    sa.Column("assessed", sa.Boolean, nullable=False),
    sa.Column("wait_class", sa.SmallInteger),
    sa.Column("within_deadline", sa.Boolean),
    sa.Column("wait_min", sa.Integer),
    sa.Column("wait_max", sa.Integer),
)
contact_types = _table(
    "agg_contact_types",
    sa.Column("contact_type", sa.String(3), nullable=False),
    sa.Column("cancelled", sa.Boolean, nullable=False),
)
bookings = _table("agg_bookings", sa.Column("booked_electronically", sa.Boolean))

_MONTH = period_expr("month", "c.contact_date")
_COUNTS = "CAST(COUNT(*) AS INTEGER), CAST(SUM(c.record_key) % 1048576 AS BIGINT)"


def _wait_class_sql() -> tuple[str, dict[str, int]]:
    """``CASE`` giving the ``WAIT_BUCKETS`` index of ``wait`` (a whole number >= 0)."""
    whens, params = [], {}
    # The classes are contiguous from 0 (checked in queries.access): the first class
    # whose last day is not exceeded is the wait's class.
    for index, (_first, last) in enumerate(WAIT_BUCKETS):
        if last is None:
            whens.append(f"ELSE {index}")
        else:
            params[f"b{index}_last"] = last
            whens.append(f"WHEN wait <= :b{index}_last THEN {index}")
    return "CASE " + " ".join(whens) + " END", params


def _access_visits() -> Aggregate:
    wait_class, class_params = _wait_class_sql()
    # One visit per row of v; the deadline row in force on the visit date for the age
    # joins at most once (targets rows do not overlap; tests check the shipped file).
    # Deadlines are whole days: "<= value" (or "< value" for comparison "<").
    sql = f"""
SELECT month, unit_id, assessed,
       CAST(CASE WHEN wait >= 0 THEN {wait_class} END AS SMALLINT) AS wait_class,
       CASE WHEN wait >= 0 THEN within_deadline END AS within_deadline,
       CAST(MIN(wait) FILTER (WHERE wait >= 0) AS INTEGER),
       CAST(MAX(wait) FILTER (WHERE wait >= 0) AS INTEGER),
       CAST(COUNT(*) AS INTEGER), CAST(SUM(record_key) % 1048576 AS BIGINT)
FROM (
    SELECT {_MONTH} AS month, c.unit_id, c.record_key,
           c.assessment_date IS NOT NULL AS assessed,
           c.contact_date - c.assessment_date AS wait,
           c.contact_date - c.assessment_date
             <= CAST(t.value AS INTEGER) - CASE WHEN t.comparison = '<' THEN 1 ELSE 0 END
             AS within_deadline
    FROM client_contacts c
    LEFT JOIN targets t
      ON t.indicator_id = :deadline_indicator AND t.kind = 'legal_deadline'
     AND c.contact_date BETWEEN t.valid_from AND COALESCE(t.valid_to, DATE '9999-12-31')
     AND c.age BETWEEN t.age_min AND t.age_max
    WHERE {ACCESS_TYPE_VISIT}
) v
GROUP BY 1, 2, 3, 4, 5"""  # noqa: S608 (constant fragments; values are bound)
    params = {**ACCESS_PARAMS, **class_params, "deadline_indicator": PRIMARY_CARE_DEADLINE}
    return Aggregate(access_visits, sql, params, _INDEXES)


def _contact_types() -> Aggregate:
    sql = f"""
SELECT {_MONTH}, c.unit_id, c.contact_type, c.cancelled, {_COUNTS}
FROM client_contacts c
GROUP BY 1, 2, 3, 4"""  # noqa: S608 (constant fragments; values are bound)
    return Aggregate(contact_types, sql, {}, _INDEXES)


def _bookings() -> Aggregate:
    sql = f"""
SELECT {_MONTH}, c.unit_id, c.booked_via = :electronic, {_COUNTS}
FROM client_contacts c
WHERE {CLIENT_CONTACT_TOOK_PLACE}
GROUP BY 1, 2, 3"""  # noqa: S608 (constant fragments; values are bound)
    params = {**CLIENT_CONTACT_PARAMS, "electronic": ELECTRONIC_BOOKING}
    return Aggregate(bookings, sql, params, _INDEXES)


AGGREGATES: tuple[Aggregate, ...] = (_access_visits(), _contact_types(), _bookings())
