"""Digital services: remote share of client contacts and e-booking share (docs/indicators.md)."""

from __future__ import annotations

import pandas as pd

from queries import codes
from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.results import share_series
from queries.sql import (
    CLIENT_CONTACT_PARAMS,
    CLIENT_CONTACT_TOOK_PLACE,
    cell_key,
    chart_statement,
)


def _counted(name: str, condition: str) -> str:
    """SQL columns ``name`` (rows where ``condition`` holds) and ``name_key``."""
    return (
        f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name},\n       "
        f"{cell_key('c.record_key', condition)} AS {name}_key"
    )


_REMOTE_SHARE_SQL = (
    """
SELECT {period} AS period,
       COUNT(*) AS contacts,
       """
    + cell_key("c.record_key")
    + """ AS contacts_key,
       """
    + _counted("remote", "c.contact_type IN :remote")
    + """,
       """
    + _counted("realtime", "c.contact_type IN :realtime")
    + """,
       """
    + _counted("asynchronous", "c.contact_type IN :asynchronous")
    + """
FROM client_contacts c
WHERE """
    + CLIENT_CONTACT_TOOK_PLACE
    + """
{filters}
GROUP BY 1
ORDER BY 1
"""
)


@cache.memoize()
def remote_share(filters: Filters) -> pd.DataFrame:
    """Remote share of client contacts, %, as the tidy chart frame (``queries.results``).

    Denominator: client contacts that took place (``queries.sql.CLIENT_CONTACT_TOOK_PLACE``:
    not cancelled, a client-contact code of the Avohilmo set). Series:
    ``remote`` (R52, R56 and legacy R50/R51/R55), ``realtime`` (R52) and
    ``asynchronous`` (R56), each over the same denominator. Exact, with cell keys.
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
            **CLIENT_CONTACT_PARAMS,
        },
    )
    rows = fetch_frame(stmt, params)
    series = {"remote": "remote", "realtime": "realtime", "asynchronous": "asynchronous"}
    return share_series(rows, series, "contacts")


_E_BOOKING_SQL = (
    """
SELECT {period} AS period,
       COUNT(*) AS booked,
       """
    + cell_key("c.record_key")
    + """ AS booked_key,
       """
    + _counted("electronic", "c.booked_via = :electronic")
    + """
FROM client_contacts c
WHERE """
    + CLIENT_CONTACT_TOOK_PLACE
    + """
  AND c.booked_via IS NOT NULL
{filters}
GROUP BY 1
ORDER BY 1
"""
)

# client_contacts.booked_via of a booking made electronically (the booking system's value).
ELECTRONIC_BOOKING = "electronic"


@cache.memoize()
def electronic_booking_share(filters: Filters) -> pd.DataFrame:
    """Share of client contacts booked electronically, %, as the tidy chart frame
    (``queries.results``) with one series, ``electronic``.

    No national code exists for e-booking: the booking channel comes from the booking
    system (``client_contacts.booked_via``). Numerator: contacts with ``booked_via =
    'electronic'``. Denominator: contacts whose ``booked_via`` is recorded (any value);
    contacts with a NULL ``booked_via`` are left out of both. Only client contacts that
    took place count (``queries.sql.CLIENT_CONTACT_TOOK_PLACE``). Exact, with cell keys.
    """
    stmt, params = chart_statement(
        _E_BOOKING_SQL,
        filters,
        date_column="c.contact_date",
        unit_column="c.unit_id",
        params={
            "electronic": ELECTRONIC_BOOKING,
            **CLIENT_CONTACT_PARAMS,
        },
    )
    return share_series(fetch_frame(stmt, params), {"electronic": "electronic"}, "booked")
