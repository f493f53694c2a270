"""Figures that fit their width: one layout per width class, chosen in the browser.

A figure is built on the server without knowing how wide it will be drawn (a wide
card, a phone, a 360 px embed). Where the layout depends on the width (how many
small-multiple panels fit side by side, on how many rows event labels must be
stacked so they do not overlap), the builder computes the layout of each width
class here and puts them into ``layout.meta.tkFit``:
``[{"minWidth": px, "layout": {plotly attribute string: value}}, ...]``, narrowest
first. assets/45-fit-width.js applies, with ``Plotly.relayout``, the layout of the
widest class whose ``minWidth`` the drawn figure reaches, whenever it is drawn or
resized. Each class is laid out for its *least* width: drawn wider, texts keep their
size and the gaps between them only grow, so nothing that does not overlap at the
least width overlaps at a greater one. The figure as built carries the widest
class's layout (what the server's images and a wide card show).
"""

from __future__ import annotations

import plotly.graph_objects as go

# px per character of text, by font size, on the generous side for the UI's
# system-ui font (Finnish text averages under 0.55 em; wide letters and digits
# allowed for), so an estimated box is never smaller than the drawn one.
TEXT_WIDTH = {11: 7.0, 12: 7.6}
FIT_KEY = "tkFit"


def text_width(text: str, size: int) -> float:
    """Estimated px width of ``text`` at font ``size`` (an upper bound)."""
    return len(text) * TEXT_WIDTH.get(size, 0.64 * size)


def wrap_text(text: str, chars: int, max_lines: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, broken between words (a word
    longer than a line is cut), at most ``max_lines`` lines; what does not fit ends
    in "…" (the hover and the table keep the whole text)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > chars:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: chars - 1] + "-")
            word = word[chars - 1 :]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= chars:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, chars - 1)].rstrip() + "…"
    return lines or [""]


def set_width_layouts(fig: go.Figure, layouts: list[tuple[int, dict]]) -> go.Figure:
    """Store ``layouts`` (``(least width in px, relayout dict)``, narrowest first) as the
    figure's width classes, merged with any it has: at each class boundary of
    either list, the layout is the union of each list's class for that width. Applies
    the widest class to the figure itself. Returns ``fig``."""
    meta = dict(fig.layout.meta or {})
    merged = merge_width_layouts(meta.get(FIT_KEY, []), layouts)
    meta[FIT_KEY] = merged
    fig.update_layout(meta=meta)
    for key, value in merged[-1]["layout"].items():
        fig.layout[key] = value
    return fig


def merge_width_layouts(current: list[dict], layouts: list[tuple[int, dict]]) -> list[dict]:
    """The width classes ``current`` (``[{"minWidth", "layout"}]``, as in ``tkFit``)
    merged with ``layouts`` (``(least width in px, relayout dict)``, narrowest first):
    at each class boundary of either list, the union of each list's class for that
    width (``layouts`` winning on a key both set). New lists and dicts; nothing given
    is changed."""
    existing = [(entry["minWidth"], entry["layout"]) for entry in current]
    bounds = sorted({0, *(width for width, _ in existing), *(width for width, _ in layouts)})

    def at(entries: list[tuple[int, dict]], width: int) -> dict:
        chosen: dict = {}
        for least, layout in entries:
            if width >= least:
                chosen = layout
        return chosen

    return [
        {"minWidth": width, "layout": {**at(existing, width), **at(layouts, width)}}
        for width in bounds
    ]
