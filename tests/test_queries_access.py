"""The /hoitoonpaasy queries against the access fixture (tests/fixtures/access.py), on
DuckDB and PostgreSQL. Every expected number is worked out by hand in the comment
beside it; the fixture's comments give the rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import tests.fixtures.access
from charts.catalog import CHARTS
from charts.payload import chart_payload, series_labels
from queries.access import (
    BUCKET_KEYS,
    WAIT_BUCKETS,
    access_within_days,
    access_within_legal_deadline,
    service_need_assessments_within_90_days,
    waiting_time_distribution,
)
from queries.filters import SERVICES, Filters
from queries.privacy import protect
from queries.queues import SERVICE_DEADLINES, oral_health_waiting_days, queue_snapshots
from queries.reference import targets_for
from queries.referrals import NO_SPECIALTY, specialised_referrals_by_specialty
from tests.conftest import reporting_db_fixture

reporting_db = reporting_db_fixture(tests.fixtures.access)


def _row(frame: pd.DataFrame, period: str, series: str) -> pd.Series:
    match = frame[(frame["period"] == pd.Timestamp(period)) & (frame["series"] == series)]
    assert len(match) == 1, f"expected one row for {period} {series}, got {len(match)}"
    return match.iloc[0]


def _published(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as published with the minimum 5 (the queries return exact counts)."""
    return protect(frame, 5, True)


@pytest.mark.hand_computed("hoitotakuu-lakisaateinen")
def test_qa001_legal_deadline_switch_on_1_9_2023(reporting_db):
    """The legal deadline is 90 days up to 8/2023 and 14 days from 9/2023, inclusive."""
    frame = access_within_legal_deadline(Filters(start="2023-08", end="2023-09", units=("TA01",)))
    aug = _row(frame, "2023-08-01", "within_deadline")
    # August, 90 d: waits 10, 20 x4, 90 within (90 itself is within), 91, 100, 100, 120,
    # 150 not -> 6/11 = 54.5 % (5 not within: the complement is not small).
    assert (aug["numerator"], aug["denominator"], aug["value"]) == (6, 11, 54.5)
    sep = _row(frame, "2023-09-01", "within_deadline")
    # September, 14 d: waits 10 x5 and 14 within, 15 and the six 20-day waits (within in
    # August) not -> 6/13 = 46.15... = 46.2 % (7 not within).
    assert (sep["numerator"], sep["denominator"], sep["value"]) == (6, 13, 46.2)


def test_qa002_legal_deadline_by_age_from_2025(reporting_db):
    """From 2025 the deadline depends on age: 14 days under 23, 90 days from 23."""

    def jan(units):
        frame = access_within_legal_deadline(Filters(start="2025-01", end="2025-01", units=units))
        return _row(frame, "2025-01-01", "within_deadline")

    # Age 40, 90 d: the seven 30-day waits are within, 91 and 100 x4 are not -> 7/12 =
    # 58.33... = 58.3 % (5 not within).
    assert (jan(("TA01",))["numerator"], jan(("TA01",))["value"]) == (7, 58.3)
    # Age 20, 14 d: the five 30-day waits are not within, the five 10-day waits are -> 5/10
    # (5 within, 5 not: neither is small).
    assert (jan(("TA02",))["numerator"], jan(("TA02",))["value"]) == (5, 50.0)
    # Boundary: 30 days is within at age 23 (90 d), not at age 22 (14 d) -> 5/10.
    assert (jan(("TA03",))["numerator"], jan(("TA03",))["denominator"]) == (5, 10)
    # County: (7 + 5 + 5) / (12 + 10 + 10) = 17/32 = 53.125 = 53.1 %. With one deadline
    # for all it would be 27/32 (90 d: 7 + 10 + 10) or 5/32 (14 d: 0 + 5 + 0).
    county = jan(())
    assert (county["numerator"], county["denominator"], county["value"]) == (17, 32, 53.1)


def test_qa003_legal_deadline_quarter_from_counts_and_suppression(reporting_db):
    """A quarter's deadline share sums counts; a small unit is rounded to 5 / 5, not withheld."""
    month = access_within_legal_deadline(Filters(start="2023-08", end="2023-09"))
    # September county: TA01 6/13 + TA02 2/3 (waits 5, 5 within, 30 not) = 8/16 = 50 %.
    sep = _row(month, "2023-09-01", "within_deadline")
    assert (sep["numerator"], sep["denominator"], sep["value"]) == (8, 16, 50.0)
    quarter = access_within_legal_deadline(Filters(start="2023-07", end="2023-09", grain="quarter"))
    q3 = _row(quarter, "2023-07-01", "within_deadline")
    # Q3/2023: (6 + 8) / (11 + 16) = 14/27 = 51.85... = 51.9 %, not the mean of 54.5 %
    # and 50 % (52.3 %).
    assert (q3["numerator"], q3["denominator"], q3["value"]) == (14, 27, 51.9)
    # TA02 alone in September: 3 visits (2 within), exact in the query; published with
    # keys 0 small counts round up too: 2 -> 5, 3 -> 5: 5 / 5 = 100 %, not withheld.
    ta02 = access_within_legal_deadline(Filters(start="2023-09", end="2023-09", units=("TA02",)))
    row = _row(ta02, "2023-09-01", "within_deadline")
    assert (row["numerator"], row["denominator"]) == (2, 3)
    row = _row(_published(ta02), "2023-09-01", "within_deadline")
    assert (row["numerator"], row["denominator"], row["value"]) == (5, 5, 100.0)
    assert not row["suppressed"]


