"""Disclosure control: fixed random rounding to base m with cell keys, every count.

Every count of people that leaves the server is published by ``published_count``: a
true count ``n = q·m + r`` (``0 <= r < m``) is published as ``q·m + m`` when
``key·m < r·2**20`` and as ``q·m`` otherwise. The cell key is uniform on
0 .. 2**20 − 1, so the count is rounded up with probability r/m: unbiased, and
``|p − n| <= m − 1`` for every count. Small counts are rounded too (1 .. m − 1 → 0 or
m; 0 → 0), and no count is suppressed: a published 0 means "fewer than m" (0 .. m − 1),
a published m means m − (m − 1) .. m + (m − 1), and so on.

So every published count is a multiple of m (0 included), and any sum or difference of
published counts is a multiple of m: taking a quarter minus its months, two units
minus one, a total minus its parts or one chart's visits minus another's gives nothing
exact (docs/privacy.md, attack families A–D). Because small counts are rounded like the
others rather than withheld, the published number does not say whether a count is
0, small or m and over, so an attacker who combines the ranges each number implies over
the sums that hold (year = months = quarters, county = areas = municipalities = units)
pins no hidden count (tests/test_privacy_rounding_attack.py; the earlier rule — 1 .. m − 1
withheld — let that attack pin some).

The **cell key** of a count is the sum of the ``record_key`` of the records counted, mod
2**20 (each record's key is drawn uniformly once when it is loaded; ``reporting.schema``).
The queries compute it in SQL next to the count, so the same set of records gets the
same key — and so the same published number — whichever view, grain or chart asks for
it: asking again, or asking the same people another way, adds nothing (no averaging of
fresh noise). Distinct referrers use the sum of their ``referrer_key``.

Shares are computed from published counts only (``pn = min(p(n), p(d))``, value =
100·pn/pd); when ``p(d) = 0`` the value is withheld (it rests on fewer than m people)
while its numerator and denominator are shown as published (0 and 0). A non-count value
resting on d people (a median waiting time) is shown with the published d only when
``p(d) >= 2m``: a published m may come from 1 … m−1 people (rounded up), and a median of
so few is one person's waiting time; a published 2m or more means at least m+1 people.
Charts whose counts are not counts of people (``counts_people=False``) stay exact.

Literature:

- Statistics New Zealand, fixed random rounding to base 3 (FRR3), used for its census
  and custom tables (every count rounded, small ones included);
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

Why a value is withheld travels with it in ``suppression_reason`` (one of ``REASONS``;
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

# Why a value is withheld (``suppression_reason``). The summary sentence and the exports
# have a text for each (``suppression.reason.<reason>`` in the catalog). Counts are never
# withheld, so the one reason is a share or median resting on too few people.
SMALL_DENOMINATOR = "small_denominator"  # may rest on fewer than minimum people
REASONS = (SMALL_DENOMINATOR,)
# An imported figure stored without a value (``..`` or empty at its source: suppressed
# or missing there, docs/imported-figures.md). Not one of ``REASONS``: no chart cell is
# withheld for it (a chart leaves such a period out); the indicator API
# (``queries.figure_values.published_figures``) serves it with this reason, and
# ``charts.summary.reason_text`` has a text for it too.
AT_SOURCE = "at_source"

KEY_COLUMNS = ("numerator_key", "denominator_key", "value_key")


def published_count(n, key, minimum: int) -> np.ndarray:
    """The published counts of true counts ``n`` with cell keys ``key`` (array-likes of
    the same length, or scalars; keys are taken mod 2**20).

    Returns a float array: ``n = q·m + r`` (``m`` = ``minimum``, ``0 <= r < m``) rounded
    up to ``q·m + m`` when ``key·m < r·2**20`` and down to ``q·m`` otherwise — every
    count, small ones included (0 → 0; 1 .. m − 1 → 0 or m). A missing ``n`` stays
    missing (NaN). A ``minimum`` below 2 publishes every count exactly. Raises
    ValueError for a missing key of a count that is not missing.
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
    return np.where(present, out, np.nan)


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
      rounds). When the published denominator is 0 the value is withheld (NaN,
      ``SMALL_DENOMINATOR``: it rests on fewer than ``minimum`` people) and the
      numerator and denominator are shown as published (0 and 0);
    - a value resting on ``denominator`` people, with no numerator (a median): the
      denominator is published and the value kept when the published denominator is
      at least 2 · ``minimum`` (so at least ``minimum`` + 1 people), withheld
      (``SMALL_DENOMINATOR``) when it is 0 or ``minimum``;
    - a count (neither present): ``value`` is published with ``value_key``; never
      withheld. A missing value stays missing.

    ``counts_people=False`` (counts of units or services) and rows whose series is in
    ``exact_series`` stay exact (with the ``suppressed`` flag they came with). A
    ``minimum`` below 2 publishes exactly and withholds nothing (a denominator of 0
    gives a missing value). Returns a new frame with the same columns (keys included:
    the caller drops them before serving); for the other rows ``suppressed`` and
    ``suppression_reason`` are set from scratch. Raises ValueError when a count of
    people has no key.
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

    # The only things withheld: a share whose base is published as 0, and a median
    # whose base is published below 2m (a published m may rest on a single person,
    # and a median of one person is that person's own value).
    hidden = ((share & (p_den == 0)) | (based & (p_den < 2 * minimum))) & (minimum >= 2)

    p_num = np.minimum(p_num, p_den)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_value = np.where(p_den > 0, 100.0 * p_num / p_den, np.nan)
    out["numerator"] = np.where(share, p_num, num)
    out["denominator"] = np.where(share | based, p_den, den)
    new_value = np.where(share, share_value, np.where(count, p_value, value))
    out["value"] = np.where(hidden, np.nan, new_value)
    reasons = _reasons((hidden, SMALL_DENOMINATOR), size=size)
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
