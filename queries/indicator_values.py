"""Indicators the county reports only as totals (the ``indicator_values`` table)."""

from __future__ import annotations

import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.privacy import shares_with_suppression
from queries.results import TIDY_COLUMNS
from queries.sql import chart_statement

# Totals are re-aggregated to a coarser grain by summing numerators and denominators;
# at a finer grain than stored, each stored period stays one point.
_SHARE_SQL = """
SELECT {period} AS period,
       SUM(v.numerator) AS numerator,
       SUM(v.denominator) AS denominator
FROM indicator_values v
WHERE v.indicator_id = :indicator_id AND v.region_code = :region_code
{filters}
GROUP BY 1
ORDER BY 1
"""


@cache.memoize()
def reported_share(
    filters: Filters, indicator_id: str, region_code: str, min_count: int | None
) -> pd.DataFrame:
    """A reported share (%) for one region, as the tidy chart frame with series ``share``.

    ``value`` = 100 * sum(numerator) / sum(denominator) over the stored periods inside
    each display period. ``min_count`` is the small-count minimum, or None for
    indicators that do not count people (e.g. health stations), which are not
    suppressed. The unit filter does not apply: these figures are county totals.
    """
    stmt, params = chart_statement(
        _SHARE_SQL,
        filters,
        date_column="v.period_start",
        unit_column=None,
        params={"indicator_id": indicator_id, "region_code": region_code},
    )
    rows = fetch_frame(stmt, params)
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(rows["period"]),
            "series": "share",
            "numerator": rows["numerator"],
            "denominator": rows["denominator"],
        }
    )
    frame = shares_with_suppression(frame, min_count or 0)
    return frame.reindex(columns=TIDY_COLUMNS)
