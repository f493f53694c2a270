"""Turning aggregate rows into the tidy frames every chart query returns.

The tidy chart frame has one row per period and series:
``period`` (Timestamp, first day of the period), ``series`` (str key, translated in the
UI), ``value`` (float, in the chart's unit; NaN when suppressed or undefined),
``numerator`` and ``denominator`` (floats, counts; NaN for plain counts and when
suppressed; a median has the count it rests on as ``denominator``), ``suppressed``
(bool), ``suppression_reason`` (why a suppressed cell is withheld, one of
``queries.privacy.REASONS``; None when shown), ``partial`` (bool: the chart's own data
is known to cover the period only in part, e.g. reported months that do not fill a
quarter; ``queries.periods.complete_periods`` leaves such rows out) and the cell keys
``numerator_key``, ``denominator_key``, ``value_key`` (floats, 0 .. 2**20 − 1: the sum
of the record keys of the records counted, mod 2**20; NaN where there is no count).
Where a row has both ``numerator`` and ``denominator``, ``value`` is the share
100 × numerator / denominator.

The queries return **exact** counts with their keys and never suppress:
``queries.privacy.protect`` turns the frame into the published one and
``charts.payload.load_complete`` drops the keys before anything is served.
``as_stated`` rounds a frame as its chart states it (``ChartSpec.decimals``), and
``export_value``/``export_count`` turn the numbers into JSON and spreadsheet cells
(whole numbers as ``int``).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd

from queries.filters import Filters
from queries.periods import periods_between
from queries.privacy import KEY_COLUMNS
from queries.reference import data_as_of, data_from

TIDY_COLUMNS = [
    "period",
    "series",
    "value",
    "numerator",
    "denominator",
    "suppressed",
    "suppression_reason",
    "partial",
    *KEY_COLUMNS,
]


def key_of(column: str) -> str:
    """The name of the cell-key column that the SQL returns beside count ``column``."""
    return f"{column}_key"


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=TIDY_COLUMNS)
    frame["suppressed"] = frame["suppressed"].eq(True)  # the queries never suppress
    frame["partial"] = frame["partial"].eq(True)  # missing (NaN) = not marked
    return frame.sort_values(["series", "period"], kind="stable").reset_index(drop=True)


def empty_frame(*extra: str) -> pd.DataFrame:
    """A tidy chart frame with no rows (plus the ``extra`` columns, e.g. ``label``)."""
    return _finish(pd.DataFrame(columns=[*TIDY_COLUMNS, *extra])).reindex(
        columns=[*TIDY_COLUMNS, *extra]
    )


def share_values(numerator: pd.Series, denominator: pd.Series, decimals: int = 1) -> pd.Series:
    """100 × ``numerator`` / ``denominator`` (%) rounded to ``decimals`` places, NaN
    where the denominator is 0. (The published share is recomputed from the published
    counts by ``queries.privacy.protect`` and stated by ``as_stated``.)"""
    num, den = numerator.astype(float), denominator.astype(float)
    return (100.0 * num / den.where(den > 0)).round(decimals)


def on_every_period(rows: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """``rows`` (one aggregate row per ``period``) indexed by period start, with a row
    for every period of the filter (``queries.periods.periods_between``): counts and
    keys of a period the database returned nothing for are 0, other columns NaN.

    Why: whether a period is present must not depend on whether anyone is counted in
    it. A missing period would say "exactly 0 people" where a present one published as
    0 says "fewer than m" — and together they pin small counts (docs/privacy.md).
    Periods after the data's last date (or before its first) are not filled."""
    periods = periods_between(filters, data_as_of(), data_from())
    indexed = rows.assign(period=pd.to_datetime(rows["period"])).set_index("period")
    if not len(periods):
        return indexed
    return indexed.reindex(periods)


def share_series(
    rows: pd.DataFrame, filters: Filters, series: dict[str, str], denominator: str
) -> pd.DataFrame:
    """Tidy share series from one aggregate row per period, exact, with every period of
    the filter present (``on_every_period``: a period without anyone is 0 / 0, whose
    share is missing and published as withheld).

    ``rows`` has ``period``, the ``denominator`` count column and one numerator count
    column per series, each count with its key column (``key_of``); ``series`` maps
    series key -> numerator column. Values are percentages of the exact counts.
    """
    indexed = on_every_period(rows, filters)
    if indexed.empty or not series:
        return empty_frame()
    counts = [denominator, *series.values()]
    counted = indexed[[*counts, *(key_of(c) for c in counts)]].astype(float).fillna(0.0)
    parts = []
    for key, column in series.items():
        parts.append(
            pd.DataFrame(
                {
                    "period": counted.index,
                    "series": key,
                    "value": share_values(counted[column], counted[denominator]).to_numpy(),
                    "numerator": counted[column].to_numpy(),
                    "denominator": counted[denominator].to_numpy(),
                    "numerator_key": counted[key_of(column)].to_numpy(),
                    "denominator_key": counted[key_of(denominator)].to_numpy(),
                }
            )
        )
    return _finish(pd.concat(parts, ignore_index=True))


