"""Small SQL building blocks shared by the chart queries.

Chart SQL is written as one constant template with two markers: ``{period}`` (the
period start at the filter's grain) and ``{filters}`` (the period and unit conditions).
``chart_statement`` fills them from whitelisted fragments; every value that comes from
a user travels as a bound parameter. The same text runs on DuckDB and PostgreSQL.

The named fragments: ``client_contact_took_place`` (with ``CLIENT_CONTACT_PARAMS``) is
"a client contact that took place"; the ``Bindings`` constants (``MONTHLY_AGGREGATE``,
``MONTHLY_REFERRALS``, ``QUEUE_SNAPSHOTS``, ``COUNTY_VALUES``) say where a table keeps
the date and the unit that the filters bind, so a query names its table's bindings
instead of spelling the columns out. ``python -m queries sql <chart-id>`` prints the
statements they make (``queries.visible_sql``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from queries import codes
from queries.filters import GRAINS, Filters


# "A client contact that took place": the one definition every contact query uses
# (docs/indicators.md, "Client contacts"). The contact was not cancelled and its
# contact type (Avohilmo yhteystapa) is a client contact of the national set: in person
# (R10, R20, R30, R40, R41) or remote (R52, R56, legacy R50, R51, R55). The non-client
# codes R60, R71, R72 are out, and so is any other code: a recording error, which is
# not known to be a client contact and is measured by kirjaamisen-laatu instead. Bind
# ``CLIENT_CONTACT_PARAMS`` with it.
def client_contact_took_place(alias: str) -> str:
    """The condition on a table aliased ``alias`` with ``cancelled`` and
    ``contact_type`` columns (``client_contacts`` or ``agg_contact_types``)."""
    _check_identifier(alias)
    return f"NOT {alias}.cancelled AND {alias}.contact_type IN :client_contact"


CLIENT_CONTACT_PARAMS = {"client_contact": list(codes.CLIENT_CONTACT)}


def cell_key(key_column: str, condition: str | None = None) -> str:
    """SQL for the cell key of a count: the sum of ``key_column`` (a record key) over the
    rows counted — those where ``condition`` holds, or every row of the group — mod
    2**20, as BIGINT on DuckDB and PostgreSQL alike (``queries.privacy``). Write it
    beside the count, ``AS <count>_key``."""
    _check_identifier(key_column)
    inner = key_column
    if condition is not None:
        inner = f"CASE WHEN {condition} THEN {key_column} ELSE 0 END"
    return f"CAST(SUM({inner}) % 1048576 AS BIGINT)"


def aggregate_count(name: str, condition: str | None = None) -> str:
    """SQL columns ``name`` and ``name_key`` over the rows of an aggregate table
    (``reporting.aggregates``) aliased ``a``: the sum of ``a.n`` over the rows where
    ``condition`` holds (every row when None) as BIGINT, and its cell key from the rows'
    ``a.key_sum`` (``cell_key``: the same key as the event rows counted would give)."""
    _check_identifier(name)
    n = "a.n" if condition is None else f"CASE WHEN {condition} THEN a.n ELSE 0 END"
    key = cell_key("a.key_sum", condition)
    return f"CAST(SUM({n}) AS BIGINT) AS {name},\n       {key} AS {name}_key"


# The period's first day as DATE on both engines. The column is cast to TIMESTAMP first:
# on PostgreSQL, date_trunc of a DATE goes through timestamptz (time-zone arithmetic
# per row, about twice the cost); the plain timestamp gives the same day (measured:
# docs/performance.md).
_PERIOD_SQL = {
    grain: "CAST(date_trunc('" + grain + "', CAST({col} AS TIMESTAMP)) AS DATE)" for grain in GRAINS
}


def _check_identifier(column: str) -> str:
    if not column.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"bad column name {column!r}")
    return column


# On ``client_contacts`` aliased ``c``.
CLIENT_CONTACT_TOOK_PLACE = client_contact_took_place("c")


def period_expr(grain: str, column: str) -> str:
    """SQL for the first day of the ``grain`` period of ``column`` (grain is whitelisted)."""
    if grain not in _PERIOD_SQL:
        raise ValueError(f"unknown grain {grain!r}")
    return _PERIOD_SQL[grain].replace("{col}", _check_identifier(column))


def filter_clause(filters: Filters, date_column: str, unit_column: str | None) -> str:
    """``AND ...`` conditions for the period and (when given) the unit filter."""
    date_column = _check_identifier(date_column)
    clause = " AND " + date_column + " >= :start_date AND " + date_column + " < :end_date"
    if unit_column and filters.units:
        clause += " AND " + _check_identifier(unit_column) + " IN :units"
    return clause


def filter_params(filters: Filters) -> dict[str, Any]:
    """Bound parameters matching ``filter_clause``."""
    params: dict[str, Any] = {
        "start_date": filters.start_date,
        "end_date": filters.end_date_exclusive,
    }
    if filters.units:
        params["units"] = list(filters.units)
    return params


def statement(sql: str, *expanding: str) -> sa.TextClause:
    """A ``text()`` statement whose named list parameters expand to ``IN (...)``."""
    stmt = sa.text(sql)
    if expanding:
        stmt = stmt.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
    return stmt


def chart_statement(
    template: str,
    filters: Filters,
    *,
    date_column: str,
    unit_column: str | None,
    params: dict[str, Any] | None = None,
    month_starts: bool = False,
) -> tuple[sa.TextClause, dict[str, Any]]:
    """Fill ``{period}`` and ``{filters}`` in ``template``; return statement and params.

    Any list-valued parameter (and the unit list) is bound as an expanding ``IN`` list.
    ``month_starts``: ``date_column`` holds first days of months (an aggregate's
    ``month``), so at month grain it is the period itself — no ``date_trunc`` per row,
    which is the costliest part of an aggregate query on PostgreSQL.
    """
    if month_starts and filters.grain == "month":
        period = _check_identifier(date_column)
    else:
        period = period_expr(filters.grain, date_column)
    sql = template.replace("{period}", period).replace(
        "{filters}", filter_clause(filters, date_column, unit_column)
    )
    all_params = {**(params or {}), **filter_params(filters)}
    if not (unit_column and filters.units):
        all_params.pop("units", None)
    expanding = [name for name, value in all_params.items() if isinstance(value, list | tuple)]
    return statement(sql, *expanding), all_params


@dataclass(frozen=True)
class Bindings:
    """Where a table (by its alias in the template) keeps what the filters bind: the
    date the period conditions and ``{period}`` read, the unit the unit filter reads
    (None: county totals, the unit filter does not apply) and whether the dates are
    first days of months (``chart_statement``'s ``month_starts``)."""

    date_column: str
    unit_column: str | None
    month_starts: bool = False

    def statement(
        self, template: str, filters: Filters, params: dict[str, Any] | None = None
    ) -> tuple[sa.TextClause, dict[str, Any]]:
        """``chart_statement`` of ``template`` with these bindings."""
        return chart_statement(
            template,
            filters,
            date_column=self.date_column,
            unit_column=self.unit_column,
            params=params,
            month_starts=self.month_starts,
        )


# The monthly aggregates of reporting.aggregates aliased ``a``: ``month`` (first days)
# and the unit whose events they count.
MONTHLY_AGGREGATE = Bindings("a.month", "a.unit_id", month_starts=True)
# agg_referrals aliased ``a``: the unit filter is on the referring unit.
MONTHLY_REFERRALS = Bindings("a.month", "a.source_unit_id", month_starts=True)
# agg_queue_snapshots aliased ``a``: one row per snapshot day and unit.
QUEUE_SNAPSHOTS = Bindings("a.snapshot", "a.unit_id")
# indicator_values aliased ``v``: figures the county reports for itself, no units.
COUNTY_VALUES = Bindings("v.period_start", None)
