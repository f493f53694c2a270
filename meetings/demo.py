"""The example meeting series of the local demo (``python -m meetings demo``).

``ensure_demo()`` fills an empty app database, when the reporting data is the
synthetic demo (``queries.reference.is_synthetic``), with one example series
(``is_example=True``) of the demo county: two past meetings with agendas,
observations, decisions and actions with owners (roles, not people) — one action
overdue and still open —, information needs and snapshots of every item, and a coming
meeting with an agenda. The contents (Finnish, user-facing) are in ``demo.fi.json``;
the dates are derived from the data's "data as of" date, so the past meetings fall
inside the data (about two and one months before its end) and the next meeting sees
at least one new month "since the last meeting".

A past meeting's snapshots hold what it could have seen: the served data now
(``meetings.snapshots.take_snapshot``) cut to the periods that ended before the
meeting's month, with ``data_as_of`` the day before that month began.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from meetings import store
from meetings.snapshots import take_snapshot
from queries.periods import period_end

AUTHOR = "esimerkki"
CONTENTS = Path(__file__).resolve().parent / "demo.fi.json"
WEEKDAY = 1  # meetings on Tuesdays
COMING_AFTER_DAYS = 14  # the coming meeting: about two weeks from now


@contextmanager
def _app_context() -> Iterator[None]:
    """A Flask app context with the cache bound (the memoized queries need one), unless
    the caller is already inside one (the app, the tests)."""
    from flask import Flask, has_app_context

    if has_app_context():
        yield
        return
    from queries.cache import init_cache
    from settings import get_settings

    server = Flask(__name__)
    init_cache(server, get_settings())
    with server.app_context():
        yield


def month_start(day: date, months_before: int = 0) -> date:
    """The first day of the month ``months_before`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months_before
    return date(index // 12, index % 12 + 1, 1)


def meeting_day(first: date) -> date:
    """The second Tuesday on or after ``first``."""
    return first + timedelta(days=(WEEKDAY - first.weekday()) % 7 + 7)


def trim_snapshot(snapshot: Mapping, meeting_date: date) -> dict:
    """``snapshot`` as a meeting on ``meeting_date`` could have seen it: only the
    periods that ended before the meeting's month, ``data_as_of`` the last day before
    that month."""
    first = month_start(meeting_date)
    grain = snapshot["grain"]
    rows = [
        row
        for row in snapshot["rows"]
        if period_end(pd.Timestamp(row[1]), grain) < pd.Timestamp(first)
    ]
    as_of = first - timedelta(days=1)
    return {**snapshot, "rows": rows, "data_as_of": as_of.isoformat()}


def _due(spec: Mapping | None, meeting_date: date, now: date) -> date | None:
    """A due date from the contents: ``{"days_after_meeting": n}`` or
    ``{"days_from_today": n}`` (from today or the data's end, whichever is later)."""
    if not spec:
        return None
    if "days_after_meeting" in spec:
        return meeting_date + timedelta(days=spec["days_after_meeting"])
    return now + timedelta(days=spec["days_from_today"])


def _plan(contents: Mapping, as_of: date, today: date) -> list[dict]:
    """The meetings to create: each ``{"date", "past", "items"}`` with each item's
    canonical query (``store.item_query``) and, for past meetings, its trimmed
    snapshot. Only reads: nothing is written before every snapshot is taken."""
    now = max(today, as_of)
    plans = []
    for meeting in contents["meetings"]:
        if meeting.get("coming"):
            when = meeting_day(now + timedelta(days=COMING_AFTER_DAYS - 7))
        else:
            when = meeting_day(month_start(as_of, meeting["months_before"]))
        items = []
        for item in meeting["items"]:
            chart_id = store.check_chart(item["chart_id"])
            query = store.item_query(chart_id, item["query"])
            planned = {**item, "query": query}
            if not meeting.get("coming"):
                snapshot = take_snapshot({"chart_id": chart_id, "query": query})
                planned["snapshot"] = trim_snapshot(snapshot, when)
            items.append(planned)
        plans.append({"date": when, "past": not meeting.get("coming"), "items": items})
    for plan in plans:
        for item in plan["items"]:
            for decision in item.get("decisions", ()):
                decision["due_date"] = _due(decision.get("due"), plan["date"], now)
                decision["effect_by_date"] = _due(decision.get("effect_by"), plan["date"], now)
    return plans


def _create(contents: Mapping, plans: list[dict]) -> dict:
    """Write the series and the planned meetings; returns counts of what was made."""
    made = {"meetings": 0, "items": 0, "decisions": 0, "needs": 0}
    info = contents["series"]
    series = store.create_series(
        info["name"], info["members"], info["rhythm"], author=AUTHOR, is_example=True
    )
    for plan in plans:
        title = contents["title"].format(month=plan["date"].month, year=plan["date"].year)
        meeting = store.create_meeting(series["id"], title, plan["date"], author=AUTHOR)
        made["meetings"] += 1
        version = meeting["version"]
        for item in plan["items"]:
            row = store.add_item(
                meeting["id"],
                version,
                item["chart_id"],
                item["query"],
                item["minutes"],
                author=AUTHOR,
            )
            version += 1
            made["items"] += 1
            if item.get("observations"):
                store.update_item(
                    row["id"], row["version"], observations=item["observations"], author=AUTHOR
                )
            for decision in item.get("decisions", ()):
                store.add_decision(
                    row["id"],
                    kind=decision["kind"],
                    title=decision["title"],
                    details=decision["details"],
                    owner=decision["owner"],
                    due_date=decision["due_date"],
                    effect_direction=decision["effect_direction"],
                    effect_by=decision["effect_by_date"],
                    status=decision["status"],
                    author=AUTHOR,
                )
                made["decisions"] += 1
            for text in item.get("needs", ()):
                store.add_need(row["id"], text, author=AUTHOR)
                made["needs"] += 1
            if "snapshot" in item:
                snapshot = item["snapshot"]
                store.save_snapshot(
                    row["id"],
                    json.dumps(snapshot),
                    date.fromisoformat(snapshot["data_as_of"]),
                    author=AUTHOR,
                )
    return made


def ensure_demo(today: date | None = None) -> str | None:
    """Create the example series when the app database has no series and the reporting
    data is synthetic; returns a one-line summary of what was made, or None when
    nothing was (series exist, real data, or the data has no "data as of" date).
    Raises ``queries.engine.DATABASE_ERRORS`` when the reporting DB cannot be read."""
    from queries.reference import data_as_of, is_synthetic

    if store.list_series():
        return None
    with _app_context():
        as_of = data_as_of()
        if not is_synthetic() or as_of is None:
            return None
        contents = json.loads(CONTENTS.read_text(encoding="utf-8"))
        plans = _plan(contents, as_of, today or date.today())
    made = _create(contents, plans)
    dates = ", ".join(plan["date"].isoformat() for plan in plans)
    return (
        f"Example meeting series {contents['series']['name']!r}: {made['meetings']} meetings"
        f" ({dates}), {made['items']} agenda items, {made['decisions']} decisions and"
        f" actions, {made['needs']} information needs."
    )
