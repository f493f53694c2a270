"""Every read and write of the meeting data (``meetings.schema``).

Writes take the ``author`` (``identity.current_author``; without one a write is
refused with ``ReadOnly``), validate their input (``InvalidInput`` naming a translation
key and the refused value, nothing written), and log the change (``changes``).
Edits of an existing row name the ``version`` they started from: when somebody saved
the row since, nothing is written and ``Conflict`` carries the row as it is now, so the
form can show the other version (optimistic concurrency; no silent overwrite). The
agenda (adding, removing, reordering items) is guarded by the meeting's version.

Rows are returned as plain dicts of the table's columns (dates as ``datetime.date``,
times as aware UTC ``datetime``); ``get_meeting`` nests the series, the items and their
decisions and information needs.

After each committed write the functions registered with ``on_write`` are called (the
answer cache keys drawn decisions by the records' version: ``response_cache``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from urllib.parse import parse_qs

import sqlalchemy as sa

from charts.catalog import CHARTS
from meetings import db
from meetings.schema import (
    ENTITIES,
    agenda_items,
    changes,
    decisions,
    information_needs,
    meetings,
    series,
)
from translations import format_date, quote_value

log = logging.getLogger(__name__)

KINDS = ("decision", "action")
DIRECTIONS = ("", "up", "down", "stable")
DECISION_STATUSES = ("open", "done", "cancelled")
NEED_STATUSES = ("new", "in_progress", "done", "declined")
MAX_TITLE = 120  # a decision's short title: what charts, embeds and exports show
MAX_NAME = 200
MAX_TEXT = 5000
MAX_MINUTES = 120
DATE_EXAMPLE = "31.1.2025"  # how a date is written, in the bad-date message
MAX_INTEGER = 2**31 - 1  # the largest value of an INTEGER column (ids, versions)
# Parameters an agenda item's address may have: the page's filters and card states.
ITEM_PARAMETERS = ("from", "to", "grain", "unit", "service", "view", "phase")


class InvalidInput(ValueError):
    """Input refused: ``key`` is the translation key of the message, ``params`` what it
    names (``field``: the form field's translation key; values quoted)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Conflict(Exception):
    """The row was changed (or removed) by somebody else since ``version``: nothing was
    written. ``current`` is the row as it is now (None when it was removed)."""

    def __init__(self, current: dict | None) -> None:
        super().__init__("conflict")
        self.current = current


class NotFound(LookupError):
    """No such row."""


class ReadOnly(PermissionError):
    """No identity: the meeting pages are read-only."""


# What a store call refuses, and all it may raise that a page or callback shows as a
# message (``meetings.messages.error_text``): a refusal, or the app database unreachable.
REFUSALS: tuple[type[BaseException], ...] = (InvalidInput, Conflict, NotFound, ReadOnly)
STORE_ERRORS: tuple[type[BaseException], ...] = (*REFUSALS, *db.APP_DB_ERRORS)


_on_write: list[Callable[[], None]] = []


def on_write(listener: Callable[[], None]) -> None:
    """Call ``listener()`` after every committed write of this module (in the writing
    thread; what it raises is logged, never the writer's failure: the write is done)."""
    if listener not in _on_write:
        _on_write.append(listener)


@contextmanager
def _writing() -> Iterator[sa.Connection]:
    """A transaction on the app database; the ``on_write`` listeners are told after its
    commit."""
    with db.engine().begin() as conn:
        yield conn
    for listener in _on_write:
        try:
            listener()
        except Exception:  # noqa: BLE001 - the write is committed whatever this does
            log.warning("after-write listener %r failed", listener, exc_info=True)


# --- validation -------------------------------------------------------------------


def parse_id(value: object) -> int | None:
    """A row id or version from a URL part, a form or a callback body: an ``int`` (not
    a bool) or a string of ASCII digits, from 1 to ``MAX_INTEGER`` (what every
    database's INTEGER holds); None for anything else (``"x"``, ``-1``, ``3.5``,
    ``"３"``, ``2**63``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= 10):
            return None
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_INTEGER else None


# C0 controls (line breaks kept) and the bidirectional overrides and isolates, which
# would let a title shown on a chart read differently from what was typed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_FI_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Years a meeting, due date or expected effect can have (a typo such as 1.1.1025 or
# 31.12.9999 is refused rather than kept).
MIN_YEAR, MAX_YEAR = 2000, 2100


def clean_text(value: object, field: str, *, required: bool = False, limit: int = MAX_TEXT):
    """``value`` as stripped text without control characters (line breaks kept).
    Raises ``InvalidInput`` when required and empty, or longer than ``limit``."""
    text = _CONTROL.sub("", value if isinstance(value, str) else "").strip()
    if required and not text:
        raise InvalidInput("meetings.error.required", field=field)
    if len(text) > limit:
        raise InvalidInput("meetings.error.too_long", field=field, limit=limit)
    return text


def parse_date(value: object, field: str, *, required: bool = True) -> date | None:
    """A date from ``YYYY-MM-DD`` (what ``<input type=date>`` sends) or ``d.m.yyyy``, in
    ASCII digits, of a year from ``MIN_YEAR`` to ``MAX_YEAR``. Raises ``InvalidInput``
    naming the field and the value for anything else."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise InvalidInput("meetings.error.required", field=field)
        return None
    found: date | None = None
    try:
        match = _FI_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            found = date(year, month, day)
        elif _ISO_DATE.match(text):
            found = date.fromisoformat(text)
    except ValueError:
        found = None
    if found is not None and MIN_YEAR <= found.year <= MAX_YEAR:
        return found
    raise InvalidInput(
        "meetings.error.bad_date",
        field=field,
        value=quote_value(text),
        example=DATE_EXAMPLE,
        first=MIN_YEAR,
        last=MAX_YEAR,
    )


def _choice(value: object, allowed: tuple[str, ...], field: str) -> str:
    # Anything but one of the strings is refused (a list from a forged request too,
    # even where "" is allowed).
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInput("meetings.error.bad_choice", field=field, value=quote_value(value))
    return value


def _minutes(value: object) -> int:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            "meetings.error.bad_minutes",
            value=quote_value(value),
            minimum=1,
            maximum=MAX_MINUTES,
        )
    return minutes


