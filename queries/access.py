"""Access to care (hoitoonpääsy) following THL's definition (docs/indicators.md)."""

from __future__ import annotations

import pandas as pd

from queries import codes
from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.results import share_series
from queries.sql import chart_statement

# The visits THL counts: non-urgent first visits of outpatient curative care (T11, SH),
# not cancelled, client contacts only, preceded by a recorded care-need assessment.
ACCESS_VISITS_WHERE = """
    c.service_form = :service_form AND c.nature = :nature
    AND NOT c.urgent AND c.first_visit AND NOT c.cancelled
    AND c.contact_type NOT IN :not_client
    AND c.assessment_date IS NOT NULL AND c.assessment_date <= c.contact_date
"""

ACCESS_PARAMS = {
    "service_form": codes.ACCESS_SERVICE_FORM,
    "nature": codes.ACCESS_NATURE,
    "not_client": list(codes.NOT_CLIENT_CONTACT),
}

_WITHIN_DAYS_SQL = (
    """
SELECT {period} AS period,
       COUNT(*) AS visits,
       SUM(CASE WHEN c.contact_date - c.assessment_date <= :days THEN 1 ELSE 0 END)
           AS within_days
FROM client_contacts c
WHERE """
    + ACCESS_VISITS_WHERE
    + """{filters}
GROUP BY 1
ORDER BY 1
"""
)


@cache.memoize()
def access_within_days(filters: Filters, days: int = 7) -> pd.DataFrame:
    """Share of THL access visits realised within ``days`` of the care-need assessment.

    Waiting time = visit date - assessment date in whole days; "within 7 days" means
    0..7 days. Returns the tidy chart frame (``queries.results``) with one series,
    ``within_days``: numerator = visits within ``days``, denominator = all access
    visits, value in %.
    """
    stmt, params = chart_statement(
        _WITHIN_DAYS_SQL,
        filters,
        date_column="c.contact_date",
        unit_column="c.unit_id",
        params={**ACCESS_PARAMS, "days": int(days)},
    )
    return share_series(fetch_frame(stmt, params), {"within_days": "within_days"}, "visits")
