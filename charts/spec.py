"""A chart as one checked unit: ``ChartSpec``, the checks of ``register`` and the
registry ``CHARTS`` it fills. The entries (charts.entries) import this module and
``charts.catalog`` imports the entries, so nothing imports in a circle.

The chart catalog: every chart is one declarative entry addressed by a stable id.

Pages list ids, the callbacks and the data API look entries up here. Adding a chart is
one ``ChartSpec`` plus its query, its catalog texts (``chart.<id>.*`` in the
translation catalog), its definition, its page and tests; nothing in ``app.py``
changes (docs/architecture.md, "Adding a chart: the checklist"). ``register`` checks
an entry as one unit at import. Ids are a public
contract (URLs, exports and meeting agendas use them): ASCII kebab-case, never renamed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pandas as pd
import plotly.graph_objects as go

from charts.areas import AREA_BY_SLUG
from charts.figures.time_series import FigureOptions, time_series_figure
from queries.filters import GRAINS, Filters
from reporting.demo import targets_frame
from reporting.schema import UNIT_TYPES
from settings import get_settings
from translations import SUPPORTED_LANGUAGES, catalog, t

UNITS = ("percent", "count", "days")
# More digits than this claim a precision that counts rounded to multiples of the
# small-count minimum do not have.
MAX_DECIMALS = 2
KINDS = ("line", "bar", "stacked")
# targets.kind of legal deadlines; every other kind is a value's target
# (charts.summary.TARGET_KINDS; charts.payload.chart_targets tells them apart the same way).
LEGAL_DEADLINE = "legal_deadline"
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
    # The chart has a national counterpart: published county-level figures stored in
    # ``indicator_values`` under the chart's own id for the counties (two-digit codes)
    # and the whole country (``reporting.schema.COUNTRY_CODE``), e.g. imported from
    # Sotkanet with ``--map <sotkanet id>=<chart id>``. The card then offers the peer
    # context (``queries.peers``, ``charts.figures.peers``): the country's line and the
    # band of all counties, in the time series, the data files and the text alternative.
    national: bool = False

    def text_key(self, part: str) -> str:
        """Translation key of one of this chart's texts (title, definition, source)."""
        return f"chart.{self.id}.{part}"

    def definition(self, lang: str) -> str:
        """The definition text: the chart's own text (the small-count minimum in force
        and ``text_params`` filled in), then what follows from the spec itself: the
        grain of a yearly or quarterly figure (``min_grain``), the rule that only whole
        periods are shown (``charts.payload.load_complete``) and how small numbers are
        protected (``protection``: the minimum in force when the chart counts people).
        The card, the data API, the data files and the slides' notes all carry this one
        text, so none of them can leave the small-count rule out."""
        params = {"minimum": get_settings().min_cell_count}
        if self.text_params is not None:
            params.update(self.text_params(lang))
        parts = [t(self.text_key("definition"), lang, **params)]
        if self.min_grain != "month":
            parts.append(t(f"definition.min_grain.{self.min_grain}", lang))
        parts.append(t("definition.whole_periods", lang))
        parts.append(self.protection(lang))
        return " ".join(parts)

    def protection(self, lang: str) -> str:
        """One sentence on how small numbers are protected in this chart, citing the
        minimum in force (the last sentence of ``definition``)."""
        key = "card.protection" if self.counts_people else "card.protection_none"
        return t(key, lang, minimum=get_settings().min_cell_count)

    def rounded(self, series: str) -> bool:
        """Whether the counts of ``series`` are published rounded to multiples of the
        minimum (``queries.privacy.protect``): the chart counts people and the series
        is not one of its ``exact_series``. Judgements of a target on a rounded share
        allow for it (``charts.summary.judgement_unconfirmed``)."""
        return self.counts_people and series not in self.exact_series

    def series_key(self, series: str) -> str:
        """Translation key of a series label."""
        return f"chart.{self.id}.series.{series}"


CHARTS: dict[str, ChartSpec] = {}


