"""Server-side assembly of one chart: data, figure, summary and table.

``chart_data`` is what the data API serves; ``chart_payload`` is what a chart card
shows. Both start from the same memoized query, so the API returns exactly the plotted
(suppressed) numbers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from charts.annotations import add_events, events_in_view
from charts.catalog import CHARTS, ChartSpec
from charts.figures import FigureOptions
from charts.small_multiples import small_multiples_figure
from charts.spc import MIN_POINTS, SHIFT_RUN, TREND_RUN, spc_figure, xmr
from charts.summary import SUPPRESSED_MARK, format_value, period_label, summarise
from queries.cache import cache
from queries.filters import GRAINS, MONTHS_PER_GRAIN, Filters
from queries.periods import complete_periods
from queries.reference import data_as_of, events_for, is_synthetic, targets_for, units
from translations import format_date, t

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
    """The filters the chart really applies: county totals ignore the unit filter, only
    queue charts take the service filter (so the cache is not split needlessly), and a
    grain finer than the data's own is raised to it."""
    if not spec.unit_filter:
        filters = replace(filters, units=())
    if not spec.service_filter:
        filters = replace(filters, services=())
    if GRAINS.index(spec.min_grain) > GRAINS.index(filters.grain):
        filters = replace(filters, grain=spec.min_grain)
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


def load_complete(spec: ChartSpec, filters: Filters) -> pd.DataFrame:
    """``spec.load(filters)`` without the periods the data covers only in part, unless
    the chart keeps the period in progress (``ChartSpec.keep_partial_period``)."""
    frame = spec.load(filters)
    if spec.keep_partial_period:
        return frame
    return complete_periods(frame, filters, data_as_of())


