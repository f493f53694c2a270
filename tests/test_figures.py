"""Figure builders and summary sentences on tiny hand-made frames (no database)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from charts.figures.time_series import (
    FigureOptions,
    _month_step,
    period_targets,
    time_series_figure,
)
from charts.summary import format_change, format_value, period_label, summarise
from tests.figure_checks import drawn_periods, targets_inside

pytestmark = pytest.mark.unit

TS = pd.Timestamp


def _targets(rows):
    return pd.DataFrame(
        [
            {
                "kind": "programme_target",
                "valid_from": TS(a),
                "valid_to": TS(b) if b else pd.NaT,
                "age_min": 0,
                "age_max": 150,
                "value": v,
                "comparison": c,
                "source": f"plan {v}",
            }
            for a, b, v, c in rows
        ]
    )


def _frame(values, series="s", start="2024-01-01", suppressed=None):
    periods = pd.date_range(start, periods=len(values), freq="MS")
    return pd.DataFrame(
        {
            "period": periods,
            "series": series,
            "value": values,
            "numerator": np.nan,
            "denominator": np.nan,
            "suppressed": suppressed or [False] * len(values),
        }
    )


def _options(**overrides):
    base = {
        "kind": "line",
        "unit": "percent",
        "grain": "month",
        "series_labels": {"s": "Sarja"},
        "target_label": "Tavoite",
        "decimals": 1,
        "lang": "fi",
    }
    base.update(overrides)
    return FigureOptions(**base)


def test_f001_period_targets_one_row_per_period_from_the_row_in_force():
    """Each period gets the target row in force for all of it, in period order."""
    targets = _targets([("2022-01-01", "2022-12-31", 10, ">"), ("2023-01-01", None, 25, ">")])
    periods = pd.Series(pd.to_datetime(["2022-10-01", "2022-07-01", "2023-01-01"]))
    found = period_targets(targets, periods, "quarter")
    # In period order; Q3 and Q4/2022 end within 2022 (10), Q1/2023 under the open row.
    assert [(period, row["value"]) for period, row in found] == [
        (TS("2022-07-01"), 10),
        (TS("2022-10-01"), 10),
        (TS("2023-01-01"), 25),
    ]


def test_f002_period_targets_skip_periods_without_a_target():
    """Periods outside every target row get no target."""
    targets = _targets(
        [("2022-01-01", "2022-03-31", 5, ">="), ("2022-07-01", "2022-09-30", 7, ">=")]
    )
    periods = pd.Series(pd.date_range("2022-01-01", periods=12, freq="MS"))
    found = period_targets(targets, periods, "month")
    # January-March under 5, July-September under 7, the other months none.
    assert [(period.month, row["value"]) for period, row in found] == [
        (1, 5),
        (2, 5),
        (3, 5),
        (7, 7),
        (8, 7),
        (9, 7),
    ]


def test_f003_line_figure_keeps_suppressed_gap_and_draws_target():
    """A line keeps a gap at a withheld point, marks it on the axis, and draws the target flat."""
    frame = _frame([40.0, np.nan, 45.0], suppressed=[False, True, False])
    fig = time_series_figure(frame, _targets([("2024-01-01", None, 45, ">=")]), _options())
    data, target, mark = fig.data
    assert list(data.y[:1]) == [40.0] and math.isnan(data.y[1]) and data.y[2] == 45.0
    # The gap is marked as hidden: 2/2024, on the axis, naming the series.
    assert (list(mark.x), list(mark.y), list(mark.customdata)) == (
        [TS("2024-02-01")],
        [0.0],
        ["Sarja"],
    )
    # One flat run over the three months: from 1.1. through each month's middle to 1.4.
    assert target.name == "Tavoite"
    assert list(target.x) == [
        TS("2024-01-01"),
        TS("2024-01-16 12:00"),  # 1.1. + 31 / 2 = 15.5 days
        TS("2024-02-15 12:00"),  # 1.2. + 29 / 2 = 14.5 days (2024 is a leap year)
        TS("2024-03-16 12:00"),  # 1.3. + 31 / 2 = 15.5 days
        TS("2024-04-01"),
    ]
    assert list(target.y) == [45] * 5
    assert fig.layout.separators == ",\u00a0"
    assert list(fig.layout.yaxis.range) == [0, 100]


def test_f004_bar_kind_draws_headline_as_bars_and_others_as_lines():
    """In a bar chart the headline series is bars and the other series lines."""
    frame = pd.concat([_frame([10, 12], "a"), _frame([3, 4], "b")])
    fig = time_series_figure(
        frame,
        _targets([]).iloc[0:0],
        _options(kind="bar", unit="count", series_labels={"a": "A", "b": "B"}, decimals=0),
    )
    assert [trace.type for trace in fig.data] == ["bar", "scatter"]
    assert [trace.name for trace in fig.data] == ["A", "B"]


def test_f006_line_series_differ_by_dash_and_marker_not_only_colour():
    """Line series differ by dash and marker, not only by colour."""
    frame = pd.concat([_frame([10.0, 12.0], "a"), _frame([3.0, 4.0], "b")])
    fig = time_series_figure(
        frame, _targets([]).iloc[0:0], _options(series_labels={"a": "A", "b": "B"})
    )
    first, second = fig.data
    assert (first.line.dash, first.marker.symbol) != (second.line.dash, second.marker.symbol)
    assert first.line.dash != second.line.dash


def test_f005_tick_step_never_exceeds_twelve_labels():
    """The month tick step grows with the number of periods and grain to keep labels few."""
    assert _month_step("month", 6) == "M1"
    assert _month_step("month", 36) == "M3"
    assert _month_step("month", 59) == "M6"
    assert _month_step("quarter", 8) == "M3"
    assert _month_step("year", 5) == "M12"


def test_f010_period_labels_and_values_in_finnish():
    """Periods, values and changes are written the Finnish way."""
    assert period_label(TS("2026-10-01"), "month") == "10/2026"
    assert period_label(TS("2025-10-01"), "quarter") == "Q4/2025"
    assert period_label(TS("2025-01-01"), "year") == "2025"
    assert format_value(38.24, "percent", 1, "fi") == "38,2\u00a0%"
    assert format_value(45, "days", 0, "fi") == "45\u00a0vrk"
    assert format_value(12345, "count", 0, "fi") == "12\u00a0345"
    assert format_change(-2.5, "percent", 1, "fi") == "\u22122,5\u00a0%-yks."


def test_f011_summary_latest_change_and_target():
    """The summary states the latest value, the change from a year before and a met target."""
    # 13 months: 2024-01 = 30 %, ..., 2025-01 = 46 %. Target from 2025: >= 45 %.
    values = [30.0] + [35.0] * 11 + [46.0]
    frame = _frame(values)
    targets = _targets([("2024-01-01", "2024-12-31", 30, ">"), ("2025-01-01", None, 45, ">=")])
    text = summarise(
        frame,
        targets,
        series="s",
        unit="percent",
        decimals=1,
        grain="month",
        lang="fi",
        rounded=True,
    )
    assert text == (
        "Viimeisin arvo 1/2025: 46,0\u00a0%. Vuotta aiemmin 30,0\u00a0% "
        "(muutos +16,0\u00a0%-yks.). Tavoite ≥ 45\u00a0% toteutuu."
    )


def test_f012_summary_target_not_met_and_suppressed_latest():
    """The summary says a target is not met, and that a withheld latest value is hidden."""
    targets = _targets([("2024-01-01", None, 80, ">=")])
    text = summarise(
        _frame([70.0]),
        targets,
        series="s",
        unit="percent",
        decimals=1,
        grain="month",
        lang="fi",
        rounded=True,
    )
    assert text == "Viimeisin arvo 1/2024: 70,0\u00a0%. Tavoite ≥ 80\u00a0% ei toteudu."
    hidden = summarise(
        _frame([np.nan], suppressed=[True]),
        targets,
        series="s",
        unit="percent",
        decimals=1,
        grain="month",
        lang="fi",
        rounded=True,
    )
    assert "salattu" in hidden and "1/2024" in hidden


def test_f020_series_colours_have_3_to_1_contrast_on_white():
    """Every series and target colour has at least 3:1 contrast on white."""
    from charts.figures.time_series import SERIES_COLOURS, TARGET_COLOUR

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in (*SERIES_COLOURS, TARGET_COLOUR):
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, colour


# --- Item: each period's target at its own bar (and point) ----------------------------


def _assert_target_per_period(fig, expected):
    """Across the whole of each plotted period (its bar, or the stretch around its
    point) exactly one target is drawn: the expected one (None: no target)."""
    spans = drawn_periods(fig)
    assert sorted(spans) == sorted(expected)
    for period, (start, end) in spans.items():
        want = expected[period]
        seen = targets_inside(fig, start, end)
        assert seen == (set() if want is None else {want}), (period, seen)


def test_f030_yearly_bars_show_each_years_target_across_the_bar():
    """Yearly bars each show their own year's target across the bar, with ticks mid-year."""
    # digiasiointi-osuus in targets.csv: > 10 % (2022), > 25 % (2023), > 30 % (2024),
    # >= 45 % from 2025. Yearly bars 2022-2025.
    targets = _targets(
        [
            ("2022-01-01", "2022-12-31", 10, ">"),
            ("2023-01-01", "2023-12-31", 25, ">"),
            ("2024-01-01", "2024-12-31", 30, ">"),
            ("2025-01-01", None, 45, ">="),
        ]
    )
    frame = _frame([12.0, 20.0, 31.0, 40.0])
    frame["period"] = pd.to_datetime(["2022-01-01", "2023-01-01", "2024-01-01", "2025-01-01"])
    fig = time_series_figure(frame, targets, _options(kind="bar", grain="year"))
    _assert_target_per_period(
        fig,
        {TS("2022-01-01"): 10, TS("2023-01-01"): 25, TS("2024-01-01"): 30, TS("2025-01-01"): 45},
    )
    # Ticks sit under the bars, in the middle of each year (2.7.; 1.7. + 12 h in 2024).
    assert list(fig.layout.xaxis.tickvals)[:3] == [
        TS("2022-07-02 12:00"),  # 1.1. + 365 / 2 days
        TS("2023-07-02 12:00"),
        TS("2024-07-02"),  # 1.1. + 366 / 2 days
    ]


