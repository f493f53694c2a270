"""HTTP API and health endpoints, on both engines."""

from __future__ import annotations

from dataclasses import replace

from charts.areas import INVESTMENT_AREAS
from queries.engine import dispose_engines
from settings import configure, get_settings


def test_a001_catalog_lists_a_chart_per_area(client):
    """The catalog lists charts for every investment area, with data URLs that keep the language."""
    body = client.get("/api/charts").get_json()
    areas = {chart["area"] for chart in body["charts"]}
    assert areas == {area.slug for area in INVESTMENT_AREAS}
    first = next(c for c in body["charts"] if c["id"] == "digiasiointi-osuus")
    assert first["data_url"] == "/api/charts/digiasiointi-osuus/data.json"
    assert first["unit"] == "percent" and "R60" in first["definition"]
    # A Swedish catalog's data URLs answer in Swedish too.
    swedish = client.get("/api/charts?lang=sv").get_json()["charts"]
    entry = next(c for c in swedish if c["id"] == "digiasiointi-osuus")
    assert entry["data_url"] == "/api/charts/digiasiointi-osuus/data.json?lang=sv"
    assert entry["csv_url"] == "/api/charts/digiasiointi-osuus/data.csv?lang=sv"


def test_a002_data_json_returns_hand_computed_numbers(client):
    """The JSON data gives hand-computed published shares, counts, data date and targets."""
    response = client.get("/api/charts/hoitotakuu-7vrk/data.json?from=2024-01&to=2024-02")
    assert response.status_code == 200
    body = response.get_json()
    rows = {(r["period"], r["series"]): r for r in body["rows"]}
    # Published (docs/privacy.md), from tests/fixtures/foundation.py with the default
    # keys 1000 × contact id: 2024-01 is 8 / 14. The 8 within 7 days are contacts 1..5
    # (TA01) and 19..21 (TA02): key 1000 × 75 = 75,000; 8 = 5 + 3 and 75,000·5 =
    # 375,000 < 3·1,048,576 -> up to 10. The 14 visits, 1..10 and 19..22: key 137,000;
    # 14 = 10 + 4 and 685,000 < 4·1,048,576 -> up to 15. 100 × 10 / 15 = 66.7 %.
    # 2024-02: 25 / 30, multiples of 5, stay: 83.3 %.
    assert rows[("2024-01-01", "within_days")]["value"] == 66.7
    assert rows[("2024-01-01", "within_days")]["numerator"] == 10
    assert rows[("2024-01-01", "within_days")]["denominator"] == 15
    assert rows[("2024-02-01", "within_days")]["numerator"] == 25
    assert body["data_as_of"] == "2024-04-30" and body["synthetic"] is True
    assert body["targets"][0] == {
        "kind": "programme_target",
        "age_min": 0,
        "age_max": 150,
        "valid_from": "2025-10-01",
        "valid_to": None,
        "value": 80.0,
        "comparison": ">=",
        "source": body["targets"][0]["source"],
    }


def test_a003_small_counts_are_rounded_and_a_withheld_share_is_null_in_json(client):
    """Small counts are published rounded; a share resting on a published 0 is null and withheld."""
    body = client.get(
        "/api/charts/hoitotakuu-7vrk/data.json?from=2024-01&to=2024-01&unit=TA02"
    ).get_json()
    # TA02 1/2024: 3 of 4 visits, rounded to 5 / 5 (test_queries.test_q003): shown.
    (row,) = body["rows"]
    assert (row["numerator"], row["denominator"], row["value"]) == (5, 5, 100.0)
    assert row["suppressed"] is False and row["suppression_reason"] is None
    # TA03 3/2024: no access-type visits, so the assessment share rests on a published
    # 0: the value is null and withheld, its counts are served as published (0 and 0).
    body = client.get(
        "/api/charts/kirjaamisen-laatu/data.json?from=2024-03&to=2024-03&unit=TA03"
    ).get_json()
    (row,) = [r for r in body["rows"] if r["series"] == "assessment_recorded"]
    assert row["suppressed"] is True and row["suppression_reason"] == "small_denominator"
    assert row["value"] is None and (row["numerator"], row["denominator"]) == (0, 0)


