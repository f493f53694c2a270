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
        # The key prefix carries the reporting DB URL so two apps on one Redis never mix.
        # (hashlib, not hash(): str hashes differ between processes.)
        "CACHE_KEY_PREFIX": "tk:"
        + hashlib.sha1(settings.reporting_db_url.encode()).hexdigest()[:8]
        + ":",
    }
    if settings.cache_type == "RedisCache":
        config["CACHE_REDIS_URL"] = settings.cache_url
    cache.init_app(server, config=config)