def test_f031_a_target_set_inside_a_period_is_not_that_periods_target():
    """A target starting inside a period is not drawn across it; a mark and the sentence say so."""
    # hoitotakuu-7vrk in targets.csv: >= 80 % "by Q4/2025", valid from 1.10.2025.
    targets = _targets([("2025-10-01", None, 80, ">=")])
    frame = _frame([70.0, 75.0])
    frame["period"] = pd.to_datetime(["2024-01-01", "2025-01-01"])
    fig = time_series_figure(frame, targets, _options(kind="bar", grain="year"))
    # The year 2025 has the 80 % on 1.10.-31.12. only, not on every day: no target is
    # drawn across its bar (2024 has none at all) ...
    _assert_target_per_period(fig, {TS("2024-01-01"): None, TS("2025-01-01"): None})
    # ... but a mark says that the target changes inside it: one dash at 80, in the
    # middle of 2025, naming the target with its dates.
    (changes,) = [trace for trace in fig.data if trace.meta == "tk-target-changes"]
    assert (list(changes.x), list(changes.y)) == ([TS("2025-01-01")], [80.0])
    assert changes.name == "Tavoite ei sama koko jakson ajan (ei arvioida)"
    assert list(changes.customdata) == [
        "≥ 80\u00a0% 1.10.2025 alkaen: jaksoa ei arvioida yhtä arvoa vastaan"
    ]
    text = summarise(
        frame,
        targets,
        series="s",
        unit="percent",
        decimals=1,
        grain="year",
        lang="fi",
        rounded=True,
    )
    # The sentence says the same: 2025 is not judged against one value.
    assert text == (
        "Viimeisin arvo 2025: 75,0\u00a0%. Vuotta aiemmin 70,0\u00a0% "
        "(muutos +5,0\u00a0%-yks.). Tavoite ei ole sama koko jakson 2025 ajan "
        "(≥ 80\u00a0% 1.10.2025 alkaen), joten jaksoa ei arvioida yhtä tavoitetta vastaan."
    )
    # At quarter grain Q4/2025 (1.10.-31.12.) has the target on every day; Q3/2025
    # (ends 30.9.) has none. No change mark.
    quarters = _frame([71.0, 81.0])
    quarters["period"] = pd.to_datetime(["2025-07-01", "2025-10-01"])
    fig = time_series_figure(quarters, targets, _options(kind="bar", grain="quarter"))
    _assert_target_per_period(fig, {TS("2025-07-01"): None, TS("2025-10-01"): 80})
    assert not [trace for trace in fig.data if trace.meta == "tk-target-changes"]


