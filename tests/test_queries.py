"""Query layer against the hand-made fixture (tests/fixtures/foundation.py), on DuckDB and
PostgreSQL. Every expected number is worked out by hand in the comment beside it."""

from __future__ import annotations

import pandas as pd
import pytest

from queries.access import access_within_days
from queries.digital import remote_share
from queries.filters import Filters
from queries.indicator_values import reported_share
from queries.privacy import protect
from queries.reference import data_as_of, reporting_meta, targets_for, units
from queries.referrals import referral_counts


def _row(frame: pd.DataFrame, period: str, series: str) -> pd.Series:
    match = frame[(frame["period"] == pd.Timestamp(period)) & (frame["series"] == series)]
    assert len(match) == 1, f"expected one row for {period} {series}, got {len(match)}"
    return match.iloc[0]


@pytest.mark.hand_computed("hoitotakuu-7vrk")
def test_q001_access_7_days_county_month(reporting_db):
    """The county's 7-day access share per month is visits within 7 days over all counted visits."""
    frame = access_within_days(Filters(start="2024-01", end="2024-02"), 7)
    jan = _row(frame, "2024-01-01", "within_days")
    # TA01: waits 0,1,3,7,7 within of 10; TA02: 2,2,2 within of 4 -> 8 / 14 = 57.14 %.
    assert (jan["numerator"], jan["denominator"]) == (8, 14)
    assert jan["value"] == 57.1
    feb = _row(frame, "2024-02-01", "within_days")
    # TA01 only: 25 of 30 -> 83.33 % (5 not within: the complement is not small).
    assert (feb["numerator"], feb["denominator"], feb["value"]) == (25, 30, 83.3)
    assert len(frame) == 2


def test_q002_access_7_day_boundary_and_exclusions(reporting_db):
    """A 7-day wait counts, an 8-day one does not, and the excluded kinds of visit are left out."""
    frame = access_within_days(Filters(start="2024-01", end="2024-01", units=("TA01",)), 7)
    jan = _row(frame, "2024-01-01", "within_days")
    # Exactly 7 days counts, 8 does not; the 8 excluded rows (urgent, follow-up,
    # cancelled, T22, TH, R71, no assessment, assessment after visit) are not counted.
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (5, 10, 50.0)


def test_q003_access_small_denominator_is_exact_with_its_keys(reporting_db):
    """The access query returns a small cell's exact counts with their summed cell keys."""
    frame = access_within_days(Filters(start="2024-01", end="2024-01", units=("TA02",)), 7)
    jan = _row(frame, "2024-01-01", "within_days")
    # The query returns exact counts (charts.payload.load_complete protects them): TA02
    # has 4 visits, 3 within 7 days (waits 2, 2, 2) -> 75 %, nothing suppressed here.
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (3, 4, 75.0)
    assert not jan["suppressed"]
    # Cell keys: TA02's visits are contacts 19..22 (after TA01's 10 visits and 8
    # excluded rows), default key 1000 × id: 1000 × (19+20+21+22) = 82000; the three
    # within 7 days, 19..21: 60000.
    assert (jan["numerator_key"], jan["denominator_key"]) == (60000, 82000)
    # Published (minimum 5), small counts rounded too: numerator 3 = 0·5 + 3, key
    # 60,000: 300,000 < 3·1,048,576 = 3,145,728 -> 5; denominator 4, key 82,000:
    # 410,000 < 4·1,048,576 = 4,194,304 -> 5. Shown: 5 / 5 = 100 %, nothing withheld.
    jan = _row(protect(frame, 5, True), "2024-01-01", "within_days")
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (5, 5, 100.0)
    assert not jan["suppressed"]


def test_q004_access_quarter_and_year_recompute_from_counts(reporting_db):
    """Quarter and year access shares are recomputed from summed counts, not monthly shares."""
    quarter = access_within_days(Filters(start="2023-01", end="2024-12", grain="quarter"), 7)
    # Q1/2023: 9 / 15 = 60 %. Q1/2024: (8 + 25) / (14 + 30) = 33 / 44 = 75 %, not the
    # mean of the monthly 57.1 % and 83.3 % (70.2 %).
    assert _row(quarter, "2023-01-01", "within_days")["value"] == 60.0
    q1 = _row(quarter, "2024-01-01", "within_days")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (33, 44, 75.0)
    year = access_within_days(Filters(start="2023-01", end="2024-12", grain="year"), 7)
    assert _row(year, "2024-01-01", "within_days")["value"] == 75.0


