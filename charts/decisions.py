"""Decisions and actions of the data discussions on the trend: markers and their text.

A decision or action recorded on an agenda item (``meetings.store.decisions_for_chart``)
is drawn on its chart at the date it was taken (``decided_on``, the meeting's date):
a solid vertical line in ``DECISION_COLOUR`` over the main plot with a triangle
standing on the time axis, and a label standing on the plot's bottom ("Päätös: <short
title>"). So it is told apart from intervention events (``charts.figures.annotations``: dotted
grey lines, labels hanging from the top) by colour, line style, marker and place, and
from withheld values (open diamonds on the axis, ``charts.figures.time_series.HIDDEN_MARKER``) by
shape and colour. An action whose due date has passed while it is still open
(``meetings.store.is_overdue``) says "myöhässä" in its label, its line is dashed and
its triangle open.

Only the short title is ever drawn or written here: the details and the owner are free
text that may name people, and charts are shown on public pages and in embeds.

Everything here is pure: rows in, figure dict and sentence out. ``charts.payload``
applies it to the memoized payload on every call (so a new decision shows at once),
on a copy of the figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

import pandas as pd

from charts.figures.annotations import LABEL_SIZE, label_layouts, x_range
from charts.figures.fit import FIT_KEY, merge_width_layouts
from meetings.store import is_overdue
from translations import format_date, t

# Okabe-Ito orange (#E69F00) darkened to 4.9:1 against white, enough for the labels'
# small text (WCAG 1.4.3) as well as the line (1.4.11); no series, target, event or
# run-chart colour uses it.
DECISION_COLOUR = "#A36100"
TRIANGLE = 10  # px: the marker's height and base width
LABEL_BASE = TRIANGLE + 3  # px above the plot's bottom where the lowest label stands
# Room after a decision drawn past the last period: a share of the axis, at least days.
RIGHT_PAD, MIN_PAD_DAYS = 0.03, 10
# The main plot's area, whatever panels lie under it (e.g. the deadline strip).
Y_REF = "y domain"


@dataclass(frozen=True)
class Marker:
    """One decision or action as a chart shows it: only what may be public."""

    decision_id: int
    decided_on: date
    kind: str  # "decision" | "action"
    title: str  # the short title
    overdue: bool


def markers_in_view(
    decisions: Iterable[Mapping[str, Any]],
    figure: Mapping[str, Any],
    today: date,
    open_end: bool = False,
) -> list[Marker]:
    """The decisions (rows of ``meetings.store.decisions_for_chart``: ``id``, ``kind``,
    ``title``, ``decided_on``, ``due_date``, ``status``) to draw on ``figure``: not
    cancelled, decided inside its x range (start included, end excluded: the range is
    ``[first day of the first period, first day after the last]``), by date then id.
    With ``open_end`` (the chart shows the data up to its latest period) a decision
    taken after that period, up to ``today``, is drawn too: a meeting comes after the
    month it looks at, and what it decided belongs at the end of the line
    (``add_decisions`` widens the axis for it). ``overdue`` follows
    ``meetings.store.is_overdue`` on ``today``."""
    shown = x_range(figure)
    if shown is None:
        return []
    start, end = shown
    if open_end:
        end = max(end, pd.Timestamp(today) + pd.Timedelta(days=1))
    found = []
    for row in decisions:
        if row.get("status") == "cancelled" or row.get("decided_on") is None:
            continue
        on = pd.Timestamp(row["decided_on"])
        if not start <= on < end:
            continue
        found.append(
            Marker(
                decision_id=int(row["id"]),
                decided_on=on.date(),
                kind=str(row.get("kind") or "decision"),
                title=str(row["title"]),
                overdue=is_overdue(row, today),
            )
        )
    return sorted(found, key=lambda marker: (marker.decided_on, marker.decision_id))


def _variant(marker: Marker) -> str:
    kind = marker.kind if marker.kind in ("decision", "action") else "decision"
    return f"{kind}_overdue" if marker.overdue else kind


def marker_label(marker: Marker, lang: str) -> str:
    """The label on the chart, e.g. "Päätös: Iltavastaanotot" or "Toimenpide
    (myöhässä): Jonojen purku"."""
    return t(f"meetings.trend.label.{_variant(marker)}", lang, title=marker.title)


def marker_text(marker: Marker, lang: str) -> str:
    """The marker in words, e.g. "Jonojen purku (toimenpide 12.3.2024, myöhässä)"."""
    return t(
        f"meetings.trend.item.{_variant(marker)}",
        lang,
        title=marker.title,
        date=format_date(marker.decided_on, lang),
    )


