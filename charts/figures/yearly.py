"""Figures of yearly indicators (one stored figure per year), drawn by year whatever
the grain: the standard chart (``yearly_figure``) and the headline with a second
quantity in an aligned panel under it (``yearly_panels_figure``)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from charts.figures.time_series import (
    SERIES_COLOURS,
    FigureOptions,
    add_hidden_marks,
    add_lower_panel,
    bar_widths,
    period_position,
    time_series_figure,
    value_format,
    x_hover,
)


def yearly_figure(frame: pd.DataFrame, targets: pd.DataFrame, options: FigureOptions) -> go.Figure:
    """The standard chart of a yearly indicator, its x axis drawn by year whatever the
    grain (at a finer grain each yearly figure is one point at the start of its year)."""
    return time_series_figure(frame, targets, replace(options, grain="year"))


LOWER_PANEL = 110  # px: the participants' panel under the groups
LOWER_GAP = 36  # px between the panels: room for the lower panel's own tick labels


def yearly_panels_figure(
    frame: pd.DataFrame, targets: pd.DataFrame, options: FigureOptions, *, lower: str
) -> go.Figure:
    """A yearly indicator (one stored figure per year): the headline as bars with each
    year's target, and the ``lower`` series as bars in an aligned panel under it.

    The two are different quantities (groups, people), so each has its own plot and
    value axis on the same time axis (``add_lower_panel``), never two value axes on
    one plot. A suppressed ``lower`` value is marked hidden in its panel. The x axis
    is drawn by year whatever the grain: at a finer grain each yearly figure is still
    one point, at the start of its year (``reported_count``).
    """
    keys = list(options.series_labels)
    upper = {key: label for key, label in options.series_labels.items() if key != lower}
    yearly = replace(options, kind="bar", grain="year")
    fig = time_series_figure(
        frame[frame["series"] != lower], targets, replace(yearly, series_labels=upper)
    )
    add_lower_panel(fig, LOWER_PANEL, LOWER_GAP)
    label = options.series_labels[lower]
    colour = SERIES_COLOURS[keys.index(lower) % len(SERIES_COLOURS)]
    part = frame[frame["series"] == lower]
    fig.add_trace(
        go.Bar(
            x=pd.to_datetime(part["period"]),
            y=part["value"],
            name=label,
            marker_color=colour,
            width=bar_widths(part["period"], "year"),
            xaxis="x2",
            yaxis="y2",
            hovertemplate=f"{x_hover('year', options.lang)}: "
            f"{value_format(options.unit, options.decimals, options.lang)}<extra>{label}</extra>",
            **period_position("year"),
        )
    )
    add_hidden_marks(fig, part, {lower: label}, yearly, stacked=False, xaxis="x2", yaxis="y2")
    fig.update_layout(
        yaxis={"title": {"text": upper[keys[0]], "font": {"color": SERIES_COLOURS[0]}}},
        yaxis2={
            "title": {"text": label, "font": {"color": colour}},
            "rangemode": "tozero",
            "showgrid": True,
            "gridcolor": "#e5e5e5",
            "tickformat": ",~f",
            "nticks": 3,
        },
    )
    return fig
