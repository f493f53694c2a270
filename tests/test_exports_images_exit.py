"""A process that drew chart images ends cleanly: no "--- Logging error ---" at exit.

Seen before the fix: with the browser gone unanswering (Ctrl-C in a terminal reaches
Chromium too) and the log stream closed (a test runner's captured output), the exit
hook's warning and the browser layer's records were written to the closed stream, and
Python printed "--- Logging error ---" with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import io, logging, os, signal, time
    logging.basicConfig(level=logging.INFO)
    import plotly.graph_objects as go
    from exports import images
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4])).to_plotly_json()
    assert images.render(figure).startswith(b"\\x89PNG")
    os.kill(images._renderer.kaleido.subprocess.pid, signal.SIGINT)  # Ctrl-C's share
    time.sleep(1)
    closed = io.StringIO()  # the stream the handlers write to is closed before exit
    for handler in logging.root.handlers:
        handler.setStream(closed)
    closed.close()
    print("exiting", flush=True)
    """
)


def test_ie001_no_logging_error_at_exit(tmp_path):
    """A process that drew images exits cleanly after Ctrl-C reached the browser: no log errors."""
    env = {**os.environ, "TK_REPORTING_DB_URL": f"duckdb:///{tmp_path}/none.duckdb"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "exiting"
    assert "Logging error" not in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
