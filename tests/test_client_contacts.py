"""One definition of "a client contact that took place" in every chart that counts
contacts (``queries.sql.CLIENT_CONTACT_TOOK_PLACE``), on the hand-made contact-codes
fixture (``tests/fixtures/contact_codes.py``), on DuckDB and PostgreSQL.

The fixture's month 2024-03 (unit TA01) holds, all with access-type visit fields:
A 10 x R10 (waits 1 d x5, 20 d x5, booked by phone), B 5 x R52 (1 d, electronic),
C 5 x R56 (20 d, electronic), D 5 x R10 without an assessment (phone), E 5 x R60
(1 d, electronic), F 5 with a code outside the national set (1 d, electronic) and
G 5 cancelled R10 (1 d, electronic). Client contacts that took place: A + B + C + D =
25. Every chart must leave E, F and G out alike; only the valid-code share of
kirjaamisen-laatu sees them.
"""

from __future__ import annotations

import pandas as pd
import pytest

import tests.fixtures.contact_codes
from charts.catalog import CHARTS
from queries.filters import Filters
from tests.conftest import reporting_db_fixture

reporting_db = reporting_db_fixture(tests.fixtures.contact_codes)

MARCH = Filters(start="2024-03", end="2024-03")


def _cells(chart_id: str) -> dict[str, tuple[float, float, float]]:
    """series -> (value, numerator, denominator) of the chart in 2024-03."""
    frame = CHARTS[chart_id].load(MARCH)
    frame = frame[frame["period"] == pd.Timestamp("2024-03-01")]
    assert not frame["suppressed"].any(), chart_id
    return {
        row.series: (row.value, row.numerator, row.denominator)
        for row in frame.itertuples(index=False)
    }


# (chart, series) -> (value %, numerator, denominator), by hand from the fixture.
EXPECTED = {
    # Access visits = client contacts that took place with an assessment: A + B + C = 20
    # (D has none). Within 7 days: A's 5 + B's 5 = 10 -> 10 / 20 = 50.0 %. Counting the
    # 5 unknown-code rows F (1 d each) as visits would give 15 / 25 = 60.0 %.
    ("hoitotakuu-7vrk", "within_days"): (50.0, 10, 20),
    # Deadline 14 d in 2024-03: the 1-day waits are within, the 20-day ones not: 10 / 20.
    ("hoitotakuu-lakisaateinen", "within_deadline"): (50.0, 10, 20),
    # Classes of the same 20 visits: 0-7 days A 5 + B 5 = 10, 15-90 days A 5 + C 5 = 10.
    ("odotusaikajakauma", "days_0_7"): (50.0, 10, 20),
    ("odotusaikajakauma", "days_8_14"): (0.0, 0, 20),
    ("odotusaikajakauma", "days_15_90"): (50.0, 10, 20),
    ("odotusaikajakauma", "days_91_180"): (0.0, 0, 20),
    ("odotusaikajakauma", "days_over_180"): (0.0, 0, 20),
    # Remote share over the 25 client contacts that took place: B 5 + C 5 = 10 -> 40.0 %;
    # real-time B 5 -> 20.0 %, asynchronous C 5 -> 20.0 %.
    ("digiasiointi-osuus", "remote"): (40.0, 10, 25),
    ("digiasiointi-osuus", "realtime"): (20.0, 5, 25),
    ("digiasiointi-osuus", "asynchronous"): (20.0, 5, 25),
    # E-booking over the same 25 (each has a booking channel): electronic B 5 + C 5 = 10.
    # E, F and G were booked electronically too: counting any of them would raise it.
    ("sahkoinen-ajanvaraus-osuus", "electronic"): (40.0, 10, 25),
    # Assessment recorded over the access-type visits, the same 25: A + B + C = 20 ->
    # 80.0 %. Counting F (assessed) would give 25 / 30 = 83.3 %.
    ("kirjaamisen-laatu", "assessment_recorded"): (80.0, 20, 25),
    # Valid code over every row, A..G = 40: all but F's 5 -> 35 / 40 = 87.5 %.
    ("kirjaamisen-laatu", "valid_contact_type"): (87.5, 35, 40),
}


@pytest.mark.parametrize("chart_id", sorted({chart for chart, _ in EXPECTED}))
def test_cc001_a_code_outside_the_set_counts_in_no_contact_chart(reporting_db, chart_id):
    """Each contact chart's March cells are hand counts without R60, unknown or cancelled rows."""
    expected = {series: cell for (chart, series), cell in EXPECTED.items() if chart == chart_id}
    assert _cells(chart_id) == expected


def test_cc002_every_chart_counts_the_same_client_contacts(reporting_db):
    """The remote, e-booking and assessment shares share one denominator of 25 client contacts."""
    # The denominators that count every client contact that took place agree: 25 in
    # the remote share, the e-booking share and the assessment-recorded share (every
    # fixture row has the access-type visit fields and a booking channel).
    bases = {
        _cells("digiasiointi-osuus")["remote"][2],
        _cells("sahkoinen-ajanvaraus-osuus")["electronic"][2],
        _cells("kirjaamisen-laatu")["assessment_recorded"][2],
    }
    assert bases == {25}
