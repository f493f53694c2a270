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
    start, end = covered_days(filters, last_day, first_day)
    first = period_start(start, filters.grain)
    return pd.date_range(first, period_start(end, filters.grain), freq=_FREQ[filters.grain])


def year_earlier(period: pd.Timestamp) -> pd.Timestamp:
    """The same period one year earlier."""
    return period - pd.DateOffset(years=1)


def period_end(period: pd.Timestamp, grain: str) -> pd.Timestamp:
    """Last day of the ``grain`` period that starts on ``period``."""
    months = MONTHS_PER_GRAIN[grain]
    return pd.Timestamp(period) + pd.DateOffset(months=months) - pd.Timedelta(days=1)


def covered_days(
    filters: Filters, last_day: date | None, first_day: date | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day that both the chosen months and the data cover.

    ``first_day``/``last_day`` are the data's first and last day (None: not limited).
    """
    first = pd.Timestamp(filters.start_date)
    if first_day is not None:
        first = max(first, pd.Timestamp(first_day))
    last = pd.Timestamp(filters.end_date_exclusive) - pd.Timedelta(days=1)
    if last_day is not None:
        last = min(last, pd.Timestamp(last_day))
    return first, last


def _whole(frame: pd.DataFrame, filters: Filters, last_day, first_day) -> pd.Series:
    """Per row: is the row's whole period inside ``covered_days``, and not marked as
    covered only in part by its own data (the tidy frame's ``partial`` column)?"""
    first, last = covered_days(filters, last_day, first_day)
    starts = pd.to_datetime(frame["period"])
    ends = starts.map(lambda period: period_end(period, filters.grain))
    whole = (starts >= first) & (ends <= last)
    if "partial" in frame.columns:
        whole &= ~frame["partial"].eq(True)  # missing (NaN) = not marked
    return whole


def complete_periods(
    frame: pd.DataFrame, filters: Filters, last_day: date | None, first_day: date | None = None
) -> pd.DataFrame:
    """The rows of a tidy frame whose whole period lies inside the filter's months and
    inside the data's ``first_day`` .. ``last_day`` (None: not limited).

    One rule for every kind of chart. A period covered only in part — by the data's
    first and last day, by the chosen months, or by the chart's own data (``partial``:
    reported months that do not fill a quarter or year) — is left out:
    counted events would look like a drop; a share reported per month would be
    labelled as the whole quarter or year from some of its months; a stock (queue
    length) is the snapshot at its period's last day, which the data does not reach
    yet. So a quarter or year in progress, or one cut by the chosen months (e.g. from
    2/2024 at year grain), never becomes the latest value, nor a year-earlier value.
    """
    if frame.empty:
        return frame
    return frame[_whole(frame, filters, last_day, first_day)].reset_index(drop=True)


def incomplete_periods(
    frame: pd.DataFrame, filters: Filters, last_day: date | None, first_day: date | None = None
) -> list[pd.Timestamp]:
    """The period starts, in order, that ``complete_periods`` leaves out of ``frame``."""
    if frame.empty:
        return []
    left_out = frame.loc[~_whole(frame, filters, last_day, first_day), "period"]
    return sorted({pd.Timestamp(period) for period in left_out})
