"""The data of a KPI card (``charts.cards.kpi`` lays it out), as ``charts.payload`` is
the chart card's: the latest complete period's value, the change from a year earlier
and the status against the target in force, as texts, cached per chart, filters and
language."""

from __future__ import annotations

from typing import Any

import pandas as pd

from charts.catalog import CHARTS, ChartSpec
from charts.payload import chart_data, effective_filters
from charts.summary import (
    cell_reason,
    comparison_sign,
    format_change,
    format_value,
    headline,
    is_legal_requirement,
    period_label,
    reason_text,
)
from queries.cache import cache
from queries.filters import Filters
from settings import get_settings
from translations import t

# Status text keys by status, against a programme target and against the law.
_TARGET_TEXT = {"met": "kpi.met", "not_met": "kpi.not_met", "none": "kpi.target_unknown"}
_REQUIREMENT_TEXT = {
    "met": "kpi.requirement_met",
    "not_met": "kpi.requirement_not_met",
    "none": "kpi.requirement_unknown",
}


def kpi_payload(chart_id: str, filters: Filters, lang: str) -> dict[str, Any]:
    """``_kpi_payload`` under the filters the chart applies (``effective_filters``), so
    equivalent requests share one cache entry."""
    return _kpi_payload(chart_id, effective_filters(CHARTS[chart_id], filters), lang)


@cache.memoize()
def _kpi_payload(chart_id: str, filters: Filters, lang: str) -> dict[str, Any]:
    """``kpi_texts`` of the chart's data under ``filters`` (``chart_data``: whole
    periods only, ``charts.payload.load_complete``)."""
    spec = CHARTS[chart_id]
    filters = effective_filters(spec, filters)
    frame, targets = chart_data(chart_id, filters)
    return kpi_texts(frame, targets, spec, filters.grain, lang)


def kpi_texts(
    frame: pd.DataFrame, targets: pd.DataFrame, spec: ChartSpec, grain: str, lang: str
) -> dict[str, Any]:
    """The texts of one KPI card from a tidy chart frame of whole ``grain`` periods
    and the chart's target rows: ``value``, ``period``, ``change`` (or ""), ``status``
    (met | not_met | none), ``status_text``, ``note`` (why the value is not shown:
    the hidden or missing period by name and the true reason, else "") and ``basis``
    (for a legal requirement: that it is the law's, not a programme target, and its
    source; else ""); ``{"empty": True}`` without data.

    The card speaks of the latest complete period, the one it names next to the
    value, compared with the same period a year earlier. It is judged only against a
    target in force on every day of it (``charts.summary.target_in_force``); where
    the target changes inside the period, the status says it is not judged."""
    facts = headline(
        frame, targets, spec.series[0], grain, rounded=spec.rounded(spec.series[0]), unit=spec.unit
    )
    if facts is None:
        return {"empty": True}
    label = period_label(facts.period, grain)
    note = ""
    if pd.isna(facts.value):
        value = ".." if facts.suppressed else "–"
        if facts.suppressed:
            reason = reason_text(cell_reason(frame, spec.series[0], facts.period), lang)
            note = t("summary.latest_suppressed", lang, period=label, reason=reason)
        else:
            note = t("summary.latest_missing", lang, period=label)
    else:
        value = format_value(facts.value, spec.unit, spec.decimals, lang)
    change = ""
    if not pd.isna(facts.value) and not pd.isna(facts.previous):
        diff = facts.value - facts.previous
        arrow = "▲" if diff > 0 else "▼" if diff < 0 else "►"
        change = t(
            "kpi.change",
            lang,
            arrow=arrow,
            change=format_change(diff, spec.unit, spec.decimals, lang),
        )
    basis = ""
    if not facts.changes.empty:
        legal = is_legal_requirement(facts.changes.iloc[-1])
        status = "none"
        status_text = t(
            "kpi.requirement_changes" if legal else "kpi.target_changes", lang, period=label
        )
    elif facts.target is None:
        status, status_text = "none", t("kpi.no_target", lang)
    else:
        # met is None when the value is hidden or missing: the target is there, but
        # there is nothing to judge against it.
        status = "none" if facts.met is None else "met" if facts.met else "not_met"
        legal = is_legal_requirement(facts.target)
        key = (_REQUIREMENT_TEXT if legal else _TARGET_TEXT)[status]
        if facts.unconfirmed:
            key = "kpi.requirement_unconfirmed" if legal else "kpi.target_unconfirmed"
        status_text = t(
            key,
            lang,
            comparison=comparison_sign(facts.target["comparison"]),
            target=format_value(facts.target["value"], spec.unit, 0, lang),
            period=label,
            minimum=get_settings().min_cell_count,
        )
        if legal:
            basis = t("kpi.requirement_basis", lang, source=facts.target["source"])
    return {
        "empty": False,
        "value": value,
        "period": label,
        "change": change,
        "status": status,
        "status_text": status_text,
        "note": note,
        "basis": basis,
    }
