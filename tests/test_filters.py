"""Filters parsed from URL parameters: valid values kept, bad ones replaced with notices."""

from __future__ import annotations

from datetime import date

from queries.filters import DEFAULT_START, Filters


def test_p001_valid_query_round_trips():
    query = {"from": "2023-03", "to": "2024-02", "grain": "quarter", "unit": ["TA02", "TA01"]}
    filters, notices = Filters.from_query(query)
    assert notices == ()
    assert filters == Filters("2023-03", "2024-02", "quarter", ("TA01", "TA02"))
    assert Filters.from_query(filters.to_query())[0] == filters
    assert filters.start_date == date(2023, 3, 1)
    assert filters.end_date_exclusive == date(2024, 3, 1)


def test_p002_comma_separated_units_and_december_end():
    filters, _ = Filters.from_query({"unit": "TA03,TA01,TA03", "to": "2024-12"})
    assert filters.units == ("TA01", "TA03")
    assert filters.end_date_exclusive == date(2025, 1, 1)


def test_p003_bad_values_fall_back_with_notices():
    filters, notices = Filters.from_query(
        {"from": "2024-13", "to": "x", "grain": "week", "unit": ["TA01", "a b", "<x>"]}
    )
    assert filters == Filters(DEFAULT_START, None, "month", ("TA01",))
    assert notices == ("notice.bad_from", "notice.bad_to", "notice.bad_grain", "notice.bad_unit")


def test_p004_reversed_period_is_reset():
    filters, notices = Filters.from_query({"from": "2025-01", "to": "2024-01"})
    assert (filters.start, filters.end) == (DEFAULT_START, None)
    assert notices == ("notice.period_reversed",)


def test_p005_repr_is_a_stable_cache_key():
    a, _ = Filters.from_query({"unit": ["TA02", "TA01"]})
    b, _ = Filters.from_query({"unit": "TA01,TA02"})
    assert repr(a) == repr(b)
