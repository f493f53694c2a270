"""What ``make test`` needs besides the Python packages: set up when it can be, else
named in one line.

    python -m tests.prerequisites [--wait SECONDS]

The tests use real things and never skip them: Chromium and chromedriver (browser tests
and the PowerPoint images), nginx (the single sign-on example, docs/sso/), PostgreSQL
at ``TK_TEST_POSTGRES_URL`` and Redis at ``TK_TEST_REDIS_URL``. For each one that is missing this

- installs Debian's ``chromium`` and ``chromium-driver`` with apt-get, as root;
- installs Debian's ``nginx-light`` with apt-get, as root (the tests run their own
  nginx on a free port; the package's service is not needed);
- starts the machine's PostgreSQL cluster with ``pg_ctlcluster``, as root, when the URL
  points at this machine;
- starts ``redis-server`` when the URL points at this machine;
- loads PostgreSQL's statement counter ``pg_stat_statements`` (the cache-lock tests count
  statements on the server) by adding it to ``shared_preload_libraries`` and restarting
  the machine's cluster, as root, when the URL points at this machine;

waits up to ``--wait`` seconds for what it started, and otherwise stops at once: one
line per missing thing on stderr, saying how to get it, and exit status 1. A server on
another host is only ever reported, never started. The decisions are pure functions
(``*_action``) so that tests can check them without touching the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_DEFAULT = "redis://127.0.0.1:6379/15"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "")
POSTGRES_CONFIG = Path("/etc/postgresql")  # Debian: one folder per installed version

Which = Callable[[str], str | None]


def postgres_url() -> str:
    """The PostgreSQL server the tests use (``TK_TEST_POSTGRES_URL``)."""
    return os.environ.get("TK_TEST_POSTGRES_URL", POSTGRES_DEFAULT)


def redis_url() -> str:
    """The Redis the tests use (``TK_TEST_REDIS_URL``)."""
    return os.environ.get("TK_TEST_REDIS_URL", REDIS_DEFAULT)


def chromium_path(which: Which = shutil.which) -> str | None:
    """The Chromium the browser tests drive: ``DASH_TEST_CHROMEPATH`` or ``chromium`` on
    ``PATH`` (None when neither exists)."""
    configured = os.environ.get("DASH_TEST_CHROMEPATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return which("chromium")


def nginx_path(which: Which = shutil.which) -> str | None:
    """The nginx that runs the single sign-on example (``nginx`` on ``PATH``; None when
    there is none)."""
    return which("nginx")


# Chromium's flags in every browser test and benchmark: no network calls of its own
# (closed networks), no first-run pages, one window size.
CHROMIUM_FLAGS = (
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)


@dataclass(frozen=True)
class Action:
    """What to do about one missing thing: ``commands`` to run (none when nothing can be
    done here) after creating the ``folders`` they need, and the ``line`` to print if
    it is still missing afterwards."""

    commands: tuple[tuple[str, ...], ...]
    line: str
    folders: tuple[str, ...] = ()


def _where(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port


def browser_action(chromium: str | None, driver: str | None, is_root: bool, which: Which):
    """None when Chromium and chromedriver are there; else apt-get as root, or a line."""
    if chromium and driver:
        return None
    line = (
        "missing: Chromium and chromedriver for the browser tests; install them with"
        " `sudo apt-get install chromium chromium-driver` (Debian/Ubuntu), or set"
        " DASH_TEST_CHROMEPATH and put chromedriver on PATH"
    )
    if is_root and which("apt-get"):
        install = ("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver")
        return Action((("apt-get", "update", "-qq"), install), line)
    return Action((), line)


def nginx_action(nginx: str | None, is_root: bool, which: Which):
    """None when nginx is there; else apt-get as root, or a line."""
    if nginx:
        return None
    line = (
        "missing: nginx for the single sign-on example's tests; install it with"
        " `sudo apt-get install nginx-light` (Debian/Ubuntu) and have /usr/sbin on PATH"
    )
    if is_root and which("apt-get"):
        install = ("apt-get", "install", "-y", "-qq", "nginx-light")
        return Action((("apt-get", "update", "-qq"), install), line)
    return Action((), line)


def postgres_action(
    url: str, problem: str | None, is_root: bool, which: Which, versions: Sequence[str]
):
    """None when PostgreSQL answers; else start this machine's cluster (as root), or a
    line."""
    if problem is None:
        return None
    host, port = _where(url.replace("+psycopg", ""))
    where = f"{host or 'localhost'}:{port or 5432}"
    version = versions[0] if versions else "<version>"
    if host not in LOCAL_HOSTS:
        line = (
            f"missing: PostgreSQL at {where} does not answer ({problem}); start it or point"
            " TK_TEST_POSTGRES_URL at a server"
        )
        return Action((), line)
    line = (
        f"missing: PostgreSQL at {where} does not answer ({problem}); install it"
        f" (`sudo apt-get install postgresql`) and start it (`sudo pg_ctlcluster {version}"
        " main start`), or point TK_TEST_POSTGRES_URL at a server"
    )
    if is_root and versions and which("pg_ctlcluster"):
        start = ("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
        return Action((start,), line)
    return Action((), line)


def statements_action(
    url: str, preloaded: str | None, is_root: bool, which: Which, versions: Sequence[str]
):
    """None when ``pg_stat_statements`` is in ``preloaded`` (the server's
    ``shared_preload_libraries``, None when the server does not answer); else add it and
    restart this machine's cluster (as root), or a line."""
    if preloaded is None:
        return None
    libraries = [name.strip() for name in preloaded.split(",") if name.strip()]
    if "pg_stat_statements" in libraries:
        return None
    host, port = _where(url.replace("+psycopg", ""))
    line = (
        "missing: PostgreSQL's pg_stat_statements is not loaded; add it to"
        " shared_preload_libraries and restart the server"
    )
    version = versions[0] if versions else None
    if host in LOCAL_HOSTS and is_root and version and which("pg_ctlcluster") and which("psql"):
        value = ",".join([*libraries, "pg_stat_statements"])
        conninfo = url.replace("+psycopg", "")
        alter = ("psql", conninfo, "-c", f"ALTER SYSTEM SET shared_preload_libraries = '{value}'")
        restart = ("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")
        return Action((alter, restart), line)
    return Action((), line)


