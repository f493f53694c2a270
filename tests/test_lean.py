"""Figures as sent to the browser (charts.figures.lean): fewer bytes, the same drawing."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from charts.figures.lean import day_strings, lean_figure

pytestmark = pytest.mark.unit


def test_n001_the_template_keeps_the_styles_of_the_figures_trace_types_only():
    """The lean template keeps only the figure's trace types' styles and leaves the input alone."""
    fig = go.Figure(
        [go.Bar(x=[1, 2], y=[3, 4]), go.Scatter(x=[1, 2], y=[4, 5])],
        layout={"template": "simple_white"},
    ).to_plotly_json()
    lean = lean_figure(fig)
    template = lean["layout"]["template"]
    assert set(template["data"]) == {"bar", "scatter"}
    # The kept entries and the template's layout are the original ones.
    assert template["data"]["bar"] == fig["layout"]["template"]["data"]["bar"]
    assert template["layout"] == fig["layout"]["template"]["layout"]
    # simple_white styles many more trace types (heatmaps, tables, ...).
    assert {"heatmap", "table"} <= set(fig["layout"]["template"]["data"])
    # The figure given is not changed.
    assert "heatmap" in fig["layout"]["template"]["data"]


def test_n002_a_trace_without_type_is_a_scatter():
    """A trace without a type keeps the scatter style of the template."""
    fig = {"data": [{"y": [1]}], "layout": {"template": {"data": {"scatter": [1], "bar": [2]}}}}
    assert lean_figure(fig)["layout"]["template"]["data"] == {"scatter": [1]}


def test_n003_midnight_datetimes_become_days_and_nothing_else_changes():
    """Midnight datetimes become day strings; other values and the original figure are untouched."""
    months = np.array(["2022-01-01", "2022-02-01"], dtype="datetime64[us]")
    assert day_strings(months) == ["2022-01-01", "2022-02-01"]
    assert day_strings([pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-01")]) == [
        "2024-03-01",
        "2024-04-01",
    ]
    # A time of day, a missing value, numbers, texts, datetimes of another kind: as they are.
    assert day_strings(np.array(["2022-01-01T12:00"], dtype="datetime64[us]")) is None
    assert day_strings(np.array(["2022-01-01", "NaT"], dtype="datetime64[us]")) is None
    assert day_strings(np.array([1.0, 2.0])) is None
    assert day_strings(["2022-01-01", "x"]) is None
    assert day_strings([datetime(2022, 1, 1)]) is None
    assert day_strings([]) is None
    fig = {
        "data": [{"x": months, "y": [1, 2]}, {"x": ["a", "b"], "y": [3, 4]}],
        "layout": {},
    }
    lean = lean_figure(fig)
    assert lean["data"][0]["x"] == ["2022-01-01", "2022-02-01"]
    assert lean["data"][0]["y"] == [1, 2]
    assert lean["data"][1] is fig["data"][1]
    assert isinstance(fig["data"][0]["x"], np.ndarray)  # the original is kept
