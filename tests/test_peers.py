"""The peer context of a chart with a national counterpart (``queries.peers``,
``charts.figures.peers``, the payload, the data API and the text alternative), on the
hand-made fixture ``tests/fixtures/peers.py`` in DuckDB and PostgreSQL.

The quartiles are ``percentile_cont``'s: over n values sorted ascending v[0..n-1], the
p-th lies at position p * (n - 1); between v[floor] and v[ceil] it is interpolated
linearly, v[floor] + fraction * (v[ceil] - v[floor]).

2023, seven counties sorted: 50, 55, 58, 60, 62, 66, 71 (n = 7, n - 1 = 6).
  Q1 at 0.25 * 6 = 1.5: 55 + 0.5 * (58 - 55) = 56.5.
  Q3 at 0.75 * 6 = 4.5: 62 + 0.5 * (66 - 62) = 64.0.
  least 50, greatest 71, country 61.2, the county's own (99) 60.0.
2024, county 03 NULL (no value: not counted), 90 in; sorted: 52, 57, 61, 63.5, 64,
  67, 75 (n = 7; the municipality 091's 99 and the unit TA01's 1 are not counties).
  Q1 at 1.5: 57 + 0.5 * (61 - 57) = 59.0.
  Q3 at 4.5: 64 + 0.5 * (67 - 64) = 65.5.
  least 52, greatest 75, country 63.0, own 63.5.
2022 (01: 10.0) lies outside the window 2023-01 .. 2024-12.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import tests.fixtures.peers
from charts.figures.peers import PEERS_META
from charts.payload import chart_payload
from queries.engine import dispose_engines
from queries.filters import Filters
from queries.peers import PEER_COLUMNS, peer_credit, peer_values
from reporting.figures import store
from reporting.figures.sotkanet import read_sotkanet
from settings import configure, get_settings
from tests.conftest import fresh_reporting_db, reporting_db_fixture, use_reporting_db
from tests.fixtures.common import base_tables, create_fixture_db
from tests.fixtures.peers import OWN_SOURCE, SOTKANET

reporting_db = reporting_db_fixture(tests.fixtures.peers)

CHART = "hoitotakuu-7vrk"
WINDOW = Filters(start="2023-01", end="2024-12", grain="year")
# period, country, own, least, Q1, Q3, greatest, counties (worked out above)
EXPECTED = [
    (pd.Timestamp("2023-01-01"), 61.2, 60.0, 50.0, 56.5, 64.0, 71.0, 7),
    (pd.Timestamp("2024-01-01"), 63.0, 63.5, 52.0, 59.0, 65.5, 75.0, 7),
]


@pytest.mark.hand_computed(CHART)
def test_pe001_peer_values_are_the_hand_computed_quartiles(reporting_db):
    """Country, own value, least, quartiles, greatest and count per year match the working."""
    frame = peer_values(WINDOW, CHART, "99")
    assert list(frame.columns) == list(PEER_COLUMNS)
    got = [
        (
            row.period,
            row.country,
            row.own,
            row.minimum,
            row.q1,
            row.q3,
            row.maximum,
            row.counties,
        )
        for row in frame.itertuples(index=False)
    ]
    assert got == EXPECTED
    assert frame["grain"].tolist() == ["year", "year"]


def _payload(lang: str = "fi", peers: bool = True) -> dict:
    return chart_payload(CHART, WINDOW, lang, "series", (), peers)


@pytest.mark.hand_computed(CHART)
def test_pe002_figure_has_the_band_and_country_traces(reporting_db):
    """The figure draws least–greatest, Q1–Q3 and the country with the worked-out numbers."""
    figure = _payload()["figure"]
    traces = [trace for trace in figure["data"] if trace.get("meta") == PEERS_META]
    names = [trace.get("name") for trace in traces]
    # One run of two whole years (2023 and 2024 follow each other): per band a lower
    # edge and a filled upper edge, then the country's line: five traces, under the
    # chart's own line (they come first).
    assert figure["data"][: len(traces)] == traces
    assert len(traces) == 5
    lower, upper, q1, q3, country = traces
    # Three points per year (start, middle, end), each year flat at its value.
    assert list(lower["y"]) == [50.0] * 3 + [52.0] * 3
    assert list(upper["y"]) == [71.0] * 3 + [75.0] * 3
    assert list(q1["y"]) == [56.5] * 3 + [59.0] * 3
    assert list(q3["y"]) == [64.0] * 3 + [65.5] * 3
    assert list(country["y"]) == [61.2] * 3 + [63.0] * 3
    assert upper["fill"] == "tonexty" and q3["fill"] == "tonexty"
    assert country["line"]["dash"] == "dash"
    assert names[1] == "Hyvinvointialueet, pienin–suurin"
    assert names[3] == "Hyvinvointialueiden keskimmäinen puolikas (Q1–Q3)"
    assert names[4] == "Koko maa"
    # Hover of 2024's band: "2024: 52,0 %–75,0 %, alueita 7" (one decimal, as the chart).
    assert upper["customdata"][3] == "2024: 52,0\u00a0%–75,0\u00a0%, alueita 7"


@pytest.mark.hand_computed(CHART)
def test_pe003_peers_off_draws_no_band(reporting_db):
    """Without the switch the figure has no peer trace and no peer source."""
    payload = _payload(peers=False)
    assert not [trace for trace in payload["figure"]["data"] if trace.get("meta") == PEERS_META]
    assert payload["peers_source"] is None


@pytest.mark.hand_computed(CHART)
@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        (
            "fi",
            "Vertailu 2024: alueen oma arvo vertailuaineistossa 63,5 %, koko maa 63,0 %, "
            "hyvinvointialueiden keskimmäinen puolikas 59,0 %–65,5 % ja kaikkien 7 alueen "
            "vaihteluväli 52,0 %–75,0 %. Vertailutiedon lähde: THL / Sotkanet, CC BY 4.0.",
        ),
        (
            "sv",
            "Jämförelse 2024: områdets eget värde i jämförelsedata 63,5 %, hela landet "
            "63,0 %, välfärdsområdenas mellersta hälft 59,0 %–65,5 % och spridningen för "
            "alla 7 områden 52,0 %–75,0 %. Källa för jämförelsedata: THL / Sotkanet, CC BY 4.0.",
        ),
        (
            "en",
            "Comparison for 2024: the county's own value in the comparison figures 63.5 %, "
            "whole country 63.0 %, middle half of the counties 59.0 %–65.5 % and the range "
            "of all 7 counties 52.0 %–75.0 %. Source of the comparison figures: THL / "
            "Sotkanet, CC BY 4.0.",
        ),
    ],
)
def test_pe004_text_alternative_names_the_latest_peer_year(reporting_db, lang, sentence):
    """The summary ends with the latest year against country, quartiles and range, and credit."""
    payload = _payload(lang)
    # The latest year of the working: 2024 (own 63.5, country 63.0, Q1 59.0, Q3 65.5,
    # least 52, greatest 75, 7 counties); every source is Sotkanet's, so the credit.
    assert payload["summary"].replace("\u00a0", " ").endswith(sentence)
    assert payload["peers_source"] == "THL / Sotkanet, CC BY 4.0"


@pytest.mark.unit
def test_pe005_credit_is_sotkanet_or_the_stored_source():
    """Sotkanet rows are credited with SOTKANET_CREDIT; other sources are named as stored."""

    def frame(*sources):
        return pd.DataFrame({"source": list(sources)})

    assert peer_credit(frame(SOTKANET, SOTKANET)) == "THL / Sotkanet, CC BY 4.0"
    assert peer_credit(frame(OWN_SOURCE)) == "vertailu.xlsx"
    assert peer_credit(frame(SOTKANET, OWN_SOURCE)) == "THL / Sotkanet, CC BY 4.0; vertailu.xlsx"
    assert peer_credit(frame()) == ""
    # A period whose rows came from two sources (the query's least and greatest text).
    mixed = pd.DataFrame({"source": [SOTKANET], "last_source": [OWN_SOURCE]})
    assert peer_credit(mixed) == "THL / Sotkanet, CC BY 4.0; vertailu.xlsx"


DATA = f"/api/charts/{CHART}/data.{{}}?from=2023-01&to=2024-12&grain=year&peers={CHART}"
CREDIT = "THL / Sotkanet, CC BY 4.0"
# The peer columns after the chart's eight, in the files' order: country, own, least,
# Q1, Q3, greatest, counties (worked out in the module docstring; one decimal, as the
# chart states its values: 61.2 and the rest need no rounding).
PEER_ROWS = [
    ["2023", 61.2, 60.0, 50.0, 56.5, 64.0, 71.0, 7],
    ["2024", 63.0, 63.5, 52.0, 59.0, 65.5, 75.0, 7],
]


@pytest.mark.hand_computed(CHART)
def test_pe006_data_api_json_carries_the_peer_rows(reporting_db):
    """data.json with peers=<chart> has the credit and a row per year with the worked numbers."""
    from app import app

    answer = app.server.test_client().get(DATA.format("json")).get_json()
    peers = answer["peers"]
    assert peers["credit"] == "THL / Sotkanet, CC BY 4.0"
    got = [
        [row["period"][:4], row["country"], row["own"], row["minimum"], row["q1"], row["q3"],
         row["maximum"], row["counties"]]
        for row in peers["rows"]
    ]  # fmt: skip
    assert got == PEER_ROWS
    assert [row["grain"] for row in peers["rows"]] == ["year", "year"]
    # Without the parameter the answer has no peers.
    plain = app.server.test_client().get(DATA.format("json").split("&peers=")[0]).get_json()
    assert "peers" not in plain


@pytest.mark.hand_computed(CHART)
def test_pe007_csv_and_xlsx_carry_the_peer_columns(reporting_db):
    """CSV and XLSX with peers on have the seven peer columns and a row per year, reopened."""
    import csv
    import io

    from openpyxl import load_workbook

    from app import app

    client = app.server.test_client()
    text = client.get(DATA.format("csv")).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][8:] == [
        "Koko maa",
        "Oma alue vertailuaineistossa",
        "Alueiden pienin",
        "Alaneljännes (Q1)",
        "Yläneljännes (Q3)",
        "Alueiden suurin",
        "Alueita",
        "Vertailutiedon lähde",
    ]
    compared = [row for row in rows[1:] if row[2] == "Vertailu: koko maa ja hyvinvointialueet"]
    # Decimal comma, one place as the chart states values; the count whole; every
    # row's source is Sotkanet's, so each credits it (CC BY: the CSV has no metadata).
    assert [row[:1] + row[8:] for row in compared] == [
        ["2023", "61,2", "60,0", "50,0", "56,5", "64,0", "71,0", "7", CREDIT],
        ["2024", "63,0", "63,5", "52,0", "59,0", "65,5", "75,0", "7", CREDIT],
    ]
    # The chart's own rows leave the peer columns empty.
    own = [row for row in rows[1:] if row[2] != "Vertailu: koko maa ja hyvinvointialueet"]
    assert own and all(row[8:] == [""] * 8 for row in own)

    book = load_workbook(io.BytesIO(client.get(DATA.format("xlsx")).data))
    sheet = book["Tiedot"]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    got = [[row[0], *row[8:]] for row in cells if row[2] == compared[0][2]]
    assert got == [[*row, CREDIT] for row in PEER_ROWS]
    meta = {row[0].value: row[1].value for row in book["Metatiedot"].iter_rows()}
    assert meta["Vertailutiedon lähde"] == "THL / Sotkanet, CC BY 4.0"


def test_pe008_peers_of_a_chart_without_counterpart_is_refused(reporting_db):
    """peers= naming a chart that has no national counterpart is a 400 with a message."""
    from app import app

    response = app.server.test_client().get("/api/charts/jonot/data.json?peers=jonot")
    assert response.status_code == 400
    assert "ei ole valtakunnallista vertailutietoa" in response.get_json()["error"]


def test_pe008b_peers_naming_no_chart_is_refused_another_chart_left_alone(reporting_db):
    """peers= naming no chart at all is a 400 naming the value (in the asked language);
    naming another chart of the page's address leaves this chart's answer without peers."""
    from app import app

    client = app.server.test_client()
    response = client.get(f"/api/charts/{CHART}/data.json?peers=xyz&lang=en")
    assert response.status_code == 400
    assert response.get_json()["error"] == (
        "The request was not served, because the peers value \u201dxyz\u201d is not the id "
        "of any chart. Give the id of the chart to compare, for example "
        "peers=hoitotakuu-7vrk."
    )
    other = client.get(f"/api/charts/{CHART}/data.json?peers=jonot")
    assert other.status_code == 200 and "peers" not in other.get_json()


@pytest.mark.unit
def test_pe009_demo_national_figures_are_synthetic_and_whole_years():
    """Demo national rows: real county codes, 99 and SSS, whole years, a synthetic source."""
    from datetime import date

    from reporting.demo import national_values_frame

    frame = national_values_frame(seed=7, end=date(2024, 2, 29))
    # 01..21 (the wellbeing services counties), 90 (Helsinki), the demo's 99, SSS.
    regions = {f"{n:02d}" for n in range(1, 22)} | {"90", "99", "SSS"}
    assert set(frame["region_code"]) == regions
    # Data to 29.2.2024: 2022 and 2023 are whole, 2024 is not.
    assert sorted(set(frame["period_start"].dt.year)) == [2022, 2023]
    assert set(frame["period_grain"]) == {"year"}
    assert set(frame["indicator_id"]) == {"hoitotakuu-7vrk", "digiasiointi-osuus"}
    # 2 years × 2 charts × 24 regions.
    assert len(frame) == 96
    assert set(frame["source"]) == {"Synteettinen vertailuaineisto Sotkanetin muodossa"}
    assert frame["value"].between(0, 100).all()


@pytest.mark.unit
def test_pe010_address_keeps_peers_of_national_charts_only():
    """peers=<chart> is kept for a national chart, refused with a notice otherwise, written back."""
    from charts.address import Address, CardStates
    from translations import notice_text

    address, notices = Address.from_query(
        {"peers": [CHART, "jonot", "nope", CHART], "grain": "year"}
    )
    assert address.cards.peers == (CHART,)
    assert address.cards.peers_of(CHART) and not address.cards.peers_of("jonot")
    # One notice naming both refused values (jonot has no national counterpart).
    assert list(notices) == ["notice.bad_peers"]
    assert notice_text(notices[0], "fi").startswith("Vertailu (peers) ”jonot”, ”nope” ei kelpaa")
    assert address.search() == f"?grain=year&peers={CHART}"
    # The card switches: a checklist's value ["on"] is on, [] off.
    cards, _ = CardStates.from_cards({}, {}, "month", {CHART: ["on"], "digiasiointi-osuus": []})
    assert cards.peers == (CHART,)
    assert cards.only(["jonot"]).peers == ()


@pytest.mark.unit
def test_pe011_only_national_cards_have_the_labelled_switch():
    """A national chart's card has the peers switch with its label; another card has none."""
    from charts.address import Address
    from charts.cards.chart import chart_card
    from charts.catalog import CHARTS

    on = Address.from_query({"peers": CHART})[0]
    card = str(chart_card(CHARTS[CHART], on, "fi"))
    assert "'chart-peers'" in card
    assert "Näytä vertailu: koko maa ja hyvinvointialueet" in card
    assert "value=['on']" in card
    assert "'chart-peers'" not in str(chart_card(CHARTS["jonot"], on, "fi"))


