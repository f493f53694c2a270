"""Agenda helpers for the meeting pages: the chart picker's options, a pasted page
address as an item's query, and an item's filters and view in words.

No chart data is read here: only the catalog, the translations and (to name a unit)
the cached unit hierarchy, as every page reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd

from charts.catalog import CHARTS
from charts.summary import period_label
from queries.engine import DATABASE_ERRORS
from translations import t

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


def pasted_query(text: object) -> str:
    """The query string of what a user pasted: a page address (``/hoitoonpaasy?...``,
    a full URL, with or without ``#card-...``), a query string (``?from=...`` or
    ``from=...``) or nothing. ``lang`` and ``embed`` are dropped; everything else is
    kept for ``meetings.store.item_query`` to validate. A bare path gives ""."""
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        return ""
    if "?" in raw:
        query = urlsplit(raw).query
    elif "=" in raw:
        query = raw.split("#", 1)[0]
    else:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k not in PAGE_ONLY_PARAMETERS])


def describe_item(item: Mapping, lang: str) -> str:
    """An agenda item's filters and view in words, e.g. "Ajanjakso 1/2024–viimeisin;
    aikataso kuukausi; koko hyvinvointialue. Näkymä: Onko muutos todellinen?"
    (``exports.data.describe_filters``, ``card.view.*``). When the unit list cannot be
    read, the item's query string as it is stored."""
    from exports.data import describe_filters
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