def test_qa004_legal_deadline_counts_the_same_visits_as_7_days(reporting_db):
    """The legal-deadline share counts the same visits as the 7-day share, per month."""
    filters = Filters(start="2023-01", end="2025-01")
    legal = access_within_legal_deadline(filters).set_index("period")["denominator"]
    # (Within 10 000 days: every access visit, and no small numerator to suppress; the
    # complement is 0, which is shown. The legal shares of every month have >= 5 visits
    # within and >= 5 not: 2023-08 6/11, 2023-09 8/16, 2024-02 14/19, 2024-03 16/24,
    # 2025-01 17/32, so no denominator is withheld either.)
    every = access_within_days(filters, 10_000).set_index("period")["denominator"]
    assert legal.to_dict() == every.to_dict()
    # 2024-03: the urgent visit is out of both; 24 visits, 16 within 14 d (waits <= 14:
    # 10 + 6), 8 not.
    march = _row(access_within_legal_deadline(filters), "2024-03-01", "within_deadline")
    assert (march["numerator"], march["denominator"]) == (16, 24)
    # 2024-02: 19 visits, 14 within 14 d (0-7 x10, 8-14 x4), 5 not -> 73.68... = 73.7 %.
    feb = _row(access_within_legal_deadline(filters), "2024-02-01", "within_deadline")
    assert (feb["numerator"], feb["denominator"], feb["value"]) == (14, 19, 73.7)


def test_qa005_shipped_deadlines_do_not_overlap(reporting_db):
    """No two shipped legal-deadline rows are in force for the same date and age."""
    # The SQL joins each visit / queue entry to "the" row in force: two rows in force for
    # one date and age would count it twice.
    for indicator in set(SERVICE_DEADLINES.values()):
        rows = targets_for(indicator)
        rows = rows[rows["kind"] == "legal_deadline"].reset_index(drop=True)
        assert len(rows) >= 5
        far = pd.Timestamp("2100-01-01")
        for i, a in rows.iterrows():
            for j, b in rows.iterrows():
                if i >= j:
                    continue
                dates = a["valid_from"] <= (b["valid_to"] if pd.notna(b["valid_to"]) else far) and (
                    b["valid_from"] <= (a["valid_to"] if pd.notna(a["valid_to"]) else far)
                )
                ages = a["age_min"] <= b["age_max"] and b["age_min"] <= a["age_max"]
                assert not (dates and ages), (indicator, i, j)


# --- odotusaikajakauma -------------------------------------------------------------


@pytest.mark.unit
def test_qa010_waiting_time_classes_are_a_partition():
    """The waiting-time classes start at 0, end open and have the five expected keys."""
    assert WAIT_BUCKETS[0][0] == 0 and WAIT_BUCKETS[-1][1] is None
    assert BUCKET_KEYS == ("days_0_7", "days_8_14", "days_15_90", "days_91_180", "days_over_180")


@pytest.mark.hand_computed("odotusaikajakauma")
def test_qa011_distribution_month_small_classes_rounded(reporting_db):
    """A month's waiting-time classes are exact shares; small classes are rounded when published."""
    frame = waiting_time_distribution(Filters(start="2024-02", end="2024-02"))
    # 2024-02: 19 visits: 0-7 x10, 8-14 x4, 15-90 x4, 91-180 x1, none longer.
    first = _row(frame, "2024-02-01", "days_0_7")
    # 10/19 = 52.63... = 52.6 % (9 visits in the other classes).
    assert (first["numerator"], first["denominator"], first["value"]) == (10, 19, 52.6)
    # 4, 4 and 1 are exact in the query and rounded once published (keys 0: up to 5,
    # the base 19 up to 20): 5 / 20 = 25 % each, shown.
    assert _row(frame, "2024-02-01", "days_91_180")["numerator"] == 1
    published = _published(frame)
    for key in ("days_8_14", "days_15_90", "days_91_180"):
        row = _row(published, "2024-02-01", key)
        assert (row["numerator"], row["denominator"], row["value"]) == (5, 20, 25.0), key
        assert not row["suppressed"], key
    # A zero stays 0 (0 = 0·5 + 0): 0 / 20 = 0 %.
    assert _row(frame, "2024-02-01", "days_over_180")["value"] == 0.0
    assert _row(published, "2024-02-01", "days_over_180")["value"] == 0.0


