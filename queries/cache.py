"""The shared flask-caching object used to memoize query results and chart payloads.

It lives in a normally imported module so that memoized functions get the same cache
keys in every worker process. Memoized functions take only normalised primitives or
frozen dataclasses of primitives (whose ``repr`` is stable), because flask-caching
builds keys from the string form of the arguments.

``cache.memoize`` computes each key once (``LockingCache``): on a miss the first caller
takes a per-key lock — redis-py's ``Lock`` with ``RedisCache`` (shared by every worker
and host on that Redis), a ``threading.Lock`` with ``SimpleCache`` (one process) —,
looks again, computes and stores; the other callers wait for the stored result
(docs/performance.md, "One query per cache key"). Each key also carries the data
version of the reporting database (``queries.data_version``), so a new load is served
from new keys.

Every computed result is also kept as its view's **last good** copy
(``queries.last_good``): when a computation fails because the reporting database is
away or slow, or the data version cannot be read, ``memoize`` answers with that copy
and tells the open ``queries.last_good.watch`` so the caller can say how old it is.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_caching import VERSION_TIMEOUT, Cache
from flask_caching.backends.nullcache import NullCache
from flask_caching.backends.rediscache import RedisCache
from flask_caching.utils import function_namespace
from redis.exceptions import LockError, RedisError

from queries import last_good
from queries.data_version import data_version, share_through
from queries.engine import DATABASE_ERRORS
from settings import Settings, get_settings

log = logging.getLogger(__name__)

# A waiting caller looks for the result (or the free lock) after 10 ms, then ever less
# often, up to every 200 ms: many waiters on a small machine must not busy it.
POLL_FIRST_SECONDS = 0.01
POLL_MAX_SECONDS = 0.2


class CacheWaitTimeout(TimeoutError):
    """Waiting for another caller's result of one cache key took longer than
    ``TK_CACHE_LOCK_WAIT``. A ``TimeoutError`` is an ``OSError``, one of
    ``queries.engine.DATABASE_ERRORS``: callers show their "database not available right
    now" notice, as for a statement time-out."""


_on_clear: list[Callable[[], None]] = []


def on_clear(forget: Callable[[], None]) -> None:
    """Have ``cache.clear()`` call ``forget`` too (an in-process copy of cached values
    must not outlive the shared cache's entries)."""
    if forget not in _on_clear:
        _on_clear.append(forget)


_process_locks: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()
_process_locks_guard = threading.Lock()


def _process_lock(name: str) -> Any:
    """The one ``threading.Lock`` of ``name`` in this process (kept while anyone holds
    a reference to it)."""
    with _process_locks_guard:
        lock = _process_locks.get(name)
        if lock is None:
            lock = threading.Lock()
            _process_locks[name] = lock
        return lock


