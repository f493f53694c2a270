"""What the summary sentence says about a legal requirement, on hand-made frames (no
database)."""

from __future__ import annotations

import pandas as pd
import pytest

from charts.summary import summarise

pytestmark = pytest.mark.unit

TS = pd.Timestamp
LAW = "Terveydenhuoltolaki 1326/2010, 51 §: jokainen kiireetön käynti voimassa olevassa määräajassa"


def _requirement() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "kind": "legal_requirement",
                "valid_from": TS("2011-05-01"),
                "valid_to": pd.NaT,
                "age_min": 0,
                "age_max": 150,
                "value": 100.0,
                "comparison": ">=",
                "source": LAW,
            }
        ]
    )


def _share(numerator: int, denominator: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": [TS("2025-01-01")],
            "series": "s",
            "value": [round(100 * numerator / denominator, 1)],
            "numerator": [float(numerator)],
            "denominator": [float(denominator)],
            "suppressed": [False],
        }
    )


def _say(frame: pd.DataFrame) -> str:
    return summarise(
        frame, _requirement(), series="s", unit="percent", decimals=1, grain="month", lang="fi"
    )


def test_s001_legal_requirement_is_named_with_its_source():
    """A missed legal requirement is named with its law; a full published share is never "met"."""
    # 40 of 50 visits within the deadline = 80 %: the law asks for every one (100 %).
    assert _say(_share(40, 50)) == (
        "Viimeisin arvo 1/2025: 80,0\u00a0%. Lakisääteinen vaatimus ≥ 100\u00a0% ei täyty – "
        f"kyse on lain vaatimuksesta, ei ohjelman tavoitteesta ({LAW})."
    )
    # 50 of 50 as published (multiples of m = 5, docs/privacy.md): each count may be up
    # to 4 off, so the true share may be as low as (50 - 4) / (50 + 4) = 85.2 %: the
    # law's "every visit" can be neither confirmed nor denied. It is never said met.
    text = _say(_share(50, 50))
    assert "täyttyy" not in text and "ei täyty" not in text
    assert text.endswith(
        "Lakisääteisen vaatimuksen ≥ 100\u00a0% täyttymistä ei voi todeta: luvut on "
        "pyöristetty 5:n monikertoihin, joten määräajan ylittäneitä käyntejä voi olla alle "
        f"5, vaikka osuus näyttää täydeltä ({LAW})."
    )


def test_s003_kpi_says_a_full_published_share_cannot_confirm_the_law():
    """The KPI cannot confirm the law from a full published share, but sees a shortfall."""
    from charts.catalog import CHARTS
    from charts.kpi_payload import kpi_texts

    spec = CHARTS["hoitotakuu-lakisaateinen"]
    frame = _share(405, 405).assign(series=spec.series[0])
    texts = kpi_texts(frame, _requirement(), spec, "month", "fi")
    # 405 / 405 published: the true share may be (405 - 4) / (405 + 4) = 98.0 % < 100.
    assert (texts["status"], texts["status_text"]) == (
        "none",
        "Lakisääteinen vaatimus ≥ 100\u00a0%: täyttymistä ei voi todeta pyöristetyistä luvuista",
    )
    # 400 / 405 published shows late visits for certain (the same visits would have
    # the same key and so the same published count): not met.
    frame = _share(400, 405).assign(series=spec.series[0])
    assert kpi_texts(frame, _requirement(), spec, "month", "fi")["status"] == "not_met"


def test_s002_requirement_judged_on_the_counts_not_the_rounded_share():
    """The legal requirement is judged on the counts, not on a share that rounds to 100 %."""
    # 2999 of 3000 = 99.966... % reads 100,0 % at one decimal, but one visit was late:
    # the requirement of every visit is not met.
    text = _say(_share(2999, 3000))
    assert text.startswith("Viimeisin arvo 1/2025: 100,0\u00a0%. Lakisääteinen vaatimus")
    assert "ei täyty" in text


# --- A period is judged only against a target in force on every day of it -----------


def _rows(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "kind": kind,
                "valid_from": TS(start),
                "valid_to": TS(end) if end else pd.NaT,
                "age_min": 0,
                "age_max": 150,
                "value": value,
                "comparison": ">=",
                "source": source,
            }
            for kind, start, end, value, source in rows
        ]
    )


