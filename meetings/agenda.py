"""Agenda helpers for the meeting pages: the chart picker's options, a pasted page
address as an item's query, and an item's filters and view in words.

No chart data is read here: only the catalog, the translations and (to name a unit)
the cached unit hierarchy, as every page reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pandas as pd

from charts.areas import ALL_AREAS
from charts.catalog import CHARTS
from charts.summary import period_label
from meetings.store import InvalidInput
from queries.engine import DATABASE_ERRORS
from settings import get_settings
from translations import quote_value, t

# Page parameters that are not part of what an item shows (``meetings.store``
# refuses them): the language and the embed flag are dropped from a pasted address.
PAGE_ONLY_PARAMETERS = ("lang", "embed")


def chart_label(chart_id: str, lang: str) -> str:
    """ "<chart title> – <area name>", the picker's text of a catalog chart."""
    spec = CHARTS[chart_id]
    return f"{t(spec.text_key('title'), lang)} – {t(f'area.{spec.area}.title', lang)}"


def chart_options(search: object, lang: str) -> list[dict]:
    """Options ``{"label", "value"}`` of the catalog's charts in catalog order whose
    title or area name contains every word of ``search`` (case-insensitive; empty or
    not text: all charts)."""
    words = search.lower().split() if isinstance(search, str) else []
    options = []
    for chart_id in CHARTS:
        label = chart_label(chart_id, lang)
        haystack = label.lower()
        if all(word in haystack for word in words):
            options.append({"label": label, "value": chart_id})
    return options


# What a pasted chart address looks like (the help text's and the refusal's example).
ADDRESS_EXAMPLE = "/hoitoonpaasy?from=2024-01&unit=TA01&view=jonot:spc"


def _is_page_path(path: str) -> bool:
    """Whether ``path`` is the address of a page whose query holds chart filters: the
    overview (the URL prefix), an area page or an embedded chart, under any prefix a
    proxy may add (the public address is what users copy)."""
    segments = [part for part in path.split("/") if part]
    prefix = [part for part in get_settings().url_prefix.split("/") if part]
    if segments == prefix:
        return True  # the overview
    if segments and segments[-1] in {area.slug for area in ALL_AREAS if area.slug}:
        return True
    return len(segments) >= 2 and segments[-2] == "embed" and segments[-1] in CHARTS


def pasted_query(text: object) -> str:
    """The query string of what a user pasted: nothing, a query string (``?from=...``
    or ``from=...``), or the address of a page with chart filters (``/hoitoonpaasy?...``,
    a full http(s) URL of it, with or without ``#card-...``). ``lang`` and ``embed``
    are dropped; everything else is kept for ``meetings.store.item_query`` to validate.
    Anything else (bare text, another page, another scheme) raises ``InvalidInput``
    naming it; a value that is not text (a forged request) is a bad request."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise InvalidInput("meetings.error.bad_request")
    raw = text.strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if raw.startswith("?"):
        query = parts.query
    elif "?" not in raw and "/" not in raw and ":" not in raw.split("=", 1)[0] and "=" in raw:
        query = parts.path.split("#", 1)[0]
    elif parts.scheme in ("", "http", "https") and _is_page_path(parts.path):
        query = parts.query
    else:
        raise InvalidInput(
            "meetings.error.bad_pasted_address", value=quote_value(raw), example=ADDRESS_EXAMPLE
        )
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k not in PAGE_ONLY_PARAMETERS])


def check_unit(query: str) -> None:
    """Refuse (``InvalidInput``, each refused value named) an item address whose unit is
    not a node of the unit hierarchy, as a page would (``queries.units``). When the unit
    list cannot be read it is left to the page, which then reports the database."""
    from charts.address import Address
    from queries.units import resolve_selection

    address, _notices = Address.from_query(parse_qs(query))
    try:
        _filters, unknown = resolve_selection(address.filters)
    except DATABASE_ERRORS:
        return
    if unknown:
        raise InvalidInput("meetings.error.bad_address", notices=unknown)


def describe_item(item: Mapping, lang: str) -> str:
    """An agenda item's filters and view in words, e.g. "Ajanjakso 1/2024–viimeisin;
    aikataso kuukausi; koko hyvinvointialue. Näkymä: Onko muutos todellinen?"
    (``charts.filter_text.describe_filters``, ``card.view.*``). When the unit list cannot be
    read, the item's query string as it is stored."""
    from charts.filter_text import describe_filters
    from meetings.items import item_address

    raw = t("meetings.agenda.address_raw", lang, query=item.get("query") or "–")
    try:
        address, _notices = item_address(item, lang)
        if address.filters.node and not address.filters.units:
            return raw  # the unit list could not be read (page_context kept the node)
        filters = describe_filters(address.filters, lang)
    except DATABASE_ERRORS:
        return raw
    chart_id = item["chart_id"]
    view = t(f"card.view.{address.cards.view_of(chart_id)}", lang)
    text = f"{filters[:1].upper()}{filters[1:]}. {t('meetings.agenda.view', lang, view=view)}"
    phases = address.cards.phases_of(chart_id)
    if phases:
        labels = ", ".join(period_label(pd.Timestamp(p + "-01"), "month") for p in phases)
        text += "; " + t("meetings.agenda.phases", lang, phases=labels)
    return text
