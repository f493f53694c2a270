"""Referrals (lähetteet): specialised care, wellbeing and exercise referrals."""

from __future__ import annotations

import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.results import count_series
from queries.sql import chart_statement

_REFERRALS_SQL = """
SELECT {period} AS period,
       COUNT(*) AS referrals,
       COUNT(DISTINCT r.referrer_id) AS referrers
FROM referrals r
WHERE r.referral_type = :referral_type
{filters}
GROUP BY 1
ORDER BY 1
"""


@cache.memoize()
def referral_counts(filters: Filters, referral_type: str) -> pd.DataFrame:
    """Referrals of one type per period, as the tidy chart frame (``queries.results``).

    ``referral_type``: ``wellbeing``, ``exercise``, ``specialised`` or ``other``.
    Series: ``referrals`` (count of referrals) and ``referrers`` (distinct referring
    professionals in the period). Periods without referrals are 0.
    """
    stmt, params = chart_statement(
        _REFERRALS_SQL,
        filters,
        date_column="r.referral_date",
        unit_column="r.source_unit_id",
        params={"referral_type": referral_type},
    )
    rows = fetch_frame(stmt, params)
    return count_series(rows, filters, {"referrals": "referrals", "referrers": "referrers"})
