"""Whole callback answers kept in the shared cache, for the crowd opening one link.

A warm page view still cost about 25 ms of server CPU: a dozen callbacks, each reading
memoized results from Redis, building components and serialising them. Everyone in the
meeting sends the *same* callback requests (the same page, filters, language and view
make the same request body) and gets the same answer until the data or the meeting
records change. So the JSON answer of the callbacks in ``STORED`` is kept in the cache
(``queries.cache``: Redis with ``make serve``) and the next identical request is
answered from it before Dash parses it (docs/performance.md, "Server CPU per page
view").

The key is a SHA-256 of everything the answer depends on:

- the request body (its JSON, keys sorted, without the page-state token: see below)
  and the query string;
- the reporting data's version (``queries.data_version``) and the cache's key prefix
  (reporting DB and small-count minimum, ``queries.cache.init_cache``);
- for answers that draw decisions, the meeting records' version (``records_version``):
  a decision recorded in the meeting shows on the next request, in every process;
- today's date (overdue actions, open periods), the settings and the code (a hash of
  the app's sources and translation catalogs and the Dash version, taken once per
  process: a new release never serves an older release's answers).

A listed callback's answer must therefore be a function of these alone: not of the
user (identity, cookies) nor of anything else in the request. The meeting pages are
never stored (their pages and forms depend on who asks); the page router is stored
only for the overview and the area pages.

**Page tokens.** A page build carries tokens unique to it (``page_token``: the
page-state store's, so late answers meant for an earlier build are told apart, and the
export panel's). No stored callback reads them, so the page-state token is left out of
the key; and while a stored answer is built, ``page_token`` gives placeholders that
every answer, computed or from the cache, replaces with fresh tokens. Each page build
still gets tokens of its own.

Each process also keeps copies of the answers it used last (``LOCAL_BYTES``, least
recently used out first), each for at most ``LOCAL_SECONDS``, and ``http_delivery``
their compressed bytes (keyed by the content's hash): a hit then costs no round trip to
Redis and no compression. An answer does not change under its key, so a copy is never
out of date; the time limit only bounds how long a copy outlives the shared cache's
entry when somebody empties the shared cache (``cache.clear()`` empties this process's
copies at once).

Never stored: an answer other than 200, and one during which anything was logged at
WARNING or above in the answering thread (a notice shown instead of data, decisions that
could not be read, the cache itself failing): the next request computes it again. When
the cache does not answer, Dash answers as without this module.
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
from pathlib import Path

import cachetools
import dash
from dash import Dash
from flask import Response, has_request_context, request
from redis.exceptions import RedisError

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
class Stored:
    """How a callback's answers are stored: ``records`` when the answer draws the
    decisions recorded in meetings (the key then carries the app database's change
    counter); ``area_pages_only`` for the page router (stored for the overview and the
    investment-area pages, never for the meeting pages)."""

    records: bool = False
    area_pages_only: bool = False


# Dash's ``output`` string of each stored callback.
STORED: dict[str, Stored] = {
    '{"chart":["MATCH"],"type":"chart-body"}.children': Stored(records=True),
    '..{"chart":["MATCH"],"type":"chart-table"}.children...'
    '{"chart":["MATCH"],"type":"chart-table"}.className..': Stored(records=True),
    '{"chart":["MATCH"],"type":"kpi-body"}.children': Stored(),
    "data-notice.children": Stored(),
    "..filter-unit.options...unit-status.children..": Stored(),
    "..filter-from.options...filter-to.options..": Stored(),
    ROUTER: Stored(area_pages_only=True),
}

ROOT = Path(__file__).resolve().parent
# The app's own sources and catalogs (not the environment, tests or benchmarks).
CODE_GLOBS = (
    "*.py",
    "callbacks/*.py",
    "charts/*.py",
    "dashboards/*.py",
    "exports/*.py",
    "meetings/*.py",
    "queries/*.py",
    "translations/**/*.json",
)

# The in-process copies: at most this many bytes of answers per process.
LOCAL_BYTES = 32 * 1024 * 1024
LOCAL_SECONDS = 5.0

_KEY = "tk.answer_key"
_DEGRADED = "tk.answer_degraded"
_TOKENS = "tk.answer_tokens"
# Placeholders of this process; only letters, digits and "-", so JSON keeps them as
# they are, and random, so no content can look like one.
_PLACEHOLDER = "tk-page-token-" + secrets.token_hex(8) + "-"
_code: list[str] = []
_code_lock = threading.Lock()
_answering = threading.local()  # the WSGI environ of the request this thread answers
# key -> _Copy
_local: cachetools.TTLCache = cachetools.TTLCache(
    maxsize=LOCAL_BYTES, ttl=LOCAL_SECONDS, getsizeof=lambda copy: len(copy.text) + 200
)
_local_lock = threading.Lock()


def forget_local_answers() -> None:
    """Drop this process's copies of stored answers."""
    with _local_lock:
        _local.clear()


