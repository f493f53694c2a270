"""``GET /api/indicators/<indicator>/values.json``: stored figures read back, with counts
of people published by fixed random rounding (m = 5) and published statistics exact;
errors as JSON in the asked language."""

from __future__ import annotations

import pandas as pd
import pytest

from app import app as dash_app
from queries.figure_values import published_figures
from tests.conftest import reporting_db_fixture
from tests.fixtures import imported_figures

reporting_db = reporting_db_fixture(imported_figures)

# Working, with m = 5 and 2**20 = 1048576 (queries.privacy.published_count): a count
# n = 5q + r is rounded up to 5q + 5 when key · 5 < r · 1048576, i.e. key < r · 209715.2,
# else down to 5q. A row's denominator key is its record key k, its numerator key
# (3k + 524287) mod 1048576 (queries.indicator_values).
#
# 2022 (Sotkanet): exact, 3.4 and 9 as stored.
# 2023: a rate without counts, as stored: 4.2.
# 2024 year, k = 100000: denominator 8 = 5 + 3, 100000 < 629145.6 -> 10; numerator key
#   (300000 + 524287) = 824287, numerator 7 = 5 + 2, 824287 >= 419430.4 -> 5;
#   value 100 · 5 / 10 = 50.0 (stored 87.5 is not served).
# 2024-Q3 quarter, k = 900000: denominator 12 = 10 + 2, 900000 >= 419430.4 -> 10;
#   10 >= 2m = 10, so the median 14.0 is kept.
# 2024-07 month, k = 700000: denominator 3, 700000 >= 629145.6 -> 0; numerator key
#   (2100000 + 524287) mod 1048576 = 527135, numerator 1, 527135 >= 209715.2 -> 0;
#   published denominator 0: the value is withheld (small_denominator), counts 0 and 0.
EXPECTED_COUNTY = [
    {"period": "2022", "period_start": "2022-01-01", "grain": "year", "value": 3.4,
     "numerator": 9, "denominator": None, "source": "THL / Sotkanet, CC BY 4.0; indikaattori 4",
     "retrieved_on": None, "suppressed": False, "suppression_reason": None},
    {"period": "2023", "period_start": "2023-01-01", "grain": "year", "value": 4.2,
     "numerator": None, "denominator": None, "source": "Raportti 2024",
     "retrieved_on": None, "suppressed": False, "suppression_reason": None},
    {"period": "2024", "period_start": "2024-01-01", "grain": "year", "value": 50,
     "numerator": 5, "denominator": 10, "source": "Raportti 2024",
     "retrieved_on": None, "suppressed": False, "suppression_reason": None},
    {"period": "2024-Q3", "period_start": "2024-07-01", "grain": "quarter", "value": 14,
     "numerator": None, "denominator": 10, "source": "Raportti 2024",
     "retrieved_on": None, "suppressed": False, "suppression_reason": None},
    {"period": "2024-07", "period_start": "2024-07-01", "grain": "month", "value": None,
     "numerator": 0, "denominator": 0, "source": "Raportti 2024",
     "retrieved_on": None, "suppressed": True, "suppression_reason": "small_denominator"},
]  # fmt: skip


@pytest.fixture
def api(reporting_db):
    return dash_app.server.test_client()


def test_fa001_county_rows_exact_protected_and_withheld(api):
    """The county's rows (the default): published statistics exact, counts rounded, one withheld."""
    answer = api.get("/api/indicators/tuotu-osuus/values.json")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["indicator"], body["region"], body["min_count"]) == ("tuotu-osuus", "99", 5)
    assert body["rows"] == EXPECTED_COUNTY
    assert body["credit"] == "THL / Sotkanet, CC BY 4.0"


def test_fa002_another_region_and_no_credit_without_sotkanet_rows(api):
    """?region= picks a municipality's rows; a rate given with its count (no chart) is
    withheld; without Sotkanet rows there is no credit."""
    body = api.get("/api/indicators/tuotu-osuus/values.json?region=091").get_json()
    # 2023, k = 4000: numerator key 12000 + 524287 = 536287, numerator 3 = 0 + 3,
    # 536287 < 629145.6 -> 5; the rate 0.3 rests on that count: withheld.
    # 2024: a rate without counts, as stored.
    assert [
        (r["period"], r["value"], r["numerator"], r["suppression_reason"]) for r in body["rows"]
    ] == [("2023", None, 5, "small_denominator"), ("2024", 9.9, None, None)]
    assert "credit" not in body


