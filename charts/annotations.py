"""Overlays drawn on top of any figure builder's output: intervention events."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

EVENT_COLOUR = "#5A5A5A"


def events_in_view(
    events: pd.DataFrame, chart_id: str, x_start: pd.Timestamp, x_end: pd.Timestamp
) -> pd.DataFrame:
    """The events that concern ``chart_id`` (or its whole area) inside the x range.

    Returns the rows of ``queries.reference.events_for`` that apply, ordered by date.
    """
    if events.empty:
        return events
    applies = events["chart_id"].isna() | (events["chart_id"] == chart_id)
    inside = (events["event_date"] >= x_start) & (events["event_date"] <= x_end)
    return events[applies & inside].sort_values("event_date")


def add_events(fig: go.Figure, events: pd.DataFrame, label_column: str) -> go.Figure:
    """Mark each event with a dotted vertical line and a short label at the top.

    Shapes and annotations are added directly (not ``add_vline``), which keeps date
    axes working with every plotly version.
    """
    for index, row in enumerate(events.itertuples(index=False)):
        when = pd.Timestamp(row.event_date)
        fig.add_shape(
            type="line",
            x0=when,
            x1=when,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line={"color": EVENT_COLOUR, "width": 1.5, "dash": "dot"},
        )
        fig.add_annotation(
            # Staggered heights so labels of nearby events do not overlap.
            x=when,
            xref="x",
            y=1 - 0.08 * (index % 3),
            yref="paper",
            text=getattr(row, label_column),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            textangle=0,
            font={"size": 11, "color": EVENT_COLOUR},
            bgcolor="rgba(255,255,255,0.8)",
        )
    return fig
