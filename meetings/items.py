"""An agenda item as a chart: its address, its page link, its title and its payload.

An item stores a catalog chart id and the canonical query string of its address
(``meetings.store.item_query``). Everything that draws or describes an item (the
meeting pages, presentation mode, the pre-read, the minutes, snapshots) goes through
these functions, so an item always shows exactly what its chart's card shows on the
area page at the same address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

from dash import get_relative_path

from charts.address import SPC_VIEW, Address
from charts.areas import AREA_BY_SLUG
from charts.catalog import CHARTS, ChartSpec
from translations import t


def item_spec(item: Mapping) -> ChartSpec:
    """The catalog entry of the item's chart."""
    return CHARTS[item["chart_id"]]


def item_address(item: Mapping, lang: str = "") -> tuple[Address, tuple[str, ...]]:
    """The item's address (filters resolved to the unit hierarchy, as a page does:
    ``dashboards._page.page_context``) in ``lang``, and the notices of anything
    that no longer holds (e.g. a unit that has left the reporting DB: the county is
    shown). Raises ``queries.engine.DATABASE_ERRORS`` only if the unit list cannot be
    read and the item names a unit."""
    from dashboards._page import page_context  # dashboards build on this package

    address, notices = page_context(parse_qs(item.get("query") or ""))
    cards = address.cards.only([item["chart_id"]])
    return replace(address, cards=cards, lang=lang or address.lang), notices


def item_title(item: Mapping, lang: str) -> str:
    """The item's chart title in ``lang``."""
    return t(item_spec(item).text_key("title"), lang)


def item_page_url(item: Mapping, lang: str = "") -> str:
    """The item's chart on its area page at the item's address, e.g.
    ``/hoitoonpaasy?from=2024-01&view=jonot:spc#card-jonot`` (URL prefix included)."""
    spec = item_spec(item)
    query = item.get("query") or ""
    if lang:
        query = "&".join(part for part in (query, f"lang={lang}") if part)
    path = get_relative_path(AREA_BY_SLUG[spec.area].path)
    return path + ("?" + query if query else "") + f"#card-{spec.id}"


def item_payload(item: Mapping, lang: str) -> dict[str, Any]:
    """The item's chart as its card shows it (``charts.payload.chart_payload``: cached)
    in the item's view with its phase starts."""
    from charts.payload import chart_payload

    address, _notices = item_address(item, lang)
    spec = item_spec(item)
    view = address.cards.view_of(spec.id)
    phases = address.cards.phases_of(spec.id) if view == SPC_VIEW else ()
    return chart_payload(spec.id, address.filters, lang, view, phases)
