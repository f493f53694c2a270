"""The run chart ("Onko muutos todellinen?") on tiny hand-made series.

Most tests start from the baseline B = 12, 10, 12, 10, ... (12 points), worked out once:
mean = (6 × 12 + 6 × 10) / 12 = 11; the 11 moving ranges are all |10 − 12| = 2, so the
mean moving range is 2 and the process limits are 11 ± 2.66 × 2 = 11 ± 5.32, i.e.
5.68 .. 16.32. "Near a limit" is beyond two thirds of 5.32 = 3.5467 from the mean:
below 7.4533 or above 14.5467.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from charts.spc import (
    improvement,
    normalise_phases,
    on_period_grid,
    phase_boundaries,
    phase_numbers,
    xmr,
)

pytestmark = pytest.mark.unit

TS = pd.Timestamp
NAN = float("nan")
B = [12.0, 10.0] * 6  # ends below the mean (10)
B_HIGH_LAST = [10.0, 12.0] * 6  # the same baseline ending above the mean (12)


def _xmr(values, phases=None, bounds=None):
    return xmr(pd.Series(values, dtype=float), bounds, phases)


# --- limits from the baseline ---------------------------------------------------------


def test_s001_limits_from_the_first_twelve_points_and_a_point_outside():
    """Mean and limits come from the first 12 points only; points beyond a limit signal."""
    analysis = _xmr(B + [30.0, 11.0])
    # The baseline is B alone: mean 11, limits 5.68 .. 16.32 on every row (the whole
    # series, 14 points, would give mean 173 / 14 = 12.36 and wider limits).
    assert analysis["mean"].tolist() == [11.0] * 14
    assert analysis["lower"].tolist() == pytest.approx([5.68] * 14)
    assert analysis["upper"].tolist() == pytest.approx([16.32] * 14)
    assert analysis["baseline"].tolist() == [True] * 12 + [False] * 2
    assert not analysis["trial"].any()
    # 30 > 16.32: above the upper limit (+1); 11 sits on the mean; nothing else fires.
    assert analysis["outside"].tolist() == [0] * 12 + [1, 0]
    assert analysis["signal"].tolist() == [False] * 12 + [True, False]
    assert analysis["direction"].tolist() == [0] * 12 + [1, 0]
    for rule in ("trend", "two_of_three", "shift"):
        assert not analysis[rule].any(), rule
    # 3 < 5.68: below the lower limit (-1).
    assert _xmr(B + [3.0])["outside"].tolist() == [0] * 12 + [-1]


def test_s002_percentage_limits_are_clipped_to_0_100():
    """Limits of a percentage are clipped to 0 .. 100."""
    # Mean 50, moving ranges all 98 -> 50 ± 260.68, clipped to 0 .. 100.
    analysis = _xmr([1.0, 99.0] * 6, bounds=(0.0, 100.0))
    assert (analysis["lower"].iloc[0], analysis["upper"].iloc[0]) == (0.0, 100.0)


# --- the run rules ---------------------------------------------------------------------


def test_s003_shift_of_seven_on_one_side_of_the_mean():
    """Seven points in a row on one side of the mean are a shift; six or a point on it are not."""
    # B ends with 10 (below 11), so the run above starts at the first 13: seven points.
    above = _xmr(B + [13.0] * 7)
    assert above["shift"].tolist() == [0] * 12 + [1] * 7
    # 13 is inside 14.5467 (not near), equal neighbours make no trend: only the shift.
    assert not above["outside"].any() and not above["trend"].any()
    assert not above["two_of_three"].any()
    # Six above, then 10 below: no shift.
    assert not _xmr(B + [13.0] * 6 + [10.0])["shift"].any()
    # A point on the mean (11) breaks the run: three and three.
    assert not _xmr(B + [13.0, 13.0, 13.0, 11.0, 13.0, 13.0, 13.0])["shift"].any()
    # Below: B_HIGH_LAST ends with 12, so 9 x 7 is a run of exactly seven below (-1).
    below = _xmr(B_HIGH_LAST + [9.0] * 7)
    assert below["shift"].tolist() == [0] * 12 + [-1] * 7
    assert below["direction"].tolist() == [0] * 12 + [-1] * 7


def test_s004_trend_of_seven_rising_or_falling_points():
    """Seven points rising or falling in a row are a trend; six or a tie break it."""
    # 10 (last of B) -> 9 falls; 9 .. 12 are seven points with six rises. They cross the
    # mean (four below, 11 on it, two above), stay inside 7.4533 .. 14.5467: only the trend.
    rising = _xmr(B + [9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0])
    assert rising["trend"].tolist() == [0] * 12 + [1] * 7
    assert not rising["shift"].any() and not rising["outside"].any()
    # Six rising points (five rises): no trend.
    assert not _xmr(B + [9.5, 10.0, 10.5, 11.0, 11.5, 12.0])["trend"].any()
    # An equal neighbour breaks it: two rises, a tie, four rises.
    assert not _xmr(B + [9.0, 9.5, 10.0, 10.0, 10.5, 11.0, 11.5, 12.0])["trend"].any()
    # Falling: 12 -> 13 rises, then 13 .. 10 is seven points with six falls (-1).
    falling = _xmr(B_HIGH_LAST + [13.0, 12.5, 12.0, 11.5, 11.0, 10.5, 10.0])
    assert falling["trend"].tolist() == [0] * 12 + [-1] * 7
    assert falling["direction"].tolist() == [0] * 12 + [-1] * 7


def test_s005_two_of_three_near_the_same_limit():
    """Two of three points near one limit, all three on that side, signal; outside ones do not."""
    # 15 is near the upper limit (14.5467 < 15 < 16.32), 12 is above the mean but not
    # near. Window 15, 12, 15: all three above, two near -> both 15s flag (+1); the 12
    # does not. The next window 12, 15, 11 has 11 on the mean: nothing more.
    analysis = _xmr(B + [15.0, 12.0, 15.0, 11.0])
    assert analysis["two_of_three"].tolist() == [0] * 12 + [1, 0, 1, 0]
    assert not analysis["outside"].any() and not analysis["shift"].any()
    assert not analysis["trend"].any()
    # A middle point on the other side of the mean (10 < 11): no signal.
    assert not _xmr(B + [15.0, 10.0, 15.0])["two_of_three"].any()
    # Only one near point in the window: no signal.
    assert not _xmr(B + [15.0, 12.0, 12.0])["two_of_three"].any()
    # Below: 7 is near the lower limit (5.68 < 7 < 7.4533), 10 is below the mean.
    below = _xmr(B_HIGH_LAST + [7.0, 10.0, 7.0])
    assert below["two_of_three"].tolist() == [0] * 12 + [-1, 0, -1]
    # A point outside the limits counts for the first rule, not for this one: 17 is
    # outside (+1), 15 is then the only near point of its windows.
    outside = _xmr(B + [17.0, 15.0, 12.0])
    assert outside["outside"].tolist() == [0] * 12 + [1, 0, 0]
    assert not outside["two_of_three"].any()


def test_s006_direction_follows_rule_precedence_and_the_charts_better_direction():
    """A limit breach outranks a trend for direction; improvement follows the better direction."""
    # 3, 3.5, ..., 6 after B_HIGH_LAST (ends 12): 12 -> 3 falls, then seven rising points
    # (six rises). 3, 3.5, 4, 4.5, 5 and 5.5 are below 5.68 (outside, -1) and rising (+1):
    # outside comes first, so they point down; 6 is only rising, so it points up.
    analysis = _xmr(B_HIGH_LAST + [3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0])
    assert analysis["outside"].tolist()[12:] == [-1] * 6 + [0]
    assert analysis["trend"].tolist()[12:] == [1] * 7
    assert analysis["direction"].tolist()[12:] == [-1] * 6 + [1]
    # Seven points below the mean too (3 .. 6 all < 11): shift -1.
    assert analysis["shift"].tolist()[12:] == [-1] * 7
    # Higher is better: down is a concern (-1), up an improvement (+1); the reverse when
    # lower is better (a queue, a waiting time).
    assert improvement(analysis, True).tolist()[12:] == [-1] * 6 + [1]
    assert improvement(analysis, False).tolist()[12:] == [1] * 6 + [-1]


# --- phases ----------------------------------------------------------------------------


def test_s007_a_phase_break_recomputes_the_mean_and_limits():
    """A phase break gives each phase its own mean and limits, with no range across it."""
    values = B + [22.0, 20.0] * 6
    analysis = _xmr(values, phases=[0] * 12 + [1] * 12)
    # Phase 0 is B: mean 11, limits 5.68 .. 16.32.
    assert analysis["mean"].tolist()[:12] == [11.0] * 12
    assert analysis["upper"].tolist()[:12] == pytest.approx([16.32] * 12)
    # Phase 1: mean (6 × 22 + 6 × 20) / 12 = 21; its own 11 moving ranges are all 2 (the
    # jump 10 -> 22 across the boundary belongs to neither phase), so 21 ± 5.32:
    # 15.68 .. 26.32, and no point of either phase signals.
    assert analysis["mean"].tolist()[12:] == [21.0] * 12
    assert analysis["lower"].tolist()[12:] == pytest.approx([15.68] * 12)
    assert analysis["upper"].tolist()[12:] == pytest.approx([26.32] * 12)
    assert analysis["phase"].tolist() == [0] * 12 + [1] * 12
    assert not analysis["signal"].any()
    # Without the break the same points are judged against B's limits: all twelve of
    # the new level are outside (> 16.32) and a run of twelve above the mean.
    one_phase = _xmr(values)
    assert one_phase["signal"].tolist() == [False] * 12 + [True] * 12


def test_s008_a_short_phase_has_trial_limits_and_one_point_has_none():
    """A phase under 12 points has trial limits; a one-point phase has a mean but no limits."""
    # Phase 1 is 22, 20 three times: mean 21, five moving ranges of 2 (the minimum for
    # limits) -> 21 ± 5.32 = 15.68 .. 26.32, trial limits (fewer than 12 points).
    analysis = _xmr(B + [22.0, 20.0] * 3, phases=[0] * 12 + [1] * 6)
    assert analysis["trial"].tolist() == [False] * 12 + [True] * 6
    assert analysis["upper"].iloc[-1] == pytest.approx(26.32)
    assert analysis["lower"].iloc[-1] == pytest.approx(15.68)
    assert analysis["ranges"].tolist() == [11] * 12 + [5] * 6
    # A phase of one point has a mean (itself) but no moving range, so no limits and
    # nothing can be outside them.
    single = _xmr(B + [40.0], phases=[0] * 12 + [1])
    assert single["mean"].iloc[-1] == 40.0
    assert math.isnan(single["upper"].iloc[-1]) and math.isnan(single["lower"].iloc[-1])
    assert not single["signal"].iloc[-1]


def test_s009_phases_start_at_the_period_containing_the_date():
    """A phase starts at the period containing its date; duplicates merge, edges are dropped."""
    months = pd.date_range("2024-01-01", "2024-12-01", freq="MS")
    starts = [
        (TS("2024-05-15"), "Hanke"),  # inside May
        ("2024-05", "valittu"),  # the same period: one phase, both reasons
        (TS("2024-05-03"), "Hanke"),  # a repeated reason is said once
        ("2024-01", "alku"),  # the first period starts a phase anyway
        ("2023-06", "ennen"),  # before the periods shown
        ("2025-01", "jälkeen"),  # after them
    ]
    boundaries = phase_boundaries(months, starts, "month")
    assert boundaries == {TS("2024-05-01"): ("Hanke", "valittu")}
    assert phase_numbers(months, boundaries).tolist() == [0] * 4 + [1] * 8
    # Quarters: May 2024 is in Q2 (starting 1.4.2024); March is in Q1, the first period.
    quarters = pd.date_range("2024-01-01", "2024-10-01", freq="QS")
    boundaries = phase_boundaries(quarters, [("2024-05", "a"), ("2024-03", "b")], "quarter")
    assert list(boundaries) == [TS("2024-04-01")]
    assert phase_numbers(quarters, boundaries).tolist() == [0, 1, 1, 1]


def test_s010_user_phase_starts_are_validated_sorted_and_capped():
    """User phase starts are validated months, deduplicated, sorted and capped at 12."""
    raw = ["2024-05", "2024-01", "2024-05", "2024-13", "bad", 5, "1999-01", None]
    # 2024-13 is no month, 1999 is before 2000 (queries.filters rules), 5 is no string.
    assert normalise_phases(raw) == ("2024-01", "2024-05")
    many = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01", "2025-02"]
    assert normalise_phases(many) == tuple(many[:12])


# --- gaps: suppressed or missing periods -----------------------------------------------


def test_s011_moving_ranges_and_runs_do_not_cross_a_gap():
    """Moving ranges and runs do not cross a missing period, which keeps its place."""
    values = [10.0, 12.0, 10.0, 12.0, 10.0, 12.0, NAN, 30.0, 32.0, 30.0, 32.0, 30.0, 32.0]
    analysis = _xmr(values)
    # Twelve shown points form the baseline: mean (3 × 10 + 3 × 12 + 3 × 30 + 3 × 32) / 12
    # = 252 / 12 = 21; moving ranges 5 × 2 before the gap and 5 × 2 after it (the step
    # 12 -> 30 spans two periods and is left out), mean 2: limits 15.68 .. 26.32.
    assert analysis["mean"].iloc[0] == 21.0
    assert analysis["upper"].iloc[0] == pytest.approx(26.32)
    assert analysis["lower"].iloc[0] == pytest.approx(15.68)
    # The unknown period keeps its place and signals nothing.
    assert list(analysis.index) == list(range(13))
    assert math.isnan(analysis["value"].iloc[6]) and not analysis["signal"].iloc[6]
    # 13 x 3, a suppressed month, 13 x 4: seven 13s, but no run of seven known points.
    gap = _xmr(B + [13.0, 13.0, 13.0, NAN, 13.0, 13.0, 13.0, 13.0])
    assert not gap["shift"].any()


def test_s012_the_series_is_put_on_every_period_so_a_missing_month_is_a_gap():
    """on_period_grid fills every period of the grain so a missing month becomes a gap."""
    part = pd.DataFrame(
        {
            "period": [TS("2024-01-01"), TS("2024-02-01"), TS("2024-04-01")],
            "value": [1.0, NAN, 3.0],
            "suppressed": [False, True, False],
        }
    )
    grid = on_period_grid(part, "month")
    assert grid["period"].tolist() == list(pd.date_range("2024-01-01", "2024-04-01", freq="MS"))
    assert grid["suppressed"].tolist() == [False, True, False, False]
    assert np.isnan(grid["value"].iloc[2]) and grid["value"].iloc[3] == 3.0
    quarters = on_period_grid(part.iloc[[0, 2]], "quarter")
    assert quarters["period"].tolist() == [TS("2024-01-01"), TS("2024-04-01")]


# --- the view: figure, table and summary name the rule --------------------------------


def _view(
    monkeypatch,
    values,
    *,
    events=(),
    phases=(),
    unit="percent",
    higher_is_better=True,
    suppressed=(),
    kind="line",
):
    """``payload._spc_view`` of a monthly series from 1/2024 without a database."""
    from charts import payload
    from charts.catalog import CHARTS, ChartSpec
    from queries.filters import Filters

    periods = pd.date_range("2024-01-01", periods=len(values), freq="MS")
    frame = pd.DataFrame(
        {
            "period": periods,
            "series": "s",
            "value": values,
            "numerator": NAN,
            "denominator": NAN,
            "suppressed": [i in suppressed for i in range(len(values))],
        }
    )
    spec = ChartSpec(
        id="test-spc",
        area="digipalvelut",
        unit=unit,
        series=("s",),
        load=lambda _filters: frame,
        higher_is_better=higher_is_better,
        kind=kind,
        # Values given as they are shown (no counts, no keys): published as they are.
        counts_people=False,
    )
    monkeypatch.setitem(CHARTS, spec.id, spec)
    # The data's first and last day without a database: every month shown is whole.
    monkeypatch.setattr(payload, "data_window", lambda: (None, date(2099, 12, 31)))
    event_frame = pd.DataFrame(
        {
            "event_date": [TS(d) for d, _ in events],
            "chart_id": [None] * len(events),
            "label_fi": [label for _, label in events],
            "label_sv": "",
            "label_en": "",
        }
    )
    monkeypatch.setattr(payload, "events_for", lambda _area: event_frame)
    return payload._spc_view(spec, Filters(start="2024-01"), "fi", phases)


def test_s020_view_names_the_rule_in_table_summary_and_hover(monkeypatch):
    """The run chart names a signal's rule and kind in summary, table, hover and marker shape."""
    built = _view(monkeypatch, B + [30.0, 11.0])
    # Limits as in s001: mean 11,0 %, 5,68 -> "5,7 %", 16,32 -> "16,3 %". 1/2025 (the
    # 13th month) is above the upper limit; higher is better, so an improvement.
    assert built["summary"] == (
        "Keskiarvo on 11,0\u00a0%. Tavallisen vaihtelun rajat ovat 5,7\u00a0% ja 16,3\u00a0% "
        "(laskettu 12 ensimmäisestä jaksosta). Erityinen syy tarkoittaa muutosta, jota "
        "tavallinen vaihtelu ei selitä. Sen merkkejä on 1 jaksossa: 1/2025 (parannus: arvo "
        "ylärajan yläpuolella)."
    )
    assert built["table"]["columns"] == [
        "Jakso",
        "chart.test-spc.series.s",
        "Vaihe alkaa",
        "Keskiarvo",
        "Alaraja",
        "Yläraja",
        "Erityinen syy",
    ]
    assert built["table"]["rows"][12] == [
        "1/2025",
        "30,0\u00a0%",
        "1/2024",
        "11,0\u00a0%",
        "5,7\u00a0%",
        "16,3\u00a0%",
        "parannus: arvo ylärajan yläpuolella",
    ]
    assert all(row[6] == "" for i, row in enumerate(built["table"]["rows"]) if i != 12)
    traces = {trace.name: trace for trace in built["figure"].data}
    improved = traces["Erityinen syy: parannus"]
    assert list(improved.y) == [30.0]
    # The series' hover says the rule at 1/2025 (the 13th point) and nothing elsewhere.
    line = built["figure"].data[0]
    assert line.customdata[12] == " – parannus: arvo ylärajan yläpuolella"
    assert [c for i, c in enumerate(line.customdata) if i != 12] == [""] * 13
    assert "%{customdata}" in line.hovertemplate
    assert list(traces["Erityinen syy: heikennys"].y) == []
    # Improvement and concern differ by shape as well as colour.
    assert improved.marker.symbol == "circle"
    assert traces["Erityinen syy: heikennys"].marker.symbol == "diamond"


