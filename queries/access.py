"""Access to care (hoitoonpääsy) following THL's definition (docs/indicators.md)."""

from __future__ import annotations

import pandas as pd

from queries import codes
from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.indicator_values import reported_share
from queries.reference import county_code
from queries.results import share_series
from queries.sql import (
    CLIENT_CONTACT_PARAMS,
    CLIENT_CONTACT_TOOK_PLACE,
    cell_key,
    chart_statement,
)

# THL's access-type visits: non-urgent first visits of outpatient curative care (T11,
# SH) that are client contacts that took place (recording quality counts these too) ...
ACCESS_TYPE_VISIT = (
    """
    c.service_form = :service_form AND c.nature = :nature
    AND NOT c.urgent AND c.first_visit
    AND """
    + CLIENT_CONTACT_TOOK_PLACE
    + """
"""
)
# ... and the visits THL's access statistics count: those preceded by a recorded
# care-need assessment.
ACCESS_VISITS_WHERE = (
    ACCESS_TYPE_VISIT
    + """    AND c.assessment_date IS NOT NULL AND c.assessment_date <= c.contact_date
"""
)

ACCESS_PARAMS = {
    "service_form": codes.ACCESS_SERVICE_FORM,
    "nature": codes.ACCESS_NATURE,
    **CLIENT_CONTACT_PARAMS,
}

_WITHIN_DAYS = "c.contact_date - c.assessment_date <= :days"
_WITHIN_DAYS_SQL = (
    """
SELECT {period} AS period,
       COUNT(*) AS visits,
       """
    + cell_key("c.record_key")
    + """ AS visits_key,
       SUM(CASE WHEN """
    + _WITHIN_DAYS
    + """ THEN 1 ELSE 0 END) AS within_days,
       """
    + cell_key("c.record_key", _WITHIN_DAYS)
    + """ AS within_days_key
FROM client_contacts c
WHERE """
    + ACCESS_VISITS_WHERE
    + """{filters}
GROUP BY 1
ORDER BY 1
"""
)


@cache.memoize()
def access_within_days(filters: Filters, days: int = 7) -> pd.DataFrame:
    """Share of THL access visits realised within ``days`` of the care-need assessment.

    Waiting time = visit date - assessment date in whole days; "within 7 days" means
    0..7 days. Returns the exact tidy chart frame (``queries.results``, with cell keys)
    with one series, ``within_days``: numerator = visits within ``days``, denominator =
    all access visits, value in %.
    """
    stmt, params = chart_statement(
        _WITHIN_DAYS_SQL,
        filters,
        date_column="c.contact_date",
        unit_column="c.unit_id",
        params={**ACCESS_PARAMS, "days": int(days)},
    )
    return share_series(fetch_frame(stmt, params), {"within_days": "within_days"}, "visits")


# --- Legal deadline (hoitotakuu-lakisaateinen) -------------------------------------

PRIMARY_CARE_DEADLINE = "lakisaateinen-maaraaika-perusterveydenhuolto"

# Each visit is joined to the deadline row in force on its visit date for the patient's
# age (targets.csv holds the history; a correction is a data change). Visits for which
# no deadline row is in force drop out of numerator and denominator alike: "within the
# legal deadline" is undefined for them. The targets rows must not overlap for any date
# and age (tests check the shipped file), or a visit would be counted twice. Deadlines
# are whole days: "<= value" (or "< value" for a row whose comparison is "<") is compared
# as integers, and COALESCE instead of "valid_to IS NULL OR ..." keeps the join
# conditions plain ranges (about 15 % faster on DuckDB).
_WITHIN_DEADLINE = (
    "c.contact_date - c.assessment_date"
    " <= CAST(t.value AS INTEGER) - CASE WHEN t.comparison = '<' THEN 1 ELSE 0 END"
)
_WITHIN_DEADLINE_SQL = (
    """
SELECT {period} AS period,
       COUNT(*) AS visits,
       """
    + cell_key("c.record_key")
    + """ AS visits_key,
       SUM(CASE WHEN """
    + _WITHIN_DEADLINE
    + """ THEN 1 ELSE 0 END) AS within_deadline,
       """
    + cell_key("c.record_key", _WITHIN_DEADLINE)
    + """ AS within_deadline_key
FROM client_contacts c
JOIN targets t
  ON t.indicator_id = :deadline_indicator AND t.kind = 'legal_deadline'
 AND c.contact_date BETWEEN t.valid_from AND COALESCE(t.valid_to, DATE '9999-12-31')
 AND c.age BETWEEN t.age_min AND t.age_max
WHERE """
    + ACCESS_VISITS_WHERE
    + """{filters}
GROUP BY 1
ORDER BY 1
"""
)