def test_f032_hidden_note_says_in_text_what_the_figure_marks():
    """The hidden-values note names each series with its withheld periods, or their count."""
    from charts.figures.time_series import hidden_note

    frame = pd.concat(
        [
            _frame([60.0, np.nan, 50.0], "a", suppressed=[False, True, False]),
            _frame([np.nan, np.nan, 40.0], "b", suppressed=[True, True, False]),
        ]
    )
    labels = {"a": "Alfa", "b": "Beeta"}
    fig = time_series_figure(
        frame, _targets([]).iloc[0:0], _options(kind="stacked", series_labels=labels)
    )
    # Hidden: Alfa in 2/2024; Beeta in 1/2024 and 2/2024; nothing in 3/2024. Each
    # hidden class by name with its periods, in drawing order.
    expected = "Kuvaajassa on salattuja arvoja (..): Alfa 2/2024; Beeta 1/2024, 2/2024."
    assert hidden_note(fig, "month", "fi") == expected
    # The same from the figure as the payload holds it (a plain dict).
    assert hidden_note(fig.to_plotly_json(), "month", "fi") == expected
    # Lines mark and say their hidden points as well.
    lines = time_series_figure(frame, _targets([]).iloc[0:0], _options(series_labels=labels))
    assert hidden_note(lines, "month", "fi") == expected
    # A class hidden in more than three periods is told by count and latest period:
    # Alfa hidden in 1/2024-5/2024 (5 periods).
    many = _frame([np.nan] * 5 + [1.0], "a", suppressed=[True] * 5 + [False])
    fig = time_series_figure(many, _targets([]).iloc[0:0], _options(series_labels=labels))
    assert hidden_note(fig, "month", "fi") == (
        "Kuvaajassa on salattuja arvoja (..): Alfa 5 jaksolla, viimeksi 5/2024."
    )