def count_series(rows: pd.DataFrame, filters: Filters, series: dict[str, str]) -> pd.DataFrame:
    """Tidy count series, with every period of the filter present (missing = 0).

    ``rows`` has ``period`` and one count column per series, each with its key column
    (``key_of``); ``series`` maps series key -> column. Counts are exact; a missing
    period is 0 with key 0. Periods after the data's last date are not filled.
    """
    indexed = on_every_period(rows, filters)
    parts = []
    for key, column in series.items():
        values = indexed[column].astype(float).fillna(0.0)
        keys = indexed[key_of(column)].astype(float).fillna(0.0)
        part = pd.DataFrame(
            {
                "period": values.index,
                "series": key,
                "value": values.to_numpy(dtype=float),
                "value_key": keys.to_numpy(dtype=float),
            }
        )
        parts.append(part)
    return _finish(pd.concat(parts, ignore_index=True))


# Places a count keeps in ``as_stated``: enough for any count a float holds exactly
# (whole numbers up to 10**9 with room to spare), few enough to drop the noise of sums.
COUNT_PLACES = 6


def share_half_up(numerator: float, denominator: float, decimals: int) -> float:
    """100 × ``numerator`` / ``denominator`` (both >= 0, any fractions) rounded half
    up to ``decimals`` places, exactly, as the nearest float (whose shortest text is the
    rounded number)."""
    scaled = Fraction(100) * Fraction(numerator) / Fraction(denominator) * 10**decimals
    return float(Fraction(math.floor(scaled + Fraction(1, 2)), 10**decimals))


def as_stated(frame: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The tidy chart frame with its numbers as the chart states them.

    ``numerator`` and ``denominator`` are counts, whole numbers by the reporting
    contract; they are rounded to ``COUNT_PLACES`` places, which only removes the noise
    of float sums (``16.308999999999997`` -> ``16.309``) and never turns a reported
    fraction into another number. ``value`` is rounded half away from zero to
    ``decimals`` places; a share is rounded from its stated numerator and denominator
    exactly, so it is rounded once (never from a value already rounded to other
    places). NaN stays NaN, the columns stay floats. Every view, the data API and the
    exports start from this frame (``charts.payload.chart_data``). Returns a new frame.
    """
    out = frame.copy()
    if out.empty:
        return out
    num = out["numerator"].astype(float).round(COUNT_PLACES)
    den = out["denominator"].astype(float).round(COUNT_PLACES)
    value = out["value"].astype(float)
    scale = 10**decimals
    # Not a share: the value's shortest text, rounded half away from zero (the nudge
    # puts a tie like 2.675, stored as 2.67499999..., on the side its text is on).
    stated = np.sign(value) * np.floor(value.abs() * scale + 0.5 + 1e-9) / scale
    share = value.notna() & num.notna() & den.notna() & (den > 0)
    whole = share & (num % 1 == 0) & (den % 1 == 0)
    if whole.any():
        # Whole counts: k = floor(100·n·s / d + 1/2) = floor((200·s·n + d) / 2d) in
        # exact integers (s = 10**decimals); the stated value is k / s.
        n = num[whole].astype("int64")
        d = den[whole].astype("int64")
        stated[whole] = ((200 * scale * n + d) // (2 * d)) / scale
    for index in value.index[share & ~whole]:  # fractional counts: rare, exact
        stated[index] = share_half_up(num[index], den[index], decimals)
    out["numerator"], out["denominator"], out["value"] = num, den, stated
    return out


def export_value(value: float, decimals: int) -> int | float | None:
    """A stated value for JSON and spreadsheet cells: None when missing, an ``int``
    when the chart states whole numbers, else a float with ``decimals`` places."""
    if math.isnan(value):
        return None
    return int(value) if decimals == 0 else float(value)


def export_count(value: float) -> int | float | None:
    """A count (numerator, denominator) for JSON and spreadsheet cells: an ``int``
    (counts are whole numbers), None when missing; a fraction that breaks the reporting
    contract stays the float it is."""
    if math.isnan(value):
        return None
    return int(value) if value.is_integer() else float(value)
