"""What the summary sentence says about a legal requirement, on hand-made frames (no
database)."""

from __future__ import annotations

import pandas as pd

from charts.summary import summarise

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
    # 40 of 50 visits within the deadline = 80 %: the law asks for every one (100 %).
    assert _say(_share(40, 50)) == (
        "Viimeisin arvo 1/2025: 80,0\u00a0%. Lakisääteinen vaatimus ≥ 100\u00a0% ei täyty – "
        f"kyse on lain vaatimuksesta, ei ohjelman tavoitteesta ({LAW})."
    )
    assert "täyttyy" in _say(_share(50, 50)) and "ei täyty" not in _say(_share(50, 50))


def test_s002_requirement_judged_on_the_counts_not_the_rounded_share():
    # 2999 of 3000 = 99.966... % reads 100,0 % at one decimal, but one visit was late:
    # the requirement of every visit is not met.
    text = _say(_share(2999, 3000))
    assert text.startswith("Viimeisin arvo 1/2025: 100,0\u00a0%. Lakisääteinen vaatimus")
    assert "ei täyty" in text