def test_pe012_card_body_follows_the_switch(reporting_db):
    """The card's body callback draws the peer sentence and credit only with the switch on."""
    from callbacks.chart_cards import chart_card_body

    request = {"chart": CHART, "filters": WINDOW.to_query(), "lang": "fi"}
    on = str(chart_card_body(request, "series", [], peers=["on"]))
    off = str(chart_card_body(request, "series", [], peers=[]))
    assert "Vertailu 2024:" in on and "Vertailutiedon lähde: THL / Sotkanet" in on
    assert "Vertailu 2024:" not in off and "Vertailutiedon lähde" not in off
    # The card's download links ask for the peer columns only when the switch is on.
    assert f"data.csv?from=2023-01&to=2024-12&grain=year&peers={CHART}" in on
    assert "peers=" not in off


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def imported_db(request, reporting_database, tmp_path) -> Iterator[str]:
    """A fresh reporting database (units, targets, load metadata; no figures) that the
    test imports into; yields its URL."""
    original = get_settings()
    url = fresh_reporting_db(request.param, request)
    use_reporting_db(url)
    yield url
    dispose_engines()
    configure(original)


@pytest.mark.hand_computed(CHART)
def test_pe013_an_imported_sotkanet_file_is_the_peer_context(imported_db):
    """Sotkanet's JSON imported under the chart's id gives the peers worked out from the file."""
    fixtures = Path(__file__).resolve().parent / "fixtures" / "sotkanet"
    content = (fixtures / "response.json").read_bytes()
    read = read_sotkanet(
        content,
        "response.json",
        (fixtures / "regions.json").read_bytes(),
        retrieved_on=date(2025, 3, 14),
        indicator_ids={4: CHART},
    )
    store.write_figures(imported_db, read.figures, file_name="response.json", content=content)
    frame = peer_values(Filters(start="2024-01", end="2024-12"), CHART, "99")
    # The file's 2024 totals of indicator 4: counties 01 (id 961) 61.5 and 10 (967)
    # 58.2; 15 (965) null and 18 (964) absValue only: suppressed, not counted; the
    # municipality 434 (64.0) and the MAAKUNTA row are not counties; the country (658,
    # SSS) 63.1; no row for 99. Two counties sorted 58.2, 61.5 (n - 1 = 1):
    # Q1 at 0.25: 58.2 + 0.25 * 3.3 = 59.025; Q3 at 0.75: 58.2 + 0.75 * 3.3 = 60.675.
    # (2023's only row, 01 "..", leaves 2023 without a value: no period.)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["period"] == pd.Timestamp("2024-01-01")
    assert (row["country"], row["minimum"], row["maximum"], row["counties"]) == (
        63.1,
        58.2,
        61.5,
        2,
    )
    assert math.isnan(row["own"])
    assert row["q1"] == pytest.approx(59.025) and row["q3"] == pytest.approx(60.675)
    assert peer_credit(frame) == "THL / Sotkanet, CC BY 4.0"


