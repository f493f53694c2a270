"""Statistical process control ("Is the change real?"), NHS Making Data Count style.

An XmR chart of one series: the centre line is the mean of the points shown, the
process limits are mean ± 2.66 × the mean moving range (the XmR constant), and points
are flagged when they signal special-cause variation:

- a point outside the process limits;
- a shift: ``SHIFT_RUN`` or more consecutive points on the same side of the mean;
- a trend: ``TREND_RUN`` or more consecutive points each higher (or each lower) than
  the one before.

Runs of 7 follow the Making Data Count guidance; both are constants so a county can
tune them. Points on the mean break a shift; equal neighbours break a trend.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.figures import SERIES_COLOURS, TICK_FORMAT, FigureOptions, base_layout, value_format

XMR_CONSTANT = 2.66
SHIFT_RUN = 7
TREND_RUN = 7
MIN_POINTS = 12  # fewer points make limits too unstable to read


def _flag_runs(condition: np.ndarray, length: int) -> np.ndarray:
    """True for every element of a run of ``length`` or more consecutive Trues."""
    flags = np.zeros(len(condition), dtype=bool)
    start = None
    for i, value in enumerate([*condition, False]):
        if value and start is None:
            start = i
        elif not value and start is not None:
            if i - start >= length:
                flags[start:i] = True
            start = None
    return flags


def xmr(values: pd.Series, bounds: tuple[float, float] | None = None) -> pd.DataFrame:
    """XmR analysis of ``values`` (NaN points are dropped first).

    Returns a frame indexed like the remaining values with columns ``value``, ``mean``,
    ``lower``, ``upper`` (process limits, clipped to ``bounds`` when given, e.g. 0–100
    for percentages), and the booleans ``outside``, ``shift``, ``trend`` and
    ``signal`` (any of the three).
    """
    points = values.dropna().astype(float)
    mean = points.mean()
    moving_range = points.diff().abs().mean()
    lower, upper = mean - XMR_CONSTANT * moving_range, mean + XMR_CONSTANT * moving_range
    if bounds is not None:
        lower, upper = max(lower, bounds[0]), min(upper, bounds[1])
    array = points.to_numpy()
    above, below = array > mean, array < mean
    shift = _flag_runs(above, SHIFT_RUN) | _flag_runs(below, SHIFT_RUN)
    steps = np.diff(array)
    # A trend of n points is n - 1 consecutive rises (or falls).
    rising = _flag_runs(steps > 0, TREND_RUN - 1)
    falling = _flag_runs(steps < 0, TREND_RUN - 1)
    trend_steps = rising | falling
    trend = np.zeros(len(array), dtype=bool)
    trend[1:] |= trend_steps
    trend[:-1] |= trend_steps
    outside = (array > upper) | (array < lower)
    return pd.DataFrame(
        {
            "value": array,
            "mean": mean,
            "lower": lower,
            "upper": upper,
            "outside": outside,
            "shift": shift,
            "trend": trend,
            "signal": outside | shift | trend,
        },
        index=points.index,
    )


def spc_figure(
    periods: pd.Series, analysis: pd.DataFrame, labels: dict[str, str], options: FigureOptions
) -> go.Figure:
    """The XmR chart: the series, its mean, process limits and signalling points.

    ``periods`` gives the x value of each row of ``analysis``; ``labels`` has the
    translated names ``series``, ``mean``, ``limits`` and ``signal``. Signals are drawn
    as larger orange diamonds so they differ by shape as well as colour.
    """
    x = pd.to_datetime(periods.loc[analysis.index])
    fmt = value_format(options.unit, options.decimals, options.lang)
    hover = f"%{{x|{TICK_FORMAT[options.grain]}}}: {fmt}<extra>%{{fullData.name}}</extra>"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=analysis["value"],
            name=labels["series"],
            mode="lines+markers",
            line={"color": "#6b6b6b", "width": 2},
            marker={"size": 6},
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=analysis["mean"],
            name=labels["mean"],
            mode="lines",
            line={"color": SERIES_COLOURS[0], "width": 2},
            hovertemplate=hover,
        )
    )
    for column, show in (("upper", True), ("lower", False)):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=analysis[column],
                name=labels["limits"],
                mode="lines",
                showlegend=show,
                legendgroup="limits",
                line={"color": SERIES_COLOURS[0], "width": 1, "dash": "dash"},
                hovertemplate=hover,
            )
        )
    signals = analysis[analysis["signal"]]
    fig.add_trace(
        go.Scatter(
            x=x.loc[signals.index],
            y=signals["value"],
            name=labels["signal"],
            mode="markers",
            marker={"color": SERIES_COLOURS[1], "size": 11, "symbol": "diamond"},
            hovertemplate=hover,
        )
    )
    base_layout(fig, options)
    return fig
