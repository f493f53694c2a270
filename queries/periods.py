"""Period arithmetic shared by the queries and the chart summaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from queries.filters import MONTHS_PER_GRAIN, Filters

_FREQ = {"month": "MS", "quarter": "QS", "year": "YS"}


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def clamp_to_data(filters: Filters, first_day: date | None, last_day: date) -> Filters:
    """``filters`` with the chosen months cut to the months the data has, so that every
    spelling of the same view is one cache key (``from=2000-01`` and ``from=2022-01``
    show the same data when it starts in 1/2022; so do ``to=2099-12`` and ``to=`` the
    data's last month).

    A start before the data's first month becomes that month; an end after the data's
    last month becomes that month (an open end stays open: the two are the same view
    today, but not after the next load). A range wholly outside the data becomes one
    canonical empty range: the month before the data (or, after it, the month after).
    """
    start, end = filters.start, filters.end
    last = _month(last_day)
    if first_day is not None:
        first = _month(first_day)
        if end is not None and end < first:
            before = str(pd.Period(first_day, freq="M") - 1)
            return replace(filters, start=before, end=before)
        start = max(start, first)
    if start > last:
        after = str(pd.Period(last_day, freq="M") + 1)
        return replace(filters, start=after, end=None)
    if end is not None and end > last:
        end = last
    return replace(filters, start=start, end=end)


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