def test_qa012_distribution_bounds_and_small_classes(reporting_db):
    """Class bounds (7/8, 14/15, 90/91, 180/181) fall on the right side; small classes are shown."""
    frame = waiting_time_distribution(Filters(start="2024-03", end="2024-03"))
    # 2024-03: 24 visits (the urgent one is out): 0-7 x10, 8-14 x6 (8 and 14 in), 15-90
    # x5 (15 and 90 in), 91-180 x2 (91 and 180), >180 x1 (181).
    assert _row(frame, "2024-03-01", "days_0_7")["value"] == 41.7  # 10/24
    eight = _row(frame, "2024-03-01", "days_8_14")
    assert (eight["numerator"], eight["value"]) == (6, 25.0)  # 6/24
    # Published with keys 0: 91-180 (2) and >180 (1) round up to 5 of 25 (24 -> 25):
    # 20 % each, shown. 15-90 (5) stays 5: 5 / 25 = 20 %.
    published = _published(frame)
    for key in ("days_91_180", "days_over_180"):
        row = _row(published, "2024-03-01", key)
        assert (row["numerator"], row["denominator"], row["value"]) == (5, 25, 20.0), key
    shown = _row(published, "2024-03-01", "days_15_90")
    assert (shown["numerator"], shown["denominator"], shown["value"]) == (5, 25, 20.0)


def test_qa013_distribution_quarter_from_counts(reporting_db):
    """A quarter's waiting-time distribution is recomputed from summed counts."""
    frame = waiting_time_distribution(Filters(start="2024-01", end="2024-03", grain="quarter"))
    # Q1/2024 = February + March: 19 + 24 = 43 visits; 0-7 10 + 10 = 20, 8-14 4 + 6 = 10,
    # 15-90 4 + 5 = 9, 91-180 1 + 2 = 3, >180 0 + 1 = 1.
    first = _row(frame, "2024-01-01", "days_0_7")
    # 20/43 = 46.51... = 46.5 %, not the mean of 52.6 % and 41.7 % (47.2 %).
    assert (first["numerator"], first["denominator"], first["value"]) == (20, 43, 46.5)
    assert _row(frame, "2024-01-01", "days_8_14")["value"] == 23.3  # 10/43 = 23.25...
    # Published with keys 0: 3 and 1 round up to 5 of 45 (43 -> 45): 100·5/45 =
    # 11.11... % each, shown; 15-90 (9 -> 10) is shown.
    published = _published(frame)
    for key in ("days_91_180", "days_over_180"):
        row = _row(published, "2024-01-01", key)
        assert (row["numerator"], row["denominator"]) == (5, 45), key
        assert row["value"] == pytest.approx(100 * 5 / 45) and not row["suppressed"], key
    assert _row(published, "2024-01-01", "days_15_90")["numerator"] == 10


def test_qa014_distribution_small_denominator_rounded_not_withheld(reporting_db):
    """A unit with 3 visits gets every class with a base rounded to 5, nothing withheld."""
    frame = waiting_time_distribution(Filters(start="2023-09", end="2023-09", units=("TA02",)))
    # TA02 2023-09: 3 visits (waits 5, 5, 30): 0-7 has 2, 15-90 has 1, the others 0.
    # Published with keys 0: the base 3 -> 5, 2 -> 5, 1 -> 5, 0 -> 0: 100 %, 100 % and
    # 0 % three times; nothing withheld (the base is published as 5, not 0).
    assert len(frame) == len(BUCKET_KEYS)
    published = _published(frame).set_index("series")
    assert published["denominator"].eq(5).all() and not published["suppressed"].any()
    assert published["value"].to_dict() == {
        "days_0_7": 100.0,
        "days_8_14": 0.0,
        "days_15_90": 100.0,
        "days_91_180": 0.0,
        "days_over_180": 0.0,
    }


# --- jonot -------------------------------------------------------------------------


@pytest.mark.hand_computed("jonot")
def test_qa020_queue_length_and_backlog_at_month_end(reporting_db):
    """Queue length and backlog are month-end snapshots with each service's deadline."""
    frame = queue_snapshots(Filters(start="2023-07", end="2023-12"))

    def at(period):
        return (_row(frame, period, "queue")["value"], _row(frame, period, "backlog")["value"])

    # 31.7.: o1-o5 (30 d, oral 90 d) -> 5 waiting, none over the deadline.
    assert at("2023-07-01") == (5, 0)
    # 31.8.: e1-e6 (30 d) + e7 (entered that day) + o1-o5 (61 d); e8 left on 31.8. -> 12;
    # deadlines 90 d (primary and oral): no backlog.
    assert at("2023-08-01") == (12, 0)
    # 30.9.: e1-e6 (60 d) + e9 (29 d) over 14 d, e10 exactly 14 d not; o1-o5 91 d under
    # the oral 120 d -> 13 waiting, 7 over.
    assert at("2023-09-01") == (13, 7)
    # 31.10.: everyone has left (o5 on 31.10. itself); November, December: none -> 0.
    assert at("2023-10-01") == (0, 0) and at("2023-12-01") == (0, 0)


