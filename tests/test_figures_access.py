"""The /hoitoonpaasy figure builders on tiny hand-made frames (no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.figures import (
    STACK_COLOURS,
    FigureOptions,
    deadline_line_label,
    deadline_share_figure,
    stacked_total_figure,
    time_series_figure,
)

TS = pd.Timestamp


def _deadlines():
    """The primary-care history of targets.csv, shortened: 90 d, 14 d, and from 2025
    90 d at 23+ and 14 d under 23."""
    rows = [
        ("2005-03-01", "2023-08-31", 0, 150, 90, "laki A"),
        ("2023-09-01", "2024-12-31", 0, 150, 14, "laki B"),
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


def test_fa001_deadline_lines_follow_the_history_by_age_group():
    fig = deadline_share_figure(SHARE, _deadlines(), _options())
    share, *lines = fig.data
    # The share stays on the first axis, drawn exactly as time_series_figure draws it.
    assert share.name == "Toteutui määräajassa" and share.yaxis in (None, "y")
    assert list(share.y) == [83.3, 71.4, 57.7]
    assert [line.yaxis for line in lines] == ["y2", "y2", "y2"]
    every, under, over = lines
    assert every.name == "Lakisääteinen määräaika"
    # Every age: 90 d from the first period to 31.8.2023, then 14 d to 31.12.2024 (the
    # 1990s start is clipped to the x range; contiguous rows are one line).
    assert list(every.x) == [TS("2023-08-01"), TS("2023-08-31"), TS("2023-09-01"), TS("2024-12-31")]
    assert list(every.y) == [90, 90, 14, 14]
    # From 2025 one line per age group, to the end of the last period shown (1/2025).
    assert under.name == "Lakisääteinen määräaika, alle 23 v."
    assert list(under.x) == [TS("2025-01-01"), TS("2025-01-31")] and list(under.y) == [14, 14]
    assert over.name == "Lakisääteinen määräaika, vähintään 23 v."
    assert list(over.y) == [90, 90]
    # The hover cites the source of the row.
    assert list(every.text) == ["laki A", "laki A", "laki B", "laki B"]
    assert "%{text}" in every.hovertemplate and "vrk" in every.hovertemplate
    assert every.line.shape == "hv"
    assert len({line.line.dash for line in lines}) == 3
    # The second axis is in days, from 0, above the highest deadline.
    axis = fig.layout.yaxis2
    assert axis.overlaying == "y" and axis.side == "right"
    assert axis.range == (0, 90 * 1.15)
    assert list(axis.tickvals) == [0, 14, 90]
    assert list(axis.ticktext) == ["0\u00a0vrk", "14\u00a0vrk", "90\u00a0vrk"]
    assert fig.layout.yaxis.range == (0, 100)


def test_fa002_single_line_before_the_age_split():
    before = SHARE[SHARE["period"] < TS("2025-01-01")]
    fig = deadline_share_figure(before, _deadlines(), _options())
    lines = [trace for trace in fig.data if trace.yaxis == "y2"]
    # Up to 9/2023 only the every-age rows are in view: one line, 90 d then 14 d.
    assert [line.name for line in lines] == ["Lakisääteinen määräaika"]
    assert list(lines[0].y) == [90, 90, 14, 14]
    assert lines[0].x[-1] == TS("2023-09-30")


def test_fa003_without_deadlines_or_data_it_is_the_plain_series_chart():
    plain = time_series_figure(SHARE, _deadlines().iloc[0:0], _options())
    built = deadline_share_figure(SHARE, _deadlines().iloc[0:0], _options())
    assert built.to_json() == plain.to_json()
    empty = SHARE.iloc[0:0]
    fig = deadline_share_figure(empty, _deadlines(), _options())
    assert all(trace.yaxis != "y2" for trace in fig.data)
    # time_series_figure itself never draws legal deadlines (only programme targets).
    assert len(time_series_figure(SHARE, _deadlines(), _options()).data) == 1


def test_fa004_deadline_line_labels():
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
    labels = {"total": "Yhteensä", "a": "Sisätaudit", "b": "Ortopedia", "c": "Kirurgia"}
    options = _options(kind="stacked", unit="count", decimals=0, series_labels=labels)
    fig = stacked_total_figure(_referrals(), pd.DataFrame(columns=["kind"]), options)
    bars = [trace for trace in fig.data if isinstance(trace, go.Bar)]
    assert [bar.name for bar in bars] == ["Sisätaudit", "Ortopedia", "Kirurgia"]
    assert fig.layout.barmode == "stack"
    # A suppressed part is a missing segment; the total line still shows 19.
    assert np.isnan(bars[1].y[0])
    (total,) = [trace for trace in fig.data if isinstance(trace, go.Scatter)]
    assert total.name == "Yhteensä" and list(total.y) == [19, 19]
    assert total.legendrank == 1 and fig.data[-1] is total
    assert [bar.marker.color for bar in bars] == list(STACK_COLOURS[:3])


def test_fa011_stack_colours_do_not_repeat_for_eight_specialties():
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
