"""The version of the data in the reporting database, for the cache keys.

The load writes ``reporting_meta.data_version`` (an ISO timestamp) after every load;
when it is missing ``data_as_of`` stands in, and then "". Every memoized result's cache
key carries it (``queries.cache``), so a new load is served from new keys and never
mixed with results of the previous one.

Reading it on every cache look-up would put a query on the warm path, so each process
remembers it for ``TK_DATA_VERSION_TTL`` seconds: a new load is seen within that time.
One thread per process reads it; the others wait for that read.
"""

from __future__ import annotations

import logging
import threading
import time

from queries.engine import DATABASE_ERRORS, fetch_frame
from queries.sql import statement
from settings import get_settings

log = logging.getLogger(__name__)

_VERSION_SQL = "SELECT key, value FROM reporting_meta WHERE key IN ('data_version', 'data_as_of')"

# reporting DB URL -> (monotonic time read, version)
_remembered: dict[str, tuple[float, str]] = {}
_reading = threading.Lock()


def read_data_version() -> str:
    """The data version as stored now: ``data_version``, else ``data_as_of``, else "".
    Raises one of ``queries.engine.DATABASE_ERRORS`` when the database cannot be read."""
    frame = fetch_frame(statement(_VERSION_SQL), {})
    meta = dict(zip(frame["key"], frame["value"], strict=True))
    return meta.get("data_version") or meta.get("data_as_of") or ""


def data_version() -> str:
    """The data version of the configured reporting database, read at most once per
    ``TK_DATA_VERSION_TTL`` seconds per process. When a re-read fails, the last value
    read is kept (cached results stay reachable while the database is away); with no
    value read yet the database error is raised."""
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
            version = read_data_version()
        except DATABASE_ERRORS:
            if known is None:
                raise
            log.warning("data version could not be read; keeping %r", known[1])
            version = known[1]
        _remembered[url] = (time.monotonic(), version)
        return version


def forget_data_version() -> None:
    """Drop the remembered versions, so the next look-up reads the database (tests, and
    a process that has just loaded new data)."""
    with _reading:
        _remembered.clear()
