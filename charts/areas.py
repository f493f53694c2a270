"""The dashboard's pages: the overview and one page per investment area.

Each area is addressed by its slug, which is also its URL path and the ``area`` of the
chart catalog entries that belong to it. Titles and intros are translation keys.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One page of the dashboard."""

    slug: str  # URL path without the slash; "" for the overview
    number: int  # investment number in the programme plans (0 = overview)

    @property
    def path(self) -> str:
        return "/" + self.slug

    @property
    def title_key(self) -> str:
        return f"area.{self.slug or 'overview'}.title"

    @property
    def all_charts_key(self) -> str:
        """The overview's link to the area's page ("Kaikki hoitoonpääsyn kuvaajat")."""
        return f"area.{self.slug}.all_charts"

    @property
    def intro_key(self) -> str:
        return f"area.{self.slug or 'overview'}.intro"


OVERVIEW = Area("", 0)
INVESTMENT_AREAS = (
    Area("hoitoonpaasy", 1),
    Area("ennaltaehkaisy", 2),
    Area("tietopohja", 3),
    Area("digipalvelut", 4),
)
ALL_AREAS = (OVERVIEW, *INVESTMENT_AREAS)
AREA_BY_SLUG = {area.slug: area for area in INVESTMENT_AREAS}
