"""Filters: the validated, normalised value object every chart query takes.

A URL query string (``?from=2024-01&to=2025-06&grain=quarter&unit=municipality-901``) is
parsed into ``Filters`` by ``Filters.from_query``. Invalid values never raise: they fall
back to the default and add a notice key (a translation key) that the page shows.
``Filters`` is frozen and holds only primitives, so its ``repr`` is a stable cache key.

The unit selection is one node of the fixed hierarchy county > service area >
municipality > unit (``queries.units``): ``unit=<node id>`` names it, no ``unit`` is the
whole county. Parsing checks only the form of the node id and that there is at most one
(it stays pure: no database); ``queries.units.resolve_selection`` then looks the node up
and fills ``units`` with its member units, the ids the queries filter on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

GRAINS = ("month", "quarter", "year")
MONTHS_PER_GRAIN = {"month": 1, "quarter": 3, "year": 12}
# Queue services (queue_entries.service); the service filter applies to queue charts.
SERVICES = ("oral_health", "mental_health", "substance_abuse", "family_centre", "primary_care")
DEFAULT_START = "2022-01"
# ASCII digits only: "\d" would take any Unicode digit ("２０２４-01"), which int() reads
# as the same year, so one month would have endless spellings (and cache keys).
_MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
# A node id: a unit id (``TA11``), ``municipality-<code>`` or ``area-<slug>``.
_NODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,120}$")

# Notice keys of a unit or service selection that is refused (the view falls back to
# the whole county or to every service). Callbacks and the data API refuse a request
# carrying any of them instead of answering with other data than asked for.
BAD_UNIT = "notice.bad_unit"
SEVERAL_UNITS = "notice.several_units"
BAD_SERVICE = "notice.bad_service"
SEVERAL_SERVICES = "notice.several_services"


def _month_ok(value: str) -> bool:
    match = _MONTH_RE.match(value)
    return bool(match) and 2000 <= int(match.group(1)) <= 2100


def _values(raw: object) -> list[str]:
    """Query-string values as a flat list: repeated keys and comma-separated both work."""
    items = raw if isinstance(raw, list | tuple) else [raw]
    out: list[str] = []
    for item in items:
        if item is None:
            continue
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


@dataclass(frozen=True)
class Filters:
    """What a chart shows: the period (``YYYY-MM`` months, inclusive), grain, units and
    queue services.

    ``end=None`` means "up to the latest data". ``node`` is the chosen node of the unit
    hierarchy (``""``: the whole county); ``units`` are the unit ids the queries filter
    on (sorted; ``()``: no unit filter, the whole county). ``from_query`` leaves
    ``units`` empty; ``queries.units.resolve_selection`` sets them to the node's members.
    ``services`` is ``()`` (every service) or one queue service.
    """

    start: str = DEFAULT_START
    end: str | None = None
    grain: str = "month"
    units: tuple[str, ...] = field(default_factory=tuple)
    services: tuple[str, ...] = field(default_factory=tuple)
    node: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> tuple[Filters, tuple[str, ...]]:
        """Parse URL parameters; return the filters and the notices for rejected values.

        ``query`` comes from a URL or a browser-side store, so anything that is not a
        mapping counts as no parameters at all."""
        if not isinstance(query, Mapping):
            query = {}
        notices: list[str] = []
        start = DEFAULT_START
        end: str | None = None
        grain = "month"

        raw_start = _values(query.get("from"))
        if raw_start:
            if _month_ok(raw_start[0]):
                start = raw_start[0]
            else:
                notices.append("notice.bad_from")
        raw_end = _values(query.get("to"))
        if raw_end:
            if _month_ok(raw_end[0]):
                end = raw_end[0]
            else:
                notices.append("notice.bad_to")
        if end is not None and end < start:
            notices.append("notice.period_reversed")
            start, end = DEFAULT_START, None

        raw_grain = _values(query.get("grain"))
        if raw_grain:
            if raw_grain[0] in GRAINS:
                grain = raw_grain[0]
            else:
                notices.append("notice.bad_grain")

        # One node at most (the same id named twice is one node); anything else is
        # refused and the whole county shown.
        node = ""
        nodes = list(dict.fromkeys(_values(query.get("unit"))))
        if not all(_NODE_RE.match(value) for value in nodes):
            notices.append(BAD_UNIT)
        elif len(nodes) > 1:
            notices.append(SEVERAL_UNITS)
        elif nodes:
            node = nodes[0]
        # One queue service or all of them.
        services: tuple[str, ...] = ()
        chosen = list(dict.fromkeys(_values(query.get("service"))))
        if not all(service in SERVICES for service in chosen):
            notices.append(BAD_SERVICE)
        elif len(chosen) > 1:
            notices.append(SEVERAL_SERVICES)
        elif chosen:
            services = (chosen[0],)
        filters = cls(start, end, grain, (), services, node)
        return filters, tuple(dict.fromkeys(notices))

    def to_query(self) -> dict[str, object]:
        """The URL parameters that reproduce these filters (defaults left out). The unit
        selection is the node id (``units`` follow from it)."""
        query: dict[str, object] = {}
        if self.start != DEFAULT_START:
            query["from"] = self.start
        if self.end is not None:
            query["to"] = self.end
        if self.grain != "month":
            query["grain"] = self.grain
        if self.node:
            query["unit"] = self.node
        if self.services:
            query["service"] = self.services[0]
        return query

    @property
    def start_date(self) -> date:
        """First day of the first month shown."""
        year, month = (int(p) for p in self.start.split("-"))
        return date(year, month, 1)

    @property
    def end_date_exclusive(self) -> date:
        """First day after the last month shown (far future when open-ended)."""
        if self.end is None:
            return date(9999, 1, 1)
        year, month = (int(p) for p in self.end.split("-"))
        return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
