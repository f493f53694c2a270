"""Period arithmetic: which periods a chart shows (pure functions, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from queries.filters import Filters
from queries.periods import (
    clamp_to_data,
    complete_periods,
    incomplete_periods,
    periods_between,
)

pytestmark = pytest.mark.unit

TS = pd.Timestamp


def _frame(starts):
    return pd.DataFrame({"period": [TS(s) for s in starts], "series": "s", "value": 1.0})


def test_d001_zero_fill_stays_inside_the_data():
    """Zero-filled periods cover only the months between the data's first and last day."""
    filters = Filters(start="2021-10", end="2022-03")
    # Data from 1.1.2022 to 28.2.2022: no zeros for months with no data at all.
    assert list(periods_between(filters, date(2022, 2, 28), date(2022, 1, 1))) == [
        TS("2022-01-01"),
        TS("2022-02-01"),
    ]


def test_d002_periods_cut_by_the_filter_or_the_data_are_left_out():
    """Periods partly outside the filter's months or after the data's last day are dropped."""
    quarters = _frame(["2024-01-01", "2024-04-01", "2024-07-01"])
    # from 2/2024: Q1 is only partly inside; to 8/2024: Q3 likewise.
    kept = complete_periods(
        quarters, Filters(start="2024-02", end="2024-08", grain="quarter"), date(2026, 10, 31)
    )
    assert list(kept["period"]) == [TS("2024-04-01")]
    # Data as of 15.9.2024 ends Q3 early even with an open-ended filter.
    kept = complete_periods(quarters, Filters(start="2024-01", grain="quarter"), date(2024, 9, 15))
    assert list(kept["period"]) == [TS("2024-01-01"), TS("2024-04-01")]
    years = _frame(["2024-01-01"])
    assert complete_periods(years, Filters(start="2024-02", grain="year"), None).empty


def test_d003_the_datas_first_day_cuts_a_period_too():
    """A period starting before the data's first day is dropped and named as incomplete."""
    months = _frame(["2022-01-01", "2022-02-01", "2022-03-01"])
    filters = Filters(start="2021-10")
    # Data from 15.1.2022 to 31.3.2022: January has half its days, so it is left out
    # (and named), February and March stay.
    first, last = date(2022, 1, 15), date(2022, 3, 31)
    kept = complete_periods(months, filters, last, first)
    assert list(kept["period"]) == [TS("2022-02-01"), TS("2022-03-01")]
    assert incomplete_periods(months, filters, last, first) == [TS("2022-01-01")]
    # At quarter grain Q1/2022 (1.1.-31.3.) starts before the data: left out.
    quarter = _frame(["2022-01-01"])
    assert complete_periods(quarter, replace(filters, grain="quarter"), last, first).empty
    # The filter's months and the data's last day: Q1 and Q3/2024 are cut, Q2 is whole.
    quarters = _frame(["2024-01-01", "2024-04-01", "2024-07-01"])
    cut = Filters(start="2024-03", end="2024-10", grain="quarter")
    left_out = incomplete_periods(quarters, cut, date(2024, 8, 31))
    assert left_out == [TS("2024-01-01"), TS("2024-07-01")]


def test_d004_months_outside_the_data_are_one_cache_key():
    """Filter months outside the data are clamped to its range, so they share one cache key."""
    # Data from 15.2.2023 to 30.4.2024: months 2023-02 .. 2024-04.
    first, last = date(2023, 2, 15), date(2024, 4, 30)
    clamp = clamp_to_data
    # A start before 2/2023 is 2/2023; an end after 4/2024 is 4/2024; an open end stays.
    ends_in_data = Filters(start="2023-02", end="2024-04")
    assert clamp(Filters(start="2000-01", end="2099-12"), first, last) == ends_in_data
    assert clamp(ends_in_data, first, last) == ends_in_data
    assert clamp(Filters(start="2000-01"), first, last) == Filters(start="2023-02")
    # Inside the data nothing changes.
    inside = Filters(start="2023-05", end="2024-01", grain="quarter")
    assert clamp(inside, first, last) == inside
    # Wholly before the data: one empty range, the month before it (1/2023); wholly
    # after: from the month after the data (5/2024), open-ended.
    assert clamp(Filters(start="2001-01", end="2022-12"), first, last) == Filters(
        start="2023-01", end="2023-01"
    )
    assert clamp(Filters(start="2030-01"), first, last) == Filters(start="2024-05")
    assert clamp(Filters(start="2024-05", end="2024-09"), first, last) == Filters(start="2024-05")


def test_d005_unicode_digits_are_not_months():
    """Non-ASCII digits in a month are refused with a notice and the default start is used."""
    # "２０２４-01" (full-width) and "٢٠٢٤-01" (Arabic-Indic) would be read by int() as
    # 2024: every spelling a new cache key. Only ASCII digits make a month.
    for spelling in ("２０２４-01", "٢٠٢٤-01", "2024-０1"):
        filters, notices = Filters.from_query({"from": spelling})
        assert filters.start == "2022-01" and notices == ("notice.bad_from",), spelling
