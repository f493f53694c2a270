"""The bounds-propagation attack (tests/bounds_attack.py) against the published rule.

An attacker who knows the rule turns each published number into a range for the true
count and narrows the ranges over the sums that hold (year = months = quarters,
quarter = months, county = areas = municipalities = units). Under the earlier rule
(1 .. m − 1 withheld as ``..``, 0 shown as 0) that pins hidden small counts exactly;
under the current rule (``queries.privacy.published_count``: every count, small ones
included, randomly rounded to a multiple of m) it pins none.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from queries.privacy import published_count
from tests.bounds_attack import implied_bounds, propagate, sparse_table

pytestmark = pytest.mark.unit

M = 5
# Eight units of 0.3 .. 2 events a month (sparse, as in small village stations).
RATES = [0.3, 0.5, 0.7, 0.9, 1.1, 1.4, 1.7, 2.0]


def test_ba001_implied_bounds_of_both_rules():
    """A published number implies the right range of true counts under both rules."""
    # Current rule, m = 5: p = 0 -> 0 .. 4; p = 5 -> 1 .. 9; p = 30 -> 26 .. 34.
    assert implied_bounds(0, M, round_all=True) == (0, 4)
    assert implied_bounds(5, M, round_all=True) == (1, 9)
    assert implied_bounds(30, M, round_all=True) == (26, 34)
    # Earlier rule: .. -> 1 .. 4; 0 -> exactly 0; 5 -> at least 5: 5 .. 9.
    assert implied_bounds(float("nan"), M, round_all=False) == (1, 4)
    assert implied_bounds(0, M, round_all=False) == (0, 0)
    assert implied_bounds(5, M, round_all=False) == (5, 9)


def test_ba002_propagate_pins_a_year_of_hidden_months_under_the_earlier_rule():
    """Under the earlier rule, sum constraints pin a year's hidden months exactly."""
    # Earlier rule: a year shown as .. (1 .. 4) whose months are four .. (1 .. 4 each)
    # and eight 0s (exactly 0). The four hidden months sum to at most 4 and each is at
    # least 1, so each is 4 − (1 + 1 + 1) = 1 at most: all four pinned to 1, and the
    # year to 4.
    months = [(1, 4)] * 4 + [(0, 0)] * 8
    bounds = {"year": (1, 4), **{("m", i): b for i, b in enumerate(months)}}
    out = propagate(bounds, [("year", [("m", i) for i in range(12)])])
    assert [out[("m", i)] for i in range(4)] == [(1, 1)] * 4
    assert out["year"] == (4, 4)


def test_ba003_propagate_under_the_current_rule_keeps_the_ranges():
    """Under the current rule the same constraints leave ranges as they are or narrow, not pin."""
    # Current rule, the same true counts: the year (4) and each month published 0 or 5.
    # Year 0 -> 0 .. 4; months 0 -> 0 .. 4 each: the sum allows 0 .. 48, which does not
    # cut the year, and a month is cut to at most 4 − 0 = 4: nothing narrows.
    bounds = {"year": (0, 4), **{("m", i): (0, 4) for i in range(12)}}
    out = propagate(bounds, [("year", [("m", i) for i in range(12)])])
    assert out == bounds
    # One month published 5 (1 .. 9) inside a year published 0 (0 .. 4): the month is
    # cut to 1 .. 4 − 0 = 4, the others stay 0 .. 4 − 1 = 3: narrowed, not pinned.
    bounds[("m", 0)] = (1, 9)
    out = propagate(bounds, [("year", [("m", i) for i in range(12)])])
    assert out[("m", 0)] == (1, 4) and out[("m", 1)] == (0, 3) and out["year"] == (1, 4)


def test_ba004_propagate_a_total_of_two():
    """Propagating a total of two cells narrows each by the other's bounds."""
    # T = a + b with T = 10 .. 10, a = 0 .. 4, b = 0 .. 20: b >= 10 − 4 = 6 and
    # b <= 10 − 0 = 10; a >= 10 − 20 (no cut), a <= 10 − 0 (no cut): a 0 .. 4, b 6 .. 10.
    out = propagate({"T": (10, 10), "a": (0, 4), "b": (0, 20)}, [("T", ["a", "b"])])
    assert out == {"T": (10, 10), "a": (0, 4), "b": (6, 10)}


def _earlier_rule(n, keys):
    # The rule before: counts of 1 .. m − 1 withheld (NaN), the others as published now.
    return np.where((n > 0) & (n < M), np.nan, published_count(n, keys, M))


def _attack(cells, constraints, round_all):
    names = list(cells)
    n = np.array([cells[c][0] for c in names], dtype=float)
    keys = np.array([cells[c][1] for c in names], dtype=float)
    published = published_count(n, keys, M) if round_all else _earlier_rule(n, keys)
    start = {c: implied_bounds(p, M, round_all) for c, p in zip(names, published, strict=True)}
    out = propagate(start, constraints)
    # The attack is sound: every true count stays inside its range.
    assert all(out[c][0] <= cells[c][0] <= out[c][1] for c in names)
    small = [c for c in names if 0 < cells[c][0] < M]
    pinned = [c for c in small if out[c][0] == out[c][1]]
    return small, pinned, published


def test_ba005_the_current_rule_pins_no_small_count_and_the_earlier_one_did():
    """On sparse tables the attack pins no small count under the current rule but some before."""
    for seed in (1, 2, 3):
        cells, constraints = sparse_table(seed, RATES, years=3)
        # 15 nodes (county, 2 areas, 4 municipalities, 8 units) x 51 periods.
        assert len(cells) == 15 * 51
        small, pinned, published = _attack(cells, constraints, round_all=True)
        # A sparse table: many true counts of 1 .. 4, all published as 0 or 5 ...
        assert len(small) > 100, seed
        assert {published_count([cells[c][0]], [cells[c][1]], M)[0] for c in small} <= {0, 5}
        assert not any(math.isnan(p) or p % M for p in published)
        # ... and none of them pinned by the attack.
        assert pinned == [], (seed, pinned[:5])
        # The earlier rule on the same table: the attack pins hidden counts exactly.
        _, pinned_before, _ = _attack(cells, constraints, round_all=False)
        assert len(pinned_before) > 0, seed
