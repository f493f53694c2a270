"""The time-series figure (``time_series_figure``, every chart's default) and what all
figure builders share: ``FigureOptions``, the base layout, period geometry, targets and
the marks of hidden (suppressed) values.

No database, no Dash: a builder gets the tidy chart frame (``queries.results``), the
target rows (``queries.reference.targets_for``) and display options, and returns a
``go.Figure``. ``go`` is used instead of ``plotly.express``, which costs several times
more per figure on a request path.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts.summary import (
    describe_targets,
    is_legal_requirement,
    period_label,
    target_changes,
    target_in_force,
)
from queries.filters import MONTHS_PER_GRAIN
from translations import plotly_separators, t

# Okabe-Ito colours (green and yellow darkened, purple for sky blue): distinguishable
# with the common colour-vision deficiencies, and each has at least 3:1 contrast
# against white (WCAG 1.4.11 non-text contrast; tests/test_figures.py checks it).
SERIES_COLOURS = ("#0072B2", "#D55E00", "#007A5E", "#CC79A7", "#8A6D00", "#6A3D9A")
TARGET_COLOUR = "#333333"
LINE_DASHES = ("solid", "dot", "dashdot", "longdash", "longdashdot")
MARKER_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x")
# Finnish period formats (d3-time-format), kept for callers that have no language;
# figures take them from the translation layer (``period_format``).
TICK_FORMAT = {"month": "%-m/%Y", "quarter": "Q%q/%Y", "year": "%Y"}


def period_format(grain: str, lang: str | None = None) -> str:
    """The d3-time-format of a ``grain`` period's date in ``lang`` ("%-m/%Y": 1/2024,
    like ``charts.summary.period_label``), for axis ticks, the hover and every
    hovertemplate's ``%{x|...}``. Only numeric parts: plotly's month and weekday
    names (``%b``, ``%a``) are English whatever the language."""
    return t(f"format.period.{grain}", lang)


def x_hover(grain: str, lang: str | None = None) -> str:
    """A hovertemplate's period part, e.g. ``%{x|%-m/%Y}``."""
    return f"%{{x|{period_format(grain, lang)}}}"


def unit_suffix(unit: str, lang: str | None = None) -> str:
    """The unit after a number on an axis, e.g. ``" %"`` or ``" vrk"`` (no-break space);
    counts have none."""
    return "" if unit == "count" else "\u00a0" + t(f"unit.{unit}", lang)


@dataclass(frozen=True)
class FigureOptions:
    """How to draw one chart: labels are already translated."""

    kind: str  # line | bar | stacked
    unit: str  # percent | count | days
    grain: str  # month | quarter | year
    series_labels: dict[str, str]  # series key -> label, in drawing order
    target_label: str
    decimals: int
    lang: str


def value_format(unit: str, decimals: int, lang: str | None = None) -> str:
    """Plotly hover format of a y value with its unit."""
    return f"%{{y:,.{decimals}f}}{unit_suffix(unit, lang)}"


# Room at the right edge for plotly's vertical toolbar (the modebar: buttons 24 px
# wide, 2 px from the edge). It sits in this margin, never over the plotting area and
# the latest periods drawn there; the legend (left-anchored) wraps within the plot's
# width, so it never reaches the toolbar either.
MODEBAR_ROOM = 40
MARGIN = {"l": 56, "r": MODEBAR_ROOM, "t": 16, "b": 40}