class LockingCache(Cache):
    """flask-caching's ``Cache`` whose ``memoize`` computes each key once at a time and
    whose keys carry the reporting data's version.

    ``memoize`` keeps flask-caching's keys, ``uncached``, ``make_cache_key``,
    ``cache_timeout``, ``delete_memoized`` and ``clear``; it takes ``timeout``,
    ``make_name``, ``response_filter``, ``hash_method``, ``source_check`` and
    ``args_to_ignore`` (the other options of flask-caching are not supported and
    raise ``TypeError``). Results that are exceptions are never stored; ``None`` is
    not stored either (as in flask-caching).
    """

    def memoize(  # type: ignore[override]
        self,
        timeout: int | None = None,
        make_name: Callable[[str], str] | None = None,
        response_filter: Callable[[Any], bool] | None = None,
        hash_method: Callable[..., Any] | None = None,
        source_check: bool | None = None,
        args_to_ignore: list[str] | None = None,
        **unsupported: Any,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        if unsupported:
            raise TypeError(f"LockingCache.memoize does not support {sorted(unsupported)}")
        plain = super().memoize(
            timeout,
            make_name=make_name,
            hash_method=hash_method,
            source_check=source_check,
            args_to_ignore=args_to_ignore,
        )

        def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
            # flask-caching's own wrapper only lends its key function and attributes.
            template = plain(f)

            @functools.wraps(f)
            def memoized(*args: Any, **kwargs: Any) -> Any:
                return self._once_per_key(memoized, response_filter, args, kwargs)

            memoized.uncached = f  # type: ignore[attr-defined]
            memoized.cache_timeout = timeout  # type: ignore[attr-defined]
            memoized.make_cache_key = template.make_cache_key  # type: ignore[attr-defined]
            memoized.delete_memoized = lambda: self.delete_memoized(memoized)  # type: ignore[attr-defined]
            return memoized

        return decorator

    def _once_per_key(
        self,
        fn: Any,
        response_filter: Callable[[Any], bool] | None,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        """The cached result of ``fn(*args, **kwargs)``, computed by one caller per key
        while the others wait (bounded by ``TK_CACHE_LOCK_WAIT``)."""
        if isinstance(self.cache, NullCache):
            return fn.uncached(*args, **kwargs)
        try:
            try:
                key = fn.make_cache_key(fn.uncached, *args, **kwargs)
                found = self.get(key)
            except RedisError:
                # As flask-caching: a cache that does not answer is no reason to fail.
                log.exception("cache not reachable; computing %s without it", fn.__qualname__)
                return fn.uncached(*args, **kwargs)
            if found is not None:
                return _unwrapped(found)
            try:
                return self._wait_or_compute(fn, key, response_filter, args, kwargs)
            except RedisError:
                # Redis went away while waiting: compute rather than fail the request.
                log.exception("cache lost while waiting; computing %s without it", fn.__qualname__)
                return fn.uncached(*args, **kwargs)
        except DATABASE_ERRORS as error:
            # The database failed (or its data version could not be read, so not even
            # the key is known): the view's last good copy, if there is one.
            copy = self._last_good(fn, args, kwargs)
            if copy is None:
                raise
            log.warning(
                "%s: database failed (%s); serving the result fetched at %s",
                fn.__qualname__,
                type(error).__name__,
                last_good.Watch(copy.fetched_at).fetched,
            )
            last_good.note_used(copy)
            return copy.result

    def _wait_or_compute(
        self,
        fn: Any,
        key: str,
        response_filter: Callable[[Any], bool] | None,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        """After a miss on ``key``: take its lock, look again, compute and store; or
        wait for the holder's stored result. Raises ``CacheWaitTimeout`` after
        ``TK_CACHE_LOCK_WAIT`` seconds, and whatever the computation raises (nothing
        stored then)."""
        settings = get_settings()
        lock = self._key_lock(key, settings)
        deadline = time.monotonic() + settings.cache_lock_wait
        pause = POLL_FIRST_SECONDS
        while True:
            if lock.acquire(blocking=False):
                try:
                    # Whoever held the lock before may have stored it meanwhile.
                    found = self.get(key)
                    if found is not None:
                        return _unwrapped(found)
                    with last_good.watch() as parts:
                        result = fn.uncached(*args, **kwargs)
                    if response_filter is not None and not response_filter(result):
                        return result
                    if parts.stale:
                        self._store_stale(key, result, parts)
                    else:
                        self._store(key, result, fn, args, kwargs)
                    return result
                finally:
                    _release(lock, fn.__qualname__)
            time.sleep(pause)
            pause = min(pause * 2, POLL_MAX_SECONDS)
            found = self.get(key)
            if found is not None:
                return _unwrapped(found)
            if time.monotonic() > deadline:
                raise CacheWaitTimeout(
                    f"{fn.__qualname__}: no result within {settings.cache_lock_wait} s"
                )

    def _store(
        self, key: str, result: Any, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Store a computed result under ``key`` and as its view's last good copy; a
        cache that fails now loses it (logged) rather than the request."""
        copy = last_good.LastGood(last_good.now(), data_version(), result)
        try:
            self.set(key, result, timeout=fn.cache_timeout)
            self.set(
                self._last_good_key(fn, args, kwargs),
                copy,
                timeout=get_settings().stale_timeout,
            )
        except RedisError:
            log.exception("cache not reachable; %s not stored", fn.__qualname__)

    def _store_stale(self, key: str, result: Any, parts: last_good.Watch) -> None:
        """Keep a result built from last good parts under its normal key for
        ``TK_RETRY_SECONDS`` only, wrapped as a ``LastGood`` with the oldest part's
        time: while the database is away, everyone asking for the view gets it from
        there (one computation per key, also for stale results — a crowd of retrying
        cards would otherwise rebuild every chart on every retry), and it is never
        taken for the database's answer; once the database is back it is soon
        computed anew. Never a last good copy itself."""
        copy = last_good.LastGood(parts.fetched_at or 0.0, "", result)
        try:
            self.set(key, copy, timeout=max(1, math.ceil(get_settings().retry_seconds)))
        except RedisError:
            log.exception("cache not reachable; a stale result not kept")

    def _last_good_key(self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        """The key of the last good copy of ``fn(*args, **kwargs)``
        (``queries.last_good.key_for`` of flask-caching's normalised arguments)."""
        name, _instance = function_namespace(fn.uncached, args=args)
        keyargs, keykwargs = self._memoize_kwargs_to_args(fn.uncached, *args, **kwargs)
        return last_good.key_for(name, tuple(keyargs), dict(keykwargs))

    def _last_good(
        self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> last_good.LastGood | None:
        """The stored last good copy of ``fn(*args, **kwargs)``, or None (none kept, or
        the cache does not answer either)."""
        try:
            copy = self.get(self._last_good_key(fn, args, kwargs))
        except RedisError:
            log.exception("cache not reachable; no last good copy of %s", fn.__qualname__)
            return None
        return copy if isinstance(copy, last_good.LastGood) else None

    def _key_lock(self, key: str, settings: Settings) -> Any:
        """The lock that one computation of ``key`` holds: a redis-py ``Lock`` that
        expires after ``TK_CACHE_LOCK_TIMEOUT`` seconds (a holder that died frees it),
        or this process's ``threading.Lock`` of the key."""
        backend = self.cache
        name = f"{getattr(backend, 'key_prefix', '')}lock:{key}"
        if isinstance(backend, RedisCache):
            return backend._write_client.lock(  # noqa: SLF001 - cachelib's client
                name, timeout=settings.cache_lock_timeout
            )
        return _process_lock(name)

    def clear(self) -> bool:
        """flask-caching's ``clear``, after dropping the in-process copies registered
        with ``on_clear`` (``response_cache``)."""
        for forget in _on_clear:
            forget()
        return super().clear()

    def _memoize_version(
        self,
        f: Callable[..., Any],
        args: Any | None = None,
        kwargs: dict[str, Any] | None = None,
        reset: bool = False,
        delete: bool = False,
        refresh: bool = False,
        timeout: int | None = VERSION_TIMEOUT,
        args_to_ignore: list[str] | None = None,
    ) -> tuple[str, str] | tuple[str, None]:
        """flask-caching's per-function version, followed by the data version.

        flask-caching creates a missing version with a random value and ``set``: two
        workers doing that at once would compute one result under two keys (and two
        locks). Here it is created with ``add`` (only if absent) and read back, so every
        caller agrees on it."""
        fname, instance_fname = function_namespace(f, args=args)
        if reset or delete or refresh or instance_fname:
            return super()._memoize_version(
                f, args, kwargs, reset, delete, refresh, timeout, args_to_ignore
            )
        version_key = self._memvname(fname)
        version = self.get(version_key)
        if version is None:
            self.add(version_key, self._memoize_make_version_hash(), timeout=timeout)
            version = self.get(version_key) or ""
        return fname, version + _data_version_tag()


def _unwrapped(found: Any) -> Any:
    """A stored entry as its caller gets it: a stale result kept under a normal key
    (``LockingCache._store_stale``) tells the open watch its time."""
    if isinstance(found, last_good.LastGood):
        last_good.note_used(found)
        return found.result
    return found


def _release(lock: Any, what: str) -> None:
    """Release a key's lock; a Redis lock that expired meanwhile (the computation took
    longer than ``TK_CACHE_LOCK_TIMEOUT``; another caller may hold it now) is left
    alone."""
    try:
        lock.release()
    except LockError:
        log.warning("the lock of %s expired before its computation ended", what)
    except RedisError:
        log.exception("the lock of %s could not be released; it expires", what)


def _data_version_tag() -> str:
    """A short, key-safe form of the reporting data's version ("" when it has none)."""
    version = data_version()
    return ":" + hashlib.sha1(version.encode()).hexdigest()[:10] if version else ""


cache = LockingCache()


def init_cache(server: Flask, settings: Settings) -> None:
    """Bind the cache to the Flask server with the backend from the settings."""
    config = {
        "CACHE_TYPE": settings.cache_type,
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
        # The key prefix carries what the cached results depend on beyond the function
        # arguments — the reporting DB and the small-count minimum — so apps with other
        # settings on one Redis never serve each other's results. (hashlib, not hash():
        # str hashes differ between processes.) A new load into the same database is
        # picked up through the data version in every key (queries.data_version).
        "CACHE_KEY_PREFIX": "tk:"
        + hashlib.sha1(
            f"{settings.reporting_db_url}|{settings.min_cell_count}".encode()
        ).hexdigest()[:8]
        + ":",
    }
    if settings.cache_type == "RedisCache":
        config["CACHE_REDIS_URL"] = settings.cache_url
    cache.init_app(server, config=config)
    share_through(cache)  # a process started during an outage finds the data version
