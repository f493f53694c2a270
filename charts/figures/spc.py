"""The run chart of the SPC view ("Is the change real?"): the values with each phase's
centre line and process limits, the points that signal special-cause variation
coloured as improvement or concern, and the phase starts (``charts.spc`` computes
them all; this module only draws)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures.time_series import (
    HIDDEN_MARKER,
    HIDDEN_META,
    HIDDEN_RANK,
    SERIES_COLOURS,
    FigureOptions,
    base_layout,
    value_format,
    x_hover,
)
from charts.spc import improvement
from translations import t

IMPROVEMENT_COLOUR = SERIES_COLOURS[0]  # blue, as Making Data Count's improvement
CONCERN_COLOUR = SERIES_COLOURS[1]  # vermilion, for Making Data Count's orange
LINE_COLOUR = "#6b6b6b"
CENTRE_COLOUR = "#222222"


def _phase_lines(x: pd.Series, y: pd.Series, phase: pd.Series) -> tuple[list, list]:
    """x and y of a line drawn per phase: a None between phases breaks it."""
    xs: list = []
    ys: list = []
    for i, (when, value, number) in enumerate(zip(x, y, phase, strict=True)):
        if i and number != phase.iloc[i - 1]:
            xs.append(None)
            ys.append(None)
        xs.append(when)
        ys.append(None if pd.isna(value) else float(value))
    return xs, ys


def spc_figure(
    periods: pd.Series,
    analysis: pd.DataFrame,
    labels: dict[str, str],
    notes: pd.Series,
    higher_is_better: bool,
    options: FigureOptions,
    hidden: pd.Series | None = None,
) -> go.Figure:
    """The XmR chart: the series, each phase's mean and process limits, and signals.

    ``hidden`` (bool per row of ``analysis``) marks the periods whose value is
    suppressed (small-count protection): each gets a hollow diamond on its phase's
    mean line, named and hovered "Salattu (..)" like the hidden marks of the other
    charts, so a gap reads as hidden, not as missing. No value of it is sent.

    ``periods`` gives the x value of each row of ``analysis``; ``labels`` has the
    translated names ``series``, ``mean``, ``limits``, ``improvement`` and ``concern``;
    ``notes`` is the translated text of the rules that fired at each signalling point,
    with their direction ("" for common cause). The series' own hover carries the note
    (its ``customdata``), and the hover is unified over x for every chart kind, so the
    rule and direction show wherever the pointer is; the signal markers skip the hover
    so the note is not said twice. Improvement and concern differ by marker shape and
    legend name as well as colour (Making Data Count's blue and orange).
    """
    x = pd.to_datetime(periods.loc[analysis.index])
    fmt = value_format(options.unit, options.decimals, options.lang)
    hover = f"{x_hover(options.grain, options.lang)}: {fmt}<extra>%{{fullData.name}}</extra>"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=analysis["value"],
            customdata=[f" – {note}" if note else "" for note in notes.loc[analysis.index]],
            name=labels["series"],
            mode="lines+markers",
            line={"color": LINE_COLOUR, "width": 2},
            marker={"size": 6},
            hovertemplate=(
                f"{x_hover(options.grain, options.lang)}: {fmt}%{{customdata}}"
                "<extra>%{fullData.name}</extra>"
            ),
        )
    )
    xs, ys = _phase_lines(x, analysis["mean"], analysis["phase"])
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            name=labels["mean"],
            mode="lines",
            line={"color": CENTRE_COLOUR, "width": 2},
            hovertemplate=hover,
        )
    )
    for column, show in (("upper", True), ("lower", False)):
        xs, ys = _phase_lines(x, analysis[column], analysis["phase"])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                name=labels["limits"],
                mode="lines",
                showlegend=show,
                legendgroup="limits",
                line={"color": LINE_COLOUR, "width": 1, "dash": "dash"},
                hovertemplate=hover,
            )
        )
    kind = improvement(analysis, higher_is_better)
    for sign, key, colour, symbol in (
        (1, "improvement", IMPROVEMENT_COLOUR, "circle"),
        (-1, "concern", CONCERN_COLOUR, "diamond"),
    ):
        rows = analysis.index[kind == sign]
        fig.add_trace(
            go.Scatter(
                x=x.loc[rows],
                y=analysis.loc[rows, "value"],
                customdata=notes.loc[rows],
                name=labels[key],
                mode="markers",
                marker={"color": colour, "size": 11, "symbol": symbol},
                hoverinfo="skip",
            )
        )
    if hidden is not None:
        rows = analysis.index[hidden.loc[analysis.index].astype(bool) & analysis["mean"].notna()]
        if len(rows):
            name = t("chart.hidden", options.lang)
            fig.add_trace(
                go.Scatter(
                    x=x.loc[rows],
                    y=analysis.loc[rows, "mean"],
                    name=name,
                    mode="markers",
                    marker=HIDDEN_MARKER,
                    meta=HIDDEN_META,
                    legendrank=HIDDEN_RANK,
                    hovertemplate=(
                        f"{x_hover(options.grain, options.lang)}: {name}<extra></extra>"
                    ),
                )
            )
    base_layout(fig, options)
    fig.update_layout(hovermode="x unified")
    return fig