def test_s021_a_run_below_is_an_improvement_when_lower_is_better(monkeypatch):
    """A run below the mean is an improvement when lower is better, named as one stretch."""
    # Days, lower is better: B_HIGH_LAST then 9 x 7 (1/2025 .. 7/2025) is a shift below
    # the mean (s003), i.e. an improvement; one stretch in the sentence.
    built = _view(monkeypatch, B_HIGH_LAST + [9.0] * 7, unit="days", higher_is_better=False)
    assert built["summary"].endswith(
        "Sen merkkejä on 7 jaksossa: 1/2025–7/2025 (parannus: vähintään 7 arvoa "
        "peräkkäin keskiarvon alapuolella)."
    )
    assert built["table"]["rows"][-1][-1] == (
        "parannus: vähintään 7 arvoa peräkkäin keskiarvon alapuolella"
    )


def test_s022_a_demo_like_series_is_split_at_its_intervention(monkeypatch):
    """An event date starts a phase, so a level change at an intervention is not a signal."""
    # Two years like the demo's access share: a level near 60 %, an intervention on
    # 1.1.2025, then a level near 70 %. One mean over both years (old behaviour) puts
    # all 24 months on one side of 65,5 % for 12 in a row: every month "special cause".
    # The intervention starts a phase: 1/2024 .. 12/2024 mean 60,5 %, moving ranges 1,
    # limits 60,5 ± 2,66 = 57,84 .. 63,16; 1/2025 .. 12/2025 mean 70,5 %,
    # 67,84 .. 73,16. No month signals.
    values = [60.0, 61.0] * 6 + [70.0, 71.0] * 6
    built = _view(monkeypatch, values, events=[("2025-01-01", "Hanke alkoi")])
    assert built["summary"] == (
        "Keskiarvo ja rajat lasketaan uudelleen kohdissa: 1/2025 (Hanke alkoi). "
        "1/2025 alkaen keskiarvo on 70,5\u00a0%. Tavallisen vaihtelun rajat ovat "
        "67,8\u00a0% ja 73,2\u00a0% (laskettu 12 ensimmäisestä jaksosta). "
        "Erityistä syytä eli muutosta, jota tavallinen vaihtelu ei selitä, ei näy."
    )
    assert [row[2] for row in built["table"]["rows"]] == ["1/2024"] * 12 + ["1/2025"] * 12
    assert [row[3] for row in built["table"]["rows"]] == ["60,5\u00a0%"] * 12 + ["70,5\u00a0%"] * 12
    # The mean line breaks between the phases (a None between 12/2024 and 1/2025).
    mean = next(trace for trace in built["figure"].data if trace.name == "Keskiarvo")
    assert list(mean.y) == [60.5] * 12 + [None] + [70.5] * 12
    # A user-chosen start splits the second year once more (7/2025: two phases of 6,
    # trial limits).
    built = _view(monkeypatch, values, events=[("2025-01-01", "Hanke alkoi")], phases=("2025-07",))
    assert built["summary"].startswith(
        "Keskiarvo ja rajat lasketaan uudelleen kohdissa: 1/2025 (Hanke alkoi), "
        "7/2025 (valittu vaiheen alku). 7/2025 alkaen keskiarvo on 70,5\u00a0%"
    )
    assert built["summary"].endswith(
        "Rajat ovat alustavia 1/2025, 7/2025 alkaen, koska niiden takana on alle 12 jaksoa."
    )


