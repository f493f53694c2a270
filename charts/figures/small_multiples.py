"""Compare units: one small chart per unit with shared axes ("small multiples").

The grid has as many columns as fit the chart's width: the figure carries one layout
per width class (``charts.figures.fit``), 3 columns on a wide card, 2 on a medium one, 1 on
a phone or a narrow embed, and the browser applies the one for its width
(assets/45-fit-width.js). Each panel keeps its title, its tick labels and a gap to
its neighbours in every class, so nothing overlaps at any width.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from charts.figures.fit import TEXT_WIDTH, set_width_layouts, wrap_text
from charts.figures.time_series import (
    MARGIN,
    SERIES_COLOURS,
    FigureOptions,
    add_hidden_marks,
    base_layout,
    period_position,
    value_format,
    x_hover,
)
from translations import t

COLUMNS = 3  # at most, on a wide card
# (least figure width in px, columns): the width classes of the grid.
WIDTH_CLASSES = ((0, 1), (520, 2), (780, 3))
PANEL_HEIGHT = 110  # px: a panel's plot
TITLE_LINE = 15  # px per line of a panel title (12 px text)
TITLE_LINES = 2  # a title wraps to at most this many lines
TICKS_BELOW = 30  # px under each panel for its date tick labels (and their offset)
ROW_GAP = 12  # px between a panel's tick labels and the next row's title
COLUMN_GAP = 52  # px between panels: room for the next panel's value tick labels
TITLE_SIZE = 12
TOP = 40  # px above the grid (figure margin): room for the hidden mark's legend


def _row_height() -> int:
    return TITLE_LINE * TITLE_LINES + PANEL_HEIGHT + TICKS_BELOW + ROW_GAP


def grid_layout(labels: list[str], columns: int, min_width: int) -> dict:
    """The relayout of a grid of ``labels`` panels in ``columns`` columns, for figures at
    least ``min_width`` px wide: ``height``, every panel's axis domains and its title
    (wrapped to the panel's width at ``min_width``; annotation ``i`` is panel ``i``'s
    title). Plotly attribute strings -> values (``Plotly.relayout``'s form)."""
    rows = max(1, math.ceil(len(labels) / columns))
    row = _row_height()
    height = TOP + rows * row + MARGIN["b"] - TICKS_BELOW - ROW_GAP
    plot_height = height - TOP - MARGIN["b"]
    plot_width = max(min_width, 320) - MARGIN["l"] - MARGIN["r"]
    gap = COLUMN_GAP / plot_width if columns > 1 else 0.0
    panel = (1 - gap * (columns - 1)) / columns
    chars = max(4, int(panel * plot_width / TEXT_WIDTH[TITLE_SIZE]))
    layout: dict = {"height": height}
    for index, label in enumerate(labels):
        r, c = divmod(index, columns)
        # px from the top of the plotting area to this panel's plot.
        top = r * row + TITLE_LINE * TITLE_LINES
        y1 = 1 - top / plot_height
        y0 = 1 - (top + PANEL_HEIGHT) / plot_height
        x0 = c * (panel + gap)
        suffix = "" if index == 0 else str(index + 1)
        layout[f"xaxis{suffix}.domain"] = [round(x0, 6), round(x0 + panel, 6)]
        layout[f"yaxis{suffix}.domain"] = [round(y0, 6), round(y1, 6)]
        layout[f"annotations[{index}].x"] = round(x0 + panel / 2, 6)
        layout[f"annotations[{index}].y"] = round(y1, 6)
        layout[f"annotations[{index}].text"] = "<br>".join(wrap_text(label, chars, TITLE_LINES))
    return layout


def small_multiples_figure(
    panels: dict[str, pd.DataFrame], series: str, options: FigureOptions
) -> go.Figure:
    """A grid of mini charts, one per panel (unit label -> tidy chart frame), of the
    headline ``series``, all on the same x and y axes so heights compare directly.

    Suppressed points are gaps, marked and named as hidden (``add_hidden_marks``) as in
    the full chart; a lone point is drawn as a marker. The columns follow the width
    (``WIDTH_CLASSES``, ``grid_layout``); the figure as built is the widest class."""
    labels = list(panels)
    fig = go.Figure()
    fmt = value_format(options.unit, options.decimals, options.lang)
    periods = pd.to_datetime(
        pd.concat([frame["period"] for frame in panels.values()] or [pd.Series(dtype="M8[ns]")])
    )
    for index, label in enumerate(labels):
        frame = panels[label]
        part = frame[frame["series"] == series]
        suffix = "" if index == 0 else str(index + 1)
        x, y = pd.to_datetime(part["period"]), part["value"]
        if part.empty and len(periods):
            # A panel without data keeps one empty point: a panel with no point at
            # all, next to a legend, makes plotly draw NaN paths.
            x, y = [periods.min()], [None]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=label,
                # Markers too: a line of one point (a single period, or a point between
                # hidden ones) draws nothing.
                mode="lines+markers",
                line={"color": SERIES_COLOURS[0], "width": 2},
                marker={"size": 4},
                showlegend=False,
                hovertemplate=f"{x_hover(options.grain, options.lang)}: {fmt}"
                f"<extra>{label}</extra>",
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                **period_position(options.grain),
            )
        )
        add_hidden_marks(
            fig,
            part,
            {series: label},
            options,
            stacked=False,
            xaxis=f"x{suffix}",
            yaxis=f"y{suffix}",
        )
        axes = {"anchor": f"y{suffix}"} | ({"matches": "x"} if index else {})
        fig.update_layout(
            {
                f"xaxis{suffix}": axes,
                f"yaxis{suffix}": {"anchor": f"x{suffix}"} | ({"matches": "y"} if index else {}),
            }
        )
        fig.add_annotation(
            text=label,
            xref="paper",
            yref="paper",
            xanchor="center",
            yanchor="bottom",
            showarrow=False,
            font={"size": TITLE_SIZE},
        )
    # One legend entry for the hidden marks of every panel.
    marks = [trace for trace in fig.data if trace.meta == "tk-hidden"]
    for index, mark in enumerate(marks):
        mark.update(name=t("chart.hidden", options.lang), legendgroup="hidden")
        mark.showlegend = index == 0
    # Each panel is a third of the width at most: a third as many tick labels fit.
    base_layout(fig, options, periods=periods, max_ticks=12 // COLUMNS)
    fig.update_layout(
        hovermode="closest",
        # Room for the hidden mark's legend on top; the right margin stays the toolbar's.
        margin={**MARGIN, "t": TOP},
    )
    layouts = [
        (min_width, grid_layout(labels, min(columns, max(1, len(labels))), min_width))
        for min_width, columns in WIDTH_CLASSES
    ]
    return set_width_layouts(fig, layouts)
