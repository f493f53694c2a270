"""Recording quality (kirjaamisen laatu) of the contact data (docs/indicators.md)."""

from __future__ import annotations

import pandas as pd

from queries import codes
from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.results import TIDY_COLUMNS, share_series
from queries.sql import MONTHLY_AGGREGATE, aggregate_count

# Every contact-type (yhteystapa) code of the national Avohilmo set, client contacts
# or not: a row with any other value (or none) has an invalid code.
KNOWN_CONTACT_TYPES = codes.IN_PERSON + codes.REMOTE + codes.NOT_CLIENT_CONTACT

# From agg_access_visits (the access-type visits, ``queries.access.ACCESS_TYPE_VISIT``)
# and agg_contact_types (every contact row), reporting.aggregates.contacts.
_ASSESSED_SQL = (
    """
SELECT {period} AS period,
       """
    + aggregate_count("access_visits")
    + """,
       """
    + aggregate_count("assessed", "a.assessed")
    + """
FROM agg_access_visits a
WHERE 1 = 1{filters}
GROUP BY 1
ORDER BY 1
"""
)
_VALID_CODES_SQL = (
    """
SELECT {period} AS period,
       """
    + aggregate_count("contacts")
    + """,
       """
    + aggregate_count("valid_codes", "a.contact_type IN :known_codes")
    + """
FROM agg_contact_types a
WHERE 1 = 1{filters}
GROUP BY 1
ORDER BY 1
"""
)


@cache.memoize()
def recording_quality(filters: Filters) -> pd.DataFrame:
    """Two recording-quality shares, %, as the tidy chart frame (``queries.results``).

    Series ``assessment_recorded``: numerator = access-type visits (T11, SH,
    non-urgent, first visit, a client contact that took place: the visits of
    ``queries.access`` before the assessment condition) with a care-need assessment
    date recorded (any date: one after the visit counts as recorded here, though the
    access charts drop it); denominator = all such visits. Series
    ``valid_contact_type``: numerator = contacts whose ``contact_type`` is one of
    ``KNOWN_CONTACT_TYPES`` (R60/R71/R72 are valid codes); denominator = every contact
    row, cancelled and non-client contacts included. An unknown code is invalid; such
    rows count in no other chart (``queries.sql.CLIENT_CONTACT_TOOK_PLACE``). The two
    series have their own denominators. Exact, with cell keys.
    """
    assessed = fetch_frame(
        *MONTHLY_AGGREGATE.statement(
            _ASSESSED_SQL,
            filters,
        )
    )
    valid = fetch_frame(
        *MONTHLY_AGGREGATE.statement(
            _VALID_CODES_SQL,
            filters,
            params={"known_codes": list(KNOWN_CONTACT_TYPES)},
        )
    )
    parts = [
        share_series(assessed, filters, {"assessment_recorded": "assessed"}, "access_visits"),
        share_series(valid, filters, {"valid_contact_type": "valid_codes"}, "contacts"),
    ]
    frame = pd.concat(parts, ignore_index=True)
    return frame.reindex(columns=TIDY_COLUMNS).reset_index(drop=True)