def base_layout(
    fig: go.Figure,
    options: FigureOptions,
    n_periods: int | None = None,
    *,
    periods: pd.Series | None = None,
    max_ticks: int = 12,
) -> go.Figure:
    """The common look of every chart: Finnish separators, fonts, legend on top, period
    ticks, a unit-suffixed y axis (0–100 for percentages) and room for the toolbar.

    With ``periods`` (the period starts drawn, e.g. the frame's ``period`` column) the
    ticks sit in the middle of the periods, under the bars and points that
    ``period_position`` puts there, at most ``max_ticks`` of them. Without, plotly's
    own ticks start at each period (``n_periods`` only sets their spacing) for figures
    whose points sit at the period starts. Returns ``fig``.
    """
    if n_periods is None:
        n_periods = max((len(trace.x) for trace in fig.data if trace.x is not None), default=1)
    fig.update_layout(
        separators=plotly_separators(options.lang),
        template="simple_white",
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14},
        margin=MARGIN,
        height=360,
        # Stacks list their parts top-down, as drawn; other charts in drawing order.
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "x": 0,
            "traceorder": "reversed" if options.kind == "stacked" else "normal",
        },
        hovermode="x unified" if options.kind == "line" else "closest",
        bargap=0.2,
        barmode="stack" if options.kind == "stacked" else "group",
        # A vertical toolbar in the right margin (MODEBAR_ROOM) never covers the
        # legend row above the plot or the plotted periods.
        modebar={"orientation": "v"},
    )
    dates = period_format(options.grain, options.lang)
    # The hover's period (the x unified box's title) in the same format as the ticks:
    # plotly's default is English ("Jan 1, 2024").
    # Time axes are dates even where a panel has no data (plotly would guess a
    # linear axis there, and a date range on it draws nothing but NaN paths).
    fig.update_xaxes(type="date", tickformat=dates, hoverformat=dates, showgrid=False)
    if periods is not None and len(periods):
        fig.update_xaxes(
            tickmode="array",
            tickvals=period_ticks(periods, options.grain, max_ticks),
            # The axis spans the shown periods whole, whatever else is drawn (plotly
            # gives a lone point or bar an axis a millisecond wide).
            range=period_range(periods, options.grain),
        )
    elif periods is None:
        fig.update_xaxes(dtick=_month_step(options.grain, n_periods, max_ticks))
    fig.update_yaxes(
        rangemode="tozero",
        ticksuffix=unit_suffix(options.unit, options.lang),
        showgrid=True,
        gridcolor="#e5e5e5",
        # ",~f" and not ",d": with small counts plotly puts ticks at 0.5 steps, which
        # ",d" would print as "0, 0, 1, 1".
        tickformat=",~f" if options.unit == "count" else None,
    )
    if options.unit == "percent":
        fig.update_yaxes(range=[0, 100])
    return fig


def _month_step(grain: str, n_periods: int, max_ticks: int = 12) -> str:
    """Tick spacing in whole periods, so a label never repeats (plotly's automatic ticks
    can fall twice in one month and then print the same ``%m/%Y`` twice)."""
    months_per_period = MONTHS_PER_GRAIN[grain]
    span = max(n_periods, 1) * months_per_period
    for step in (1, 3, 6, 12, 24):
        if step >= months_per_period and span / step <= max_ticks:
            return f"M{step}"
    return "M24"


def period_position(grain: str) -> dict[str, str]:
    """Trace attributes that draw each point or bar in the middle of its ``grain``
    period, a bar spanning the period. Data rows are dated by their period's first
    day; so placed, a bar, the target for its period and an event's date share one
    time scale (a bar centred on 1 January would straddle two years' targets)."""
    return {"xperiod": f"M{MONTHS_PER_GRAIN[grain]}", "xperiodalignment": "middle"}


def next_period(period: pd.Timestamp, grain: str) -> pd.Timestamp:
    """The first day of the period after the ``grain`` period starting on ``period``."""
    return pd.Timestamp(period) + pd.DateOffset(months=MONTHS_PER_GRAIN[grain])


def period_middle(period: pd.Timestamp, grain: str) -> pd.Timestamp:
    """The middle of the ``grain`` period starting on ``period`` (where plotly draws a
    point or bar with ``period_position``)."""
    start = pd.Timestamp(period)
    return start + (next_period(start, grain) - start) / 2


def period_range(periods: pd.Series, grain: str) -> list[pd.Timestamp]:
    """``[first day of the first period, first day after the last]`` of ``periods``
    (period starts): the x range that shows each of them whole."""
    starts = pd.to_datetime(pd.Series(periods))
    return [starts.min(), next_period(starts.max(), grain)]


# Share of a period its bar fills; the rest is the gap between bars (plotly's bargap).
BAR_FILL = 0.8


def bar_widths(periods, grain: str) -> list[float]:
    """Each bar's width on a date axis (milliseconds): ``BAR_FILL`` of its own
    ``grain`` period (a leap year's bar is a day wider).

    Given explicitly because plotly sizes bars by the distance between neighbouring
    bars: a lone bar (one whole year, or from = to) gets a width of 1 ms, which draws
    nothing once the axis spans its period."""
    return [
        (next_period(period, grain) - pd.Timestamp(period)).total_seconds() * 1000 * BAR_FILL
        for period in pd.to_datetime(pd.Series(periods))
    ]


