"""Stacked bars of the parts of a total with the total (and other lines) drawn over
them: ``stacked_total_figure`` (``erikoissairaanhoidon-lahetteet``) and
``breakdown_figure`` (``hyvinvointilahetteet``: the referrals by referring unit)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from charts.figures.time_series import (
    SERIES_COLOURS,
    FigureOptions,
    add_hidden_marks,
    hidden_last,
    period_format,
    period_position,
    time_series_figure,
    value_format,
    x_hover,
)

# --- Stacked parts with their total as a line (erikoissairaanhoidon-lahetteet) -------

# Stacks may have more parts than SERIES_COLOURS: two more dark colours (Paul Tol's
# wine and indigo), both well above 3:1 against white.
STACK_COLOURS = (*SERIES_COLOURS, "#882255", "#332288")
TOTAL_COLOUR = "#000000"


def stacked_total_figure(
    frame: pd.DataFrame, targets: pd.DataFrame, options: FigureOptions
) -> go.Figure:
    """Stacked bars of the parts with the total drawn as a line over them.

    The first series of ``options.series_labels`` is the total, the others are its
    parts (stacked in label order). Drawing the total separately keeps it visible when a
    part is suppressed (its segment is missing and marked hidden, ``add_hidden_marks``).
    """
    keys = list(options.series_labels)
    total_key, parts = keys[0], keys[1:]
    stacked = FigureOptions(
        kind="stacked",
        unit=options.unit,
        grain=options.grain,
        series_labels={key: options.series_labels[key] for key in parts},
        target_label=options.target_label,
        decimals=options.decimals,
        lang=options.lang,
    )
    fig = time_series_figure(frame, targets, stacked)
    for index, trace in enumerate(fig.data):
        if isinstance(trace, go.Bar):
            trace.marker.color = STACK_COLOURS[index % len(STACK_COLOURS)]
            trace.marker.line = {"color": "#ffffff", "width": 0.5}
    total = frame[frame["series"] == total_key]
    label = options.series_labels[total_key]
    fig.add_trace(
        go.Scatter(
            x=pd.to_datetime(total["period"]),
            y=total["value"],
            name=label,
            mode="lines+markers",
            line={"color": TOTAL_COLOUR, "width": 2},
            marker={"size": 5},
            legendrank=1,
            **period_position(options.grain),
            hovertemplate=f"{x_hover(options.grain, options.lang)}: "
            f"{value_format(options.unit, options.decimals, options.lang)}<extra>{label}</extra>",
        )
    )
    # A hidden total is marked on the axis like any hidden point.
    add_hidden_marks(fig, total, {total_key: label}, options, stacked=False)
    # Legend in reading order (total first, then the parts from the bottom of the stack
    # up), not plotly's reversed order for stacks; more parts need more legend rows.
    fig.update_layout(legend_traceorder="normal", height=360 + 12 * max(0, len(parts) - 4))
    return hidden_last(fig)


OTHER_COLOUR = "#767676"  # grey for "other units": 4.5:1 against white


def breakdown_figure(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    options: FigureOptions,
    *,
    lines: tuple[str, ...],
    last: tuple[str, ...] = (),
) -> go.Figure:
    """Stacked bars of the parts of a total, with the ``lines`` series drawn over them.

    Every series not in ``lines`` is a part (bars, in label order, ``last`` on top and
    grey: "the rest"). A part the frame does not have is not in ``options.series_labels``
    (``charts.payload.series_labels``); a part of measured zeros is drawn. The first
    line (the total) is solid black, the second dotted; the lines come first in the
    legend and one hover box lists every series of the period.
    """
    labels = options.series_labels
    parts = [key for key in labels if key not in lines and key not in last]
    parts += [key for key in last if key in labels]
    drawn = {key: labels[key] for key in parts}
    fig = time_series_figure(frame, targets, replace(options, kind="stacked", series_labels=drawn))
    value = f"%{{y:,.{options.decimals}f}}"
    grey = {drawn[key] for key in last if key in drawn}
    bars = [trace for trace in fig.data if isinstance(trace, go.Bar)]
    for index, trace in enumerate(bars):
        trace.legendrank = 100 + index
        trace.hovertemplate = f"{value}<extra>{trace.name}</extra>"
        if trace.name in grey:
            trace.marker.color = OTHER_COLOUR
    for rank, key in enumerate(lines):
        part = frame[frame["series"] == key]
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part["period"]),
                y=part["value"],
                name=labels[key],
                mode="lines+markers",
                line={
                    "color": TOTAL_COLOUR,
                    "width": 3 if rank == 0 else 2,
                    "dash": "solid" if rank == 0 else "dot",
                },
                marker={"size": 5, "symbol": "circle" if rank == 0 else "diamond"},
                hovertemplate=f"{value}<extra>{labels[key]}</extra>",
                legendrank=1 + rank,
                **period_position(options.grain),
            )
        )
    # A hidden point of a line is marked on the axis, like the hidden parts.
    add_hidden_marks(
        fig, frame, {key: labels[key] for key in lines if key in labels}, options, stacked=False
    )
    # Plotly lists stacked bars in reverse by default; the ranks above set the order.
    fig.update_layout(hovermode="x unified", legend={"traceorder": "normal"})
    fig.update_xaxes(hoverformat=period_format(options.grain, options.lang))
    return hidden_last(fig)