def check_chart(chart_id: object) -> str:
    """A chart id of the catalog; ``InvalidInput`` otherwise."""
    if not isinstance(chart_id, str) or chart_id not in CHARTS:
        raise InvalidInput("meetings.error.unknown_chart", value=quote_value(chart_id))
    return chart_id


def item_query(chart_id: str, raw: object) -> str:
    """The canonical query string (without "?") of an agenda item's address: the
    page's filters and this chart's view and phase starts, validated exactly like a
    page's URL (``charts.address.Address``). ``raw`` is a query string (a leading "?"
    is fine) or a mapping of parameters. Any parameter refused — unknown, or a value
    a page would drop with a notice — refuses the whole address (``InvalidInput``), and
    so does an address whose views and phase starts all name other charts (copied from
    another chart's card); states of other charts beside this one's are left out."""
    from charts.address import Address  # charts imports the app's settings lazily

    if isinstance(raw, Mapping):
        query = {key: value for key, value in raw.items()}
    else:
        text = raw if isinstance(raw, str) else ""
        query = parse_qs(text.lstrip("?"), keep_blank_values=True)
    unknown = [key for key in query if key not in ITEM_PARAMETERS]
    if unknown:
        raise InvalidInput("meetings.error.bad_parameter", value=quote_value(unknown[0]))
    address, notices = Address.from_query(query)
    if notices:
        raise InvalidInput("meetings.error.bad_address", notices=notices)
    # A page address carries every card's view and phases; one that names only other
    # charts was copied from another chart's card: its view would be silently lost.
    named = {chart for chart, _state in (*address.cards.views, *address.cards.phases)}
    if named and chart_id not in named:
        raise InvalidInput("meetings.error.other_chart", value=quote_value(sorted(named)[0]))
    cards = address.cards.only([chart_id])
    canonical = Address(filters=address.filters, cards=cards)
    return canonical.search().lstrip("?")


# --- writing ----------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _author(author: str | None) -> str:
    if not author:
        raise ReadOnly()
    return author[:MAX_NAME]


def _json_row(row: Mapping) -> str:
    def plain(value):
        return value.isoformat() if isinstance(value, date | datetime) else value

    return json.dumps({key: plain(value) for key, value in row.items()}, ensure_ascii=False)


def _as_dict(row) -> dict:
    data = dict(row._mapping)
    for key, value in data.items():
        # SQLite gives naive datetimes back; they were written in UTC.
        if isinstance(value, datetime) and value.tzinfo is None:
            data[key] = value.replace(tzinfo=UTC)
    return data


