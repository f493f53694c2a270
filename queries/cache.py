"""The shared flask-caching object used to memoize query results and chart payloads.

It lives in a normally imported module so that memoized functions get the same cache
keys in every worker process. Memoized functions take only normalised primitives or
frozen dataclasses of primitives (whose ``repr`` is stable), because flask-caching
builds keys from the string form of the arguments.
"""

from __future__ import annotations

import hashlib

from flask import Flask
from flask_caching import Cache

from settings import Settings

cache = Cache()


def init_cache(server: Flask, settings: Settings) -> None:
    """Bind the cache to the Flask server with the backend from the settings."""
    config = {
        "CACHE_TYPE": settings.cache_type,
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
        # The key prefix carries what the cached results depend on beyond the function
        # arguments — the reporting DB and the small-count minimum — so apps with other
        # settings on one Redis never serve each other's results. (hashlib, not hash():
        # str hashes differ between processes.) A new load into the same database is
        # picked up when the entries expire (TK_CACHE_TIMEOUT).
        "CACHE_KEY_PREFIX": "tk:"
        + hashlib.sha1(
            f"{settings.reporting_db_url}|{settings.min_cell_count}".encode()
        ).hexdigest()[:8]
        + ":",
    }
    if settings.cache_type == "RedisCache":
        config["CACHE_REDIS_URL"] = settings.cache_url
    cache.init_app(server, config=config)