# Two years from two sources, with values on a tie at one decimal whose float lies just
# under it (62.65 is stored as 62.649999999999998..., so Python's "%.1f" writes 62.6):
# the chart states them half up (queries.results.as_stated: 62.7).
SYNTHETIC = "Synteettinen vertailuaineisto Sotkanetin muodossa"


def _mixed_values() -> list[dict]:
    def row(region, year, value, source):
        return {
            "indicator_id": CHART,
            "region_code": region,
            "period_start": date(year, 1, 1),
            "period_grain": "year",
            "value": value,
            "numerator": None,
            "denominator": None,
            "source": source,
            "published": True,
        }

    synthetic = [row(code, 2023, value, SYNTHETIC) for code, value in
                 (("01", 40.0), ("02", 45.0), ("03", 50.0), ("04", 55.0), ("05", 60.0),
                  ("SSS", 51.0))]  # fmt: skip
    sotkanet = [row(code, 2024, value, tests.fixtures.peers.SOTKANET) for code, value in
                (("01", 50.0), ("02", 62.65), ("03", 63.0), ("04", 64.65), ("05", 70.55),
                 ("SSS", 63.05))]  # fmt: skip
    return synthetic + sotkanet


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def mixed_db(request, reporting_database, tmp_path) -> Iterator[str]:
    """A reporting database whose 2023 peers are the synthetic demo's and 2024's
    Sotkanet's (``_mixed_values``), with the peer fixture's visits; yields its URL."""
    from app import app

    original = get_settings()
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path}/reporting.duckdb"
    else:
        url = request.getfixturevalue("postgres_database_factory")()
    engine = sa.create_engine(url)
    create_fixture_db(
        engine,
        {
            **base_tables("2024-12-31"),
            "client_contacts": tests.fixtures.peers.contacts(),
            "indicator_values": _mixed_values(),
        },
    )
    engine.dispose()
    use_reporting_db(url)
    with app.server.app_context():
        yield url
    dispose_engines()
    configure(original)