on_clear(forget_local_answers)

# The shared counter of writes to the meeting records (in the cache, so every process
# and host sees it), and how long a process trusts its reading of the app database's
# last change number.
RECORDS_COUNTER = "records-written"
RECORDS_RECHECK_SECONDS = 5.0
_last_change: dict[str, tuple[float, int]] = {}  # app DB URL -> (monotonic time read, number)
_last_change_lock = threading.Lock()


def records_version() -> str:
    """The meeting records' version: ``"<counter>:<last change>"``.

    The counter is in the shared cache; every write through ``meetings.store`` adds one
    after its commit (``note_records_written``), so all processes see a decision at
    their next request at the cost of one small cache read. The app database's last
    change number (``meetings.store.last_change``, re-read at most every
    ``RECORDS_RECHECK_SECONDS`` per process, at once after a write here) covers writes
    the counter missed: made before this cache was filled (``python -m meetings
    demo`` before the server starts) or while it did not answer. Raises one of
    ``meetings.db.APP_DB_ERRORS`` when the app database cannot be read."""
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


@dataclass(frozen=True)
class _Copy:
    """This process's copy of a stored answer: its bytes, the page-token placeholders
    in them and a hash of the bytes (what their compressed form is kept under)."""

    text: bytes
    placeholders: tuple[str, ...]
    digest: str


def _look_up(key: str) -> _Copy | None:
    """The stored answer of ``key``: this process's copy, else the shared cache's
    (then copied). Raises what the cache raises."""
    with _local_lock:
        found = _local.get(key)
    if found is not None:
        return found
    stored = cache.get(key)
    if not (isinstance(stored, tuple) and len(stored) == 2):
        return None
    return _keep_local(key, *stored)


def _keep_local(key: str, text: bytes, placeholders: tuple[str, ...]) -> _Copy:
    """Copy an answer into this process (one larger than the whole budget stays only
    in the shared cache)."""
    copy = _Copy(text, tuple(placeholders), hashlib.sha256(text).hexdigest())
    with _local_lock, contextlib.suppress(ValueError):
        _local[key] = copy
    return copy


def code_fingerprint() -> str:
    """A hash of the app's sources and translation catalogs and the Dash version, taken
    once per process."""
    with _code_lock:
        if not _code:
            digest = hashlib.sha256(dash.__version__.encode())
            for pattern in CODE_GLOBS:
                for path in sorted(ROOT.glob(pattern)):
                    digest.update(str(path.relative_to(ROOT)).encode())
                    digest.update(path.read_bytes())
            _code.append(digest.hexdigest()[:16])
        return _code[0]


def page_token() -> str:
    """A token unique to one page build (32 hex digits). While an answer to be stored
    is built, a placeholder that the answer's delivery replaces (module docstring)."""
    environ = request.environ if has_request_context() else None
    if environ is None or _KEY not in environ:
        return uuid.uuid4().hex
    tokens = environ.setdefault(_TOKENS, [])
    tokens.append(f"{_PLACEHOLDER}{len(tokens)}")
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


