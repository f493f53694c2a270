"""Disclosure control: fixed random rounding to base m with cell keys.

Every count of people that leaves the server is published by ``published_count``:

- a true count ``n = 0`` is published as 0 (it describes nobody);
- ``1 <= n <= m - 1`` is suppressed (missing, shown as THL's ``..``, reason
  ``SMALL_COUNT``);
- ``n >= m``: with ``n = q·m + r`` (``0 <= r < m``) it is published as ``q·m + m`` when
  ``key·m < r·2**20`` and as ``q·m`` otherwise. The cell key is uniform on 0 .. 2**20 − 1,
  so the count is rounded up with probability r/m (unbiased), ``|p − n| <= m − 1`` and
  ``p >= m``.

So every published count is 0, suppressed, or a multiple of m that is at least m, and a
true count is 1 .. m − 1 exactly when it is suppressed. Any sum or difference of
published counts is a multiple of m and can never equal a hidden count of 1 .. m − 1:
taking a quarter minus its months, two units minus one, a total minus its parts or one
chart's visits minus another's gives nothing exact (docs/privacy.md, attack families
A–D).

The **cell key** of a count is the sum of the ``record_key`` of the records counted, mod
2**20 (each record's key is drawn uniformly once when it is loaded; ``reporting.schema``).
The queries compute it in SQL next to the count, so the same set of records gets the
same key — and so the same published number — whichever view, grain or chart asks for
it: asking again, or asking the same people another way, adds nothing (no averaging of
fresh noise). Distinct referrers use the sum of their ``referrer_key``.

Shares are computed from published counts only (``pn = min(p(n), p(d))``, value =
100·pn/pd); a non-count value resting on d people (a median waiting time) is shown with
the published d when d >= m and suppressed when d is 1 .. m − 1. Charts whose counts are
not counts of people (``counts_people=False``) stay exact.

Literature:

- Statistics New Zealand, fixed random rounding to base 3 (FRR3), used for its census
  and custom tables;
- Fraser, B. & Wooton, J. (2005), *A proposed method for confidentialising tabular
  output to protect against differencing*, UNECE work session on statistical data
  confidentiality — the cell-key method of the ABS TableBuilder;
- Thompson, G., Broadfoot, S. & Elazar, D. (2013), *Methodology for the automatic
  confidentialisation of statistical outputs from remote servers at the Australian
  Bureau of Statistics*, UNECE work session on statistical data confidentiality;
- Office for National Statistics (2021), cell-key perturbation of Census 2021 custom
  tables;
- Dinur, I. & Nissim, K. (2003), *Revealing information while preserving privacy*,
  PODS — reconstruction from many noisy subset sums, the reason unit selections are
  restricted to a fixed hierarchy (``queries.units``).

Why a cell is withheld travels with it in ``suppression_reason`` (one of ``REASONS``;
None when shown), so the summary sentence and the exports can say the true reason.
This module is the only place that decides what is published: the queries return exact
counts with their keys and ``charts.payload.load_complete`` calls ``protect``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

# Cell keys are sums of record keys mod KEY_RANGE (reporting.schema.RECORD_KEY_RANGE).
KEY_RANGE = 2**20

# Why a cell is withheld (``suppression_reason``). The summary sentence and the exports
# have a text for each (``suppression.reason.<reason>`` in the catalog).
SMALL_COUNT = "small_count"  # the count itself is 1..minimum-1
SMALL_DENOMINATOR = "small_denominator"  # rests on 1..minimum-1 people (a share's base)
SMALL_NUMERATOR = "small_numerator"  # 1..minimum-1 people meet the share's condition
REASONS = (SMALL_COUNT, SMALL_DENOMINATOR, SMALL_NUMERATOR)

KEY_COLUMNS = ("numerator_key", "denominator_key", "value_key")


def _small(values: np.ndarray, minimum: int) -> np.ndarray:
    return (values > 0) & (values < minimum)


def published_count(n, key, minimum: int) -> np.ndarray:
    """The published counts of true counts ``n`` with cell keys ``key`` (array-likes of
    the same length, or scalars; keys are taken mod 2**20).

    Returns a float array: 0 for 0; NaN for 1 .. ``minimum`` − 1 (suppressed) and for a
    missing ``n``; else ``n`` rounded to a multiple of ``minimum``: up (``q·m + m``)
    when ``key·m < r·2**20``, down (``q·m``) otherwise, where ``n = q·m + r``. A
    ``minimum`` below 2 publishes every count exactly. Raises ValueError for a missing
    key of a count that is not missing.
    """
    counts = np.atleast_1d(np.asarray(n, dtype=float))
    keys = np.broadcast_to(np.atleast_1d(np.asarray(key, dtype=float)), counts.shape)
    if minimum < 2:
        return counts.copy()
    present = ~np.isnan(counts)
    if np.isnan(keys[present]).any():
        raise ValueError("a count of people has no cell key")
    m = float(minimum)
    whole = np.floor(np.where(present, counts, 0.0) / m) * m
    rest = np.where(present, counts, 0.0) - whole
    cell = np.mod(np.where(np.isnan(keys), 0.0, keys), KEY_RANGE)
    up = cell * m < rest * KEY_RANGE
    out = np.where(up, whole + m, whole)
    return np.where(present & ~_small(counts, minimum), out, np.nan)


def _reasons(*rules: tuple[np.ndarray, str], size: int) -> np.ndarray:
    """Per row the reason of the first rule that holds, else None."""
    reason = np.full(size, None, dtype=object)
    for hidden, name in reversed(rules):
        reason = np.where(hidden, name, reason)
    return reason


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return np.asarray(frame[name].to_numpy(dtype=float, na_value=np.nan), dtype=float)


def protect(
    frame: pd.DataFrame,
    minimum: int,
    counts_people: bool,
    exact_series: Iterable[str] = (),
) -> pd.DataFrame:
    """The published version of an exact tidy chart frame (``queries.results``).

    ``frame`` has exact ``value``/``numerator``/``denominator`` and the cell keys
    ``numerator_key``/``denominator_key``/``value_key``. Each row is one of:

    - a share (``numerator`` and ``denominator`` present): both are published
      (``published_count``), the numerator capped at the denominator, and ``value`` =
      100 · published numerator / published denominator (unrounded; ``as_stated``
      rounds). Suppressed (all three NaN) when the denominator (``SMALL_DENOMINATOR``)
      or the numerator (``SMALL_NUMERATOR``) is 1 .. ``minimum`` − 1; a denominator of 0
      gives a missing value that is not suppressed;
    - a value resting on ``denominator`` people, with no numerator (a median): the
      value is kept and the denominator published when it is at least ``minimum``,
      both withheld (``SMALL_DENOMINATOR``) when it is 1 .. ``minimum`` − 1;
    - a count (neither present): ``value`` is published with ``value_key``;
      ``SMALL_COUNT`` when suppressed. A missing value stays missing, not suppressed.

    ``counts_people=False`` (counts of units or services) and rows whose series is in
    ``exact_series`` stay exact (with the ``suppressed`` flag they came with). Returns
    a new frame with the same columns (keys included: the caller drops them before
    serving); for the other rows ``suppressed`` and ``suppression_reason`` are set from
    scratch. Raises ValueError when a count of people
    has no key.
    """
    out = frame.copy()
    size = len(out)
    if size == 0:
        return out
    exact_series = list(exact_series)
    if not counts_people:
        exact = np.ones(size, dtype=bool)
    elif exact_series:
        exact = out["series"].isin(exact_series).to_numpy()
    else:
        exact = np.zeros(size, dtype=bool)
    num, den, value = _column(out, "numerator"), _column(out, "denominator"), _column(out, "value")
    share = ~np.isnan(num) & ~np.isnan(den) & ~exact
    based = np.isnan(num) & ~np.isnan(den) & ~exact
    count = np.isnan(num) & np.isnan(den) & ~exact

    def published(values, keys, rows):
        # Only the rows that are published are asked for (keys may be NaN elsewhere).
        result = np.full(size, np.nan)
        if rows.any():
            result[rows] = published_count(values[rows], keys[rows], minimum)
        return result

    p_num = published(num, _column(out, "numerator_key"), share)
    p_den = published(den, _column(out, "denominator_key"), share | based)
    p_value = published(value, _column(out, "value_key"), count & ~np.isnan(value))

    small_num = share & _small(num, minimum)
    small_den = (share | based) & _small(den, minimum)
    small_count = count & _small(value, minimum)
    hidden = small_num | small_den | small_count

    p_num = np.minimum(p_num, p_den)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_value = np.where(p_den > 0, 100.0 * p_num / p_den, np.nan)
    new_num = np.where(share, p_num, num)
    new_den = np.where(share | based, p_den, den)
    new_value = np.where(share, share_value, np.where(count, p_value, value))
    new_value = np.where(hidden, np.nan, new_value)
    out["numerator"] = np.where(hidden, np.nan, new_num)
    out["denominator"] = np.where(hidden, np.nan, new_den)
    out["value"] = new_value
    reasons = _reasons(
        (small_den, SMALL_DENOMINATOR),
        (small_num, SMALL_NUMERATOR),
        (small_count, SMALL_COUNT),
        size=size,
    )
    # Exact rows keep what they came with (the queries never suppress).
    before = out["suppressed"].eq(True).to_numpy() if "suppressed" in out.columns else False
    earlier = out.get("suppression_reason", pd.Series(None, index=out.index)).to_numpy()
    out["suppressed"] = np.where(exact, before, hidden)
    out["suppression_reason"] = pd.Series(
        np.where(exact, earlier, reasons), index=out.index, dtype=object
    )
    return out


def without_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the cell-key columns (``KEY_COLUMNS``): what may be served."""
    return frame.drop(columns=[c for c in KEY_COLUMNS if c in frame.columns])