def test_s023_suppressed_months_are_gaps_and_the_summary_says_the_mean_is_biased(monkeypatch):
    """A suppressed month is a marked gap that breaks runs; the summary warns of bias."""
    # B, then 13 x 3, a suppressed month (4/2025), 13 x 4: the shift of s003 would need
    # seven known months in a row, so nothing signals; the sentence says a month is
    # hidden and that the mean and limits rest on the shown months only.
    values = B + [13.0, 13.0, 13.0, NAN, 13.0, 13.0, 13.0, 13.0]
    built = _view(monkeypatch, values, suppressed={15})
    assert (
        "Erityistä syytä eli muutosta, jota tavallinen vaihtelu ei selitä, ei näy."
        in (built["summary"])
    )
    assert built["summary"].endswith(
        "Salattuja jaksoja on 1, koska osuus tai mediaani perustuu niissä liian harvaan "
        "henkilöön. Keskiarvo ja rajat on laskettu vain näytetyistä jaksoista, joten ne "
        "voivat olla vinoja. Peräkkäisiä jaksoja ei lasketa salatun jakson yli."
    )
    assert built["table"]["rows"][15][:2] == ["4/2025", ".."]
    # The value line has a gap there.
    line = built["figure"].data[0]
    assert math.isnan(line.y[15])
    # ... and the gap is marked as hidden ("Salattu (..)", as on the other charts) on
    # the mean line (B's mean, 11), its hover saying so; no value of it is sent.
    (mark,) = [trace for trace in built["figure"].data if trace.name == "Salattu (..)"]
    assert [pd.Timestamp(x) for x in mark.x] == [TS("2025-04-01")]
    assert list(mark.y) == [11.0]
    assert "Salattu (..)" in mark.hovertemplate


