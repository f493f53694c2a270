"""``make test``'s set-up (``tests.prerequisites``): what it decides for each missing
thing, checked without touching the machine (pure decisions, a fake PATH, ports nothing
listens on). The shared PostgreSQL and Redis are never stopped and Chromium is never
uninstalled for these tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.prerequisites import (
    browser_action,
    nginx_action,
    postgres_action,
    redis_action,
    statements_action,
)
from tests.servers import ROOT, free_port


def _which(*present: str):
    return lambda name: f"/usr/bin/{name}" if name in present else None


@pytest.mark.unit
def test_p001_browser_is_installed_as_root_else_named():
    """A missing Chromium is installed with apt-get as root, else named with the command to run."""
    assert browser_action("/usr/bin/chromium", "/usr/bin/chromedriver", False, _which()) is None
    as_root = browser_action(None, "/usr/bin/chromedriver", True, _which("apt-get"))
    assert as_root.commands == (
        ("apt-get", "update", "-qq"),
        ("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"),
    )
    for action in (
        browser_action("/usr/bin/chromium", None, False, _which("apt-get")),  # not root
        browser_action(None, None, True, _which()),  # root without apt-get
    ):
        assert action.commands == ()
        assert "sudo apt-get install chromium chromium-driver" in action.line


@pytest.mark.unit
def test_p001b_nginx_is_installed_as_root_else_named():
    """A missing nginx is installed with apt-get as root, else named with the command to run."""
    assert nginx_action("/usr/sbin/nginx", False, _which()) is None
    as_root = nginx_action(None, True, _which("apt-get"))
    assert as_root.commands == (
        ("apt-get", "update", "-qq"),
        ("apt-get", "install", "-y", "-qq", "nginx-light"),
    )
    for action in (
        nginx_action(None, False, _which("apt-get")),  # not root
        nginx_action(None, True, _which()),  # root without apt-get
    ):
        assert action.commands == ()
        assert "sudo apt-get install nginx-light" in action.line


@pytest.mark.unit
def test_p002_postgres_started_only_here_and_as_root():
    """A local PostgreSQL that is down is started only as root; a remote one is only named."""
    local = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert postgres_action(local, None, True, _which("pg_ctlcluster"), ["15"]) is None
    start = postgres_action(local, "refused", True, _which("pg_ctlcluster"), ["15"])
    assert start.commands == (
        ("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"),
    )
    as_user = postgres_action(local, "refused", False, _which("pg_ctlcluster"), ["15"])
    assert as_user.commands == () and "`sudo pg_ctlcluster 15 main start`" in as_user.line
    assert "127.0.0.1:5432 does not answer (refused)" in as_user.line
    none_installed = postgres_action(local, "refused", True, _which(), [])
    assert none_installed.commands == () and "apt-get install postgresql" in none_installed.line
    remote = postgres_action(
        "postgresql+psycopg://u@db.example:6543/x",
        "timeout",
        True,
        _which("pg_ctlcluster"),
        ["15"],
    )
    assert remote.commands == () and "db.example:6543" in remote.line
    assert "TK_TEST_POSTGRES_URL" in remote.line


@pytest.mark.unit
def test_p006_statement_counter_loaded_here_as_root_keeping_other_libraries():
    """pg_stat_statements is added to preload libraries, keeping others, only locally as root."""
    local = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    tools = _which("pg_ctlcluster", "psql")
    assert statements_action(local, "pg_stat_statements", True, tools, ["15"]) is None
    assert statements_action(local, "auto_explain, pg_stat_statements", True, tools, ["15"]) is None
    assert statements_action(local, None, True, tools, ["15"]) is None  # down: started first
    load = statements_action(local, "auto_explain", True, tools, ["15"])
    assert load.commands == (
        (
            "psql",
            "postgresql://postgres@127.0.0.1:5432/test",
            "-c",
            "ALTER SYSTEM SET shared_preload_libraries = 'auto_explain,pg_stat_statements'",
        ),
        ("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"),
    )
    for action in (
        statements_action(local, "", False, tools, ["15"]),  # not root
        statements_action("postgresql+psycopg://u@db.example/x", "", True, tools, ["15"]),
    ):
        assert action.commands == () and "pg_stat_statements" in action.line


@pytest.mark.unit
def test_p003_redis_started_here_with_the_urls_port():
    """A local Redis that is down is started on the URL's port; a remote or missing one is named."""
    assert redis_action("redis://127.0.0.1:6379/7", None, False, _which()) is None
    start = redis_action("redis://127.0.0.1:6390/7", "refused", True, _which("redis-server"))
    (command,) = start.commands
    assert command[:3] == ("redis-server", "--daemonize", "yes")
    assert command[command.index("--port") + 1] == "6390"
    assert command[command.index("--dir") + 1] == "/var/lib/redis" == start.folders[0]
    missing = redis_action("redis://localhost:6379/0", "refused", True, _which())
    assert missing.commands == () and "apt-get install redis-server" in missing.line
    remote = redis_action("redis://cache.example:6379/0", "refused", True, _which("redis-server"))
    assert remote.commands == () and "TK_TEST_REDIS_URL" in remote.line


