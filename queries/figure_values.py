"""Stored figures of one indicator and region, row by row, as they may be served
(``GET /api/indicators/<indicator>/values.json``, ``figures_api``).

The rows are ``indicator_values`` as stored (one per period and grain, nothing summed);
``published_figures`` decides what of them leaves the server, with the functions of
``queries.privacy`` and the cell keys the charts use (``queries.indicator_values``), so
a row served here and the same row in a chart are the same published numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame
from queries.indicator_values import numerator_key
from queries.privacy import AT_SOURCE, SMALL_DENOMINATOR, published_count
from queries.results import share_half_up
from queries.sql import statement

_ROWS_SQL = """
SELECT v.period_start, v.period_grain, v.value, v.numerator, v.denominator, v.source,
       v.retrieved_on, v.published, v.record_key
FROM indicator_values v
WHERE v.indicator_id = :indicator_id AND v.region_code = :region_code
ORDER BY v.period_start,
         CASE v.period_grain WHEN 'year' THEN 0 WHEN 'quarter' THEN 1 ELSE 2 END
"""

_COUNT_SQL = "SELECT COUNT(*) AS n FROM indicator_values v WHERE v.indicator_id = :indicator_id"


@cache.memoize()
def stored_figures(indicator_id: str, region_code: str) -> pd.DataFrame:
    """The exact stored rows of one indicator and region, oldest first (a year before
    the quarter and the month that start on its first day): columns
    ``period_start`` (date), ``period_grain``, ``value``, ``numerator``,
    ``denominator`` (floats, NaN when missing), ``source``, ``retrieved_on`` (date or
    None), ``published`` (bool: a published statistic) and ``record_key`` (never
    served)."""
    frame = fetch_frame(
        statement(_ROWS_SQL), {"indicator_id": indicator_id, "region_code": region_code}
    )
    for column in ("value", "numerator", "denominator"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["published"] = frame["published"].astype(bool)
    return frame


@cache.memoize()
def indicator_is_stored(indicator_id: str) -> bool:
    """Whether ``indicator_values`` holds any row of ``indicator_id`` (any region)."""
    frame = fetch_frame(statement(_COUNT_SQL), {"indicator_id": indicator_id})
    return bool(int(frame["n"].iloc[0]))


def published_figures(
    rows: pd.DataFrame,
    minimum: int,
    *,
    exact: bool,
    value_is_people: bool,
    value_is_exact: bool = False,
    decimals: int = 1,
) -> pd.DataFrame:
    """``rows`` (``stored_figures``) as they may be served: the same columns without
    ``record_key``, plus ``suppressed`` and ``suppression_reason``.

    ``exact`` (the indicator's chart counts things other than people and draws them
    all: forms, services, groups) serves every row as stored, and so is every
    ``published`` row (a published statistic from Sotkanet, docs/privacy.md; the
    canonical import cannot mark a row so). Every other row is treated as counts of
    people (``queries.privacy``): the denominator is published with the row's record
    key as its cell key and the numerator with the key mapped as in
    ``queries.indicator_values`` (the charts' keys of the same row). The value:

    - ``value_is_people`` (the chart draws the value as a count of people): published
      as a count with the record key, whatever other columns the row has;
    - else with both counts: recomputed, 100 · min(p(numerator), p(denominator)) /
      p(denominator) stated with ``decimals`` places (the chart's; half up, exactly,
      as ``queries.results.as_stated`` states a share), withheld when p(denominator)
      is 0;
    - else with a denominator only (a median resting on that many people): kept when
      p(denominator) >= 2 · ``minimum``, withheld otherwise;
    - else with a numerator only: withheld (a rate with its count, 3 cases and
      0.3 ‰, gives the count back from the public population) unless
      ``value_is_exact`` (the chart draws the value exactly, one of its
      ``exact_series``: groups with their participants in the numerator);
    - else (no counts): served as given (a rate the county reported as such).

    A row stored without a value (suppressed or missing at its source, e.g.
    Sotkanet's ``..``) is served suppressed with the reason ``AT_SOURCE``, whatever
    the rules above (its counts are published by them as any row's)."""
    out = rows.drop(columns=["record_key"]).copy()
    size = len(out)
    out["suppressed"] = False
    out["suppression_reason"] = pd.Series([None] * size, index=out.index, dtype=object)
    if size == 0:
        return out
    if exact:
        return _at_source(out, rows)
    keep = rows["published"].astype(bool).to_numpy()
    key = rows["record_key"].astype("int64")
    num_key = numerator_key(pd.DataFrame({"rows_key": key, "stored_rows": 1})).to_numpy()
    num, den, value = (out[c].to_numpy(dtype=float) for c in ("numerator", "denominator", "value"))
    has_num, has_den = ~np.isnan(num) & ~keep, ~np.isnan(den) & ~keep
    p_num = np.where(has_num, published_count(np.where(has_num, num, 0), num_key, minimum), num)
    p_den = np.where(has_den, published_count(np.where(has_den, den, 0), key, minimum), den)
    # A value drawn as a count of people is a count whatever else the row holds.
    count = ~keep & value_is_people & ~np.isnan(value)
    share = has_num & has_den & ~count
    based = ~has_num & has_den & ~count
    p_num = np.where(share, np.minimum(p_num, p_den), p_num)
    share_value = np.array(
        [
            share_half_up(n, d, decimals) if ok and d > 0 else np.nan
            for n, d, ok in zip(p_num, p_den, share, strict=True)
        ],
        dtype=float,
    )
    p_value = np.where(count, published_count(np.where(count, value, 0), key, minimum), value)
    new_value = np.where(share & ~np.isnan(value), share_value, p_value)
    rate_with_count = has_num & ~has_den & ~count & (not value_is_exact)
    hidden = (share & (p_den == 0)) | (based & (p_den < 2 * minimum)) | rate_with_count
    hidden &= ~np.isnan(value)
    out["numerator"] = p_num
    out["denominator"] = p_den
    out["value"] = np.where(hidden, np.nan, new_value)
    out["suppressed"] = hidden
    out["suppression_reason"] = pd.Series(
        np.where(hidden, SMALL_DENOMINATOR, None), index=out.index, dtype=object
    )
    return _at_source(out, rows)


def _at_source(out: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``out`` with every row whose stored value is NULL marked suppressed with the
    reason ``AT_SOURCE`` (the value stays None): the source withheld it or had none."""
    missing = rows["value"].isna().to_numpy()
    out["suppressed"] = out["suppressed"].to_numpy(dtype=bool) | missing
    out["suppression_reason"] = pd.Series(
        np.where(missing, AT_SOURCE, out["suppression_reason"].to_numpy(dtype=object)),
        index=out.index,
        dtype=object,
    )
    return out
