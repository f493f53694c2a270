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
from charts.figures import FigureOptions
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
    """The filters the chart really applies: county totals ignore the unit filter and
    only queue charts take the service filter (so the cache is not split needlessly)."""
    if not spec.unit_filter:
        filters = replace(filters, units=())
    if not spec.service_filter:
        filters = replace(filters, services=())
    return filters


def chart_targets(spec: ChartSpec) -> pd.DataFrame:
    """The chart's programme-target rows and legal-deadline rows, told apart by ``kind``
    (``queries.reference.targets_for`` columns)."""
    parts = []
    if spec.target_indicator is not None:
        frame = targets_for(spec.target_indicator)
        parts.append(frame[frame["kind"] == "programme_target"])
    if spec.deadline_indicator is not None:
        frame = targets_for(spec.deadline_indicator)
        parts.append(frame[frame["kind"] == "legal_deadline"])
    return pd.concat(parts, ignore_index=True) if parts else _EMPTY_TARGETS


def series_labels(spec: ChartSpec, frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """Series key -> label in drawing order: the catalog's series, then data series."""
    labels = {key: t(spec.series_key(key), lang) for key in spec.series}
    if "label" in frame.columns:
        for key, label in (
            frame[["series", "label"]].drop_duplicates("series").itertuples(index=False)
        ):
            labels.setdefault(key, label)
    return labels


def chart_data(chart_id: str, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy chart frame and the target rows of one chart under ``filters``."""
    spec = CHARTS[chart_id]
    return spec.load(effective_filters(spec, filters)), chart_targets(spec)


def table_rows(spec: ChartSpec, frame: pd.DataFrame, grain: str, lang: str) -> dict[str, Any]:
    """The "show as table" view: ``{"columns": [...], "rows": [[...], ...]}`` of strings.

    One row per period, one column per series; suppressed cells read "..".
    """
    labels = series_labels(spec, frame, lang)
    columns = [t("table.period", lang), *labels.values()]
    rows = []
    for period, group in frame.groupby("period", sort=True):
        by_series = group.set_index("series")
        row = [period_label(pd.Timestamp(period), grain)]
        for series in labels:
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
        series_labels=series_labels(spec, frame, lang),
        target_label=t("chart.target", lang),
        decimals=spec.decimals,
        lang=lang,
    )
    as_of = data_as_of()
    return {
        "figure": spec.figure(frame, targets, options).to_plotly_json(),
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