def decisions_sentence(markers: list[Marker], lang: str) -> str:
    """The text alternative's sentence naming every marker drawn, or "" for none."""
    if not markers:
        return ""
    items = "; ".join(marker_text(marker, lang) for marker in markers)
    return t("meetings.trend.summary", lang, items=items)


def add_decisions(figure: dict[str, Any], markers: list[Marker], lang: str) -> dict[str, Any]:
    """A copy of the plotly figure dict ``figure`` with ``markers`` drawn on it (``figure``
    itself, unchanged, when there are none). Only the layout's ``shapes``,
    ``annotations`` and ``meta`` are new; the traces are shared with ``figure``.

    Labels are laid out per width class like the event labels
    (``charts.figures.annotations.label_layouts``), standing on the plot's bottom and stacked
    upwards where they would overlap, and the widest class is applied."""
    shown = x_range(figure)
    if not markers or shown is None:
        return figure
    layout = dict(figure.get("layout") or {})
    latest = pd.Timestamp(max(marker.decided_on for marker in markers))
    if latest >= shown[1]:
        # A decision after the last period shown (``markers_in_view``'s open end): the
        # axis runs on to it, with room for its triangle.
        pad = max((latest - shown[0]) * RIGHT_PAD, pd.Timedelta(days=MIN_PAD_DAYS))
        shown = (shown[0], latest + pad)
        layout["xaxis"] = {
            **(layout.get("xaxis") or {}),
            "range": [shown[0].isoformat(), shown[1].isoformat()],
        }
    shapes = list(layout.get("shapes") or [])
    annotations = list(layout.get("annotations") or [])
    first = len(annotations)
    labels = [marker_label(marker, lang) for marker in markers]
    for marker, label in zip(markers, labels, strict=True):
        when = pd.Timestamp(marker.decided_on).isoformat()
        dash = "dash" if marker.overdue else "solid"
        shapes.append(
            {
                "type": "line",
                "x0": when,
                "x1": when,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": Y_REF,
                "line": {"color": DECISION_COLOUR, "width": 2, "dash": dash},
                # The figures' template draws shapes at 0.3 opacity: a marker stands out.
                "opacity": 1,
            }
        )
        shapes.append(
            {
                "type": "path",
                "xref": "x",
                "xsizemode": "pixel",
                "xanchor": when,
                "yref": Y_REF,
                "ysizemode": "pixel",
                "yanchor": 0,
                "path": f"M {-TRIANGLE / 2} 0 L {TRIANGLE / 2} 0 L 0 {TRIANGLE} Z",
                "fillcolor": "#ffffff" if marker.overdue else DECISION_COLOUR,
                "line": {"color": DECISION_COLOUR, "width": 2},
                "opacity": 1,
            }
        )
        annotations.append(
            {
                "x": when,
                "xref": "x",
                "y": 0,
                "yref": Y_REF,
                # A title a user typed: never markup (charts.figures.annotations.layout_labels).
                "text": escape(label, quote=False),
                "hovertext": escape(label, quote=False),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "yshift": LABEL_BASE,
                "textangle": 0,
                "align": "left",
                "font": {"size": LABEL_SIZE, "color": DECISION_COLOUR},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    margin = layout.get("margin") or {}
    dates = [pd.Timestamp(marker.decided_on) for marker in markers]
    layouts = label_layouts(
        first,
        dates,
        labels,
        shown,
        (margin.get("l") or 0) + (margin.get("r") or 0),
        from_bottom=LABEL_BASE,
    )
    # The figure as built shows the widest class (as charts.figures.fit does).
    widest = layouts[-1][1]
    for index, annotation in enumerate(annotations[first:]):
        key = f"annotations[{first + index}]"
        annotations[first + index] = {
            **annotation,
            "xanchor": widest[f"{key}.xanchor"],
            "yshift": widest[f"{key}.yshift"],
            "text": widest[f"{key}.text"],
        }
    meta = dict(layout.get("meta") or {})
    meta[FIT_KEY] = merge_width_layouts(meta.get(FIT_KEY, []), layouts)
    layout.update(shapes=shapes, annotations=annotations, meta=meta)
    return {**figure, "layout": layout}


def card_items(markers: list[Marker], lang: str) -> list[dict[str, Any]]:
    """The markers as the payload lists them for the card and the phase picker:
    ``id``, ``on`` (ISO date), ``date`` (as the UI writes it), ``title`` (short title),
    ``kind``, ``overdue`` (bool) and ``text`` (``marker_text``)."""
    return [
        {
            "id": marker.decision_id,
            "on": marker.decided_on.isoformat(),
            "date": format_date(marker.decided_on, lang),
            "title": marker.title,
            "kind": marker.kind,
            "overdue": marker.overdue,
            "text": marker_text(marker, lang),
        }
        for marker in markers
    ]
