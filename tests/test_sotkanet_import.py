"""Sotkanet's responses imported end to end: read (reporting.figures.sotkanet), written
(reporting.figures.store.write_figures) into a throw-away database on both engines and
read back through ``GET /api/indicators/<id>/values.json`` as the published numbers.

Published statistics from Sotkanet are exact (the design's "Reading back": a source
starting with SOTKANET_CREDIT is not perturbed), so every number here is the file's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app import app as dash_app
from queries.engine import dispose_engines
from reporting.figures import store
from reporting.figures.rows import SOTKANET_CREDIT, ImportRefused
from reporting.figures.sotkanet import read_sotkanet
from settings import configure, get_settings
from tests.conftest import fresh_reporting_db, use_reporting_db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sotkanet"
REGIONS = (FIXTURES / "regions.json").read_bytes()
RETRIEVED = date(2025, 3, 14)
MAP = {4: "hoitotakuu-7vrk"}
SOURCE_4 = "THL / Sotkanet, CC BY 4.0 (indikaattori 4)"
SOURCE_5 = "THL / Sotkanet, CC BY 4.0 (indikaattori 5)"


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db(request, reporting_database, tmp_path) -> Iterator[str]:
    """A fresh reporting database (units, targets, load metadata; no figures) the app
    reads; yields its URL. Fresh per test: the tests write into it."""
    original = get_settings()
    # Data to the end of 2024: the files' year 2024 is whole, so the charts show it.
    url = fresh_reporting_db(request.param, request, "2024-12-31")
    use_reporting_db(url)
    with dash_app.server.app_context():
        yield url
    dispose_engines()
    configure(original)


def _import(url: str, name: str):
    content = (FIXTURES / name).read_bytes()
    read = read_sotkanet(content, name, REGIONS, retrieved_on=RETRIEVED, indicator_ids=MAP)
    return store.write_figures(url, read.figures, file_name=name, content=content)


def _rows(indicator: str, region: str) -> list[tuple]:
    response = dash_app.server.test_client().get(
        f"/api/indicators/{indicator}/values.json?region={region}"
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["indicator"], body["region"]) == (indicator, region)
    assert body.get("credit") == SOTKANET_CREDIT
    return [
        (
            row["period"],
            row["period_start"],
            row["grain"],
            row["value"],
            row["numerator"],
            row["denominator"],
            row["source"],
            row["retrieved_on"],
        )
        for row in body["rows"]
    ]


# The published rows of tests/fixtures/sotkanet/response.json (and .csv), written out
# from the file: indicator 4 (mapped to hoitotakuu-7vrk) and 5 (sotkanet-5), gender
# total; Sotkanet region 961 is county "01", 967 "10", 965 "15", 964 "18", 231 the
# municipality "434", 658 the whole country "SSS".
EXPECTED = {
    ("hoitotakuu-7vrk", "01"): [
        # 2023: ".." in both value and absValue -> suppressed
        ("2023", "2023-01-01", "year", None, None, None, SOURCE_4, "2025-03-14"),
        ("2024", "2024-01-01", "year", 61.5, 1230, None, SOURCE_4, "2025-03-14"),
    ],
    ("hoitotakuu-7vrk", "10"): [
        ("2024", "2024-01-01", "year", 58.2, 2104, None, SOURCE_4, "2025-03-14"),
    ],
    # value null, no absValue
    ("hoitotakuu-7vrk", "15"): [
        ("2024", "2024-01-01", "year", None, None, None, SOURCE_4, "2025-03-14"),
    ],
    # only absValue: the count is published, the value is not
    ("hoitotakuu-7vrk", "18"): [
        ("2024", "2024-01-01", "year", None, 87, None, SOURCE_4, "2025-03-14"),
    ],
    ("hoitotakuu-7vrk", "SSS"): [
        ("2024", "2024-01-01", "year", 63.1, 41250, None, SOURCE_4, "2025-03-14"),
    ],
    ("hoitotakuu-7vrk", "434"): [
        ("2024", "2024-01-01", "year", 64.0, 310, None, SOURCE_4, "2025-03-14"),
    ],
    ("sotkanet-5", "01"): [
        ("2024", "2024-01-01", "year", 12.25, 45, None, SOURCE_5, "2025-03-14"),
    ],
}


def test_si001_json_response_reads_back_as_the_published_numbers(empty_db):
    """An imported Sotkanet JSON response reads back through the API exactly as published."""
    summary = _import(empty_db, "response.json")
    # 8 kept rows (7 of indicator 4, 1 of 5); male/female and the maakunta are not written.
    assert (summary.added, summary.replaced, summary.unchanged) == (8, 0, 0)
    assert set(summary.indicators) == {"hoitotakuu-7vrk", "sotkanet-5"}
    for (indicator, region), rows in EXPECTED.items():
        assert _rows(indicator, region) == rows, (indicator, region)


def test_si002_csv_response_reads_back_alike_and_repeats_the_json_idempotently(empty_db):
    """The CSV response gives the same numbers; imported after the JSON it changes nothing."""
    summary = _import(empty_db, "response.csv")
    assert (summary.added, summary.replaced, summary.unchanged) == (8, 0, 0)
    for (indicator, region), rows in EXPECTED.items():
        assert _rows(indicator, region) == rows, (indicator, region)
    # The JSON holds the same figures with the same source: nothing new, nothing replaced.
    again = _import(empty_db, "response.json")
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 8)
    assert _rows("hoitotakuu-7vrk", "01") == EXPECTED[("hoitotakuu-7vrk", "01")]


def test_si003_a_malformed_response_writes_nothing_and_names_the_line(empty_db):
    """A CSV response with a bad line is refused at that line and nothing is stored."""
    content = (FIXTURES / "response.csv").read_bytes().replace(b"4;967;2024", b"4;9670;2024")
    with pytest.raises(ImportRefused) as caught:
        read = read_sotkanet(
            content, "response.csv", REGIONS, retrieved_on=RETRIEVED, indicator_ids=MAP
        )
        store.write_figures(empty_db, read.figures, file_name="response.csv", content=content)
    # Line 3 of response.csv is 4;967;2024;total;58.2;2104; 9670 is no region id.
    assert caught.value.texts("fi") == [
        "Rivi 3: Alueen id 9670 ei ole alueluettelossa. Hae alueluettelo (/regions) samalla "
        "kertaa kuin luvut."
    ]
    response = dash_app.server.test_client().get(
        "/api/indicators/hoitotakuu-7vrk/values.json?region=01"
    )
    assert 400 <= response.status_code < 500


@pytest.mark.hand_computed("hoitotakuu-7vrk")
@pytest.mark.parametrize("name", ["response.json", "response.csv"])
def test_si004_chart_api_reads_back_the_published_numbers(empty_db, name):
    """Sotkanet's JSON or CSV imported under a chart's id is the chart's peer context in
    /api/charts/<id>/data.json: the published country, least and greatest values exactly."""
    _import(empty_db, name)
    client = dash_app.server.test_client()
    chart = "hoitotakuu-7vrk"
    query = f"from=2024-01&to=2024-12&grain=year&peers={chart}"
    answer = client.get(f"/api/charts/{chart}/data.json?{query}").get_json()
    assert answer["peers"]["credit"] == SOTKANET_CREDIT
    got = [
        (row["period"], row["country"], row["own"], row["minimum"], row["q1"], row["q3"],
         row["maximum"], row["counties"])
        for row in answer["peers"]["rows"]
    ]  # fmt: skip
    # The file's 2024 totals of indicator 4 (the same rows in both files): the country
    # (id 658) 63.1 and the counties 01 (961) 61.5 and 10 (967) 58.2 as published; 15
    # (965) empty and 18 (964) absolute value only are suppressed and not counted; the
    # municipality (231) and the maakunta (587) are no counties; the county itself (99)
    # is not in the file. Quartiles of 58.2, 61.5 (linear, n - 1 = 1): Q1 58.2 + 0.25 ·
    # 3.3 = 59.025 -> 59.0, Q3 58.2 + 0.75 · 3.3 = 60.675 -> 60.7 (one decimal, the chart's).
    assert got == [("2024-01-01", 63.1, None, 58.2, 59.0, 60.7, 61.5, 2)]