def chart_data(chart_id: str, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy chart frame and the target rows of one chart under ``filters``."""
    spec = CHARTS[chart_id]
    return load_complete(spec, effective_filters(spec, filters)), chart_targets(spec)


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


VIEWS = ("series", "units", "spc")


def available_views(spec: ChartSpec) -> tuple[str, ...]:
    """The views a chart offers: its time series always; unit comparison when the unit
    filter applies to it; the SPC view unless it is a stacked distribution."""
    views = ["series"]
    if spec.unit_filter:
        views.append("units")
    if spec.kind != "stacked":
        views.append("spc")
    return tuple(views)


def _options(spec: ChartSpec, frame: pd.DataFrame, filters: Filters, lang: str) -> FigureOptions:
    return FigureOptions(
        kind=spec.kind,
        unit=spec.unit,
        grain=filters.grain,
        series_labels=series_labels(spec, frame, lang),
        target_label=t("chart.target", lang),
        decimals=spec.decimals,
        lang=lang,
    )


def _series_view(spec: ChartSpec, filters: Filters, lang: str) -> dict[str, Any]:
    frame, targets = chart_data(spec.id, filters)
    return {
        "figure": spec.figure(frame, targets, _options(spec, frame, filters, lang)),
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
        "empty": bool(frame.empty),
        "periods": frame["period"],
    }


def _unit_panels(spec: ChartSpec, filters: Filters, lang: str) -> dict[str, pd.DataFrame]:
    """Unit label -> the chart's tidy frame for that unit alone (each one cached)."""
    frame = units()
    if filters.units:
        frame = frame[frame["unit_id"].isin(filters.units)]
    else:
        frame = frame[frame["unit_type"].isin(spec.unit_types)]
    name = "name_sv" if lang == "sv" else "name_fi"
    return {
        getattr(row, name): load_complete(spec, replace(filters, units=(row.unit_id,)))
        for row in frame.itertuples(index=False)
    }


def _units_view(spec: ChartSpec, filters: Filters, lang: str) -> dict[str, Any]:
    panels = _unit_panels(spec, filters, lang)
    headline = spec.series[0]
    latest: dict[str, tuple[pd.Timestamp, float, bool]] = {}
    for label, frame in panels.items():
        part = frame[frame["series"] == headline].sort_values("period")
        if not part.empty:
            last = part.iloc[-1]
            latest[label] = (last["period"], last["value"], bool(last["suppressed"]))
    rows = [
        [
            label,
            period_label(period, filters.grain),
            SUPPRESSED_MARK if hidden else format_value(value, spec.unit, spec.decimals, lang),
        ]
        for label, (period, value, hidden) in latest.items()
    ]
    shown = {k: v for k, v in latest.items() if not v[2] and not pd.isna(v[1])}
    if shown:
        high = max(shown, key=lambda k: shown[k][1])
        low = min(shown, key=lambda k: shown[k][1])
        summary = t(
            "summary.units",
            lang,
            period=period_label(shown[high][0], filters.grain),
            high=high,
            high_value=format_value(shown[high][1], spec.unit, spec.decimals, lang),
            low=low,
            low_value=format_value(shown[low][1], spec.unit, spec.decimals, lang),
        )
    else:
        summary = t("summary.units_none", lang)
    options = _options(spec, pd.DataFrame(columns=["series"]), filters, lang)
    periods = pd.concat([f["period"] for f in panels.values()]) if panels else pd.Series()
    return {
        "figure": small_multiples_figure(panels, headline, options),
        "summary": summary,
        "table": {
            "columns": [
                t("table.unit", lang),
                t("table.period", lang),
                t(spec.series_key(headline), lang),
            ],
            "rows": rows,
        },
        "empty": not latest,
        "periods": periods,
    }


def _spc_view(spec: ChartSpec, filters: Filters, lang: str) -> dict[str, Any]:
    frame, _targets = chart_data(spec.id, filters)
    part = frame[frame["series"] == spec.series[0]].sort_values("period").reset_index(drop=True)
    values = part["value"].dropna()
    if len(values) < MIN_POINTS:
        empty = _series_view(spec, filters, lang)
        empty["summary"] = t("summary.spc_too_few", lang, minimum=MIN_POINTS)
        return empty
    analysis = xmr(part["value"], (0.0, 100.0) if spec.unit == "percent" else None)
    labels = {key: t(f"spc.{key}", lang) for key in ("mean", "limits", "signal")}
    labels["series"] = t(spec.series_key(spec.series[0]), lang)
    figure = spc_figure(part["period"], analysis, labels, _options(spec, frame, filters, lang))

    def fmt(value: float) -> str:
        return format_value(value, spec.unit, spec.decimals, lang)

    signal_periods = [
        period_label(part.at[i, "period"], filters.grain)
        for i in analysis.index[analysis["signal"]]
    ]
    first = analysis.iloc[0]
    summary = t(
        "summary.spc",
        lang,
        mean=fmt(first["mean"]),
        lower=fmt(first["lower"]),
        upper=fmt(first["upper"]),
    )
    summary += " " + (
        t(
            "summary.spc_signals",
            lang,
            count=len(signal_periods),
            periods=", ".join(signal_periods[:6]) + ("…" if len(signal_periods) > 6 else ""),
        )
        if signal_periods
        else t("summary.spc_no_signals", lang)
    )
    rows = []
    for i, row in analysis.iterrows():
        runs = {"outside": {}, "shift": {"run": SHIFT_RUN}, "trend": {"run": TREND_RUN}}
        kinds = [t(f"spc.{kind}", lang, **params) for kind, params in runs.items() if row[kind]]
        rows.append(
            [period_label(part.at[i, "period"], filters.grain), fmt(row["value"]), ", ".join(kinds)]
        )
    return {
        "figure": figure,
        "summary": summary,
        "table": {
            "columns": [t("table.period", lang), labels["series"], t("spc.signal", lang)],
            "rows": rows,
        },
        "empty": False,
        "periods": part["period"],
    }


_BUILDERS = {"series": _series_view, "units": _units_view, "spc": _spc_view}


def _events(spec: ChartSpec, periods: pd.Series, grain: str, lang: str) -> pd.DataFrame:
    if periods.empty:
        return pd.DataFrame(columns=["event_date", "label"])
    x_start = pd.Timestamp(periods.min())
    x_end = pd.Timestamp(periods.max()) + pd.offsets.MonthEnd(MONTHS_PER_GRAIN[grain])
    frame = events_in_view(events_for(spec.area), spec.id, x_start, x_end)
    column = f"label_{lang}" if f"label_{lang}" in frame.columns else "label_fi"
    return frame.assign(label=frame[column] if not frame.empty else [])


def export_context(spec: ChartSpec, filters: Filters, lang: str, as_of) -> dict[str, str]:
    """What a downloaded image must say about itself: ``title``, ``context`` (filters,
    source, data date, synthetic note) and ``filename`` (chart id and data date)."""
    from exports.data import describe_filters  # exports builds on this module

    parts = [
        t("export.meta.filters", lang) + ": " + describe_filters(filters, lang),
        t("card.source", lang, source=t(spec.text_key("source"), lang)),
        t("card.data_as_of", lang, date=format_date(as_of, lang)) if as_of else "",
    ]
    if is_synthetic():
        parts.append(t("card.synthetic", lang))
    return {
        "title": t(spec.text_key("title"), lang),
        "context": "<br>".join(part for part in parts if part),
        "filename": f"{spec.id}_{as_of.isoformat() if as_of else 'data'}",
    }


@cache.memoize()
def chart_payload(
    chart_id: str, filters: Filters, lang: str, view: str = "series", phases: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Everything a chart card shows in one of its ``VIEWS``, as plain data (cached as a
    whole). An unknown or unavailable view falls back to the time series.

    Keys: ``view``, ``figure`` (plotly figure dict), ``summary`` (sentence), ``table``
    (``{"columns", "rows"}`` of strings), ``events`` (``[{"date", "label"}]``),
    ``data_as_of`` (ISO date or None), ``synthetic`` (bool), ``empty`` (bool: the
    filters leave no data).
    """
    spec = CHARTS[chart_id]
    filters = effective_filters(spec, filters)
    if view not in available_views(spec):
        view = "series"
    built = _BUILDERS[view](spec, filters, lang)
    figure = built["figure"]
    events = pd.DataFrame()
    if view != "units":
        events = _events(spec, built["periods"], filters.grain, lang)
        add_events(figure, events, "label")
    as_of = data_as_of()
    figure.update_layout(meta={"tkExport": export_context(spec, filters, lang, as_of)})
    return {
        "view": view,
        "figure": figure.to_plotly_json(),
        "summary": built["summary"],
        "table": built["table"],
        "events": [
            {"date": format_date(row.event_date.date(), lang), "label": row.label}
            for row in events.itertuples(index=False)
        ],
        "data_as_of": as_of.isoformat() if as_of else None,
        "synthetic": is_synthetic(),
        "empty": built["empty"],
    }
