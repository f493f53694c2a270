"""The peer context of a chart with a national counterpart (``queries.peers``,
``charts.figures.peers``, the payload, the data API and the text alternative), on the
hand-made fixture ``tests/fixtures/peers.py`` in DuckDB and PostgreSQL.

The quartiles are ``percentile_cont``'s: over n values sorted ascending v[0..n-1], the
p-th lies at position p * (n - 1); between v[floor] and v[ceil] it is interpolated
linearly, v[floor] + fraction * (v[ceil] - v[floor]).

2023, seven counties sorted: 50, 55, 58, 60, 62, 66, 71 (n = 7, n - 1 = 6).
  Q1 at 0.25 * 6 = 1.5: 55 + 0.5 * (58 - 55) = 56.5.
  Q3 at 0.75 * 6 = 4.5: 62 + 0.5 * (66 - 62) = 64.0.
  least 50, greatest 71, country 61.2, the county's own (99) 60.0.
2024, county 03 NULL (no value: not counted), 90 in; sorted: 52, 57, 61, 63.5, 64,
  67, 75 (n = 7; the municipality 091's 99 and the unit TA01's 1 are not counties).
  Q1 at 1.5: 57 + 0.5 * (61 - 57) = 59.0.
  Q3 at 4.5: 64 + 0.5 * (67 - 64) = 65.5.
  least 52, greatest 75, country 63.0, own 63.5.
2022 (01: 10.0) lies outside the window 2023-01 .. 2024-12.
"""

from __future__ import annotations

import pandas as pd
import pytest

import tests.fixtures.peers
from queries.filters import Filters
from queries.peers import PEER_COLUMNS, peer_values
from tests.conftest import reporting_db_fixture

reporting_db = reporting_db_fixture(tests.fixtures.peers)

CHART = "hoitotakuu-7vrk"
WINDOW = Filters(start="2023-01", end="2024-12", grain="year")
# period, country, own, least, Q1, Q3, greatest, counties (worked out above)
EXPECTED = [
    (pd.Timestamp("2023-01-01"), 61.2, 60.0, 50.0, 56.5, 64.0, 71.0, 7),
    (pd.Timestamp("2024-01-01"), 63.0, 63.5, 52.0, 59.0, 65.5, 75.0, 7),
]


@pytest.mark.hand_computed(CHART)
def test_pe001_peer_values_are_the_hand_computed_quartiles(reporting_db):
    """Country, own value, least, quartiles, greatest and count per year match the working."""
    frame = peer_values(WINDOW, CHART, "99")
    assert list(frame.columns) == list(PEER_COLUMNS)
    got = [
        (
            row.period,
            row.country,
            row.own,
            row.minimum,
            row.q1,
            row.q3,
            row.maximum,
            row.counties,
        )
        for row in frame.itertuples(index=False)
    ]
    assert got == EXPECTED
    assert frame["grain"].tolist() == ["year", "year"]
