"""Overview page ``/``: KPI cards of each investment area's headline indicators."""

from dash import register_page

from dashboards._frame import framed
from dashboards._page import overview_page, page_registration

# Headline indicators per area, in the order the overview shows them.
KPI_IDS: dict[str, tuple[str, ...]] = {
    "hoitoonpaasy": (
        "hoitotakuu-7vrk",
        "hoitotakuu-lakisaateinen",
        "suun-terveydenhuolto-odotus",
        "palvelutarpeen-arviointi-90pv",
    ),
    "ennaltaehkaisy": ("hyvinvointilahetteet", "liikuntalahetteet", "matalan-kynnyksen-ryhmat"),
    "tietopohja": ("hoitotakuuseuranta-kattavuus", "kirjaamisen-laatu"),
    "digipalvelut": (
        "digiasiointi-osuus",
        "sahkoiset-lomakkeet-osuus",
        "sahkoinen-ajanvaraus-osuus",
        "omaolo-palvelut",
    ),
}

register_page(__name__, **page_registration(""))


@framed(active="")
def layout(**query: object):
    """The overview for the filters in the URL (cheap: the cards load their data later)."""
    return overview_page(KPI_IDS, query)