def test_q005_access_within_14_days_exact(reporting_db):
    """The 14-day access share counts waits up to 14 days, for a unit and for a quarter."""
    ta01 = access_within_days(Filters(start="2024-01", end="2024-01", units=("TA01",)), 14)
    # TA01 1/2024, waits up to 14: 0,1,3,7,7,8,10,14 -> 8 of 10 = 80 %, exact (the
    # complement 2 is no longer withheld: published counts are multiples of 5).
    jan = _row(ta01, "2024-01-01", "within_days")
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (8, 10, 80.0)
    assert not jan["suppressed"]
    quarter = access_within_days(Filters(start="2024-01", end="2024-03", grain="quarter"), 14)
    # Q1/2024: TA01 January 8 + TA02 January 3 (waits 2,2,2) + TA01 February 25 (1 day;
    # the 20-day waits are out) = 36 of 44; 8 waited longer -> 81.8 %.
    q1 = _row(quarter, "2024-01-01", "within_days")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (36, 44, 81.8)


@pytest.mark.hand_computed("digiasiointi-osuus")
def test_q010_remote_share_codes_and_no_hidden_parts(reporting_db):
    """The remote share counts the right contact codes; no part of a total is hidden."""
    frame = remote_share(Filters(start="2024-03", end="2024-03", units=("TA03",)))
    # Denominator 20 (R10 8, R20 2, R52 6, R56 3, R51 1); R60/R71/R72 and cancelled out.
    remote = _row(frame, "2024-03-01", "remote")
    assert (remote["numerator"], remote["denominator"], remote["value"]) == (10, 20, 50.0)
    # Exact: real-time 6 of 20 = 30 %, asynchronous 3 of 20 = 15 % (the query no
    # longer hides parts of a total; protection publishes multiples of 5).
    assert _row(frame, "2024-03-01", "realtime")["value"] == 30.0
    assert _row(frame, "2024-03-01", "asynchronous")["value"] == 15.0
    assert not frame["suppressed"].any()


def test_q011_remote_share_small_denominator_exact_then_rounded(reporting_db):
    """A month of four contacts is exact in the query and rounded to 5 / 5 once published."""
    frame = remote_share(Filters(start="2024-04", end="2024-04"))
    # 2024-04 has 4 contacts in all, all R52: remote 4/4 = 100 %, real-time 4/4,
    # asynchronous 0/4 = 0 %, exact in the query ...
    assert frame.set_index("series")["value"].to_dict() == {
        "asynchronous": 0.0,
        "realtime": 100.0,
        "remote": 100.0,
    }
    # ... and rounded once published. The 4 contacts are ids 94..97 (after TA01 1..10,
    # excluded 11..18, TA02 19..22, TA01 2/2024 23..52, 2/2023 53..67, TA03 3/2024
    # 68..93): key 1000 × 382 = 382,000 for the base and for the 4 remote / real-time;
    # 382,000·5 = 1,910,000 < 4·1,048,576 -> 5 each. Asynchronous 0 -> 0. So 5 / 5 =
    # 100 %, 5 / 5 = 100 % and 0 / 5 = 0 %, none withheld.
    published = protect(frame, 5, True).set_index("series")
    assert published["value"].to_dict() == {"asynchronous": 0.0, "realtime": 100.0, "remote": 100.0}
    assert published["denominator"].eq(5).all() and not published["suppressed"].any()