def test_s024_too_few_shown_months_fall_back_to_the_series(monkeypatch):
    """Fewer than 12 shown months fall back to the time series, saying how many are withheld."""
    # 11 shown months (one of 12 suppressed) are fewer than the 12 the view needs. The
    # 12 periods are there, so the card says one is withheld (a longer range is not
    # the remedy; a wider selection or a coarser grain is).
    built = _view(monkeypatch, B[:11] + [NAN], suppressed={11})
    assert built["summary"] == (
        "Muutoksen tunnistukseen tarvitaan vähintään 12 näytettyä jaksoa, mutta valituista "
        "jaksoista 1 on salattu, koska arvo voi perustua alle 5 henkilöön. Kuvaaja "
        "näytetään siksi aikasarjana. Valitse laajempi alue tai harvempi aikataso."
    )
    assert built["view"] == "series"


def test_s025_a_latest_phase_without_limits_or_without_shown_months(monkeypatch):
    """A one-point latest phase says why it has no limits; an all-hidden one is skipped."""
    # A user phase from 1/2025 holds one month (40 %): its mean is 40,0 %, but one point
    # has no moving range (0 < 5), so no limits, and no trial-limit sentence either.
    built = _view(monkeypatch, B + [40.0], phases=("2025-01",))
    assert (
        "1/2025 alkaen keskiarvo on 40,0\u00a0%. Rajoja ei näytetä, koska niiden "
        "laskemiseen tarvitaan vähintään 5 peräkkäisten jaksojen eroa, ja nyt eroja on 0."
    ) in built["summary"]
    assert "alustavia" not in built["summary"]
    # The same phase with its only month suppressed has no mean at all: the sentence
    # speaks of the phase from 1/2024 (B: mean 11,0 %, limits 5,7 .. 16,3 %).
    built = _view(monkeypatch, B + [NAN], phases=("2025-01",), suppressed={12})
    assert (
        "1/2024 alkaen keskiarvo on 11,0\u00a0%. Tavallisen vaihtelun rajat " in (built["summary"])
    )


