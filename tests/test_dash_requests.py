"""Dash's per-process set-up under threads (dash_requests.complete_setup_first).

The race is timing-dependent in production; here the set-up is held open for a second
so that a callback request certainly arrives inside it. The unguarded run shows the
fault the guard exists for (a valid callback request not answered 200), so the guarded
run's 200 is not luck.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]


def _statuses(*args: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.dash_setup_race", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_unguarded_set_up_fails_a_callback_that_arrives_during_it():
    """Without the guard a callback arriving during Dash's set-up fails (the fault exists)."""
    statuses = _statuses()
    assert statuses["page"] == 200
    assert statuses["callback"] != 200


def test_guarded_set_up_answers_a_callback_that_arrives_during_it():
    """With the guard a callback arriving during Dash's set-up is answered 200."""
    assert _statuses("--guarded") == {"page": 200, "callback": 200}
