"""Figures as the browser gets them: the same drawing in fewer bytes.

Two things made up most of a card's callback response without adding to what is drawn:

- A figure built with ``go.Figure`` carries its whole template (``simple_white``,
  ``charts.figures.time_series``): layout defaults, and default styles for every trace type plotly
  knows, about 8.6 KB of JSON. Plotly.js reads a template's ``data`` entry only for
  the trace types the figure has, so the entries of the other types can go.
- Period starts as x values are datetimes, which JSON spells
  ``"2022-01-01T00:00:00.000000"`` (28 bytes each, per point and trace). Plotly.js
  reads ``"2022-01-01"`` as the same instant.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def trace_types(figure: dict[str, Any]) -> set[str]:
    """The trace types of a figure dict (``"scatter"`` where a trace names none, as
    plotly.js assumes)."""
    return {trace.get("type") or "scatter" for trace in figure.get("data", ())}


def lean_template(figure: dict[str, Any]) -> dict[str, Any]:
    """``figure`` (a ``go.Figure.to_plotly_json()`` dict) whose ``layout.template.data``
    keeps only the entries of the figure's own trace types; a new dict, ``figure`` is
    not changed. A figure without a template is returned as it is.

    Traces added later must be of a type the figure already has, or they lose their
    template styles (decision markers are shapes and annotations, not traces)."""
    layout = figure.get("layout") or {}
    template = layout.get("template")
    if not isinstance(template, dict) or not isinstance(template.get("data"), dict):
        return figure
    used = trace_types(figure)
    data = {kind: styles for kind, styles in template["data"].items() if kind in used}
    return {**figure, "layout": {**layout, "template": {**template, "data": data}}}


def values_present(values: Any) -> bool:
    """Whether ``values`` is a non-empty array or sequence."""
    return isinstance(values, np.ndarray | list | tuple) and len(values) > 0


def day_strings(values: Any) -> list[str] | None:
    """``values`` as ``"YYYY-MM-DD"`` strings when they are all datetimes at midnight
    (a non-empty numpy ``datetime64`` array or list of ``pd.Timestamp``);
    None for anything else (numbers, texts, a time of day, missing values)."""
    dated = isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64)
    stamped = isinstance(values, list | tuple) and all(
        isinstance(value, pd.Timestamp) for value in values
    )
    if not values_present(values) or not (dated or stamped):
        return None
    stamps = pd.DatetimeIndex(values)
    if stamps.hasnans or not (stamps == stamps.normalize()).all():
        return None
    return list(stamps.strftime("%Y-%m-%d"))


def lean_dates(figure: dict[str, Any]) -> dict[str, Any]:
    """``figure`` with every trace's midnight datetimes on x as ``"YYYY-MM-DD"``
    (``day_strings``); a new dict, ``figure`` is not changed."""
    data = []
    for trace in figure.get("data", ()):
        days = day_strings(trace.get("x"))
        data.append(trace if days is None else {**trace, "x": days})
    return {**figure, "data": data}


def lean_figure(figure: dict[str, Any]) -> dict[str, Any]:
    """``figure`` (a ``to_plotly_json()`` dict) as sent to the browser: ``lean_template``
    and ``lean_dates``; draws exactly as ``figure`` does."""
    return lean_dates(lean_template(figure))