# 2024, five counties sorted 50, 62.65, 63, 64.65, 70.55 (n - 1 = 4): Q1 at 0.25 * 4 = 1
# and Q3 at 0.75 * 4 = 3 fall on values, 62.65 and 64.65; least 50, greatest 70.55;
# country 63.05. Stated at one decimal, half up: 62.7, 64.7, 50.0, 70.6, 63.1 (the
# floats of 62.65, 70.55 and 63.05 lie just under their ties, so "%.1f" would write
# 62.6, 70.5 and 63.0).
# 2023: 40, 45, 50, 55, 60: Q1 45, Q3 55, country 51.


@pytest.mark.hand_computed(CHART)
def test_pe014_sentence_states_the_files_numbers_and_credits_its_own_period(mixed_db):
    """The sentence gives the files' half-up numbers and credits only the latest year's source."""
    payload = _payload("fi")
    sentence = (
        "Vertailu 2024: koko maa 63,1 %, hyvinvointialueiden keskimmäinen puolikas "
        "62,7 %–64,7 % ja kaikkien 5 alueen vaihteluväli 50,0 %–70,6 %. "
        "Vertailutiedon lähde: THL / Sotkanet, CC BY 4.0."
    )
    assert payload["summary"].replace("\u00a0", " ").endswith(sentence)
    # The card's own credit covers both years drawn: 2023's synthetic source, then 2024's.
    assert payload["peers_source"] == f"{SYNTHETIC}; THL / Sotkanet, CC BY 4.0"
    # The band's hover states the same numbers: "2024: 50,0 %–70,6 %, alueita 5".
    upper = [t for t in payload["figure"]["data"] if t.get("meta") == PEERS_META][1]
    assert upper["customdata"][3].replace("\u00a0", " ") == "2024: 50,0 %–70,6 %, alueita 5"


