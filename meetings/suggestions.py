"""Suggested agenda items: the charts a meeting should look at, each with its reason.

``suggest(meeting, lang)`` proposes, for a meeting of ``store.get_meeting``, in this
order and one suggestion per chart:

1. charts whose **run chart signals** (``charts.spc``): any rule firing in the latest
   phase of the headline series' XmR analysis at the county level under the default
   filters — the analysis the card's "Onko muutos todellinen?" view draws
   (``charts.payload.spc_analysis``); the reason names the latest signalling period,
   the rule and whether it is an improvement or a concern;
2. charts whose latest whole period **misses its target** (the programme target or
   legal requirement in force, ``charts.summary.headline``, as the card's summary
   sentence judges it), at the county level under the default filters;
3. the ``MAX_CHANGES`` charts whose headline value changed most, relative to the
   value the previous meeting of the series saw (its items' snapshots,
   ``meetings.snapshots``): the latest published value now at the item's address
   against the latest value in the snapshot.

Charts already on the agenda (same chart id) are not suggested, and at most
``MAX_SUGGESTIONS`` are returned. Every value comes from ``charts.payload.chart_data``
(published, protected, whole periods); the per-chart work is memoized
(``queries.cache.cache``, keys of chart ids, query strings and language), so a meeting
page asks again for the price of a few cache reads. Raises
``queries.engine.DATABASE_ERRORS`` when the reporting database cannot be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs

import pandas as pd

from charts.catalog import CHARTS, ChartSpec
from charts.chart_views import available_views
from charts.payload import (
    chart_data,
    effective_filters,
    spc_analysis,
    spc_grid,
    spc_possible,
)
from charts.spc import improvement
from charts.spc_text import rule_notes
from charts.summary import comparison_sign, format_value, headline, is_legal_requirement
from charts.summary import period_label as label_of
from meetings import store
from meetings.snapshots import read_snapshot
from queries.cache import cache
from queries.filters import Filters
from translations import format_date, format_number, t

MAX_SUGGESTIONS = 8
MAX_CHANGES = 3
# Places kept for each kind (signals, missed targets, changes) before the rest fill up.
QUOTAS = (3, 2, MAX_CHANGES)
SIGNAL, MISSED_TARGET = "signal", "missed_target"


def _signal(chart_id: str, filters: Filters, lang: str) -> dict | None:
    """``{"reason", "rank"}`` when the chart's run chart signals in its latest phase
    (rank: concerns before improvements, then the latest signal first), else None."""
    spec = CHARTS[chart_id]
    if "spc" not in available_views(spec):
        return None
    grid = spc_grid(spec, filters)
    if not spc_possible(grid):
        return None
    effective = effective_filters(spec, filters)
    analysis, _boundaries = spc_analysis(spec, effective, grid, lang)
    latest_phase = analysis.loc[analysis["value"].notna(), "phase"].max()
    signals = analysis[(analysis["phase"] == latest_phase) & analysis["signal"]]
    if signals.empty:
        return None
    notes = rule_notes(signals, spec.higher_is_better, lang)
    last = signals.index[-1]
    period = pd.Timestamp(grid.at[last, "period"])
    concern = int(improvement(signals.loc[[last]], spec.higher_is_better).iloc[0]) < 0
    reason = t(
        "meetings.suggestion.signal",
        lang,
        period=label_of(period, effective.grain),
        note=notes[last],
    )
    return {"reason": reason, "rank": [0 if concern else 1, -period.value]}


def _missed(chart_id: str, filters: Filters, lang: str) -> dict | None:
    """``{"reason", "rank"}`` when the latest whole period misses its target (rank:
    the largest shortfall relative to the target first), else None."""
    spec = CHARTS[chart_id]
    frame, targets = chart_data(chart_id, filters)
    grain = effective_filters(spec, filters).grain
    facts = headline(
        frame, targets, spec.series[0], grain, rounded=spec.rounded(spec.series[0]), unit=spec.unit
    )
    if facts is None or facts.met is None or bool(facts.met):
        return None
    key = "requirement" if is_legal_requirement(facts.target) else "target"
    goal = float(facts.target["value"])
    reason = t(
        f"meetings.suggestion.missed_{key}",
        lang,
        period=label_of(facts.period, grain),
        value=format_value(facts.value, spec.unit, spec.decimals, lang),
        comparison=comparison_sign(facts.target["comparison"]),
        target=format_value(goal, spec.unit, 0, lang),
    )
    shortfall = abs(facts.value - goal) / abs(goal) if goal else 0.0
    return {"reason": reason, "rank": [-shortfall]}


@cache.memoize()
def chart_reasons(chart_id: str, lang: str) -> dict[str, dict]:
    """What makes one chart worth a look at the county level under the default
    filters (memoized): ``{"signal": {...}, "missed_target": {...}}`` with only the
    kinds that hold, each ``{"reason": sentence, "rank": [numbers]}`` (lower ranks
    first within a kind)."""
    filters = Filters()
    found = {
        SIGNAL: _signal(chart_id, filters, lang),
        MISSED_TARGET: _missed(chart_id, filters, lang),
    }
    return {kind: value for kind, value in found.items() if value is not None}


def _filters_of(query: str) -> Filters:
    """The filters of an item's query string, the unit node resolved as a page does
    (``dashboards._page.page_context``, as ``meetings.items.item_address``)."""
    from dashboards._page import page_context  # dashboards build on this package

    address, _notices = page_context(parse_qs(query))
    return address.filters


def latest_of_rows(rows: list[list], series: str) -> tuple[str, float] | None:
    """The latest ``(period ISO date, value)`` of ``series`` in snapshot-shaped rows
    (``[series, period, value, withheld]``); None when there is none or it is
    withheld."""
    mine = sorted((row for row in rows if row[0] == series), key=lambda row: row[1])
    if not mine or mine[-1][2] is None or mine[-1][3]:
        return None
    return mine[-1][1], float(mine[-1][2])


@cache.memoize()
def latest_served(chart_id: str, query: str) -> tuple[str, float] | tuple[()]:
    """The latest published ``(period ISO date, value)`` of the chart's headline series
    at the address ``query`` (a canonical item query), or ``()`` (memoized)."""
    spec = CHARTS[chart_id]
    frame, _targets = chart_data(chart_id, _filters_of(query))
    part = frame[frame["series"] == spec.series[0]].sort_values("period")
    if part.empty or bool(part.iloc[-1]["suppressed"]) or pd.isna(part.iloc[-1]["value"]):
        return ()
    last = part.iloc[-1]
    return pd.Timestamp(last["period"]).date().isoformat(), float(last["value"])


def _value_text(pair: tuple[str, float], spec: ChartSpec, grain: str, lang: str) -> str:
    """A headline value with its period, e.g. "40 % (Q4/2023)"."""
    return t(
        "meetings.suggestion.value",
        lang,
        value=format_value(pair[1], spec.unit, spec.decimals, lang),
        period=label_of(pd.Timestamp(pair[0]), grain),
    )


def _changes(previous: Mapping | None, skip: set[str], lang: str) -> list[dict]:
    """The largest relative changes of the headline values since ``previous`` (a
    meeting of ``store.get_meeting`` with snapshots), largest first."""
    if not previous:
        return []
    found = []
    for item in previous["items"]:
        snapshot = read_snapshot(item)
        chart_id = item["chart_id"]
        if snapshot is None or chart_id in skip or chart_id not in CHARTS:
            continue
        spec = CHARTS[chart_id]
        before = latest_of_rows(snapshot["rows"], spec.series[0])
        query = snapshot.get("query") or item.get("query") or ""
        now = latest_served(chart_id, query)
        if before is None or not now or before[1] == 0 or now[1] == before[1]:
            continue
        relative = (now[1] - before[1]) / abs(before[1])
        grain = snapshot.get("grain") or "month"
        percent = 100 * relative
        reason = t(
            "meetings.suggestion.change",
            lang,
            date=format_date(previous["meeting_date"], lang),
            before=_value_text(before, spec, grain, lang),
            after=_value_text(now, spec, grain, lang),
            # Whole per cents; a change under 1 % with one decimal, so it never reads 0.
            change=("+" if percent > 0 else "")
            + format_number(percent, 0 if abs(percent) >= 1 else 1, lang),
        )
        found.append((abs(relative), {"chart_id": chart_id, "query": query, "reason": reason}))
        skip = skip | {chart_id}
    found.sort(key=lambda pair: -pair[0])
    return [suggestion for _size, suggestion in found[:MAX_CHANGES]]


def _allot(counts: list[int]) -> list[int]:
    """How many suggestions of each kind to show: each kind its ``QUOTAS`` share,
    then the places left over to the kinds that have more, in order, up to
    ``MAX_SUGGESTIONS`` in all."""
    shown = [min(count, quota) for count, quota in zip(counts, QUOTAS, strict=True)]
    for index, count in enumerate(counts):
        extra = min(count - shown[index], MAX_SUGGESTIONS - sum(shown))
        shown[index] += max(extra, 0)
    return shown


def suggest(meeting: Mapping, lang: str) -> list[dict]:
    """Suggested agenda items for ``meeting`` (``store.get_meeting``): a list of
    ``{"chart_id", "query", "reason"}`` (query: a canonical item query string: ""
    for the default filters, and the run-chart view for a signal, where it is seen;
    reason: one sentence in ``lang``, two for a chart that
    both signals and misses its target), signals first, then
    missed targets, then the largest changes since the previous meeting of the
    series; one per chart, none for a chart already on the agenda, at most
    ``MAX_SUGGESTIONS`` (each kind gets its ``QUOTAS`` share first, so one kind does
    not crowd out the others)."""
    taken = {item["chart_id"] for item in meeting.get("items", ())}
    kinds: list[list[dict]] = []
    for kind in (SIGNAL, MISSED_TARGET):
        found = []
        for chart_id in CHARTS:
            if chart_id in taken:
                continue
            reasons = chart_reasons(chart_id, lang)
            if kind not in reasons:
                continue
            reason, rank = reasons[kind]["reason"], reasons[kind]["rank"]
            if kind == SIGNAL:
                # A chart that signals and misses its target says both, and comes first.
                missed = reasons.get(MISSED_TARGET)
                reason = " ".join([reason, missed["reason"]] if missed else [reason])
                rank = [0 if missed else 1, *rank]
            found.append((rank, chart_id, reason))
        found.sort(key=lambda entry: entry[0])
        # A signal is seen in the run chart: the item opens in that view.
        query = (lambda c: f"view={c}:spc") if kind == SIGNAL else (lambda c: "")
        kinds.append([{"chart_id": c, "query": query(c), "reason": r} for _rank, c, r in found])
        taken |= {entry[1] for entry in found}
    previous = None
    if meeting.get("id") is not None and meeting.get("series_id") is not None:
        previous = store.previous_meeting(meeting)
    kinds.append(_changes(previous, taken, lang))
    counts = _allot([len(found) for found in kinds])
    return [entry for found, count in zip(kinds, counts, strict=True) for entry in found[:count]]