def test_q020_wellbeing_referrals_counts_and_zero_fill(reporting_db):
    """Referrals and distinct referrers are counted with their keys; a month of none shows 0."""
    frame = referral_counts(Filters(start="2024-01", end="2024-03"), "wellbeing")
    # 2024-01: 7 (TA01) + 2 (TA02) = 9 referrals by P1..P6 = 6 referrers.
    assert _row(frame, "2024-01-01", "referrals")["value"] == 9
    assert _row(frame, "2024-01-01", "referrers")["value"] == 6
    # 2024-02: 3 referrals by 1 referrer, exact (withheld only when published).
    assert _row(frame, "2024-02-01", "referrals")["value"] == 3
    assert _row(frame, "2024-02-01", "referrers")["value"] == 1
    # Keys: the 2024-02 referrals are ids 10..12 -> 1000 × 33 = 33000; their one
    # referrer P1 has the default referrer key 1000 × 1 + 1 = 1001.
    assert _row(frame, "2024-02-01", "referrals")["value_key"] == 33000
    assert _row(frame, "2024-02-01", "referrers")["value_key"] == 1001
    # 2024-01 referrers P1..P6: keys 1001 + 2001 + ... + 6001 = 1000 × 21 + 6 = 21006.
    assert _row(frame, "2024-01-01", "referrers")["value_key"] == 21006
    # 2024-03: none; a zero describes nobody and is shown.
    march = _row(frame, "2024-03-01", "referrals")
    assert march["value"] == 0 and not march["suppressed"]


def test_q021_referrals_unit_filter_and_open_end(reporting_db):
    """Referrals follow the unit filter, and an open end is filled to the data's last month."""
    frame = referral_counts(Filters(start="2024-01", units=("TA01",)), "wellbeing")
    # Open end: filled up to the data's last month (data as of 2024-04-30).
    assert sorted(frame["period"].dt.strftime("%Y-%m").unique()) == [
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
    ]
    assert _row(frame, "2024-01-01", "referrals")["value"] == 7
    # TA01 referrers in 2024-01: P1, P2, P3, P4 = 4 (exact).
    assert _row(frame, "2024-01-01", "referrers")["value"] == 4


def test_q022_referrals_quarter_distinct_referrers(reporting_db):
    """A quarter counts its referrals and its distinct referrers over the whole quarter."""
    frame = referral_counts(Filters(start="2024-01", end="2024-03", grain="quarter"), "wellbeing")
    # Q1/2024: 9 + 3 = 12 referrals; distinct referrers over the quarter P1..P6 = 6.
    assert _row(frame, "2024-01-01", "referrals")["value"] == 12
    assert _row(frame, "2024-01-01", "referrers")["value"] == 6


@pytest.mark.hand_computed("hoitotakuuseuranta-kattavuus")
def test_q030_reported_share_region_and_grain(reporting_db):
    """A reported share is the region's own rows, and a year sums the quarters' counts."""
    month = reported_share(Filters(start="2024-01"), "hoitotakuuseuranta-kattavuus", "99")
    assert _row(month, "2024-01-01", "share")["value"] == 50.0  # 6 / 12
    assert _row(month, "2024-04-01", "share")["value"] == 75.0  # 9 / 12
    year = reported_share(
        Filters(start="2024-01", grain="year"), "hoitotakuuseuranta-kattavuus", "99"
    )
    # (6 + 9) / (12 + 12) = 62.5 %; region 01's 12/12 is not mixed in.
    assert _row(year, "2024-01-01", "share")["value"] == 62.5


def test_q031_reported_share_keys_and_protection_when_asked(reporting_db):
    """Reported shares carry one cell key per stored row and are rounded when protected."""
    frame = reported_share(Filters(start="2024-01"), "hoitotakuuseuranta-kattavuus", "99")
    # One key per stored row, default 1000 × its place in the fixture's list: Q1 is
    # row 1 (1000), Q2 row 2 (2000): the denominator's key. The numerator (other people)
    # gets 3k + 524287 per row: Q2 3·2000 + 524287 = 530287, Q1 527287.
    q2 = _row(frame, "2024-04-01", "share")
    assert (q2["numerator_key"], q2["denominator_key"]) == (530287, 2000)
    published = protect(frame, 7, True)
    # Minimum 7, Q1 6 / 12: 6 = 0·7 + 6, key 527287: 3,691,009 < 6·1,048,576 -> 7; 12 =
    # 1·7 + 5, key 1000: 7,000 < 5·1,048,576 -> 14. Shown (a small numerator is
    # rounded, not withheld): 7 / 14 = 50 %.
    q1 = _row(published, "2024-01-01", "share")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (7, 14, 50.0)
    assert q1["suppression_reason"] is None
    # Q2: 9 = 1·7 + 2, key 530287: 530287·7 = 3,712,009 >= 2·1048576 -> down to 7;
    # 12 = 1·7 + 5, key 2000: 14000 < 5·1048576 -> up to 14. Shown: 7 / 14 = 50 %.
    q2 = _row(published, "2024-04-01", "share")
    assert (q2["numerator"], q2["denominator"], q2["value"]) == (7, 14, 50.0)
    assert not q2["suppressed"]


