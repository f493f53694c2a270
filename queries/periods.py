"""Period arithmetic shared by the queries and the chart summaries."""

from __future__ import annotations

from datetime import date

import pandas as pd

from queries.filters import Filters

_FREQ = {"month": "MS", "quarter": "QS", "year": "YS"}


def period_start(day: date | pd.Timestamp, grain: str) -> pd.Timestamp:
    """First day of the ``grain`` period that contains ``day``."""
    stamp = pd.Timestamp(day)
    if grain == "year":
        return pd.Timestamp(stamp.year, 1, 1)
    if grain == "quarter":
        return pd.Timestamp(stamp.year, 3 * ((stamp.month - 1) // 3) + 1, 1)
    return pd.Timestamp(stamp.year, stamp.month, 1)


def periods_between(filters: Filters, last_day: date | None) -> pd.DatetimeIndex:
    """Every period start from the filter's start to its end, capped at ``last_day``."""
    end = pd.Timestamp(filters.end_date_exclusive) - pd.Timedelta(days=1)
    if last_day is not None:
        end = min(end, pd.Timestamp(last_day))
    first = period_start(filters.start_date, filters.grain)
    return pd.date_range(first, period_start(end, filters.grain), freq=_FREQ[filters.grain])


def year_earlier(period: pd.Timestamp) -> pd.Timestamp:
    """The same period one year earlier."""
    return period - pd.DateOffset(years=1)


def period_end(period: pd.Timestamp, grain: str) -> pd.Timestamp:
    """Last day of the ``grain`` period that starts on ``period``."""
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    return pd.Timestamp(period) + pd.DateOffset(months=months) - pd.Timedelta(days=1)


def complete_periods(frame: pd.DataFrame, grain: str, last_day: date | None) -> pd.DataFrame:
    """The rows of a tidy frame whose period ends on or before ``last_day``.

    A quarter or year that the data covers only in part would look like a drop in a
    count chart (and a half month likewise), so such periods are left out.
    """
    if last_day is None or frame.empty:
        return frame
    ends = pd.to_datetime(frame["period"]).map(lambda period: period_end(period, grain))
    return frame[ends <= pd.Timestamp(last_day)].reset_index(drop=True)