def period_ticks(periods: pd.Series, grain: str, max_ticks: int = 12) -> list[pd.Timestamp]:
    """Tick positions: the middles of every n-th period of ``periods``, n whole
    periods apart and on calendar boundaries (January, April, ...), at most about
    ``max_ticks`` of them."""
    starts = sorted({pd.Timestamp(period) for period in periods})
    if not starts:
        return []
    months_per_period = MONTHS_PER_GRAIN[grain]
    span = round((next_period(starts[-1], grain) - starts[0]).days / 30.4375)
    step = int(_month_step(grain, span // months_per_period, max_ticks)[1:])
    aligned = [start for start in starts if (start.year * 12 + start.month - 1) % step == 0]
    return [period_middle(start, grain) for start in (aligned or starts[:1])]


def period_targets(
    targets: pd.DataFrame, periods: pd.Series, grain: str
) -> list[tuple[pd.Timestamp, pd.Series]]:
    """``(period, target row)`` for each of ``periods`` that has a target in force — a
    programme target or the law's requirement — by ``charts.summary.target_in_force``:
    the rule the summary sentence uses, so the picture and the sentence never
    disagree. In period order."""
    found = []
    for period in sorted({pd.Timestamp(period) for period in periods}):
        row = target_in_force(targets, period, grain)
        if row is not None:
            found.append((period, row))
    return found


def target_label(row: pd.Series, options: FigureOptions) -> str:
    """The legend name of a target row: "Tavoite" for a programme target, the law's
    requirement named as such (it is not a programme target)."""
    return (
        t("chart.requirement", options.lang)
        if is_legal_requirement(row)
        else (options.target_label)
    )


def add_period_targets(
    fig: go.Figure, targets: pd.DataFrame, periods: pd.Series, options: FigureOptions
) -> go.Figure:
    """Draw each period's target across that period (its bar or point).

    The target in force for a period is one value (``period_targets``), so a target
    never changes in the middle of a bar: a run of periods under the same target row
    is one flat segment from the run's first day to the day after it, with a point in
    the middle of each period for the hover. One trace per run, so the source is
    written once per run (the hover names it), not once per point; the legend names
    each kind once and toggles all runs together.
    """
    runs: list[tuple[list[pd.Timestamp], pd.Series]] = []
    for period, row in period_targets(targets, periods, options.grain):
        if (
            runs
            and runs[-1][1].name == row.name
            and next_period(runs[-1][0][-1], options.grain) == period
        ):
            runs[-1][0].append(period)
        else:
            runs.append(([period], row))
    fmt = value_format(options.unit, options.decimals, options.lang)
    named: set[str] = set()
    for run, row in runs:
        label = target_label(row, options)
        middles = [period_middle(period, options.grain) for period in run]
        xs = [run[0], *middles, next_period(run[-1], options.grain)]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[row["value"]] * len(xs),
                mode="lines",
                line={"color": TARGET_COLOUR, "width": 2, "dash": "dash"},
                name=label,
                legendgroup=f"target-{label}",
                showlegend=label not in named,
                hovertemplate=f"{fmt}<br>{row['source']}<extra>{label}</extra>",
            )
        )
        named.add(label)
    add_target_changes(fig, targets, periods, options)
    return fig


CHANGES_META = "tk-target-changes"  # marks the trace of ``add_target_changes``


def add_target_changes(
    fig: go.Figure, targets: pd.DataFrame, periods: pd.Series, options: FigureOptions
) -> go.Figure:
    """Mark each period whose target starts, ends or changes inside it
    (``charts.summary.target_changes``): it is judged against no one value, so no
    target is drawn across it. Instead a short grey dash at each value in force on
    some of its days, in the middle of the period, named in the legend ("Tavoite ei
    sama koko jakson ajan (ei arvioida)"); the hover gives the values with their
    dates. Nothing is added when every period has one target or none."""
    xs, ys, texts, legal = [], [], [], False
    for period in sorted({pd.Timestamp(period) for period in periods}):
        rows = target_changes(targets, period, options.grain)
        if rows.empty:
            continue
        legal = legal or is_legal_requirement(rows.iloc[-1])
        text = t(
            "chart.target_changes_hover",
            options.lang,
            targets=describe_targets(rows, options.unit, options.lang),
        )
        for value in dict.fromkeys(rows["value"]):
            xs.append(period)
            ys.append(float(value))
            texts.append(text)
    if not xs:
        return fig
    name = t("chart.requirement_changes" if legal else "chart.target_changes", options.lang)
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            customdata=texts,
            mode="markers",
            marker={
                "symbol": "line-ew-open",
                "size": 18,
                "color": "#767676",
                "line": {"width": 2, "color": "#767676"},
            },
            name=name,
            meta=CHANGES_META,
            hovertemplate=f"{x_hover(options.grain, options.lang)}: %{{customdata}}"
            f"<extra>{name}</extra>",
            **period_position(options.grain),
        )
    )
    return fig


