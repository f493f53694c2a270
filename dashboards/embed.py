"""Embeddable chart ``/embed/<chart_id>?<filters>``: one chart card and nothing else
(the shell hides its navigation on this path; see ``callbacks.shell``)."""

from dash import html, register_page

from charts.card import alert, chart_card
from charts.catalog import CHARTS
from dashboards._page import notices_block, page_context
from translations import t


def title(chart_id: str | None = None, **_query: object) -> str:
    """The document title: the chart's title (WCAG 2.4.2), or the app's name."""
    spec = CHARTS.get(str(chart_id))
    return t(spec.text_key("title")) if spec else t("app.title")


register_page(__name__, path_template="/embed/<chart_id>", name="embed", title=title)


def layout(chart_id: str | None = None, **query: object):
    """The chart card of ``chart_id`` for the filters in the URL, or a notice."""
    filters, notices, lang = page_context(query)
    spec = CHARTS.get(str(chart_id))
    if spec is None:
        return html.Div(alert(t("embed.unknown_chart", lang, chart=str(chart_id)[:64]), "warning"))
    return html.Div(
        [*notices_block(notices, lang), chart_card(spec, filters, lang)], className="embed"
    )
