"""Indicators the county reports only as totals (the ``indicator_values`` table)."""

from __future__ import annotations

import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import MONTHS_PER_GRAIN, Filters
from queries.privacy import KEY_RANGE
from queries.results import TIDY_COLUMNS, share_values
from queries.sql import COUNTY_VALUES, cell_key

# Months each stored row covers: a display period is whole only when its stored rows
# add up to all its months (three reported months of a year are not the year).
_MONTHS_COVERED = (
    "SUM(CASE v.period_grain WHEN 'month' THEN 1 WHEN 'quarter' THEN 3 "
    "WHEN 'year' THEN 12 ELSE 0 END) AS months"
)
# One key per stored row: a display period's figures are keyed by the sum of the keys
# of the rows summed into it (the same rows make numerator, denominator and value).
_ROWS_KEY = cell_key("v.record_key") + " AS rows_key, COUNT(*) AS stored_rows"
# A stored row's numerator is another set of people than its denominator, so it gets
# another key: the row key k mapped by k -> (3k + 524287) mod 2**20 (odd multiplier: a
# bijection, so still uniform). Summed over N rows that is 3·K + 524287·N mod 2**20.
_NUMERATOR_KEY_FACTOR, _NUMERATOR_KEY_SHIFT = 3, 524287


def numerator_key(rows: pd.DataFrame) -> pd.Series:
    """The numerator's cell key of each display period (see ``_NUMERATOR_KEY_FACTOR``)
    from its ``rows_key`` and ``stored_rows``: every reader of the ``numerator`` column
    (a share, a count of it, the data API's rows) uses it, so the same people get the
    same published number wherever they are served."""
    key = _NUMERATOR_KEY_FACTOR * rows["rows_key"].astype("int64")
    key = key + _NUMERATOR_KEY_SHIFT * rows["stored_rows"].astype("int64")
    return key.mod(KEY_RANGE).astype(float)


def _per_period(columns: str) -> str:
    """A template selecting ``columns`` per display period of one indicator and region
    of ``indicator_values``, with the months its rows cover and their key sum (every
    reader of the table shares this tail)."""
    return (
        """
SELECT {period} AS period,
       """
        + columns
        + """,
       """
        + _MONTHS_COVERED
        + """,
       """
        + _ROWS_KEY
        + """
FROM indicator_values v
WHERE v.indicator_id = :indicator_id AND v.region_code = :region_code
{filters}
GROUP BY 1
ORDER BY 1
"""
    )


# Totals are re-aggregated to a coarser grain by summing numerators and denominators;
# at a finer grain than stored, each stored period stays one point.
_SHARE_SQL = _per_period("SUM(v.numerator) AS numerator,\n       SUM(v.denominator) AS denominator")


def _partial(rows: pd.DataFrame, filters: Filters) -> pd.Series:
    """Per display period: do its stored rows cover fewer months than the period has?
    (A stored period longer than the display grain covers it whole.)"""
    return rows["months"].astype(float) < MONTHS_PER_GRAIN[filters.grain]


@cache.memoize()
def reported_share(filters: Filters, indicator_id: str, region_code: str) -> pd.DataFrame:
    """A reported share (%) for one region, as the exact tidy chart frame with series
    ``share``.

    ``value`` = 100 * sum(numerator) / sum(denominator) over the stored periods inside
    each display period; ``denominator_key`` = the sum of the stored rows' record keys
    mod 2**20, ``numerator_key`` the sum of a bijection of them (the numerator is
    another set of people). Whether the counts are people is the chart's
    (``ChartSpec.counts_people``). The unit filter does not apply: these figures are
    county totals. ``partial`` marks display periods that the stored periods fill only
    in part.
    """
    stmt, params = COUNTY_VALUES.statement(
        _SHARE_SQL,
        filters,
        params={"indicator_id": indicator_id, "region_code": region_code},
    )
    rows = fetch_frame(stmt, params)
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(rows["period"]),
            "series": "share",
            "value": share_values(rows["numerator"], rows["denominator"]),
            "numerator": rows["numerator"].astype(float),
            "denominator": rows["denominator"].astype(float),
            "partial": _partial(rows, filters),
            "numerator_key": numerator_key(rows),
            "denominator_key": rows["rows_key"].astype(float),
            "suppressed": False,
        }
    )
    return frame.reindex(columns=TIDY_COLUMNS)


