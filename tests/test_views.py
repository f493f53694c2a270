"""SPC analysis, small multiples and event overlays on tiny hand-made inputs."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts.annotations import add_events, events_in_view
from charts.figures import FigureOptions
from charts.small_multiples import small_multiples_figure
from charts.spc import xmr

TS = pd.Timestamp


def test_v001_xmr_limits_from_mean_moving_range_and_no_signal():
    analysis = xmr(pd.Series([10.0, 12.0] * 6))
    # Mean 11; every moving range is 2, so the limits are 11 ± 2.66 × 2 = 5.68 .. 16.32.
    assert analysis["mean"].iloc[0] == 11.0
    assert analysis["lower"].iloc[0] == pytest.approx(5.68)
    assert analysis["upper"].iloc[0] == pytest.approx(16.32)
    assert not analysis["signal"].any()


def test_v002_point_outside_limits():
    analysis = xmr(pd.Series([10.0, 12.0] * 6 + [30.0]))
    # Mean 162 / 13 = 12.46; mean moving range (11 × 2 + 18) / 12 = 3.33;
    # upper limit 12.46 + 2.66 × 3.33 = 21.33, so 30 is outside and nothing else is.
    assert analysis["upper"].iloc[0] == pytest.approx(162 / 13 + 2.66 * 40 / 12)
    assert analysis["outside"].tolist() == [False] * 12 + [True]


def test_v003_shift_of_seven_on_each_side_of_the_mean():
    values = [10.0, 11.0] * 3 + [10.0] + [20.0, 21.0] * 3 + [20.0]
    analysis = xmr(pd.Series(values))
    # Mean 216 / 14 = 15.43: the first seven are below, the last seven above.
    assert analysis["shift"].all()
    six_each = xmr(pd.Series(values[1:-1]))  # six below, six above: no shift
    assert not six_each["shift"].any()


def test_v004_trend_of_seven_rising_points_and_limits_clipped_for_shares():
    analysis = xmr(pd.Series([1.0, 2, 3, 4, 5, 6, 7, 6, 5, 6, 5, 6]))
    assert analysis["trend"].tolist() == [True] * 7 + [False] * 5
    clipped = xmr(pd.Series([1.0, 99.0] * 6), bounds=(0.0, 100.0))
    assert clipped["lower"].iloc[0] == 0.0 and clipped["upper"].iloc[0] == 100.0


def test_v005_nan_points_are_left_out():
    analysis = xmr(pd.Series([10.0, float("nan"), 12.0]))
    assert list(analysis.index) == [0, 2] and analysis["mean"].iloc[0] == 11.0


def _frame(values):
    return pd.DataFrame({"period": pd.date_range("2024-01-01", periods=len(values), freq="MS"),
                         "series": "s", "value": values, "suppressed": False})


def test_v010_small_multiples_share_axes_one_panel_per_unit():
    options = FigureOptions(kind="line", unit="percent", grain="month", series_labels={},
                            target_label="", decimals=1, lang="fi")
    fig = small_multiples_figure({"A": _frame([1.0, 2.0]), "B": _frame([3.0, 4.0]),
                                  "C": _frame([5.0, 6.0]), "D": _frame([7.0, 8.0])},
                                 "s", options)
    assert [trace.name for trace in fig.data] == ["A", "B", "C", "D"]
    assert [a.text for a in fig.layout.annotations] == ["A", "B", "C", "D"]
    # Four panels in three columns: two rows; every y axis matches one shared axis
    # (plotly anchors the sharing on the bottom-left panel's axis, y4).
    assert fig.data[3].yaxis == "y4"
    assert [fig.layout[f"yaxis{i}"].matches for i in ("", "2", "3", "5", "6")] == ["y4"] * 5


def test_v020_events_in_view_and_overlay():
    events = pd.DataFrame({
        "event_date": [TS("2023-09-01"), TS("2023-09-01"), TS("2025-01-01")],
        "chart_id": [None, "other-chart", None],
        "label_fi": ["Koko alue", "Toinen kuvaaja", "Myöhemmin"],
        "label_sv": ["a", "b", "c"], "label_en": ["a", "b", "c"],
    })
    shown = events_in_view(events, "my-chart", TS("2023-01-01"), TS("2024-12-31"))
    assert shown["label_fi"].tolist() == ["Koko alue"]
    fig = add_events(go.Figure(), shown, "label_fi")
    assert len(fig.layout.shapes) == 1 and fig.layout.annotations[0].text == "Koko alue"


def test_v030_spc_view_summary_and_table(monkeypatch):
    from charts import payload
    from charts.catalog import CHARTS, ChartSpec
    from queries.filters import Filters

    # Mean 174 / 13 = 13.38 (10s below, 14s above: no run); mean moving range
    # (11 × 4 + 16) / 12 = 5, upper limit 13.38 + 13.3 = 26.68: only 30 signals.
    values = [10.0, 14.0] * 6 + [30.0]
    frame = _frame(values).assign(numerator=float("nan"), denominator=float("nan"))
    spec = ChartSpec(id="test-spc", area="digipalvelut", unit="percent",
                     load=lambda _filters: frame, series=("s",))
    monkeypatch.setitem(CHARTS, spec.id, spec)
    # The data's first and last day without a database: every month 1-12/2024, 1/2025
    # is whole.
    monkeypatch.setattr(payload, "data_window", lambda: (None, date(2025, 1, 31)))
    monkeypatch.setattr(payload, "t", lambda key, lang=None, **p: f"{key}{sorted(p.items())}")
    built = payload._spc_view(spec, Filters(), "fi")
    assert built["summary"].startswith("summary.spc[")
    assert "summary.spc_signals[('count', 1), ('periods', '1/2025')]" in built["summary"]
    last = built["table"]["rows"][-1]
    assert last[0] == "1/2025" and last[2] == "spc.outside[]"
    assert all(row[2] == "" for row in built["table"]["rows"][:-1])
