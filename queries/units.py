"""Unit codes from a URL or a browser store, checked against the reporting DB.

``Filters.from_query`` checks only the form of a unit code (it stays pure: no
database). A well-formed code that is not a unit would otherwise reach the chart
queries, answer with no rows, and make a new, uncached query for every invented code.
``known_units`` is the second step, shared by pages, the data API and the callbacks:
it drops such codes and says so. It reads only the cached unit list.

When the unit list cannot be read (the reporting DB is down) it raises, and each
caller does what the rest of its surface does when the database is down: a page keeps
the codes unchecked and renders (its cards report the database), the data API answers
503, a card callback shows its database notice without querying.
"""

from __future__ import annotations

from dataclasses import replace

from queries.filters import Filters
from queries.reference import unit_ids
from translations import Notice, merge_notices, refused

UNKNOWN_UNIT = "notice.unknown_unit"


def known_units(filters: Filters) -> tuple[Filters, tuple[Notice, ...]]:
    """``filters`` without the unit codes the reporting DB does not know, and the
    notices: one ``UNKNOWN_UNIT`` notice naming the dropped codes, else ``()``.

    Dropping every code leaves ``units=()``, the whole county, as for any rejected value.
    Raises one of ``queries.engine.DATABASE_ERRORS`` when the unit list cannot be read.
    """
    if not filters.units:
        return filters, ()
    known = set(unit_ids())
    kept = tuple(unit for unit in filters.units if unit in known)
    if kept == filters.units:
        return filters, ()
    dropped = [unit for unit in filters.units if unit not in known]
    notices = merge_notices(refused(UNKNOWN_UNIT, unit) for unit in dropped)
    return replace(filters, units=kept), notices
