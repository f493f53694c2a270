"""One log line per request, with its timing and status and nothing personal.

``RequestLog`` wraps the WSGI app (``app.create_app`` installs it outermost) and logs
each request to the ``tietokeskustelut.requests`` logger at INFO, once the response
body has been sent and closed, as one JSON object:

    {"method": "GET", "path": "/hoitoonpaasy", "status": 200, "duration_ms": 41.7, "bytes": 5321}

(after the logging format's prefix, e.g. ``INFO:tietokeskustelut.requests:``).

- ``path`` is the path as the server received it, without the query string (filters
  and free-text search terms could say something about a person), cut to
  ``MAX_PATH`` characters;
- ``duration_ms``: from the call of the app until the server closed the response
  body, that is including the time to send it;
- ``bytes``: the body bytes handed to the server (compressed, when compressed).

Nothing else is logged: no client address, no user agent, no identity or other
request header, no cookies, no query string. That is why gunicorn's access log is off
(gunicorn.conf.py) and the development server's request lines are replaced by
``QuietRequestHandler`` (its own lines start with the client's address).

JSON, not key=value: a path may hold spaces, quotes or control characters, and JSON's
quoting keeps every line one parseable record.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from werkzeug.serving import WSGIRequestHandler

LOGGER_NAME = "tietokeskustelut.requests"
MAX_PATH = 1000  # characters of a path in the log: a very long URL stays one short line

log = logging.getLogger(LOGGER_NAME)


def _path(environ: dict[str, Any]) -> str:
    raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    # WSGI gives the path's bytes as latin-1 characters; the URL's text is UTF-8.
    try:
        path = raw.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        path = raw
    return path[:MAX_PATH]


class _Record:
    """What is known of one request while its response is under way."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.method = str(environ.get("REQUEST_METHOD", ""))[:16]
        self.path = _path(environ)
        self.started = time.perf_counter()
        self.status: int | None = None
        self.bytes = 0
        self.logged = False

    def write(self, status: int | None = None) -> None:
        if self.logged:
            return
        self.logged = True
        line = {
            "method": self.method,
            "path": self.path,
            "status": status if status is not None else self.status,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 1),
            "bytes": self.bytes,
        }
        log.info(json.dumps(line, ensure_ascii=False))


class _LoggedBody:
    """The app's response body, counted while the server sends it; closing it (which
    the server does after the last byte, or on a broken connection) writes the line."""

    def __init__(self, body: Iterable[bytes], record: _Record) -> None:
        self._body = body
        self._record = record

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._record.bytes += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._record.write()


class RequestLog:
    """WSGI middleware: one line per request to ``tietokeskustelut.requests`` (see the
    module docstring). An exception from the app is logged with status 500 (what the
    server then answers) and raised on.

    The body is passed on as an iterable of its own, so a server's ``sendfile`` is not
    used for file responses (gunicorn then reads the file in blocks): browsers get the
    static files compressed from memory anyway (``http_delivery``)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        record = _Record(environ)

        def counting_start_response(status: str, headers: list, exc_info: Any = None):
            record.status = int(status.split(" ", 1)[0])
            write = start_response(status, headers, exc_info)

            def counting_write(data: bytes) -> None:
                record.bytes += len(data)
                write(data)

            return counting_write

        try:
            body = self.app(environ, counting_start_response)
        except BaseException:
            record.write(status=500)
            raise
        return _LoggedBody(body, record)


# What the servers' own error lines may carry of a client: its address (gunicorn's
# "Invalid request from ip=192.0.2.2: ...") and the request line or header it could not
# parse, quoted (query strings, e-mail addresses).
_ADDRESS = re.compile(
    r"\bip=\S+|\b\d{1,3}(?:\.\d{1,3}){3}\b|(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}\b"
)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def without_personal_data(message: str) -> str:
    """``message`` with client addresses and quoted request data replaced by "…"."""
    return _QUOTED.sub("'…'", _ADDRESS.sub("…", message))


class PersonalDataFilter(logging.Filter):
    """Rewrites the records of the servers' own loggers (gunicorn's error log, werkzeug)
    with ``without_personal_data``: a malformed request must not put its sender's
    address or its query string into the log (gunicorn.conf.py, ``QuietRequestHandler``).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = without_personal_data(record.getMessage())
        record.args = ()
        return True


class QuietRequestHandler(WSGIRequestHandler):
    """The development server's request handler (``python app.py``) without its request
    lines, and without the client's address at the start of its other lines (errors):
    ``RequestLog`` logs the requests."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's name
        text = without_personal_data((message % args if args else message).rstrip())
        getattr(logging.getLogger("werkzeug"), type, logging.getLogger("werkzeug").info)(text)
