"""Filters parsed from URL parameters: valid values kept, bad ones replaced with notices."""

from __future__ import annotations

from datetime import date

import pytest

from queries.filters import DEFAULT_START, Filters

pytestmark = pytest.mark.unit


def test_p001_valid_query_round_trips():
    """A valid query parses without notices, round-trips and gives its start and end dates."""
    query = {"from": "2023-03", "to": "2024-02", "grain": "quarter", "unit": "municipality-901"}
    filters, notices = Filters.from_query(query)
    assert notices == ()
    # The node id is kept; its member units are filled in by queries.units later.
    assert filters == Filters("2023-03", "2024-02", "quarter", (), (), "municipality-901")
    assert Filters.from_query(filters.to_query())[0] == filters
    assert filters.start_date == date(2023, 3, 1)
    assert filters.end_date_exclusive == date(2024, 3, 1)


def test_p002_one_node_named_twice_is_one_node_and_december_end():
    """A unit named twice is one node, and a December end runs to the next January."""
    filters, notices = Filters.from_query({"unit": "TA03,TA03", "to": "2024-12"})
    assert (filters.node, filters.units, notices) == ("TA03", (), ())
    assert filters.to_query() == {"to": "2024-12", "unit": "TA03"}
    assert filters.end_date_exclusive == date(2025, 1, 1)


def test_p003_bad_values_fall_back_with_notices():
    """Bad month, grain and unit values fall back to defaults with one notice each."""
    filters, notices = Filters.from_query(
        {"from": "2024-13", "to": "x", "grain": "week", "unit": ["TA01", "a b", "<x>"]}
    )
    # A unit value of a bad form refuses the whole selection: the county, not TA01.
    assert filters == Filters(DEFAULT_START, None, "month")
    assert notices == ("notice.bad_from", "notice.bad_to", "notice.bad_grain", "notice.bad_unit")


def test_p006_several_units_or_services_are_refused():
    """Several units or services are refused with a notice; a repeated one counts once."""
    # Two units, in either spelling (repeated key, comma-separated): refused, the county.
    for query in ({"unit": ["TA01", "TA02"]}, {"unit": "TA01,TA02"}, {"unit": "TA01,area-x"}):
        filters, notices = Filters.from_query({**query, "grain": "year"})
        assert filters == Filters(grain="year"), query
        assert notices == ("notice.several_units",), query
    # One service or all of them.
    filters, notices = Filters.from_query({"service": ["oral_health", "mental_health"]})
    assert (filters.services, notices) == ((), ("notice.several_services",))
    filters, notices = Filters.from_query({"service": "oral_health,oral_health"})
    assert (filters.services, notices) == (("oral_health",), ())
    assert filters.to_query() == {"service": "oral_health"}
    filters, notices = Filters.from_query({"service": ["oral_health", "dentistry"]})
    assert (filters.services, notices) == ((), ("notice.bad_service",))


def test_p004_reversed_period_is_reset():
    """An end before the start resets the period to the default with a notice."""
    filters, notices = Filters.from_query({"from": "2025-01", "to": "2024-01"})
    assert (filters.start, filters.end) == (DEFAULT_START, None)
    assert notices == ("notice.period_reversed",)


def test_p005_repr_is_a_stable_cache_key():
    """Filters from equivalent queries have the same repr, used as a cache key."""
    a, _ = Filters.from_query({"unit": ["TA01"], "service": ["oral_health"]})
    b, _ = Filters.from_query({"unit": "TA01", "service": "oral_health"})
    assert repr(a) == repr(b)
