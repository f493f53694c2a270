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
    COMPLEMENTARY,
    SMALL_COMPLEMENT,
    SMALL_COUNT,
    SMALL_DENOMINATOR,
    SMALL_NUMERATOR,
    hide_partition_complements,
    shares_with_suppression,
    suppress_counts,
)
from settings import configure, get_settings


def test_r001_each_rule_gives_its_own_reason():
    shares = shares_with_suppression(
        pd.DataFrame(
            {
                # numerator, denominator: complement = denominator - numerator
                "numerator": [3, 298, 2, 0, 150, 0],
                "denominator": [300, 300, 4, 3, 300, 0],
            }
        ),
        minimum=5,
    )
    assert shares["suppression_reason"].tolist() == [
        SMALL_NUMERATOR,  # 3 of 300: 3 people meet the condition
        SMALL_COMPLEMENT,  # 298 of 300: rests on 300, but 300 - 298 = 2 do not
        SMALL_DENOMINATOR,  # 2 of 4: rests on 4 people (the numerator 2 is small too)
        SMALL_DENOMINATOR,  # 0 of 3: rests on 3 (the complement 3 is small too)
        None,  # 150 of 300: shown
        None,  # 0 of 0: no value, but nothing withheld
    ]
    assert shares["suppressed"].tolist() == [True, True, True, True, False, False]
    counts = suppress_counts(pd.DataFrame({"value": [3, 0, 12]}), minimum=5)
    assert counts["suppression_reason"].tolist() == [SMALL_COUNT, None, None]


def test_r002_complementary_suppression_says_so_and_keeps_earlier_reasons():
    # Per period the parts a (2), b (6), c (20) add up to a total that is shown. a is
    # small (1..4); hidden alone, total - b - c would give it back, so the smallest
    # shown part, b, is hidden too (2 + 6 = 8 >= 5): b's reason is complementary, a's
    # stays "small count".
    period = pd.Timestamp("2024-01-01")
    frame = suppress_counts(
        pd.DataFrame({"period": period, "series": ["a", "b", "c"], "value": [2, 6, 20]}), 5
    )
    counts = pd.DataFrame({"period": [period], "a": [2], "b": [6], "c": [20]})
    hidden = hide_partition_complements(frame, counts, ("a", "b", "c"), 5)
    assert hidden["suppression_reason"].tolist() == [SMALL_COUNT, COMPLEMENTARY, None]
    assert hidden["suppressed"].tolist() == [True, True, False]


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
    assert _summary(_frame(SMALL_COMPLEMENT)) == (
        start + "osuuden ulkopuolelle jää alle 5 (nimittäjä − osoittaja), ja sen voisi "
        "laskea osoittajasta ja nimittäjästä."
    )
    assert _summary(_frame(COMPLEMENTARY)) == (
        start + "toinen salattu luku voitaisiin muuten laskea näytetystä kokonaismäärästä."
    )


def test_r010_large_unit_small_complement_is_not_called_few_people(reporting_db):
    # The case: a share that rests on many visits, with few NOT within the
    # deadline. Foundation TA01 2024-02: 30 access visits, 25 within 7 days, 30 - 25 = 5
    # not. With a minimum of 6 only the complement 5 is small.
    original = get_settings()
    configure(replace(original, min_cell_count=6))
    cache.clear()
    try:
        filters = Filters(start="2024-02", end="2024-02", units=("TA01",))
        payload = chart_payload("hoitotakuu-7vrk", filters, "fi")
        assert payload["summary"] == (
            "Viimeisin arvo (2/2024) on salattu: osuuden ulkopuolelle jää alle 6 "
            "(nimittäjä − osoittaja), ja sen voisi laskea osoittajasta ja nimittäjästä. "
            # The figure marks the hidden point of the line, and the text names it.
            "Kuvaajassa on salattuja arvoja (..): Toteutui 7 vrk:ssa 2/2024."
        )
    finally:
        configure(original)
        cache.clear()


def test_r011_summary_api_and_files_carry_the_reason(reporting_db):
    from app import app

    client = app.server.test_client()
    # Foundation TA02 2024-01: 4 access visits -> rests on fewer than 5.
    ta02 = Filters(start="2024-01", end="2024-01", units=("TA02",))
    assert chart_payload("hoitotakuu-7vrk", ta02, "fi")["summary"] == (
        "Viimeisin arvo (1/2024) on salattu: se perustuu alle 5 henkilöön. "
        "Kuvaajassa on salattuja arvoja (..): Toteutui 7 vrk:ssa 1/2024."
    )
    # Wellbeing referrals 2024-02: 3 (TA01) -> a small count. The stacked unit bars
    # hide segments in both months: 1/2024 TA02's 2 (small) and, so that 9 - 7 does not
    # give it away, TA01's 7 (complementary); 2/2024 TA01's 3. The lines: 2/2024's
    # total 3 and its referrers (fewer still) are hidden too. Every hidden class is
    # named with its periods, bars (units) then lines, as drawn.
    wellbeing = chart_payload("hyvinvointilahetteet", Filters(start="2024-01", end="2024-02"), "fi")
    assert wellbeing["summary"] == (
        "Viimeisin arvo (2/2024) on salattu: lukumäärä on alle 5. Kuvaajassa on salattuja "
        "arvoja (..): Alfan terveysasema 1/2024, 2/2024; Beetan terveysasema 1/2024; "
        "Lähetteet yhteensä 2/2024; Lähettäneet ammattilaiset 2/2024."
    )
    # Remote share, TA03 2024-03 (20 client contacts): real-time 6, asynchronous 3,
    # legacy 1 make up the remote 10. Asynchronous 3 is a small numerator; legacy 1 +
    # asynchronous 3 = 4 hidden would be given away by 10 - 6, so real-time 6 is hidden
    # too (complementary). 2024-04: 4 contacts -> every series rests on fewer than 5.
    url = "/api/charts/digiasiointi-osuus/data.{}?from=2024-03&to=2024-04&unit=TA03"
    rows = client.get(url.format("json")).get_json()["rows"]
    reasons = {(r["period"], r["series"]): r["suppression_reason"] for r in rows}
    assert reasons == {
        ("2024-03-01", "remote"): None,
        ("2024-03-01", "realtime"): COMPLEMENTARY,
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
    assert lines[("3/2024", "Reaaliaikainen (R52)")] == (
        "Toinen salattu luku voitaisiin muuten laskea näytetystä kokonaismäärästä"
    )
    assert lines[("4/2024", "Etäasiointi yhteensä")] == "Se perustuu alle 5 henkilöön"
    # The API explains its reason keys.
    meaning = client.get(url.format("json")).get_json()["suppression"]["reasons"]
    assert meaning[SMALL_COMPLEMENT].startswith("osuuden ulkopuolelle jää alle 5")
