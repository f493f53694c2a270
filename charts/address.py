"""The page's address: everything a link must carry to reopen exactly the same view.

An address is the filters (``queries.filters.Filters``), the state of each chart card
(``CardStates``: its view and the phase starts picked for its run chart), the language
and the embed flag. Query-string parameters:

- ``from``, ``to``, ``grain``, ``unit``, ``service``: the filters;
- ``view=<chart id>:<view>``, repeatable: a card's view (``charts.chart_views.VIEWS``); the
  default view ``series`` is left out;
- ``phase=<chart id>:<YYYY-MM>``, repeatable: a phase start picked for a card's run
  chart (the process limits are recomputed from that month on);
- ``peers=<chart id>``, repeatable: the card shows the peer context (the whole country
  and the band of all counties) of a chart with a national counterpart
  (``ChartSpec.national``); off, the default, is left out;
- ``fold=<panel>``, repeatable: a panel folded away (``FOLDABLE``: ``filters``, the
  filter bar, and ``pptx``, the PowerPoint panel), so the first screen of a projector
  shows charts; unfolded, the default, is left out;
- ``lang`` (only when not the default language) and ``embed=1``.

Parsing never raises: like the filters, a bad value is dropped (so the default holds)
and a notice key (a translation key) says so. Both classes are frozen and hold only
primitives, so their ``repr`` is a stable cache key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from charts.catalog import CHARTS
from charts.chart_views import available_views
from charts.spc import MAX_USER_PHASES, is_phase_month, phase_month
from queries.filters import GRAINS, Filters, _values
from settings import get_settings
from translations import (
    SUPPORTED_LANGUAGES,
    Notice,
    merge_notices,
    normalise_language,
    refused,
)

DEFAULT_VIEW = "series"
SPC_VIEW = "spc"
# Phase starts per chart: the run chart keeps as many (more would only make an
# unreadable chart, and they bound the cache key).
MAX_PHASES = MAX_USER_PHASES


def _chart_and_value(raw: str) -> tuple[str, str]:
    """``"<chart id>:<value>"`` split at its first colon (``("", "")`` without one)."""
    chart_id, colon, value = raw.partition(":")
    return (chart_id, value) if colon else ("", "")


@dataclass(frozen=True)
class CardStates:
    """The chart cards' own state: ``views`` pairs a chart id with a view other than the
    time series; ``phases`` pairs a chart id with its phase starts (``YYYY-MM``, sorted,
    unique); ``peers`` names the charts whose card shows the peer context. All are
    sorted by chart id; a chart without state is absent."""

    views: tuple[tuple[str, str], ...] = ()
    phases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    peers: tuple[str, ...] = ()

    @classmethod
    def from_query(
        cls, query: Mapping[str, object], grain: str = "month"
    ) -> tuple[CardStates, tuple[str, ...]]:
        """The ``view``, ``phase`` and ``peers`` parameters of ``query`` and the notices
        for the values dropped: an unknown chart, a view the chart does not offer, a
        month not of the form ``YYYY-MM`` in ASCII digits, a phase for a chart without a
        run chart, more than ``MAX_PHASES`` phase starts for one chart, or peers for a
        chart without a national counterpart. For a chart named
        twice in ``view`` the first value counts. A phase month becomes the first month
        of its period at ``grain`` (the filters' grain: May 2024 at quarter grain is
        ``2024-04``, the start of the quarter the chart shows), so the months of one
        period are one phase start, not several. (The chart payload puts them on the
        periods actually shown, ``charts.payload.chart_payload``.)"""
        if not isinstance(query, Mapping):
            query = {}
        if grain not in GRAINS:
            grain = "month"
        notices: list[Notice] = []
        views: dict[str, str] = {}
        for raw in _values(query.get("view")):
            chart_id, view = _chart_and_value(raw)
            spec = CHARTS.get(chart_id)
            if spec is None or view not in available_views(spec):
                notices.append(refused("notice.bad_view", raw))
            elif chart_id not in views:
                views[chart_id] = view
        phases: dict[str, set[str]] = {}
        for raw in _values(query.get("phase")):
            chart_id, month = _chart_and_value(raw)
            spec = CHARTS.get(chart_id)
            chosen = phases.setdefault(chart_id, set()) if spec is not None else set()
            month = phase_month(month, grain) if is_phase_month(month) else ""
            if (
                spec is None
                or SPC_VIEW not in available_views(spec)
                or not month
                or (month not in chosen and len(chosen) >= MAX_PHASES)
            ):
                notices.append(refused("notice.bad_phase", raw))
            else:
                chosen.add(month)
        peers: set[str] = set()
        for raw in _values(query.get("peers")):
            spec = CHARTS.get(raw)
            if spec is None or not spec.national:
                notices.append(refused("notice.bad_peers", raw))
            else:
                peers.add(raw)
        states = cls(
            views=tuple(sorted((c, v) for c, v in views.items() if v != DEFAULT_VIEW)),
            phases=tuple(sorted((c, tuple(sorted(m))) for c, m in phases.items() if m)),
            peers=tuple(sorted(peers)),
        )
        return states, merge_notices(notices)

    @classmethod
    def from_cards(
        cls,
        views: Mapping[str, object],
        phases: Mapping[str, object],
        grain: str = "month",
        peers: Mapping[str, object] | None = None,
    ) -> tuple[CardStates, tuple[str, ...]]:
        """The state of the cards on a page: chart id -> the value of its view switch,
        chart id -> the list of its phase starts, at the filters' ``grain``, and chart
        id -> the value of its peers switch (on when a non-empty list, as a checklist
        gives it, or True). Validated exactly like the URL."""
        query = {
            "peers": [
                chart
                for chart, value in (peers or {}).items()
                if value is True or (isinstance(value, list) and value)
            ],
            "view": [f"{chart}:{view}" for chart, view in views.items() if isinstance(view, str)],
            "phase": [
                f"{chart}:{month}"
                for chart, months in phases.items()
                if isinstance(months, list | tuple)
                for month in months
                if isinstance(month, str)
            ],
        }
        return cls.from_query(query, grain)

    def to_query(self) -> dict[str, list[str]]:
        """The ``view``, ``phase`` and ``peers`` URL parameters (empty ones left out)."""
        query: dict[str, list[str]] = {}
        if self.views:
            query["view"] = [f"{chart}:{view}" for chart, view in self.views]
        if self.phases:
            query["phase"] = [f"{chart}:{m}" for chart, months in self.phases for m in months]
        if self.peers:
            query["peers"] = list(self.peers)
        return query

    def view_of(self, chart_id: str) -> str:
        """The view of ``chart_id``'s card (the time series unless chosen)."""
        return dict(self.views).get(chart_id, DEFAULT_VIEW)

    def phases_of(self, chart_id: str) -> tuple[str, ...]:
        """The phase starts picked for ``chart_id``'s run chart (sorted ``YYYY-MM``)."""
        return dict(self.phases).get(chart_id, ())

    def peers_of(self, chart_id: str) -> bool:
        """Whether ``chart_id``'s card shows the peer context."""
        return chart_id in self.peers

    def only(self, chart_ids: Iterable[str]) -> CardStates:
        """The states of the cards ``chart_ids`` only (those a page shows)."""
        keep = set(chart_ids)
        return CardStates(
            views=tuple(item for item in self.views if item[0] in keep),
            phases=tuple(item for item in self.phases if item[0] in keep),
            peers=tuple(chart for chart in self.peers if chart in keep),
        )