def test_qa021_queue_age_split_and_incomplete_last_month(reporting_db):
    """The backlog uses age-dependent deadlines; the last month is taken on the data's last day."""
    frame = queue_snapshots(Filters(start="2024-10"))
    # 31.10.2024: b1-b10 (8 d) -> 10, 0.   30.11.: b (38 d) + a11 (12 d) -> 11, 0.
    assert _row(frame, "2024-10-01", "queue")["value"] == 10
    assert (
        _row(frame, "2024-11-01", "queue")["value"],
        _row(frame, "2024-11-01", "backlog")["value"],
    ) == (11, 0)
    # 31.12.: 21 waiting; only a11 (43 d > 14) over the deadline: 1 (published with
    # key 0 as 5: 0 < 1·2**20, rounded up, not withheld).
    assert _row(frame, "2024-12-01", "queue")["value"] == 21
    assert _row(frame, "2024-12-01", "backlog")["value"] == 1
    backlog = _row(_published(frame), "2024-12-01", "backlog")
    assert backlog["value"] == 5 and not backlog["suppressed"]
    # 31.1.2025: age 20 over (a6-a10 45 d > 14, b6-b10 100 d > 90), age 40 not (a 45 d and
    # a11 74 d <= 90, b1-b5 100 d <= 180) -> 21 waiting, 10 over.
    jan = _row(frame, "2025-01-01", "backlog")
    assert (_row(frame, "2025-01-01", "queue")["value"], jan["value"]) == (21, 10)
    # February is measured on 15.2. (data as of): a11 has waited 89 d, not yet over 90 d
    # (on 28.2. it would be 102 d and the backlog 11). No period after the data's end.
    assert _row(frame, "2025-02-01", "backlog")["value"] == 10
    assert frame["period"].max() == pd.Timestamp("2025-02-01")


def test_qa022_queue_service_and_unit_filters(reporting_db):
    """Queue snapshots follow the service and unit filters, each with its own deadline."""

    def jan_sep(**kwargs):
        frame = queue_snapshots(Filters(start="2023-09", end="2025-01", **kwargs))
        return [
            (_row(frame, p, "queue")["value"], _row(frame, p, "backlog")["value"])
            for p in ("2023-09-01", "2025-01-01")
        ]

    # Primary care: 30.9.2023 8 waiting, 7 over; 31.1.2025 11 waiting, 5 over (age 20).
    assert jan_sep(services=("primary_care",)) == [(8, 7), (11, 5)]
    # Oral health: 30.9.2023 5 waiting (91 d <= 120 d: the oral deadline, not the
    # primary-care 14 d); 31.1.2025 10 waiting, 5 over (age 20: 100 d > 90 d).
    assert jan_sep(services=("oral_health",)) == [(5, 0), (10, 5)]
    # Unit TA01 holds exactly the primary-care queue.
    assert jan_sep(units=("TA01",)) == [(8, 7), (11, 5)]


def test_qa023_queue_quarter_and_year_are_end_snapshots(reporting_db):
    """A quarter's or year's queue is the snapshot at its end, capped by the filter and data."""
    quarter = queue_snapshots(Filters(start="2023-07", end="2025-03", grain="quarter"))
    # Q3/2023 = 30.9.: 13 waiting, 7 over (the months were 5, 12, 13: not averaged).
    assert _row(quarter, "2023-07-01", "queue")["value"] == 13
    assert _row(quarter, "2023-07-01", "backlog")["value"] == 7
    # Q1/2025 is measured on 15.2.2025, the data's last day: 21 waiting, 10 over.
    assert _row(quarter, "2025-01-01", "queue")["value"] == 21
    assert _row(quarter, "2025-01-01", "backlog")["value"] == 10
    # The filter's end caps the snapshot too: Q3/2023 up to 8/2023 is taken on 31.8.
    capped = queue_snapshots(Filters(start="2023-07", end="2023-08", grain="quarter"))
    assert _row(capped, "2023-07-01", "queue")["value"] == 12
    year = queue_snapshots(Filters(start="2023-01", end="2024-12", grain="year"))
    # 31.12.2023: nobody; 31.12.2024: 21 waiting.
    assert _row(year, "2023-01-01", "queue")["value"] == 0
    assert _row(year, "2024-01-01", "queue")["value"] == 21


def test_qa024_queue_range_without_open_entries_is_zero(reporting_db):
    """A range with no open entries gives zeros for every month; one after the data is empty."""
    # No entry open in 2022: every month-end snapshot of both series is 0 (not an
    # empty frame, whose shape would tell "nobody" from "fewer than m").
    frame = queue_snapshots(Filters(start="2022-01", end="2022-12"))
    assert len(frame) == 2 * 12 and (frame["value"] == 0).all()
    # A start after the data's last date gives an empty frame too, not an error.
    assert queue_snapshots(Filters(start="2026-01")).empty


@pytest.mark.unit
def test_qa025_every_service_has_a_deadline():
    """Every service in the filters has a legal-deadline indicator."""
    assert set(SERVICE_DEADLINES) == set(SERVICES)


# --- suun-terveydenhuolto-odotus ---------------------------------------------------


