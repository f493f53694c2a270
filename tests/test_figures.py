"""Figure builders and summary sentences on tiny hand-made frames (no database)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from charts.figures import FigureOptions, _month_step, target_steps, time_series_figure
from charts.summary import format_change, format_value, period_label, summarise

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


def test_f001_target_steps_contiguous_years_have_no_gap():
    targets = _targets([("2022-01-01", "2022-12-31", 10, ">"), ("2023-01-01", None, 25, ">")])
    xs, ys, texts = target_steps(targets, TS("2022-06-01"), TS("2023-03-31"))
    # First segment clipped to start at 2022-06-01; the open-ended one runs to x_end.
    assert xs == [TS("2022-06-01"), TS("2022-12-31"), TS("2023-01-01"), TS("2023-03-31")]
    assert ys == [10, 10, 25, 25]
    assert texts[0] == "plan 10"


def test_f002_target_steps_break_between_separate_periods_and_skip_outside():
    targets = _targets(
        [
            ("2022-01-01", "2022-03-31", 5, ">="),
            ("2022-07-01", "2022-09-30", 7, ">="),
            ("2030-01-01", None, 9, ">="),
        ]
    )
    xs, ys, _ = target_steps(targets, TS("2022-01-01"), TS("2022-12-31"))
    assert xs == [TS("2022-01-01"), TS("2022-03-31"), None, TS("2022-07-01"), TS("2022-09-30")]
    assert ys == [5, 5, None, 7, 7]


def test_f003_line_figure_keeps_suppressed_gap_and_draws_target():
    frame = _frame([40.0, np.nan, 45.0], suppressed=[False, True, False])
    fig = time_series_figure(frame, _targets([("2024-01-01", None, 45, ">=")]), _options())
    data, target = fig.data
    assert list(data.y[:1]) == [40.0] and math.isnan(data.y[1]) and data.y[2] == 45.0
    assert target.name == "Tavoite" and target.line.shape == "hv"
    assert list(target.y) == [45, 45]
    assert fig.layout.separators == ",\u00a0"
    assert list(fig.layout.yaxis.range) == [0, 100]


def test_f004_bar_kind_draws_headline_as_bars_and_others_as_lines():
    frame = pd.concat([_frame([10, 12], "a"), _frame([3, 4], "b")])
    fig = time_series_figure(
        frame,
        _targets([]).iloc[0:0],
        _options(kind="bar", unit="count", series_labels={"a": "A", "b": "B"}, decimals=0),
    )
    assert [trace.type for trace in fig.data] == ["bar", "scatter"]
    assert [trace.name for trace in fig.data] == ["A", "B"]


def test_f006_line_series_differ_by_dash_and_marker_not_only_colour():
    frame = pd.concat([_frame([10.0, 12.0], "a"), _frame([3.0, 4.0], "b")])
    fig = time_series_figure(frame, _targets([]).iloc[0:0],
                             _options(series_labels={"a": "A", "b": "B"}))
    first, second = fig.data
    assert (first.line.dash, first.marker.symbol) != (second.line.dash, second.marker.symbol)
    assert first.line.dash != second.line.dash


def test_f005_tick_step_never_exceeds_twelve_labels():
    assert _month_step("month", 6) == "M1"
    assert _month_step("month", 36) == "M3"
    assert _month_step("month", 59) == "M6"
    assert _month_step("quarter", 8) == "M3"
    assert _month_step("year", 5) == "M12"


def test_f010_period_labels_and_values_in_finnish():
    assert period_label(TS("2026-10-01"), "month") == "10/2026"
    assert period_label(TS("2025-10-01"), "quarter") == "Q4/2025"
    assert period_label(TS("2025-01-01"), "year") == "2025"
    assert format_value(38.24, "percent", 1, "fi") == "38,2\u00a0%"
    assert format_value(45, "days", 0, "fi") == "45\u00a0vrk"
    assert format_value(12345, "count", 0, "fi") == "12\u00a0345"
    assert format_change(-2.5, "percent", 1, "fi") == "\u22122,5\u00a0%-yks."


def test_f011_summary_latest_change_and_target():
    # 13 months: 2024-01 = 30 %, ..., 2025-01 = 46 %. Target from 2025: >= 45 %.
    values = [30.0] + [35.0] * 11 + [46.0]
    frame = _frame(values)
    targets = _targets([("2024-01-01", "2024-12-31", 30, ">"), ("2025-01-01", None, 45, ">=")])
    text = summarise(
        frame, targets, series="s", unit="percent", decimals=1, grain="month", lang="fi"
    )
    assert text == (
        "Viimeisin arvo 1/2025: 46,0\u00a0%. Vuotta aiemmin 30,0\u00a0% "
        "(muutos +16,0\u00a0%-yks.). Tavoite ≥ 45\u00a0% toteutuu."
    )


def test_f012_summary_target_not_met_and_suppressed_latest():
    targets = _targets([("2024-01-01", None, 80, ">=")])
    text = summarise(
        _frame([70.0]), targets, series="s", unit="percent", decimals=1, grain="month", lang="fi"
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
    )
    assert "salattu" in hidden and "1/2024" in hidden


def test_f020_series_colours_have_3_to_1_contrast_on_white():
    from charts.figures import SERIES_COLOURS, TARGET_COLOUR

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in (*SERIES_COLOURS, TARGET_COLOUR):
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, colour