def test_s010_target_in_force_on_every_day_of_the_period():
    """A period is judged only against a target in force on every day of it; changes are listed."""
    from charts.summary import target_changes, target_in_force

    yearly = _rows(
        [
            ("programme_target", "2024-01-01", "2024-12-31", 30, "2024"),
            ("programme_target", "2025-01-01", None, 45, "2025"),
        ]
    )
    # 2024 and Q4/2024 lie inside the 2024 row; 2025 inside the open row.
    assert target_in_force(yearly, TS("2024-01-01"), "year")["value"] == 30
    assert target_in_force(yearly, TS("2024-10-01"), "quarter")["value"] == 30
    assert target_in_force(yearly, TS("2025-01-01"), "year")["value"] == 45
    assert target_changes(yearly, TS("2024-01-01"), "year").empty
    # From 1.10.2025 (hoitotakuu-7vrk): the year 2025 has it on 92 of 365 days: not
    # judged, and the row is named as changing inside it; Q4/2025 (1.10.-31.12.) and
    # the month 10/2025 have it every day; Q3/2025 (to 30.9.) none at all.
    late = _rows([("programme_target", "2025-10-01", None, 80, "plan")])
    assert target_in_force(late, TS("2025-01-01"), "year") is None
    assert list(target_changes(late, TS("2025-01-01"), "year")["value"]) == [80]
    assert target_in_force(late, TS("2025-10-01"), "quarter")["value"] == 80
    assert target_in_force(late, TS("2025-10-01"), "month")["value"] == 80
    assert target_in_force(late, TS("2025-07-01"), "quarter") is None
    assert target_changes(late, TS("2025-07-01"), "quarter").empty
    # A target that ends inside the year (to 30.6.2024, nothing after): not judged.
    ends = _rows([("programme_target", "2023-01-01", "2024-06-30", 30, "plan")])
    assert target_in_force(ends, TS("2024-01-01"), "year") is None
    assert list(target_changes(ends, TS("2024-01-01"), "year")["value"]) == [30]
    # A value change inside a quarter (50 % to 15.2.2024, 60 % from 16.2.): Q1/2024 is
    # not judged, both rows named.
    mid = _rows(
        [
            ("programme_target", "2023-01-01", "2024-02-15", 50, "a"),
            ("programme_target", "2024-02-16", None, 60, "b"),
        ]
    )
    assert target_in_force(mid, TS("2024-01-01"), "quarter") is None
    assert list(target_changes(mid, TS("2024-01-01"), "quarter")["value"]) == [50, 60]
    # The law's requirement, the same 100 % under two laws (to 30.4.2011 and from
    # 1.5.2011): one requirement on every day of 2011, judged, the newer source given.
    law = _rows(
        [
            ("legal_requirement", "2005-03-01", "2011-04-30", 100, "Kansanterveyslaki"),
            ("legal_requirement", "2011-05-01", None, 100, "Terveydenhuoltolaki"),
        ]
    )
    assert target_in_force(law, TS("2011-01-01"), "year")["source"] == "Terveydenhuoltolaki"
    assert target_changes(law, TS("2011-01-01"), "year").empty


def test_s011_summary_and_kpi_say_a_period_is_not_judged_when_its_target_changes():
    """Summary and KPI say a period is not judged when its target changes inside it."""
    from charts.catalog import CHARTS
    from charts.kpi_payload import kpi_texts

    # Q1/2024 at 55 %, a target of 50 % to 15.2.2024 and 60 % from 16.2.: 55 % meets one
    # and misses the other, so it is judged against neither.
    targets = _rows(
        [
            ("programme_target", "2023-01-01", "2024-02-15", 50, "a"),
            ("programme_target", "2024-02-16", None, 60, "b"),
        ]
    )
    frame = _share(55, 100).assign(period=TS("2024-01-01"))
    text = summarise(
        frame, targets, series="s", unit="percent", decimals=1, grain="quarter", lang="fi"
    )
    assert text == (
        "Viimeisin arvo Q1/2024: 55,0\u00a0%. Tavoite ei ole sama koko jakson Q1/2024 ajan "
        "(≥ 50\u00a0% 1.1.2023–15.2.2024; ≥ 60\u00a0% 16.2.2024 alkaen), joten jaksoa ei "
        "arvioida yhtä tavoitetta vastaan."
    )
    spec = CHARTS["hoitotakuu-7vrk"]
    kpi = kpi_texts(frame.assign(series=spec.series[0]), targets, spec, "quarter", "fi")
    assert (kpi["status"], kpi["status_text"]) == (
        "none",
        "Tavoite ei ole sama koko jakson Q1/2024 ajan: ei arvioida yhtä tavoitetta vastaan",
    )


def test_s012_kpi_names_the_hidden_period_and_why():
    """The KPI of a withheld latest period shows "..", cannot judge it and says why."""
    from charts.catalog import CHARTS
    from charts.kpi_payload import kpi_texts

    spec = CHARTS["hoitotakuu-7vrk"]
    targets = _rows([("programme_target", "2025-10-01", None, 80, "plan")])
    # Q4/2025 withheld: 4 visits, fewer than 5 (TK_MIN_CELL_COUNT's default).
    frame = pd.DataFrame(
        {
            "period": [TS("2025-07-01"), TS("2025-10-01")],
            "series": spec.series[0],
            "value": [75.0, float("nan")],
            "numerator": [75.0, float("nan")],
            "denominator": [100.0, float("nan")],
            "suppressed": [False, True],
            "suppression_reason": [None, "small_denominator"],
        }
    )
    kpi = kpi_texts(frame, targets, spec, "quarter", "fi")
    assert (kpi["value"], kpi["period"], kpi["status"]) == ("..", "Q4/2025", "none")
    assert kpi["status_text"] == "Tavoite ≥ 80\u00a0%: jakson Q4/2025 toteutumaa ei voi arvioida"
    assert kpi["note"] == "Viimeisin arvo (Q4/2025) on salattu: se voi perustua alle 5 henkilöön."
    # A shown value has no note.
    shown = kpi_texts(frame.iloc[:1], targets, spec, "quarter", "fi")
    assert (shown["value"], shown["note"]) == ("75,0\u00a0%", "")