def _grid(start, count, grain="month", shown=None):
    """A run-chart grid of ``count`` periods from ``start`` with values 1, 2, ...; only
    the first ``shown`` values are shown (the rest NaN)."""
    step = {"month": "MS", "quarter": "QS", "year": "YS"}[grain]
    periods = pd.date_range(start, periods=count, freq=step)
    shown = count if shown is None else shown
    values = [float(i + 1) if i < shown else NAN for i in range(count)]
    return pd.DataFrame({"period": periods, "value": values, "suppressed": False})


def test_s030_chart_payload_normalises_phases_before_the_cache_key(monkeypatch):
    """chart_payload normalises run-chart phases before caching; other views drop them."""
    from charts import payload
    from queries.filters import Filters

    calls = []
    monkeypatch.setattr(payload, "_payload", lambda *args: calls.append(args) or {})
    # No database: the filters stay as they are (effective_filters cuts them to the data),
    # and the run chart shows the months 1/2024 .. 12/2024.
    monkeypatch.setattr(payload, "effective_filters", lambda _spec, filters: filters)
    monkeypatch.setattr(payload, "_spc_grid", lambda _spec, _filters: _grid("2024-01", 12))
    filters = Filters()
    payload.chart_payload("hoitotakuu-7vrk", filters, "fi", "spc", ("2024-05", "x", "2024-02"))
    payload.chart_payload("hoitotakuu-7vrk", filters, "fi", "spc", "2024-05")
    # Other views (and an unknown one, which falls back to the series) ignore phases.
    payload.chart_payload("hoitotakuu-7vrk", filters, "fi", "series", ("2024-05",))
    payload.chart_payload("hoitotakuu-7vrk", filters, "fi", "nonsense", ("2024-05",))
    payload.chart_payload("hoitotakuu-7vrk", filters, "fi")
    assert [(view, phases) for *_, view, phases, _peers in calls] == [
        ("spc", ("2024-02", "2024-05")),
        ("spc", ("2024-05",)),
        ("series", ()),
        ("series", ()),
        ("series", ()),
    ]