def _log(conn: sa.Connection, entity: str, row: dict, action: str, author: str) -> None:
    conn.execute(
        changes.insert().values(
            entity=entity,
            entity_id=row["id"],
            version=row["version"],
            action=action,
            author=author,
            at=_now(),
            data=_json_row(row),
        )
    )


def _fetch(conn: sa.Connection, table: sa.Table, row_id: int) -> dict | None:
    row = conn.execute(sa.select(table).where(table.c.id == row_id)).first()
    return _as_dict(row) if row is not None else None


def _insert(conn: sa.Connection, table: sa.Table, values: dict, author: str) -> dict:
    now = _now()
    row_id = conn.execute(
        table.insert().values(
            **values,
            version=1,
            created_by=author,
            created_at=now,
            updated_by=author,
            updated_at=now,
        )
    ).inserted_primary_key[0]
    row = _fetch(conn, table, row_id)
    _log(conn, table.name, row, "create", author)
    return row


def _update(
    conn: sa.Connection, table: sa.Table, row_id: int, version: object, values: dict, author: str
) -> dict:
    """Write ``values`` if the row is still at ``version``; else ``Conflict``."""
    version = parse_id(version)
    if version is None:  # no version a form can send: the page is not one we drew
        raise InvalidInput("meetings.error.bad_request")
    result = conn.execute(
        table.update()
        .where(table.c.id == row_id, table.c.version == version)
        .values(**values, version=table.c.version + 1, updated_by=author, updated_at=_now())
    )
    if result.rowcount != 1:
        raise Conflict(_fetch(conn, table, row_id))
    row = _fetch(conn, table, row_id)
    _log(conn, table.name, row, "update", author)
    return row


def _bump_meeting(conn: sa.Connection, meeting_id: int, version: object, author: str) -> dict:
    """The agenda's guard: the meeting's version goes up with every agenda change."""
    return _update(conn, meetings, meeting_id, version, {}, author)


def _series_values(name, members, rhythm) -> dict:
    return {
        "name": clean_text(name, "meetings.field.series_name", required=True, limit=MAX_NAME),
        "members": clean_text(members, "meetings.field.members"),
        "rhythm": clean_text(rhythm, "meetings.field.rhythm", limit=MAX_NAME),
    }


def create_series(
    name: object,
    members: object = "",
    rhythm: object = "",
    *,
    author: str | None,
    is_example: bool = False,
) -> dict:
    """A new meeting series; returns its row."""
    values = _series_values(name, members, rhythm) | {"is_example": bool(is_example)}
    author = _author(author)
    with _writing() as conn:
        return _insert(conn, series, values, author)


def update_series(
    series_id: int,
    version: object,
    name: object,
    members: object,
    rhythm: object,
    *,
    author: str | None,
) -> dict:
    """Change a series' name, members and rhythm (``Conflict`` if changed since)."""
    values = _series_values(name, members, rhythm)
    author = _author(author)
    with _writing() as conn:
        return _update(conn, series, series_id, version, values, author)


def _meeting_values(title, meeting_date) -> dict:
    return {
        "title": clean_text(title, "meetings.field.title", required=True, limit=MAX_NAME),
        "meeting_date": parse_date(meeting_date, "meetings.field.date"),
    }


def create_meeting(
    series_id: int, title: object, meeting_date: object, *, author: str | None
) -> dict:
    """A new meeting of a series; returns its row."""
    values = _meeting_values(title, meeting_date)
    author = _author(author)
    with _writing() as conn:
        if _fetch(conn, series, series_id) is None:
            raise NotFound(series_id)
        return _insert(conn, meetings, {**values, "series_id": series_id}, author)


def update_meeting(
    meeting_id: int,
    version: object,
    title: object,
    meeting_date: object,
    *,
    author: str | None,
) -> dict:
    """Change a meeting's title and date (``Conflict`` if changed since)."""
    values = _meeting_values(title, meeting_date)
    author = _author(author)
    with _writing() as conn:
        return _update(conn, meetings, meeting_id, version, values, author)