@pytest.mark.hand_computed("suun-terveydenhuolto-odotus")
def test_qa030_oral_health_median_and_p90(reporting_db):
    """Oral-health median and p90 use treated entries only; a base published as 5 is withheld."""
    frame = oral_health_waiting_days(Filters(start="2023-10", end="2023-11"))
    # October: treated o1-o5 after 93, 96, 101, 111, 122 d (o6 cancelled, o7 moved and the
    # primary-care exits are out). Median 101; p90 at rank 0.9 * 4 = 3.6:
    # 111 + 0.6 * (122 - 111) = 117.6.
    assert _row(frame, "2023-10-01", "median")["value"] == 101.0
    assert _row(frame, "2023-10-01", "p90")["value"] == 117.6
    # The median rests on the 5 treated entries (its denominator).
    assert _row(frame, "2023-10-01", "median")["denominator"] == 5
    # November: 4 treated; published with key 0 the base rounds up to 5. A base
    # published as 5 may rest on a single person, so the median and p90 are withheld
    # (shown only from a published base of 2 * 5 = 10); October's 5 -> 5 likewise.
    assert _row(frame, "2023-11-01", "median")["denominator"] == 4
    published = _published(frame)
    for month in ("2023-10-01", "2023-11-01"):
        for key in ("median", "p90"):
            row = _row(published, month, key)
            assert math.isnan(row["value"]) and row["suppressed"], (month, key)
            assert row["denominator"] == 5, (month, key)


def test_qa031_oral_health_quarter_recomputed_from_entries(reporting_db):
    """A quarter's oral-health percentiles are recomputed from its entries, not from months."""
    frame = oral_health_waiting_days(Filters(start="2023-10", end="2023-12", grain="quarter"))
    # Q4/2023: 20, 20, 20, 20, 93, 96, 101, 111, 122 -> median 93 (the 5th of 9); p90 at
    # rank 0.9 * 8 = 7.2: 111 + 0.2 * 11 = 113.2. Not derived from the monthly values.
    assert _row(frame, "2023-10-01", "median")["value"] == 93.0
    assert _row(frame, "2023-10-01", "p90")["value"] == 113.2
    # 9 entries with key 0: 9 = 5 + 4 -> rounded up to 10 >= 2 * 5: the median is shown.
    row = _row(_published(frame), "2023-10-01", "median")
    assert (row["value"], row["denominator"], row["suppressed"]) == (93.0, 10, False)


def test_qa032_oral_health_without_entries_has_every_period(reporting_db):
    """A unit with no oral-health entries still has every period, with 0 entries and no value."""
    # TA01 has no oral-health entries: every month from 10/2023 to the data's last
    # month is there with 0 entries and no percentile (withheld once published).
    frame = oral_health_waiting_days(Filters(start="2023-10", units=("TA01",)))
    assert not frame.empty and (frame["denominator"] == 0).all()
    assert frame["value"].isna().all()
    assert set(frame["series"]) == {"median", "p90"}


# --- palvelutarpeen-arviointi-90pv -------------------------------------------------


@pytest.mark.hand_computed("palvelutarpeen-arviointi-90pv")
def test_qa040_service_need_assessments(reporting_db):
    """Assessments within 90 days are the region's share; a quarter sums the months' counts."""
    month = service_need_assessments_within_90_days(Filters(start="2024-01", end="2024-03"))
    assert _row(month, "2024-01-01", "share")["value"] == 90.0  # 45/50, region 01 apart
    assert _row(month, "2024-02-01", "share")["value"] == 84.0  # 42/50, 8 not within
    # 3/4: children, exact here; published with key 0: 3 -> 5, 4 -> 5: 100 %.
    assert _row(month, "2024-03-01", "share")["value"] == 75.0
    assert _row(_published(month), "2024-03-01", "share")["value"] == 100.0
    quarter = service_need_assessments_within_90_days(
        Filters(start="2024-01", end="2024-03", grain="quarter")
    )
    q1 = _row(quarter, "2024-01-01", "share")
    # (45 + 42 + 3) / (50 + 50 + 4) = 90/104 = 86.53... = 86.5 % (14 not within): the
    # small month counts in the quarter exactly.
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (90, 104, 86.5)


# --- erikoissairaanhoidon-lahetteet ------------------------------------------------


