"""Area page ``/ennaltaehkaisy``. Investment 2: prevention and early identification."""

from dash import register_page

from dashboards._frame import framed
from dashboards._page import area_page, page_registration

SLUG = "ennaltaehkaisy"
# The charts of this page, in the order a data discussion goes through them: referrals
# and groups, the child health clinic's check-ups, then support for the unemployed.
CHART_IDS = (
    "hyvinvointilahetteet",
    "liikuntalahetteet",
    "matalan-kynnyksen-ryhmat",
    "neuvola-laakarikaynnit-18kk-4v",
    "lene-maaraajassa",
    "tyottomien-tuki-asiakkaat",
)

register_page(__name__, **page_registration(SLUG))


@framed(active=SLUG)
def layout(**query: object):
    """The page for the filters in the URL (cheap: the cards load their data later)."""
    return area_page(SLUG, CHART_IDS, query)