def add_item(
    meeting_id: int,
    meeting_version: object,
    chart_id: object,
    query: object = "",
    minutes: object = 10,
    *,
    author: str | None,
) -> dict:
    """Put a chart on the meeting's agenda, last; returns the item's row."""
    chart_id = check_chart(chart_id)
    values = {
        "chart_id": chart_id,
        "query": item_query(chart_id, query),
        "minutes": _minutes(minutes),
    }
    author = _author(author)
    with _writing() as conn:
        _bump_meeting(conn, meeting_id, meeting_version, author)
        last = conn.execute(
            sa.select(sa.func.max(agenda_items.c.position)).where(
                agenda_items.c.meeting_id == meeting_id
            )
        ).scalar()
        position = (last or 0) + 1
        return _insert(
            conn,
            agenda_items,
            {**values, "meeting_id": meeting_id, "position": position},
            author,
        )


def update_item(
    item_id: int,
    version: object,
    *,
    query: object = None,
    minutes: object = None,
    observations: object = None,
    author: str | None,
) -> dict:
    """Change an item's address, minutes or observations (those given)."""
    author = _author(author)
    with _writing() as conn:
        current = _fetch(conn, agenda_items, item_id)
        if current is None:
            raise NotFound(item_id)
        values: dict = {}
        if query is not None:
            values["query"] = item_query(current["chart_id"], query)
        if minutes is not None:
            values["minutes"] = _minutes(minutes)
        if observations is not None:
            values["observations"] = clean_text(observations, "meetings.field.observations")
        return _update(conn, agenda_items, item_id, version, values, author)


def _items_of(conn: sa.Connection, meeting_id: int) -> list[dict]:
    rows = conn.execute(
        sa.select(agenda_items)
        .where(agenda_items.c.meeting_id == meeting_id)
        .order_by(agenda_items.c.position, agenda_items.c.id)
    )
    return [_as_dict(row) for row in rows]


def move_item(
    meeting_id: int, meeting_version: object, item_id: int, offset: int, *, author: str | None
) -> None:
    """Move an item ``offset`` places (-1 up, +1 down) on the agenda."""
    author = _author(author)
    with _writing() as conn:
        _bump_meeting(conn, meeting_id, meeting_version, author)
        items = _items_of(conn, meeting_id)
        ids = [item["id"] for item in items]
        if item_id not in ids:
            raise NotFound(item_id)
        index = ids.index(item_id)
        target = min(max(index + int(offset), 0), len(ids) - 1)
        ids.insert(target, ids.pop(index))
        for position, row_id in enumerate(ids, start=1):
            conn.execute(
                agenda_items.update().where(agenda_items.c.id == row_id).values(position=position)
            )


def remove_item(
    meeting_id: int, meeting_version: object, item_id: int, *, author: str | None
) -> None:
    """Take an item off the agenda. An item with decisions or information needs
    recorded is kept (``InvalidInput``): what was decided is not lost."""
    author = _author(author)
    with _writing() as conn:
        _bump_meeting(conn, meeting_id, meeting_version, author)
        item = _fetch(conn, agenda_items, item_id)
        if item is None or item["meeting_id"] != meeting_id:
            raise NotFound(item_id)
        for table in (decisions, information_needs):
            if conn.execute(sa.select(sa.func.count()).where(table.c.item_id == item_id)).scalar():
                raise InvalidInput("meetings.error.item_has_records")
        conn.execute(agenda_items.delete().where(agenda_items.c.id == item_id))
        _log(conn, agenda_items.name, item, "delete", author)


def save_snapshot(item_id: int, snapshot: str, as_of: date | None, *, author: str) -> None:
    """Keep the served data an item shows (``meetings.snapshots``) on the item. Not
    versioned: it is what the meeting saw, written by the app, not by a form."""
    with _writing() as conn:
        conn.execute(
            agenda_items.update()
            .where(agenda_items.c.id == item_id)
            .values(snapshot=snapshot, snapshot_as_of=as_of, snapshot_at=_now())
        )


def _decision_values(
    kind, title, details, owner, due_date, effect_direction, effect_by, status
) -> dict:
    kind = _choice(kind, KINDS, "meetings.field.kind")
    values = {
        "kind": kind,
        "title": clean_text(title, "meetings.field.decision_title", required=True, limit=MAX_TITLE),
        "details": clean_text(details, "meetings.field.details"),
        "owner": clean_text(
            owner, "meetings.field.owner", required=kind == "action", limit=MAX_NAME
        ),
        "due_date": parse_date(due_date, "meetings.field.due_date", required=kind == "action"),
        "effect_direction": _choice(effect_direction or "", DIRECTIONS, "meetings.field.effect"),
        "effect_by": parse_date(effect_by, "meetings.field.effect_by", required=False),
        "status": _choice(status or "open", DECISION_STATUSES, "meetings.field.status"),
    }
    return values


