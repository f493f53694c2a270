"""Oral-health percentiles whose two neighbouring ranks fall in different waiting-time
classes (``reporting.aggregates.queues.WAIT_CLASS_DAYS``, 16 days: 0-15, 16-31, 32-47),
worked out by hand as ``percentile_cont`` over the entries, on DuckDB and PostgreSQL.

PostgreSQL's query first finds the class holding each rank and then reads the exact
waits of those classes only (``queries.queues``); these cases put the ranks on both
sides of a class boundary and in classes with no neighbour in between.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

import pandas as pd
import pytest

from queries.filters import Filters
from queries.queues import oral_health_waiting_days
from tests.conftest import reporting_db_fixture
from tests.fixtures.common import base_tables

# (unit, exit date, wait in days) of treated oral-health entries; ids 1.. in this order,
# record keys 1000 × id (tests.fixtures.common.default_record_key).
_TREATED = [
    ("TA01", date(2024, 1, 20), 10),
    ("TA01", date(2024, 1, 20), 15),
    ("TA01", date(2024, 1, 21), 16),
    ("TA01", date(2024, 1, 22), 40),
    ("TA02", date(2024, 1, 10), 0),
    ("TA02", date(2024, 1, 11), 31),
    ("TA01", date(2024, 2, 5), 15),
    ("TA01", date(2024, 2, 6), 16),
    ("TA03", date(2024, 3, 15), 20),
]


def tables() -> dict[str, list[dict]]:
    """Units, targets, meta and the treated entries of ``_TREATED``, plus one cancelled
    exit (January, 20 days: not treated, so never counted)."""
    rows = [
        {
            "entry_id": number,
            "service": "oral_health",
            "unit_id": unit,
            "entered_date": exit_date - timedelta(days=wait),
            "exit_date": exit_date,
            "exit_reason": "treated",
            "age": 40,
        }
        for number, (unit, exit_date, wait) in enumerate(_TREATED, start=1)
    ]
    rows.append(
        {
            "entry_id": len(rows) + 1,
            "service": "oral_health",
            "unit_id": "TA01",
            "entered_date": date(2024, 1, 1),
            "exit_date": date(2024, 1, 21),
            "exit_reason": "cancelled",
            "age": 40,
        }
    )
    return {**base_tables(), "queue_entries": rows}


reporting_db = reporting_db_fixture(sys.modules[__name__])


def _values(frame: pd.DataFrame, period: str) -> tuple[float, float, float, float]:
    """(median, p90, entries, entries' key) of ``period`` in the chart frame."""
    rows = frame[frame["period"] == pd.Timestamp(period)].set_index("series")
    median, p90 = rows.loc["median"], rows.loc["p90"]
    assert median["denominator"] == p90["denominator"]
    return median["value"], p90["value"], median["denominator"], median["denominator_key"]


@pytest.mark.parametrize(
    ("filters", "period", "expected"),
    [
        # TA01, January: 10, 15 | 16 | 40. m = 3: median at 1.5 between 15 and 16 (two
        # classes) = 15.5; p90 at 2.7 between 16 and 40 = 16 + 0.7 * 24 = 32.8.
        # Keys 1000 + 2000 + 3000 + 4000.
        (
            Filters(start="2024-01", end="2024-01", units=("TA01",)),
            "2024-01-01",
            (15.5, 32.8, 4, 10000),
        ),
        # TA02, January: 0 | 31, both classes' edges. m = 1: median 15.5; p90 at 0.9:
        # 0 + 0.9 * 31 = 27.9. Keys 5000 + 6000.
        (
            Filters(start="2024-01", end="2024-01", units=("TA02",)),
            "2024-01-01",
            (15.5, 27.9, 2, 11000),
        ),
        # The county, January: 0, 10, 15 | 16, 31 | 40. m = 5: median at 2.5 between 15
        # and 16 = 15.5; p90 at 4.5 between 31 and 40 = 35.5. Keys 1000 + ... + 6000.
        (Filters(start="2024-01", end="2024-01"), "2024-01-01", (15.5, 35.5, 6, 21000)),
        # TA01, the first quarter (January and February recomputed from the entries):
        # 10, 15, 15 | 16, 16 | 40. m = 5: median at 2.5 between 15 and 16 = 15.5; p90 at
        # 4.5 between 16 and 40 = 28.0. Keys 1000 + 2000 + 3000 + 4000 + 7000 + 8000.
        (
            Filters(start="2024-01", end="2024-03", grain="quarter", units=("TA01",)),
            "2024-01-01",
            (15.5, 28.0, 6, 25000),
        ),
        # The county, the year 2024: 0, 10, 15, 15 | 16, 16, 20, 31 | 40. m = 8: median at
        # rank 4 = 16; p90 at 7.2 between 31 and 40 = 31 + 0.2 * 9 = 32.8. Keys 1000 × (1 +
        # ... + 9) = 45000.
        (
            Filters(start="2024-01", end="2024-04", grain="year"),
            "2024-01-01",
            (16.0, 32.8, 9, 45000),
        ),
    ],
)
def test_percentiles_across_wait_classes(reporting_db, filters, period, expected):
    """Oral-health median and p90 interpolate between ranks that fall in different wait classes."""
    assert _values(oral_health_waiting_days(filters), period) == pytest.approx(expected)


def test_months_of_two_entries_and_of_one(reporting_db):
    """A month of two entries interpolates between them; one entry is both percentiles."""
    frame = oral_health_waiting_days(Filters(start="2024-02", end="2024-03"))
    # February: TA01's 15 | 16 only. m = 1: median 15.5, p90 15 + 0.9 = 15.9.
    assert _values(frame, "2024-02-01") == pytest.approx((15.5, 15.9, 2, 15000))
    # March: TA03's one entry of 20 days is both percentiles (m = 0). Key 9000.
    assert _values(frame, "2024-03-01") == pytest.approx((20.0, 20.0, 1, 9000))
