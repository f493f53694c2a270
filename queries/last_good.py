"""Last good results: what a view was computed from before the reporting database
failed, and which answers are built from them.

The reporting database is sometimes away (its nightly load, a restart, a network
fault). Every memoized result (``queries.cache``) is therefore also kept as the
**last good** copy of its view: under a key *without* the data version and with a
long life (``TK_STALE_TIMEOUT``), stored with the time it was fetched. When computing
a result fails with one of ``queries.engine.DATABASE_ERRORS`` (or the data version
itself cannot be read), the cache answers with that copy instead of the error.

Such an answer is *stale*, and whoever shows it must say so. A caller opens a
``watch()`` around the work of one answer; every last good copy used inside it (also
deep inside another memoized computation) notes its fetch time there, and the watch
keeps the oldest. A memoized computation runs in a watch of its own: one built from a
stale part is itself stale — it is never stored as current nor as a last good copy
(only under its normal key for ``TK_RETRY_SECONDS``, wrapped as a ``LastGood`` with the
part's time, so that a crowd builds it once), and its enclosing watch learns the
part's time. So a chart card, the data API or an
export knows whether it shows the database's current answer, and since when not.

Times are wall-clock seconds since the epoch (``time.time()``), as they are shared
between processes and hosts through Redis.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple


class LastGood(NamedTuple):
    """One stored last good copy: when it was fetched (epoch seconds), the data version
    it belongs to, and the result itself."""

    fetched_at: float
    data_version: str
    result: Any


@dataclass
class Watch:
    """What one answer was built from: ``fetched_at`` is the fetch time (epoch
    seconds) of the oldest last good copy used, or None when every part is current."""

    fetched_at: float | None = field(default=None)

    def note(self, fetched_at: float) -> None:
        """Record that a last good copy fetched at ``fetched_at`` was used."""
        if self.fetched_at is None or fetched_at < self.fetched_at:
            self.fetched_at = fetched_at

    @property
    def stale(self) -> bool:
        """Whether any part of the answer is a last good copy."""
        return self.fetched_at is not None

    @property
    def fetched(self) -> datetime | None:
        """``fetched_at`` as an aware UTC ``datetime`` (None when current)."""
        return None if self.fetched_at is None else datetime.fromtimestamp(self.fetched_at, UTC)


# The innermost open watch of this thread (or task). Worker threads are reused between
# requests; ``watch`` always restores the previous value, so nothing carries over.
_current: ContextVar[Watch | None] = ContextVar("last_good_watch", default=None)


@contextmanager
def watch() -> Iterator[Watch]:
    """Collect the last good copies used by the work inside; yields the ``Watch``.
    On leaving, an enclosing watch learns the oldest time noted here."""
    outer = _current.get()
    mine = Watch()
    token = _current.set(mine)
    try:
        yield mine
    finally:
        _current.reset(token)
        if outer is not None and mine.fetched_at is not None:
            outer.note(mine.fetched_at)


def now() -> float:
    """The fetch time given to a result stored now (wall-clock epoch seconds)."""
    return time.time()


def note_used(copy: LastGood) -> None:
    """Tell the innermost open watch (if any) that ``copy`` was served."""
    current = _current.get()
    if current is not None:
        current.note(copy.fetched_at)


def key_for(function_name: str, args: tuple, kwargs: dict[str, Any]) -> str:
    """The last good key of one call: the function's qualified name and a SHA-256 of
    its normalised arguments (memoized functions take primitives and frozen dataclasses,
    whose ``repr`` is stable across processes). No data version and no per-function
    version: the copy must be found when neither can be read."""
    described = repr((args, sorted(kwargs.items())))
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"last-good:{function_name}:{digest}"