@pytest.mark.hand_computed("erikoissairaanhoidon-lahetteet")
def test_qa050_referrals_by_specialty_exact_then_published(reporting_db):
    """Referrals by specialty are exact, zero-filled, rounded when published and labelled."""
    frame = specialised_referrals_by_specialty(Filters(start="2024-01", end="2024-03"))
    # January: sisätaudit 8, ortopedia 7, kirurgia 3, psykiatria 1 = 19 (wellbeing out).
    assert _row(frame, "2024-01-01", "total")["value"] == 19
    assert _row(frame, "2024-01-01", "sisätaudit")["value"] == 8
    assert _row(frame, "2024-01-01", "kirurgia")["value"] == 3
    # Published (keys 0): 3 and 1 round up to 5, shown; ortopedia 7 -> 10, the total
    # 19 -> 20. Nothing withheld.
    published = _published(frame)
    for key in ("kirurgia", "psykiatria"):
        row = _row(published, "2024-01-01", key)
        assert row["value"] == 5 and not row["suppressed"], key
    assert _row(published, "2024-01-01", "ortopedia")["value"] == 10
    assert not published["suppressed"].any()
    # February: sisätaudit 5, ortopedia 4, kirurgia 3, no specialty 7 = 19; ortopedia
    # 4 -> 5 (key 0); psykiatria 0 stays 0.
    assert _row(frame, "2024-02-01", "total")["value"] == 19
    assert _row(frame, "2024-02-01", NO_SPECIALTY)["value"] == 7
    assert _row(frame, "2024-02-01", "sisätaudit")["value"] == 5
    assert _row(frame, "2024-02-01", "ortopedia")["value"] == 4
    assert _row(_published(frame), "2024-02-01", "ortopedia")["value"] == 5
    assert _row(frame, "2024-02-01", "psykiatria")["value"] == 0
    assert _row(_published(frame), "2024-02-01", "psykiatria")["value"] == 0
    # March: no referrals -> 0 in every series.
    march = frame[frame["period"] == pd.Timestamp("2024-03-01")]
    assert (march["value"] == 0).all() and len(march) == 6
    labels = dict(zip(frame["series"], frame["label"], strict=True))
    assert labels["sisätaudit"] == "Sisätaudit" and labels[NO_SPECIALTY] == "Erikoisala puuttuu"
    # The chart names the series in its language (the specialties are data).
    spec = CHARTS["erikoissairaanhoidon-lahetteet"]
    shown = series_labels(spec, frame, "sv")
    assert shown[NO_SPECIALTY] == "Specialitet saknas" and shown["sisätaudit"] == "Sisätaudit"


def test_qa051_referrals_by_specialty_quarter_and_unit(reporting_db):
    """Specialised referrals sum over a quarter and follow the unit filter."""
    quarter = specialised_referrals_by_specialty(
        Filters(start="2024-01", end="2024-03", grain="quarter")
    )
    # Q1: sisätaudit 13, ortopedia 11, kirurgia 6, psykiatria 1, none 7 = 38.
    assert _row(quarter, "2024-01-01", "total")["value"] == 38
    assert _row(quarter, "2024-01-01", "ortopedia")["value"] == 11
    assert _row(quarter, "2024-01-01", "kirurgia")["value"] == 6
    # Published (keys 0): psykiatria 1 -> 5; kirurgia 6 -> 10; both shown.
    published = _published(quarter)
    assert _row(published, "2024-01-01", "psykiatria")["value"] == 5
    assert _row(published, "2024-01-01", "kirurgia")["value"] == 10
    ta02 = specialised_referrals_by_specialty(
        Filters(start="2024-01", end="2024-01", units=("TA02",))
    )
    # TA02 January: 2 referrals (sisätaudit): the total and the cell round up to 5
    # (key 0), shown.
    assert _row(ta02, "2024-01-01", "total")["value"] == 2
    assert _row(_published(ta02), "2024-01-01", "total")["value"] == 5
    assert _row(_published(ta02), "2024-01-01", "sisätaudit")["value"] == 5


def test_qa052_referrals_without_rows_are_zeros(reporting_db):
    """A range without referrals gives zeros for the total and every specialty ever named."""
    # No referral in 2022: the total and every specialty the fixture's specialised
    # referrals ever name (and "no specialty") are zeros in each of the 3 months.
    frame = specialised_referrals_by_specialty(Filters(start="2022-01", end="2022-03"))
    expected = {"total", "kirurgia", "ortopedia", "psykiatria", "sisätaudit", "no_specialty"}
    assert set(frame["series"]) == expected
    assert (frame["value"] == 0).all() and len(frame) == 3 * len(expected)


# --- the charts end to end (payload) -----------------------------------------------


def test_qa060_deadline_chart_draws_the_law_in_a_strip_under_the_share(reporting_db):
    """The legal-deadline chart draws the deadlines in force as a labelled strip under the share."""
    payload = chart_payload(
        "hoitotakuu-lakisaateinen", Filters(start="2023-08", end="2025-01"), "fi"
    )
    traces = payload["figure"]["data"]
    (strip,) = [trace for trace in traces if trace.get("yaxis") == "y2"]
    # Its own plot under the share (no axis overlays the share's): one labelled stretch
    # for every age until 2024, one per age group from 2025.
    assert "overlaying" not in payload["figure"]["layout"].get("yaxis2", {})
    assert strip["type"] == "bar" and strip["orientation"] == "h"
    assert list(strip["text"]) == [
        "90\u00a0vrk",
        "14\u00a0vrk",
        "alle 23 v.: 14\u00a0vrk",
        "vähintään 23 v.: 90\u00a0vrk",
    ]
    assert "Terveydenhuoltolaki 51 §" in strip["customdata"][0]
    # The county's 1/2025 share, 17/32 (test_qa002), published from 20 / 35 (keys 0:
    # 17 -> 20, 32 -> 35) = 57.14... = 57.1 %.
    assert payload["summary"].startswith("Viimeisin arvo 1/2025: 57,1")