def test_f033_groups_and_participants_in_aligned_panels_not_on_two_axes():
    """Groups and participants are drawn in aligned panels, each with its own targets and marks."""
    from charts.figures.yearly import yearly_panels_figure
    from tests.figure_checks import plots_sharing_an_area

    years = pd.to_datetime(["2023-01-01", "2024-01-01"])
    frame = pd.concat(
        [
            _frame([7.0, 3.0], "groups").assign(period=years),
            # 2024: 4 participants, below the minimum: suppressed.
            _frame([180.0, np.nan], "participants", suppressed=[False, True]).assign(period=years),
        ]
    )
    targets = _targets([("2023-01-01", "2023-12-31", 7, ">="), ("2024-01-01", None, 9, ">=")])
    options = _options(
        kind="bar",
        unit="count",
        decimals=0,
        series_labels={"groups": "Ryhmät", "participants": "Osallistujat"},
    )
    fig = yearly_panels_figure(frame, targets, options, lower="participants")
    assert plots_sharing_an_area(fig) == []
    groups, *_, participants, mark = fig.data
    assert (groups.name, groups.yaxis) == ("Ryhmät", None)
    assert participants.name == "Osallistujat"
    assert (participants.xaxis, participants.yaxis) == ("x2", "y2")
    # Height 360 + a 110 px panel + a 36 px gap = 506; plot area 506 - 16 - 40 = 450 px:
    # the groups keep the top 304 px, the participants the lowest 110.
    assert fig.layout.height == 506
    assert fig.layout.yaxis.domain == (146 / 450, 1) and fig.layout.yaxis2.domain == (0, 110 / 450)
    assert fig.layout.xaxis2.matches == "x" and fig.layout.xaxis.showticklabels is False
    # Each year's target over its own bar of groups: 7 (2023), 9 (2024).
    spans = drawn_periods(fig)
    assert targets_inside(fig, *spans[TS("2023-01-01")]) == {7}
    assert targets_inside(fig, *spans[TS("2024-01-01")]) == {9}
    # 2024's hidden participants are marked in their own panel, on its axis.
    assert (mark.meta, mark.xaxis, mark.yaxis) == ("tk-hidden", "x2", "y2")
    assert list(mark.x) == [TS("2024-01-01")] and list(mark.y) == [0.0]
    assert list(mark.customdata) == ["Osallistujat"]


# --- A single period draws, in every chart kind ---------------------------------------

DAY_MS = 86_400_000


def _bars(fig):
    return [trace for trace in fig.data if trace.type == "bar" and trace.orientation != "h"]


