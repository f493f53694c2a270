"""Embeddable chart ``/embed/<chart_id>?<filters>``: one chart card and nothing else
(the shell hides its navigation on this path; see ``callbacks.shell``).

The card opens in the view and with the phase starts of the address (``view=``,
``phase=``), but switching views here does not write the address: history entries of
a frame would take over the Back button of the intranet page around it.
"""

from dash import html, no_update, register_page

from charts.card import alert, chart_card
from charts.catalog import CHARTS
from dashboards._page import already_shown, notices_block, page_address, page_state
from translations import t


def title(chart_id: str | None = None, **_query: object) -> str:
    """The document title: the chart's title (WCAG 2.4.2), or the app's name."""
    spec = CHARTS.get(str(chart_id))
    return t(spec.text_key("title")) if spec else t("app.title")


register_page(__name__, path_template="/embed/<chart_id>", name="embed", title=title)


def layout(chart_id: str | None = None, **query: object):
    """The chart card of ``chart_id`` for the address, or a notice (``no_update`` when
    the frame already shows this address)."""
    spec = CHARTS.get(str(chart_id))
    address, notices = page_address(query, [spec.id] if spec else [])
    lang = address.language
    if spec is None:
        return html.Div(alert(t("embed.unknown_chart", lang, chart=str(chart_id)[:64]), "warning"))
    key = f"embed/{spec.id}"
    if already_shown(query, key, address):
        return no_update
    return html.Div(
        [*notices_block(notices, lang), chart_card(spec, address, lang), page_state(key, address)],
        className="embed",
    )
