"""Turning aggregate rows into the tidy frames every chart query returns.

The tidy chart frame has one row per period and series:
``period`` (Timestamp, first day of the period), ``series`` (str key, translated in the
UI), ``value`` (float, in the chart's unit; NaN when suppressed or undefined),
``numerator`` and ``denominator`` (floats, counts; NaN for plain counts and when
suppressed) and ``suppressed`` (bool).
"""

from __future__ import annotations

import math

import pandas as pd

from queries.filters import Filters
from queries.periods import periods_between
from queries.privacy import shares_with_suppression, suppress_counts
from queries.reference import data_as_of, data_from
from settings import get_settings

TIDY_COLUMNS = ["period", "series", "value", "numerator", "denominator", "suppressed"]


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=TIDY_COLUMNS)
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    return frame.sort_values(["series", "period"], kind="stable").reset_index(drop=True)


def empty_frame(*extra: str) -> pd.DataFrame:
    """A tidy chart frame with no rows (plus the ``extra`` columns, e.g. ``label``)."""
    return _finish(pd.DataFrame(columns=[*TIDY_COLUMNS, *extra])).reindex(
        columns=[*TIDY_COLUMNS, *extra]
    )


def share_series(rows: pd.DataFrame, series: dict[str, str], denominator: str) -> pd.DataFrame:
    """Tidy share series from one aggregate row per period.

    ``rows`` has ``period``, the ``denominator`` count column and one numerator count
    column per series; ``series`` maps series key -> numerator column. Shares are
    percentages, computed and suppressed by ``shares_with_suppression``.
    """
    minimum = get_settings().min_cell_count
    parts = []
    for key, column in series.items():
        part = pd.DataFrame(
            {
                "period": pd.to_datetime(rows["period"]),
                "series": key,
                "numerator": rows[column],
                "denominator": rows[denominator],
            }
        )
        parts.append(shares_with_suppression(part, minimum))
    if not parts or rows.empty:
        return empty_frame()
    return _finish(pd.concat(parts, ignore_index=True))


def count_series(rows: pd.DataFrame, filters: Filters, series: dict[str, str]) -> pd.DataFrame:
    """Tidy count series, with every period of the filter present (missing = 0).

    ``rows`` has ``period`` and one count column per series; ``series`` maps series key
    -> column. Periods after the data's last date are not filled.
    """
    minimum = get_settings().min_cell_count
    periods = periods_between(filters, data_as_of(), data_from())
    indexed = rows.assign(period=pd.to_datetime(rows["period"])).set_index("period")
    parts = []
    for key, column in series.items():
        values = indexed[column].reindex(periods, fill_value=0) if len(periods) else indexed[column]
        part = pd.DataFrame({"period": values.index, "series": key, "value": values.to_numpy()})
        parts.append(suppress_counts(part, minimum))
    return _finish(pd.concat(parts, ignore_index=True))


def plain_number(value: object) -> object:
    """``value`` with NaN as None (how JSON and spreadsheet cells say "no value")."""
    return None if isinstance(value, float) and math.isnan(value) else value
