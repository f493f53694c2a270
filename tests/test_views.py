"""Small multiples and event overlays on tiny hand-made inputs (the run chart: test_spc)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts.figures.annotations import add_events, events_in_view
from charts.figures.small_multiples import small_multiples_figure
from charts.figures.time_series import FigureOptions

pytestmark = pytest.mark.unit

TS = pd.Timestamp


def _frame(values):
    return pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=len(values), freq="MS"),
            "series": "s",
            "value": values,
            "suppressed": False,
        }
    )


def test_v010_small_multiples_share_axes_one_panel_per_unit():
    """Small multiples draw one panel per unit with shared axes and fit 1-3 columns by width."""
    options = FigureOptions(
        kind="line",
        unit="percent",
        grain="month",
        series_labels={},
        target_label="",
        decimals=1,
        lang="fi",
    )
    fig = small_multiples_figure(
        {
            "A": _frame([1.0, 2.0]),
            "B": _frame([3.0, 4.0]),
            "C": _frame([5.0, 6.0]),
            "D": _frame([7.0, 8.0]),
        },
        "s",
        options,
    )
    assert [trace.name for trace in fig.data] == ["A", "B", "C", "D"]
    assert [a.text for a in fig.layout.annotations] == ["A", "B", "C", "D"]
    # One pair of axes per panel, every one matching the first panel's (shared axes).
    assert [(trace.xaxis, trace.yaxis) for trace in fig.data] == [
        ("x", "y"),
        ("x2", "y2"),
        ("x3", "y3"),
        ("x4", "y4"),
    ]
    assert [fig.layout[f"yaxis{i}"].matches for i in (2, 3, 4)] == ["y"] * 3
    assert [fig.layout[f"xaxis{i}"].matches for i in (2, 3, 4)] == ["x"] * 3
    # As built, the widest class (780 px and up): three columns, so two rows. Plot
    # width 780 - 56 - 40 = 684 px; gaps 52 / 684 = 0.076023; panels (1 - 2 * gap) / 3
    # = 0.282651 wide. Rows of 30 (title) + 110 (plot) + 30 (ticks) + 12 (gap) = 182 px;
    # height 40 + 2 * 182 + 40 - 42 = 402 px, plotting area 402 - 80 = 322 px. D is
    # the second row's first: x [0, 0.282651], its plot 182 + 30 = 212 px from the top,
    # y [1 - 322 / 322, 1 - 212 / 322] = [0, 0.341615].
    assert fig.layout.height == 402
    assert fig.layout.xaxis4.domain == (0.0, 0.282651)
    assert fig.layout.yaxis4.domain == (0.0, 0.341615)
    assert fig.layout.xaxis2.domain == (0.358674, 0.641326)  # 0.282651 + 0.076023
    # Narrower figures take one column (under 520 px) or two (520-779 px).
    classes = fig.layout.meta["tkFit"]
    assert [entry["minWidth"] for entry in classes] == [0, 520, 780]
    assert classes[0]["layout"]["xaxis4.domain"] == [0.0, 1.0]


def test_v020_events_in_view_and_overlay():
    """Only events of this chart or all charts within the range are drawn, one line each."""
    events = pd.DataFrame(
        {
            "event_date": [TS("2023-09-01"), TS("2023-09-01"), TS("2025-01-01")],
            "chart_id": [None, "other-chart", None],
            "label_fi": ["Koko alue", "Toinen kuvaaja", "Myöhemmin"],
            "label_sv": ["a", "b", "c"],
            "label_en": ["a", "b", "c"],
        }
    )
    shown = events_in_view(events, "my-chart", TS("2023-01-01"), TS("2024-12-31"))
    assert shown["label_fi"].tolist() == ["Koko alue"]
    fig = add_events(go.Figure(), shown, "label_fi")
    assert len(fig.layout.shapes) == 1 and fig.layout.annotations[0].text == "Koko alue"


def test_v011_units_sentence_compares_units_within_one_period(monkeypatch):
    """The units sentence compares only units that have the latest period."""
    # Unit A's data end in 2/2024 (60.0, 80.0), unit B's in 1/2024 (100.0). The
    # sentence names the latest period, 2/2024, and only the units that have it: A is
    # both the highest and the lowest (80,0 %). B's 100,0 % of 1/2024 is not compared
    # with A's 2/2024 (it stays in the table with its own period).
    from charts import payload
    from charts.catalog import CHARTS
    from queries.filters import Filters

    spec = CHARTS["hoitotakuu-7vrk"]
    a = _frame([60.0, 80.0]).assign(series=spec.series[0])
    b = _frame([100.0]).assign(series=spec.series[0])
    monkeypatch.setattr(payload, "_unit_panels", lambda *_: {"A": a, "B": b})
    monkeypatch.setattr(payload, "small_multiples_figure", lambda *_: go.Figure())
    view = payload._units_view(spec, Filters(start="2024-01", end="2024-02"), "fi")
    assert view["summary"] == ("Jakso 2/2024: suurin arvo A (80,0\u00a0%), pienin A (80,0\u00a0%).")
    assert ["B", "1/2024", "100,0\u00a0%"] in view["table"]["rows"]
