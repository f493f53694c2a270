"""The server the load tools talk to: one they start, or one already running on this
machine (``make serve``), and the CPU time its processes have used.

Only loopback addresses are accepted: the tools generate heavy traffic and must never
be pointed at a county's server by mistake.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psutil

from tests.servers import gunicorn_server

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class NotLoopback(ValueError):
    """A target URL whose host is not this machine's loopback address."""


def check_loopback(url: str) -> str:
    """``url`` without a trailing slash if its host is 127.0.0.1, localhost or ::1;
    raises ``NotLoopback`` (with the reason) otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        raise NotLoopback(
            f"refusing {url!r}: the load tools only talk to a server on this machine "
            f"({', '.join(LOOPBACK_HOSTS)}) over http(s)"
        )
    return url.rstrip("/")


@contextmanager
def started_server(
    reporting_db_url: str, redis_url: str, workers: int, threads: int
) -> Iterator[str]:
    """gunicorn with ``workers`` gthread workers of ``threads`` threads each, the Redis
    cache at ``redis_url`` and the reporting DB at ``reporting_db_url``, on a free
    loopback port; yields its base URL. For use until the project has its own
    production server command; ``GUNICORN_CMD_ARGS`` passes the worker class."""
    env = {
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": redis_url,
        "TK_REPORTING_DB_URL": reporting_db_url,
        "GUNICORN_CMD_ARGS": f"--worker-class gthread --threads {threads}",
    }
    with gunicorn_server("app:server", env, workers=workers) as base:
        yield base


def server_processes(base: str) -> list[psutil.Process]:
    """The processes serving ``base``: the one listening on its port (gunicorn's master)
    and all its descendants (the workers). Empty when none is found (e.g. no right
    to see other users' sockets)."""
    port = urlsplit(base).port or 80
    pids = {
        conn.pid
        for conn in psutil.net_connections(kind="tcp")
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid
    }
    found: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            process = psutil.Process(pid)
            # The socket may be reported under a worker: climb to the master, whose
            # command line the workers share.
            while (parent := process.parent()) and parent.cmdline() == process.cmdline():
                process = parent
            for p in [process, *process.children(recursive=True)]:
                found[p.pid] = p
        except psutil.NoSuchProcess:
            continue
    return list(found.values())


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU seconds the ``processes`` have used so far (a process that has
    ended counts nothing: measure over a run in which no worker restarts)."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def machine_load() -> dict[str, float]:
    """The 1, 5 and 15 minute load averages and the number of CPUs."""
    one, five, fifteen = os.getloadavg()
    return {"load1": one, "load5": five, "load15": fifteen, "cpus": os.cpu_count() or 0}