def _run(tmp_path: Path, *args: str, stubs: dict[str, str] | None = None):
    """``python -m tests.prerequisites`` with PATH holding only ``stubs`` (name ->
    shell script body), and both services pointed at ports nothing listens on."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for name, body in (stubs or {}).items():
        path = fake_bin / name
        path.write_text("#!/bin/sh\n" + body + "\n")
        path.chmod(0o755)
    redis_port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DASH_TEST_CHROMEPATH"} | {
        "PATH": str(fake_bin),
        "TK_TEST_POSTGRES_URL": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test",
        "TK_TEST_REDIS_URL": f"redis://127.0.0.1:{redis_port}/7",
    }
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "tests.prerequisites", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return proc, time.monotonic() - started, redis_port


@pytest.mark.server
def test_p004_nothing_available_stops_at_once_with_one_line_each(tmp_path):
    """With nothing available the set-up exits 1 at once with one line per missing tool."""
    proc, seconds, _port = _run(tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    # Browser, nginx, PostgreSQL and Redis are missing and nothing here can fix them:
    # four lines, each naming what is missing and how to get it, and no waiting.
    assert [line.split(" ", 2)[1] for line in lines] == [
        "Chromium",
        "nginx",
        "PostgreSQL",
        "Redis",
    ]
    assert "apt-get install chromium chromium-driver" in lines[0]
    assert "apt-get install nginx-light" in lines[1]
    assert "apt-get install postgresql" in lines[2] and "TK_TEST_POSTGRES_URL" in lines[2]
    assert "apt-get install redis-server" in lines[3] and "TK_TEST_REDIS_URL" in lines[3]
    assert "Traceback" not in proc.stderr
    assert seconds < 30  # "at once": the start of Python and three refused connections


@pytest.mark.server
def test_p005_a_local_redis_is_started_with_the_urls_port(tmp_path):
    """The set-up starts redis-server on the URL's port and still reports Redis missing if down."""
    log = tmp_path / "redis-server.args"
    stub = f'printf "%s\\n" "$@" > {log}'  # records its arguments, starts nothing
    proc, _seconds, port = _run(tmp_path, "--wait", "1", stubs={"redis-server": stub})
    args = log.read_text().splitlines()
    assert args[:2] == ["--daemonize", "yes"]
    assert args[args.index("--port") + 1] == str(port)  # the URL's port
    # Nothing came up, so after the wait Redis is still named as missing.
    assert proc.returncode == 1 and "setting up: redis-server" in proc.stderr
    assert proc.stderr.splitlines()[-1].startswith(f"missing: Redis at 127.0.0.1:{port} ")
