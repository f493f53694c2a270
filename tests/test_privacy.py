"""Disclosure control (queries/privacy.py): published counts and the protected tidy frame.

Every expected value is worked out by hand beside it from hand-chosen cell keys. The
rule, minimum m, key K (0 .. 2**20 − 1 = 1,048,575), true count n = q·m + r:
0 -> 0; 1 .. m−1 -> suppressed; else q·m + m when K·m < r·2**20 (1,048,576), else q·m.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from queries.privacy import (
    KEY_COLUMNS,
    REASONS,
    SMALL_COUNT,
    SMALL_DENOMINATOR,
    SMALL_NUMERATOR,
    protect,
    published_count,
    without_keys,
)

M = 5
TWO20 = 1_048_576


def _one(n, key, minimum=M):
    return float(published_count([n], [key], minimum)[0])


def test_pc001_rounds_up_with_a_small_key_and_down_with_a_large_one():
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
    # 0 describes nobody: 0, whatever the key.
    assert _one(0, 123) == 0
    # 1 .. 4 are suppressed (NaN) whatever the key.
    for n in (1, 2, 3, 4):
        assert math.isnan(_one(n, 0)) and math.isnan(_one(n, 1_048_575))
    # A multiple of 5 has r = 0: K·5 < 0 never holds, so it stays (5, 10, 35).
    for n in (5, 10, 35):
        assert _one(n, 0) == n and _one(n, 1_048_575) == n
    # n = 9 = 5 + 4, K = 0: 0 < 4·1,048,576 -> up to 10. n = 6 = 5 + 1, K = 1,048,575:
    # 5,242,875 >= 1,048,576 -> down to 5 (never below the minimum).
    assert _one(9, 0) == 10
    assert _one(6, 1_048_575) == 5


def test_pc003_other_minimum_and_keys_taken_mod_2_20():
    # m = 3, n = 7 = 2·3 + 1. K = 400,000: 1,200,000 >= 1,048,576 -> 6; K = 300,000:
    # 900,000 < 1,048,576 -> 9.
    assert _one(7, 400_000, 3) == 6
    assert _one(7, 300_000, 3) == 9
    # A key of 2**20 + 300,000 is 300,000 mod 2**20: n = 27, m = 5 -> 30 as above.
    assert _one(27, TWO20 + 300_000) == 30


def test_pc004_vectorised_missing_and_keyless():
    # Arrays in, arrays out, element by element (values from pc001/pc002); a missing
    # count stays missing.
    out = published_count([27, 27, 0, 3, np.nan], [300_000, 500_000, 1, 1, np.nan], M)
    assert out[:3].tolist() == [30, 25, 0]
    assert math.isnan(out[3]) and math.isnan(out[4])
    # A count of people with no key is a programming error, not a silent exact count.
    with pytest.raises(ValueError, match="no cell key"):
        published_count([27], [np.nan], M)


def test_pc005_unbiased_and_bounded_over_all_keys():
    # Over every key 0 .. 2**20 − 1, n = 27 (r = 2) is rounded up for K·5 < 2,097,152,
    # i.e. K = 0 .. 419,430: 419,431 keys of 1,048,576. Mean = 25 + 5·419,431/1,048,576
    # = 25 + 2.0000019... ~ 27: unbiased to 1e-5; every value is 25 or 30 (|p − n| <= 4).
    keys = np.arange(TWO20)
    out = published_count(np.full(TWO20, 27.0), keys, M)
    assert set(np.unique(out)) == {25.0, 30.0}
    assert (out == 30).sum() == 419_431
    assert abs(out.mean() - 27) < 1e-5


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
            # 0 / 0: nothing to divide: value missing, not suppressed.
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
    assert not out["suppressed"].any()


def test_pr002_small_numerator_and_denominator_withhold_all_three():
    frame = _frame(
        [
            [None, "num", 7.5, 3, 40, 1, 2, NAN],  # 3 of 40: numerator 1..4
            [None, "den", 50.0, 2, 4, 1, 2, NAN],  # 2 of 4: the base is 1..4 (named first)
            [None, "both_big", 50.0, 20, 40, 1, 2, NAN],  # multiples of 5: exact
        ]
    )
    out = protect(frame, M, True).set_index("series")
    assert out.at["num", "suppression_reason"] == SMALL_NUMERATOR
    assert out.at["den", "suppression_reason"] == SMALL_DENOMINATOR
    for series in ("num", "den"):
        assert out.at[series, "suppressed"]
        assert out.loc[series, ["value", "numerator", "denominator"]].isna().all()
    # The complement 40 − 20 = 20 is no reason any more (a difference of published
    # counts is a multiple of 5): 20 / 40 = 50 % shown.
    assert out.at["both_big", "value"] == 50.0 and not out.at["both_big", "suppressed"]
    assert out.at["both_big", "suppression_reason"] is None


def test_pr003_medians_rest_on_their_published_base():
    frame = _frame(
        [
            # A median of 4 treated entries: withheld with its base.
            [None, "few", 41.5, NAN, 4, NAN, 10, NAN],
            # Of 23 entries, K 100,000: 23 = 4·5 + 3, 500,000 < 3,145,728 -> 25; the
            # median itself is not a count and is shown as it is.
            [None, "many", 41.5, NAN, 23, NAN, 100_000, NAN],
        ]
    )
    out = protect(frame, M, True).set_index("series")
    assert out.at["few", "suppression_reason"] == SMALL_DENOMINATOR
    assert math.isnan(out.at["few", "value"]) and math.isnan(out.at["few", "denominator"])
    assert (out.at["many", "value"], out.at["many", "denominator"]) == (41.5, 25)
    assert math.isnan(out.at["many", "numerator"])


def test_pr004_counts_zero_small_missing_and_exact_series():
    frame = _frame(
        [
            [None, "count", 27, NAN, NAN, NAN, NAN, 300_000],  # -> 30 (pc001)
            [None, "small", 3, NAN, NAN, NAN, NAN, 9],  # 1..4 -> withheld
            [None, "zero", 0, NAN, NAN, NAN, NAN, 0],  # 0 -> 0
            [None, "missing", NAN, NAN, NAN, NAN, NAN, NAN],  # stays missing, not hidden
            [None, "groups", 3, NAN, NAN, NAN, NAN, NAN],  # not people: exact
        ]
    )
    out = protect(frame, M, True, exact_series=("groups",)).set_index("series")
    assert out.at["count", "value"] == 30
    assert out.at["small", "suppressed"] and math.isnan(out.at["small", "value"])
    assert out.at["small", "suppression_reason"] == SMALL_COUNT
    assert out.at["zero", "value"] == 0 and not out.at["zero", "suppressed"]
    assert math.isnan(out.at["missing", "value"]) and not out.at["missing", "suppressed"]
    assert out.at["groups", "value"] == 3 and not out.at["groups", "suppressed"]


def test_pr005_not_people_stays_exact_and_keys_are_dropped():
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


def test_pr007_reasons_are_the_three_that_can_occur():
    assert REASONS == (SMALL_COUNT, SMALL_DENOMINATOR, SMALL_NUMERATOR)
