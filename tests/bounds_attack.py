"""An interval (bounds-propagation) attack on published counts, for the tests.

The attacker knows the publication rule and m. Each published number implies a range
for its true count (``implied_bounds``); the attacker knows which sums hold — a year is
its 12 months and its 4 quarters, a quarter its 3 months, the county its service areas,
an area its municipalities, a municipality its units — and narrows the ranges until
nothing changes (``propagate``). A true count is *pinned* when its range is one number.

``sparse_table`` builds a seeded synthetic table of that shape (Poisson counts per unit
and month, each record with a random record key, cell key = sum of record keys mod
2**20, as in ``queries.privacy``), with the cells and the sums that hold.

Cells are any hashable keys; bounds are ``{cell: (low, high)}`` of whole numbers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import numpy as np

from queries.privacy import KEY_RANGE

Bounds = dict[Hashable, tuple[int, int]]
Constraint = tuple[Hashable, list[Hashable]]  # (total, its parts): total = sum(parts)


def implied_bounds(published: float, minimum: int, round_all: bool) -> tuple[int, int]:
    """The range of true counts a published number allows, for a rule known to the
    attacker. ``round_all`` (the current rule): every count is rounded to a multiple
    p of m, so the true count is max(0, p − (m − 1)) .. p + (m − 1). Otherwise (the
    earlier rule): NaN (``..``) means 1 .. m − 1, 0 means exactly 0, and p means
    max(m, p − (m − 1)) .. p + (m − 1)."""
    m = minimum
    if round_all:
        p = int(published)
        return max(0, p - m + 1), p + m - 1
    if math.isnan(published):
        return 1, m - 1
    p = int(published)
    if p == 0:
        return 0, 0
    return max(m, p - m + 1), p + m - 1


def propagate(bounds: Bounds, constraints: list[Constraint]) -> Bounds:
    """Narrow ``bounds`` by the sums in ``constraints`` until nothing changes.

    For a total T = Σ parts: T's range is cut to [Σ low, Σ high] of the parts, and
    each part's to [T.low − Σ other highs, T.high − Σ other lows]. Returns a new dict;
    ranges only narrow, so a true count inside its starting range stays inside."""
    b = dict(bounds)
    changed = True
    while changed:
        changed = False
        for total, parts in constraints:
            low = sum(b[c][0] for c in parts)
            high = sum(b[c][1] for c in parts)
            t_low, t_high = b[total]
            narrowed = (max(t_low, low), min(t_high, high))
            if narrowed != b[total]:
                b[total] = narrowed
                changed = True
            t_low, t_high = b[total]
            for part in parts:
                p_low, p_high = b[part]
                new = (max(p_low, t_low - (high - p_high)), min(p_high, t_high - (low - p_low)))
                if new != (p_low, p_high):
                    b[part] = new
                    changed = True
                    low += new[0] - p_low
                    high += new[1] - p_high
    return b


def sparse_table(seed: int, rates: list[float], years: int = 3):
    """A seeded sparse table: one unit per rate (events per month ~ Poisson(rate)),
    two units per municipality, two municipalities per service area, one county.

    Returns ``(cells, constraints)``: ``cells`` maps ``(node, period)`` to
    ``(true count, cell key)``; a node is ``"county"``, ``"area<i>"``, ``"mun<j>"``
    or ``"unit<k>"``; a period is ``("M", i)`` (month 0 .. 12·years − 1),
    ``("Q", i)`` or ``("Y", i)``. ``constraints`` are the sums that hold."""
    rng = np.random.default_rng(seed)
    months = 12 * years
    units = [f"unit{k}" for k in range(len(rates))]
    municipalities = {f"mun{j}": units[2 * j : 2 * j + 2] for j in range((len(units) + 1) // 2)}
    mun_names = list(municipalities)
    areas = {f"area{i}": mun_names[2 * i : 2 * i + 2] for i in range((len(mun_names) + 1) // 2)}
    children = {"county": list(areas), **areas, **municipalities}
    leaf = {}
    for unit, rate in zip(units, rates, strict=True):
        for month in range(months):
            n = int(rng.poisson(rate))
            keys = rng.integers(0, KEY_RANGE, size=n)
            leaf[(unit, month)] = (n, int(keys.sum()))

    def members(node):
        return [node] if node in units else [u for c in children[node] for u in members(c)]

    periods = {("M", i): [i] for i in range(months)}
    periods.update({("Q", i): list(range(3 * i, 3 * i + 3)) for i in range(months // 3)})
    periods.update({("Y", i): list(range(12 * i, 12 * i + 12)) for i in range(years)})
    cells = {}
    for node in [*children, *units]:
        for period, in_period in periods.items():
            parts = [leaf[(u, m)] for u in members(node) for m in in_period]
            cells[(node, period)] = (sum(n for n, _ in parts), sum(k for _, k in parts) % KEY_RANGE)
    constraints: list[Constraint] = []
    for node in [*children, *units]:
        for i in range(months // 3):
            constraints.append(((node, ("Q", i)), [(node, ("M", 3 * i + j)) for j in range(3)]))
        for i in range(years):
            year = (node, ("Y", i))
            constraints.append((year, [(node, ("M", 12 * i + j)) for j in range(12)]))
            constraints.append((year, [(node, ("Q", 4 * i + j)) for j in range(4)]))
        for period in periods if node in children else ():
            constraints.append(((node, period), [(c, period) for c in children[node]]))
    return cells, constraints
