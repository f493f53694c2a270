"""The peer context drawn on a time series: the band of all counties (least to
greatest, lightly filled; the middle half, first to third quartile, darker) and the
whole country as a dashed line (``queries.peers.peer_values``' frame).

Each stored period is drawn flat across its own span (a yearly figure across its year,
whatever the chart's grain), so the band never suggests a value inside a year that
the statistics do not have. The band goes under the chart's own lines, and its legend
entries after the chart's series. Pure: no database, no Dash.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures.time_series import FigureOptions, next_period, period_middle
from charts.summary import format_value, period_label
from translations import t

PEERS_META = "tk-peers"  # marks every trace of the peer context
# The chart's own blue (SERIES_COLOURS[0]) at two strengths: the band is context, the
# county's line stays the strongest mark.
RANGE_FILL = "rgba(0, 114, 178, 0.12)"
MIDDLE_FILL = "rgba(0, 114, 178, 0.30)"
COUNTRY_COLOUR = "#6A3D9A"  # Okabe-Ito purple, 3:1 or more against white
# After the chart's series in the legend (plotly's default rank is 1000), before the
# hidden mark (time_series.HIDDEN_RANK).
LEGEND_RANK = 5000
# A period's flat segment ends this much before the next period starts, so a hover
# inside a period never picks the next period's value at the shared boundary.
_EDGE = pd.Timedelta(seconds=1)


def _runs(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """``rows`` (period order) split where a period does not follow the one before."""
    runs: list[list[int]] = []
    previous_end = None
    for index, row in rows.iterrows():
        start = pd.Timestamp(row["period"])
        if runs and previous_end == start:
            runs[-1].append(index)
        else:
            runs.append([index])
        previous_end = next_period(start, row["grain"])
    return [rows.loc[run] for run in runs]


def _steps(run: pd.DataFrame, column: str) -> tuple[list[pd.Timestamp], list[float]]:
    """x and y of a flat segment per period of ``run``: its start, middle and end."""
    xs: list[pd.Timestamp] = []
    ys: list[float] = []
    for row in run.itertuples(index=False):
        start = pd.Timestamp(row.period)
        xs += [start, period_middle(start, row.grain), next_period(start, row.grain) - _EDGE]
        ys += [float(getattr(row, column))] * 3
    return xs, ys


def _texts(run: pd.DataFrame, text) -> list[str]:
    """The hover text of each period of ``run``, once per point of ``_steps``."""
    return [text(row) for row in run.itertuples(index=False) for _ in range(3)]


def _band(
    fig_traces: list,
    rows: pd.DataFrame,
    low: str,
    high: str,
    name: str,
    fill: str,
    text,
) -> None:
    """A filled band between columns ``low`` and ``high``: per run of periods a lower
    edge (no hover, no legend) and an upper edge filled down to it (``tonexty``)."""
    for number, run in enumerate(_runs(rows)):
        xs, lows = _steps(run, low)
        _xs, highs = _steps(run, high)
        common = {
            "x": xs,
            "mode": "lines",
            "line": {"width": 0, "color": fill},
            "legendgroup": f"peers-{low}-{high}",
            "meta": PEERS_META,
        }
        fig_traces.append(go.Scatter(y=lows, hoverinfo="skip", showlegend=False, **common))
        fig_traces.append(
            go.Scatter(
                y=highs,
                fill="tonexty",
                fillcolor=fill,
                name=name,
                showlegend=number == 0,
                legendrank=LEGEND_RANK,
                customdata=_texts(run, text),
                hovertemplate=f"%{{customdata}}<extra>{name}</extra>",
                **common,
            )
        )


def add_peers(fig: go.Figure, peers: pd.DataFrame, options: FigureOptions) -> go.Figure:
    """A new figure: ``fig`` with the peer context of ``peers`` (``queries.peers``
    columns, the periods to draw) under its traces. The least–greatest band (periods
    with a county value), the quartile band over it, and the whole country as a
    dashed line (periods with a country value), each named once in the legend, each
    period's hover giving its values with the unit. ``fig`` is left unchanged; with no
    rows the copy has no peer traces."""

    def fmt(value: float) -> str:
        return format_value(value, options.unit, options.decimals, options.lang)

    def label(row) -> str:
        return period_label(pd.Timestamp(row.period), row.grain)

    traces: list = []
    banded = peers[peers["counties"] > 0]
    _band(
        traces,
        banded,
        "minimum",
        "maximum",
        t("peers.range", options.lang),
        RANGE_FILL,
        lambda row: t(
            "peers.hover_range",
            options.lang,
            period=label(row),
            low=fmt(row.minimum),
            high=fmt(row.maximum),
            counties=row.counties,
        ),
    )
    _band(
        traces,
        banded,
        "q1",
        "q3",
        t("peers.middle", options.lang),
        MIDDLE_FILL,
        lambda row: t(
            "peers.hover_middle", options.lang, period=label(row), low=fmt(row.q1), high=fmt(row.q3)
        ),
    )
    country = t("peers.country", options.lang)
    for number, run in enumerate(_runs(peers[peers["country"].notna()])):
        xs, ys = _steps(run, "country")
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": COUNTRY_COLOUR, "width": 2, "dash": "dash"},
                name=country,
                legendgroup="peers-country",
                showlegend=number == 0,
                legendrank=LEGEND_RANK,
                meta=PEERS_META,
                customdata=_texts(
                    run,
                    lambda row: t(
                        "peers.hover_country",
                        options.lang,
                        period=label(row),
                        value=fmt(row.country),
                    ),
                ),
                hovertemplate=f"%{{customdata}}<extra>{country}</extra>",
            )
        )
    return go.Figure(data=[*traces, *fig.data], layout=fig.layout)
