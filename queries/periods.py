"""Period arithmetic shared by the queries and the chart summaries."""

from __future__ import annotations

from datetime import date

import pandas as pd

from queries.filters import MONTHS_PER_GRAIN, Filters

_FREQ = {"month": "MS", "quarter": "QS", "year": "YS"}


def period_start(day: date | pd.Timestamp, grain: str) -> pd.Timestamp:
    """First day of the ``grain`` period that contains ``day``."""
    stamp = pd.Timestamp(day)
    if grain == "year":
        return pd.Timestamp(stamp.year, 1, 1)
    if grain == "quarter":
        return pd.Timestamp(stamp.year, 3 * ((stamp.month - 1) // 3) + 1, 1)
    return pd.Timestamp(stamp.year, stamp.month, 1)


def periods_between(
    filters: Filters, last_day: date | None, first_day: date | None = None
) -> pd.DatetimeIndex:
    """Every period start from the filter's start to its end, within the data's
    ``first_day`` .. ``last_day`` (before and after those there is no data, not zero)."""
    end = pd.Timestamp(filters.end_date_exclusive) - pd.Timedelta(days=1)
    if last_day is not None:
        end = min(end, pd.Timestamp(last_day))
    start = pd.Timestamp(filters.start_date)
    if first_day is not None:
        start = max(start, pd.Timestamp(first_day))
    first = period_start(start, filters.grain)
    return pd.date_range(first, period_start(end, filters.grain), freq=_FREQ[filters.grain])


def year_earlier(period: pd.Timestamp) -> pd.Timestamp:
    """The same period one year earlier."""
    return period - pd.DateOffset(years=1)


def period_end(period: pd.Timestamp, grain: str) -> pd.Timestamp:
    """Last day of the ``grain`` period that starts on ``period``."""
    months = MONTHS_PER_GRAIN[grain]
    return pd.Timestamp(period) + pd.DateOffset(months=months) - pd.Timedelta(days=1)


def complete_periods(frame: pd.DataFrame, filters: Filters, last_day: date | None) -> pd.DataFrame:
    """The rows of a tidy frame whose whole period lies inside the filter's months and
    ends on or before the data's ``last_day``.

    A quarter or year covered only in part — by the data or by the chosen months (e.g.
    from 2/2024 at year grain) — would look like a drop in a count chart and mislabel
    a share, so such periods are left out.
    """
    if frame.empty:
        return frame
    last = pd.Timestamp(filters.end_date_exclusive) - pd.Timedelta(days=1)
    if last_day is not None:
        last = min(last, pd.Timestamp(last_day))
    starts = pd.to_datetime(frame["period"])
    ends = starts.map(lambda period: period_end(period, filters.grain))
    inside = (starts >= pd.Timestamp(filters.start_date)) & (ends <= last)
    return frame[inside].reset_index(drop=True)
