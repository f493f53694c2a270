"""The load's metadata (``reporting_meta``) and the data version in the cache keys.

The load writes ``reporting_meta.data_version`` (an ISO timestamp) after every load;
when it is missing ``data_as_of`` stands in, and then "". Every memoized result's cache
key carries it (``queries.cache``), so a new load is served from new keys and never
mixed with results of the previous one.

Reading it on every cache look-up would put a query on the warm path, so each process
remembers the whole ``reporting_meta`` table (a few rows: the version, ``data_as_of``,
``data_from``, the county, …) for ``TK_DATA_VERSION_TTL`` seconds: a new load is seen
within that time (a replaced DuckDB file at once: ``load_meta``), and the metadata a
page shows always belongs to the version its results were cached under (one statement
reads both). One thread per process reads it; the others wait for that read. A page
view asks for ``data_as_of`` a dozen times; from process memory that costs nothing (a
DuckDB file: one ``os.stat`` each, a microsecond or two), where a shared-cache look-up
costs two round trips to Redis each (docs/performance.md, "Server CPU per page view").

The last metadata read is also kept in the shared cache (``share_through``): a process
that starts while the reporting database is away takes it from there, so it can still
find the results cached under that version and the last good copies
(``queries.last_good``) instead of failing every view.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from queries.engine import (
    DATABASE_ERRORS,
    fetch_frame,
    notice_replaced_file,
    when_file_replaced,
)
from queries.sql import statement
from settings import get_settings

log = logging.getLogger(__name__)

_META_SQL = "SELECT key, value FROM reporting_meta"

# reporting DB URL -> (monotonic time read, metadata)
_remembered: dict[str, tuple[float, Mapping[str, str]]] = {}
_reading = threading.Lock()

# The shared cache (``queries.cache.init_cache`` hands it over; this module cannot
# import it: the cache's keys need the version). Its key prefix names the database.
_shared: Any = None


def _shared_key() -> str:
    """The shared copy's key: per reporting database (the cache's key prefix is fixed
    when it starts; a test or a tool may point the settings elsewhere since)."""
    url = get_settings().reporting_db_url
    return "reporting-meta:" + hashlib.sha1(url.encode()).hexdigest()[:12]


def share_through(store: Any) -> None:
    """Keep each metadata read in ``store`` (an object with flask-caching's ``get`` and
    ``set``) too, and fall back to it when the database cannot be read."""
    global _shared
    _shared = store


def _keep_shared(meta: Mapping[str, str]) -> None:
    if _shared is None:
        return
    try:
        _shared.set(_shared_key(), dict(meta), timeout=get_settings().stale_timeout)
    except Exception:  # noqa: BLE001 - a cache that fails costs only this copy
        log.warning("reporting metadata not kept in the shared cache", exc_info=True)


def _shared_copy() -> Mapping[str, str] | None:
    if _shared is None:
        return None
    try:
        copy = _shared.get(_shared_key())
    except Exception:  # noqa: BLE001 - nothing to fall back to then
        log.warning("shared cache not readable for the reporting metadata", exc_info=True)
        return None
    return MappingProxyType(dict(copy)) if isinstance(copy, dict) else None


def read_load_meta() -> Mapping[str, str]:
    """``reporting_meta`` as stored now, ``{key: value}`` (read-only). Raises one of
    ``queries.engine.DATABASE_ERRORS`` when the database cannot be read."""
    frame = fetch_frame(statement(_META_SQL), {})
    return MappingProxyType(dict(zip(frame["key"], frame["value"], strict=True)))


def load_meta() -> Mapping[str, str]:
    """The configured reporting database's ``reporting_meta`` (read-only mapping), read
    at most once per ``TK_DATA_VERSION_TTL`` seconds per process. When a re-read fails,
    the last one read is kept (cached results stay reachable while the database is
    away); with nothing read yet in this process, the copy in the shared cache
    (``share_through``); with none there either, the database error is raised.

    A DuckDB file replaced since this process opened it (an import by another process:
    ``reporting.figures.store`` swaps the file) is noticed here at once, before the
    remembered version is trusted (``queries.engine.notice_replaced_file``: one
    ``os.stat`` per call, which forgets the version through ``forget_version_of``), so
    the import is served at the next request, not after the time-to-live. PostgreSQL
    has no such signal: another process's import is seen within the time-to-live."""
    notice_replaced_file()
    settings = get_settings()
    url = settings.reporting_db_url
    known = _remembered.get(url)
    if known is not None and time.monotonic() - known[0] < settings.data_version_ttl:
        return known[1]
    with _reading:
        known = _remembered.get(url)  # another thread may have just read it
        if known is not None and time.monotonic() - known[0] < settings.data_version_ttl:
            return known[1]
        try:
            meta = read_load_meta()
            _keep_shared(meta)
        except DATABASE_ERRORS:
            kept = known[1] if known is not None else _shared_copy()
            if kept is None:
                raise
            log.warning("metadata not read; keeping version %r", version_of(kept))
            meta = kept
        _remembered[url] = (time.monotonic(), meta)
        return meta


def known_load_meta() -> Mapping[str, str] | None:
    """The configured reporting database's ``reporting_meta`` as this process last read
    it, however long ago, without reading the database; when this process has not read
    it yet (started during an outage), the copy in the shared cache; None when neither
    has one."""
    known = _remembered.get(get_settings().reporting_db_url)
    return known[1] if known is not None else _shared_copy()


def version_of(meta: Mapping[str, str]) -> str:
    """The data version a load's metadata states: ``data_version``, else ``data_as_of``,
    else ""."""
    return meta.get("data_version") or meta.get("data_as_of") or ""


def data_version() -> str:
    """The data version of the configured reporting database (``load_meta``)."""
    return version_of(load_meta())


def forget_version_of(url: str) -> None:
    """Drop the metadata remembered for the reporting database at ``url`` (its file was
    replaced: ``queries.engine.get_engine``). Without the lock: the engine may be asked
    for while ``load_meta`` holds it."""
    _remembered.pop(url, None)


when_file_replaced(forget_version_of)


def forget_data_version() -> None:
    """Drop the remembered metadata, so the next look-up reads the database (tests, and
    a process that has just loaded new data)."""
    with _reading:
        _remembered.clear()