def _check_due(values: Mapping, decided_on: date) -> None:
    """An action cannot be due, nor an effect expected, before the meeting that
    decided it (``InvalidInput`` naming the field and the meeting's date)."""
    for key, field in (
        ("due_date", "meetings.field.due_date"),
        ("effect_by", "meetings.field.effect_by"),
    ):
        if values.get(key) is not None and values[key] < decided_on:
            raise InvalidInput(
                "meetings.error.before_meeting", field=field, date=format_date(decided_on)
            )


def add_decision(
    item_id: int,
    *,
    kind: object,
    title: object,
    details: object = "",
    owner: object = "",
    due_date: object = None,
    effect_direction: object = "",
    effect_by: object = None,
    status: object = "open",
    author: str | None,
) -> dict:
    """Record a decision or an action on an agenda item; returns its row. An action
    needs an owner and a due date. Its marker goes on the item's chart at the
    meeting's date."""
    values = _decision_values(
        kind, title, details, owner, due_date, effect_direction, effect_by, status
    )
    author = _author(author)
    with _writing() as conn:
        item = _fetch(conn, agenda_items, item_id)
        if item is None:
            raise NotFound(item_id)
        meeting = _fetch(conn, meetings, item["meeting_id"])
        _check_due(values, meeting["meeting_date"])
        values |= {
            "item_id": item_id,
            "chart_id": item["chart_id"],
            "decided_on": meeting["meeting_date"],
        }
        return _insert(conn, decisions, values, author)


def update_decision(
    decision_id: int,
    version: object,
    *,
    kind: object,
    title: object,
    details: object = "",
    owner: object = "",
    due_date: object = None,
    effect_direction: object = "",
    effect_by: object = None,
    status: object = "open",
    author: str | None,
) -> dict:
    """Change a decision or action (``Conflict`` if changed since)."""
    values = _decision_values(
        kind, title, details, owner, due_date, effect_direction, effect_by, status
    )
    author = _author(author)
    with _writing() as conn:
        current = _fetch(conn, decisions, decision_id)
        if current is not None:
            _check_due(values, current["decided_on"])
        return _update(conn, decisions, decision_id, version, values, author)


def set_decision_status(
    decision_id: int, version: object, status: object, *, author: str | None
) -> dict:
    """Mark an action done or cancelled, or open again."""
    status = _choice(status, DECISION_STATUSES, "meetings.field.status")
    author = _author(author)
    with _writing() as conn:
        return _update(conn, decisions, decision_id, version, {"status": status}, author)


def add_need(item_id: int, text: object, *, author: str | None) -> dict:
    """Record an information need raised on an agenda item (status "new")."""
    values = {"text": clean_text(text, "meetings.field.need", required=True)}
    author = _author(author)
    with _writing() as conn:
        if _fetch(conn, agenda_items, item_id) is None:
            raise NotFound(item_id)
        return _insert(conn, information_needs, {**values, "item_id": item_id}, author)


def update_need(
    need_id: int,
    version: object,
    *,
    status: object,
    response: object = "",
    author: str | None,
) -> dict:
    """The analysts' answer to an information need: its status and response."""
    values = {
        "status": _choice(status, NEED_STATUSES, "meetings.field.status"),
        "response": clean_text(response, "meetings.field.response"),
    }
    author = _author(author)
    with _writing() as conn:
        return _update(conn, information_needs, need_id, version, values, author)


# --- reading ----------------------------------------------------------------------


def list_series() -> list[dict]:
    """Every series, by name."""
    with db.engine().connect() as conn:
        return [_as_dict(row) for row in conn.execute(sa.select(series).order_by(series.c.name))]


def get_series(series_id: int) -> dict:
    """One series' row (``NotFound``)."""
    with db.engine().connect() as conn:
        row = _fetch(conn, series, series_id)
    if row is None:
        raise NotFound(series_id)
    return row


