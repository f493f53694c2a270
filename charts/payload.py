"""Server-side assembly of one chart: data, figure, summary and table.

``chart_data`` is what the data API serves; ``chart_payload`` is what a chart card
shows. Both start from the same memoized query, so the API returns exactly the plotted
(suppressed) numbers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from charts.catalog import CHARTS, ChartSpec
from charts.figures import FigureOptions, time_series_figure
from charts.summary import SUPPRESSED_MARK, format_value, period_label, summarise
from queries.cache import cache
from queries.filters import Filters
from queries.reference import data_as_of, is_synthetic, targets_for
from translations import t

_EMPTY_TARGETS = pd.DataFrame(
    columns=[
        "kind",
        "valid_from",
        "valid_to",
        "age_min",
        "age_max",
        "value",
        "comparison",
        "source",
    ]
)


def effective_filters(spec: ChartSpec, filters: Filters) -> Filters:
    """The filters the chart really applies (county totals ignore the unit filter)."""
    return filters if spec.unit_filter else replace(filters, units=())


def programme_targets(spec: ChartSpec) -> pd.DataFrame:
    """The chart's programme-target rows (``queries.reference.targets_for`` columns)."""
    if spec.target_indicator is None:
        return _EMPTY_TARGETS
    frame = targets_for(spec.target_indicator)
    return frame[frame["kind"] == "programme_target"]


def chart_data(chart_id: str, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy chart frame and the target rows of one chart under ``filters``."""
    spec = CHARTS[chart_id]
    return spec.load(effective_filters(spec, filters)), programme_targets(spec)


def table_rows(spec: ChartSpec, frame: pd.DataFrame, grain: str, lang: str) -> dict[str, Any]:
    """The "show as table" view: ``{"columns": [...], "rows": [[...], ...]}`` of strings.

    One row per period, one column per series; suppressed cells read "..".
    """
    columns = [t("table.period", lang)] + [t(spec.series_key(s), lang) for s in spec.series]
    rows = []
    for period, group in frame.groupby("period", sort=True):
        by_series = group.set_index("series")
        row = [period_label(pd.Timestamp(period), grain)]
        for series in spec.series:
            if series not in by_series.index:
                row.append("")
            elif by_series.at[series, "suppressed"]:
                row.append(SUPPRESSED_MARK)
            else:
                row.append(
                    format_value(by_series.at[series, "value"], spec.unit, spec.decimals, lang)
                )
        rows.append(row)
    return {"columns": columns, "rows": rows}


@cache.memoize()
def chart_payload(chart_id: str, filters: Filters, lang: str) -> dict[str, Any]:
    """Everything a chart card shows, as plain data (cached as a whole).

    Keys: ``figure`` (plotly figure dict), ``summary`` (sentence), ``table`` (see
    ``table_rows``), ``data_as_of`` (ISO date or None), ``synthetic`` (bool),
    ``empty`` (bool: the filters leave no data).
    """
    spec = CHARTS[chart_id]
    frame, targets = chart_data(chart_id, filters)
    options = FigureOptions(
        kind=spec.kind,
        unit=spec.unit,
        grain=filters.grain,
        series_labels={s: t(spec.series_key(s), lang) for s in spec.series},
        target_label=t("chart.target", lang),
        decimals=spec.decimals,
        lang=lang,
    )
    as_of = data_as_of()
    return {
        "figure": time_series_figure(frame, targets, options).to_plotly_json(),
        "summary": summarise(
            frame,
            targets,
            series=spec.series[0],
            unit=spec.unit,
            decimals=spec.decimals,
            grain=filters.grain,
            lang=lang,
        ),
        "table": table_rows(spec, frame, filters.grain, lang),
        "data_as_of": as_of.isoformat() if as_of else None,
        "synthetic": is_synthetic(),
        "empty": bool(frame.empty),
    }