def test_a004_bad_filters_400_in_finnish_and_unknown_chart_404(client):
    """A bad filter is a 400, an unknown chart a 404, each with a Finnish reason naming it."""
    # Every refusal says the request was not served, why, and names the value.
    bad = client.get("/api/charts/hoitotakuu-7vrk/data.json?grain=week")
    assert bad.status_code == 400
    assert bad.get_json() == {
        "error": "Pyyntöä ei palveltu, koska osa rajauksista ei kelpaa: Aikataso \u201dweek\u201d "
        "ei kelpaa: sen pitää olla kuukausi (month), neljännes (quarter) tai vuosi (year)."
    }
    missing = client.get("/api/charts/ei-ole/data.json")
    assert missing.status_code == 404
    assert missing.get_json() == {
        "error": "Pyyntöä ei palveltu, koska kuvaajaa \u201dei-ole\u201d ei ole."
    }


def test_a004c_unknown_parameters_are_refused_not_ignored(client):
    """A misspelt filter (units=, unit[]=) is refused with 400, in JSON, CSV and XLSX
    alike, instead of answering with the whole county."""
    for extension in ("json", "csv", "xlsx"):
        url = f"/api/charts/jonot/data.{extension}?units=TA11&unit%5B%5D=TA12"
        bad = client.get(url)
        assert bad.status_code == 400, extension
        assert bad.get_json() == {
            "error": "Pyyntöä ei palveltu, koska parametria \u201dunit[]\u201d, \u201dunits\u201d "
            "ei tunneta (tunnetut: from, to, grain, unit, service, lang, view, phase, fold, embed, "
            "peers)."
        }


def test_a004b_refused_values_are_named_quoted_and_cut(client):
    """Refused values are all named, quoted as text, and long ones cut to 40 characters."""
    # A markup-like month is repeated as text in quotes (JSON is not HTML; Dash escapes
    # text on pages); two bad services are both named, with what the parameter allows
    # in words and codes; a 45-character unit code is cut to 40 characters and "…".
    long_code = "A" * 44 + "!"  # 45 characters, "!" not allowed in a node id
    query = "from=<b>x</b>&service=teeth&service=eyes&unit=" + long_code + "&unit=a%0Ab"
    body = client.get("/api/charts/jonot/data.json?" + query).get_json()
    assert body == {
        "error": "Pyyntöä ei palveltu, koska osa rajauksista ei kelpaa: "
        "Alkukuukausi \u201d<b>x</b>\u201d ei ole muotoa VVVV-KK (esim. 2024-01). "
        "Alueen, kunnan tai yksikön tunnus (unit) \u201d" + "A" * 40 + "…\u201d, "
        "\u201da\ufffdb\u201d ei kelpaa: sallittuja merkkejä ovat kirjaimet, numerot, - ja _ "
        "(esim. TA01, municipality-901 tai area-keskinen-palvelualue). "
        "Palvelu \u201dteeth\u201d, \u201deyes\u201d ei kelpaa: sen pitää olla jokin näistä: "
        "Suun terveydenhuolto (oral_health), Mielenterveyspalvelut (mental_health), "
        "Päihdepalvelut (substance_abuse), Perhekeskus (family_centre), "
        "Terveysaseman vastaanotto (primary_care)."
    }


def test_a005_county_total_chart_ignores_unit_filter(client):
    """A county-total chart ignores the unit filter and leaves out a quarter the data end inside."""
    body = client.get(
        "/api/charts/hoitotakuuseuranta-kattavuus/data.json?unit=TA01&grain=quarter"
    ).get_json()
    # The county: no node and no units (the chart does not take the unit filter).
    assert (body["filters"]["unit"], body["filters"]["units"]) == (None, [])
    # County 99, Q1/2024: 6 / 12 = 50 %; Q2/2024 (9 / 12) is left out: the data end on
    # 30.4.2024, inside the quarter. The chart states whole percents (decimals=0).
    assert [row["value"] for row in body["rows"]] == [50]


def test_a006_health_and_readiness(client, tmp_path):
    """Health stays 200 when the reporting database is missing; readiness then answers 503."""
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    original = get_settings()
    try:
        dispose_engines()
        configure(replace(original, reporting_db_url=f"duckdb:///{tmp_path}/missing.duckdb"))
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
    finally:
        dispose_engines()
        configure(original)
