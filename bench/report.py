"""What every benchmark report shares: timing statistics, the head saying when and
where it ran (the machine's load average included), and writing it to
``bench/results/``."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def timing_stats(samples: list[float]) -> dict[str, float]:
    """``{"median_ms", "p95_ms", "runs"}`` of ``samples`` (seconds; at least one)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "runs": len(ordered),
    }


def report_head() -> dict:
    """When and where a benchmark ran: the start of every report."""
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }


def write_report(report: dict, name: str) -> Path:
    """``report`` as ``bench/results/<name>`` (JSON); says where."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / name
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return out