def time_series_figure(
    frame: pd.DataFrame, targets: pd.DataFrame, options: FigureOptions
) -> go.Figure:
    """A time-series chart of the tidy ``frame`` with each period's programme target.

    Points and bars sit in the middle of their periods (``period_position``).
    Suppressed or missing values are gaps in lines; a hidden bar or stack segment is
    marked as hidden (``add_hidden_marks``). ``targets`` may be empty. The x axis
    spans the periods in ``frame``.
    """
    fig = go.Figure()
    fmt = value_format(options.unit, options.decimals, options.lang)
    periods = pd.to_datetime(frame["period"]) if not frame.empty else pd.Series(dtype="M8[ns]")
    position = period_position(options.grain)
    bar_keys = []
    for index, (key, label) in enumerate(options.series_labels.items()):
        part = frame[frame["series"] == key]
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        hover = f"{x_hover(options.grain, options.lang)}: {fmt}<extra>{label}</extra>"
        common = {
            "x": pd.to_datetime(part["period"]),
            "y": part["value"],
            "name": label,
            "hovertemplate": hover,
            **position,
        }
        if options.kind == "stacked" or (options.kind == "bar" and index == 0):
            bar_keys.append(key)
            fig.add_trace(
                go.Bar(
                    marker_color=colour, width=bar_widths(part["period"], options.grain), **common
                )
            )
        else:
            fig.add_trace(
                go.Scatter(
                    mode="lines+markers",
                    # Dash and marker differ by series too, not only the colour (1.4.1).
                    line={
                        "color": colour,
                        "width": 3 if index == 0 else 2,
                        "dash": LINE_DASHES[index % len(LINE_DASHES)],
                    },
                    marker={"size": 6, "symbol": MARKER_SYMBOLS[index % len(MARKER_SYMBOLS)]},
                    **common,
                )
            )
    if not targets.empty and not periods.empty:
        add_period_targets(fig, targets, periods, options)
    # Every drawn series, bars and lines alike: a hidden point of a line is a gap
    # that is marked and named, like a hidden bar.
    add_hidden_marks(
        fig, frame, dict(options.series_labels), options, stacked=options.kind == "stacked"
    )
    return base_layout(fig, options, periods=periods)


# --- Hidden (suppressed) bars and stack segments -------------------------------------

HIDDEN_COLOUR = "#333333"
HIDDEN_META = "tk-hidden"  # marks the trace for ``hidden_note``
# How a hidden (withheld) value is marked on every chart kind, the run chart included.
HIDDEN_MARKER = {"symbol": "diamond-open", "size": 11, "color": HIDDEN_COLOUR, "line": {"width": 2}}
# Legend rank of the hidden mark: last in a legend in drawing order. A stack's legend
# is reversed (base_layout), so there it takes -HIDDEN_RANK; a builder that turns a
# stack's legend back to drawing order sets HIDDEN_RANK (``hidden_last``).
HIDDEN_RANK = 10_000


def add_hidden_marks(
    fig: go.Figure,
    frame: pd.DataFrame,
    labels: dict[str, str],
    options: FigureOptions,
    *,
    stacked: bool,
    xaxis: str = "x",
    yaxis: str = "y",
) -> go.Figure:
    """Mark every period where a value of the ``labels`` series (key -> label) is
    suppressed, so a hidden bar, stack segment or point of a line is seen as hidden,
    not as missing (a line's gap, a bar's absence).

    One mark per such period, a hollow diamond: on top of the shown part of the stack
    (``stacked``) or on the axis (a bar or a line). Its hover names the hidden series
    of that period, and so does the legend, which names every hidden series once
    ("Salattu (..): 8–14 vrk, 15–90 vrk"; after ``HIDDEN_NAMED`` names, "ym."), so
    an exported image says which class is hidden too. Nothing is added when nothing
    is hidden; suppressed values stay NaN, nothing about them is sent.
    """
    if frame.empty or not labels:
        return fig
    part = frame[frame["series"].isin(labels)]
    hidden = part[part["suppressed"]]
    if hidden.empty:
        return fig
    xs, ys, names = [], [], []
    for period, rows in part.groupby("period", sort=True):
        secret = rows[rows["suppressed"]]
        if secret.empty:
            continue
        xs.append(pd.Timestamp(period))
        ys.append(float(rows["value"].fillna(0).clip(lower=0).sum()) if stacked else 0.0)
        names.append(", ".join(labels[key] for key in labels if key in set(secret["series"])))
    every = [labels[key] for key in labels if key in set(hidden["series"])]
    shown = ", ".join(every[:HIDDEN_NAMED]) + (" ym." if len(every) > HIDDEN_NAMED else "")
    name = t("chart.hidden_named", options.lang, series=shown)
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            customdata=names,
            mode="markers",
            marker=HIDDEN_MARKER,
            name=name,
            meta=HIDDEN_META,
            legendrank=-HIDDEN_RANK if stacked else HIDDEN_RANK,
            xaxis=xaxis,
            yaxis=yaxis,
            cliponaxis=False,
            hovertemplate=f"{x_hover(options.grain, options.lang)}: %{{customdata}}"
            f"<extra>{t('chart.hidden', options.lang)}</extra>",
            **period_position(options.grain),
        )
    )
    return fig