@pytest.mark.hand_computed(CHART)
def test_pe015_files_credit_each_period_and_link_back_with_peers(mixed_db):
    """CSV and XLSX credit each peer row's own source, and the workbook's link keeps peers=."""
    import csv
    import io

    from openpyxl import load_workbook

    from app import app

    client = app.server.test_client()
    text = client.get(DATA.format("csv")).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    compared = [row for row in rows[1:] if row[2] == "Vertailu: koko maa ja hyvinvointialueet"]
    # Country, own (none stored for 99), least, Q1, Q3, greatest, counties, source.
    assert [row[:1] + row[8:] for row in compared] == [
        ["2023", "51,0", "", "40,0", "45,0", "55,0", "60,0", "5", SYNTHETIC],
        ["2024", "63,1", "", "50,0", "62,7", "64,7", "70,6", "5", CREDIT],
    ]
    book = load_workbook(io.BytesIO(client.get(DATA.format("xlsx")).data))
    cells = [[cell.value for cell in row] for row in book["Tiedot"].iter_rows(min_row=2)]
    assert [[row[0], row[-1]] for row in cells if row[2] == compared[0][2]] == [
        ["2023", SYNTHETIC],
        ["2024", CREDIT],
    ]
    assert book["Tiedot"].cell(row=1, column=16).value == "Vertailutiedon lähde"
    meta = {row[0].value: row[1].value for row in book["Metatiedot"].iter_rows()}
    # The link back opens the same card with its comparison on.
    assert meta["Linkki kuvaajaan"] == (
        "http://localhost/hoitoonpaasy?from=2023-01&to=2024-12&grain=year"
        f"&peers={CHART}#card-{CHART}"
    )
    plain = load_workbook(io.BytesIO(client.get(DATA.format("xlsx").split("&peers=")[0]).data))
    link = {row[0].value: row[1].value for row in plain["Metatiedot"].iter_rows()}
    assert link["Linkki kuvaajaan"] == (
        f"http://localhost/hoitoonpaasy?from=2023-01&to=2024-12&grain=year#card-{CHART}"
    )
