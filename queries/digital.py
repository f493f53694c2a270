"""Digital services: remote share of client contacts (docs/indicators.md)."""

from __future__ import annotations

import pandas as pd

from queries import codes
from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.results import share_series
from queries.sql import chart_statement

_REMOTE_SHARE_SQL = """
SELECT {period} AS period,
       COUNT(*) AS contacts,
       SUM(CASE WHEN c.contact_type IN :remote THEN 1 ELSE 0 END) AS remote,
       SUM(CASE WHEN c.contact_type IN :realtime THEN 1 ELSE 0 END) AS realtime,
       SUM(CASE WHEN c.contact_type IN :asynchronous THEN 1 ELSE 0 END) AS asynchronous
FROM client_contacts c
WHERE NOT c.cancelled AND c.contact_type NOT IN :not_client
{filters}
GROUP BY 1
ORDER BY 1
"""


@cache.memoize()
def remote_share(filters: Filters) -> pd.DataFrame:
    """Remote share of client contacts, %, as the tidy chart frame (``queries.results``).

    Denominator: all client contacts that took place (not cancelled), excluding the
    non-client codes R60/R71/R72. Series: ``remote`` (R52, R56 and legacy R50/R51/R55),
    ``realtime`` (R52) and ``asynchronous`` (R56), each over the same denominator.
    """
    stmt, params = chart_statement(
        _REMOTE_SHARE_SQL,
        filters,
        date_column="c.contact_date",
        unit_column="c.unit_id",
        params={
            "remote": list(codes.REMOTE),
            "realtime": list(codes.REMOTE_REALTIME),
            "asynchronous": list(codes.REMOTE_ASYNC),
            "not_client": list(codes.NOT_CLIENT_CONTACT),
        },
    )
    series = {"remote": "remote", "realtime": "realtime", "asynchronous": "asynchronous"}
    return share_series(fetch_frame(stmt, params), series, "contacts")
