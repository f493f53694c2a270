"""The /hoitoonpaasy figure builders on tiny hand-made frames (no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from charts.figures.deadlines import deadline_line_label, deadline_segments, deadline_share_figure
from charts.figures.stacked import STACK_COLOURS, stacked_total_figure
from charts.figures.time_series import (
    HIDDEN_META,
    HIDDEN_RANK,
    MODEBAR_ROOM,
    FigureOptions,
    time_series_figure,
)

pytestmark = pytest.mark.unit

TS = pd.Timestamp


def _deadlines():
    """The primary-care history of targets.csv: 90 d, 14 d (in two rows: the 7-day
    reform of 1.11.2024 was cancelled), and from 2025 90 d at 23+ and 14 d under 23."""
    rows = [
        ("2005-03-01", "2023-08-31", 0, 150, 90, "laki A"),
        ("2023-09-01", "2024-10-31", 0, 150, 14, "laki B"),
        ("2024-11-01", "2024-12-31", 0, 150, 14, "laki B2"),
        ("2025-01-01", None, 23, 150, 90, "laki C"),
        ("2025-01-01", None, 0, 22, 14, "laki D"),
    ]
    return pd.DataFrame(
        [
            {
                "kind": "legal_deadline",
                "valid_from": TS(a),
                "valid_to": TS(b) if b else pd.NaT,
                "age_min": lo,
                "age_max": hi,
                "value": float(v),
                "comparison": "<=",
                "source": src,
            }
            for a, b, lo, hi, v, src in rows
        ]
    )


def _frame(rows):
    """Tidy rows from (period, series, value[, suppressed])."""
    return pd.DataFrame(
        [
            {
                "period": TS(p),
                "series": s,
                "value": v,
                "numerator": np.nan,
                "denominator": np.nan,
                "suppressed": bool(rest[0]) if rest else False,
            }
            for p, s, v, *rest in rows
        ]
    )


def _options(**overrides):
    base = {
        "kind": "line",
        "unit": "percent",
        "grain": "month",
        "series_labels": {"within_deadline": "Toteutui määräajassa"},
        "target_label": "Tavoite",
        "decimals": 1,
        "lang": "fi",
    }
    base.update(overrides)
    return FigureOptions(**base)


SHARE = _frame(
    [
        ("2023-08-01", "within_deadline", 83.3),
        ("2023-09-01", "within_deadline", 71.4),
        ("2025-01-01", "within_deadline", 57.7),
    ]
)


DAY_MS = 24 * 3600 * 1000


def _axes(fig):
    """The layout's axis objects by name (xaxis, yaxis2, ...)."""
    layout = fig.layout.to_plotly_json()
    return {key: value for key, value in layout.items() if key[1:5] == "axis"}


def test_fa001_deadline_history_is_a_strip_under_the_share_not_a_second_axis():
    """Legal deadlines are a labelled strip under the share on the same time axis, not an axis."""
    fig = deadline_share_figure(SHARE, _deadlines(), _options())
    share, strip = fig.data
    # The share keeps the only value axis of the top plot, 0-100 %.
    assert share.name == "Toteutui määräajassa" and share.yaxis in (None, "y")
    assert list(share.y) == [83.3, 71.4, 57.7]
    assert fig.layout.yaxis.range == (0, 100)
    # No axis overlays another: the deadlines (days) never share the share's plot.
    assert all("overlaying" not in axis for axis in _axes(fig).values())
    # The strip is its own plot under the share, on the same time axis.
    assert (strip.type, strip.orientation, strip.xaxis, strip.yaxis) == ("bar", "h", "x2", "y2")
    assert fig.layout.xaxis2.matches == "x" and fig.layout.yaxis2.visible is False
    # Height 360 + 2 strip rows x 24 px + a 30 px gap = 438; plot area 438 - 16 - 40 = 382
    # px: the share keeps its 304 px on top (78 / 382 up), the strip the lowest 48 px.
    assert fig.layout.height == 438
    assert fig.layout.yaxis.domain == (78 / 382, 1)
    assert fig.layout.yaxis2.domain == (0, 48 / 382)
    # Shown: 1.8.2023 to the end of 1/2025. One labelled bar per stretch of one
    # deadline, at its true dates: 90 d for August (31 days); 14 d from 1.9.2023 to
    # 31.12.2024, the two 14-day rows joined (122 + 366 = 488 days); then 14 d under
    # 23 (top row) and 90 d from 23 (bottom row) in January 2025 (31 days each).
    assert list(strip.text) == [
        "90\u00a0vrk",
        "14\u00a0vrk",
        "alle 23 v.: 14\u00a0vrk",
        "vähintään 23 v.: 90\u00a0vrk",
    ]
    assert [TS(base) for base in strip.base] == [
        TS("2023-08-01"),
        TS("2023-09-01"),
        TS("2025-01-01"),
        TS("2025-01-01"),
    ]
    assert list(strip.x) == [31 * DAY_MS, 488 * DAY_MS, 31 * DAY_MS, 31 * DAY_MS]
    # Every age fills the strip; the two age groups split it into rows.
    assert list(strip.y) == [0.5, 0.5, 0.75, 0.25]
    assert list(strip.width) == [1.0, 1.0, 0.5, 0.5]
    # The hover gives the dates and cites the source(s).
    assert strip.customdata[1] == "1.9.2023–31.12.2024: 14\u00a0vrk<br>laki B; laki B2"
    assert strip.customdata[0].endswith("<br>laki A")
    assert not strip.showlegend
    # The strip is titled; the room on the right is the toolbar's.
    assert [note.text for note in fig.layout.annotations] == ["Lakisääteinen määräaika"]
    assert fig.layout.margin.r == MODEBAR_ROOM