def test_q040_reference_data(reporting_db):
    """Meta, data date, units and a chart's targets are read from the reference tables."""
    assert reporting_meta()["synthetic"] == "true"
    assert data_as_of().isoformat() == "2024-04-30"
    assert list(units()["unit_id"]) == ["TA01", "TA02", "TA03"]
    digital = targets_for("digiasiointi-osuus")
    # Four programme-target rows 2022..2025: >10, >25, >30, >=45 %.
    assert list(digital["value"]) == [10.0, 25.0, 30.0, 45.0]
    assert pd.isna(digital["valid_to"].iloc[-1])


def test_q050_partial_periods_are_left_out_of_every_chart(reporting_db):
    """Periods the data do not fully cover are left out of charts, reported figures included."""
    from charts.payload import chart_data

    # Data as of 30.4.2024: April is complete, the second quarter is not.
    months, _ = chart_data("hyvinvointilahetteet", Filters(start="2024-01"))
    assert months["period"].max() == pd.Timestamp("2024-04-01")
    quarters, _ = chart_data("hyvinvointilahetteet", Filters(start="2024-01", grain="quarter"))
    assert sorted(quarters["period"].unique()) == [pd.Timestamp("2024-01-01")]
    # Reported figures follow the same rule: coverage Q2/2024 is stored (9 / 12), but
    # the data end on 30.4.2024, a month into the quarter, so only Q1 is shown.
    coverage, _ = chart_data("hoitotakuuseuranta-kattavuus", Filters(start="2024-01"))
    assert coverage["period"].max() == pd.Timestamp("2024-01-01")


def test_q051_quarterly_figures_are_labelled_as_quarters(reporting_db):
    """Quarterly stored figures are labelled as quarters, and the partial quarter is named."""
    from charts.payload import chart_payload

    payload = chart_payload("hoitotakuuseuranta-kattavuus", Filters(start="2024-01"), "fi")
    # Stored per quarter: at the month grain the table still says Q1 (6/12); Q2 (9/12)
    # is left out as incomplete (data as of 30.4.2024), and the summary says so.
    assert payload["table"]["rows"] == [["Q1/2024", "50\u00a0%"]]
    assert payload["summary"].startswith("Viimeisin arvo Q1/2024: 50\u00a0%.")
    assert payload["summary"].endswith(
        "Jakso Q2/2024 ei ole mukana, koska tiedot tai valitut kuukaudet kattavat siitä vain osan."
    )


def test_q052_year_earlier_period_must_be_whole_too(reporting_db, monkeypatch):
    """The summary compares with a year earlier only if that period is whole; else it names it."""
    import queries.reference
    from charts.payload import chart_payload

    # Suppose the data began on 15.2.2023: February 2023 (9 of 15 within 7 days, all
    # on 10.2.) is then not a whole month, and 2/2024 (25 of 30 = 83.3 %) must not be
    # compared with it ("+23,3 %-yks." from 60.0 %): no change, and 2/2023 is named.
    meta = {"data_from": "2023-02-15", "data_as_of": "2024-04-30", "synthetic": "true"}
    monkeypatch.setattr(queries.reference, "reporting_meta", lambda: meta)
    # (To 2/2024: the months after it have no visits in the fixture, and their 0 / 0
    # would be the latest value, withheld.)
    filters = Filters(start="2023-01", end="2024-02")
    summary = chart_payload("hoitotakuu-7vrk", filters, "fi")["summary"]
    # The fixture has no visits in 3/2023-12/2023: those 10 months are 0 / 0, withheld
    # and named (the last 12/2023).
    assert summary == (
        "Viimeisin arvo 2/2024: 83,3\u00a0%. Kuvaajassa on salattuja arvoja (..): "
        "Toteutui 7 vrk:ssa 10 jaksolla, viimeksi 12/2023. Jakso 2/2023 ei ole mukana, "
        "koska tiedot tai valitut kuukaudet kattavat siitä vain osan."
    )
