"""Whole callback answers kept for a few seconds, for the crowd opening one link.

A warm page view still cost about 25 ms of server CPU: a dozen callbacks, each reading
memoized results from Redis, building components and serialising them. Everyone in the
meeting sends the *same* callback requests (the same page, filters, language and view
make the same request body) and gets the same answer until the data or the meeting
records change. So each process keeps the JSON answer of the callbacks in ``KEPT``
for ``KEEP_SECONDS`` and answers the same request again from it before Dash parses it
(docs/performance.md, "Server CPU per page view").

The answers are kept in the process only (``KEEP_BYTES``, least recently used out
first), not in Redis: any client can vary a request body at will, and a shared store
keyed by bodies would grow with every variation. What is expensive to compute — the
query results and chart payloads — stays in the shared cache, one computation per key
(``queries.cache``); rebuilding an answer from them costs a few milliseconds, once per
process every few seconds.

The key is a SHA-256 of everything the answer depends on:

- the request body (its JSON, keys sorted, without the page-state token: see below);
- the settings (reporting database, small-count minimum, language, …) and the
  reporting data's version (``queries.data_version``);
- for answers that draw decisions, the meeting records' version (``records_version``):
  a decision recorded in the meeting shows on the next request, in every process;
- today's date (overdue actions, open periods).

A listed callback's answer must therefore be a function of these alone: not of the
user (identity, cookies) nor of anything else in the request. The query string is not
in the key: Dash adds a signed ``endId`` unique to each page load, which only its
background callbacks read. The meeting pages are never kept (their pages and forms
depend on who asks); the page router is kept only for the overview and the area pages.

**Adding a callback to ``KEPT``**: its key is Dash's ``output`` string (one output:
``"id.prop"`` or, for a pattern id, its sorted JSON with the wildcard as
``["MATCH"]``; several outputs: ``"..a.prop...b.prop.."``; ``app.callback_map`` lists
them, and a test checks that every entry names a registered callback). Only a
callback whose answer reads nothing of the request beyond its inputs and states —
no ``flask.request``, ``identity.current_identity()``, cookies or headers — may be
listed; one that reads ``meetings.store`` needs ``Kept(records=True)``; every branch that
shows something other than the data must call ``keep_out()``.

**Page tokens.** A page build carries tokens unique to it (``page_token``: the
page-state store's, so late answers meant for an earlier build are told apart, and the
export panel's). No kept callback reads them, so the page-state token is left out of
the key; and while a kept answer is built, ``page_token`` gives placeholders that every
answer, computed or kept, replaces with fresh tokens. Each page build still gets tokens
of its own.

**Never kept**: an answer other than 200; one whose callback showed something instead of
data (``keep_out()``: a database notice, decisions that could not be read, a fallback
of any kind — every such branch of a listed callback calls it); and, as a second line,
one during which anything was logged at WARNING or above in the answering thread.
``cache.clear()`` drops every kept answer of the process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date

import cachetools
from dash import Dash
from flask import Response, has_request_context, request

from charts.areas import ALL_AREAS
from http_delivery import COMPRESS_ONCE_KEY
from meetings import store
from queries.cache import cache, on_clear
from queries.data_version import data_version
from settings import get_settings

log = logging.getLogger(__name__)

PAGE_STATE = "page-state"  # the store saying which page shows which address (dashboards._page)
ROUTER = ".._pages_content.children..._pages_store.data.."


@dataclass(frozen=True)
class Kept:
    """How a callback's answers are kept: ``records`` when the answer draws the
    decisions recorded in meetings (the key then carries the records' version);
    ``area_pages_only`` for the page router (kept for the overview and the
    investment-area pages, never for the meeting pages)."""

    records: bool = False
    area_pages_only: bool = False


# Dash's ``output`` string of each kept callback.
KEPT: dict[str, Kept] = {
    '{"chart":["MATCH"],"type":"chart-body"}.children': Kept(records=True),
    '..{"chart":["MATCH"],"type":"chart-table"}.children...'
    '{"chart":["MATCH"],"type":"chart-table"}.className..': Kept(records=True),
    '{"chart":["MATCH"],"type":"kpi-body"}.children': Kept(),
    '{"chart":["MATCH"],"type":"definition"}.children': Kept(),
    "data-notice.children": Kept(),
    "..filter-unit.options...unit-status.children..": Kept(),
    "..filter-from.options...filter-to.options..": Kept(),
    ROUTER: Kept(area_pages_only=True),
}

# Per process: at most this many bytes of answers, each for at most this long.
KEEP_BYTES = 32 * 1024 * 1024
KEEP_SECONDS = 5.0

_KEY = "tk.answer_key"
_KEEP_OUT = "tk.answer_keep_out"
_TOKENS = "tk.answer_tokens"
# Placeholders of this process: letters, digits and "-" only, so JSON keeps them as
# they are; random, so no content can look like one; a fixed-width number ended by
# "-", so no placeholder is the beginning of another.
_PLACEHOLDER = "tk-page-token-" + secrets.token_hex(8) + "-"
_answering = threading.local()  # the WSGI environ of the request this thread answers


@dataclass(frozen=True)
class _Answer:
    """A kept answer: its bytes, the page-token placeholders in them and a hash of the
    bytes (what their compressed form is kept under, ``http_delivery``)."""

    text: bytes
    placeholders: tuple[str, ...]
    digest: str


_kept: cachetools.TTLCache = cachetools.TTLCache(
    maxsize=KEEP_BYTES, ttl=KEEP_SECONDS, getsizeof=lambda answer: len(answer.text) + 200
)
_kept_lock = threading.Lock()


def forget_kept_answers() -> None:
    """Drop this process's kept answers."""
    with _kept_lock:
        _kept.clear()


on_clear(forget_kept_answers)


def keep_out() -> None:
    """Do not keep the answer of the request being answered: it shows a notice, a
    fallback or anything else that is not the data. Call it in every such branch of a
    callback in ``KEPT``; outside a request it does nothing."""
    if has_request_context():
        request.environ[_KEEP_OUT] = True


# The shared counter of writes to the meeting records (in the cache, so every process
# and host sees it), and how long a process trusts its reading of the app database's
# last change number.
RECORDS_COUNTER = "records-written"
RECORDS_RECHECK_SECONDS = 5.0
_last_change: dict[str, tuple[float, int]] = {}  # app DB URL -> (monotonic time, number)
_last_change_lock = threading.Lock()


def records_version() -> str:
    """The meeting records' version: ``"<counter>:<last change>"``.

    The counter is in the shared cache; every write through ``meetings.store`` adds one
    after its commit (``note_records_written``), so all processes see a decision at
    their next request at the cost of one small cache read. The app database's last
    change number (``meetings.store.last_change``, re-read at most every
    ``RECORDS_RECHECK_SECONDS`` per process, at once after a write here) covers writes
    the counter missed: made before the server started (``python -m meetings demo``)
    or while the cache did not answer. Raises one of ``meetings.db.APP_DB_ERRORS`` when
    the app database cannot be read."""
    url = get_settings().app_db_url
    with _last_change_lock:
        known = _last_change.get(url)
        if known is None or time.monotonic() - known[0] > RECORDS_RECHECK_SECONDS:
            known = _last_change[url] = (time.monotonic(), store.last_change())
    return f"{cache.get(RECORDS_COUNTER) or 0}:{known[1]}"


def note_records_written() -> None:
    """After a committed write to the meeting records: add one to the shared counter,
    and read the last change number anew in this process."""
    with _last_change_lock:
        _last_change.clear()
    try:
        cache.cache.inc(RECORDS_COUNTER)  # the backend's; Redis INCR creates it at 0
    except Exception:  # noqa: BLE001 - no app or cache here (a command): the number covers it
        log.info("records counter not increased; the last change number is read instead")


store.on_write(note_records_written)


def page_token() -> str:
    """A token unique to one page build (32 hex digits). While an answer to be kept is
    built, a placeholder that the answer's delivery replaces (module docstring)."""
    environ = request.environ if has_request_context() else None
    if environ is None or _KEY not in environ:
        return uuid.uuid4().hex
    tokens = environ.setdefault(_TOKENS, [])
    tokens.append(f"{_PLACEHOLDER}{len(tokens):06d}-")
    return tokens[-1]


def _without_page_token(body: dict) -> dict:
    """``body`` with the token taken out of the page-state store's value."""

    def clean(item: object) -> object:
        if (
            isinstance(item, dict)
            and item.get("id") == PAGE_STATE
            and isinstance(item.get("value"), dict)
        ):
            return {**item, "value": {k: v for k, v in item["value"].items() if k != "token"}}
        return item

    return {
        name: [clean(item) for item in value] if isinstance(value, list) else value
        for name, value in body.items()
    }


def answer_key(body: dict, rule: Kept) -> str:
    """The key of the kept answer to ``body`` (module docstring). Raises one of
    ``queries.engine.DATABASE_ERRORS`` when the data version cannot be read and
    ``meetings.db.APP_DB_ERRORS`` when the app database cannot be read."""
    digest = hashlib.sha256()
    for part in (
        repr(get_settings()),
        data_version(),
        records_version() if rule.records else "-",
        date.today().isoformat(),
        json.dumps(_without_page_token(body), sort_keys=True, separators=(",", ":")),
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _area_page_asked(body: dict, prefix: str) -> bool:
    """Whether a router request asks for the overview or an area page."""
    paths = {prefix.rstrip("/") + area.path for area in ALL_AREAS} | {prefix}
    inputs = body.get("inputs")
    for item in inputs if isinstance(inputs, list) else ():
        if isinstance(item, dict) and item.get("property") == "pathname":
            value = item.get("value")
            return isinstance(value, str) and value in paths
    return False


def _fresh_tokens(text: bytes, placeholders: tuple[str, ...]) -> bytes:
    """``text`` with each placeholder replaced by a new token."""
    for placeholder in placeholders:
        text = text.replace(placeholder.encode(), uuid.uuid4().hex.encode())
    return text


def _keep(key: str, text: bytes, placeholders: tuple[str, ...]) -> _Answer:
    """Keep an answer (one larger than the whole budget is not kept)."""
    answer = _Answer(text, placeholders, hashlib.sha256(text).hexdigest())
    with _kept_lock, contextlib.suppress(ValueError):
        _kept[key] = answer
    return answer


class _WarningsKeepOut(logging.Handler):
    """``keep_out()`` for the request the logging thread answers when anything is
    logged at WARNING or above while answering it (the second line of defence)."""

    def emit(self, record: logging.LogRecord) -> None:
        environ = getattr(_answering, "environ", None)
        if environ is not None:
            environ[_KEEP_OUT] = True


_warnings_keep_out = _WarningsKeepOut(level=logging.WARNING)


def init_response_cache(app: Dash) -> None:
    """Answer repeated requests of the ``KEPT`` callbacks from the kept answers and
    keep new ones (module docstring). Register it after ``http_delivery`` (answers are
    kept uncompressed) and after ``dash_requests``' checks: only requests that passed
    them reach it (a body nested too deep for the parser, or of any shape Dash's
    renderer cannot send, is refused before)."""
    server = app.server
    dispatch = app.config.routes_pathname_prefix + "_dash-update-component"
    prefix = app.config.requests_pathname_prefix
    root = logging.getLogger()
    if _warnings_keep_out not in root.handlers:
        root.addHandler(_warnings_keep_out)

    @server.before_request
    def _answer_if_kept():
        if request.endpoint != dispatch or request.method != "POST":
            return None
        body = request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        rule = KEPT.get(output) if isinstance(output, str) else None
        if rule is None or (rule.area_pages_only and not _area_page_asked(body, prefix)):
            return None
        _answering.environ = request.environ
        try:
            key = answer_key(body, rule)
        except Exception:  # noqa: BLE001 - Dash answers as if nothing were kept
            log.warning("kept answers not usable; Dash answers", exc_info=True)
            return None
        with _kept_lock:
            found = _kept.get(key)
        if found is None:
            request.environ[_KEY] = key
            return None
        if not found.placeholders:  # the same bytes for everyone: compressed once
            request.environ[COMPRESS_ONCE_KEY] = found.digest
        return Response(_fresh_tokens(found.text, found.placeholders), mimetype="application/json")

    @server.after_request
    def _keep_answer(response: Response) -> Response:
        key = request.environ.get(_KEY)
        if key is None:
            return response
        text = response.get_data()
        placeholders = tuple(request.environ.get(_TOKENS, ()))
        if response.status_code == 200 and not request.environ.get(_KEEP_OUT):
            answer = _keep(key, text, placeholders)
            if not placeholders:
                request.environ[COMPRESS_ONCE_KEY] = answer.digest
        if placeholders:
            response.set_data(_fresh_tokens(text, placeholders))
        return response

    @server.teardown_request
    def _done(_error=None):
        _answering.environ = None