def test_fa002_one_row_before_the_age_split():
    """Before the age split the deadline strip has one row, cut at the last period shown."""
    before = SHARE[SHARE["period"] < TS("2025-01-01")]
    fig = deadline_share_figure(before, _deadlines(), _options())
    strip = fig.data[-1]
    # Up to 9/2023 only the every-age rows are in view: 90 d in August, 14 d in
    # September (to the end of the last period shown, 30 days).
    assert list(strip.text) == ["90\u00a0vrk", "14\u00a0vrk"]
    assert list(strip.x) == [31 * DAY_MS, 30 * DAY_MS]
    # One strip row: 360 + 24 + 30 px.
    assert fig.layout.height == 414


def test_fa003_without_deadlines_or_data_it_is_the_plain_series_chart():
    """Without deadlines the chart is the plain series chart; without data, no strip."""
    plain = time_series_figure(SHARE, _deadlines().iloc[0:0], _options())
    built = deadline_share_figure(SHARE, _deadlines().iloc[0:0], _options())
    assert built.to_json() == plain.to_json()
    empty = SHARE.iloc[0:0]
    fig = deadline_share_figure(empty, _deadlines(), _options())
    assert all(trace.yaxis in (None, "y") for trace in fig.data)
    # time_series_figure itself never draws legal deadlines (only programme targets).
    assert len(time_series_figure(SHARE, _deadlines(), _options()).data) == 1


def test_fa005_deadline_segments_at_quarter_grain_show_the_change_inside_the_quarter():
    """A deadline change inside a quarter shows as two stretches at their own dates."""
    # Q3/2023 (1.7.-30.9.) spans the change of 1.9.2023: the strip shows both, at
    # their dates (July-August 90 d, September on 14 d), so the quarter reads as mixed.
    stretches = deadline_segments(
        _deadlines()[_deadlines()["age_max"] == 150], TS("2023-07-01"), TS("2023-10-01")
    )
    assert list(zip(stretches["start"], stretches["end"], stretches["value"], strict=True)) == [
        (TS("2023-07-01"), TS("2023-09-01"), 90.0),
        (TS("2023-09-01"), TS("2023-10-01"), 14.0),
    ]


def test_fa004_deadline_line_labels():
    """Deadline labels name the age group: under, at least, or a range of years."""
    assert deadline_line_label(0, 150, "fi") == "Lakisääteinen määräaika"
    assert deadline_line_label(0, 22, "fi").endswith(", alle 23 v.")
    assert deadline_line_label(23, 150, "fi").endswith(", vähintään 23 v.")
    assert deadline_line_label(18, 64, "fi").endswith(", 18–64 v.")


def _referrals():
    rows = []
    for period, values in [("2024-01-01", [8, None, None]), ("2024-02-01", [5, 7, None])]:
        rows.append((period, "total", 19))
        for key, value in zip(["a", "b", "c"], values, strict=True):
            rows.append((period, key, np.nan if value is None else value, value is None))
    return _frame(rows)


def test_fa010_stacked_parts_with_the_total_as_a_line():
    """Parts are stacked bars in distinct colours and the total a line drawn last."""
    labels = {"total": "Yhteensä", "a": "Sisätaudit", "b": "Ortopedia", "c": "Kirurgia"}
    options = _options(kind="stacked", unit="count", decimals=0, series_labels=labels)
    fig = stacked_total_figure(_referrals(), pd.DataFrame(columns=["kind"]), options)
    bars = [trace for trace in fig.data if isinstance(trace, go.Bar)]
    assert [bar.name for bar in bars] == ["Sisätaudit", "Ortopedia", "Kirurgia"]
    assert fig.layout.barmode == "stack"
    # A suppressed part is a missing segment; the total line still shows 19.
    assert np.isnan(bars[1].y[0])
    (total,) = [trace for trace in fig.data if trace.name == "Yhteensä"]
    assert list(total.y) == [19, 19]
    assert total.legendrank == 1 and fig.data[-1] is total
    assert [bar.marker.color for bar in bars] == list(STACK_COLOURS[:3])


