"""Disclosure control (queries/privacy.py): published counts and the protected tidy frame.

Every expected value is worked out by hand beside it from hand-chosen cell keys. The
rule, minimum m, key K (0 .. 2**20 − 1 = 1,048,575), true count n = q·m + r, every
count (small ones and 0 included): q·m + m when K·m < r·2**20 (1,048,576), else q·m.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from queries.privacy import (
    KEY_COLUMNS,
    REASONS,
    SMALL_DENOMINATOR,
    protect,
    published_count,
    without_keys,
)

pytestmark = pytest.mark.unit

M = 5
TWO20 = 1_048_576


def _one(n, key, minimum=M):
    return float(published_count([n], [key], minimum)[0])


def test_pc001_rounds_up_with_a_small_key_and_down_with_a_large_one():
    """A count rounds up to the next multiple of m exactly when K·m < r·2**20, else down."""
    # n = 27 = 5·5 + 2. K = 300,000: 300,000·5 = 1,500,000 < 2·1,048,576 = 2,097,152
    # -> rounded up to 5·5 + 5 = 30.
    assert _one(27, 300_000) == 30
    # K = 500,000: 2,500,000 >= 2,097,152 -> rounded down to 25.
    assert _one(27, 500_000) == 25
    # The boundary: K·5 < 2,097,152 holds up to K = 419,430 (2,097,150) and not at
    # K = 419,431 (2,097,155).
    assert _one(27, 419_430) == 30
    assert _one(27, 419_431) == 25


def test_pc002_zero_small_and_multiples():
    """Zero and multiples of m stay as they are; counts below m round to 0 or m, never withheld."""
    # 0 = 0·5 + 0: K·5 < 0 never holds -> 0, whatever the key.
    assert _one(0, 123) == 0 and _one(0, 0) == 0
    # Small counts are rounded too, never withheld. n = 3 = 0·5 + 3, K = 500,000:
    # 2,500,000 < 3·1,048,576 = 3,145,728 -> up to 5; K = 700,000: 3,500,000 >=
    # 3,145,728 -> down to 0.
    assert _one(3, 500_000) == 5
    assert _one(3, 700_000) == 0
    # n = 1, K = 200,000: 1,000,000 < 1,048,576 -> 5; K = 210,000: 1,050,000 >=
    # 1,048,576 -> 0. n = 4, K = 838,860: 4,194,300 < 4,194,304 -> 5; K = 838,861:
    # 4,194,305 -> 0.
    assert (_one(1, 200_000), _one(1, 210_000)) == (5, 0)
    assert (_one(4, 838_860), _one(4, 838_861)) == (5, 0)
    # K = 0 rounds every 1 .. 4 up (0 < r·2**20); K = 1,048,575 rounds every one down
    # (5,242,875 >= 4·1,048,576 = 4,194,304).
    for n in (1, 2, 3, 4):
        assert _one(n, 0) == 5 and _one(n, 1_048_575) == 0
    # A multiple of 5 has r = 0: K·5 < 0 never holds, so it stays (5, 10, 35).
    for n in (5, 10, 35):
        assert _one(n, 0) == n and _one(n, 1_048_575) == n
    # n = 9 = 5 + 4, K = 0: 0 < 4·1,048,576 -> up to 10. n = 6 = 5 + 1, K = 1,048,575:
    # 5,242,875 >= 1,048,576 -> down to 5.
    assert _one(9, 0) == 10
    assert _one(6, 1_048_575) == 5


def test_pc003_other_minimum_and_keys_taken_mod_2_20():
    """The rule holds for another minimum, and cell keys are taken modulo 2**20."""
    # m = 3, n = 7 = 2·3 + 1. K = 400,000: 1,200,000 >= 1,048,576 -> 6; K = 300,000:
    # 900,000 < 1,048,576 -> 9.
    assert _one(7, 400_000, 3) == 6
    assert _one(7, 300_000, 3) == 9
    # A key of 2**20 + 300,000 is 300,000 mod 2**20: n = 27, m = 5 -> 30 as above.
    assert _one(27, TWO20 + 300_000) == 30


def test_pc004_vectorised_missing_and_keyless():
    """published_count works element-wise, keeps NaN counts and raises on a count with no key."""
    # Arrays in, arrays out, element by element (values from pc001/pc002); a missing
    # count stays missing.
    out = published_count(
        [27, 27, 0, 3, 3, np.nan], [300_000, 500_000, 1, 500_000, 700_000, np.nan], M
    )
    assert out[:5].tolist() == [30, 25, 0, 5, 0]
    assert math.isnan(out[5])
    # A count of people with no key is a programming error, not a silent exact count.
    with pytest.raises(ValueError, match="no cell key"):
        published_count([27], [np.nan], M)


def test_pc005_unbiased_and_bounded_over_all_keys():
    """Over all 2**20 keys the published count is unbiased and one of the two nearest multiples."""
    # Over every key 0 .. 2**20 − 1, n = 27 (r = 2) is rounded up for K·5 < 2,097,152,
    # i.e. K = 0 .. 419,430: 419,431 keys of 1,048,576. Mean = 25 + 5·419,431/1,048,576
    # = 25 + 2.0000019... ~ 27: unbiased to 1e-5; every value is 25 or 30 (|p − n| <= 4).
    keys = np.arange(TWO20)
    out = published_count(np.full(TWO20, 27.0), keys, M)
    assert set(np.unique(out)) == {25.0, 30.0}
    assert (out == 30).sum() == 419_431
    assert abs(out.mean() - 27) < 1e-5
    # A small count too: n = 3 is rounded up for K·5 < 3,145,728, i.e. K = 0 .. 629,145
    # (629,145·5 = 3,145,725; 629,146·5 = 3,145,730): 629,146 keys. Mean = 5·629,146 /
    # 1,048,576 = 3,145,730 / 1,048,576 = 3.0000019...: unbiased, every value 0 or 5.
    out = published_count(np.full(TWO20, 3.0), keys, M)
    assert set(np.unique(out)) == {0.0, 5.0}
    assert (out == 5).sum() == 629_146
    assert abs(out.mean() - 3) < 1e-4


def _frame(rows):
    columns = ["period", "series", "value", "numerator", "denominator", *KEY_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns)
    frame["period"] = pd.Timestamp("2024-01-01")
    frame["suppressed"] = False
    frame["suppression_reason"] = None
    frame["partial"] = False
    return frame


NAN = np.nan


def test_pr001_shares_from_published_counts():
    """Shares are recomputed from published counts, capped at 100 %, and 0 / 0 is withheld."""
    frame = _frame(
        [
            # 27 / 48: numerator K 300,000 -> 30 (pc001); denominator 48 = 9·5 + 3, K
            # 700,000: 3,500,000 >= 3·1,048,576 = 3,145,728 -> down to 45. 100·30/45.
            [None, "a", 56.25, 27, 48, 300_000, 700_000, NAN],
            # 48 / 48: numerator K 0 -> 0 < 3·2**20 -> up to 50; denominator 45 as
            # above: the numerator is capped at the denominator -> 45 / 45 = 100 %.
            [None, "b", 100.0, 48, 48, 0, 700_000, NAN],
            # 0 / 12: 0; 12 = 2·5 + 2 with K 0 -> 15: 0 % shown.
            [None, "c", 0.0, 0, 12, 5, 0, NAN],
            # 0 / 0: both published 0 (r = 0): the share rests on fewer than 5 people
            # (here none): value withheld, numerator and denominator shown as 0.
            [None, "d", NAN, 0, 0, 0, 0, NAN],
        ]
    )
    out = protect(frame, M, True).set_index("series")
    assert (out.at["a", "numerator"], out.at["a", "denominator"]) == (30, 45)
    assert out.at["a", "value"] == pytest.approx(100 * 30 / 45)
    assert (out.at["b", "numerator"], out.at["b", "denominator"], out.at["b", "value"]) == (
        45,
        45,
        100.0,
    )
    assert (out.at["c", "numerator"], out.at["c", "denominator"], out.at["c", "value"]) == (
        0,
        15,
        0.0,
    )
    assert (out.at["d", "numerator"], out.at["d", "denominator"]) == (0, 0)
    assert math.isnan(out.at["d", "value"])
    assert out.at["d", "suppressed"] and out.at["d", "suppression_reason"] == SMALL_DENOMINATOR
    assert not out.loc[["a", "b", "c"], "suppressed"].any()


def test_pr002_small_numerators_and_denominators_are_rounded_not_withheld():
    """Small numerators and denominators are rounded, not withheld; a base published as 0 is."""
    frame = _frame(
        [
            # 3 of 40: numerator 3, K 500,000 -> 5 (pc002); 40 is a multiple of 5 -> 40.
            # 100·5/40 = 12.5.
            [None, "num", 7.5, 3, 40, 500_000, 2, NAN],
            # 2 of 4: numerator 2, K 1 -> 5 (5 < 2·2**20); denominator 4, K 1 -> 5:
            # 5 / 5 = 100 %.
            [None, "den_up", 50.0, 2, 4, 1, 1, NAN],
            # 2 of 4 with the denominator's K 1,048,575 -> 0 (5,242,875 >= 4·2**20):
            # numerator 5 capped at 0; the share rests on fewer than 5 people: withheld.
            [None, "den_down", 50.0, 2, 4, 1, 1_048_575, NAN],
            # 3 of 300 with numerator K 700,000 -> 0 (pc002): 0 / 300 = 0 %, shown.
            [None, "num_zero", 1.0, 3, 300, 700_000, 5, NAN],
            # 20 / 40: multiples of 5, exact: 50 %.
            [None, "both_big", 50.0, 20, 40, 1, 2, NAN],
        ]
    )
    out = protect(frame, M, True).set_index("series")
    assert (out.at["num", "numerator"], out.at["num", "denominator"]) == (5, 40)
    assert out.at["num", "value"] == pytest.approx(12.5)
    assert tuple(out.loc["den_up", ["numerator", "denominator", "value"]]) == (5, 5, 100.0)
    assert tuple(out.loc["den_down", ["numerator", "denominator"]]) == (0, 0)
    assert math.isnan(out.at["den_down", "value"]) and out.at["den_down", "suppressed"]
    assert out.at["den_down", "suppression_reason"] == SMALL_DENOMINATOR
    assert tuple(out.loc["num_zero", ["numerator", "denominator", "value"]]) == (0, 300, 0.0)
    assert out.at["both_big", "value"] == 50.0
    shown = ["num", "den_up", "num_zero", "both_big"]
    assert not out.loc[shown, "suppressed"].any()
    assert out.loc[shown, "suppression_reason"].isna().all()


def test_pr003_medians_rest_on_their_published_base():
    """A median is withheld when its published base is below 2·m; its base is published rounded."""
    frame = _frame(
        [
            # A median of 4 treated entries, K 10: 50 < 4·2**20 -> base 5, which may
            # rest on one person (1 rounded up): withheld, the base shown as 5.
            [None, "few_up", 41.5, NAN, 4, NAN, 10, NAN],
            # Of 7 entries, K 10: 7 = 5 + 2, 50 < 2·2**20 -> base 10 >= 2·5: shown.
            [None, "seven_up", 41.5, NAN, 7, NAN, 10, NAN],
            # Of 7 entries, K 1,000,000: 5,000,000 >= 2,097,152 -> base 5: withheld.
            [None, "seven_down", 41.5, NAN, 7, NAN, 1_000_000, NAN],
            # Of 4 entries with K 900,000: 4,500,000 >= 4,194,304 -> base 0: withheld,
            # the base shown as 0.
            [None, "few_down", 41.5, NAN, 4, NAN, 900_000, NAN],
            # Of 23 entries, K 100,000: 23 = 4·5 + 3, 500,000 < 3,145,728 -> 25; the
            # median itself is not a count and is shown as it is.
            [None, "many", 41.5, NAN, 23, NAN, 100_000, NAN],
        ]
    )
    out = protect(frame, M, True).set_index("series")
    assert math.isnan(out.at["few_up", "value"]) and out.at["few_up", "denominator"] == 5
    assert out.at["few_up", "suppression_reason"] == SMALL_DENOMINATOR
    assert (out.at["seven_up", "value"], out.at["seven_up", "denominator"]) == (41.5, 10)
    assert not out.at["seven_up", "suppressed"]
    assert math.isnan(out.at["seven_down", "value"])
    assert out.at["seven_down", "denominator"] == 5
    assert out.at["few_down", "suppression_reason"] == SMALL_DENOMINATOR
    assert math.isnan(out.at["few_down", "value"]) and out.at["few_down", "denominator"] == 0
    assert (out.at["many", "value"], out.at["many", "denominator"]) == (41.5, 25)
    assert math.isnan(out.at["many", "numerator"])


def test_pr004_counts_zero_small_missing_and_exact_series():
    """Counts are rounded, never withheld; missing stays missing and exact_series stay exact."""
    frame = _frame(
        [
            [None, "count", 27, NAN, NAN, NAN, NAN, 300_000],  # -> 30 (pc001)
            [None, "small_up", 3, NAN, NAN, NAN, NAN, 500_000],  # -> 5 (pc002)
            [None, "small_down", 3, NAN, NAN, NAN, NAN, 700_000],  # -> 0 (pc002)
            [None, "zero", 0, NAN, NAN, NAN, NAN, 0],  # 0 -> 0
            [None, "missing", NAN, NAN, NAN, NAN, NAN, NAN],  # stays missing, not hidden
            [None, "groups", 3, NAN, NAN, NAN, NAN, NAN],  # not people: exact
        ]
    )
    out = protect(frame, M, True, exact_series=("groups",)).set_index("series")
    assert out.at["count", "value"] == 30
    assert out.at["small_up", "value"] == 5 and out.at["small_down", "value"] == 0
    assert out.at["zero", "value"] == 0
    assert math.isnan(out.at["missing", "value"])
    assert out.at["groups", "value"] == 3
    # No count is ever withheld.
    assert not out["suppressed"].any() and out["suppression_reason"].isna().all()


def test_pr005_not_people_stays_exact_and_keys_are_dropped():
    """Frames not about people pass unchanged and without_keys drops the key columns."""
    frame = _frame(
        [
            [None, "share", 50.0, 6, 12, NAN, NAN, NAN],  # 6 / 12 stations: no keys needed
            [None, "count", 3, NAN, NAN, NAN, NAN, NAN],
        ]
    )
    out = protect(frame, M, False)
    pd.testing.assert_frame_equal(
        out[["value", "numerator", "denominator"]], frame[["value", "numerator", "denominator"]]
    )
    assert not out["suppressed"].any()
    assert not set(KEY_COLUMNS) & set(without_keys(out).columns)


def test_pr006_the_same_people_are_published_alike_in_any_frame():
    """The same count and key publish the same number as a count and as a share's numerator."""
    # The same (count, key) is the same published number wherever it appears: in a
    # month row, in a share's numerator, in another chart's count (n = 27, K = 300,000
    # -> 30 everywhere, pc001).
    frame = _frame(
        [
            [None, "count", 27, NAN, NAN, NAN, NAN, 300_000],
            [None, "share", 100 * 27 / 60, 27, 60, 300_000, 77, NAN],
        ]
    )
    out = protect(frame, M, True).set_index("series")
    assert out.at["count", "value"] == out.at["share", "numerator"] == 30


def test_pr007_the_one_reason_that_can_occur():
    """The only suppression reason is the small denominator."""
    # Counts are never withheld; only a share or median that may rest on fewer than m people.
    assert REASONS == (SMALL_DENOMINATOR,)


def test_pr008_minimum_below_two_publishes_exactly_and_withholds_nothing():
    """With a minimum of 1 counts are exact and a 0 / 0 share is missing but not withheld."""
    # m = 1: 3 stays 3, 0 / 0 gives a missing value that is not withheld.
    frame = _frame(
        [
            [None, "count", 3, NAN, NAN, NAN, NAN, 700_000],
            [None, "share", NAN, 0, 0, 0, 0, NAN],
        ]
    )
    out = protect(frame, 1, True).set_index("series")
    assert out.at["count", "value"] == 3
    assert math.isnan(out.at["share", "value"]) and not out["suppressed"].any()
