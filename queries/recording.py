"""Recording quality (kirjaamisen laatu) of the contact data (docs/indicators.md)."""

from __future__ import annotations

import pandas as pd

from queries import codes
from queries.access import ACCESS_PARAMS, ACCESS_TYPE_VISIT
from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.results import TIDY_COLUMNS, share_series
from queries.sql import cell_key, chart_statement

# Every contact-type (yhteystapa) code of the national Avohilmo set, client contacts
# or not: a row with any other value (or none) has an invalid code.
KNOWN_CONTACT_TYPES = codes.IN_PERSON + codes.REMOTE + codes.NOT_CLIENT_CONTACT

_ASSESSED = ACCESS_TYPE_VISIT + " AND c.assessment_date IS NOT NULL"
_VALID_CODE = "c.contact_type IN :known_codes"
_RECORDING_SQL = (
    """
SELECT {period} AS period,
       SUM(CASE WHEN """
    + ACCESS_TYPE_VISIT
    + """ THEN 1 ELSE 0 END) AS access_visits,
       """
    + cell_key("c.record_key", ACCESS_TYPE_VISIT)
    + """ AS access_visits_key,
       SUM(CASE WHEN """
    + _ASSESSED
    + """ THEN 1 ELSE 0 END) AS assessed,
       """
    + cell_key("c.record_key", _ASSESSED)
    + """ AS assessed_key,
       COUNT(*) AS contacts,
       """
    + cell_key("c.record_key")
    + """ AS contacts_key,
       SUM(CASE WHEN """
    + _VALID_CODE
    + """ THEN 1 ELSE 0 END) AS valid_codes,
       """
    + cell_key("c.record_key", _VALID_CODE)
    + """ AS valid_codes_key
FROM client_contacts c
WHERE 1 = 1
{filters}
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
    stmt, params = chart_statement(
        _RECORDING_SQL,
        filters,
        date_column="c.contact_date",
        unit_column="c.unit_id",
        params={**ACCESS_PARAMS, "known_codes": list(KNOWN_CONTACT_TYPES)},
    )
    rows = fetch_frame(stmt, params)
    parts = [
        share_series(rows, {"assessment_recorded": "assessed"}, "access_visits"),
        share_series(rows, {"valid_contact_type": "valid_codes"}, "contacts"),
    ]
    frame = pd.concat(parts, ignore_index=True) if not rows.empty else parts[0]
    return frame.reindex(columns=TIDY_COLUMNS).reset_index(drop=True)