def test_s031_phase_spellings_collapse_to_the_periods_shown_before_the_cache_key(monkeypatch):
    """Item 5: many spellings of one chart's phases make one cache key."""
    from charts import payload
    from queries.filters import Filters

    calls = []
    monkeypatch.setattr(payload, "_payload", lambda *args: calls.append(args) or {})
    monkeypatch.setattr(payload, "effective_filters", lambda _spec, filters: filters)
    # Quarters Q1/2023 .. Q4/2025 (12 shown, enough for the run chart).
    monkeypatch.setattr(
        payload, "_spc_grid", lambda _spec, _filters: _grid("2023-01", 12, "quarter")
    )
    quarter = Filters(grain="quarter")
    spellings = [
        ("2024-04",),  # Q2/2024 as the picker writes it
        ("2024-05",),  # May is in Q2/2024
        ("2024-06", "2024-04", "2024-05"),  # three months of one quarter: one phase
        ("2024-05", "2022-11", "2026-02"),  # before and after the quarters shown: dropped
        ("2024-05", "2023-02"),  # Q1/2023 is the first period: it starts a phase anyway
        ("2024-05", "٢٠٢٤-07", "２０２４-07", "2024-07\n", " 2024-07"),  # not ASCII YYYY-MM
    ]
    for phases in spellings:
        payload.chart_payload("hoitotakuu-7vrk", quarter, "fi", "spc", phases)
    assert {phases for *_, phases, _peers in calls} == {("2024-04",)}
    # Too few shown periods for a run chart: no phases in the key at all.
    calls.clear()
    monkeypatch.setattr(
        payload, "_spc_grid", lambda _spec, _filters: _grid("2024-01", 12, shown=11)
    )
    payload.chart_payload("hoitotakuu-7vrk", Filters(), "fi", "spc", ("2024-05",))
    assert [phases for *_, phases, _peers in calls] == [()]


def test_s032_normalise_phases_maps_months_to_the_shown_periods():
    """normalise_phases maps months to shown periods, dropping the first, later and non-ASCII."""
    quarters = pd.date_range("2024-01-01", "2024-10-01", freq="QS")  # Q1 .. Q4/2024
    # 2024-02 -> Q1 (first period: dropped); 2024-05, 2024-06 -> Q2 = "2024-04";
    # 2024-12 -> Q4 = "2024-10"; 2025-01 is after Q4: dropped.
    raw = ["2024-02", "2024-05", "2024-06", "2024-12", "2025-01"]
    assert normalise_phases(raw, quarters, "quarter") == ("2024-04", "2024-10")
    years = pd.date_range("2022-01-01", "2024-01-01", freq="YS")
    assert normalise_phases(["2023-07", "2023-01", "2024-12"], years, "year") == (
        "2023-01",
        "2024-01",
    )
    # A gap in the shown months (a missing 3/2024 row) is not a shown period.
    months = [TS("2024-01-01"), TS("2024-02-01"), TS("2024-04-01")]
    assert normalise_phases(["2024-03", "2024-04"], months, "month") == ("2024-04",)
    # ASCII digits only and nothing around them, even without periods.
    assert normalise_phases(["2024-05\n", "２０２４-05", "٢٠٢٤-05", "2024-05 "]) == ()


# --- issue 7 item 4, after review: every signal says its rule and direction ------------

_ABOVE = "vähintään 7 arvoa peräkkäin keskiarvon yläpuolella"
_BELOW = "vähintään 7 arvoa peräkkäin keskiarvon alapuolella"
_RISING = "vähintään 7 arvoa peräkkäin nousussa"
_FALLING = "vähintään 7 arvoa peräkkäin laskussa"
_OVER = "arvo ylärajan yläpuolella"
_UNDER = "arvo alarajan alapuolella"
_NEAR_UPPER = "2 arvoa 3:sta lähellä ylärajaa, keskiarvon yläpuolella"
_NEAR_LOWER = "2 arvoa 3:sta lähellä alarajaa, keskiarvon alapuolella"


