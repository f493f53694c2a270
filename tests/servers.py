"""Starting servers in tests and waiting for them, patient with a busy machine.

Every test that starts a server (gunicorn in a subprocess, the Dash test server in a
thread, the benchmark's server) waits through ``wait_until_ready``. A loaded machine
answers slowly rather than not at all, so a wait treats a read time-out like a refused
connection (try again), and gives up only after ``READY_TIMEOUT`` seconds or when the
server process has died. Waits in browser tests use ``WAIT``: they return as soon as
the condition holds, so a long limit costs nothing on a quiet machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import requests

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 120.0  # seconds a starting server may take to answer its first request
WAIT = 90.0  # seconds a browser test waits for the page to reach a state


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(
    url: str, timeout: float = READY_TIMEOUT, process: subprocess.Popen | None = None
) -> None:
    """Return once ``url`` answers with any HTTP status below 500.

    Refused connections, read time-outs and 5xx answers all mean "not yet". Raises
    ``RuntimeError`` when ``process`` (the server, if the test started one) exits
    first, or when nothing answered within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"server process exited with {process.returncode} before {url} answered"
            )
        try:
            response = requests.get(url, timeout=10)
            if response.status_code < 500:
                return
            last_error = f"HTTP {response.status_code}"
        except requests.RequestException as exc:  # refused, reset or timed out
            last_error = type(exc).__name__
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s ({last_error})")


@contextmanager
def gunicorn_server(
    target: str,
    env: Mapping[str, str],
    ready_path: str = "/healthz",
    workers: int = 1,
    options: Sequence[str] = (),
    output: IO | None = None,
) -> Iterator[str]:
    """Run ``gunicorn target`` on a free port with ``env`` added to the environment;
    yield its base URL (``http://127.0.0.1:<port>``) once ``ready_path`` answers, and
    stop it afterwards. ``options`` go before the port and worker count, which win
    over them (e.g. ``("-c", "gunicorn.conf.py")``: ``make serve``'s settings).
    ``output``, an open file, gets the server's stdout and stderr (its access log and
    every log line) for the test to read; without it stdout is dropped and stderr
    goes to the test run's."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *options,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL if output is None else output,
        stderr=None if output is None else subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base + ready_path, process=proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