def test_fa003_chart_rules_count_of_people_and_exact_counts(api):
    """An indicator with a chart follows it: jonot's count is rounded, omaolo-palvelut's exact."""
    # jonot, k = 100000: 7 = 5 + 2, 100000 < 419430.4 -> 10.
    jonot = api.get("/api/indicators/jonot/values.json").get_json()["rows"]
    assert [(r["period"], r["value"]) for r in jonot] == [("2024", 10)]
    # omaolo-palvelut counts services, not people: 3 as stored.
    omaolo = api.get("/api/indicators/omaolo-palvelut/values.json").get_json()["rows"]
    assert [(r["period"], r["value"]) for r in omaolo] == [("2024", 3)]


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/api/indicators/ei-ole/values.json?lang=en", 404,
         "The request was not served, because there are no stored figures of the indicator "
         "\u201dei-ole\u201d."),
        ("/api/indicators/Ei%20muoto/values.json?lang=en", 404,
         "The request was not served, because there are no stored figures of the indicator "
         "\u201dEi muoto\u201d."),
        ("/api/indicators/tuotu-osuus/values.json?region=TA01&lang=en", 404,
         "The request was not served, because there are no figures of the indicator "
         "\u201dtuotu-osuus\u201d for the region \u201dTA01\u201d."),
        ("/api/indicators/tuotu-osuus/values.json?region=00&lang=sv", 400,
         "Begäran besvarades inte, eftersom områdeskoden \u201d00\u201d inte duger. Använd "
         "välfärdsområdets kod (två siffror, till exempel 15), kommunens kod (tre siffror), "
         "hela landets kod SSS eller en enhets id."),
        ("/api/indicators/tuotu-osuus/values.json?regio=99&lang=en", 400,
         "The request was not served, because the parameter \u201dregio\u201d is not "
         "recognised (recognised: region, lang)."),
        ("/api/indicators/tuotu-osuus/values.json?region=99&region=091", 400,
         "Pyyntöä ei palveltu, koska siinä on useampi alue (region). Kysy yhden alueen "
         "lukuja kerrallaan."),
    ],
)  # fmt: skip
def test_fa004_errors_in_the_asked_language(api, path, status, error):
    """Unknown indicator, region without rows, bad region, unknown parameter, two regions:
    JSON errors."""
    answer = api.get(path)
    assert answer.status_code == status
    assert answer.get_json() == {"error": error}


@pytest.mark.hand_computed("matalan-kynnyksen-ryhmat")
def test_fa005_a_numerator_is_one_published_count_in_the_api_and_the_chart(api):
    """A row's numerator (participants) is published with the numerator's key by the API
    and by the chart alike: one count, one published number."""
    # k = 100000: participants 7 = 5 + 2 with the numerator key 824287 >= 419430.4 -> 5
    # (with the row key 100000 < 419430.4 it would have been 10). Groups 3: exact.
    chart = "matalan-kynnyksen-ryhmat"
    body = api.get(f"/api/indicators/{chart}/values.json").get_json()
    assert [(r["period"], r["value"], r["numerator"]) for r in body["rows"]] == [("2023", 3, 5)]
    query = "from=2023-01&to=2023-12&grain=year"
    drawn = api.get(f"/api/charts/{chart}/data.json?{query}").get_json()
    assert sorted((r["series"], r["value"]) for r in drawn["rows"]) == [
        ("groups", 3),
        ("participants", 5),
    ]


def test_fa006_a_recomputed_share_is_stated_with_its_decimals_half_up(api):
    """A share recomputed from published counts is served rounded, not as 66.666…"""
    body = api.get("/api/indicators/tuotu-osuus/values.json?region=837").get_json()
    # Counts 10/15 and 5/80 are multiples of m = 5: published as they are (a count
    # 5q + 0 is never rounded up). No chart: one decimal.
    # 100 · 10 / 15 = 66.666… -> 66.7; 100 · 5 / 80 = 6.25 exactly -> 6.3 (half up, not
    # the 6.2 of rounding half to even).
    assert [(r["period"], r["value"], r["numerator"], r["denominator"]) for r in body["rows"]] == [
        ("2023", 66.7, 10, 15),
        ("2024", 6.3, 5, 80),
    ]


@pytest.mark.unit
def test_fa007_published_figures_state_a_share_with_the_given_decimals():
    """The chart's decimals decide the places of a recomputed share (0 and 2 here)."""
    rows = pd.DataFrame(
        {
            "period_start": [pd.Timestamp("2024-01-01").date()] * 2,
            "period_grain": ["year", "year"],
            "value": [66.7, 6.25],
            "numerator": [10.0, 5.0],
            "denominator": [15.0, 80.0],
            "source": ["s", "s"],
            "retrieved_on": [None, None],
            "published": [False, False],
            "record_key": [3, 4],
        }
    )
    # 66.666… -> 67 and 6.25 -> 6 with no decimals; 66.67 and 6.25 with two.
    whole = published_figures(rows, 5, exact=False, value_is_people=False, decimals=0)
    assert whole["value"].tolist() == [67.0, 6.0]
    two = published_figures(rows, 5, exact=False, value_is_people=False, decimals=2)
    assert two["value"].tolist() == [66.67, 6.25]