def redis_action(url: str, problem: str | None, is_root: bool, which: Which):
    """None when Redis answers; else start ``redis-server`` on this machine, or a line."""
    if problem is None:
        return None
    host, port = _where(url)
    where = f"{host or 'localhost'}:{port or 6379}"
    if host not in LOCAL_HOSTS:
        line = (
            f"missing: Redis at {where} does not answer ({problem}); start it or point"
            " TK_TEST_REDIS_URL at a server"
        )
        return Action((), line)
    line = (
        f"missing: Redis at {where} does not answer ({problem}); install it (`sudo apt-get"
        f" install redis-server`) and start it (`redis-server --port {port or 6379}"
        " --daemonize yes`), or point TK_TEST_REDIS_URL at a server"
    )
    if which("redis-server"):
        folder = "/var/lib/redis" if is_root else os.path.join(tempfile.gettempdir(), "tk-redis")
        # A throwaway cache for tests: no snapshots, no append-only file.
        start = (
            "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
            "--port", str(port or 6379), "--save", "", "--appendonly", "no",
            "--dir", folder, "--logfile", os.path.join(folder, "redis.log"),
        )  # fmt: skip
        return Action((start,), line, folders=(folder,))
    return Action((), line)


def postgres_problem(url: str) -> str | None:
    """None when the server at ``url`` accepts a connection, else the first line of why."""
    import psycopg

    try:
        psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def preloaded_libraries(url: str) -> str | None:
    """The server's ``shared_preload_libraries`` ("" when none), None when it does not
    answer."""
    import psycopg

    try:
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3) as conn:
            return str(conn.execute("SHOW shared_preload_libraries").fetchone()[0])
    except psycopg.Error:
        return None


def redis_problem(url: str) -> str | None:
    """None when Redis at ``url`` answers PING, else the first line of why."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, ValueError) as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def _postgres_versions() -> list[str]:
    return sorted(p.name for p in POSTGRES_CONFIG.iterdir()) if POSTGRES_CONFIG.is_dir() else []


def _carry_out(action: Action, check: Callable[[], bool], wait: float) -> str | None:
    """Run the action's commands and wait for ``check``; the action's line when it is
    still missing afterwards."""
    if not action.commands:
        return action.line
    for folder in action.folders:
        os.makedirs(folder, exist_ok=True)
    for command in action.commands:
        print("setting up: " + " ".join(command), file=sys.stderr, flush=True)
        try:
            done = subprocess.run(
                command,
                stdout=subprocess.DEVNULL,
                check=False,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},  # apt-get never asks
            )
        except OSError:
            return action.line
        if done.returncode != 0:
            return action.line
    deadline = time.monotonic() + wait
    while True:
        if check():
            return None
        if time.monotonic() >= deadline:
            return action.line
        time.sleep(0.5)


def missing(wait: float = 30.0) -> list[str]:
    """Set up what can be set up; the lines for what is still missing."""
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    lines = []
    browser = browser_action(chromium_path(), shutil.which("chromedriver"), is_root, shutil.which)
    if browser is not None:
        lines.append(
            _carry_out(browser, lambda: bool(chromium_path() and shutil.which("chromedriver")), 0)
        )
    proxy = nginx_action(nginx_path(), is_root, shutil.which)
    if proxy is not None:
        lines.append(_carry_out(proxy, lambda: bool(nginx_path()), 0))
    pg_url = postgres_url()
    pg = postgres_action(
        pg_url, postgres_problem(pg_url), is_root, shutil.which, _postgres_versions()
    )
    if pg is not None:
        lines.append(_carry_out(pg, lambda: postgres_problem(pg_url) is None, wait))
    counter = statements_action(
        pg_url, preloaded_libraries(pg_url), is_root, shutil.which, _postgres_versions()
    )
    if counter is not None:
        lines.append(
            _carry_out(
                counter,
                lambda: "pg_stat_statements" in (preloaded_libraries(pg_url) or ""),
                wait,
            )
        )
    cache_url = redis_url()
    cache = redis_action(cache_url, redis_problem(cache_url), is_root, shutil.which)
    if cache is not None:
        lines.append(_carry_out(cache, lambda: redis_problem(cache_url) is None, wait))
    return [line for line in lines if line]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.prerequisites", description=__doc__)
    parser.add_argument(
        "--wait", type=float, default=30.0,
        help="seconds to wait for a service this started (default 30)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    lines = missing(args.wait)
    for line in lines:
        print(line, file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
