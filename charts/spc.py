"""Statistical process control ("Is the change real?") as NHS England's *Making Data Count*.

Sources
-------
- NHS England, *Making Data Count* ("plot the dots"):
  https://www.england.nhs.uk/publication/making-data-count/
- NHS-R Community, *NHSRplotthedots*, the R package that implements the Making Data
  Count method (https://github.com/nhs-r-community/NHSRplotthedots): the limits in
  ``R/ptd_spc_standard.R``, the four rules and their precedence in
  ``R/ptd_calculate_point_type.R``, phases ("rebase") in ``R/ptd_rebase.R``, the
  baseline length in the vignette *Number of points required*, and where it departs
  from the Making Data Count Excel tool in the vignette *Deviations from Excel
  defaults*.
- D. J. Wheeler, *Understanding Variation* (2nd ed., 2000) for the XmR constant:
  2.66 = 3 / 1.128 (d2 for moving ranges of two).

Method
------
An XmR (individuals) chart of one series, in **phases**. A phase starts at a known
change of the process (an intervention event, a decision, a point the user picks);
each phase has its own centre line and limits, computed from its **baseline**: its
first ``BASELINE_POINTS`` shown points (NHSRplotthedots ``fix_after_n_points``; the
vignette locks limits after 12 points). Later points of the phase are judged against
the baseline's limits, which is what "is the change real?" asks. A phase with fewer
shown points has *trial limits* over all of them.

- centre line: the mean of the baseline values;
- process limits: mean ± 2.66 × the mean moving range of the baseline (moving ranges
  only between neighbouring periods that are both shown);
- "near a limit": beyond two thirds of the way from the mean to a limit (2 sigma).

Limits need at least ``MIN_MOVING_RANGES`` moving ranges and a mean moving range above
zero. With fewer, the spread is not known well enough (Wheeler: limits from about five
or six values are usable but soft); with a mean moving range of zero (a flat baseline)
the limits would sit on the mean and every later change would be "outside". Such a
phase gets no limits (``no_limits`` says why: ``"few_ranges"`` or ``"flat"``), and the
rules that need limits (``outside``, ``two_of_three``) do not fire in it; the run rules
(``shift``, ``trend``) need only the mean and the order of the values, and still do.

Outlying moving ranges are *not* screened out of the limits: that is the Making Data
Count Excel tool's behaviour (NHSRplotthedots screens them by default and documents it
as a deviation).

A point signals special-cause variation by these rules (each rule is a column of
``xmr``'s result, so every signal can say which rule fired):

- ``outside``: the point is outside the process limits;
- ``two_of_three``: two of three consecutive points are near the same limit (all
  three on the same side of the mean; a point outside the limits counts for the first
  rule, not this one, as in NHSRplotthedots); the near points are flagged;
- ``trend``: ``TREND_RUN`` or more consecutive points each higher (or each lower) than
  the one before; equal neighbours break a trend;
- ``shift``: ``SHIFT_RUN`` or more consecutive points on the same side of the mean; a
  point on the mean breaks a shift.

Runs of 7 for both are Making Data Count's (and NHSRplotthedots') values. Runs and
windows never cross a phase boundary or a gap: a suppressed or missing period is
unknown, and a run through it cannot be claimed. A point's direction (``direction``)
comes from the first rule that fired in NHSRplotthedots' precedence: outside, trend,
two of three, shift; the caller turns it into improvement or concern with the chart's
``higher_is_better``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from queries.filters import MONTHS_PER_GRAIN, _month_ok
from queries.periods import period_start

XMR_CONSTANT = 2.66
NEAR_LIMIT = 2 / 3  # "near a limit": beyond 2 of the limit's 3 sigma
SHIFT_RUN = 7
TREND_RUN = 7
BASELINE_POINTS = 12  # shown points of a phase that set its mean and limits
MIN_MOVING_RANGES = 5  # fewer moving ranges in a baseline give no limits (too unsure)
MIN_POINTS = 12  # fewer shown points in all make the view too unstable to offer
MAX_USER_PHASES = 12  # user-chosen phase starts kept (bounds the cache key)
# Precedence of the rules for a point's direction (NHSRplotthedots).
RULES = ("outside", "trend", "two_of_three", "shift")


# A phase month as the address writes it: ASCII digits only, nothing before or after
# (``re.match`` with ``$`` would also take "2024-05\n", one more spelling and cache key).
_PHASE_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def is_phase_month(value: object) -> bool:
    """Whether ``value`` is a phase month: a ``str`` ``"YYYY-MM"`` in ASCII digits with
    nothing around it, in the years ``queries.filters`` accepts."""
    return isinstance(value, str) and bool(_PHASE_MONTH.fullmatch(value)) and _month_ok(value)


def phase_month(month: str, grain: str) -> str:
    """The first month of the ``grain`` period containing ``month`` (both ``YYYY-MM``):
    ``phase_month("2024-05", "quarter") == "2024-04"``."""
    start = period_start(pd.Timestamp(month + "-01"), grain)
    return f"{start.year:04d}-{start.month:02d}"


def normalise_phases(
    phases: Iterable[object],
    periods: Sequence[pd.Timestamp] | None = None,
    grain: str = "month",
) -> tuple[str, ...]:
    """User-chosen phase starts as sorted, distinct ``"YYYY-MM"`` strings.

    Anything that is not a month written ``YYYY-MM`` in ASCII digits (and within the
    years ``queries.filters`` accepts) is dropped. With ``periods`` (the period starts
    the run chart shows, at ``grain``) each month becomes the first month of the period
    that contains it (May 2024 at quarter grain is ``"2024-04"``), and a month in no
    shown period after the first (the first starts a phase anyway) is dropped, so
    every spelling of one chart's phases is one tuple. At most ``MAX_USER_PHASES`` are
    kept. This is the cache key of the run chart; the URL layer tells the user about
    rejected values.
    """
    months = {p for p in phases if is_phase_month(p)}
    if periods is not None:
        shown = sorted({pd.Timestamp(p) for p in periods})
        later = {f"{p.year:04d}-{p.month:02d}" for p in shown[1:]}
        months = {phase_month(month, grain) for month in months} & later
    return tuple(sorted(months)[:MAX_USER_PHASES])


def on_period_grid(part: pd.DataFrame, grain: str) -> pd.DataFrame:
    """One series of a tidy chart frame on every period from its first to its last.

    ``part`` has ``period``, ``value`` and ``suppressed`` columns (one series). Returns
    those columns with one row per ``grain`` period in order; a period without a row
    gets NaN and ``suppressed=False``, so a gap stays a gap and is not closed up.
    """
    if part.empty:
        return pd.DataFrame(
            {"period": pd.Series(dtype="datetime64[ns]"), "value": [], "suppressed": []}
        )
    indexed = part.assign(period=pd.to_datetime(part["period"])).set_index("period")
    grid = pd.date_range(
        indexed.index.min(),
        indexed.index.max(),
        freq=pd.DateOffset(months=MONTHS_PER_GRAIN[grain]),
        name="period",
    )
    out = indexed[["value", "suppressed"]].reindex(grid)
    out["suppressed"] = out["suppressed"].astype("boolean").fillna(False).astype(bool)
    return out.reset_index()


def phase_boundaries(
    periods: Sequence[pd.Timestamp], starts: Iterable[tuple[object, str]], grain: str
) -> dict[pd.Timestamp, tuple[str, ...]]:
    """Where new phases start: period -> the reasons given for it, in period order.

    ``periods`` are the period starts shown, in order; ``starts`` are ``(when, reason)``
    pairs, ``when`` a date or a ``"YYYY-MM"`` month. A phase starts at the period that
    contains ``when``; a start inside the first period or after the last starts nothing
    (the first period begins a phase anyway).
    """
    stamps = pd.to_datetime(pd.Series(list(periods)))
    if stamps.empty:
        return {}
    first, last = stamps.iloc[0], stamps.iloc[-1]
    found: dict[pd.Timestamp, list[str]] = {}
    for when, reason in starts:
        period = period_start(pd.Timestamp(when), grain)
        if first < period <= last and reason not in found.setdefault(period, []):
            found[period].append(reason)
    return {period: tuple(found[period]) for period in sorted(found)}


def phase_numbers(
    periods: Sequence[pd.Timestamp], boundaries: Iterable[pd.Timestamp]
) -> np.ndarray:
    """Phase of each period (0, 1, ...) given the periods where new phases start."""
    stamps = pd.DatetimeIndex(pd.to_datetime(list(periods)))
    starts = pd.DatetimeIndex(sorted(pd.Timestamp(b) for b in boundaries))
    return np.asarray(starts.searchsorted(stamps, side="right"), dtype=int)


def _runs(condition: np.ndarray, length: int) -> np.ndarray:
    """True for every element of a run of ``length`` or more consecutive Trues."""
    flags = np.zeros(len(condition), dtype=bool)
    start = None
    for i, value in enumerate([*condition, False]):
        if value and start is None:
            start = i
        elif not value and start is not None:
            if i - start >= length:
                flags[start:i] = True
            start = None
    return flags


def _segment_rules(values: np.ndarray, mean: float, near: tuple[float, float], outside: np.ndarray):
    """The run rules on one unbroken stretch of shown points of one phase.

    Returns ``(trend, two_of_three, shift)`` as arrays of -1 / 0 / +1.
    """
    n = len(values)
    side = np.sign(values - mean).astype(int)
    shift = np.where(_runs(side > 0, SHIFT_RUN), 1, 0) + np.where(_runs(side < 0, SHIFT_RUN), -1, 0)

    # A trend of n points is n - 1 consecutive rises (or falls). A point takes the
    # direction of the run to its right when it has one (a peak that ends a rise and
    # starts a fall is part of the fall), as NHSRplotthedots does.
    steps = np.diff(values)
    step_run = np.where(_runs(steps > 0, TREND_RUN - 1), 1, 0) + np.where(
        _runs(steps < 0, TREND_RUN - 1), -1, 0
    )
    right = np.append(step_run, 0)
    left = np.insert(step_run, 0, 0)
    trend = np.where(right != 0, right, left)

    lower_near, upper_near = near
    close = ~outside & ((values > upper_near) | (values < lower_near))
    two_of_three = np.zeros(n, dtype=int)
    for j in range(n - 2):
        window = slice(j, j + 3)
        same_side = abs(side[window].sum()) == 3
        if same_side and close[window].sum() >= 2:
            two_of_three[window] = np.where(close[window], side[window], two_of_three[window])
    return trend, two_of_three, shift


def xmr(
    values: pd.Series,
    bounds: tuple[float, float] | None = None,
    phases: Sequence[int] | np.ndarray | None = None,
) -> pd.DataFrame:
    """XmR analysis of ``values``, one per period in order; NaN is an unknown period.

    ``phases`` gives each value's phase number (non-decreasing; all 0 when omitted).
    ``bounds`` clips the limits, e.g. 0–100 for percentages (the near-limit zones keep
    the unclipped sigma).

    Returns a frame indexed like ``values`` with columns ``value``; ``phase``;
    ``baseline`` (bool: the point is one of its phase's baseline points); ``mean``,
    ``lower``, ``upper`` (NaN limits when the phase has none); ``ranges`` (int: the
    moving ranges in the phase's baseline); ``no_limits`` (why the phase has no limits:
    ``"few_ranges"``, fewer than ``MIN_MOVING_RANGES`` moving ranges, ``"flat"``, a mean
    moving range of zero, or ``""`` when it has limits);
    ``trial`` (bool: the phase's baseline is shorter than ``BASELINE_POINTS``); one
    column per rule in ``RULES`` (-1 fired below / falling, +1 above / rising, 0 not
    fired); ``signal`` (bool: any rule fired) and ``direction`` (-1 / 0 / +1 of the
    first rule in ``RULES`` that fired).
    """
    array = values.to_numpy(dtype=float)
    n = len(array)
    phase = np.zeros(n, dtype=int) if phases is None else np.asarray(phases, dtype=int)
    shown = ~np.isnan(array)
    out = {
        "value": array,
        "phase": phase,
        "baseline": np.zeros(n, dtype=bool),
        "mean": np.full(n, np.nan),
        "lower": np.full(n, np.nan),
        "upper": np.full(n, np.nan),
        "ranges": np.zeros(n, dtype=int),
        "no_limits": np.full(n, "", dtype=object),
        "trial": np.zeros(n, dtype=bool),
        **{rule: np.zeros(n, dtype=int) for rule in RULES},
    }
    for number in np.unique(phase):
        rows = np.flatnonzero(phase == number)
        shown_rows = rows[shown[rows]]
        if shown_rows.size == 0:
            continue
        base = shown_rows[:BASELINE_POINTS]
        out["baseline"][base] = True
        out["trial"][rows] = shown_rows.size < BASELINE_POINTS
        mean = array[base].mean()
        # Moving ranges between neighbouring periods only: across a gap the difference
        # spans more than one step and would widen the limits.
        pairs = [array[i] - array[i - 1] for i in base if i - 1 in base]
        moving_range = float(np.mean(np.abs(pairs))) if pairs else 0.0
        out["ranges"][rows] = len(pairs)
        if len(pairs) < MIN_MOVING_RANGES:
            out["no_limits"][rows] = "few_ranges"
        elif moving_range <= 0:
            out["no_limits"][rows] = "flat"
        if out["no_limits"][rows[0]]:
            # No limits, so nothing is outside them or near them (NaN compares False).
            lower = upper = np.nan
            near = (np.nan, np.nan)
        else:
            half_width = XMR_CONSTANT * moving_range
            lower, upper = mean - half_width, mean + half_width
            near = (mean - NEAR_LIMIT * half_width, mean + NEAR_LIMIT * half_width)
            if bounds is not None:
                lower, upper = max(lower, bounds[0]), min(upper, bounds[1])
        out["mean"][rows], out["lower"][rows], out["upper"][rows] = mean, lower, upper

        # Unbroken stretches of shown points: runs and windows stay inside one.
        breaks = np.flatnonzero(np.diff(shown_rows) > 1) + 1
        for segment in np.split(shown_rows, breaks):
            seg_values = array[segment]
            outside = (seg_values > upper) | (seg_values < lower)  # False for NaN limits
            trend, two_of_three, shift = _segment_rules(seg_values, mean, near, outside)
            out["outside"][segment] = np.where(outside, np.sign(seg_values - mean), 0)
            out["trend"][segment] = trend
            out["two_of_three"][segment] = two_of_three
            out["shift"][segment] = shift
    fired = np.stack([out[rule] for rule in RULES])
    out["signal"] = (fired != 0).any(axis=0)
    # First non-zero in precedence order.
    first = np.argmax(fired != 0, axis=0)
    out["direction"] = fired[first, np.arange(n)] if n else np.zeros(0, dtype=int)
    return pd.DataFrame(out, index=values.index)


def improvement(analysis: pd.DataFrame, higher_is_better: bool) -> pd.Series:
    """Per point: +1 special-cause improvement, -1 concern, 0 common cause."""
    return analysis["direction"] * (1 if higher_is_better else -1)
