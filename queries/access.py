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
    MONTHLY_AGGREGATE,
    aggregate_count,
)

# THL's access-type visits: non-urgent first visits of outpatient curative care (T11,
# SH) that are client contacts that took place (recording quality counts these too).
# THL's access statistics count those preceded by a recorded care-need assessment
# (assessment date <= visit date). The aggregate ``agg_access_visits``
# (``reporting.aggregates.contacts``) is built with this condition; the charts read it.
ACCESS_TYPE_VISIT = (
    """
    c.service_form = :service_form AND c.nature = :nature
    AND NOT c.urgent AND c.first_visit
    AND """
    + CLIENT_CONTACT_TOOK_PLACE
    + """
"""
)

ACCESS_PARAMS = {
    "service_form": codes.ACCESS_SERVICE_FORM,
    "nature": codes.ACCESS_NATURE,
    **CLIENT_CONTACT_PARAMS,
}

# The access visits of THL's statistics are the aggregate's rows with a waiting class
# (an assessment recorded on or before the visit date).
_ACCESS_VISITS = """
FROM agg_access_visits a
WHERE a.wait_class IS NOT NULL{filters}
GROUP BY 1
ORDER BY 1
"""

# A row of the aggregate is within d days when its longest wait is; it has waits on both
# sides of d only when d falls inside a waiting class (never at a class's last day).
_WITHIN_DAYS_SQL = (
    """
SELECT {period} AS period,
       """
    + aggregate_count("visits")
    + """,
       """
    + aggregate_count("within_days", "a.wait_max <= :days")
    + """,
       SUM(CASE WHEN a.wait_min <= :days AND a.wait_max > :days THEN 1 ELSE 0 END)
         AS split_rows"""
    + _ACCESS_VISITS
)


@cache.memoize()
def access_within_days(filters: Filters, days: int = 7) -> pd.DataFrame:
    """Share of THL access visits realised within ``days`` of the care-need assessment.

    Waiting time = visit date - assessment date in whole days; "within 7 days" means
    0..7 days. Returns the exact tidy chart frame (``queries.results``, with cell keys)
    with one series, ``within_days``: numerator = visits within ``days``, denominator =
    all access visits, value in %. Reads ``agg_access_visits``, which keeps waits by
    ``WAIT_BUCKETS`` class: ``days`` must be a class's last day (7, 14, 90, 180) or lie
    beyond the longest wait of the visits asked for; otherwise ValueError.
    """
    stmt, params = MONTHLY_AGGREGATE.statement(
        _WITHIN_DAYS_SQL,
        filters,
        params={"days": int(days)},
    )
    rows = fetch_frame(stmt, params)
    if (rows["split_rows"] > 0).any():
        raise ValueError(f"within {days} days splits a waiting-time class {WAIT_BUCKETS}")
    return share_series(rows, filters, {"within_days": "within_days"}, "visits")


# --- Legal deadline (hoitotakuu-lakisaateinen) -------------------------------------

PRIMARY_CARE_DEADLINE = "lakisaateinen-maaraaika-perusterveydenhuolto"

# Each visit is compared, when the aggregate is built, with the deadline row of
# PRIMARY_CARE_DEADLINE in force on its visit date for the patient's age (targets.csv
# holds the history; a correction is a data change and needs a refresh, which the
# loaders run). Visits for which no deadline row is in force (within_deadline NULL)
# drop out of numerator and denominator alike: "within the legal deadline" is undefined
# for them.
_WITHIN_DEADLINE_SQL = (
    """
SELECT {period} AS period,
       """
    + aggregate_count("visits")
    + """,
       """
    + aggregate_count("within_deadline", "a.within_deadline")
    + """
FROM agg_access_visits a
WHERE a.within_deadline IS NOT NULL{filters}
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
    force, value in %. The comparison is made when ``agg_access_visits`` is built, for
    ``PRIMARY_CARE_DEADLINE`` only: another ``deadline_indicator`` raises ValueError.
    """
    if deadline_indicator != PRIMARY_CARE_DEADLINE:
        raise ValueError(f"agg_access_visits holds {PRIMARY_CARE_DEADLINE} only")
    stmt, params = MONTHLY_AGGREGATE.statement(
        _WITHIN_DEADLINE_SQL,
        filters,
    )
    rows = fetch_frame(stmt, params)
    return share_series(rows, filters, {"within_deadline": "within_deadline"}, "visits")


# --- Waiting-time distribution (odotusaikajakauma) ---------------------------------

# Waiting-time classes in days, (first, last) inclusive; None = open-ended. THL's exact
# classes are unconfirmed (domain brief), so they live here and nowhere else. They must
# start at 0 and be contiguous so that they partition every access visit; the chart's
# series keys and the catalog texts follow them (``bucket_key``). The aggregate
# ``agg_access_visits`` stores each visit's class: a change needs a refresh.
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

# One count column per class, b0, b1, ... (class indexes are constants, not input).
_DISTRIBUTION_SQL = (
    """
SELECT {period} AS period,
       """
    + aggregate_count("visits")
    + "".join(
        ",\n       " + aggregate_count(f"b{index}", f"a.wait_class = {index}")
        for index in range(len(WAIT_BUCKETS))
    )
    + _ACCESS_VISITS
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
    stmt, params = MONTHLY_AGGREGATE.statement(
        _DISTRIBUTION_SQL,
        filters,
    )
    rows = fetch_frame(stmt, params)
    series = {key: f"b{index}" for index, key in enumerate(BUCKET_KEYS)}
    return share_series(rows, filters, series, "visits")


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
