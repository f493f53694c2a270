"""Filters: the validated, normalised value object every chart query takes.

A URL query string (``?from=2024-01&to=2025-06&grain=quarter&unit=TA01&unit=TA02``) is
parsed into ``Filters`` by ``Filters.from_query``. Invalid values never raise: they fall
back to the default and add a notice (``translations.Notice``: a translation key and
the refused value, quoted) that the page shows.
``Filters`` is frozen and holds only primitives, so its ``repr`` is a stable cache key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from translations import Notice, merge_notices, quote_value, refused

GRAINS = ("month", "quarter", "year")
MONTHS_PER_GRAIN = {"month": 1, "quarter": 3, "year": 12}
# Queue services (queue_entries.service); the service filter applies to queue charts.
SERVICES = ("oral_health", "mental_health", "substance_abuse", "family_centre", "primary_care")
DEFAULT_START = "2022-01"
# ASCII digits only: "\d" would take any Unicode digit ("２０２４-01"), which int() reads
# as the same year, so one month would have endless spellings (and cache keys).
_MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
_UNIT_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_UNITS = 50


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

    ``end=None`` means "up to the latest data"; ``units=()`` means the whole county;
    ``services=()`` means every service.
    """

    start: str = DEFAULT_START
    end: str | None = None
    grain: str = "month"
    units: tuple[str, ...] = field(default_factory=tuple)
    services: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> tuple[Filters, tuple[str, ...]]:
        """Parse URL parameters; return the filters and the notices for rejected values.

        ``query`` comes from a URL or a browser-side store, so anything that is not a
        mapping counts as no parameters at all."""
        if not isinstance(query, Mapping):
            query = {}
        notices: list[Notice] = []
        start = DEFAULT_START
        end: str | None = None
        grain = "month"

        raw_start = _values(query.get("from"))
        if raw_start:
            if _month_ok(raw_start[0]):
                start = raw_start[0]
            else:
                notices.append(refused("notice.bad_from", raw_start[0]))
        raw_end = _values(query.get("to"))
        if raw_end:
            if _month_ok(raw_end[0]):
                end = raw_end[0]
            else:
                notices.append(refused("notice.bad_to", raw_end[0]))
        if end is not None and end < start:
            notices.append(
                Notice("notice.period_reversed", start=quote_value(start), end=quote_value(end))
            )
            start, end = DEFAULT_START, None

        raw_grain = _values(query.get("grain"))
        if raw_grain:
            if raw_grain[0] in GRAINS:
                grain = raw_grain[0]
            else:
                notices.append(refused("notice.bad_grain", raw_grain[0]))

        units: list[str] = []
        for unit in _values(query.get("unit")):
            if not _UNIT_RE.match(unit):
                notices.append(refused("notice.bad_unit", unit))
            elif len(units) < MAX_UNITS:
                units.append(unit)
            else:
                notices.append(Notice("notice.too_many_units", limit=str(MAX_UNITS)))
        services: list[str] = []
        for service in _values(query.get("service")):
            if service in SERVICES:
                services.append(service)
            else:
                notices.append(
                    Notice(
                        "notice.bad_service",
                        value=quote_value(service),
                        services=tuple((f"service.{s}", s) for s in SERVICES),
                    )
                )
        filters = cls(start, end, grain, tuple(sorted(set(units))), tuple(sorted(set(services))))
        return filters, merge_notices(notices)

    def to_query(self) -> dict[str, object]:
        """The URL parameters that reproduce these filters (defaults left out)."""
        query: dict[str, object] = {}
        if self.start != DEFAULT_START:
            query["from"] = self.start
        if self.end is not None:
            query["to"] = self.end
        if self.grain != "month":
            query["grain"] = self.grain
        if self.units:
            query["unit"] = list(self.units)
        if self.services:
            query["service"] = list(self.services)
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
