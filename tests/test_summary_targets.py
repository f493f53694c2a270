"""What the summary sentence and the KPI card say about a legal requirement or a
programme target, including judgements on rounded counts, on hand-made frames (no
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
        frame,
        _requirement(),
        series="s",
        unit="percent",
        decimals=1,
        grain="month",
        lang="fi",
        rounded=True,
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
        frame,
        targets,
        series="s",
        unit="percent",
        decimals=1,
        grain="quarter",
        lang="fi",
        rounded=True,
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


# --- Any target judged on a rounded share: confirmed only when the counts prove it -----


def _programme(value: float) -> pd.DataFrame:
    return _rows([("programme_target", "2025-01-01", None, value, "plan")])


def test_s020_share_bounds_of_rounded_counts():
    """The true share allowed by rounded counts: lowest and highest, never above 100 %."""
    from charts.summary import share_bounds

    # m = 5: each count is up to 4 off. 70 / 70: lowest (70 - 4) / (70 + 4) = 66 / 74;
    # highest 100 % (the true counts may be equal, e.g. 67 / 67).
    assert share_bounds(70, 70, 5) == pytest.approx((100 * 66 / 74, 100.0))
    # 65 / 70: lowest 61 / 74; numerator up to 69, denominator down to 66, but a
    # published 65 < 70 means the true counts differ (equal counts are the same records,
    # the same key, the same published count): highest 69 / 70 (d* = min(69 + 1, 74)).
    assert share_bounds(65, 70, 5) == pytest.approx((100 * 61 / 74, 100 * 69 / 70))
    # 75 / 100: lowest 71 / 104 = 68.3 %; highest 79 / 96 = 82.3 % (79 < 96).
    assert share_bounds(75, 100, 5) == pytest.approx((100 * 71 / 104, 100 * 79 / 96))
    # 5 / 5: 1 .. 9 people; lowest 1 / 9, highest 100 % (the denominator at least 1).
    assert share_bounds(5, 5, 5) == pytest.approx((100 / 9, 100.0))


def test_s021_full_programme_target_on_rounded_counts_is_unconfirmed():
    """A 100 % programme target on a published 70 / 70 of people is unconfirmed, not met."""
    from charts.catalog import CHARTS
    from charts.kpi_payload import kpi_texts

    # 70 / 70 published: the true share may be as low as 66 / 74 = 89.2 % < 100 % (a
    # true 67 / 70 may be published 70 / 70), so "met" cannot be said.
    spec = CHARTS["paihdepalvelujen-saatavuus"]  # counts people, no exact series
    frame = _share(70, 70).assign(series=spec.series[0])
    text = summarise(
        frame,
        _programme(100),
        series=spec.series[0],
        unit="percent",
        decimals=1,
        grain="month",
        lang="fi",
        rounded=spec.rounded(spec.series[0]),
    )
    assert text == (
        "Viimeisin arvo 1/2025: 100,0\u00a0%. Tavoitteen ≥ 100\u00a0% toteutumista ei voi "
        "todeta: luvut on pyöristetty 5:n monikertoihin, joten todellinen arvo voi olla "
        "tavoitteen kummalla puolella tahansa."
    )
    kpi = kpi_texts(frame, _programme(100), spec, "month", "fi")
    assert (kpi["status"], kpi["status_text"]) == (
        "none",
        "Tavoite ≥ 100\u00a0%: toteutumista ei voi todeta pyöristetyistä luvuista",
    )
    assert kpi_texts(frame, _programme(100), spec, "month", "en")["status_text"] == (
        "Target ≥ 100\u00a0%: whether it is met cannot be confirmed from rounded figures"
    )


def test_s022_full_programme_target_on_an_exact_chart_is_met():
    """The same 70 / 70 on a chart published exactly (health stations) is met as it stands."""
    from charts.catalog import CHARTS
    from charts.kpi_payload import kpi_texts

    # Health stations are not people: 70 of 70 is exact, 100 % >= 100 %: met.
    spec = CHARTS["hoitotakuuseuranta-kattavuus"]
    frame = _share(70, 70).assign(series=spec.series[0])
    text = summarise(
        frame,
        _programme(100),
        series=spec.series[0],
        unit="percent",
        decimals=0,
        grain="month",
        lang="fi",
        rounded=spec.rounded(spec.series[0]),
    )
    assert text == "Viimeisin arvo 1/2025: 100\u00a0%. Tavoite ≥ 100\u00a0% toteutuu."
    kpi = kpi_texts(frame, _programme(100), spec, "month", "fi")
    assert (kpi["status"], kpi["status_text"]) == ("met", "Tavoite ≥ 100\u00a0% saavutettu")


def test_s023_rounded_judgements_far_from_the_target_stand_and_near_misses_do_not():
    """Far from the target met / not met stand; a miss the counts cannot prove is unconfirmed."""
    from charts.catalog import CHARTS
    from charts.kpi_payload import kpi_texts

    spec = CHARTS["paihdepalvelujen-saatavuus"]

    def status(numerator: int, denominator: int, target: float) -> str:
        frame = _share(numerator, denominator).assign(series=spec.series[0])
        return kpi_texts(frame, _programme(target), spec, "month", "fi")["status"]

    # >= 80 %, 90 / 100: lowest 86 / 104 = 82.7 % >= 80: met for certain.
    assert status(90, 100, 80) == "met"
    # >= 80 %, 70 / 100: highest 74 / 96 = 77.1 % < 80: not met for certain.
    assert status(70, 100, 80) == "not_met"
    # >= 80 %, 75 / 100: highest 79 / 96 = 82.3 % >= 80: the miss is unconfirmed.
    assert status(75, 100, 80) == "none"
    # >= 100 %, 65 / 70: the true counts differ (published apart), highest 69 / 70 =
    # 98.6 % < 100: not met for certain.
    assert status(65, 70, 100) == "not_met"


def test_s024_count_of_people_against_a_target_is_judged_on_its_rounding():
    """A rounded count of people meets or misses a target only when every true count would."""
    from charts.catalog import CHARTS
    from charts.kpi_payload import kpi_texts

    spec = CHARTS["tyottomien-tuki-asiakkaat"]  # clients: people, counts rounded

    def status(count: int, target: float) -> str:
        frame = pd.DataFrame(
            {
                "period": [TS("2025-01-01")],
                "series": spec.series[0],
                "value": [float(count)],
                "numerator": [float("nan")],
                "denominator": [float("nan")],
                "suppressed": [False],
            }
        )
        return kpi_texts(frame, _programme(target), spec, "year", "fi")["status"]

    # m = 5: a published c is a true c - 4 .. c + 4.
    # 130 against >= 130: the true count may be 126 < 130: unconfirmed.
    assert status(130, 130) == "none"
    # 135 against >= 130: at least 131: met.  125: at most 129: not met.
    assert status(135, 130) == "met"
    assert status(125, 130) == "not_met"
    # 150 against >= 130 (at least 146) and 100 (at most 104): far from it, judged.
    assert status(150, 130) == "met"
    assert status(100, 130) == "not_met"
