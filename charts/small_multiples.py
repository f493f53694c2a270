"""Compare units: one small chart per unit with shared axes ("small multiples")."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.figures import (
    MARGIN,
    SERIES_COLOURS,
    FigureOptions,
    base_layout,
    period_position,
    value_format,
    x_hover,
)

COLUMNS = 3


def small_multiples_figure(
    panels: dict[str, pd.DataFrame], series: str, options: FigureOptions
) -> go.Figure:
    """A grid of mini charts, one per panel (unit label -> tidy chart frame), of the
    headline ``series``, all on the same x and y axes so heights compare directly.
    Suppressed points are gaps, as in the full chart."""
    labels = list(panels)
    rows = max(1, math.ceil(len(labels) / COLUMNS))
    fig = make_subplots(
        rows=rows,
        cols=COLUMNS,
        shared_xaxes="all",
        shared_yaxes="all",
        subplot_titles=labels,
        vertical_spacing=0.12 / max(rows, 1) + 0.04,
        horizontal_spacing=0.04,
    )
    fmt = value_format(options.unit, options.decimals, options.lang)
    for index, label in enumerate(labels):
        frame = panels[label]
        part = frame[frame["series"] == series]
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part["period"]),
                y=part["value"],
                name=label,
                mode="lines",
                line={"color": SERIES_COLOURS[0], "width": 2},
                showlegend=False,
                hovertemplate=f"{x_hover(options.grain, options.lang)}: {fmt}"
                f"<extra>{label}</extra>",
                **period_position(options.grain),
            ),
            row=index // COLUMNS + 1,
            col=index % COLUMNS + 1,
        )
    periods = pd.concat(
        [frame["period"] for frame in panels.values()] or [pd.Series(dtype="M8[ns]")]
    )
    # Each panel is a third of the width: a third as many tick labels fit.
    base_layout(fig, options, periods=pd.to_datetime(periods), max_ticks=12 // COLUMNS)
    fig.update_layout(
        height=max(260, 190 * rows),
        hovermode="closest",
        # Room for the panel titles on top; the right margin stays the toolbar's.
        margin={**MARGIN, "t": 40},
    )
    fig.update_annotations(font_size=12)
    return fig
