"""Area page ``/hoitoonpaasy``. Investment 1: access to care, care guarantee, queues and backlog."""

from dash import register_page

from dashboards._frame import framed
from dashboards._page import area_page, page_registration

SLUG = "hoitoonpaasy"
# The charts of this page, in the order a data discussion goes through them: access
# against the programme target and the law, how long the waits are and how soon the
# health stations have a free appointment, the queues and backlog behind them, oral
# health, mental health and substance abuse services and child-and-family services,
# then referrals onward.
CHART_IDS = (
    "hoitotakuu-7vrk",
    "hoitotakuu-lakisaateinen",
    "odotusaikajakauma",
    "tk-vastaanotto-saatavuus",
    "jonot",
    "suun-terveydenhuolto-odotus",
    "mielenterveyspalvelujen-saatavuus",
    "paihdepalvelujen-saatavuus",
    "palvelutarpeen-arviointi-90pv",
    "erikoissairaanhoidon-lahetteet",
)

register_page(__name__, **page_registration(SLUG))


@framed(active=SLUG)
def layout(**query: object):
    """The page for the filters in the URL (cheap: the cards load their data later)."""
    return area_page(SLUG, CHART_IDS, query)
