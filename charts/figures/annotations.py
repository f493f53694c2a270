"""Overlays drawn on top of any figure builder's output: intervention events."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from charts.figures.fit import set_width_layouts, text_width, wrap_text

EVENT_COLOUR = "#5A5A5A"
LABEL_SIZE = 11  # px
LINE_HEIGHT = 16  # px per line of a label (11 px text, its padding)
PAD = 8  # px added to a label's estimated width (padding, rounding of positions)
GAP = 2  # px kept free between two labels
MAX_LINES = 3  # a label wraps to at most this many lines
# Least figure widths (px) of the width classes the labels are laid out for
# (``charts.figures.fit``): phones and narrow embeds, then wider cards.
WIDTH_CLASSES = (320, 420, 560, 760, 1000)


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
    """Mark each event with a dotted vertical line and its label at the top of the plot.

    The labels never overlap each other or leave the plot, at any width: for each
    width class (``WIDTH_CLASSES``, ``charts.figures.fit``) ``layout_labels`` puts each label
    to the right of its line (to the left where the plot ends first), wraps it when
    neither side has room, and moves it down below the labels it would overlap. The
    browser applies the class of its width. The full labels are listed under the
    chart too. Shapes and annotations are added directly (not ``add_vline``), which
    keeps date axes working with every plotly version.
    """
    if events.empty:
        return fig
    first = len(fig.layout.annotations)
    dates = [pd.Timestamp(day) for day in events["event_date"]]
    labels = [str(label) for label in events[label_column]]
    for when, label in zip(dates, labels, strict=True):
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
            x=when,
            xref="x",
            y=1,
            yref="paper",
            text=escape(label, quote=False),
            hovertext=escape(label, quote=False),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            textangle=0,
            align="left",
            font={"size": LABEL_SIZE, "color": EVENT_COLOUR},
            bgcolor="rgba(255,255,255,0.8)",
        )
    shown = x_range(fig)
    if shown is None:
        return fig
    margin = fig.layout.margin
    layouts = label_layouts(first, dates, labels, shown, (margin.l or 0) + (margin.r or 0))
    return set_width_layouts(fig, layouts)


def label_layouts(
    first: int,
    dates: list[pd.Timestamp],
    labels: list[str],
    x_range: tuple[pd.Timestamp, pd.Timestamp],
    margins: float,
    *,
    from_bottom: float | None = None,
) -> list[tuple[int, dict]]:
    """The width classes (``charts.figures.fit.set_width_layouts``: ``(least width, relayout
    dict)``, the first from 0 px) of the labels that are the figure's annotations
    ``first``, ``first + 1``, ... : each one's ``xanchor``, ``yshift`` and wrapped
    ``text`` from ``layout_labels`` on a plot ``least - margins`` px wide. Labels hang
    from the plot's top (``yshift`` down), or with ``from_bottom`` (px) stand on the
    plot's bottom, that far up, and stack upwards."""
    layouts = []
    for least in WIDTH_CLASSES:
        placed = layout_labels(dates, labels, x_range, least - margins)
        layout = {}
        for index, (anchor, shift, text) in enumerate(placed):
            key = f"annotations[{first + index}]"
            layout[f"{key}.xanchor"] = anchor
            layout[f"{key}.yshift"] = shift if from_bottom is None else from_bottom - shift
            layout[f"{key}.text"] = text
        layouts.append((least, layout))
    layouts[0] = (0, layouts[0][1])
    return layouts


def layout_labels(
    dates: list[pd.Timestamp],
    labels: list[str],
    x_range: tuple[pd.Timestamp, pd.Timestamp],
    plot_width: float,
) -> list[tuple[str, float, str]]:
    """Where each label goes on a plot ``plot_width`` px wide showing ``x_range``:
    ``(xanchor, yshift in px, text with <br> line breaks)`` per label, in order; the
    label's own "<", ">" and "&" are entities in the text.

    A label starts at its event's line and runs right ("left" anchor), or ends there
    ("right") when the plot has more room on that side; if it is wider than that
    room it is wrapped (at most ``MAX_LINES`` lines). Its box (estimated width,
    ``text_width``) goes at the highest place, from the plot's top down, where it
    does not overlap a box placed before it (``GAP`` px apart)."""
    start, end = x_range
    span = (end - start).total_seconds() or 1.0
    boxes: list[tuple[float, float, float, float]] = []  # left, right, top, bottom
    placed = []
    for when, label in zip(dates, labels, strict=True):
        x = (pd.Timestamp(when) - start).total_seconds() / span * plot_width
        right_room, left_room = plot_width - x, x
        anchor = "left" if right_room >= left_room else "right"
        room = max(right_room, left_room)
        lines = [label]
        if text_width(label, LABEL_SIZE) + PAD > room:
            chars = max(4, int((room - PAD) / text_width("x", LABEL_SIZE)))
            lines = wrap_text(label, chars, MAX_LINES)
        width = max(text_width(line, LABEL_SIZE) for line in lines) + PAD
        left, right = (x, x + width) if anchor == "left" else (x - width, x)
        height = LINE_HEIGHT * len(lines)
        top = 0.0
        while True:
            clash = [
                box
                for box in boxes
                if min(right, box[1]) + GAP > max(left, box[0])
                and min(top + height, box[3]) + GAP > max(top, box[2])
            ]
            if not clash:
                break
            top = max(box[3] for box in clash) + GAP
        boxes.append((left, right, top, top + height))
        # Plotly reads tags (<a href>, <b>, <span style>) in annotation text: a label is
        # text, so its own "<", ">" and "&" are entities (plotly shows them as typed).
        placed.append((anchor, -top, "<br>".join(escape(line, quote=False) for line in lines)))
    return placed


def x_range(fig: go.Figure | dict) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The x range of a figure (or its plain dict, as a payload holds it): its set
    range, else the span of its traces' x values (horizontal bars left out); None when
    it has neither."""
    if isinstance(fig, go.Figure):
        fig = {
            "layout": {"xaxis": {"range": fig.layout.xaxis.range}},
            "data": [
                {"x": getattr(trace, "x", None), "orientation": getattr(trace, "orientation", None)}
                for trace in fig.data
            ],
        }
    set_range = ((fig.get("layout") or {}).get("xaxis") or {}).get("range")
    if set_range:
        first, last = set_range
        return pd.Timestamp(first), pd.Timestamp(last)
    xs = [
        pd.Timestamp(x)
        for trace in fig.get("data") or []
        if trace.get("x") is not None and trace.get("orientation") != "h"
        for x in trace["x"]
        if x is not None
    ]
    return (min(xs), max(xs)) if xs else None