def register(spec: ChartSpec) -> ChartSpec:
    """Add ``spec`` to the catalog after checking it as one unit; return it.

    Raises ValueError naming the chart id and the field when: the id is not ASCII
    kebab-case or is taken; ``area``, ``unit``, ``kind`` or ``min_grain`` is not one of
    ``AREA_BY_SLUG``, ``UNITS``, ``KINDS``, ``GRAINS``; ``series`` is empty or repeats
    a key; the target or deadline id is not in the targets data (``_check_targets``);
    the flags disagree (``_check_flags``); or the Finnish definition is missing or
    names a placeholder ``definition()`` does not fill (``_check_definition``).
    Runs at import, so a wrong entry stops the app and every test before it is served.
    """
    if not _ID_RE.match(spec.id):
        raise ValueError(f"chart id {spec.id!r} is not ASCII kebab-case")
    if spec.id in CHARTS:
        raise ValueError(f"duplicate chart id {spec.id!r}")
    allowed = {"area": AREA_BY_SLUG, "unit": UNITS, "kind": KINDS, "min_grain": GRAINS}
    for field, values in allowed.items():
        if getattr(spec, field) not in values:
            raise ValueError(f"chart {spec.id!r}: unknown {field} {getattr(spec, field)!r}")
    if not spec.series or len(set(spec.series)) != len(spec.series):
        raise ValueError(f"chart {spec.id!r}: series must list distinct keys, got {spec.series}")
    _check_targets(spec)
    _check_flags(spec)
    _check_definition(spec)
    CHARTS[spec.id] = spec
    return spec


@cache
def shipped_target_kinds() -> dict[str, frozenset[str]]:
    """``indicator_id -> {targets.kind, ...}`` of the targets data the app ships (read
    once per process).

    The app reads targets from the reporting DB's ``targets`` table
    (``queries.reference.targets_for``); the rows shipped for it are
    ``reporting/data/targets.csv``, which the demo build and the reporting contract's
    loaders write into that table (docs/reporting-contract.md). A county may add rows
    in its own ``targets`` view, but an id the shipped file lacks would leave the chart
    without targets on every fresh install, so the catalog is checked against the file.
    """
    frame = targets_frame()
    return {
        indicator: frozenset(kinds)
        for indicator, kinds in frame.groupby("indicator_id")["kind"].unique().items()
    }


def _check_targets(spec: ChartSpec) -> None:
    """``target_indicator`` is the chart's own id (a target is stated for one indicator,
    and each indicator is one chart: another chart's id is a copied entry) and needs
    target rows (any kind but a legal deadline); ``deadline_indicator`` needs
    legal-deadline rows, in the shipped targets data."""
    if spec.target_indicator is None and spec.deadline_indicator is None:
        return
    if spec.target_indicator is not None and spec.target_indicator != spec.id:
        raise ValueError(
            f"chart {spec.id!r}: target_indicator {spec.target_indicator!r} is not the "
            "chart's own id (targets are stated per indicator: add rows for this chart's "
            "id to reporting/data/targets.csv, or leave target_indicator None)"
        )
    kinds = shipped_target_kinds()
    target_kinds = kinds.get(spec.target_indicator or "", frozenset())
    if spec.target_indicator is not None and not target_kinds - {LEGAL_DEADLINE}:
        only_deadlines = " (only legal-deadline rows: that is deadline_indicator)"
        raise ValueError(
            f"chart {spec.id!r}: target_indicator {spec.target_indicator!r} has no "
            "target rows in reporting/data/targets.csv" + (only_deadlines if target_kinds else "")
        )
    deadline_kinds = kinds.get(spec.deadline_indicator or "", frozenset())
    if spec.deadline_indicator is not None and LEGAL_DEADLINE not in deadline_kinds:
        raise ValueError(
            f"chart {spec.id!r}: deadline_indicator {spec.deadline_indicator!r} has no "
            f"{LEGAL_DEADLINE} rows in reporting/data/targets.csv"
        )


