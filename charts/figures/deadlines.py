"""The legal-deadline strip under a share chart (``hoitotakuu-lakisaateinen``): which
legal deadline held when, for which ages, on the share's time axis."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures.time_series import (
    FigureOptions,
    add_lower_panel,
    next_period,
    time_series_figure,
    unit_suffix,
)
from translations import format_date, t

_ALL_AGES = (0, 150)
STRIP_ROW = 24  # px per row of the deadline strip
STRIP_GAP = 30  # px between the plot and the strip: room for the strip's title
STRIP_FILL = "#e8e8e8"


def deadline_line_label(age_min: int, age_max: int, lang: str) -> str:
    """Name of one age group's deadline: "Lakisääteinen määräaika" for every age, else
    with the ages, e.g. "..., alle 23 v." or "..., vähintään 23 v."."""
    base = t("chart.deadline", lang)
    ages = age_group_label(age_min, age_max, lang)
    return f"{base}, {ages}" if ages else base


def age_group_label(age_min: int, age_max: int, lang: str) -> str:
    """The ages of a group as text ("alle 23 v.", "vähintään 23 v.", "18–64 v."), or
    "" for every age."""
    if age_min <= _ALL_AGES[0] and age_max >= _ALL_AGES[1]:
        return ""
    if age_min <= _ALL_AGES[0]:
        return t("chart.deadline_under_age", lang, age=age_max + 1)
    if age_max >= _ALL_AGES[1]:
        return t("chart.deadline_from_age", lang, age=age_min)
    return t("chart.deadline_ages", lang, first=age_min, last=age_max)


def deadline_segments(
    deadlines: pd.DataFrame, x_start: pd.Timestamp, x_end: pd.Timestamp
) -> pd.DataFrame:
    """The deadline history inside ``[x_start, x_end)``, one row per stretch of time
    an age group had one deadline.

    ``deadlines`` are ``legal_deadline`` rows (``queries.reference.targets_for``).
    Each row is clipped to the range (open-ended rows run to ``x_end``); consecutive
    rows of an age group with the same value are one stretch (e.g. 14 days before and
    after the cancelled 7-day reform), their sources joined. Columns: ``start``,
    ``end`` (exclusive), ``age_min``, ``age_max``, ``value`` (days), ``source``.
    """
    stretches: list[dict] = []
    for row in deadlines.sort_values(["age_min", "age_max", "valid_from"]).itertuples():
        start = max(pd.Timestamp(row.valid_from), x_start)
        end = (
            x_end
            if pd.isna(row.valid_to)
            else min(pd.Timestamp(row.valid_to) + pd.Timedelta(days=1), x_end)
        )
        if start >= end:
            continue
        group = (int(row.age_min), int(row.age_max))
        last = stretches[-1] if stretches else None
        if (
            last is not None
            and (last["age_min"], last["age_max"]) == group
            and last["value"] == row.value
            and last["end"] == start
        ):
            last["end"] = end
            last["source"] += "; " + row.source
            continue
        stretches.append(
            {
                "start": start,
                "end": end,
                "age_min": group[0],
                "age_max": group[1],
                "value": float(row.value),
                "source": row.source,
            }
        )
    columns = ["start", "end", "age_min", "age_max", "value", "source"]
    return pd.DataFrame(stretches, columns=columns).sort_values(["start", "age_min"])


def deadline_share_figure(
    frame: pd.DataFrame, targets: pd.DataFrame, options: FigureOptions
) -> go.Figure:
    """A share chart (``time_series_figure``) with the legal-deadline history in a
    strip under it, on the same time axis.

    The deadlines are days, the share is percent: they never share one plotting area
    on two value axes (read together, "90 vrk" then "14 vrk" looks like the share's
    target falling). The strip (``add_lower_panel``) has no value axis: one labelled
    bar per stretch of time a deadline held (``deadline_segments``), at its true dates,
    so a quarter that spans a change shows both. A deadline for every age fills the
    strip's height; deadlines by age group split it into rows ("alle 23 v.: 14 vrk").
    The hover gives the dates and cites the source. Programme targets, if any, are
    drawn by ``time_series_figure`` as usual.
    """
    fig = time_series_figure(frame, targets, options)
    deadlines = targets[targets["kind"] == "legal_deadline"] if not targets.empty else targets
    if frame.empty or deadlines.empty:
        return fig
    periods = pd.to_datetime(frame["period"])
    x_start = periods.min()
    x_end = next_period(periods.max(), options.grain)
    stretches = deadline_segments(deadlines, x_start, x_end)
    if stretches.empty:
        return fig
    groups = sorted(
        {(a, b) for a, b in zip(stretches["age_min"], stretches["age_max"], strict=True)}
        - {_ALL_AGES}
    )
    rows = max(1, len(groups))
    ys, widths, texts, hovers = [], [], [], []
    days = unit_suffix("days", options.lang)
    for stretch in stretches.itertuples():
        group = (stretch.age_min, stretch.age_max)
        value = f"{stretch.value:.0f}{days}"
        ages = age_group_label(*group, options.lang)
        if group == _ALL_AGES:
            ys.append(0.5)
            widths.append(1.0)
        else:
            # Rows top-down in age order: the first group on top.
            ys.append(1 - (groups.index(group) + 0.5) / rows)
            widths.append(1 / rows)
        texts.append(f"{ages}: {value}" if ages else value)
        last_day = stretch.end - pd.Timedelta(days=1)
        hovers.append(
            f"{format_date(stretch.start, options.lang)}–{format_date(last_day, options.lang)}"
            f": {texts[-1]}<br>{stretch.source}"
        )
    add_lower_panel(fig, STRIP_ROW * rows, STRIP_GAP)
    fig.add_trace(
        go.Bar(
            orientation="h",
            base=list(stretches["start"]),
            # A bar's length on a date axis is its duration in milliseconds.
            x=[
                (end - start).total_seconds() * 1000
                for start, end in zip(stretches["start"], stretches["end"], strict=True)
            ],
            y=ys,
            width=widths,
            text=texts,
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": "#1a1a1a", "size": 12},
            marker={"color": STRIP_FILL, "line": {"color": "#ffffff", "width": 2}},
            customdata=hovers,
            hovertemplate="%{customdata}<extra></extra>",
            name=t("chart.deadline", options.lang),
            showlegend=False,
            xaxis="x2",
            yaxis="y2",
        )
    )
    fig.update_layout(
        # A label that does not fit its stretch is left out (the hover still has it),
        # rather than shrunk to an unreadable size.
        uniformtext={"mode": "hide", "minsize": 10},
        yaxis2={"range": [0, 1], "visible": False, "fixedrange": True},
        # The hover's title over the strip names it: the default would be the end
        # date of the hovered stretch's bar (its length on the axis).
        xaxis2={"type": "date", "unifiedhovertitle": {"text": t("chart.deadline", options.lang)}},
    )
    fig.add_annotation(
        text=t("chart.deadline", options.lang),
        xref="paper",
        yref="y2 domain",
        x=0,
        y=1,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 12, "color": "#333333"},
    )
    return fig
