"""Why a value is hidden: the reason travels from ``queries/privacy.py`` through the
tidy frame to the summary sentence, the data API and the files. Hand-made inputs and
the foundation fixture (``tests/fixtures/foundation.py``); the minimum is 5 unless a
test says otherwise."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from charts.payload import chart_payload
from charts.summary import summarise
from queries.cache import cache
from queries.filters import Filters
from queries.privacy import SMALL_DENOMINATOR, protect
from settings import configure, get_settings


@pytest.mark.unit
def test_r001_only_a_base_published_as_0_is_withheld():
    """protect withholds only shares and medians whose base is published as 0, never counts."""
    nan = np.nan
    big = 1_048_575  # a key that rounds every small count down (5,242,875 >= 4·2**20)
    frame = pd.DataFrame(
        {
            "period": pd.Timestamp("2024-01-01"),
            "series": list("abcdefghi"),
            # shares (numerator, denominator), three plain counts (value), a median
            "numerator": [3, 2, 0, 150, 0, nan, nan, nan, nan],
            "denominator": [300, 4, 3, 300, 0, nan, nan, nan, 4],
            "value": [1.0, 50.0, 0.0, 50.0, nan, 3, 0, 12, 40.0],
            "numerator_key": [0, 0, 0, 0, 0, nan, nan, nan, nan],
            "denominator_key": [0, 0, big, 0, 0, nan, nan, nan, big],
            "value_key": [nan, nan, nan, nan, nan, 0, 0, 0, nan],
        }
    )
    out = protect(frame, 5, True)
    assert out["suppression_reason"].tolist() == [
        None,  # 3 of 300, key 0: 3 -> 5 (0 < 3·2**20): 5 / 300 shown
        None,  # 2 of 4, keys 0: 5 / 5 shown
        SMALL_DENOMINATOR,  # 0 of 3, the base's key rounds 3 down to 0: rests on < 5
        None,  # 150 of 300: multiples of 5, shown
        SMALL_DENOMINATOR,  # 0 of 0: the base is published as 0
        None,  # a count of 3 (key 0 -> 5): counts are never withheld
        None,  # 0
        None,  # 12 (published as 15: 12 = 2·5 + 2, key 0 -> 0 < 2·2**20 -> up)
        SMALL_DENOMINATOR,  # a median of 4 people, the base rounded down to 0
    ]
    assert out["suppressed"].tolist() == [
        False, False, True, False, True, False, False, False, True]  # fmt: skip
    assert out["value"].iloc[5] == 5 and out["value"].iloc[7] == 15


def _frame(reason: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": [pd.Timestamp("2024-01-01")],
            "series": ["s"],
            "value": [np.nan],
            "numerator": [np.nan],
            "denominator": [np.nan],
            "suppressed": [True],
            "suppression_reason": [reason],
        }
    )


def _summary(frame: pd.DataFrame) -> str:
    empty = pd.DataFrame(columns=["kind", "valid_from", "valid_to", "age_min", "value"])
    return summarise(
        frame, empty, series="s", unit="percent", decimals=1, grain="month", lang="fi", rounded=True
    )


@pytest.mark.unit
def test_r003_summary_sentence_for_every_reason():
    """The summary names the reason of a withheld latest value, or a general clause without one."""
    start = "Viimeisin arvo (1/2024) on salattu: "
    assert _summary(_frame(SMALL_DENOMINATOR)) == start + "se voi perustua alle 5 henkilöön."
    # No reason recorded: the general clause.
    assert _summary(_frame(None)) == (
        start + "alle 5 henkilöön perustuvat osuudet ja mediaanit salataan."
    )


def test_r010_large_unit_small_complement_is_shown_rounded(reporting_db):
    """A large share with a small complement is shown from rounded counts, not withheld."""
    # The case: a share that rests on many visits, with few NOT within the
    # deadline. Foundation TA01 2024-02: 30 access visits, 25 within 7 days, 30 - 25 = 5
    # not; with a minimum of 6 that complement used to withhold the share. Now the
    # share is computed from published counts. Contact ids (foundation order): TA01
    # 1/2024 1..10, excluded rows 11..18, TA02 19..22, TA01 2/2024 23..52, of them the
    # 25 one-day waits 23..47. Keys 1000 × id: numerator 1000 × (23+...+47) = 875,000;
    # 25 = 4·6 + 1: 875,000·6 = 5,250,000 >= 1·1,048,576 -> down to 24. Denominator 30
    # = 5·6: a multiple stays 30. Shown: 100 × 24 / 30 = 80.0 %.
    original = get_settings()
    configure(replace(original, min_cell_count=6))
    cache.clear()
    try:
        filters = Filters(start="2024-02", end="2024-02", units=("TA01",))
        payload = chart_payload("hoitotakuu-7vrk", filters, "fi")
        assert payload["summary"].startswith("Viimeisin arvo 2/2024: 80,0\u00a0%.")
    finally:
        configure(original)
        cache.clear()


def test_r011_summary_api_and_files_carry_the_reason(reporting_db):
    """The withholding reason reaches summary, JSON and CSV; rounded small counts carry none."""
    from app import app

    client = app.server.test_client()
    # Foundation TA03 3/2024: no access-type visits (its 20 client contacts are T22 /
    # TH), so the assessment share, the headline, rests on a published 0: withheld.
    ta03 = Filters(start="2024-03", end="2024-03", units=("TA03",))
    # The figure marks the withheld point of the line, and the text names it (the other
    # series rest on its 20 contacts and are shown).
    assert chart_payload("kirjaamisen-laatu", ta03, "fi")["summary"] == (
        "Viimeisin arvo (3/2024) on salattu: se voi perustua alle 5 henkilöön. Kuvaajassa on "
        "salattuja arvoja (..): Hoidon tarpeen arviointi kirjattu 3/2024."
    )
    url = "/api/charts/kirjaamisen-laatu/data.{}?from=2024-03&to=2024-03&unit=TA03"
    rows = client.get(url.format("json")).get_json()["rows"]
    reasons = {r["series"]: r["suppression_reason"] for r in rows}
    assert reasons["assessment_recorded"] == SMALL_DENOMINATOR
    body = client.get(url.format("csv")).data.decode("utf-8-sig")
    lines = {
        line["Sarja"]: line["Salauksen syy"]
        for line in csv.DictReader(io.StringIO(body), delimiter=";")
    }
    assert lines["Hoidon tarpeen arviointi kirjattu"] == "Se voi perustua alle 5 henkilöön"
    # Small counts carry no reason: they are rounded, not withheld. Remote share, TA03
    # 3/2024 (20 client contacts): real-time 6 (contacts 78..83, key 483,000: 6 = 5 +
    # 1 and 2,415,000 >= 1,048,576 -> 5), asynchronous 3 (84..86, key 255,000:
    # 1,275,000 < 3·1,048,576 -> 5), remote 10, of 20: all shown. 4/2024 (4 contacts,
    # rounded to 5: test_queries.test_q011): shown too.
    url = "/api/charts/digiasiointi-osuus/data.{}?from=2024-03&to=2024-04&unit=TA03"
    rows = client.get(url.format("json")).get_json()["rows"]
    assert len(rows) == 6 and all(r["suppression_reason"] is None for r in rows)
    march = {r["series"]: r["numerator"] for r in rows if r["period"] == "2024-03-01"}
    assert march == {"remote": 10, "realtime": 5, "asynchronous": 5}
    # The API explains its one reason key.
    meaning = client.get(url.format("json")).get_json()["suppression"]["reasons"]
    assert meaning == {SMALL_DENOMINATOR: "se voi perustua alle 5 henkilöön"}
