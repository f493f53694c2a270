"""Figure builders: pure functions from tidy frames to plotly figures.

No database, no Dash: a builder gets the tidy chart frame (``queries.results``), the
target rows (``queries.reference.targets_for``) and display options, and returns a
``go.Figure``. ``go`` is used instead of ``plotly.express``, which costs several times
more per figure on a request path.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from queries.filters import MONTHS_PER_GRAIN
from translations import plotly_separators, t

# Okabe-Ito colours (green and yellow darkened, purple for sky blue): distinguishable
# with the common colour-vision deficiencies, and each has at least 3:1 contrast
# against white (WCAG 1.4.11 non-text contrast; tests/test_figures.py checks it).
SERIES_COLOURS = ("#0072B2", "#D55E00", "#007A5E", "#CC79A7", "#8A6D00", "#6A3D9A")
TARGET_COLOUR = "#333333"
LINE_DASHES = ("solid", "dot", "dashdot", "longdash", "longdashdot")
MARKER_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x")
TICK_FORMAT = {"month": "%m/%Y", "quarter": "Q%q/%Y", "year": "%Y"}


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


def base_layout(fig: go.Figure, options: FigureOptions, n_periods: int | None = None) -> go.Figure:
    """The common look of every chart: Finnish separators, fonts, legend on top, period
    ticks and a unit-suffixed y axis (0–100 for percentages). Returns ``fig``."""
    if n_periods is None:
        n_periods = max((len(trace.x) for trace in fig.data if trace.x is not None), default=1)
    fig.update_layout(
        separators=plotly_separators(options.lang),
        template="simple_white",
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14},
        margin={"l": 56, "r": 16, "t": 16, "b": 40},
        height=360,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="x unified" if options.kind == "line" else "closest",
        bargap=0.2,
        barmode="stack" if options.kind == "stacked" else "group",
        # A vertical toolbar at the right edge never covers the legend row above.
        modebar={"orientation": "v"},
    )
    fig.update_xaxes(
        tickformat=TICK_FORMAT[options.grain],
        dtick=_month_step(options.grain, n_periods),
        showgrid=False,
    )
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


def _month_step(grain: str, n_periods: int) -> str:
    """Tick spacing in whole periods, so a label never repeats (plotly's automatic ticks
    can fall twice in one month and then print the same ``%m/%Y`` twice)."""
    months_per_period = MONTHS_PER_GRAIN[grain]
    span = max(n_periods, 1) * months_per_period
    for step in (1, 3, 6, 12, 24):
        if step >= months_per_period and span / step <= 12:
            return f"M{step}"
    return "M24"


def target_steps(
    targets: pd.DataFrame, x_start: pd.Timestamp, x_end: pd.Timestamp
) -> tuple[list, list, list]:
    """x, y and hover texts of a step line for date-versioned targets.

    Each target row becomes a horizontal segment from ``valid_from`` to ``valid_to``
    (open-ended rows run to ``x_end``), clipped to ``[x_start, x_end]``. Segments that
    do not touch are separated by ``None`` so the line breaks between them.
    """
    xs: list = []
    ys: list = []
    texts: list = []
    previous_end: pd.Timestamp | None = None
    for row in targets.itertuples(index=False):
        start = max(pd.Timestamp(row.valid_from), x_start)
        end = x_end if pd.isna(row.valid_to) else min(pd.Timestamp(row.valid_to), x_end)
        if start > end:
            continue
        if previous_end is not None and start - previous_end > pd.Timedelta(days=1):
            xs.append(None)
            ys.append(None)
            texts.append(None)
        xs.extend([start, end])
        ys.extend([row.value, row.value])
        texts.extend([row.source, row.source])
        previous_end = end
    return xs, ys, texts


def time_series_figure(
    frame: pd.DataFrame, targets: pd.DataFrame, options: FigureOptions
) -> go.Figure:
    """A time-series chart of the tidy ``frame`` with the programme targets as steps.

    Suppressed or missing values are gaps in lines and missing bars. ``targets`` may be
    empty. The x axis spans the periods in ``frame``.
    """
    fig = go.Figure()
    fmt = value_format(options.unit, options.decimals, options.lang)
    periods = pd.to_datetime(frame["period"]) if not frame.empty else pd.Series(dtype="M8[ns]")
    for index, (key, label) in enumerate(options.series_labels.items()):
        part = frame[frame["series"] == key]
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        hover = f"%{{x|{TICK_FORMAT[options.grain]}}}: {fmt}<extra>{label}</extra>"
        common = {
            "x": pd.to_datetime(part["period"]),
            "y": part["value"],
            "name": label,
            "hovertemplate": hover,
        }
        if options.kind == "stacked" or (options.kind == "bar" and index == 0):
            fig.add_trace(go.Bar(marker_color=colour, **common))
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
    targets = targets[targets["kind"] == "programme_target"] if not targets.empty else targets
    if not targets.empty and not periods.empty:
        x_start = periods.min()
        x_end = periods.max() + pd.offsets.MonthEnd(MONTHS_PER_GRAIN[options.grain])
        xs, ys, texts = target_steps(targets, x_start, x_end)
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": TARGET_COLOUR, "width": 2, "dash": "dash", "shape": "hv"},
                    name=options.target_label,
                    text=texts,
                    hovertemplate=f"{fmt}<br>%{{text}}<extra>{options.target_label}</extra>",
                )
            )
    return base_layout(fig, options, periods.nunique())


# --- Legal deadlines on a secondary axis (hoitotakuu-lakisaateinen) -----------------

# Colours of the deadline step lines: the deadline for every age first, then one per
# age group (Okabe-Ito; none is the blue of the headline series).
DEADLINE_COLOURS = ("#333333", "#D55E00", "#007A5E", "#CC79A7")
DEADLINE_DASHES = ("dash", "dot", "dashdot", "longdash")
_ALL_AGES = (0, 150)


def deadline_line_label(age_min: int, age_max: int, lang: str) -> str:
    """Legend label of one age group's deadline line: "Lakisääteinen määräaika" for
    every age, else with the ages, e.g. "..., alle 23 v." or "..., vähintään 23 v."."""
    from translations import t

    base = t("chart.deadline", lang)
    if age_min <= _ALL_AGES[0] and age_max >= _ALL_AGES[1]:
        return base
    if age_min <= _ALL_AGES[0]:
        ages = t("chart.deadline_under_age", lang, age=age_max + 1)
    elif age_max >= _ALL_AGES[1]:
        ages = t("chart.deadline_from_age", lang, age=age_min)
    else:
        ages = t("chart.deadline_ages", lang, first=age_min, last=age_max)
    return f"{base}, {ages}"


def deadline_share_figure(
    frame: pd.DataFrame, targets: pd.DataFrame, options: FigureOptions
) -> go.Figure:
    """A share chart (``time_series_figure``) with the legal deadlines as step lines
    in days on a secondary y axis.

    The ``legal_deadline`` rows of ``targets`` are grouped by age group (``age_min``,
    ``age_max``): rows for every age (0–150) make one line, each narrower age group its
    own line, so the history reads as one line until the deadline starts to depend on
    age and as one line per age group from then on. Each line's hover cites the row's
    source. Programme targets, if any, are drawn by ``time_series_figure`` as usual.
    """
    fig = time_series_figure(frame, targets, options)
    deadlines = targets[targets["kind"] == "legal_deadline"] if not targets.empty else targets
    if frame.empty or deadlines.empty:
        return fig
    periods = pd.to_datetime(frame["period"])
    x_start = periods.min()
    x_end = periods.max() + pd.offsets.MonthEnd(MONTHS_PER_GRAIN[options.grain])
    deadlines = deadlines.sort_values(["valid_from", "age_min"])
    groups = sorted(
        {(int(a), int(b)) for a, b in zip(deadlines["age_min"], deadlines["age_max"], strict=True)},
        key=lambda group: (group != _ALL_AGES, group),
    )
    highest = 0.0
    for index, (age_min, age_max) in enumerate(groups):
        rows = deadlines[(deadlines["age_min"] == age_min) & (deadlines["age_max"] == age_max)]
        xs, ys, texts = target_steps(rows, x_start, x_end)
        if not xs:
            continue
        highest = max(highest, *(y for y in ys if y is not None))
        label = deadline_line_label(age_min, age_max, options.lang)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                yaxis="y2",
                mode="lines",
                line={
                    "color": DEADLINE_COLOURS[index % len(DEADLINE_COLOURS)],
                    "width": 2,
                    "dash": DEADLINE_DASHES[index % len(DEADLINE_DASHES)],
                    "shape": "hv",
                },
                name=label,
                text=texts,
                hovertemplate=f"{value_format('days', 0, options.lang)}<br>%{{text}}"
                f"<extra>{label}</extra>",
            )
        )
    if highest:
        # The second axis is labelled at the deadlines themselves (e.g. 0, 14, 90 vrk);
        # its title would collide with the toolbar, and the legend names the lines.
        values = sorted({0.0, *(float(v) for v in deadlines["value"])})
        fig.update_layout(
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "range": [0, highest * 1.15],
                "tickmode": "array",
                "tickvals": values,
                # With tickvals plotly drops ticksuffix: the texts are given whole.
                "ticktext": [f"{value:.0f}{unit_suffix('days', options.lang)}" for value in values],
                "showgrid": False,
            },
            margin={"r": 64},
        )
        # Keep the x axis to the periods shown (the step lines end at the last period's
        # last day; without this plotly pads the range by a whole tick).
        fig.update_xaxes(range=[x_start - pd.Timedelta(days=20), x_end])
    return fig


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
    part is suppressed (a missing bar segment).
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
            hovertemplate=f"%{{x|{TICK_FORMAT[options.grain]}}}: "
            f"{value_format(options.unit, options.decimals, options.lang)}<extra>{label}</extra>",
        )
    )
    # Legend in reading order (total first, then the parts from the bottom of the stack
    # up), not plotly's reversed order for stacks; more parts need more legend rows.
    fig.update_layout(legend_traceorder="normal", height=360 + 12 * max(0, len(parts) - 4))
    return fig