# One template per summable column (a whitelist: the column name is never user input).
_COUNT_SQL = {
    column: _per_period(f"SUM(v.{column}) AS total")
    for column in ("value", "numerator", "denominator")
}


@cache.memoize()
def reported_count(
    filters: Filters,
    indicator_id: str,
    region_code: str,
    column: str = "value",
    series: str = "value",
) -> pd.DataFrame:
    """A reported count for one region, as the exact tidy chart frame with one series.

    ``value`` = the sum of ``column`` (``value``, ``numerator`` or ``denominator`` of
    ``indicator_values``) over the stored periods that start inside each display
    period; ``numerator``/``denominator`` of the frame are NaN. ``series`` names the
    series key. At the stored grain or coarser the stored figures are summed (four
    quarters make a year). At a finer grain than stored nothing is spread out: a
    yearly figure stays one point per year, at the first month (or quarter) of its
    year, and the other periods are absent, not 0. A period whose stored figures are
    all NULL has a missing value. A stored period counts when it starts inside the
    filter's range (a yearly figure needs the range to include January).
    ``value_key`` is the sum of the stored rows' record keys mod 2**20 (of the
    ``numerator`` column: mapped as the numerator's, ``numerator_key``); whether the
    count is people is the chart's (``ChartSpec.counts_people``, ``exact_series``).
    The unit filter does not apply: these figures are county totals. ``partial``
    marks display periods that the stored periods fill only in part (reported months
    that do not fill a quarter).
    """
    if column not in _COUNT_SQL:
        raise ValueError(f"unknown indicator_values column {column!r}")
    # The numerator's people get the numerator's key, as in ``reported_share`` and the
    # data API (``queries.figure_values``): one count, one published number.
    numerator = column == "numerator"
    return _one_series(_COUNT_SQL[column], filters, indicator_id, region_code, series, numerator)


def _one_series(
    sql: str,
    filters: Filters,
    indicator_id: str,
    region_code: str,
    series: str,
    numerator: bool = False,
) -> pd.DataFrame:
    """The tidy frame of one series from a template selecting ``total``, ``months``,
    ``rows_key`` per display period (``reported_count``, ``reported_mean``); its
    ``value_key`` is the numerator's (``numerator_key``) when ``numerator``."""
    stmt, params = COUNTY_VALUES.statement(
        sql,
        filters,
        params={"indicator_id": indicator_id, "region_code": region_code},
    )
    rows = fetch_frame(stmt, params)
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(rows["period"]),
            "series": series,
            "value": rows["total"].astype(float),
            "partial": _partial(rows, filters),
            "value_key": numerator_key(rows) if numerator else rows["rows_key"].astype(float),
            "suppressed": False,
        }
    )
    return frame.reindex(columns=TIDY_COLUMNS)


# A level (days to an appointment, a rate) is not additive: a display period gets the
# mean of the stored values that start inside it. AVG skips NULL (not reported) values;
# a period whose values are all NULL has a missing value.
_MEAN_SQL = _per_period("AVG(v.value) AS total")


@cache.memoize()
def reported_mean(
    filters: Filters, indicator_id: str, region_code: str, series: str = "value"
) -> pd.DataFrame:
    """A reported level that is not a count (days, a rate) for one region, as the
    exact tidy chart frame with one series.

    ``value`` = the mean of the stored ``value`` over the stored periods that start
    inside each display period (NULL values skipped; all NULL: missing), so three
    reported months of 12, 9 and 6 days make a quarter of 9 days, not 27. Unweighted:
    each stored period counts once, whatever the volume behind it. At the stored grain
    the stored figure is the value; at a finer grain a stored quarter or year stays one
    point at its first month. ``numerator``/``denominator`` are NaN and ``value_key`` is
    the sum of the stored rows' record keys mod 2**20, as in ``reported_count``; such a
    level is not a count of people (``ChartSpec.counts_people=False``: published as
    stated). The unit filter does not apply (county totals). ``partial`` marks display
    periods that the stored periods fill only in part.
    """
    return _one_series(_MEAN_SQL, filters, indicator_id, region_code, series)
