"""KPI cards of the overview: one headline indicator each, with its latest value, the
change from a year earlier and its status against the target in force. Status is told
by text and an icon as well as colour (WCAG 1.4.1)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, get_relative_path, html

from charts.address import Address
from charts.areas import AREA_BY_SLUG
from charts.cards.chart import LOADING_DELAY_MS, LOADING_KEEPS_CONTENT, card_id, request_store
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

STATUS_ICON = {"met": "✓", "not_met": "✗", "none": "–"}
STATUS_CLASS = {"met": "text-success", "not_met": "text-danger", "none": "text-muted"}
# Status text keys by status, against a programme target and against the law.
_TARGET_TEXT = {"met": "kpi.met", "not_met": "kpi.not_met", "none": "kpi.target_unknown"}
_REQUIREMENT_TEXT = {
    "met": "kpi.requirement_met",
    "not_met": "kpi.requirement_not_met",
    "none": "kpi.requirement_unknown",
}


ADDRESS_LINK = "address-link"  # a link that follows the page's filters (callbacks.address)


def address_link(text: str, path: str, address: Address, hash: str = "", **kwargs) -> dcc.Link:
    """A link to the page at ``path`` (and to its element ``hash``) that carries the
    filters, language and embed flag of ``address``. Its id names the target (path and
    hash), so ``callbacks.address`` can point it at the new filters when they change."""
    path = get_relative_path(path)
    fragment = f"#{hash}" if hash else ""
    return dcc.Link(
        text,
        href=path + address.link_search() + fragment,
        id={"type": ADDRESS_LINK, "target": path + fragment},
        **kwargs,
    )


def kpi_card(spec: ChartSpec, address: Address, lang: str) -> html.Article:
    """The KPI card frame (cheap, no database); ``callbacks.kpi_cards`` fills its body.
    Its link opens the chart's card on its area page under the same filters."""
    title_id = f"kpi-title-{spec.id}"
    return html.Article(
        [
            html.H3(t(spec.text_key("title"), lang), id=title_id, className="h6"),
            dcc.Loading(
                html.Div(
                    html.P(t("card.loading", lang), className="text-muted small", role="status"),
                    id=card_id("kpi-body", spec.id),
                ),
                type="dot",
                overlay_style=LOADING_KEEPS_CONTENT,
                delay_show=LOADING_DELAY_MS,
            ),
            address_link(
                t("kpi.open_chart", lang),
                AREA_BY_SLUG[spec.area].path,
                address,
                hash=f"card-{spec.id}",
                className="small stretched-link-none",
            ),
            request_store("kpi-request", spec, address.filters, lang),
        ],
        className="card card-body kpi-card h-100",
        id=f"kpi-{spec.id}",
        **{"aria-labelledby": title_id},
    )


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
    facts = headline(frame, targets, spec.series[0], grain)
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
            key = "kpi.requirement_unconfirmed"
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


def kpi_body(payload: dict[str, Any], lang: str) -> list:
    """The body of a KPI card from ``kpi_payload``."""
    if payload["empty"]:
        return [html.P(t("card.no_data", lang), className="small text-muted")]
    status = payload["status"]
    return [
        html.P(
            [
                html.Span(payload["value"], className="kpi-value"),
                " ",
                html.Span(payload["period"], className="text-muted small"),
            ],
            className="mb-1",
        ),
        html.P(payload["change"], className="small mb-1") if payload["change"] else None,
        html.P(
            [
                html.Span(STATUS_ICON[status], **{"aria-hidden": "true"}),
                " ",
                payload["status_text"],
            ],
            className=f"small fw-semibold mb-2 kpi-status {STATUS_CLASS[status]}",
        ),
        html.P(payload["note"], className="small mb-2 kpi-note") if payload.get("note") else None,
        html.P(payload["basis"], className="small text-muted mb-2 kpi-basis")
        if payload.get("basis")
        else None,
    ]
