"""Request logs (issue 12, request_log.py): one JSON line per request with method,
path, status, duration and bytes, and nothing personal — no client address, no
identity header, no user agent, no cookie, no query string — from the middleware
alone, through the app, and from a real gunicorn with the project's configuration
(whose own access log is off)."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from dataclasses import replace

import pytest
import requests
from werkzeug.serving import make_server

from app import app as dash_app
from request_log import LOGGER_NAME, QuietRequestHandler, RequestLog
from settings import configure, get_settings
from tests.conftest import fixture_db_url
from tests.fixtures import foundation
from tests.servers import gunicorn_server

# Values a request carries that must never reach a log.
CLIENT_IP = "198.51.100.23"
FORWARDED_IP = "203.0.113.7"
IDENTITY = "maija.meikalainen@hyvaks.example"
AGENT = "TkSecretAgent/9.9"
COOKIE_VALUE = "evaste-1234567"
QUERY_VALUE = "hetu-010101A123B"
SECRETS = (CLIENT_IP, FORWARDED_IP, IDENTITY, AGENT, COOKIE_VALUE, QUERY_VALUE)
HEADERS = {
    "X-Forwarded-Email": IDENTITY,
    "X-Forwarded-For": FORWARDED_IP,
    "User-Agent": AGENT,
    "Cookie": f"session={COOKIE_VALUE}",
}


def _lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]


@pytest.mark.unit
def test_l001_the_time_runs_until_the_body_is_sent(caplog):
    """The log line is written once the body is sent, timing it all, with only the five fields."""

    def slow_app(environ, start_response):
        start_response("201 Created", [("Content-Type", "text/plain")])
        yield b"first "
        time.sleep(0.3)  # the body is still being sent
        yield b"second"

    middleware = RequestLog(slow_app)
    environ = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/tk",
        # WSGI passes the path's UTF-8 bytes as latin-1 characters.
        "PATH_INFO": "/tietokeskustelut/sarjat/ä".encode().decode("latin-1"),
        "QUERY_STRING": f"q={QUERY_VALUE}",
        "REMOTE_ADDR": CLIENT_IP,
    }
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        body = middleware(environ, lambda status, headers, exc_info=None: None)
        assert _lines(caplog) == []  # nothing before the server closes the body
        sent = b"".join(body)
        body.close()
    (line,) = _lines(caplog)
    assert sent == b"first second"
    assert set(line) == {"method", "path", "status", "duration_ms", "bytes"}
    assert line["method"] == "POST"
    assert line["path"] == "/tk/tietokeskustelut/sarjat/ä"
    assert line["status"] == 201
    assert line["bytes"] == len(b"first second")
    assert 300 <= line["duration_ms"] < 60_000
    assert not any(secret in caplog.text for secret in SECRETS)


@pytest.mark.unit
def test_l002_an_exception_is_logged_as_500_and_raised(caplog):
    """An exception in the app is logged as status 500 with 0 bytes and raised again."""

    def broken_app(environ, start_response):
        raise RuntimeError("boom")

    with caplog.at_level(logging.INFO, logger=LOGGER_NAME), pytest.raises(RuntimeError):
        RequestLog(broken_app)({"REQUEST_METHOD": "GET", "PATH_INFO": "/x"}, None)
    (line,) = _lines(caplog)
    assert (line["method"], line["path"], line["status"], line["bytes"]) == ("GET", "/x", 500, 0)


def test_l003_through_the_app_without_personal_data(browser_db, caplog):
    """Through the app a request logs one line without address, identity, agent, cookie, query."""
    original = get_settings()
    # The app reads the identity from this header (from a trusted proxy).
    configure(replace(original, identity_header="X-Forwarded-Email"))
    try:
        client = dash_app.server.test_client()
        with caplog.at_level(logging.INFO):
            response = client.get(
                f"/api/charts?lang=en&q={QUERY_VALUE}",
                headers=HEADERS,
                environ_base={"REMOTE_ADDR": CLIENT_IP},
                buffered=True,  # the test client then closes the body, as a server does
            )
            missing = client.get("/ei-tallaista", environ_base={"REMOTE_ADDR": CLIENT_IP})
            missing.close()
    finally:
        configure(original)
    assert response.status_code == 200
    first, second = _lines(caplog)
    assert first["method"] == "GET" and first["path"] == "/api/charts"
    assert first["status"] == 200 and first["bytes"] == len(response.get_data())
    assert first["duration_ms"] >= 0
    assert (second["path"], second["status"]) == ("/ei-tallaista", 404)
    assert not any(secret in caplog.text for secret in SECRETS)


@pytest.mark.server
def test_l004_gunicorn_logs_only_the_apps_lines(request, tmp_path):
    """Under gunicorn only the app's log lines appear; refused requests leave no personal data."""
    log_file = tmp_path / "server.log"
    env = {
        "TK_REPORTING_DB_URL": fixture_db_url("duckdb", foundation, request),
        "TK_IDENTITY_HEADER": "X-Forwarded-Email",
    }
    # make serve's configuration; everything the workers write goes to the file.
    options = ("-c", "gunicorn.conf.py", "--capture-output", "--error-logfile", str(log_file))
    with gunicorn_server("app:server", env, options=options) as base:
        response = requests.get(f"{base}/api/charts?q={QUERY_VALUE}", headers=HEADERS, timeout=60)
        assert response.status_code == 200
        # Requests gunicorn itself refuses, which its error log reports with the
        # sender's address and the request line (a reviewer's attack).
        port = int(base.rsplit(":", 1)[1])
        for raw in (
            f"GET /x?email={QUERY_VALUE}\x01 HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
            b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 9000 + b"\r\n\r\n",
        ):
            with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
                connection.sendall(raw)
                connection.recv(1024)
        deadline = time.monotonic() + 60
        while "Invalid request" not in log_file.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        deadline = time.monotonic() + 60
        while '"path": "/api/charts"' not in log_file.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    text = log_file.read_text()
    (line,) = [
        json.loads(row.split(f"{LOGGER_NAME}:", 1)[1])
        for row in text.splitlines()
        if f"{LOGGER_NAME}:" in row and '"path": "/api/charts"' in row
    ]
    assert line["method"] == "GET" and line["status"] == 200 and line["bytes"] > 0
    assert line["duration_ms"] >= 0
    # No access log line and nothing personal anywhere: the client is 127.0.0.1.
    assert "Invalid request" in text  # the refusals were logged, without their data
    assert "127.0.0.1" not in text
    assert not any(secret in text for secret in SECRETS), text


def test_l005_the_development_server_logs_no_address(browser_db, caplog):
    """The development server logs no client address or query, even for unparsable requests."""
    server = make_server("127.0.0.1", 0, dash_app.server, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO):
            base = f"http://127.0.0.1:{server.server_port}"
            assert requests.get(f"{base}/healthz?q={QUERY_VALUE}", timeout=60).status_code == 200
            # A request line the server cannot parse: werkzeug logs an error for it.
            with socket.create_connection(("127.0.0.1", server.server_port), timeout=60) as raw:
                raw.sendall(b"NONSENSE\r\n\r\n")
                raw.recv(1024)
            with socket.create_connection(("127.0.0.1", server.server_port), timeout=60) as raw:
                raw.sendall(f"GET /x?q={QUERY_VALUE} a HTTP/1.1\r\n\r\n".encode())
                raw.recv(1024)
            deadline = time.monotonic() + 60
            while not _lines(caplog) and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        server.shutdown()
        server.server_close()
    assert [(line["path"], line["status"]) for line in _lines(caplog)] == [("/healthz", 200)]
    assert any(r.name == "werkzeug" for r in caplog.records)  # the error line is there
    assert "127.0.0.1" not in caplog.text and QUERY_VALUE not in caplog.text
