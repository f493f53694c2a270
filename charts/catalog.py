"""The chart catalog: every chart is one declarative entry addressed by a stable id.

Pages list ids, the callbacks and the data API look entries up here. Adding a chart is
one ``ChartSpec`` plus its query, its catalog texts (``chart.<id>.*`` in the
translation catalog) and tests; nothing in ``app.py`` changes. Ids are a public
contract (URLs, exports and meeting agendas use them): ASCII kebab-case, never renamed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts.areas import AREA_BY_SLUG
from charts.figures.time_series import FigureOptions, time_series_figure
from queries.filters import GRAINS, Filters
from settings import get_settings
from translations import t

UNITS = ("percent", "count", "days")
_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ChartSpec:
    """One chart: what it measures, where its data comes from and how it is drawn.

    ``load(filters)`` returns the exact tidy chart frame of ``queries.results`` with
    its cell keys; ``charts.payload.load_complete`` publishes it
    (``queries.privacy.protect``) before anything is served. ``series`` lists the
    series keys in drawing order; the first is the headline the summary sentence
    speaks of. Texts live in the translation catalog under
    ``chart.<id>.title|definition|source`` and ``chart.<id>.series.<key>``. Series
    whose keys come from the data (one per unit or specialty) are drawn after the
    listed ones, labelled by the frame's ``label`` column. ``figure`` is the builder,
    ``(frame, targets, FigureOptions) -> go.Figure``.
    """

    id: str
    area: str
    unit: str
    load: Callable[[Filters], pd.DataFrame]
    series: tuple[str, ...]
    # line | bar (the headline as bars, the rest as lines) | stacked (all as stacked bars)
    kind: str = "line"
    # targets.indicator_id of what its value is judged against: programme targets, or a
    # legal requirement (targets.kind, charts.summary.TARGET_KINDS).
    target_indicator: str | None = None
    deadline_indicator: str | None = None  # targets.indicator_id of its legal deadlines
    higher_is_better: bool = True
    unit_filter: bool = True  # False when the figures are county totals only
    counts_people: bool = True  # False: counts of units/services, published exactly
    # Series that are not counts of people in a chart that otherwise counts people (the
    # groups beside their participants): published exactly (``queries.privacy.protect``).
    exact_series: tuple[str, ...] = ()
    # The finest grain the data has (reported quarterly or yearly figures): a finer
    # request is shown at this grain, so labels say "2026", not "1/2026". Like every
    # chart it shows whole periods only (``charts.payload.load_complete``): a yearly
    # figure needs its whole year inside the chosen months and the data.
    min_grain: str = "month"
    service_filter: bool = False  # True when the service filter (queues) applies
    # Units compared in the "by unit" view when none are selected (units.unit_type).
    unit_types: tuple[str, ...] = ("health_station",)
    decimals: int = 1
    figure: Callable[[pd.DataFrame, pd.DataFrame, FigureOptions], go.Figure] = time_series_figure
    # Values the definition text takes from code or data, ``lang -> {placeholder: text}``
    # (e.g. which queues are judged by which deadline), so the text cannot drift.
    text_params: Callable[[str], dict[str, str]] | None = None

    def text_key(self, part: str) -> str:
        """Translation key of one of this chart's texts (title, definition, source)."""
        return f"chart.{self.id}.{part}"

    def definition(self, lang: str) -> str:
        """The definition text: the chart's own text (the small-count minimum in force
        and ``text_params`` filled in), then what every chart does with its periods,
        from the spec itself: the grain of a yearly or quarterly figure
        (``min_grain``) and the rule that only whole periods are shown
        (``charts.payload.load_complete``)."""
        params = {"minimum": get_settings().min_cell_count}
        if self.text_params is not None:
            params.update(self.text_params(lang))
        parts = [t(self.text_key("definition"), lang, **params)]
        if self.min_grain != "month":
            parts.append(t(f"definition.min_grain.{self.min_grain}", lang))
        parts.append(t("definition.whole_periods", lang))
        return " ".join(parts)

    def protection(self, lang: str) -> str:
        """One sentence on how small numbers are protected in this chart (shown in the
        definition popover), citing the minimum in force."""
        key = "card.protection" if self.counts_people else "card.protection_none"
        return t(key, lang, minimum=get_settings().min_cell_count)

    def series_key(self, series: str) -> str:
        """Translation key of a series label."""
        return f"chart.{self.id}.series.{series}"


CHARTS: dict[str, ChartSpec] = {}


def register(spec: ChartSpec) -> ChartSpec:
    """Add ``spec`` to the catalog, checking the id and area."""
    if not _ID_RE.match(spec.id):
        raise ValueError(f"chart id {spec.id!r} is not ASCII kebab-case")
    if spec.id in CHARTS:
        raise ValueError(f"duplicate chart id {spec.id!r}")
    if spec.area not in AREA_BY_SLUG:
        raise ValueError(f"unknown area {spec.area!r} for chart {spec.id!r}")
    if spec.min_grain not in GRAINS:
        raise ValueError(f"unknown min_grain {spec.min_grain!r} for chart {spec.id!r}")
    if spec.unit not in UNITS:
        raise ValueError(f"unknown unit {spec.unit!r} for chart {spec.id!r}")
    CHARTS[spec.id] = spec
    return spec


def charts_in_area(area: str) -> list[ChartSpec]:
    """The catalog entries of one area, in catalog order."""
    return [spec for spec in CHARTS.values() if spec.area == area]


# The entries register themselves on import; this line must stay at the end.
from charts import entries  # noqa: E402, F401