def test_f040_a_lone_period_is_drawn_as_wide_as_its_period_in_every_kind():
    """A lone period's bar is 80 % of the period wide and the axis spans it, in every kind."""
    from charts.figures.deadlines import deadline_share_figure
    from charts.figures.stacked import breakdown_figure, stacked_total_figure
    from charts.figures.yearly import yearly_panels_figure

    no_targets = _targets([]).iloc[0:0]
    year = _frame([10.0]).assign(period=TS("2024-01-01"))
    two = pd.concat([year, year.assign(series="b", value=5.0)])
    labels = {"s": "Sarja", "b": "Toinen"}
    figures = {
        "bar": time_series_figure(year, no_targets, _options(kind="bar", grain="year")),
        "stacked": time_series_figure(
            two, no_targets, _options(kind="stacked", grain="year", series_labels=labels)
        ),
        "line": time_series_figure(year, no_targets, _options(grain="year")),
        "stacked total": stacked_total_figure(
            two, no_targets, _options(kind="stacked", grain="year", series_labels=labels)
        ),
        "breakdown": breakdown_figure(
            two, no_targets, _options(kind="bar", grain="year", series_labels=labels), lines=("s",)
        ),
        "yearly panels": yearly_panels_figure(
            two, no_targets, _options(kind="bar", grain="year", series_labels=labels), lower="b"
        ),
        "deadline strip": deadline_share_figure(year, no_targets, _options(grain="year")),
    }
    # 2024 is a leap year: 366 days. A bar fills 80 % of its period: 366 * 0.8 = 292.8
    # days = 292.8 * 86 400 000 ms = 25 297 920 000 ms (plotly gave a lone bar 1 ms).
    for kind, fig in figures.items():
        for bar in _bars(fig):
            assert list(bar.width) == [292.8 * DAY_MS], kind
        # The axis spans the whole year, 1.1.2024 to 1.1.2025, whatever else is drawn.
        assert list(fig.layout.xaxis.range) == [TS("2024-01-01"), TS("2025-01-01")], kind
    assert [len(_bars(fig)) for fig in figures.values()] == [1, 2, 0, 1, 1, 2, 0]
    # A month (from = to at month grain): February 2024 has 29 days -> 23.2 days wide.
    february = _frame([10.0]).assign(period=TS("2024-02-01"))
    fig = time_series_figure(february, no_targets, _options(kind="bar"))
    assert list(_bars(fig)[0].width) == [23.2 * DAY_MS]
    assert list(fig.layout.xaxis.range) == [TS("2024-02-01"), TS("2024-03-01")]
    # Bars of several periods keep their own lengths: 2023 has 365 days (292 days wide).
    years = _frame([10.0, 12.0]).assign(period=pd.to_datetime(["2023-01-01", "2024-01-01"]))
    fig = time_series_figure(years, no_targets, _options(kind="bar", grain="year"))
    assert list(_bars(fig)[0].width) == [292 * DAY_MS, 292.8 * DAY_MS]


def test_f041_lone_point_of_a_unit_panel_is_drawn():
    """A unit panel with one point draws it with a marker over the whole year."""
    from charts.figures.small_multiples import small_multiples_figure

    panel = _frame([10.0]).assign(period=TS("2024-01-01"))
    fig = small_multiples_figure({"Alfa": panel}, "s", _options(grain="year"))
    (line,) = [trace for trace in fig.data if trace.name == "Alfa"]
    # A line of one point draws nothing: the point needs a marker.
    assert "markers" in line.mode
    assert list(fig.layout.xaxis.range) == [TS("2024-01-01"), TS("2025-01-01")]


def test_f042_units_view_marks_and_names_hidden_points():
    """The units view marks a withheld point in its panel and names it in the note."""
    from charts.figures.small_multiples import small_multiples_figure
    from charts.figures.time_series import hidden_note

    panels = {
        "Alfa": _frame([50.0, 60.0]),
        # Beeta's 1/2024 withheld: a gap in its panel, marked there on the axis.
        "Beeta": _frame([np.nan, 40.0], suppressed=[True, False]),
    }
    fig = small_multiples_figure(panels, "s", _options())
    (mark,) = [trace for trace in fig.data if trace.meta == "tk-hidden"]
    assert (mark.xaxis, mark.yaxis) == ("x2", "y2")
    assert (list(mark.x), list(mark.y), list(mark.customdata)) == (
        [TS("2024-01-01")],
        [0.0],
        ["Beeta"],
    )
    assert hidden_note(fig, "month", "fi") == ("Kuvaajassa on salattuja arvoja (..): Beeta 1/2024.")
