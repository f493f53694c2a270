"""Small-count suppression, applied in the query layer before data leaves it.

Rule (docs/privacy.md): a count of people ``n`` with ``0 < n < minimum`` is suppressed,
and so is every share whose numerator, denominator or complement (denominator −
numerator) is such a count. A zero is shown: it describes nobody. Suppressed cells become
missing (NaN) and are flagged in the ``suppressed`` column; the UI prints them as "..".

Why a cell is withheld travels with it in ``suppression_reason`` (one of ``REASONS``;
None when shown), so the summary sentence and the exports can say the true reason. Every
reason is set here and nowhere else: a stronger disclosure-control method replaces this
module, not the callers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

# Why a cell is withheld (``suppression_reason``). The summary sentence and the exports
# have a text for each (``suppression.reason.<reason>`` in the catalog).
SMALL_COUNT = "small_count"  # the count itself is 1..minimum-1
SMALL_DENOMINATOR = "small_denominator"  # rests on 1..minimum-1 people (a share's base)
SMALL_NUMERATOR = "small_numerator"  # 1..minimum-1 people meet the share's condition
SMALL_COMPLEMENT = "small_complement"  # 1..minimum-1 people do not (denominator - numerator)
COMPLEMENTARY = "complementary"  # not small itself: hidden so that another hidden cell
# cannot be worked out from a total that is shown
REASONS = (SMALL_COUNT, SMALL_DENOMINATOR, SMALL_NUMERATOR, SMALL_COMPLEMENT, COMPLEMENTARY)


def _small(series: pd.Series, minimum: int) -> pd.Series:
    return (series > 0) & (series < minimum)


def _reasons(index: pd.Index, *rules: tuple[pd.Series, str], start=None) -> pd.Series:
    """Per row the reason of the first rule that holds, else ``start`` (an array of
    earlier reasons) or None: rules go from the most telling reason to the least."""
    reason = np.full(len(index), None, dtype=object) if start is None else start
    for hidden, name in reversed(rules):
        reason = np.where(np.asarray(hidden, dtype=bool), name, reason)
    return pd.Series(reason, index=index, dtype=object)


def suppress_counts(frame: pd.DataFrame, minimum: int, column: str = "value") -> pd.DataFrame:
    """Suppress small counts in ``column``.

    Returns a new frame with ``column`` as float (NaN where suppressed), a boolean
    ``suppressed`` column and ``suppression_reason`` (``SMALL_COUNT`` or None).
    """
    out = frame.copy()
    hidden = _small(out[column].astype(float), minimum)
    out[column] = out[column].astype(float).mask(hidden)
    out["suppressed"] = hidden
    out["suppression_reason"] = _reasons(out.index, (hidden, SMALL_COUNT))
    return out


def shares_with_suppression(frame: pd.DataFrame, minimum: int, decimals: int = 1) -> pd.DataFrame:
    """Add ``value`` = 100 * numerator / denominator (%), suppressing small cells.

    A share is withheld when its numerator, its denominator or its complement
    (denominator - numerator) is a small count. Expects ``numerator`` and
    ``denominator`` count columns. Returns a new frame where
    ``numerator``, ``denominator`` and ``value`` are floats, NaN where suppressed (all
    three, so that no part of a suppressed share can be recovered), plus ``suppressed``
    and ``suppression_reason``: ``SMALL_DENOMINATOR``, else ``SMALL_NUMERATOR``, else
    ``SMALL_COMPLEMENT`` (the first that holds), None when shown.
    A denominator of zero gives a missing ``value`` that is not flagged as suppressed.
    """
    out = frame.copy()
    num = out["numerator"].astype(float)
    den = out["denominator"].astype(float)
    # The complement (denominator - numerator: e.g. the visits NOT within 7 days) is a
    # count of people too, readable from the two numbers shown.
    small_num, small_den, small_rest = (
        _small(num, minimum),
        _small(den, minimum),
        _small(den - num, minimum),
    )
    hidden = small_num | small_den | small_rest
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (100.0 * num / den.where(den > 0)).round(decimals)
    out["numerator"] = num.mask(hidden)
    out["denominator"] = den.mask(hidden)
    out["value"] = value.mask(hidden)
    out["suppressed"] = hidden
    out["suppression_reason"] = _reasons(
        out.index,
        (small_den, SMALL_DENOMINATOR),
        (small_num, SMALL_NUMERATOR),
        (small_rest, SMALL_COMPLEMENT),
    )
    return out


def partition_hidden(counts: pd.Series, groups: pd.Series, minimum: int) -> pd.Series:
    """Cells to hide in partitions whose total is shown (complementary suppression).

    ``counts`` are the raw counts of the cells, ``groups`` says which partition each
    cell belongs to (e.g. its period); the cells of a group add up to a total that is
    shown (a denominator, a "total" series). Hiding only the small cells is not enough
    there: the total minus the shown cells gives the sum of the hidden ones. So per
    group, after the small cells, the smallest shown non-zero cells are hidden too
    until the hidden cells add up to 0 or to at least ``minimum``. Returns a boolean
    Series aligned with ``counts`` (True = hide).
    """
    values = counts.astype(float)
    hidden = _small(values, minimum)
    # Only the groups whose hidden cells add up to 1..minimum-1 need more hiding.
    hidden_sum = values.where(hidden, 0.0).groupby(groups).transform("sum")
    exposed = (hidden_sum > 0) & (hidden_sum < minimum)
    for index in values[exposed].groupby(groups[exposed], sort=False).groups.values():
        cells = values.loc[index]
        mask = hidden.loc[index].copy()
        while 0 < cells[mask].sum() < minimum:
            shown = cells[~mask & (cells > 0)]
            if shown.empty:
                break
            mask.loc[shown.idxmin()] = True
        hidden.loc[index] = mask
    return hidden


def hide_cells(
    frame: pd.DataFrame,
    hidden: pd.Series,
    columns: tuple[str, ...] = ("value",),
    reason: str = COMPLEMENTARY,
) -> pd.DataFrame:
    """Withhold ``columns`` in the rows where ``hidden`` is True and flag them
    ``suppressed`` with ``reason`` (one of ``REASONS``; default: complementary
    suppression). Rows already suppressed stay so, with their own reason."""
    if reason not in REASONS:
        raise ValueError(f"unknown suppression reason {reason!r}")
    out = frame.copy()
    mask = hidden.reindex(out.index, fill_value=False).astype(bool)
    for column in columns:
        out[column] = out[column].astype(float).mask(mask)
    already = out["suppressed"].fillna(False).astype(bool)
    previous = out.get("suppression_reason", pd.Series(None, index=out.index))
    earlier = np.array([r if isinstance(r, str) else None for r in previous], dtype=object)
    out["suppression_reason"] = _reasons(out.index, (mask & ~already, reason), start=earlier)
    out["suppressed"] = already | mask
    return out


def hide_partition_complements(
    frame: pd.DataFrame,
    counts: pd.DataFrame,
    parts: Sequence[str],
    minimum: int,
    columns: tuple[str, ...] = ("value",),
) -> pd.DataFrame:
    """Complementary suppression for series that add up to a total the chart shows.

    ``counts`` has ``period`` and one raw count column per name in ``parts``; the names
    are series keys of the tidy ``frame`` (a part may also be a count that is not drawn,
    such as the legacy remote codes: it still adds up to the total). Per period the
    cells go to ``partition_hidden`` in the order of ``parts``; the (period, series)
    cells it hides are withheld in ``columns`` of ``frame``. Returns a new frame.
    """
    if frame.empty or counts.empty or not parts:
        return frame
    periods = pd.to_datetime(counts["period"])
    cells = pd.concat(
        [
            pd.DataFrame({"period": periods, "series": part, "n": counts[part].fillna(0)})
            for part in parts
        ],
        ignore_index=True,
    )
    hidden = partition_hidden(cells["n"], cells["period"], minimum)
    keys = set(zip(cells.loc[hidden, "period"], cells.loc[hidden, "series"], strict=True))
    mask = pd.Series(
        [
            (period, series) in keys
            for period, series in zip(pd.to_datetime(frame["period"]), frame["series"], strict=True)
        ],
        index=frame.index,
    )
    return hide_cells(frame, mask, columns)
