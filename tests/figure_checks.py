"""Checks on built figures, read as plotly draws them (shared by the figure tests).

They take a ``go.Figure`` or the plain dict a payload holds, so the same check runs on
a builder's output and on what a card sends to the browser.
"""

from __future__ import annotations

import pandas as pd

MONTHS = {"M1": 1, "M3": 3, "M12": 12}


def _data(fig) -> list[dict]:
    return [t if isinstance(t, dict) else t.to_plotly_json() for t in fig["data"]]


def _layout(fig) -> dict:
    layout = fig["layout"]
    return layout if isinstance(layout, dict) else layout.to_plotly_json()


def _axis(layout: dict, ref: str) -> dict:
    """The layout axis a trace refers to: "y2" -> ``layout["yaxis2"]``."""
    return layout.get(f"{ref[0]}axis{ref[1:]}", {}) or {}


def plots_sharing_an_area(fig) -> list[str]:
    """Every breach of "no plot mixes units on two value axes": an axis that overlays
    another, or two value axes whose plotting areas (x domain x y domain) overlap.
    Empty when each value axis has a plotting area of its own."""
    layout = _layout(fig)
    problems = [
        f"{name} overlays {axis['overlaying']}"
        for name, axis in layout.items()
        if name[1:5] == "axis" and isinstance(axis, dict) and axis.get("overlaying")
    ]
    areas = {}
    for trace in _data(fig):
        x, y = trace.get("xaxis") or "x", trace.get("yaxis") or "y"
        areas[y] = (
            tuple(_axis(layout, x).get("domain") or (0, 1)),
            tuple(_axis(layout, y).get("domain") or (0, 1)),
        )
    names = sorted(areas)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            (ax, ay), (bx, by) = areas[first], areas[second]
            wide = min(ax[1], bx[1]) - max(ax[0], bx[0])
            tall = min(ay[1], by[1]) - max(ay[0], by[0])
            if wide > 1e-9 and tall > 1e-9:
                problems.append(f"{first} and {second} share a plotting area")
    return problems


def drawn_periods(fig) -> dict[pd.Timestamp, tuple[pd.Timestamp, pd.Timestamp]]:
    """Each plotted period (its x value, the period's first day) -> ``(start, end)`` of
    the time its bars and points cover as drawn. A trace placed by period
    (``xperiod``) covers whole periods; one placed at its x values covers half the way
    to its neighbours on each side (a bar centred on 1 January)."""
    spans = {}
    for trace in _data(fig):
        if trace.get("type") not in ("bar", "scatter") or trace.get("orientation") == "h":
            continue
        if trace.get("name") in TARGET_NAMES or trace.get("x") is None:
            continue
        xs = sorted({pd.Timestamp(x) for x in trace["x"] if x is not None})
        if trace.get("xperiodalignment") == "middle":
            step = pd.DateOffset(months=MONTHS[trace["xperiod"]])
            spans.update({x: (x, x + step) for x in xs})
        else:
            for i, x in enumerate(xs):
                before = x - (x - xs[i - 1]) / 2 if i else x
                after = x + (xs[i + 1] - x) / 2 if i + 1 < len(xs) else x
                spans.setdefault(x, (before, after))
    return spans


# Target traces by name: programme targets and the law's requirement.
TARGET_NAMES = ("Tavoite", "Lakisääteinen vaatimus")


def targets_at(fig, when: pd.Timestamp) -> set[float]:
    """The target values drawn at ``when`` by the target traces (``TARGET_NAMES``),
    read as plotly draws them: a step line (shape "hv") holds each value to the
    next point, a plain line joins its points."""
    found: set[float] = set()
    for trace in _data(fig):
        if trace.get("name") not in TARGET_NAMES:
            continue
        shape = (trace.get("line") or {}).get("shape")
        points = list(zip(trace["x"], trace["y"], strict=True))
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            if x0 is None or x1 is None or not pd.Timestamp(x0) <= when <= pd.Timestamp(x1):
                continue
            if y0 == y1:
                found.add(float(y0))
            elif shape == "hv":
                found.add(float(y0 if when < pd.Timestamp(x1) else y1))
            else:
                found.update({float(y0), float(y1)})
    return found


def targets_inside(fig, start: pd.Timestamp, end: pd.Timestamp) -> set[float]:
    """The target values drawn anywhere inside ``(start, end)`` (nine inner points;
    the edges may touch a neighbour's target)."""
    inner = [start + (end - start) * i / 10 for i in range(1, 10)]
    return set().union(*(targets_at(fig, when) for when in inner))
