"""KPI cards of the overview: one headline indicator each, with its latest value, the
change from a year earlier and its status against the target in force. Status is told
by text and an icon as well as colour (WCAG 1.4.1)."""

from __future__ import annotations

from typing import Any

from dash import dcc, get_relative_path, html

from charts.address import Address
from charts.areas import AREA_BY_SLUG
from charts.cards.chart import LOADING_DELAY_MS, LOADING_KEEPS_CONTENT, card_id, request_store
from charts.catalog import ChartSpec
from translations import t

STATUS_ICON = {"met": "✓", "not_met": "✗", "none": "–"}
STATUS_CLASS = {"met": "text-success", "not_met": "text-danger", "none": "text-muted"}


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