def _check_flags(spec: ChartSpec) -> None:
    """The fields that constrain each other agree.

    ``exact_series`` exempts series of a people-counting chart from protection: it
    needs ``counts_people`` (otherwise every series is exact already) and keys of
    ``series``. ``unit_types`` picks the units of the "by unit" view, which exists
    only with ``unit_filter``: a county-totals chart keeps the default, and a chart
    with units needs at least one type, each a unit type of the reporting contract.
    ``exact_series`` naming every series would be a chart that counts nobody.
    ``decimals`` is a count of digits a reader can use (``MAX_DECIMALS``).
    ``national`` compares the headline value with the counties' and the country's:
    a stacked distribution has no one headline value to compare.
    """
    if spec.exact_series and not spec.counts_people:
        raise ValueError(
            f"chart {spec.id!r}: exact_series without counts_people (every series is exact)"
        )
    unknown = set(spec.exact_series) - set(spec.series)
    if unknown:
        raise ValueError(f"chart {spec.id!r}: exact_series {sorted(unknown)} not in series")
    if spec.exact_series and set(spec.exact_series) == set(spec.series):
        raise ValueError(
            f"chart {spec.id!r}: exact_series names every series (then it counts no "
            "people: counts_people=False, and its definition says so)"
        )
    strange = set(spec.unit_types) - set(UNIT_TYPES)
    if strange:
        raise ValueError(
            f"chart {spec.id!r}: unit_types {sorted(strange)} are not unit types of the "
            f"reporting contract {UNIT_TYPES}"
        )
    default_types = ChartSpec.__dataclass_fields__["unit_types"].default
    if not spec.unit_filter and spec.unit_types != default_types:
        raise ValueError(
            f"chart {spec.id!r}: unit_types {spec.unit_types} without unit_filter "
            "(a county-totals chart has no by-unit view)"
        )
    if spec.unit_filter and not spec.unit_types:
        raise ValueError(f"chart {spec.id!r}: unit_types is empty (the by-unit view has none)")
    if spec.national and spec.kind == "stacked":
        raise ValueError(
            f"chart {spec.id!r}: national with kind 'stacked' (the peer context compares "
            "one headline value; a stacked distribution has none)"
        )
    if not isinstance(spec.decimals, int) or not 0 <= spec.decimals <= MAX_DECIMALS:
        raise ValueError(
            f"chart {spec.id!r}: decimals {spec.decimals!r} is not a count of digits "
            f"from 0 to {MAX_DECIMALS}"
        )


def _check_definition(spec: ChartSpec) -> None:
    """The definition exists in every language, and its placeholders are exactly
    names that ``definition()`` fills from ``text_params`` (no positional ``{0}``, no
    format specs or conversions, balanced braces).

    The small-count minimum is not one of them: ``definition()`` ends every definition
    with ``protection()``, which states the minimum in force for a chart that counts
    people and "exact" for one that does not, so a chart's own text would say it twice
    (or, in a chart published exactly, contradict it); written out as a number it would
    go stale (tests/test_catalog_texts.py).
    """
    key = spec.text_key("definition")
    for lang in SUPPORTED_LANGUAGES:
        text = catalog(lang).get(key)
        if not text:
            raise ValueError(f"chart {spec.id!r}: definition text {key!r} missing from {lang}")
        filled = set(spec.text_params(lang)) if spec.text_params is not None else set()
        try:
            fields = [part[1:] for part in string.Formatter().parse(text) if part[1] is not None]
        except ValueError as error:  # an unbalanced brace
            raise ValueError(f"chart {spec.id!r}: definition {key!r} in {lang}: {error}") from None
        wrong = [
            "{"
            + name
            + ("!" + conversion if conversion else "")
            + (":" + spec_ if spec_ else "")
            + "}"
            for name, spec_, conversion in fields
            if name not in filled or spec_ or conversion
        ]
        if wrong:
            raise ValueError(
                f"chart {spec.id!r}: definition {key!r} in {lang} uses {', '.join(wrong)}, "
                "which definition() does not fill (only text_params names, as they are; "
                "the minimum is stated by the protection sentence definition() appends)"
            )