def list_meetings(series_id: int | None = None) -> list[dict]:
    """Meetings (of one series, or all), by date then id, each with its series' name
    (``series_name``) and number of agenda items (``item_count``)."""
    count = (
        sa.select(sa.func.count())
        .where(agenda_items.c.meeting_id == meetings.c.id)
        .scalar_subquery()
    )
    query = (
        sa.select(meetings, series.c.name.label("series_name"), count.label("item_count"))
        .join(series, series.c.id == meetings.c.series_id)
        .order_by(meetings.c.meeting_date, meetings.c.id)
    )
    if series_id is not None:
        query = query.where(meetings.c.series_id == series_id)
    with db.engine().connect() as conn:
        return [_as_dict(row) for row in conn.execute(query)]


def _children(conn: sa.Connection, table: sa.Table, item_ids: list[int]) -> dict[int, list]:
    found: dict[int, list] = {item_id: [] for item_id in item_ids}
    if item_ids:
        rows = conn.execute(
            sa.select(table).where(table.c.item_id.in_(item_ids)).order_by(table.c.id)
        )
        for row in rows:
            data = _as_dict(row)
            found[data["item_id"]].append(data)
    return found


def get_meeting(meeting_id: int) -> dict:
    """A meeting with ``series`` (its row), ``items`` (in agenda order, each with
    ``decisions`` and ``needs``); ``NotFound`` when there is none."""
    with db.engine().connect() as conn:
        meeting = _fetch(conn, meetings, meeting_id)
        if meeting is None:
            raise NotFound(meeting_id)
        meeting["series"] = _fetch(conn, series, meeting["series_id"])
        items = _items_of(conn, meeting_id)
        ids = [item["id"] for item in items]
        found_decisions = _children(conn, decisions, ids)
        found_needs = _children(conn, information_needs, ids)
    for item in items:
        item["decisions"] = found_decisions[item["id"]]
        item["needs"] = found_needs[item["id"]]
    meeting["items"] = items
    return meeting


def get_item(item_id: int) -> dict:
    """One agenda item's row (``NotFound``)."""
    with db.engine().connect() as conn:
        row = _fetch(conn, agenda_items, item_id)
    if row is None:
        raise NotFound(item_id)
    return row


def item_records(item_id: int) -> dict:
    """One agenda item's row with ``decisions`` and ``needs`` (its decisions and
    actions, and its information needs, each oldest first); ``NotFound``."""
    with db.engine().connect() as conn:
        item = _fetch(conn, agenda_items, item_id)
        if item is None:
            raise NotFound(item_id)
        item["decisions"] = _children(conn, decisions, [item_id])[item_id]
        item["needs"] = _children(conn, information_needs, [item_id])[item_id]
    return item


def previous_meeting(meeting: Mapping) -> dict | None:
    """The meeting of the same series held last before ``meeting`` (by date, then id),
    with its items (``get_meeting``), or None."""
    query = (
        sa.select(meetings.c.id)
        .where(
            meetings.c.series_id == meeting["series_id"],
            sa.or_(
                meetings.c.meeting_date < meeting["meeting_date"],
                sa.and_(
                    meetings.c.meeting_date == meeting["meeting_date"],
                    meetings.c.id < meeting["id"],
                ),
            ),
        )
        .order_by(meetings.c.meeting_date.desc(), meetings.c.id.desc())
        .limit(1)
    )
    with db.engine().connect() as conn:
        found = conn.execute(query).scalar()
    return get_meeting(found) if found is not None else None


def last_change() -> int:
    """The number of the last change written to the app database (0 when none): every
    write through this module logs one (``_log``), so the number changes with every
    series, meeting, agenda item, decision or need saved."""
    with db.engine().connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(changes.c.id))).scalar() or 0)


def decisions_for_chart(chart_id: str) -> list[dict]:
    """The decisions and actions recorded on agenda items of ``chart_id`` (any
    meeting, any filters), by date: what the chart's markers show."""
    with db.engine().connect() as conn:
        rows = conn.execute(
            sa.select(decisions)
            .where(decisions.c.chart_id == chart_id, decisions.c.status != "cancelled")
            .order_by(decisions.c.decided_on, decisions.c.id)
        )
        return [_as_dict(row) for row in rows]