@cache.memoize()
def access_within_legal_deadline(
    filters: Filters, deadline_indicator: str = PRIMARY_CARE_DEADLINE
) -> pd.DataFrame:
    """Share of THL access visits realised within the legal deadline, %.

    Same visits as ``access_within_days``. Each visit is compared with the deadline
    (``targets`` rows of ``deadline_indicator``, kind ``legal_deadline``, value in
    days) in force on its visit date for the patient's age on that date: 90 days until
    31.8.2023, 14 days from 1.9.2023, and from 1.1.2025 90 days at age >= 23 and 14
    days under 23. A wait equal to the deadline is within it (comparison ``<=``).
    Returns the tidy chart frame with one series, ``within_deadline``: numerator =
    visits within their deadline, denominator = access visits with a deadline in
    force, value in %.
    """
    stmt, params = chart_statement(
        _WITHIN_DEADLINE_SQL,
        filters,
        date_column="c.contact_date",
        unit_column="c.unit_id",
        params={**ACCESS_PARAMS, "deadline_indicator": deadline_indicator},
    )
    rows = fetch_frame(stmt, params)
    return share_series(rows, {"within_deadline": "within_deadline"}, "visits")


# --- Waiting-time distribution (odotusaikajakauma) ---------------------------------

# Waiting-time classes in days, (first, last) inclusive; None = open-ended. THL's exact
# classes are unconfirmed (domain brief), so they live here and nowhere else. They must
# start at 0 and be contiguous so that they partition every access visit; the chart's
# series keys and the catalog texts follow them (``bucket_key``).
WAIT_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 7),
    (8, 14),
    (15, 90),
    (91, 180),
    (181, None),
)


def bucket_key(first: int, last: int | None) -> str:
    """Series key of one waiting-time class: ``days_0_7`` ... ``days_over_180``."""
    return f"days_over_{first - 1}" if last is None else f"days_{first}_{last}"


def _check_buckets(buckets: tuple[tuple[int, int | None], ...]) -> None:
    expected_first = 0
    for index, (first, last) in enumerate(buckets):
        if first != expected_first:
            raise ValueError(f"waiting-time classes must be contiguous from 0: {buckets}")
        if last is None:
            if index != len(buckets) - 1:
                raise ValueError("only the last waiting-time class may be open-ended")
            return
        if last < first:
            raise ValueError(f"bad waiting-time class {(first, last)}")
        expected_first = last + 1
    raise ValueError("the last waiting-time class must be open-ended")


_check_buckets(WAIT_BUCKETS)
BUCKET_KEYS = tuple(bucket_key(first, last) for first, last in WAIT_BUCKETS)


def _bucket_columns(buckets: tuple[tuple[int, int | None], ...]) -> tuple[str, dict]:
    """SQL count columns ``b0, b1, ...`` (and their keys ``b0_key`` ...) for the
    classes, with their bound limits."""
    columns = []
    params: dict[str, int] = {}
    for index, (first, last) in enumerate(buckets):
        params[f"b{index}_first"] = first
        condition = f"c.contact_date - c.assessment_date >= :b{index}_first"
        if last is not None:
            params[f"b{index}_last"] = last
            condition += f" AND c.contact_date - c.assessment_date <= :b{index}_last"
        columns.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS b{index}")
        columns.append(f"{cell_key('c.record_key', condition)} AS b{index}_key")
    return ",\n       ".join(columns), params


_DISTRIBUTION_SQL = (
    """
SELECT {period} AS period,
       COUNT(*) AS visits,
       """
    + cell_key("c.record_key")
    + """ AS visits_key,
       {buckets}
FROM client_contacts c
WHERE """
    + ACCESS_VISITS_WHERE
    + """{filters}
GROUP BY 1
ORDER BY 1
"""
)


@cache.memoize()
def waiting_time_distribution(filters: Filters) -> pd.DataFrame:
    """Access visits by waiting-time class (``WAIT_BUCKETS``), % of the period's visits.

    Same visits and waiting time as ``access_within_days``. Returns the tidy chart
    frame with one series per class (``BUCKET_KEYS``): numerator = visits in the class,
    denominator = all access visits of the period, value in %; exact, with cell keys
    (the classes partition the denominator: published counts keep any difference a
    multiple of the minimum, ``queries.privacy``).
    """
    columns, bucket_params = _bucket_columns(WAIT_BUCKETS)
    stmt, params = chart_statement(
        _DISTRIBUTION_SQL.replace("{buckets}", columns),
        filters,
        date_column="c.contact_date",
        unit_column="c.unit_id",
        params={**ACCESS_PARAMS, **bucket_params},
    )
    rows = fetch_frame(stmt, params)
    series = {key: f"b{index}" for index, key in enumerate(BUCKET_KEYS)}
    return share_series(rows, series, "visits")


# --- Child and family service-need assessments (palvelutarpeen-arviointi-90pv) ----

SERVICE_NEED_ASSESSMENT = "palvelutarpeen-arviointi-90pv"


def service_need_assessments_within_90_days(filters: Filters) -> pd.DataFrame:
    """Child-and-family service-need assessments completed within 90 days, %.

    Reported by the county as monthly totals in ``indicator_values`` (numerator =
    assessments completed within 90 days, denominator = assessments completed), for the
    county's own region code. A coarser grain sums numerators and denominators. Counts
    children and families (the chart protects them). Returns the exact tidy chart frame
    with one series, ``share`` (``queries.indicator_values.reported_share``, memoized).
    The unit filter does not apply: the figures are county totals.
    """
    return reported_share(filters, SERVICE_NEED_ASSESSMENT, county_code())