HIDDEN_NAMED = 3  # hidden series named in the mark's legend entry


def hidden_last(fig: go.Figure) -> go.Figure:
    """Put the hidden mark last in a legend in drawing order (``traceorder="normal"``)."""
    return fig.update_traces(legendrank=HIDDEN_RANK, selector={"meta": HIDDEN_META})


# A series hidden in more periods than this is told by count and latest period.
HIDDEN_LISTED = 3


def hidden_note(fig: go.Figure | dict, grain: str, lang: str) -> str:
    """The sentence that says in text what ``add_hidden_marks`` marks in ``fig`` (part
    of the chart's text alternative), or "" when nothing is marked: every hidden
    series by name, in drawing order, with the periods it is hidden in (after
    ``HIDDEN_LISTED`` of them, how many and the latest), e.g. "Kuvaajassa on
    salattuja arvoja (..): 8–14 vrk 1/2024, 3/2024; 15–90 vrk 1/2024."."""
    data = fig["data"] if isinstance(fig, dict) else fig.data
    marks = [trace for trace in data if _get(trace, "meta") == HIDDEN_META]
    order = [_get(trace, "name") for trace in data if _get(trace, "meta") != HIDDEN_META]
    periods: dict[str, set[pd.Timestamp]] = {}
    for trace in marks:
        if _get(trace, "customdata") is None:
            continue  # a mark that names nothing (the run chart's gaps)
        for x, names in zip(_get(trace, "x"), _get(trace, "customdata"), strict=True):
            for name in names.split(", "):
                periods.setdefault(name, set()).add(pd.Timestamp(x))
    if not periods:
        return ""
    items = []
    for name in sorted(periods, key=lambda n: order.index(n) if n in order else len(order)):
        days = sorted(periods[name])
        if len(days) > HIDDEN_LISTED:
            items.append(
                t(
                    "summary.hidden_item_many",
                    lang,
                    series=name,
                    count=len(days),
                    period=period_label(days[-1], grain),
                )
            )
        else:
            listed = ", ".join(period_label(day, grain) for day in days)
            items.append(t("summary.hidden_item", lang, series=name, periods=listed))
    return t("summary.hidden_series", lang, items="; ".join(items))


def _get(trace, key: str):
    return trace.get(key) if isinstance(trace, dict) else getattr(trace, key)


# --- Aligned panels sharing the time axis --------------------------------------------


def add_lower_panel(fig: go.Figure, panel_height: int, gap: int) -> None:
    """Put a second plot of ``panel_height`` px under the figure's plot, ``gap`` px
    below it, on the same time axis: ``xaxis2`` matches ``xaxis`` (zoom and ticks move
    together) and carries the tick labels; ``yaxis2`` is the panel's own value axis.

    Each plot has its own area, so two quantities never share one plotting area on
    two value axes (docs/architecture.md). The figure grows by ``panel_height + gap``
    so the main plot keeps its height.
    """
    margin = fig.layout.margin
    height = (fig.layout.height or 360) + panel_height + gap
    plot = height - (margin.t or 0) - (margin.b or 0)
    ticks = {
        key: value
        for key, value in fig.layout.xaxis.to_plotly_json().items()
        if key.startswith("tick") or key in ("dtick", "showgrid", "hoverformat")
    }
    fig.update_layout(
        height=height,
        yaxis={"domain": [(panel_height + gap) / plot, 1]},
        yaxis2={"domain": [0, panel_height / plot], "anchor": "x2"},
        xaxis={"showticklabels": False},
        xaxis2={**ticks, "anchor": "y2", "matches": "x"},
    )
