"""The year view (*vuosikello*) of the meetings: pure functions, no Dash, no database.

A meeting is *held* when its date is before today and *planned* from today on (a
meeting of today is still planned until the day is over).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

MIN_YEAR = 1900
MAX_YEAR = 2200


def parse_year(raw: object, today: date) -> tuple[int, bool]:
    """The year of a ``?vuosi=`` parameter and whether it was valid: four digits
    within ``MIN_YEAR``–``MAX_YEAR``; anything else (several values, letters, missing)
    gives ``today``'s year (``ok`` False only for a value that was given and refused)."""
    if raw is None or raw == "":
        return today.year, True
    text = raw.strip() if isinstance(raw, str) else ""
    if re.fullmatch(r"\d{4}", text) and MIN_YEAR <= int(text) <= MAX_YEAR:
        return int(text), True
    return today.year, False


def is_held(meeting_date: date, today: date) -> bool:
    """Whether a meeting on ``meeting_date`` has been held by ``today``."""
    return meeting_date < today


def year_months(meetings: Iterable[Mapping], year: int, today: date) -> list[dict]:
    """The 12 months of ``year``: ``[{"month": 1..12, "meetings": [...]}, ...]``, each
    month's meetings (rows with ``meeting_date``) by date then id, each a copy with
    ``held`` (bool) added. Meetings of other years are left out."""
    months: list[dict] = [{"month": month, "meetings": []} for month in range(1, 13)]
    chosen = sorted(
        (m for m in meetings if m["meeting_date"].year == year),
        key=lambda m: (m["meeting_date"], m.get("id") or 0),
    )
    for meeting in chosen:
        entry = {**meeting, "held": is_held(meeting["meeting_date"], today)}
        months[meeting["meeting_date"].month - 1]["meetings"].append(entry)
    return months