@pytest.mark.parametrize(
    ("values", "flagged", "note", "items"),
    [
        # B: mean 11, limits 5.68 .. 16.32, near beyond 7.4533 / 14.5467 (module doc).
        # 30 > 16.32 at 1/2025: above the upper limit, higher is better -> improvement.
        (B + [30.0], [12], "parannus: " + _OVER, "1/2025 (parannus: " + _OVER + ")"),
        # 3 < 5.68 at 1/2025 (10 -> 3 is one fall, no trend): below the lower limit.
        (B + [3.0], [12], "heikennys: " + _UNDER, "1/2025 (heikennys: " + _UNDER + ")"),
        # Seven 13s after B (ends 10, below 11): a shift above, 1/2025 .. 7/2025.
        (
            B + [13.0] * 7,
            list(range(12, 19)),
            "parannus: " + _ABOVE,
            "1/2025–7/2025 (parannus: " + _ABOVE + ")",
        ),
        # Seven 9s after B_HIGH_LAST (ends 12): a shift below.
        (
            B_HIGH_LAST + [9.0] * 7,
            list(range(12, 19)),
            "heikennys: " + _BELOW,
            "1/2025–7/2025 (heikennys: " + _BELOW + ")",
        ),
        # 9, 9.5, ..., 12: seven points with six rises, inside the near zones (s004).
        (
            B + [9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0],
            list(range(12, 19)),
            "parannus: " + _RISING,
            "1/2025–7/2025 (parannus: " + _RISING + ")",
        ),
        # 13, 12.5, ..., 10: seven points with six falls.
        (
            B_HIGH_LAST + [13.0, 12.5, 12.0, 11.5, 11.0, 10.5, 10.0],
            list(range(12, 19)),
            "heikennys: " + _FALLING,
            "1/2025–7/2025 (heikennys: " + _FALLING + ")",
        ),
        # 15, 12, 15: two of three above 14.5467 and all above 11 (s005); 1/2025, 3/2025.
        (
            B + [15.0, 12.0, 15.0, 11.0],
            [12, 14],
            "parannus: " + _NEAR_UPPER,
            f"1/2025 (parannus: {_NEAR_UPPER}); 3/2025 (parannus: {_NEAR_UPPER})",
        ),
        # 7, 10, 7: two of three below 7.4533 and all below 11.
        (
            B_HIGH_LAST + [7.0, 10.0, 7.0],
            [12, 14],
            "heikennys: " + _NEAR_LOWER,
            f"1/2025 (heikennys: {_NEAR_LOWER}); 3/2025 (heikennys: {_NEAR_LOWER})",
        ),
    ],
)
def test_s040_every_rule_says_its_direction_in_hover_table_and_summary(
    monkeypatch, values, flagged, note, items
):
    """Each rule's signal names its rule and direction in table, hover and summary."""
    # A bar chart too: its run chart's hover is unified over x like a line chart's, so
    # pointing at a period shows the series' note wherever the signal marker is.
    built = _view(monkeypatch, values, kind="bar")
    rows = built["table"]["rows"]
    assert [i for i, row in enumerate(rows) if row[-1]] == flagged
    assert {rows[i][-1] for i in flagged} == {note}
    line = built["figure"].data[0]
    assert [line.customdata[i] for i in flagged] == [" – " + note] * len(flagged)
    assert built["figure"].layout.hovermode == "x unified"
    # The signal markers do not repeat the note in the hover.
    for trace in built["figure"].data:
        if trace.name.startswith("Erityinen syy"):
            assert trace.hoverinfo == "skip"
    assert built["summary"].endswith(f"Sen merkkejä on {len(flagged)} jaksossa: {items}.")


# --- issue 7 item 4, after review: no zero-width limits --------------------------------


def test_s041_a_flat_baseline_has_no_limits_and_flags_nothing_outside():
    """A flat baseline has no limits and nothing outside, but run rules still apply."""
    # Twelve 50s: mean 50, eleven moving ranges of 0, mean moving range 0. Limits would
    # be 50 ± 2.66 × 0 = 50 .. 50 and 51 would be "outside"; instead no limits.
    analysis = _xmr([50.0] * 12 + [51.0])
    assert analysis["mean"].tolist() == [50.0] * 13
    assert analysis["upper"].isna().all() and analysis["lower"].isna().all()
    assert analysis["no_limits"].tolist() == ["flat"] * 13
    assert analysis["ranges"].tolist() == [11] * 13
    assert not analysis["signal"].any()
    # The run rules need only the mean: seven 51s above 50 are still a shift (+1), and
    # nothing is "near" a limit that does not exist.
    shifted = _xmr([50.0] * 12 + [51.0] * 7)
    assert shifted["shift"].tolist() == [0] * 12 + [1] * 7
    assert not shifted["outside"].any() and not shifted["two_of_three"].any()


def test_s042_too_few_moving_ranges_give_no_limits():
    """Fewer than five moving ranges give no limits and no signals."""
    # Phase 1 is 20, 20.1, 20, 20.1, 25: mean 105.2 / 5 = 21.04; four moving ranges
    # 0.1, 0.1, 0.1, 4.9, mean 1.3: limits would be 21.04 ± 3.458 = 17.582 .. 24.498,
    # and 25 would be "outside". Four moving ranges are fewer than five: no limits.
    analysis = _xmr(B + [20.0, 20.1, 20.0, 20.1, 25.0], phases=[0] * 12 + [1] * 5)
    phase = analysis.iloc[12:]
    assert phase["mean"].tolist() == pytest.approx([21.04] * 5)
    assert phase["upper"].isna().all() and phase["lower"].isna().all()
    assert phase["no_limits"].tolist() == ["few_ranges"] * 5
    assert phase["ranges"].tolist() == [4] * 5
    assert not phase["signal"].any()
    # Twelve shown months, every other one suppressed: no two neighbours are shown, so
    # no moving range at all.
    gappy = _xmr([10.0, NAN, 12.0, NAN] * 6)
    assert gappy["no_limits"].iloc[0] == "few_ranges" and gappy["ranges"].iloc[0] == 0


def test_s043_the_summary_says_why_a_phase_has_no_limits(monkeypatch):
    """The summary says a flat phase has no limits and the table and lines leave them empty."""
    # 1/2024 .. 12/2024 all 50 %: flat (moving ranges all 0). A user phase from 1/2025
    # holds B: mean 11 %, limits 5,68 .. 16,32 -> "5,7 %" and "16,3 %". Nothing signals:
    # the flat year sits on its mean, B stays inside its limits.
    built = _view(monkeypatch, [50.0] * 12 + B, phases=("2025-01",))
    assert built["summary"] == (
        "Keskiarvo ja rajat lasketaan uudelleen kohdissa: 1/2025 (valittu vaiheen alku). "
        "1/2024 alkaen rajoja ei näytetä, koska arvo ei muutu lainkaan jaksosta toiseen, "
        "joten tavallisen vaihtelun suuruutta ei voi arvioida. "
        "1/2025 alkaen keskiarvo on 11,0\u00a0%. Tavallisen vaihtelun rajat ovat 5,7\u00a0% "
        "ja 16,3\u00a0% (laskettu 12 ensimmäisestä jaksosta). "
        "Erityistä syytä eli muutosta, jota tavallinen vaihtelu ei selitä, ei näy."
    )
    # No limit lines and empty limit cells in the flat year.
    assert [row[4:6] for row in built["table"]["rows"][:12]] == [["", ""]] * 12
    upper = next(trace for trace in built["figure"].data if trace.name == "Vaihtelun rajat")
    assert list(upper.y[:12]) == [None] * 12
    # Only the flat year: the sentence speaks of it as the latest phase.
    built = _view(monkeypatch, [50.0] * 12)
    assert built["summary"].startswith(
        "1/2024 alkaen keskiarvo on 50,0\u00a0%. Rajoja ei näytetä, koska arvo ei muutu "
        "lainkaan jaksosta toiseen"
    )


