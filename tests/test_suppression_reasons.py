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

from charts.payload import chart_payload
from charts.summary import summarise
from queries.cache import cache
from queries.filters import Filters
from queries.privacy import (
    SMALL_COUNT,
    SMALL_DENOMINATOR,
    SMALL_NUMERATOR,
    protect,
)
from settings import configure, get_settings


def test_r001_each_rule_gives_its_own_reason():
    nan = np.nan
    frame = pd.DataFrame(
        {
            "period": pd.Timestamp("2024-01-01"),
            "series": list("abcdefgh"),
            # shares (numerator, denominator), then three plain counts (value)
            "numerator": [3, 2, 0, 150, 0, nan, nan, nan],
            "denominator": [300, 4, 3, 300, 0, nan, nan, nan],
            "value": [1.0, 50.0, 0.0, 50.0, nan, 3, 0, 12],
            # keys: 0 everywhere (every one of these counts is small, 0 or a multiple
            # of 5, except 12, which is rounded and still shown)
            "numerator_key": [0, 0, 0, 0, 0, nan, nan, nan],
            "denominator_key": [0, 0, 0, 0, 0, nan, nan, nan],
            "value_key": [nan, nan, nan, nan, nan, 0, 0, 0],
        }
    )
    out = protect(frame, 5, True)
    assert out["suppression_reason"].tolist() == [
        SMALL_NUMERATOR,  # 3 of 300: 3 people meet the condition
        SMALL_DENOMINATOR,  # 2 of 4: rests on 4 people (the numerator 2 is small too)
        SMALL_DENOMINATOR,  # 0 of 3: rests on 3
        None,  # 150 of 300: shown (the complement 150 is no reason any more)
        None,  # 0 of 0: no value, but nothing withheld
        SMALL_COUNT,  # a count of 3
        None,  # 0
        None,  # 12 (published as 15: 12 = 2·5 + 2, key 0 -> 0 < 2·2**20 -> up)
    ]
    assert out["suppressed"].tolist() == [True, True, True, False, False, True, False, False]
    assert out["value"].iloc[7] == 15


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
    return summarise(frame, empty, series="s", unit="percent", decimals=1, grain="month", lang="fi")


def test_r003_summary_sentence_for_every_reason():
    start = "Viimeisin arvo (1/2024) on salattu: "
    assert _summary(_frame(SMALL_COUNT)) == start + "lukumäärä on alle 5."
    assert _summary(_frame(SMALL_DENOMINATOR)) == start + "se perustuu alle 5 henkilöön."
    assert _summary(_frame(SMALL_NUMERATOR)) == (
        start + "osuuden osoittaja (ehdon täyttävät) on alle 5."
    )


def test_r010_large_unit_small_complement_is_shown_rounded(reporting_db):
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
    from app import app

    client = app.server.test_client()
    # Foundation TA02 2024-01: 4 access visits -> rests on fewer than 5.
    ta02 = Filters(start="2024-01", end="2024-01", units=("TA02",))
    assert chart_payload("hoitotakuu-7vrk", ta02, "fi")["summary"] == (
        "Viimeisin arvo (1/2024) on salattu: se perustuu alle 5 henkilöön."
    )
    # Wellbeing referrals 2024-02: 3 (TA01) -> a small count. The stacked unit bars
    # hide 1/2024 TA02's 2 and 2/2024 TA01's 3 (TA01's 7 in 1/2024 is no longer hidden
    # with them: published counts are multiples of 5, so 9 - 7 gives nothing). So 2
    # periods, the latest 2/2024 with TA01 (Alfan terveysasema).
    wellbeing = chart_payload("hyvinvointilahetteet", Filters(start="2024-01", end="2024-02"), "fi")
    assert wellbeing["summary"] == (
        "Viimeisin arvo (2/2024) on salattu: lukumäärä on alle 5. Kuvaajassa on salattuja "
        "arvoja (..) 2 jaksolla, viimeksi 2/2024: Alfan terveysasema."
    )
    # Remote share, TA03 2024-03 (20 client contacts): real-time 6, asynchronous 3,
    # legacy 1 make up the remote 10. Asynchronous 3 is a small numerator; real-time 6
    # is shown (published 5: its contacts are ids 78..83, key 1000 × 483 = 483,000;
    # 6 = 5 + 1 and 483,000·5 = 2,415,000 >= 1,048,576 -> down). 2024-04: 4 contacts
    # -> every series rests on fewer than 5.
    url = "/api/charts/digiasiointi-osuus/data.{}?from=2024-03&to=2024-04&unit=TA03"
    rows = client.get(url.format("json")).get_json()["rows"]
    reasons = {(r["period"], r["series"]): r["suppression_reason"] for r in rows}
    assert reasons == {
        ("2024-03-01", "remote"): None,
        ("2024-03-01", "realtime"): None,
        ("2024-03-01", "asynchronous"): SMALL_NUMERATOR,
        ("2024-04-01", "remote"): SMALL_DENOMINATOR,
        ("2024-04-01", "realtime"): SMALL_DENOMINATOR,
        ("2024-04-01", "asynchronous"): SMALL_DENOMINATOR,
    }
    body = client.get(url.format("csv")).data.decode("utf-8-sig")
    lines = {
        (line["Jakso"], line["Sarja"]): line["Salauksen syy"]
        for line in csv.DictReader(io.StringIO(body), delimiter=";")
    }
    assert lines[("3/2024", "Etäasiointi yhteensä")] == ""
    assert lines[("3/2024", "Ei-reaaliaikainen (R56)")] == (
        "Osuuden osoittaja (ehdon täyttävät) on alle 5"
    )
    assert lines[("3/2024", "Reaaliaikainen (R52)")] == ""
    assert lines[("4/2024", "Etäasiointi yhteensä")] == "Se perustuu alle 5 henkilöön"
    # The API explains its reason keys.
    meaning = client.get(url.format("json")).get_json()["suppression"]["reasons"]
    assert set(meaning) == {SMALL_COUNT, SMALL_DENOMINATOR, SMALL_NUMERATOR}
    assert meaning[SMALL_NUMERATOR].startswith("osuuden osoittaja (ehdon täyttävät) on alle 5")