def test_qa061_every_new_chart_renders(reporting_db):
    """The access charts render with summaries, target comparison and the queue table."""
    for chart_id in (
        "odotusaikajakauma",
        "jonot",
        "suun-terveydenhuolto-odotus",
        "palvelutarpeen-arviointi-90pv",
        "erikoissairaanhoidon-lahetteet",
    ):
        payload = chart_payload(chart_id, Filters(start="2023-07", end="2025-01"), "fi")
        assert not payload["empty"], chart_id
        assert payload["summary"].startswith("Viimeisin"), chart_id
    # The oral-health summary compares the median with the programme target in force.
    # Q4/2023: median 93 of 9 entries, published base 10 (qa031), so it is shown.
    payload = chart_payload(
        "suun-terveydenhuolto-odotus",
        Filters(start="2023-10", end="2023-12", grain="quarter"),
        "fi",
    )
    assert "93,0" in payload["summary"] and "≤ 120" in payload["summary"]
    # The queue chart's table: one row per month-end; published with keys 0: 10 -> 10,
    # 11 -> 15, 21 -> 25, backlog 0 -> 0, 1 -> 5, 10 -> 10.
    table = chart_payload("jonot", Filters(start="2024-10", end="2025-01"), "fi")["table"]
    assert table["columns"] == ["Jakso", "Jonossa", "Määräajan ylittäneet (hoitovelka)"]
    assert table["rows"] == [
        ["10/2024", "10", "0"],
        ["11/2024", "15", "0"],
        ["12/2024", "25", "5"],
        ["1/2025", "25", "10"],
    ]


# --- whole periods, changes from a year earlier, the legal requirement -------------
# Data as of 15.2.2025: Q1/2025 and the year 2025 are in progress.

PARTIAL = "ei ole mukana, koska tiedot tai valitut kuukaudet kattavat siitä vain osan."


def test_qa080_reported_share_speaks_of_the_last_whole_quarter(reporting_db):
    """The summary and KPI speak of the last whole quarter and judge it by that year's target."""
    from charts.kpi_payload import kpi_payload

    filters = Filters(start="2024-01", grain="quarter")
    # Q4/2024: (46 + 47 + 45) / (50 + 50 + 50) = 138 / 150, published (keys 0) as
    # 140 / 150 = 93.33... = 93.3 %, under the 2024 target of 97 %. Q1/2025 has January
    # alone (40/40 = 100 %, the 2025 target): left out, so it neither reaches the
    # target nor gives a change (Q4/2023 has no figure).
    # The counts are people, published rounded (m = 5): 140 / 150 allows a true share
    # up to (140 + 4) / (150 - 4) = 144 / 146 = 98.6 % >= 97 %, so the miss cannot be
    # confirmed (charts.summary.judgement_unconfirmed); the text still names the 2024
    # target of 97 %.
    summary = chart_payload("palvelutarpeen-arviointi-90pv", filters, "fi")["summary"]
    assert summary == (
        "Viimeisin arvo Q4/2024: 93,3\u00a0%. Tavoitteen ≥ 97\u00a0% toteutumista ei voi "
        "todeta: luvut on pyöristetty 5:n monikertoihin, joten todellinen arvo voi olla "
        f"tavoitteen kummalla puolella tahansa. Jakso Q1/2025 {PARTIAL}"
    )
    kpi = kpi_payload("palvelutarpeen-arviointi-90pv", filters, "fi")
    assert (kpi["value"], kpi["period"], kpi["change"]) == ("93,3\u00a0%", "Q4/2024", "")
    assert (kpi["status"], kpi["status_text"]) == (
        "none",
        "Tavoite ≥ 97\u00a0%: toteutumista ei voi todeta pyöristetyistä luvuista",
    )
    # At month grain January is whole: 1/2025 is 40 / 40 = 100 % against the 2025
    # target of 100 %, but the true share may be as low as (40 - 4) / (40 + 4) = 81.8 %:
    # unconfirmed, named against the 2025 target.
    month = kpi_payload("palvelutarpeen-arviointi-90pv", Filters(start="2024-10"), "fi")
    assert (month["period"], month["status"]) == ("1/2025", "none")
    assert month["status_text"].startswith("Tavoite ≥ 100\u00a0%: toteutumista ei voi todeta")
    # 3/2024 (3 of 4) is published with key 0 as 5 / 5 = 100 % (small counts are
    # rounded, not withheld): against the 2024 target of 97 % the true share may be as
    # low as (5 - 4) / (5 + 4) = 11.1 % (it is 75 %): unconfirmed, never "met".
    q1 = Filters(start="2024-01", end="2024-03")
    small = kpi_payload("palvelutarpeen-arviointi-90pv", q1, "fi")
    assert (small["value"], small["period"], small["status"]) == ("100,0\u00a0%", "3/2024", "none")
    assert small["status_text"].startswith("Tavoite ≥ 97\u00a0%: toteutumista ei voi todeta")


