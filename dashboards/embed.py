"""Embeddable chart ``/embed/<chart_id>?<filters>``: one chart card and nothing else
(the shell hides its navigation on this path; see ``callbacks.shell``).

The card opens in the view and with the phase starts of the address (``view=``,
``phase=``), but switching views here does not write the address: history entries of
a frame would take over the Back button of the intranet page around it.
"""

from dataclasses import replace

from dash import get_relative_path, html, no_update, register_page

from charts.address import Address
from charts.areas import AREA_BY_SLUG
from charts.cards.chart import alert, chart_card
from charts.catalog import CHARTS
from dashboards._frame import BARE, framed, localised_title
from dashboards._page import already_shown, notices_block, page_address, page_state
from translations import quote_value, t


@localised_title
def title(lang: str, chart_id: str | None = None, **_query: object) -> str:
    """The document title in ``lang``: the chart's title (WCAG 2.4.2), or the app's
    name."""
    spec = CHARTS.get(str(chart_id))
    return t(spec.text_key("title"), lang) if spec else t("app.title", lang)


def path_ok(chart_id: str | None = None) -> bool:
    """Whether the embed address names a chart of the catalog (else it answers 404:
    ``http_errors``)."""
    return str(chart_id) in CHARTS


register_page(
    __name__, path_template="/embed/<chart_id>", name="embed", title=title, path_ok=path_ok
)


@framed(chrome=BARE)
def layout(chart_id: str | None = None, **query: object):
    """The chart card of ``chart_id`` for the address, or a notice (``no_update`` when
    the frame already shows this address)."""
    spec = CHARTS.get(str(chart_id))
    address, notices = page_address(query, [spec.id] if spec else [])
    lang = address.language
    if spec is None:
        return html.Div(
            alert(t("embed.unknown_chart", lang, chart=quote_value(chart_id)), "warning")
        )
    key = f"embed/{spec.id}"
    if already_shown(query, key, address):
        return no_update
    return html.Div(
        [
            *notices_block(notices, lang),
            chart_card(spec, address, lang),
            full_view_link(spec.id, address, lang),
            page_state(key, address),
        ],
        className="embed",
    )


def full_view_url(chart_id: str, address: Address) -> str:
    """The chart's card on its area page with the embed's filters, view and phase starts
    (the navigation shown: no embed flag), e.g.
    ``/hoitoonpaasy?from=2024-01&view=jonot:units#card-jonot``."""
    path = get_relative_path(AREA_BY_SLUG[CHARTS[chart_id].area].path)
    return path + replace(address, embed=False).search() + f"#card-{chart_id}"


def full_view_link(chart_id: str, address: Address, lang: str) -> html.P:
    """A link from the embedded card to the same chart in the full dashboard; it opens
    a new tab, so the intranet page around the frame stays."""
    return html.P(
        html.A(
            t("embed.open_full", lang),
            href=full_view_url(chart_id, address),
            target="_blank",
            rel="noopener",
            className="embed-full-view small",
        ),
        className="mb-0",
    )