def _served(api, indicator):
    rows = api.get(f"/api/indicators/{indicator}/values.json").get_json()["rows"]
    return [
        (r["period"], r["value"], r["numerator"], r["denominator"], r["suppression_reason"])
        for r in rows
    ]


@pytest.mark.hand_computed("tyottomien-tuki-asiakkaat")
def test_fa008_a_count_of_people_with_a_denominator_is_still_rounded(api):
    """A value the chart draws as a count of people is published as a count even when its
    row has a denominator (it is no median)."""
    # k = 100000: value 3 = 0 + 3, 100000 < 3 · 209715.2 = 629145.6 -> 5 (not 3);
    # denominator 40 = 8 · 5 + 0: 40.
    assert _served(api, "tyottomien-tuki-asiakkaat") == [("2026-01", 5, None, 40, None)]


@pytest.mark.hand_computed("tk-vastaanotto-saatavuus")
def test_fa009_a_chart_in_days_rounds_its_counts_and_keeps_a_median_on_2m(api):
    """Under a chart in days (counts_people=False) the counts are people and the value
    follows the median rule: no exact median of one person."""
    # 2026-01, k = 100000: denominator 1 = 0 + 1, 100000 < 209715.2 -> 5; 5 < 2m = 10:
    #   the median 41 is withheld.
    # 2026-02, k = 3: denominator 10 (a multiple of 5) -> 10 >= 10: the median 20 kept.
    assert _served(api, "tk-vastaanotto-saatavuus") == [
        ("2026-01", None, None, 5, "small_denominator"),
        ("2026-02", 20, None, 10, None),
    ]


@pytest.mark.hand_computed("lene-maaraajassa")
def test_fa010_a_rate_with_its_count_under_a_share_chart_is_withheld(api):
    """A value given with a numerator and no denominator is withheld unless the chart
    draws the value exactly (fa005's groups) or as a count of people."""
    # k = 100000: numerator key (300000 + 524287) = 824287, numerator 1 = 0 + 1,
    # 824287 >= 209715.2 -> 0; the rate 2.5 rests on that count: withheld.
    assert _served(api, "lene-maaraajassa") == [("2026-01", None, 0, None, "small_denominator")]


@pytest.mark.hand_computed("sahkoiset-lomakkeet-osuus")
def test_fa011_a_chart_counting_forms_serves_its_rows_exactly(api):
    """A chart that counts things other than people (forms, percent) serves rows as stored."""
    # Forms, not people: 75, 3 and 4 as stored, nothing rounded (2026-02: fa013).
    assert _served(api, "sahkoiset-lomakkeet-osuus")[0] == ("2026-01", 75, 3, 4, None)


def test_fa012_a_value_missing_at_the_source_is_served_suppressed_with_its_reason(api):
    """A stored NULL value (Sotkanet's `..`, an empty cell) is served suppressed "at_source"."""
    body = api.get("/api/indicators/tuotu-puuttuva/values.json?lang=en").get_json()
    # 2023 (Sotkanet, exact): nothing to round. 2024, k = 100000: denominator 20 (a
    # multiple of 5) -> 20; the value was never there: at_source, not small_denominator.
    assert [
        (r["period"], r["value"], r["denominator"], r["suppressed"], r["suppression_reason"])
        for r in body["rows"]
    ] == [("2023", None, None, True, "at_source"), ("2024", None, 20, True, "at_source")]
    assert body["credit"] == "THL / Sotkanet, CC BY 4.0"


@pytest.mark.hand_computed("sahkoiset-lomakkeet-osuus")
def test_fa013_an_exact_chart_marks_its_missing_values_at_the_source(api):
    """Under a chart served exactly, a month without a value is suppressed at the source too."""
    # 2026-01 as in fa011; 2026-02 stored without value or counts.
    assert _served(api, "sahkoiset-lomakkeet-osuus") == [
        ("2026-01", 75, 3, 4, None),
        ("2026-02", None, None, None, "at_source"),
    ]


@pytest.mark.unit
def test_fa014_the_at_source_reason_has_its_own_text_in_every_language():
    """reason_text says "missing at the source" for at_source, not the small-count clause."""
    from charts.summary import reason_text

    assert reason_text("at_source", "fi") == "se oli salattu tai puuttui jo lähteessä"
    assert reason_text("at_source", "sv") == "det var dolt eller saknades redan i källan"
    assert reason_text("at_source", "en") == "it was suppressed or missing at the source"