# The panels of a page that fold away (``fold=``), in the order the address writes them:
# the filter bar and the PowerPoint export panel (dashboards._filters, dashboards._export).
FOLDABLE = ("filters", "pptx")


def folded_panels(raws: Iterable[object]) -> tuple[tuple[str, ...], tuple[Notice, ...]]:
    """The panels named in the ``fold`` values ``raws``, in ``FOLDABLE`` order without
    repeats, and the notices for the values that name no panel (each refused value
    named once: ``merge_notices``)."""
    named: set[str] = set()
    notices: list[Notice] = []
    for raw in raws:
        if raw in FOLDABLE:
            named.add(raw)
        else:
            notices.append(refused("notice.bad_fold", raw))
    return tuple(panel for panel in FOLDABLE if panel in named), merge_notices(notices)


def page_language(raw: object) -> str:
    """The language a ``lang`` value asks for when it is one the dashboard has
    (``SUPPORTED_LANGUAGES``, exactly), else the default language (``TK_LANGUAGE``)."""
    if isinstance(raw, str) and raw in SUPPORTED_LANGUAGES:
        return raw
    return normalise_language(get_settings().language)


def language_notice(raw: str) -> Notice:
    """The notice for a ``lang`` value the dashboard does not show (it is refused by
    name; the page is shown in the default language)."""
    return refused("notice.bad_lang", raw)


@dataclass(frozen=True)
class Address:
    """A page's address without its path: ``filters``, ``cards``, ``lang`` (a supported
    language code), ``embed`` (the navigation is hidden) and ``fold`` (the panels folded
    away, in ``FOLDABLE`` order)."""

    filters: Filters = field(default_factory=Filters)
    cards: CardStates = field(default_factory=CardStates)
    lang: str = ""  # "" means the default language (settings.language)
    embed: bool = False
    fold: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> tuple[Address, tuple[str, ...]]:
        """Parse a page's URL parameters (a mapping of name -> value or list of values,
        as Dash Pages and ``parse_qs`` give them); return the address and the notice
        keys of the values dropped. Unknown parameters are ignored."""
        if not isinstance(query, Mapping):
            query = {}
        filters, filter_notices = Filters.from_query(query)
        cards, card_notices = CardStates.from_query(query, filters.grain)
        raw_lang = (_values(query.get("lang")) or [None])[0]
        lang_notices: tuple[Notice, ...] = ()
        if raw_lang is not None and raw_lang not in SUPPORTED_LANGUAGES:
            lang_notices = (language_notice(raw_lang),)
        # The default language is left out of the address.
        lang = page_language(raw_lang)
        lang = "" if lang == page_language(None) else lang
        embed = _values(query.get("embed"))[:1] == ["1"]
        fold, fold_notices = folded_panels(_values(query.get("fold")))
        return (
            cls(filters, cards, lang, embed, fold),
            filter_notices + card_notices + fold_notices + lang_notices,
        )

    @property
    def language(self) -> str:
        """The language code the page is shown in."""
        return self.lang or page_language(None)

    def to_query(self) -> dict[str, object]:
        """The URL parameters that reproduce this address (defaults left out), in a
        fixed order: filters, views, phases, peers, folded panels, language, embed."""
        query: dict[str, object] = {**self.filters.to_query(), **self.cards.to_query()}
        if self.fold:
            query["fold"] = list(self.fold)
        if self.lang:
            query["lang"] = self.lang
        if self.embed:
            query["embed"] = "1"
        return query

    def search(self) -> str:
        """The query string with its ``?`` (``""`` when every value is the default). The
        colon of ``view``/``phase`` values stays readable (it is allowed in a query)."""
        encoded = urlencode(self.to_query(), doseq=True, safe=":")
        return "?" + encoded if encoded else ""

    def link_search(self) -> str:
        """The query string a link to another page carries: the filters, the folded
        panels, language and embed flag (the card states belong to the cards of this
        page; every page with charts has the same two panels, and a projector set up
        to show charts first stays so from page to page)."""
        return replace(self, cards=CardStates()).search()
