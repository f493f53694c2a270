"""Area page ``/digipalvelut``. Investment 4: digital innovations, remote contacts."""

from dash import register_page

from dashboards._frame import framed
from dashboards._page import area_page, page_registration

SLUG = "digipalvelut"
# The charts of this page, in the order a data discussion goes through them.
CHART_IDS = (
    "digiasiointi-osuus",
    "sahkoiset-lomakkeet-osuus",
    "sahkoinen-ajanvaraus-osuus",
    "omaolo-palvelut",
)

register_page(__name__, **page_registration(SLUG))


@framed(active=SLUG)
def layout(**query: object):
    """The page for the filters in the URL (cheap: the cards load their data later)."""
    return area_page(SLUG, CHART_IDS, query)
