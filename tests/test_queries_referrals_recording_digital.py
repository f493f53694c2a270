"""Queries and charts of areas 2–4 against the hand-made fixture
(``tests/fixtures/areas234.py``), on DuckDB and PostgreSQL. Every expected number is
worked out by hand in the comment beside it; the minimum cell count is 5."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import tests.fixtures.areas234
from charts.catalog import CHARTS
from charts.chart_views import available_views
from charts.payload import chart_data, chart_payload
from exports.data import build_export
from queries.access import access_within_days
from queries.digital import electronic_booking_share
from queries.filters import Filters
from queries.indicator_values import reported_count
from queries.privacy import protect
from queries.recording import recording_quality
from queries.referrals import OTHER_UNITS, referral_counts_by_unit
from queries.results import TIDY_COLUMNS
from tests.conftest import reporting_db_fixture

reporting_db = reporting_db_fixture(tests.fixtures.areas234)

Q1 = Filters(start="2024-01", end="2024-03", grain="quarter")


def _row(frame: pd.DataFrame, period: str, series: str) -> pd.Series:
    match = frame[(frame["period"] == pd.Timestamp(period)) & (frame["series"] == series)]
    assert len(match) == 1, f"expected one row for {period} {series}, got {len(match)}"
    return match.iloc[0]


def _published(frame: pd.DataFrame, exact_series: tuple[str, ...] = ()) -> pd.DataFrame:
    """The frame as published with the minimum 5 (the queries return exact counts)."""
    return protect(frame, 5, True, exact_series)


def test_p001_wellbeing_referrals_by_unit_month(reporting_db):
    """Referrals by unit give each unit its own series, largest first, named in fi and sv."""
    frame = referral_counts_by_unit(Filters(start="2024-01", end="2024-06"), "wellbeing")
    # Totals over 2024-01..06: TA01 6 + 8 = 14, TA03 2 + 5 = 7, XX99 6, TA02 5. Four
    # units <= top + 1 = 6: each its own series, largest first; no unit is left for
    # other_units, so it is not a series at all (not a row of zeros).
    assert list(dict.fromkeys(frame["series"])) == ["TA01", "TA03", "XX99", "TA02"]
    labels = frame.drop_duplicates("series").set_index("series")["label"]
    assert labels["TA01"] == "Alfan terveysasema" and labels["TA02"] == "Beetan terveysasema"
    assert labels["XX99"] == "XX99"  # not in the units table: its id
    swedish = frame.drop_duplicates("series").set_index("series")["label_sv"]
    assert swedish["TA01"] == "Alfa hälsostation" and swedish["XX99"] == "XX99"
    # 2024-02: TA01 8 + TA03 5 = 13, the month's total; TA02 had none: 0 is shown.
    assert _row(frame, "2024-02-01", "TA01")["value"] == 8
    assert _row(frame, "2024-02-01", "TA03")["value"] == 5
    feb_ta02 = _row(frame, "2024-02-01", "TA02")
    assert feb_ta02["value"] == 0 and not feb_ta02["suppressed"]
    # 2024-04: XX99 6. Every month to the data's end (2024-06) is there: 6 months.
    assert _row(frame, "2024-04-01", "XX99")["value"] == 6
    assert frame["period"].nunique() == 6


def test_p001b_referring_units_are_named_in_the_page_language(reporting_db):
    """The wellbeing-referral chart names the referring units in Swedish on a Swedish
    page (the fixture's units.name_sv) and in Finnish otherwise."""
    filters = Filters(start="2024-01", end="2024-06")
    names = {
        lang: {trace["name"] for trace in chart_payload("hyvinvointilahetteet", filters, lang)[
            "figure"]["data"]}
        for lang in ("fi", "sv")
    }  # fmt: skip
    assert {"Alfan terveysasema", "Beetan terveysasema"} <= names["fi"]
    assert {"Alfa hälsostation", "Beta hälsostation"} <= names["sv"]
    assert "Alfan terveysasema" not in names["sv"]


def test_p002_wellbeing_by_unit_small_unit_rounded(reporting_db):
    """A unit's small monthly referral count is exact in the query and rounded when published."""
    frame = referral_counts_by_unit(Filters(start="2024-01", end="2024-06"), "wellbeing")
    # 2024-01: TA01 6, TA02 5, TA03 2 add up to the total of 13, exact in the query.
    assert [_row(frame, "2024-01-01", u)["value"] for u in ("TA01", "TA02", "TA03")] == [6, 5, 2]
    # Published, every count rounded (referral ids: TA01 1..6, TA02 7..11, TA03 12, 13;
    # keys 1000 × id): TA03's 2 with key 25,000: 125,000 < 2·1,048,576 -> 5; TA02's 5
    # stays 5; TA01's 6 = 5 + 1 with key 21,000: 105,000 < 1,048,576 -> 10. Nothing
    # withheld.
    published = _published(frame)
    assert [_row(published, "2024-01-01", u)["value"] for u in ("TA01", "TA02", "TA03")] == [
        10,
        5,
        5,
    ]
    assert not published["suppressed"].any()
    # A zero describes nobody: XX99 in 2024-01 is 0 and shown.
    assert _row(frame, "2024-01-01", "XX99")["value"] == 0


def test_p003_wellbeing_by_unit_quarter_and_top(reporting_db):
    """Unit referrals sum over a quarter; units beyond the top are summed as other units."""
    quarter = referral_counts_by_unit(Q1, "wellbeing")
    # Q1/2024 (March has none): TA01 14, TA02 5, TA03 2 + 5 = 7; TA03's small January
    # is no longer a cell of its own.
    assert _row(quarter, "2024-01-01", "TA01")["value"] == 14
    assert _row(quarter, "2024-01-01", "TA02")["value"] == 5
    assert _row(quarter, "2024-01-01", "TA03")["value"] == 7
    assert not quarter["suppressed"].any()
    # top=1: TA01 alone, the rest summed per month: 2024-01 TA02 5 + TA03 2 = 7,
    # 2024-02 TA03 5, 2024-04 XX99 6.
    top1 = referral_counts_by_unit(Filters(start="2024-01", end="2024-06"), "wellbeing", 1)
    assert list(dict.fromkeys(top1["series"])) == ["TA01", OTHER_UNITS]
    assert pd.isna(_row(top1, "2024-01-01", OTHER_UNITS)["label"])  # named by the catalog
    assert _row(top1, "2024-01-01", OTHER_UNITS)["value"] == 7
    assert _row(top1, "2024-02-01", OTHER_UNITS)["value"] == 5
    assert _row(top1, "2024-04-01", OTHER_UNITS)["value"] == 6


def test_p004_wellbeing_by_unit_unit_filter_and_empty_range(reporting_db):
    """The unit filter keeps one unit; a range without referrals still has every unit as zeros."""
    frame = referral_counts_by_unit(
        Filters(start="2024-01", end="2024-02", units=("TA03",)), "wellbeing"
    )
    # TA03 only: 2024-01 2 (published as 5, test_p002), 2024-02 5. One unit: no
    # other_units series.
    assert set(frame["series"]) == {"TA03"}
    assert _row(frame, "2024-01-01", "TA03")["value"] == 2
    assert _row(_published(frame), "2024-01-01", "TA03")["value"] == 5
    assert _row(frame, "2024-02-01", "TA03")["value"] == 5
    # No wellbeing referrals in 2023: every unit that can refer (the fixture's TA01,
    # TA02, TA03 and the referring XX99, not in units) still has its series, all
    # measured zeros — which units are drawn never rests on exact counts.
    empty = referral_counts_by_unit(Filters(start="2023-01", end="2023-03"), "wellbeing")
    assert list(empty.columns) == [*TIDY_COLUMNS, "label", "label_sv"]
    assert set(empty["series"]) == {"TA01", "TA02", "TA03", "XX99"}
    assert len(empty) == 4 * 3 and (empty["value"] == 0).all()


@pytest.mark.hand_computed("hyvinvointilahetteet")
def test_p005_wellbeing_chart_totals_and_units_together(reporting_db):
    """The wellbeing chart draws totals as lines over stacked unit bars."""
    frame = CHARTS["hyvinvointilahetteet"].load(Filters(start="2024-01", end="2024-06"))
    # The unchanged totals: 2024-01 13 referrals by R1..R8 = 8 referrers; 2024-02 13 by
    # R1 and R7 (2: published as 5, referrer keys 1001 + 7001 = 8002: 40,010 <
    # 2·1,048,576 -> up); and the unit series beside them.
    assert _row(frame, "2024-01-01", "referrals")["value"] == 13
    assert _row(frame, "2024-01-01", "referrers")["value"] == 8
    assert _row(frame, "2024-02-01", "referrers")["value"] == 2
    assert _row(_published(frame), "2024-02-01", "referrers")["value"] == 5
    assert _row(frame, "2024-02-01", "TA01")["value"] == 8
    # The figure: unit bars stacked (no other_units: every unit has its own), totals as
    # lines.
    figure = chart_payload("hyvinvointilahetteet", Filters(start="2024-01", end="2024-06"), "fi")[
        "figure"
    ]
    kinds = {trace["name"]: trace["type"] for trace in figure["data"]}
    assert kinds["Lähetteet yhteensä"] == "scatter"
    assert kinds["Lähettäneet ammattilaiset"] == "scatter"
    assert kinds["Alfan terveysasema"] == "bar" and kinds["XX99"] == "bar"
    assert "Muut yksiköt" not in kinds
    assert figure["layout"]["barmode"] == "stack"


def test_p007_no_structurally_empty_series_but_measured_zeros_stay(reporting_db):
    """No series or table column is structurally empty, while measured zeros are still sent."""
    from app import app

    client = app.server.test_client()
    url = "/api/charts/hyvinvointilahetteet/data.json?from={}&to={}"
    rows = client.get(url.format("2024-01", "2024-06")).get_json()["rows"]
    # Four referring units (TA01, TA03, XX99, TA02) <= top + 1: each has its own series
    # and "other units" has no member, so no row of it is sent.
    assert {row["series"] for row in rows} == {
        "referrals", "referrers", "TA01", "TA03", "XX99", "TA02"}  # fmt: skip
    # A measured zero stays: TA02 made no referral in 2024-02 (fixture), 0 is sent.
    (feb_ta02,) = [r for r in rows if r["series"] == "TA02" and r["period"] == "2024-02-01"]
    assert feb_ta02["value"] == 0 and feb_ta02["suppressed"] is False
    # No wellbeing referral at all in 2023-01..03: the totals and the four units' series
    # are measured zeros (3 months each): the series sent never depend on exact counts
    # (a unit sent only where it referred would tell a published 0 from a true 0).
    quiet = client.get(url.format("2023-01", "2023-03")).get_json()["rows"]
    assert sorted((r["series"], r["value"]) for r in quiet) == sorted(
        (series, 0)
        for series in ("referrals", "referrers", "TA01", "TA02", "TA03", "XX99")
        for _month in range(3)
    )
    # The card's table and legend have no "Muut yksiköt" either.
    payload = chart_payload("hyvinvointilahetteet", Filters(start="2024-01", end="2024-06"), "fi")
    assert "Muut yksiköt" not in payload["table"]["columns"]
    assert "Muut yksiköt" not in {trace.get("name") for trace in payload["figure"]["data"]}
    # Whole kind, every chart on this fixture: no table column is blank in every row and
    # no drawn series trace is empty.
    for chart_id in CHARTS:
        payload = chart_payload(chart_id, Filters(start="2024-01", end="2024-06"), "fi")
        if payload["empty"]:
            continue
        table = payload["table"]
        for index, column in enumerate(table["columns"][1:], start=1):
            assert any(row[index] != "" for row in table["rows"]), (chart_id, column)
        for trace in payload["figure"]["data"]:
            if trace.get("type") in ("bar", "scatter") and trace.get("x") is not None:
                assert len(trace["x"]) > 0, (chart_id, trace.get("name"))


@pytest.mark.hand_computed("liikuntalahetteet")
def test_p006_exercise_referrals(reporting_db):
    """Exercise referrals count only their own kind, with distinct referrers per period."""
    month = CHARTS["liikuntalahetteet"].load(Filters(start="2024-01", end="2024-03"))
    # 2024-01: 5 referrals by Q1..Q5; wellbeing and specialised rows are not counted.
    assert _row(month, "2024-01-01", "referrals")["value"] == 5
    assert _row(month, "2024-01-01", "referrers")["value"] == 5
    # 2024-02: 3 referrals by Q1, both rounded up once published: the referrals are
    # ids 38..40, key 117,000: 585,000 < 3·1,048,576 -> 5; Q1's referrer key 1001:
    # 5,005 < 1,048,576 -> 5. 2024-03: 0, shown as 0.
    assert _row(month, "2024-02-01", "referrals")["value"] == 3
    assert _row(month, "2024-02-01", "referrers")["value"] == 1
    assert _row(_published(month), "2024-02-01", "referrals")["value"] == 5
    assert _row(_published(month), "2024-02-01", "referrers")["value"] == 5
    assert _row(month, "2024-03-01", "referrals")["value"] == 0
    quarter = CHARTS["liikuntalahetteet"].load(Q1)
    # Q1/2024: 5 + 3 = 8 referrals; distinct referrers over the quarter Q1..Q5 = 5.
    assert _row(quarter, "2024-01-01", "referrals")["value"] == 8
    assert _row(quarter, "2024-01-01", "referrers")["value"] == 5


@pytest.mark.hand_computed("matalan-kynnyksen-ryhmat")
def test_p031_groups_and_participants_yearly(reporting_db):
    """Yearly groups and participants stay one point per year; groups stay exact, people rounded."""
    load = CHARTS["matalan-kynnyksen-ryhmat"].load
    for grain in ("month", "quarter", "year"):
        frame = load(Filters(start="2023-01", end="2024-12", grain=grain))
        # Yearly figures stay one point per year at any grain: no zero months between.
        assert sorted(frame["period"].dt.strftime("%Y-%m").unique()) == ["2023-01", "2024-01"]
        # 2023: 7 groups, 180 participants. 2024: 3 groups (not people: exact) and 4
        # participants (people: rounded once published; the 2024 row is the second
        # stored, key 2000: 10,000 < 4·1,048,576 -> 5). Region 01's 20 / 500 are not
        # mixed in.
        assert _row(frame, "2023-01-01", "groups")["value"] == 7
        assert _row(frame, "2023-01-01", "participants")["value"] == 180
        assert _row(frame, "2024-01-01", "participants")["value"] == 4
        published = _published(frame, CHARTS["matalan-kynnyksen-ryhmat"].exact_series)
        groups_2024 = _row(published, "2024-01-01", "groups")
        assert groups_2024["value"] == 3 and not groups_2024["suppressed"]
        participants_2024 = _row(published, "2024-01-01", "participants")
        assert participants_2024["value"] == 5 and not participants_2024["suppressed"]
    # The figure: participants in their own panel under the groups (a value axis of
    # its own on its own plotting area, not a second axis over the groups), by year.
    figure = chart_payload("matalan-kynnyksen-ryhmat", Filters(start="2023-01"), "fi")["figure"]
    axes = {trace["name"]: trace.get("yaxis", "y") for trace in figure["data"]}
    assert axes["Ryhmät"] == "y" and axes["Osallistujat"] == "y2"
    layout = figure["layout"]
    assert "overlaying" not in layout["yaxis2"]
    assert layout["yaxis2"]["domain"][1] < layout["yaxis"]["domain"][0]
    assert layout["xaxis2"]["matches"] == "x" and layout["xaxis2"]["tickformat"] == "%Y"


def test_p008_reported_count_region_sum_and_empty(reporting_db):
    """Reported counts follow the region, sum to a coarser grain, and are empty when absent."""
    groups = Filters(start="2024-01", grain="year")
    # Region filter: county 01 has 20 groups in 2024, county 99 has 3.
    assert reported_count(groups, "matalan-kynnyksen-ryhmat", "01")["value"].tolist() == [20]
    assert reported_count(groups, "matalan-kynnyksen-ryhmat", "99")["value"].tolist() == [3]
    # Summed to a coarser grain: all forms in 2024 = 10 + 12 + 8 + 10 + 10 + 10 = 60.
    forms = reported_count(groups, "sahkoiset-lomakkeet-osuus", "99", column="denominator")
    assert forms["value"].tolist() == [60]
    # No rows: an empty tidy frame, not an error.
    empty = reported_count(groups, "ei-ole", "99")
    assert empty.empty and list(empty.columns) == TIDY_COLUMNS


# --- Area 3: recording quality ----------------------------------------------------------


@pytest.mark.hand_computed("kirjaamisen-laatu")
def test_p010_recording_quality_month(reporting_db):
    """Recording quality counts recorded assessments of access visits and valid contact codes."""
    frame = recording_quality(Filters(start="2024-01", end="2024-02"))
    jan = _row(frame, "2024-01-01", "assessment_recorded")
    # Access-type visits: TA01 8 + 5 + 1 = 14 (urgent, follow-up, cancelled, T22, TH, R71
    # are out), TA02 4 -> 18. Recorded: TA01 8 + 1 (dated after the visit) + TA02 3 = 12;
    # not recorded 18 - 12 = 6 >= 5, so shown: 100 * 12 / 18 = 66.67 -> 66.7 %.
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (12, 18, 66.7)
    codes = _row(frame, "2024-01-01", "valid_contact_type")
    # All contact rows: TA01 25 (20 valid; R99, r10, R5, R00, X10 are not Avohilmo codes,
    # R71 and the cancelled row are valid) + TA02 4 valid -> 24 / 29; invalid
    # 29 - 24 = 5 >= 5, so shown: 100 * 24 / 29 = 82.76 -> 82.8 %.
    assert (codes["numerator"], codes["denominator"], codes["value"]) == (24, 29, 82.8)
    # 2024-02 has no access-type visits: no value, and nothing to suppress.
    feb = _row(frame, "2024-02-01", "assessment_recorded")
    assert math.isnan(feb["value"]) and not feb["suppressed"] and feb["denominator"] == 0
    # ... but 26 contacts, every code valid (R52, R60 and cancelled rows included); a
    # complement of 0 describes nobody, so 26 / 26 is shown.
    feb_codes = _row(frame, "2024-02-01", "valid_contact_type")
    assert (feb_codes["numerator"], feb_codes["denominator"], feb_codes["value"]) == (26, 26, 100)


def test_p011_recording_quality_unit_suppression_and_grain(reporting_db):
    """Recording quality follows the unit filter, rounds small units and sums over a quarter."""
    ta01 = recording_quality(Filters(start="2024-01", end="2024-01", units=("TA01",)))
    # TA01: 9 of 14 = 64.29 -> 64.3 % (not recorded 14 - 9 = 5); codes 20 of 25 = 80 %
    # (invalid 25 - 20 = 5): both complements reach 5, both shown.
    assert _row(ta01, "2024-01-01", "assessment_recorded")["value"] == 64.3
    assert _row(ta01, "2024-01-01", "valid_contact_type")["value"] == 80.0
    ta02 = recording_quality(Filters(start="2024-01", end="2024-01", units=("TA02",)))
    # TA02: 3 of 4 visits, 4 of 4 codes: small counts, rounded once published. Its
    # visits are contacts 26..29 (key 1000 × 110 = 110,000), the recorded three 26..28
    # (81,000): 3 -> 405,000 < 3·1,048,576 -> 5; 4 -> 550,000 < 4·1,048,576 -> 5. So
    # 5 / 5 = 100 % both, shown.
    assert _row(ta02, "2024-01-01", "assessment_recorded")["value"] == 75.0
    published = _published(ta02).set_index("series")
    assert published.loc["assessment_recorded", "numerator_key"] == 81_000
    assert published.loc["assessment_recorded", "denominator_key"] == 110_000
    for key in ("assessment_recorded", "valid_contact_type"):
        assert tuple(published.loc[key, ["numerator", "denominator", "value"]]) == (5, 5, 100)
        assert not published.loc[key, "suppressed"]
    quarter = recording_quality(Q1)
    # Q1/2024 from the counts: visits 12 / 18 = 66.7 % (February has none); codes
    # (24 + 26) / (29 + 26) = 50 / 55 = 90.91 -> 90.9 % (invalid 55 - 50 = 5).
    assert _row(quarter, "2024-01-01", "assessment_recorded")["value"] == 66.7
    codes = _row(quarter, "2024-01-01", "valid_contact_type")
    assert (codes["numerator"], codes["denominator"], codes["value"]) == (50, 55, 90.9)


def test_p012_recording_quality_matches_access_definition(reporting_db):
    """Recording quality counts the same visits as the access chart plus late assessments."""
    jan_ta01 = Filters(start="2024-01", end="2024-01", units=("TA01",))
    recorded = _row(recording_quality(jan_ta01), "2024-01-01", "assessment_recorded")
    access = _row(access_within_days(jan_ta01, 7), "2024-01-01", "within_days")
    # The same visits: recorded 9 = the 8 visits the access chart counts + the 1 whose
    # assessment is dated after the visit (of 14 visits: the 5 without an assessment are
    # in neither numerator, and 14 - 9 = 5 keeps the recorded share shown).
    assert access["denominator"] == 8 and recorded["numerator"] == 8 + 1
    assert recorded["denominator"] == 14


def test_p013_recording_quality_empty_range(reporting_db):
    """A range without contacts has every month of both series as 0 / 0 with no value."""
    # No contacts in 2023: still every month of both series, 0 / 0 with no value (a
    # missing period would tell "nobody" from "fewer than m" once published).
    frame = recording_quality(Filters(start="2023-01", end="2023-12"))
    assert list(frame.columns) == TIDY_COLUMNS and len(frame) == 2 * 12
    assert set(frame["series"]) == {"assessment_recorded", "valid_contact_type"}
    assert (frame["numerator"] == 0).all() and (frame["denominator"] == 0).all()
    assert frame["value"].isna().all()


# --- Area 4: e-forms, e-booking, Omaolo ---------------------------------------------------


@pytest.mark.hand_computed("sahkoiset-lomakkeet-osuus")
def test_p020_electronic_forms_not_suppressed_and_quarter(reporting_db):
    """E-form shares are not about people, so they stay exact; a quarter sums the counts."""
    load = CHARTS["sahkoiset-lomakkeet-osuus"].load
    month = load(Filters(start="2024-01", end="2024-03"))
    # 2/10 = 20 % (forms, not people: the numerator 2 is shown), 3/12 = 25 %, 5/8 = 62.5 %.
    jan = _row(month, "2024-01-01", "share")
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (2, 10, 20.0)
    assert not month["suppressed"].any()
    assert _row(month, "2024-02-01", "share")["value"] == 25.0
    assert _row(month, "2024-03-01", "share")["value"] == 62.5
    # Q1 from the counts: (2 + 3 + 5) / (10 + 12 + 8) = 10 / 30 = 33.3 %, not the mean of
    # the months (35.8 %); region 01's 9/10 is not mixed in.
    q1 = _row(load(Q1), "2024-01-01", "share")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (10, 30, 33.3)


def test_p025_quarters_cut_by_the_chosen_months_are_left_out(reporting_db):
    """A quarter cut by the chosen months is left out of chart, table and export, and named."""
    from charts.payload import chart_data

    filters = Filters(start="2024-03", end="2024-10", grain="quarter")
    payload = chart_payload("sahkoiset-lomakkeet-osuus", filters, "fi")
    # Q1/2024 would be March alone (5/8 = 62.5 %) under the label of the quarter: left
    # out. Q2/2024 is whole: (6 + 7 + 8) / (10 + 10 + 10) = 21 / 30 = 70.0 %, over the
    # 2024 target of > 30 %. Q3 and Q4 have no figures (data as of 30.6.2024).
    assert payload["table"]["rows"] == [["Q2/2024", "70,0\u00a0%"]]
    assert payload["summary"] == (
        "Viimeisin arvo Q2/2024: 70,0\u00a0%. Tavoite > 30\u00a0% toteutuu. Jakso Q1/2024 ei "
        "ole mukana, koska tiedot tai valitut kuukaudet kattavat siitä vain osan."
    )
    frame, _targets = chart_data("sahkoiset-lomakkeet-osuus", filters)
    assert frame["period"].tolist() == [pd.Timestamp("2024-04-01")]
    # The data files hold the same rows, and their metadata names the period left out.
    export = build_export("sahkoiset-lomakkeet-osuus", filters, "fi", "http://x")
    assert [row[0] for row in export.rows] == ["Q2/2024"]
    assert (
        "Pois jätetyt jaksot",
        "Jakso Q1/2024 ei ole mukana, koska tiedot tai valitut kuukaudet kattavat siitä vain osan.",
    ) in export.metadata


def test_p026_yearly_figure_of_a_year_not_ended_is_left_out(reporting_db):
    """A yearly figure of an unfinished year is left out and named; the KPI uses the year before."""
    from charts.kpi_payload import kpi_payload

    # Omaolo 2024 is stored (3), but the data end on 30.6.2024: the latest whole year is
    # 2023 (21 services, under the 2023 target of 23); 2024 is named as left out.
    filters = Filters(start="2023-01")
    payload = chart_payload("omaolo-palvelut", filters, "fi")
    assert payload["table"]["rows"] == [["2023", "21"]]
    assert payload["partial_note"] == (
        "Jakso 2024 ei ole mukana, koska tiedot tai valitut kuukaudet kattavat siitä vain osan."
    )
    kpi = kpi_payload("omaolo-palvelut", filters, "fi")
    assert (kpi["value"], kpi["period"], kpi["status"]) == ("21", "2023", "not_met")


@pytest.mark.hand_computed("sahkoinen-ajanvaraus-osuus")
def test_p021_electronic_booking_share(reporting_db):
    """The e-booking share counts electronic bookings over all booked contacts, with cell keys."""
    frame = electronic_booking_share(Filters(start="2024-01", end="2024-02"))
    # 2024-02 (TA03): electronic 5 + 1 (R52) = 6 over 6 + 9 phone + 3 desk = 18;
    # 4 NULL, 2 cancelled and 2 R60 are in neither -> 33.3 %.
    feb = _row(frame, "2024-02-01", "electronic")
    assert (feb["numerator"], feb["denominator"], feb["value"]) == (6, 18, 33.3)
    # 2024-01: TA01 25 - 1 cancelled - 1 R71 - 5 invalid codes = 18 booked by phone,
    # TA02 3 electronic (its NULL is out) -> 3 / 21. Published: the numerator 3 (TA02's
    # contacts 26..28, key 81,000: 405,000 < 3·1,048,576) -> 5; the denominator 21 =
    # 4·5 + 1 with key 254,000: 1,270,000 >= 1,048,576 -> down to 20. 5 / 20 = 25 %.
    jan = _row(frame, "2024-01-01", "electronic")
    assert (jan["numerator"], jan["denominator"]) == (3, 21)
    assert (jan["numerator_key"], jan["denominator_key"]) == (81_000, 254_000)
    jan = _row(_published(frame), "2024-01-01", "electronic")
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (5, 20, 25.0)


def test_p022_electronic_booking_units_and_grain(reporting_db):
    """E-booking follows the unit filter, sums over quarter and year, and fills empty months."""
    ta01 = electronic_booking_share(Filters(start="2024-01", end="2024-01", units=("TA01",)))
    # TA01 2024-01: 0 of 18 = 0 % (25 rows less the cancelled one, R71 and the five
    # codes outside the Avohilmo set); a zero numerator describes nobody and is shown.
    jan = _row(ta01, "2024-01-01", "electronic")
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (0, 18, 0.0)
    assert not jan["suppressed"]
    # Q1 and the year from the counts: (3 + 6) / (21 + 18) = 9 / 39 = 23.08 -> 23.1 %
    # (not electronic 39 - 9 = 30).
    q1 = _row(electronic_booking_share(Q1), "2024-01-01", "electronic")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (9, 39, 23.1)
    year = electronic_booking_share(Filters(start="2024-01", grain="year"))
    assert _row(year, "2024-01-01", "electronic")["value"] == 23.1
    # No contacts in 2023: every month is there as 0 / 0 with no value.
    empty_year = electronic_booking_share(Filters(start="2023-01", end="2023-12"))
    assert len(empty_year) == 12 and (empty_year["denominator"] == 0).all()
    assert empty_year["value"].isna().all()


@pytest.mark.hand_computed("omaolo-palvelut")
def test_p023_omaolo_services(reporting_db):
    """Omaolo services are one point a year; a NULL is missing, not withheld; counts are exact."""
    load = CHARTS["omaolo-palvelut"].load
    frame = load(Filters(start="2022-01", end="2024-12", grain="quarter"))
    # One point per year: 2022 reported as NULL (missing, not suppressed), 2023 21,
    # 2024 3 (a count of services: shown although below 5); region 01's 40 is not here.
    assert sorted(frame["period"].dt.year) == [2022, 2023, 2024]
    services_2022 = _row(frame, "2022-01-01", "services")
    assert math.isnan(services_2022["value"]) and not services_2022["suppressed"]
    assert _row(frame, "2023-01-01", "services")["value"] == 21
    assert _row(frame, "2024-01-01", "services")["value"] == 3
    assert not frame["suppressed"].any()


def test_p024_every_new_chart_renders_on_the_fixture(reporting_db):
    """Every area 2-4 chart renders at each grain and view, or says why it is empty or partial."""
    # Data as of 30.6.2024: the year 2024 is incomplete, so at year grain (and at every
    # grain for the yearly figures) only 2023 can be shown. These charts have no data
    # in 2023 (shares of 2024 rows only). The reported e-forms are then empty at year
    # grain and say why; the two shares of contacts show 2023 as 0 / 0, withheld (a
    # period without anyone is drawn like one with a few).
    only_2024 = {"sahkoiset-lomakkeet-osuus"}
    contacts_2024 = {"kirjaamisen-laatu", "sahkoinen-ajanvaraus-osuus"}
    for chart_id in (
        "hyvinvointilahetteet",
        "liikuntalahetteet",
        "matalan-kynnyksen-ryhmat",
        "kirjaamisen-laatu",
        "sahkoiset-lomakkeet-osuus",
        "sahkoinen-ajanvaraus-osuus",
        "omaolo-palvelut",
    ):
        for grain in ("month", "quarter", "year"):
            payload = chart_payload(chart_id, Filters(start="2023-01", grain=grain), "fi")
            if grain == "year" and chart_id in contacts_2024:
                assert payload["table"]["rows"] and all(
                    cell == ".." for row in payload["table"]["rows"] for cell in row[1:]
                ), chart_id
                assert payload["partial_note"].startswith("Jakso 2024 ei ole mukana"), chart_id
                continue
            if grain == "year" and chart_id in only_2024:
                assert payload["empty"], chart_id
                # Electronic forms are reported for 7-9/2023 only (x001's rows): 3 of
                # the 12 months of 2023 do not make the year, so 2023 is left out too.
                left_out = "Jaksot 2023, 2024 eivät ole mukana"
                assert payload["partial_note"].startswith(left_out), chart_id
                continue
            assert not payload["empty"] and payload["figure"]["data"], (chart_id, grain)
            assert payload["table"]["rows"], (chart_id, grain)
        # Every other view the card offers (by unit, SPC) builds too. The run chart
        # needs 12 shown periods (charts.spc.MIN_POINTS): from 1/2023 to 6/2024 the two
        # referral charts have 18 months; the others have 1-9 shown periods in the
        # fixture, so their card draws the time series and says why.
        for view in available_views(CHARTS[chart_id]):
            payload = chart_payload(chart_id, Filters(start="2023-01"), "fi", view)
            drawn = view
            if view == "spc" and chart_id not in {"hyvinvointilahetteet", "liikuntalahetteet"}:
                drawn = "series"
                assert "vähintään 12" in payload["summary"], chart_id
            assert payload["view"] == drawn and payload["figure"]["data"], (chart_id, view)


def test_p030_reported_months_that_do_not_fill_a_period_mark_it_partial(reporting_db):
    """Reported months that do not fill a period mark it partial, and the chart leaves it out."""
    # Electronic forms are reported for 7/2023, 8/2023 and 9/2023 only (areas234) and
    # for 4-6/2024. Q3/2023 is filled by its three months: whole. The year 2023 has 3
    # of its 12 months: partial. Summed all the same (5.431 + 5.434 + 5.436 = 16.301
    # thousand forms), but complete_periods leaves the year out.
    forms = "sahkoiset-lomakkeet-osuus"
    quarter = reported_count(
        Filters(start="2023-07", end="2023-09", grain="quarter"), forms, "99",
        column="numerator",
    )  # fmt: skip
    assert quarter["partial"].tolist() == [False]
    year = reported_count(
        Filters(start="2023-01", end="2023-12", grain="year"), forms, "99",
        column="numerator",
    )  # fmt: skip
    assert year["partial"].tolist() == [True]
    assert round(year["value"][0], 3) == 16.301
    frame, _targets = chart_data(forms, Filters(start="2023-01", end="2023-12", grain="year"))
    assert frame.empty


# --- The plan indicators reported by the county (fixture rows 18..39) -------------------

H1 = Filters(start="2024-01", end="2024-06")


def _published_row(chart_id: str, filters: Filters, period: str, series: str) -> pd.Series:
    """One row of the chart's frame as served (protected, rounded as stated)."""
    frame, _targets = chart_data(chart_id, filters)
    return _row(frame, period, series)


@pytest.mark.hand_computed("tk-vastaanotto-saatavuus")
def test_p040_reception_days_are_averaged_not_summed(reporting_db):
    """Days to the third available appointment: a quarter is the mean of its reported
    months (a NULL month skipped), never their sum, and they are published as stated."""
    load = CHARTS["tk-vastaanotto-saatavuus"].load
    month = load(H1)
    # Months as reported: 12, 9, 6; April stored as NULL (missing at the source, not
    # withheld).
    assert [_row(month, f"2024-0{m}-01", "days")["value"] for m in (1, 2, 3)] == [12, 9, 6]
    april = _row(month, "2024-04-01", "days")
    assert math.isnan(april["value"]) and not april["suppressed"]
    quarter = load(Filters(start="2024-01", end="2024-06", grain="quarter"))
    # Q1: (12 + 9 + 6) / 3 = 9.0 days (their sum, 27, would be no number of days);
    # Q2: April's NULL is skipped, (8.5 + 7.5) / 2 = 8.0 days; its three stored months
    # fill the quarter, so it is not partial. Region 01's 40 days are not mixed in.
    assert _row(quarter, "2024-01-01", "days")["value"] == 9.0
    assert _row(quarter, "2024-04-01", "days")["value"] == 8.0
    assert quarter["partial"].tolist() == [False, False]
    # Days, not people: served exactly as computed (no rounding to multiples of 5).
    q1 = _published_row(
        "tk-vastaanotto-saatavuus", Filters(start="2024-01", end="2024-06", grain="quarter"),
        "2024-01-01", "days",
    )  # fmt: skip
    assert (q1["value"], q1["suppressed"]) == (9.0, False)


@pytest.mark.hand_computed("mielenterveyspalvelujen-saatavuus")
def test_p041_mental_health_access_share_of_people(reporting_db):
    """The mental-health access share sums clients over a quarter and is published from
    the rounded counts with the stored rows' cell keys."""
    load = CHARTS["mielenterveyspalvelujen-saatavuus"].load
    q1 = Filters(start="2024-01", end="2024-03", grain="quarter")
    exact = _row(load(q1), "2024-01-01", "share")
    # Q1 exact: (3 + 46 + 37) / (4 + 50 + 40) = 86 / 94 = 91.49 -> 91.5 %, keyed by the
    # rows' keys 25,000 + 26,000 + 27,000 = 78,000 (places 25..27); the numerator by
    # 3 * 78,000 + 524,287 * 3 rows = 1,806,861 mod 1,048,576 = 758,285.
    assert (exact["numerator"], exact["denominator"], exact["value"]) == (86, 94, 91.5)
    assert (exact["numerator_key"], exact["denominator_key"]) == (758_285, 78_000)
    # Published (m = 5): 94 = 18*5 + 4, 78,000 * 5 = 390,000 < 4 * 1,048,576 -> up to
    # 95; 86 = 17*5 + 1, 758,285 * 5 = 3,791,425 >= 1 * 1,048,576 -> down to 85;
    # 85 / 95 = 89.47 -> 89.5 %.
    published = _published_row("mielenterveyspalvelujen-saatavuus", q1, "2024-01-01", "share")
    assert (published["numerator"], published["denominator"], published["value"]) == (
        85, 95, 89.5)  # fmt: skip
    # January alone, 3 / 4 (key 25,000; numerator key 75,000 + 524,287 = 599,287):
    # 4 -> 125,000 < 4 * 1,048,576 -> 5; 3 -> 2,996,435 < 3 * 1,048,576 = 3,145,728
    # -> 5; 5 / 5 = 100.0 %, shown (the denominator is not published as 0).
    jan = _published_row("mielenterveyspalvelujen-saatavuus", H1, "2024-01-01", "share")
    assert (jan["numerator"], jan["denominator"], jan["value"]) == (5, 5, 100.0)
    assert not jan["suppressed"]


@pytest.mark.hand_computed("paihdepalvelujen-saatavuus")
def test_p042_substance_abuse_access_withholds_a_share_of_too_few(reporting_db):
    """The substance-abuse access share is withheld where its clients round to 0 and
    summed from the counts over a quarter."""
    month = CHARTS["paihdepalvelujen-saatavuus"].load(H1)
    # Exact January 2 / 2 with the row's key 500,000: 2 -> 2,500,000 >= 2 * 1,048,576
    # -> down to 0: the share rests on fewer than 5 people and is withheld.
    assert tuple(_row(month, "2024-01-01", "share")[["numerator", "denominator"]]) == (2, 2)
    jan = _published_row("paihdepalvelujen-saatavuus", H1, "2024-01-01", "share")
    assert jan["suppressed"] and math.isnan(jan["value"])
    assert (jan["numerator"], jan["denominator"]) == (0, 0)
    # March 28 / 30 (key 30,000; numerator key 90,000 + 524,287 = 614,287): 30 stays;
    # 28 = 25 + 3: 3,071,435 < 3 * 1,048,576 = 3,145,728 -> up to 30; 30 / 30 = 100 %.
    mar = _published_row("paihdepalvelujen-saatavuus", H1, "2024-03-01", "share")
    assert (mar["numerator"], mar["denominator"], mar["value"]) == (30, 30, 100.0)
    # Q1: (2 + 20 + 28) / (2 + 25 + 30) = 50 / 57, key 500,000 + 29,000 + 30,000 =
    # 559,000: 57 = 55 + 2, 2,795,000 >= 2 * 1,048,576 -> 55; the numerator 50 is a
    # multiple of 5 and stays. 50 / 55 = 90.91 -> 90.9 %.
    q1 = _published_row(
        "paihdepalvelujen-saatavuus", Filters(start="2024-01", end="2024-03", grain="quarter"),
        "2024-01-01", "share",
    )  # fmt: skip
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (50, 55, 90.9)


@pytest.mark.hand_computed("neuvola-laakarikaynnit-18kk-4v")
def test_p043_clinic_check_ups_quarterly(reporting_db):
    """Child-health clinic check-ups are shown per reported quarter, also when months
    are asked for, and published from the rounded counts of children."""
    for grain in ("month", "quarter"):
        frame, _targets = chart_data(
            "neuvola-laakarikaynnit-18kk-4v", Filters(start="2024-01", end="2024-06", grain=grain)
        )
        # Stored per quarter (min_grain): one point per quarter at any finer grain.
        assert frame["period"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01")]
        # Q1 180 / 200 (multiples of 5: as they are) = 90.0 %; region 01 is not mixed in.
        q1 = _row(frame, "2024-01-01", "share")
        assert (q1["numerator"], q1["denominator"], q1["value"]) == (180, 200, 90.0)
        # Q2 96 / 103 (key 32,000; numerator key 96,000 + 524,287 = 620,287):
        # 103 = 100 + 3: 160,000 < 3 * 1,048,576 -> 105; 96 = 95 + 1: 3,101,435 >=
        # 1,048,576 -> 95; 95 / 105 = 90.48 -> 90.5 % (exactly 93.2 %).
        q2 = _row(frame, "2024-04-01", "share")
        assert (q2["numerator"], q2["denominator"], q2["value"]) == (95, 105, 90.5)


@pytest.mark.hand_computed("lene-maaraajassa")
def test_p044_lene_assessments_on_time(reporting_db):
    """Lene assessments on time are a quarterly share of children, small counts rounded,
    and the year 2024 is not shown before it has ended."""
    quarter = Filters(start="2024-01", end="2024-06", grain="quarter")
    exact = _row(CHARTS["lene-maaraajassa"].load(quarter), "2024-01-01", "share")
    assert (exact["numerator"], exact["denominator"], exact["value"]) == (7, 9, 77.8)
    # Q1 7 / 9 (key 34,000; numerator key 102,000 + 524,287 = 626,287): 9 = 5 + 4:
    # 170,000 < 4 * 1,048,576 -> 10; 7 = 5 + 2: 3,131,435 >= 2 * 1,048,576 -> 5;
    # 5 / 10 = 50.0 %. Q2 190 / 200 = 95.0 % as it is.
    q1 = _published_row("lene-maaraajassa", quarter, "2024-01-01", "share")
    assert (q1["numerator"], q1["denominator"], q1["value"]) == (5, 10, 50.0)
    assert _published_row("lene-maaraajassa", quarter, "2024-04-01", "share")["value"] == 95.0
    # At year grain 2024 would be Q1 + Q2 only, and the data end on 30.6.2024: nothing.
    year, _targets = chart_data("lene-maaraajassa", Filters(start="2024-01", grain="year"))
    assert year.empty


@pytest.mark.hand_computed("tyottomien-tuki-asiakkaat")
def test_p045_supported_unemployed_clients_yearly(reporting_db):
    """Supported unemployed clients are one rounded count a year, the year not ended
    left out, against the year's target."""
    load = CHARTS["tyottomien-tuki-asiakkaat"].load
    exact = load(Filters(start="2022-01", end="2024-12", grain="quarter"))
    # One point per year: 2022 47, 2023 83, 2024 60; region 01's 500 is not here.
    assert exact["value"].tolist() == [47, 83, 60]
    frame, _targets = chart_data("tyottomien-tuki-asiakkaat", Filters(start="2022-01"))
    # Clients are people, rounded: 2022 47 = 45 + 2 with key 36,000: 180,000 <
    # 2 * 1,048,576 -> 50; 2023 83 = 80 + 3 with key 900,000: 4,500,000 >= 3 * 1,048,576
    # -> 80. 2024 has not ended on 30.6.2024: left out.
    assert frame["value"].tolist() == [50, 80]
    assert frame["period"].dt.year.tolist() == [2022, 2023]
    payload = chart_payload("tyottomien-tuki-asiakkaat", Filters(start="2022-01"), "fi")
    # The 2023 target is >= 80 clients (targets.csv): the published 80 reads as met,
    # but a published 80 is a true 76 .. 84 (m = 5), and 76 < 80: the judgement cannot
    # be confirmed (the true 83 does meet it, which the figures cannot show). The
    # change from 2022 is 80 - 50 = +30.
    assert payload["table"]["rows"] == [["2022", "50"], ["2023", "80"]]
    assert payload["summary"] == (
        "Viimeisin arvo 2023: 80. Vuotta aiemmin 50 (muutos +30). Tavoitteen ≥ 80 "
        "toteutumista ei voi todeta: luvut on pyöristetty 5:n monikertoihin, joten "
        "todellinen arvo voi olla tavoitteen kummalla puolella tahansa. "
        "Jakso 2024 ei ole mukana, koska tiedot tai valitut kuukaudet kattavat siitä vain osan."
    )