def open_actions(series_id: int, before: date) -> list[dict]:
    """The actions of the series' meetings held before ``before`` that are still open,
    by due date, each with ``meeting_title``, ``meeting_date``, ``chart_id``,
    ``meeting_id`` and ``item_number`` (where its status is kept up to date:
    ``/tietokeskustelut/<meeting_id>/kohta/<item_number>``)."""
    query = (
        sa.select(
            decisions,
            meetings.c.id.label("meeting_id"),
            _item_number().label("item_number"),
            meetings.c.title.label("meeting_title"),
            meetings.c.meeting_date.label("meeting_date"),
        )
        .join(agenda_items, agenda_items.c.id == decisions.c.item_id)
        .join(meetings, meetings.c.id == agenda_items.c.meeting_id)
        .where(
            meetings.c.series_id == series_id,
            meetings.c.meeting_date < before,
            decisions.c.kind == "action",
            decisions.c.status == "open",
        )
        .order_by(decisions.c.due_date, decisions.c.id)
    )
    with db.engine().connect() as conn:
        return [_as_dict(row) for row in conn.execute(query)]


def _item_number() -> sa.ScalarSelect:
    """The agenda item's 1-based place on its meeting's agenda (as in
    ``/tietokeskustelut/<meeting>/kohta/<n>``), as a correlated subquery."""
    earlier = agenda_items.alias("earlier")
    return (
        sa.select(sa.func.count())
        .where(
            earlier.c.meeting_id == agenda_items.c.meeting_id,
            sa.or_(
                earlier.c.position < agenda_items.c.position,
                sa.and_(
                    earlier.c.position == agenda_items.c.position,
                    earlier.c.id <= agenda_items.c.id,
                ),
            ),
        )
        .scalar_subquery()
    )


def earlier_actions(meeting: Mapping) -> list[dict]:
    """What the meeting starts with: the open actions of the series' earlier meetings
    (``open_actions``, by due date), then the actions of the previous meeting
    that are done. Each row has ``meeting_title``, ``meeting_date``, ``meeting_id`` and
    ``item_number`` (the item page where its status is changed)."""
    rows = open_actions(meeting["series_id"], meeting["meeting_date"])
    previous = previous_meeting(meeting)
    if previous is not None:
        for number, item in enumerate(previous["items"], start=1):
            for decision in item["decisions"]:
                if decision["kind"] == "action" and decision["status"] == "done":
                    rows.append(
                        decision
                        | {
                            "meeting_title": previous["title"],
                            "meeting_date": previous["meeting_date"],
                            "meeting_id": previous["id"],
                            "item_number": number,
                        }
                    )
    return rows


def list_needs(status: str | None = None) -> list[dict]:
    """Information needs (all, or of one status), newest first, each with the chart,
    meeting title and date it was raised in, and the item's place on the agenda
    (``item_number``: 1-based, as in ``/tietokeskustelut/<meeting>/kohta/<n>``)."""
    number = _item_number()
    query = (
        sa.select(
            information_needs,
            agenda_items.c.chart_id,
            number.label("item_number"),
            meetings.c.id.label("meeting_id"),
            meetings.c.title.label("meeting_title"),
            meetings.c.meeting_date.label("meeting_date"),
        )
        .join(agenda_items, agenda_items.c.id == information_needs.c.item_id)
        .join(meetings, meetings.c.id == agenda_items.c.meeting_id)
        .order_by(information_needs.c.created_at.desc(), information_needs.c.id.desc())
    )
    if status is not None:
        query = query.where(information_needs.c.status == status)
    with db.engine().connect() as conn:
        return [_as_dict(row) for row in conn.execute(query)]


def history(entity: str, entity_id: int) -> list[dict]:
    """Every change of one row, oldest first: ``version``, ``action``, ``author``,
    ``at`` and ``data`` (the row after the change, decoded)."""
    if entity not in ENTITIES:
        raise NotFound(entity)
    with db.engine().connect() as conn:
        rows = conn.execute(
            sa.select(changes)
            .where(changes.c.entity == entity, changes.c.entity_id == entity_id)
            .order_by(changes.c.id)
        )
        found = [_as_dict(row) for row in rows]
    for row in found:
        row["data"] = json.loads(row["data"])
    return found


def is_overdue(action: Mapping, today: date | None = None) -> bool:
    """An open action whose due date has passed (``today`` by default). A decision is
    never overdue: only actions are owed by somebody."""
    today = today or date.today()
    due = action.get("due_date")
    return (
        action.get("kind") == "action"
        and action.get("status") == "open"
        and due is not None
        and due < today
    )
