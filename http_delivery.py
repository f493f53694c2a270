"""How responses travel: compression and cache lifetimes.

- **Compression** (flask-compress): Brotli, zstd or gzip, whichever the client lists
  first among them (equal preference: that order), for pages (HTML), JSON (Dash's
  layout, dependencies and callback responses, the API) and JS, CSS and SVG of at
  least 500 bytes. File downloads are left as they are: they are streamed responses
  (``send_file``), which are never compressed here, and their types (CSV, XLSX, PNG,
  PPTX, DOCX, Markdown) are not on the list either; the formats from Office and PNG are
  compressed already.
- **Static files compressed once per process and encoding**: Dash's component suites
  (``/_dash-component-suites/...``, plotly.min.js is 4.8 MB) and the files of
  ``assets/``. Their compressed bytes are kept in memory, keyed by the file (a
  component-suite file by its path without Dash's fingerprint, which cannot change
  while the process runs; an asset by its resolved path and modification time, however
  the URL spells the path). The keys are bounded by the files that exist: Dash answers
  404 for a path it did not register, and no other response is cached.
- **Stored callback answers compressed once per process and encoding**: an answer that
  ``response_cache`` keeps whole is the same bytes for every request that gets it, so
  its compressed bytes are kept too (``ANSWERS_COMPRESSED_BYTES`` per process, least
  recently used out first), under the hash of its bytes, which ``response_cache`` puts
  in the request's ``COMPRESS_ONCE_KEY`` entry.
- **Cache lifetimes**: a fingerprinted file (Dash's ``name.v<version>m<hash>.js``, or an
  asset with Dash's ``?m=<modified>``) changes its URL when its content changes, so it
  gets ``Cache-Control: public, max-age=31536000, immutable`` (a year: the browser does
  not even ask again). Any other response without its own ``Cache-Control`` (pages,
  callback responses, the API, error pages) gets ``no-cache``: stored at most until
  asked again.
"""

from __future__ import annotations

import contextlib
import copy
import os
import threading

import cachetools
from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Request, Response, request
from flask_compress import Compress, DictCache
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Preferred first when the client accepts several equally (browsers list all three).
ALGORITHMS = ["br", "zstd", "gzip"]
# The request environ entry holding the hash of a response body that is kept
# compressed (set by response_cache), and the bytes kept of such bodies compressed.
COMPRESS_ONCE_KEY = "tk.compress_once_key"
ANSWERS_COMPRESSED_BYTES = 16 * 1024 * 1024


class BoundedBytesCache:
    """flask-compress' cache interface (``get``, ``set``) over a thread-safe LRU of at
    most ``max_bytes`` of values; a value larger than that is not kept."""

    def __init__(self, max_bytes: int) -> None:
        self._values: cachetools.LRUCache = cachetools.LRUCache(max_bytes, getsizeof=len)
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._values.get(key)

    def set(self, key: str, value: bytes) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._values[key] = value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def _component_suite(dash_app: Dash, req: Request) -> tuple[str, bool] | None:
    """``(package/path without fingerprint, fingerprinted?)`` for a component-suite
    request, else None."""
    prefix = dash_app.config.routes_pathname_prefix + "_dash-component-suites/"
    if req.endpoint != prefix + "<string:package_name>/<path:fingerprinted_path>":
        return None
    args = req.view_args or {}
    path, fingerprinted = check_fingerprint(args.get("fingerprinted_path", ""))
    return f"{args.get('package_name', '')}/{path}", fingerprinted


def _asset_file(dash_app: Dash, req: Request) -> str | None:
    """The file on disk of an ``assets/`` request (None for any other request or a path
    outside the folder)."""
    if not (req.endpoint or "").endswith("dash_assets.static"):
        return None
    filename = (req.view_args or {}).get("filename", "")
    return safe_join(dash_app.config.assets_folder, filename)


def init_delivery(dash_app: Dash) -> None:
    """Compress ``dash_app``'s responses and set their cache lifetimes (module doc).

    Call it before any other ``after_request`` hook is registered: Flask runs those
    hooks in reverse order, so this one then sees each response last, with every
    header set.
    """
    server = dash_app.server
    server.config.update(
        COMPRESS_ALGORITHM=ALGORITHMS,
        # Brotli 5 instead of flask-compress' 4: plotly.min.js 1.29 MB instead of 1.41
        # in the same time (0.4 s here); 9 took 2.4 s, 11 half a minute.
        COMPRESS_BR_LEVEL=5,
        COMPRESS_REGISTER=False,  # hooked below, with the cache only for static files
        COMPRESS_STREAMS=False,  # streamed responses are downloads: left untouched
        COMPRESS_CACHE_BACKEND=DictCache,
        COMPRESS_CACHE_KEY=lambda req: req.environ["tk.static_key"],
    )
    static = Compress(server)  # compresses into the cache above
    server.extensions["tk-static-compress"] = static  # tests look into its cache
    dynamic = copy.copy(static)  # the same settings without the cache
    dynamic.cache = dynamic.cache_key = None
    answers = copy.copy(static)  # the same settings, a bounded cache of its own
    answers.cache = BoundedBytesCache(ANSWERS_COMPRESSED_BYTES)
    answers.cache_key = lambda req: req.environ[COMPRESS_ONCE_KEY]
    server.extensions["tk-answers-compress"] = answers  # tests look into its cache
    assets = os.path.realpath(dash_app.config.assets_folder)

    @server.after_request
    def _deliver(response: Response) -> Response:
        key, fingerprinted = None, False
        suite = _component_suite(dash_app, request)
        if suite is not None:
            key, fingerprinted = suite
        else:
            path = _asset_file(dash_app, request)
            if path is not None and response.status_code == 200 and os.path.isfile(path):
                # Keyed by the file itself, not by the URL's spelling of it: "x/../a.css"
                # and "./a.css" are the same file and must not each add an entry.
                real = os.path.relpath(os.path.realpath(path), assets)
                key = f"assets/{real}@{os.stat(path).st_mtime_ns}"
                fingerprinted = "m" in request.args
                # send_file streams the file; as one piece it can be compressed and cached.
                response.direct_passthrough = False
                response.make_sequence()
        if fingerprinted and response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        elif "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = REVALIDATE
        if key is not None and response.status_code == 200:
            request.environ["tk.static_key"] = key
            return static.after_request(response)
        if COMPRESS_ONCE_KEY in request.environ and response.status_code == 200:
            return answers.after_request(response)
        return dynamic.after_request(response)
