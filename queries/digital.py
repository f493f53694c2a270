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
    MONTHLY_AGGREGATE,
    aggregate_count,
    client_contact_took_place,
)

# From agg_contact_types (reporting.aggregates.contacts): every contact by code.
_REMOTE_SHARE_SQL = (
    """
SELECT {period} AS period,
       """
    + aggregate_count("contacts")
    + """,
       """
    + aggregate_count("remote", "a.contact_type IN :remote")
    + """,
       """
    + aggregate_count("realtime", "a.contact_type IN :realtime")
    + """,
       """
    + aggregate_count("asynchronous", "a.contact_type IN :asynchronous")
    + """
FROM agg_contact_types a
WHERE """
    + client_contact_took_place("a")
    + """{filters}
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
    stmt, params = MONTHLY_AGGREGATE.statement(
        _REMOTE_SHARE_SQL,
        filters,
        params={
            "remote": list(codes.REMOTE),
            "realtime": list(codes.REMOTE_REALTIME),
            "asynchronous": list(codes.REMOTE_ASYNC),
            **CLIENT_CONTACT_PARAMS,
        },
    )
    rows = fetch_frame(stmt, params)
    series = {"remote": "remote", "realtime": "realtime", "asynchronous": "asynchronous"}
    return share_series(rows, filters, series, "contacts")


# From agg_bookings (reporting.aggregates.contacts): the client contacts that took
# place, by booked_electronically (NULL: booked_via not recorded).
_E_BOOKING_SQL = (
    """
SELECT {period} AS period,
       """
    + aggregate_count("booked")
    + """,
       """
    + aggregate_count("electronic", "a.booked_electronically")
    + """
FROM agg_bookings a
WHERE a.booked_electronically IS NOT NULL{filters}
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
    The channel is classified when ``agg_bookings`` is built (``ELECTRONIC_BOOKING``).
    """
    stmt, params = MONTHLY_AGGREGATE.statement(
        _E_BOOKING_SQL,
        filters,
    )
    return share_series(fetch_frame(stmt, params), filters, {"electronic": "electronic"}, "booked")