# --- issue 7 item 4, after review: the payload's view is the view drawn ----------------


def _payload_of(monkeypatch, values, view, phases=()):
    """``payload._payload`` (uncached) of a monthly series from 1/2024, no database."""
    from charts import payload
    from queries.filters import Filters

    _view(monkeypatch, values)  # registers the chart and patches the data window, events
    monkeypatch.setattr(payload, "data_as_of", lambda: date(2025, 6, 30))
    monkeypatch.setattr(payload, "is_synthetic", lambda: False)
    filters = payload.effective_filters(payload.CHARTS["test-spc"], Filters(start="2024-01"))
    return payload._payload.uncached("test-spc", filters, "fi", view, phases)


def test_s044_a_run_chart_that_cannot_be_drawn_is_a_time_series_everywhere(monkeypatch):
    """A run chart that cannot be drawn is a plain time series in view, caption and summary."""
    # 11 months: fewer than the 12 shown values a run chart needs.
    built = _payload_of(monkeypatch, B[:11], "spc", ("2024-05",))
    assert built["view"] == "series" and built["phases"] == []
    context = built["figure"]["layout"]["meta"]["tkExport"]["context"]
    # The caption lines of exported images and slides do not claim the run chart.
    assert not any(line.startswith("Näkymä:") for line in context)
    # No mean or limit lines: the figure is the time series.
    assert "Keskiarvo" not in {trace.get("name") for trace in built["figure"]["data"]}
    assert built["summary"].startswith("Muutoksen tunnistukseen tarvitaan vähintään 12")
    # With twelve months it is the run chart, and says so.
    built = _payload_of(monkeypatch, B, "spc", ("2024-05",))
    assert built["view"] == "spc" and built["phases"] == ["2024-05"]
    context = built["figure"]["layout"]["meta"]["tkExport"]["context"]
    assert "Näkymä: Onko muutos todellinen?" in context


# --- issue 7 item 4, after review: plain words --------------------------------------


def test_s045_hidden_values_are_salattu_everywhere_in_the_catalog():
    """No Finnish catalog text calls withheld values "piilotettu"."""
    from translations import catalog

    # Small-count protection is "salattu" (chart.hidden: "Salattu (..)"); no text calls
    # the same thing "piilotettu".
    assert [key for key, text in catalog("fi").items() if "piilo" in text.lower()] == []


def test_s046_the_run_chart_sentences_are_short_and_say_erityinen_syy_once(monkeypatch):
    """Run-chart sentences have at most 20 words, explain the term once and avoid jargon."""
    # Signals, phases, trial limits and a suppressed month in one sentence set: B, then
    # 9, 9.5, ..., 12 (a rising run, s004), a user phase from 8/2025 of eight months with
    # the third (10/2025) suppressed: seven shown, moving ranges 1 | 1, 1, 1, 1 (five,
    # none across the gap), so limits, but trial limits (7 < 12 points).
    values = B + [9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0] + [20.0, 21.0, NAN] + [20.0, 21.0] * 2
    values += [20.0]
    built = _view(monkeypatch, values, phases=("2025-08",), suppressed={21})
    summary = built["summary"]
    sentences = [part for part in summary.replace("\u00a0", " ").split(". ") if part]
    # Short sentences: at most 20 words each (the longest, the suppression caveat, has
    # 16: "Keskiarvo ja rajat on laskettu vain näytetyistä jaksoista, joten ne voivat
    # olla vinoja").
    assert max(len(sentence.split()) for sentence in sentences) <= 20, sentences
    # The one term of art is explained exactly once, and the older jargon is gone.
    assert summary.count("tarkoittaa muutosta, jota tavallinen vaihtelu ei selitä") == 1
    lowered = summary.lower()
    for jargon in ("erityissy", "tavanomai", "piilo", "prosessi", "sigma"):
        assert jargon not in lowered, jargon
    assert "Salattuja jaksoja on 1" in summary
    assert "Rajat ovat alustavia 8/2025 alkaen" in summary


def test_s050_rules_that_disagree_are_each_named_under_their_own_kind():
    """A point below the lower limit inside a rising run of a higher-is-better share:
    the limit says concern, the run improvement; the note says both, each rule under
    its own kind, not "heikennys" for both (found by a review)."""
    from charts.spc_text import rule_notes

    row = {rule: 0 for rule in ("outside", "trend", "two_of_three", "shift")}
    analysis = pd.DataFrame([{**row, "outside": -1, "trend": 1, "signal": True}])
    (note,) = rule_notes(analysis, higher_is_better=True, lang="fi")
    assert (
        note
        == "heikennys: arvo alarajan alapuolella; parannus: vähintään 7 arvoa peräkkäin nousussa"
    )
    # Where lower is better, the same signs swap kinds.
    (note,) = rule_notes(analysis, higher_is_better=False, lang="fi")
    assert (
        note
        == "parannus: arvo alarajan alapuolella; heikennys: vähintään 7 arvoa peräkkäin nousussa"
    )
