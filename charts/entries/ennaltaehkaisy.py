"""Chart catalog entries of ``/ennaltaehkaisy``. Investment 2: prevention."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from charts.catalog import ChartSpec, register
from charts.figures.time_series import (
    SERIES_COLOURS,
    TOTAL_COLOUR,
    FigureOptions,
    add_hidden_marks,
    add_lower_panel,
    bar_widths,
    hidden_last,
    period_format,
    period_position,
    time_series_figure,
    value_format,
    x_hover,
)
from queries.filters import Filters
from queries.indicator_values import reported_count
from queries.reference import county_code
from queries.referrals import OTHER_UNITS, referral_counts, referral_counts_by_unit

OTHER_COLOUR = "#767676"  # grey for "other units": 4.5:1 against white


def _wellbeing_referrals(filters: Filters) -> pd.DataFrame:
    """Totals (``referrals``, ``referrers``) and the referrals by referring unit."""
    return pd.concat(
        [
            referral_counts(filters, "wellbeing"),
            referral_counts_by_unit(filters, "wellbeing"),
        ],
        ignore_index=True,
    )


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


LOWER_PANEL = 110  # px: the participants' panel under the groups
LOWER_GAP = 36  # px between the panels: room for the lower panel's own tick labels


def yearly_panels_figure(
    frame: pd.DataFrame, targets: pd.DataFrame, options: FigureOptions, *, lower: str
) -> go.Figure:
    """A yearly indicator (one stored figure per year): the headline as bars with each
    year's target, and the ``lower`` series as bars in an aligned panel under it.

    The two are different quantities (groups, people), so each has its own plot and
    value axis on the same time axis (``add_lower_panel``), never two value axes on
    one plot. A suppressed ``lower`` value is marked hidden in its panel. The x axis
    is drawn by year whatever the grain: at a finer grain each yearly figure is still
    one point, at the start of its year (``reported_count``).
    """
    keys = list(options.series_labels)
    upper = {key: label for key, label in options.series_labels.items() if key != lower}
    yearly = replace(options, kind="bar", grain="year")
    fig = time_series_figure(
        frame[frame["series"] != lower], targets, replace(yearly, series_labels=upper)
    )
    add_lower_panel(fig, LOWER_PANEL, LOWER_GAP)
    label = options.series_labels[lower]
    colour = SERIES_COLOURS[keys.index(lower) % len(SERIES_COLOURS)]
    part = frame[frame["series"] == lower]
    fig.add_trace(
        go.Bar(
            x=pd.to_datetime(part["period"]),
            y=part["value"],
            name=label,
            marker_color=colour,
            width=bar_widths(part["period"], "year"),
            xaxis="x2",
            yaxis="y2",
            hovertemplate=f"{x_hover('year', options.lang)}: "
            f"{value_format(options.unit, options.decimals, options.lang)}<extra>{label}</extra>",
            **period_position("year"),
        )
    )
    add_hidden_marks(fig, part, {lower: label}, yearly, stacked=False, xaxis="x2", yaxis="y2")
    fig.update_layout(
        yaxis={"title": {"text": upper[keys[0]], "font": {"color": SERIES_COLOURS[0]}}},
        yaxis2={
            "title": {"text": label, "font": {"color": colour}},
            "rangemode": "tozero",
            "showgrid": True,
            "gridcolor": "#e5e5e5",
            "tickformat": ",~f",
            "nticks": 3,
        },
    )
    return fig


def _groups(filters: Filters) -> pd.DataFrame:
    """Groups (``value``: not people, left exact by the chart's ``exact_series``) and
    participants (``numerator``: people, protected), county totals, exact."""
    region = county_code()
    indicator = "matalan-kynnyksen-ryhmat"
    return pd.concat(
        [
            reported_count(filters, indicator, region, column="value", series="groups"),
            reported_count(filters, indicator, region, column="numerator", series="participants"),
        ],
        ignore_index=True,
    )


register(
    ChartSpec(
        id="hyvinvointilahetteet",
        area="ennaltaehkaisy",
        unit="count",
        # The headline is the total (so the SPC view applies); the builder stacks the units.
        kind="bar",
        load=_wellbeing_referrals,
        series=("referrals", "referrers", OTHER_UNITS),
        decimals=0,
        figure=partial(breakdown_figure, lines=("referrals", "referrers"), last=(OTHER_UNITS,)),
    )
)

register(
    ChartSpec(
        id="liikuntalahetteet",
        area="ennaltaehkaisy",
        unit="count",
        kind="bar",
        load=partial(referral_counts, referral_type="exercise"),
        series=("referrals", "referrers"),
        decimals=0,
    )
)

register(
    ChartSpec(
        id="matalan-kynnyksen-ryhmat",
        min_grain="year",
        area="ennaltaehkaisy",
        unit="count",
        kind="bar",
        load=_groups,
        series=("groups", "participants"),
        target_indicator="matalan-kynnyksen-ryhmat",
        unit_filter=False,
        exact_series=("groups",),  # groups are not people
        decimals=0,
        figure=partial(yearly_panels_figure, lower="participants"),
    )
)