def test_fa012_hidden_stack_segments_are_marked_on_top_of_the_shown_stack():
    """Hidden stack parts are marked on top of the shown stack and named in hover and legend."""
    labels = {"total": "Yhteensä", "a": "Sisätaudit", "b": "Ortopedia", "c": "Kirurgia"}
    options = _options(kind="stacked", unit="count", decimals=0, series_labels=labels)
    fig = stacked_total_figure(_referrals(), pd.DataFrame(columns=["kind"]), options)
    (mark,) = [trace for trace in fig.data if trace.meta == HIDDEN_META]
    # January: a = 8 shown, b and c hidden -> one mark on top of the shown 8.
    # February: a = 5 and b = 7 shown, c hidden -> a mark at 5 + 7 = 12.
    assert list(mark.x) == [TS("2024-01-01"), TS("2024-02-01")]
    assert list(mark.y) == [8.0, 12.0]
    assert list(mark.customdata) == ["Ortopedia, Kirurgia", "Kirurgia"]
    # The legend names every hidden class (b, c in drawing order), not only "hidden".
    assert mark.name == "Salattu (..): Ortopedia, Kirurgia"
    assert "%{customdata}" in mark.hovertemplate
    # Drawn in the middle of its period like the bars; last in the (reading-order)
    # legend.
    assert mark.xperiodalignment == "middle" and mark.xperiod == "M1"
    assert fig.layout.legend.traceorder == "normal" and mark.legendrank == HIDDEN_RANK


def test_fa013_hidden_parts_of_a_plain_stack_and_of_a_single_bar():
    """Hidden parts are marked on a plain stack, a lone bar's axis and a line; none when shown."""
    frame = _frame(
        [
            ("2024-01-01", "a", 60.0),
            ("2024-01-01", "b", np.nan, True),
            ("2024-01-01", "c", 15.0),
            ("2024-02-01", "a", 70.0),
            ("2024-02-01", "b", 20.0),
            ("2024-02-01", "c", 10.0),
        ]
    )
    labels = {"a": "0–7 vrk", "b": "8–14 vrk", "c": "15–90 vrk"}
    stacked = time_series_figure(
        frame, pd.DataFrame(columns=["kind"]), _options(kind="stacked", series_labels=labels)
    )
    (mark,) = [trace for trace in stacked.data if trace.meta == HIDDEN_META]
    # Only January has a hidden part: on top of the shown 60 + 15 = 75 %.
    assert list(mark.x) == [TS("2024-01-01")] and list(mark.y) == [75.0]
    assert list(mark.customdata) == ["8–14 vrk"]
    # The stack's legend runs top-down (reversed); the mark still comes last.
    assert stacked.layout.legend.traceorder == "reversed" and mark.legendrank == -HIDDEN_RANK
    # A single hidden bar (kind "bar": only the headline is bars) is marked on the axis.
    bar = time_series_figure(
        frame[frame["series"] == "b"],
        pd.DataFrame(columns=["kind"]),
        _options(kind="bar", series_labels={"b": "Lähetteet"}),
    )
    (mark,) = [trace for trace in bar.data if trace.meta == HIDDEN_META]
    assert list(mark.y) == [0.0] and list(mark.customdata) == ["Lähetteet"]
    # Nothing hidden, nothing marked.
    shown = time_series_figure(
        frame[frame["period"] == TS("2024-02-01")],
        pd.DataFrame(columns=["kind"]),
        _options(kind="stacked", series_labels=labels),
    )
    assert not [trace for trace in shown.data if trace.meta == HIDDEN_META]
    # A line's hidden point is a gap, and marked on the axis like a hidden bar:
    # January, 8–14 vrk.
    no_targets = pd.DataFrame(columns=["kind"])
    lines = time_series_figure(frame, no_targets, _options(series_labels=labels))
    (mark,) = [trace for trace in lines.data if trace.meta == HIDDEN_META]
    assert list(mark.x) == [TS("2024-01-01")] and list(mark.y) == [0.0]
    assert list(mark.customdata) == ["8–14 vrk"] and mark.name == "Salattu (..): 8–14 vrk"


def test_fa011_stack_colours_do_not_repeat_for_eight_specialties():
    """Eight stacked specialties get eight different colours."""
    keys = [f"s{i}" for i in range(8)]
    frame = _frame([("2024-01-01", "total", 80)] + [("2024-01-01", k, 10) for k in keys])
    options = _options(
        kind="stacked",
        unit="count",
        decimals=0,
        series_labels={"total": "Yhteensä", **{k: k for k in keys}},
    )
    fig = stacked_total_figure(frame, pd.DataFrame(columns=["kind"]), options)
    colours = [trace.marker.color for trace in fig.data if isinstance(trace, go.Bar)]
    assert len(colours) == 8 and len(set(colours)) == 8
