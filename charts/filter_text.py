"""The filters in force, in words, for every place that states them beside a chart:
exported files' metadata, image and slide captions (``charts.payload.export_context``)
and agenda items (``meetings.agenda``)."""

from __future__ import annotations

import pandas as pd

from charts.summary import period_label
from queries.filters import Filters
from queries.reference import units
from queries.units import node_of_units, resolve_node
from translations import t


def describe_filters(filters: Filters, lang: str) -> str:
    """The filters in words, e.g. "Ajanjakso 1/2024–viimeisin; aikataso kuukausi; ..."."""
    start = period_label(pd.Timestamp(filters.start + "-01"), "month")
    end = (
        period_label(pd.Timestamp(filters.end + "-01"), "month")
        if filters.end
        else t("filters.to_latest", lang).lower()
    )
    parts = [
        t("export.filters_period", lang, start=start, end=end),
        t("export.filters_grain", lang, grain=t(f"filters.grain.{filters.grain}", lang).lower()),
    ]
    if filters.units:
        # The chosen node; filters used as a cache key have only its member units
        # (charts.payload.effective_filters): then the narrowest node with those units.
        node = resolve_node(filters.node) if filters.node else None
        if node is None or node.units != filters.units:
            node = node_of_units(filters.units)
        if node is not None:
            parts.append(t(f"export.filters_{node.kind}", lang, name=node.label(lang)))
        else:
            column = "name_sv" if lang == "sv" else "name_fi"
            names = dict(zip(units()["unit_id"], units()[column], strict=True))
            listed = ", ".join(names.get(u, u) for u in filters.units)
            parts.append(t("export.filters_units", lang, units=listed))
    else:
        parts.append(t("filters.units_all", lang))
    if filters.services:
        parts.append(
            t(
                "export.filters_services",
                lang,
                services=", ".join(t(f"service.{s}", lang) for s in filters.services),
            )
        )
    return "; ".join(parts)