def test_qa081_queue_change_compares_the_same_day_a_year_earlier(reporting_db):
    """The queue change compares a snapshot with the same day a year earlier, whole periods only."""
    from charts.kpi_payload import kpi_payload

    # Year grain: 2025 would be the snapshot of 15.2.2025 (21 waiting), compared with
    # 31.12.2024 (21): "0". Left out as incomplete, the latest is 31.12.2024 (21:
    # b1-b10, a1-a10, a11; published 25 with keys 0) against 31.12.2023 (0: everyone
    # had left by 21.11.2023).
    years = Filters(start="2023-01", grain="year")
    # The backlog on 31.12.2024 is 1 (a11, test_qa021): hidden, and said so.
    assert chart_payload("jonot", years, "fi")["summary"] == (
        f"Viimeisin arvo 2024: 25. Vuotta aiemmin 0 (muutos +25). Jakso 2025 {PARTIAL}"
    )
    kpi = kpi_payload("jonot", years, "fi")
    assert (kpi["value"], kpi["period"], kpi["change"]) == ("25", "2024", "▲ +25 vuodentakaisesta")
    # Quarter grain: Q4/2024 (31.12.2024, 21) against Q4/2023 (31.12.2023, 0), not
    # Q1/2025 measured on 15.2. against Q1/2024 measured on 31.3.
    quarters = chart_payload("jonot", Filters(start="2023-07", grain="quarter"), "fi")
    assert quarters["summary"].startswith("Viimeisin arvo Q4/2024: 25. Vuotta aiemmin 0 ")
    assert quarters["table"]["rows"][-1][0] == "Q4/2024"


def test_qa082_legal_deadline_judged_against_the_law(reporting_db):
    """The legal-deadline share is judged against the law's 100 % and called a legal requirement."""
    from charts.kpi_payload import kpi_payload

    law = (
        "Terveydenhuoltolaki 1326/2010, 51 §: jokainen kiireetön käynti voimassa olevassa "
        "määräajassa"
    )
    filters = Filters(start="2023-08", end="2025-01")
    # 1/2025: 17 of 32 visits within the deadline in force (test_qa002), published as
    # 20 / 35 = 57.1 % (keys 0); the law requires every visit (100 %). No visits in
    # 1/2024: no change.
    # The fixture's visits are in 8/2023, 9/2023, 2/2024, 3/2024 and 1/2025: the other
    # 13 of the 18 months are 0 / 0, withheld and named (the last 12/2024).
    summary = chart_payload("hoitotakuu-lakisaateinen", filters, "fi")["summary"]
    assert summary == (
        "Viimeisin arvo 1/2025: 57,1\u00a0%. Lakisääteinen vaatimus ≥ 100\u00a0% ei täyty – "
        f"kyse on lain vaatimuksesta, ei ohjelman tavoitteesta ({law}). Kuvaajassa on "
        "salattuja arvoja (..): Toteutui määräajassa 13 jaksolla, viimeksi 12/2024."
    )
    kpi = kpi_payload("hoitotakuu-lakisaateinen", filters, "fi")
    assert (kpi["status"], kpi["status_text"]) == (
        "not_met",
        "Lakisääteinen vaatimus ≥ 100\u00a0% ei täyty",
    )
    assert kpi["basis"] == f"Lain vaatimus, ei ohjelman tavoite: {law}"


def test_qa083_shipped_legal_requirement(reporting_db):
    """The shipped legal requirement is 100 % for every age from 2005, per the Health Care Act."""
    rows = targets_for("hoitotakuu-lakisaateinen")
    rows = rows[rows["kind"] == "legal_requirement"].reset_index(drop=True)
    # One row in force at a time, for every age: 100 % within the deadline, from the
    # care guarantee's start (1.3.2005) on; since 1.5.2011 from the Health Care Act.
    assert rows[["valid_from", "age_min", "age_max", "value", "comparison"]].values.tolist() == [
        [pd.Timestamp("2005-03-01"), 0, 150, 100.0, ">="],
        [pd.Timestamp("2011-05-01"), 0, 150, 100.0, ">="],
    ]
    assert rows.at[0, "valid_to"] == pd.Timestamp("2011-04-30") and pd.isna(rows.at[1, "valid_to"])
    assert rows.at[1, "source"].startswith("Terveydenhuoltolaki 1326/2010, 51 §")


def test_qa090_run_chart_of_withheld_values_says_why(reporting_db):
    """TA01 has no oral-health entries: from 10/2023 to 1/2025 (the data end on
    15.2.2025, so 2/2025 is partial and left out) its 16 monthly medians are all
    withheld (0 entries). The run chart cannot be drawn,
    and the card says the values are withheld — not that a longer range is needed."""
    payload = chart_payload(
        "suun-terveydenhuolto-odotus", Filters(start="2023-10", units=("TA01",)), "fi", "spc"
    )
    assert payload["view"] == "series"
    assert payload["summary"] == (
        "Muutoksen tunnistukseen tarvitaan vähintään 12 näytettyä jaksoa, mutta valituista "
        "jaksoista 16 on salattu, koska arvo voi perustua alle 5 henkilöön. Kuvaaja "
        "näytetään siksi aikasarjana. Valitse laajempi alue tai harvempi aikataso. Jakso "
        "2/2025 ei ole mukana, koska tiedot tai valitut kuukaudet kattavat siitä vain osan."
    )