def answer_key(body: dict, query: bytes, rule: Stored) -> str:
    """The cache key of the stored answer to ``body`` (module docstring). Raises one of
    ``queries.engine.DATABASE_ERRORS`` when the data version cannot be read and
    ``meetings.db.APP_DB_ERRORS`` when the app database cannot be read."""
    digest = hashlib.sha256()
    for part in (
        code_fingerprint(),
        repr(get_settings()),
        data_version(),
        records_version() if rule.records else "-",
        date.today().isoformat(),
        query.decode("latin-1"),
        json.dumps(_without_page_token(body), sort_keys=True, separators=(",", ":")),
    ):
        digest.update(part.encode() + b"\0")
    return "answer:" + digest.hexdigest()


def _area_page_asked(body: dict, prefix: str) -> bool:
    """Whether a router request asks for the overview or an area page."""
    paths = {prefix.rstrip("/") + area.path for area in ALL_AREAS} | {prefix}
    inputs = body.get("inputs")
    for item in inputs if isinstance(inputs, list) else ():
        if isinstance(item, dict) and item.get("property") == "pathname":
            value = item.get("value")
            return isinstance(value, str) and value in paths
    return False


def _fresh_tokens(text: bytes, placeholders: list[str] | tuple[str, ...]) -> bytes:
    """``text`` with each placeholder replaced by a new token."""
    for placeholder in placeholders:
        text = text.replace(placeholder.encode(), uuid.uuid4().hex.encode())
    return text


class _WarningsKeepOut(logging.Handler):
    """Marks the request the logging thread answers as not to be stored when anything
    is logged at WARNING or above while answering it."""

    def emit(self, record: logging.LogRecord) -> None:
        environ = getattr(_answering, "environ", None)
        if environ is not None:
            environ[_DEGRADED] = True


_keep_out = _WarningsKeepOut(level=logging.WARNING)


def init_response_cache(app: Dash) -> None:
    """Answer repeated requests of the ``STORED`` callbacks from the cache and store
    new answers (module docstring).

    Register it after ``http_delivery`` (answers are kept uncompressed) and after
    ``dash_requests``' checks: only requests that passed them reach it (a body nested
    too deep for the parser, or of any shape Dash's renderer cannot send, is refused
    before)."""
    server = app.server
    dispatch = app.config.routes_pathname_prefix + "_dash-update-component"
    prefix = app.config.requests_pathname_prefix
    root = logging.getLogger()
    if _keep_out not in root.handlers:
        root.addHandler(_keep_out)

    @server.before_request
    def _answer_from_cache():
        if request.endpoint != dispatch or request.method != "POST":
            return None
        body = request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        rule = STORED.get(output) if isinstance(output, str) else None
        if rule is None or (rule.area_pages_only and not _area_page_asked(body, prefix)):
            return None
        _answering.environ = request.environ
        try:
            key = answer_key(body, request.query_string, rule)
            found = _look_up(key)
        except Exception:  # noqa: BLE001 - Dash answers as if there were no cache
            log.warning("callback answer cache not usable; Dash answers", exc_info=True)
            return None
        if found is not None:
            if not found.placeholders:  # the same bytes for everyone: compressed once
                request.environ[COMPRESS_ONCE_KEY] = found.digest
            text = _fresh_tokens(found.text, found.placeholders)
            return Response(text, mimetype="application/json")
        request.environ[_KEY] = key
        return None

    @server.after_request
    def _store_answer(response: Response) -> Response:
        key = request.environ.get(_KEY)
        if key is None:
            return response
        text = response.get_data()
        placeholders = tuple(request.environ.get(_TOKENS, ()))
        if response.status_code == 200 and not request.environ.get(_DEGRADED):
            copy = _keep_local(key, text, placeholders)
            try:
                cache.set(key, (text, placeholders))
            except RedisError:
                log.warning("callback answer not stored", exc_info=True)
            if not placeholders:
                request.environ[COMPRESS_ONCE_KEY] = copy.digest
        if placeholders:
            response.set_data(_fresh_tokens(text, placeholders))
        return response

    @server.teardown_request
    def _done(_error=None):
        _answering.environ = None
