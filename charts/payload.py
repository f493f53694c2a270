"""Server-side assembly of one chart: data, figure, summary and table.

``chart_data`` is what the data API serves; ``chart_payload`` is what a chart card
shows. Both start from ``load_complete``, the one choke point where the exact query
frame is published (``queries.privacy.protect``) and its cell keys dropped, so the API
returns exactly the plotted (protected) numbers and no exact count leaves the server.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from charts.catalog import CHARTS, ChartSpec
from charts.chart_views import available_views
from charts.decisions import add_decisions, card_items, decisions_sentence, markers_in_view
from charts.figures.annotations import add_events, events_in_view
from charts.figures.lean import lean_figure
from charts.figures.peers import add_peers
from charts.figures.small_multiples import small_multiples_figure
from charts.figures.spc import spc_figure
from charts.figures.time_series import FigureOptions, hidden_note
from charts.filter_text import describe_filters
from charts.spc import (
    MIN_POINTS,
    normalise_phases,
    on_period_grid,
    phase_boundaries,
    phase_numbers,
    xmr,
)
from charts.spc_text import rule_notes, spc_summary, spc_table
from charts.summary import (
    SUPPRESSED_MARK,
    TARGET_KINDS,
    format_value,
    peers_sentence,
    period_label,
    summarise,
)
from exports.files import file_stem
from meetings import store
from meetings.db import APP_DB_ERRORS
from queries.cache import cache
from queries.filters import GRAINS, MONTHS_PER_GRAIN, Filters
from queries.peers import PEER_COLUMNS, peer_credit, peer_values, stated_peers
from queries.periods import (
    clamp_to_data,
    complete_periods,
    covered_days,
    incomplete_periods,
    period_end,
    period_start,
)
from queries.privacy import protect, without_keys
from queries.reference import (
    county_code,
    data_as_of,
    data_window,
    events_for,
    is_synthetic,
    targets_for,
    units,
)
from queries.referrals import LABEL_KEYS
from queries.results import as_stated
from response_cache import keep_out
from settings import get_settings
from translations import format_date, t, t_plural

log = logging.getLogger(__name__)

_EMPTY_TARGETS = pd.DataFrame(
    columns=[
        "kind",
        "valid_from",
        "valid_to",
        "age_min",
        "age_max",
        "value",
        "comparison",
        "source",
    ]
)


def effective_filters(spec: ChartSpec, filters: Filters) -> Filters:
    """The filters the chart really applies: county totals ignore the unit filter, only
    queue charts take the service filter (so the cache is not split needlessly), a
    grain finer than the data's own is raised to it, and the months are cut to the
    data's (``queries.periods.clamp_to_data``: one cache key per view, however the
    months outside the data are spelled). The node id is dropped: the queries read the
    resolved member ``units`` only, so two nodes with the same members (a municipality
    with one unit, and that unit) share one cache key."""
    filters = replace(clamp_to_data(filters, *data_window()), node="")
    if not spec.unit_filter:
        filters = replace(filters, units=())
    if not spec.service_filter:
        filters = replace(filters, services=())
    if GRAINS.index(spec.min_grain) > GRAINS.index(filters.grain):
        filters = replace(filters, grain=spec.min_grain)
    return filters


def chart_targets(spec: ChartSpec) -> pd.DataFrame:
    """The chart's target rows (programme targets or a legal requirement,
    ``charts.summary.TARGET_KINDS``) and legal-deadline rows, told apart by ``kind``
    (``queries.reference.targets_for`` columns)."""
    parts = []
    if spec.target_indicator is not None:
        frame = targets_for(spec.target_indicator)
        parts.append(frame[frame["kind"].isin(TARGET_KINDS)])
    if spec.deadline_indicator is not None:
        frame = targets_for(spec.deadline_indicator)
        parts.append(frame[frame["kind"] == "legal_deadline"])
    return pd.concat(parts, ignore_index=True) if parts else _EMPTY_TARGETS


def series_labels(spec: ChartSpec, frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """Series key -> label in drawing order: the catalog's series, then data series.

    A catalog series the frame does not have is left out (no empty trace, legend entry
    or table column for it: e.g. "other units" when every unit has its own series),
    unless the frame has no rows at all; a series of measured zeros is in the frame and
    stays. A data series is named by the frame's ``label_<lang>`` column where it has
    one (unit names in Swedish), else by ``label``."""
    present = set(frame["series"]) if len(frame) else set(spec.series)
    labels = {key: t(spec.series_key(key), lang) for key in spec.series if key in present}
    column = f"label_{lang}" if f"label_{lang}" in frame.columns else "label"
    if column in frame.columns:
        for key, label in (
            frame[["series", column]].drop_duplicates("series").itertuples(index=False)
        ):
            # A data series with a catalog text (queries.referrals.LABEL_KEYS) in
            # ``lang``; other data labels (unit names, specialties) are data.
            labels.setdefault(key, t(LABEL_KEYS[key], lang) if key in LABEL_KEYS else label)
    return labels


def load_complete(spec: ChartSpec, filters: Filters) -> pd.DataFrame:
    """``spec.load(filters)`` with whole periods only: a period that the data (its
    first and last day) or the chosen months cover only in part is left out, for every
    kind of chart (``queries.periods.complete_periods``). So no summary, KPI card,
    target status or change from a year earlier speaks of a period in progress, and
    a stock (queue length) is always the snapshot at its period's last day.
    ``partial_note`` names what was left out.

    This is the one place where data leave the query layer: counts of people are
    published by ``queries.privacy.protect`` (fixed random rounding with cell keys;
    exact for ``counts_people=False`` charts and ``spec.exact_series``) and the key
    columns are dropped, so every caller (cards, KPI cards, summaries, small multiples,
    run charts, the data API, the exports) gets the same protected numbers. Numbers are
    as the chart states them (``queries.results.as_stated``: values rounded to
    ``spec.decimals``, counts whole)."""
    first_day, last_day = data_window()
    published = protect(
        spec.load(filters),
        get_settings().min_cell_count,
        spec.counts_people,
        spec.exact_series,
    )
    frame = as_stated(without_keys(published), spec.decimals)
    return complete_periods(frame, filters, last_day, first_day)


def left_out_periods(spec: ChartSpec, filters: Filters) -> list[pd.Timestamp]:
    """The starts of the periods the chart leaves out as incomplete, in order, under
    the filters it really applies (``effective_filters``: e.g. a yearly figure is
    judged by years whatever grain was asked). Both ends count: the first and the last
    period of the shown range when the chosen months or the data cover them only in
    part (whether or not the chart has rows there: a yearly figure of a year the range
    starts inside is left out too), and any period the chart's own data marks as
    partial (``queries.periods.incomplete_periods``)."""
    filters = effective_filters(spec, filters)
    first_day, last_day = data_window()
    left_out = set(incomplete_periods(spec.load(filters), filters, last_day, first_day))
    first, last = covered_days(filters, last_day, first_day)
    if first <= last:
        for day in (first, last):
            period = period_start(day, filters.grain)
            if period < first or period_end(period, filters.grain) > last:
                left_out.add(period)
    return sorted(left_out)


def partial_note(spec: ChartSpec, filters: Filters, lang: str) -> str:
    """A sentence naming every period ``load_complete`` leaves out of the chart (e.g. a
    first quarter cut by the chosen months and the quarter in progress), or "" when
    none is (``left_out_periods``). Labels follow the grain the chart applies."""
    left_out = left_out_periods(spec, filters)
    filters = effective_filters(spec, filters)
    if not left_out:
        return ""
    periods = ", ".join(period_label(period, filters.grain) for period in left_out)
    return t_plural(
        len(left_out),
        lang,
        one="summary.partial_left_out_one",
        other="summary.partial_left_out",
        periods=periods,
    )


def no_data_text(payload: dict[str, Any], lang: str) -> str:
    """What a card or slide says instead of a chart when ``payload`` is empty: no data,
    and which periods were left out as incomplete, if any."""
    return " ".join(part for part in (t("card.no_data", lang), payload.get("partial_note")) if part)


def chart_data(chart_id: str, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy chart frame and the target rows of one chart under ``filters``."""
    spec = CHARTS[chart_id]
    return load_complete(spec, effective_filters(spec, filters)), chart_targets(spec)


def chart_peers(spec: ChartSpec, filters: Filters, periods: pd.Series) -> pd.DataFrame:
    """The peer context of a national chart (``ChartSpec.national``) beside its shown
    ``periods`` (period starts at ``filters.grain``, the filters the chart applies):
    ``queries.peers.peer_values`` for the county's own code, only the stored periods
    that lie whole within the shown ones (a yearly figure needs its whole year drawn),
    so the band, the sentence and the files speak of the same periods as the chart.
    Empty (its columns kept) when nothing is shown or the chart has no counterpart."""
    if not spec.national or periods.empty:
        return pd.DataFrame(columns=list(PEER_COLUMNS))
    peers = peer_values(filters, spec.id, county_code())
    first = pd.Timestamp(periods.min())
    after = pd.Timestamp(periods.max()) + pd.DateOffset(months=MONTHS_PER_GRAIN[filters.grain])
    inside = [
        pd.Timestamp(period) >= first
        and pd.Timestamp(period) + pd.DateOffset(months=MONTHS_PER_GRAIN[grain]) <= after
        for period, grain in zip(peers["period"], peers["grain"], strict=True)
    ]
    return peers[inside].reset_index(drop=True)


def table_rows(spec: ChartSpec, frame: pd.DataFrame, grain: str, lang: str) -> dict[str, Any]:
    """The "show as table" view: ``{"columns": [...], "rows": [[...], ...]}`` of strings.

    One row per period, one column per series; suppressed cells read "..".
    """
    labels = series_labels(spec, frame, lang)
    columns = [t("table.period", lang), *labels.values()]
    rows = []
    for period, group in frame.groupby("period", sort=True):
        by_series = group.set_index("series")
        row = [period_label(pd.Timestamp(period), grain)]
        for series in labels:
            if series not in by_series.index:
                row.append("")
            elif by_series.at[series, "suppressed"]:
                row.append(SUPPRESSED_MARK)
            else:
                row.append(
                    format_value(by_series.at[series, "value"], spec.unit, spec.decimals, lang)
                )
        rows.append(row)
    return {"columns": columns, "rows": rows}


def _options(spec: ChartSpec, frame: pd.DataFrame, filters: Filters, lang: str) -> FigureOptions:
    return FigureOptions(
        kind=spec.kind,
        unit=spec.unit,
        grain=filters.grain,
        series_labels=series_labels(spec, frame, lang),
        target_label=t("chart.target", lang),
        decimals=spec.decimals,
        lang=lang,
    )


def _series_view(spec: ChartSpec, filters: Filters, lang: str) -> dict[str, Any]:
    frame, targets = chart_data(spec.id, filters)
    return series_view(spec, frame, targets, filters.grain, lang)


def series_view(
    spec: ChartSpec, frame: pd.DataFrame, targets: pd.DataFrame, grain: str, lang: str
) -> dict[str, Any]:
    """The time-series view of a served chart frame (``load_complete``'s columns; at
    least ``series``, ``period``, ``value``, ``suppressed``): ``figure`` (go.Figure),
    ``summary``, ``table``, ``empty`` and ``periods``. Pure: also what a meeting's kept
    snapshot is drawn with (``meetings.snapshots.snapshot_view``)."""
    figure = spec.figure(frame, targets, _options(spec, frame, Filters(grain=grain), lang))
    summary = summarise(
        frame,
        targets,
        series=spec.series[0],
        unit=spec.unit,
        decimals=spec.decimals,
        grain=grain,
        lang=lang,
        rounded=spec.rounded(spec.series[0]),
    )
    # The text alternative says what the figure marks as hidden.
    hidden = hidden_note(figure, grain, lang)
    return {
        "figure": figure,
        "summary": f"{summary} {hidden}" if hidden else summary,
        "table": table_rows(spec, frame, grain, lang),
        "empty": bool(frame.empty),
        "periods": frame["period"],
    }


def _unit_panels(spec: ChartSpec, filters: Filters, lang: str) -> dict[str, pd.DataFrame]:
    """Unit label -> the chart's tidy frame for that unit alone (each one cached): the
    units of the chart's ``unit_types`` among the chosen node's members (the county:
    all of them); a node that is one unit is shown whatever its type."""
    frame = units()
    if len(filters.units) != 1:
        frame = frame[frame["unit_type"].isin(spec.unit_types)]
    if filters.units:
        frame = frame[frame["unit_id"].isin(filters.units)]
    name = "name_sv" if lang == "sv" else "name_fi"
    return {
        getattr(row, name): load_complete(spec, replace(filters, units=(row.unit_id,)))
        for row in frame.itertuples(index=False)
    }


def _units_view(spec: ChartSpec, filters: Filters, lang: str) -> dict[str, Any]:
    panels = _unit_panels(spec, filters, lang)
    headline = spec.series[0]
    latest: dict[str, tuple[pd.Timestamp, float, bool]] = {}
    for label, frame in panels.items():
        part = frame[frame["series"] == headline].sort_values("period")
        if not part.empty:
            last = part.iloc[-1]
            latest[label] = (last["period"], last["value"], bool(last["suppressed"]))
    rows = [
        [
            label,
            period_label(period, filters.grain),
            SUPPRESSED_MARK if hidden else format_value(value, spec.unit, spec.decimals, lang),
        ]
        for label, (period, value, hidden) in latest.items()
    ]
    shown = {k: v for k, v in latest.items() if not v[2] and not pd.isna(v[1])}
    # Units are compared within one period: the latest one any shown unit has (a unit
    # whose data end earlier is in the table, not in the sentence).
    if shown:
        last_period = max(v[0] for v in shown.values())
        shown = {k: v for k, v in shown.items() if v[0] == last_period}
    if shown:
        high = max(shown, key=lambda k: shown[k][1])
        low = min(shown, key=lambda k: shown[k][1])
        summary = t(
            "summary.units",
            lang,
            period=period_label(shown[high][0], filters.grain),
            high=high,
            high_value=format_value(shown[high][1], spec.unit, spec.decimals, lang),
            low=low,
            low_value=format_value(shown[low][1], spec.unit, spec.decimals, lang),
        )
    else:
        summary = t("summary.units_none", lang)
    options = _options(spec, pd.DataFrame(columns=["series"]), filters, lang)
    periods = pd.concat([f["period"] for f in panels.values()]) if panels else pd.Series()
    figure = small_multiples_figure(panels, headline, options)
    # The text alternative names the units' hidden points, as the panels mark them.
    hidden = hidden_note(figure, filters.grain, lang)
    return {
        "figure": figure,
        "summary": f"{summary} {hidden}" if hidden else summary,
        "table": {
            "columns": [
                t("table.unit", lang),
                t("table.period", lang),
                t(spec.series_key(headline), lang),
            ],
            "rows": rows,
        },
        "empty": not latest,
        "periods": periods,
    }


def _spc_grid(spec: ChartSpec, filters: Filters) -> pd.DataFrame:
    """The headline series the run chart draws, on every period of the grain
    (``charts.spc.on_period_grid``: ``period``, ``value``, ``suppressed``)."""
    frame, _targets = chart_data(spec.id, filters)
    return on_period_grid(
        frame.loc[frame["series"] == spec.series[0], ["period", "value", "suppressed"]],
        filters.grain,
    )


def spc_possible(grid: pd.DataFrame) -> bool:
    """Whether the run chart can be drawn from ``grid`` (``_spc_grid``): at least
    ``MIN_POINTS`` shown values; otherwise the card draws the time series."""
    return int(grid["value"].notna().sum()) >= MIN_POINTS


def spc_analysis(
    spec: ChartSpec,
    filters: Filters,
    grid: pd.DataFrame,
    lang: str,
    phases: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, dict[pd.Timestamp, tuple[str, ...]]]:
    """The run chart's analysis of ``grid`` (``_spc_grid`` of ``spec`` under the
    effective ``filters``; draw it only if ``spc_possible``): ``(analysis, boundaries)``,
    the ``charts.spc.xmr`` frame (indexed like ``grid``; phases start at the chart's
    events and at the user's ``phases``, ``"YYYY-MM"``) and the phase starts with their
    reasons in ``lang`` (``charts.spc.phase_boundaries``). What the run-chart view
    draws and what agenda suggestions (``meetings.suggestions``) call a signal."""
    events = chart_events(spec, grid["period"], filters.grain, lang)
    starts = [*zip(events["event_date"], events["label"], strict=True)]
    starts += [(month, t("spc.phase_user", lang)) for month in phases]
    boundaries = phase_boundaries(grid["period"], starts, filters.grain)
    analysis = xmr(
        grid["value"],
        (0.0, 100.0) if spec.unit == "percent" else None,
        phase_numbers(grid["period"], boundaries),
    )
    return analysis, boundaries


def spc_grid(spec: ChartSpec, filters: Filters) -> pd.DataFrame:
    """The headline series the run chart draws (``_spc_grid``), under the filters the
    chart applies (``effective_filters``)."""
    return _spc_grid(spec, effective_filters(spec, filters))


def _spc_view(
    spec: ChartSpec, filters: Filters, lang: str, phases: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The run chart of the headline series (``charts.spc``), in phases.

    A phase starts at every event that concerns the chart (the ``events`` table holds
    interventions, i.e. known changes of the process) and at every user-chosen month in
    ``phases``; each starts at the period containing its date. Suppressed periods stay
    as gaps and the summary says that the mean and limits rest on the shown ones.
    With too few shown values (``spc_possible``) it is the time series view with a
    sentence saying why, and its ``view`` key is ``"series"``.
    """
    frame, _targets = chart_data(spec.id, filters)
    grid = _spc_grid(spec, filters)
    if not spc_possible(grid):
        # What is drawn is the time series, and the payload says so (its ``view``).
        fallback = _series_view(spec, filters, lang)
        hidden = int(grid["suppressed"].eq(True).sum()) if "suppressed" in grid else 0
        if len(grid) >= MIN_POINTS and hidden:
            # Periods enough, but withheld: a longer range would not help, a wider
            # selection or a coarser grain (more people per value) would.
            fallback["summary"] = t(
                "summary.spc_too_few_hidden",
                lang,
                minimum=MIN_POINTS,
                hidden=hidden,
                people=get_settings().min_cell_count,
            )
        else:
            fallback["summary"] = t("summary.spc_too_few", lang, minimum=MIN_POINTS)
        fallback["view"] = "series"
        return fallback
    analysis, boundaries = spc_analysis(spec, filters, grid, lang, phases)
    labels = {key: t(f"spc.{key}", lang) for key in ("mean", "limits", "improvement", "concern")}
    labels["series"] = t(spec.series_key(spec.series[0]), lang)
    notes = rule_notes(analysis, spec.higher_is_better, lang)
    figure = spc_figure(
        grid["period"],
        analysis,
        labels,
        notes,
        spec.higher_is_better,
        _options(spec, frame, filters, lang),
        hidden=grid["suppressed"],
    )

    def fmt(value: float) -> str:
        return format_value(value, spec.unit, spec.decimals, lang)

    return {
        "view": "spc",
        "figure": figure,
        "summary": spc_summary(
            grid, analysis, boundaries, spec.higher_is_better, filters.grain, fmt, lang
        ),
        "table": spc_table(grid, analysis, notes, labels["series"], filters.grain, fmt, lang),
        "empty": False,
        "periods": grid["period"],
    }


_BUILDERS = {"series": _series_view, "units": _units_view, "spc": _spc_view}


def chart_events(spec: ChartSpec, periods: pd.Series, grain: str, lang: str) -> pd.DataFrame:
    """The intervention events that concern the chart inside ``periods`` (period
    starts at ``grain``): ``event_date`` and ``label`` in ``lang``."""
    if periods.empty:
        return pd.DataFrame(columns=["event_date", "label"])
    x_start = pd.Timestamp(periods.min())
    x_end = pd.Timestamp(periods.max()) + pd.offsets.MonthEnd(MONTHS_PER_GRAIN[grain])
    frame = events_in_view(events_for(spec.area), spec.id, x_start, x_end)
    column = f"label_{lang}" if f"label_{lang}" in frame.columns else "label_fi"
    return frame.assign(label=frame[column] if not frame.empty else [])


def export_context(
    spec: ChartSpec, filters: Filters, lang: str, as_of, view: str = "series"
) -> dict[str, Any]:
    """What an exported image or slide must say about itself: ``title`` (str),
    ``context`` (list of caption lines, plain text: the filters in force, the view when
    it is not the time series, source, data date and the synthetic-data note) and
    ``filename`` (chart id and data date). The toolbar's images lay them out with
    assets/25-export-layout.js; PowerPoint slides put the lines under the picture."""
    lines = [t("export.meta.filters", lang) + ": " + describe_filters(filters, lang)]
    if view != "series":
        lines.append(t("export.pptx.view", lang, view=t(f"card.view.{view}", lang)))
    lines.append(t("card.source", lang, source=t(spec.text_key("source"), lang)))
    lines.append(
        t("card.data_as_of", lang, date=format_date(as_of, lang))
        if as_of
        else t("card.data_as_of_unknown", lang)
    )
    if is_synthetic():
        lines.append(t("card.synthetic", lang))
    return {
        "title": t(spec.text_key("title"), lang),
        "context": lines,
        "filename": file_stem(spec.id, as_of.isoformat() if as_of else "data"),
    }


def chart_payload(
    chart_id: str,
    filters: Filters,
    lang: str,
    view: str = "series",
    phases: tuple[str, ...] = (),
    peers: bool = False,
) -> dict[str, Any]:
    """Everything a chart card shows in one of its views (``charts.chart_views.VIEWS``),
    as plain data (cached as a whole). An unknown or unavailable view falls back to the
    time series, and so does the run chart when the data has too few shown periods for
    it (``spc_possible``).

    ``phases`` are user-chosen starts of run-chart phases as ``"YYYY-MM"`` months: the
    run chart starts a new phase (new mean and limits) at the period containing each.
    Before they become part of the cache key they are validated and put on the periods
    the run chart shows (``charts.spc.normalise_phases``: a month becomes the first
    month of its period at the grain, a month outside the shown periods is dropped,
    duplicates collapse), so no two spellings of one chart make two cache entries;
    the other views (and a run chart that cannot be drawn) take ``()``.

    Keys: ``view`` (the view actually drawn, which the card's view switch, the caption
    lines of exported images and slides follow; not always the view asked), ``phases``
    (the run chart's user phase starts as applied, ``"YYYY-MM"``; ``[]`` when the run
    chart is not drawn), ``figure`` (plotly figure dict), ``summary`` (sentences, ending
    with ``partial_note``), ``partial_note`` (the periods left out as incomplete, or
    ""), ``table`` (``{"columns", "rows"}`` of strings), ``events`` (``[{"date",
    "label"}]``), ``decisions`` (the decisions and actions drawn on it:
    ``charts.decisions.card_items``; not cached, see ``with_decisions``), ``data_as_of``
    (ISO date or None), ``synthetic`` (bool), ``empty`` (bool: the filters leave no
    data), ``peers`` (bool: the peer context is drawn), ``peers_source`` (its credit,
    ``peer_credit``, or None when it is not drawn or has no rows).

    ``peers`` asks for the peer context (``chart_peers``: the country's line and the
    counties' band in the figure, a sentence in the summary); only a national chart's
    time series has it, anything else takes False, so the cache key does too.
    """
    spec = CHARTS[chart_id]
    if view not in available_views(spec):
        view = "series"
    peers = bool(peers) and spec.national and view == "series"
    if isinstance(phases, str):
        phases = (phases,)
    # The cache key takes the filters the chart applies, so equivalent requests share it.
    filters = effective_filters(spec, filters)
    if view == "spc" and phases:
        # The run chart's own periods (from the memoized query; only when there are
        # phases to put on them, so the common case costs nothing more).
        grid = _spc_grid(spec, filters)
        phases = (
            normalise_phases(phases, grid["period"], filters.grain) if spc_possible(grid) else ()
        )
    else:
        phases = ()
    built = _payload(chart_id, filters, lang, view, phases, peers)
    open_end = False
    if not built.get("empty", True):
        # The chart shows the latest data unless its months end earlier: then the
        # decisions taken after its last period belong at the end of its line too.
        _first_day, last_day = data_window()
        open_end = filters.end is None or filters.end >= f"{last_day:%Y-%m}"
    return with_decisions(built, chart_id, lang, open_end)


def recorded_decisions(chart_id: str, until: date | None = None) -> list[dict[str, Any]]:
    """The decisions and actions recorded on the chart in the app database
    (``meetings.store.decisions_for_chart``), or ``[]`` with a log entry when the app
    database cannot be read: a chart never fails because of it. With ``until`` only
    those taken on or before that day (what a meeting on that day had decided)."""
    try:
        found = store.decisions_for_chart(chart_id)
        return [row for row in found if until is None or row["decided_on"] <= until]
    except APP_DB_ERRORS:
        log.exception("decisions of chart %s could not be read; drawn without them", chart_id)
        keep_out()  # drawn without them: not an answer to keep (response_cache)
        return []


def with_decisions(
    payload: dict[str, Any],
    chart_id: str,
    lang: str,
    open_end: bool = False,
    until: date | None = None,
) -> dict[str, Any]:
    """``payload`` (the memoized ``_payload``, left unchanged) with the decisions and
    actions of the data discussions on it (``charts.decisions``): their markers on a
    copy of the figure, their sentence at the end of the summary (the text
    alternative) and ``decisions`` (``charts.decisions.card_items``) for the card.
    Read anew on every call, so a decision shows at once whatever the cache holds.
    Views without a time axis (units) and empty payloads get ``decisions: []``. With
    ``open_end`` decisions after the last period shown are drawn at the line's end
    (``charts.decisions.markers_in_view``). With ``until`` (a meeting's date) the chart
    is drawn as on that day: the decisions taken by then, overdue as of then."""
    if payload.get("empty", True) or payload.get("view") == "units":
        return {**payload, "decisions": []}
    markers = markers_in_view(
        recorded_decisions(chart_id, until), payload["figure"], until or date.today(), open_end
    )
    if not markers:
        return {**payload, "decisions": []}
    return {
        **payload,
        "figure": add_decisions(payload["figure"], markers, lang),
        "summary": " ".join((payload["summary"], decisions_sentence(markers, lang))),
        "decisions": card_items(markers, lang),
    }


@cache.memoize()
def _payload(
    chart_id: str,
    filters: Filters,
    lang: str,
    view: str,
    phases: tuple[str, ...],
    peers: bool = False,
) -> dict[str, Any]:
    """``chart_payload`` once its view, phases and peer switch are normalised (the
    cache key)."""
    spec = CHARTS[chart_id]
    filters = effective_filters(spec, filters)
    if view == "spc":
        built = _spc_view(spec, filters, lang, phases)
    else:
        built = _BUILDERS[view](spec, filters, lang)
    # From here on everything follows the view drawn, not the one asked.
    view = built.get("view", view)
    figure = built["figure"]
    peers_source = None
    if peers and view == "series" and not built["empty"]:
        # As the files and the data API state them (half up: 62.85 is 62.9, where the
        # float's own rounding would write 62.8), in the hover texts and the sentence.
        shown = stated_peers(chart_peers(spec, filters, built["periods"]), spec.decimals)
        options = _options(spec, pd.DataFrame(columns=["series"]), filters, lang)
        figure = add_peers(figure, shown, options)
        # The card credits every period drawn; the sentence speaks of the latest only.
        peers_source = peer_credit(shown) or None
        latest_credit = peer_credit(shown.iloc[-1:])
        sentence = peers_sentence(shown, spec.unit, spec.decimals, latest_credit, lang)
        built = {**built, "summary": f"{built['summary']} {sentence}"}
    events = pd.DataFrame()
    if view != "units":
        events = chart_events(spec, built["periods"], filters.grain, lang)
        add_events(figure, events, "label")
    as_of = data_as_of()
    # Keep what the builder put into meta (charts.figures.fit's width classes).
    meta = {
        **(figure.layout.meta or {}),
        "tkExport": export_context(spec, filters, lang, as_of, view),
    }
    figure.update_layout(meta=meta)
    note = partial_note(spec, filters, lang)
    return {
        "view": view,
        "phases": list(phases) if view == "spc" else [],
        "figure": lean_figure(figure.to_plotly_json()),
        "summary": " ".join(part for part in (built["summary"], note) if part),
        "partial_note": note,
        "table": built["table"],
        "events": [
            {"date": format_date(row.event_date.date(), lang), "label": row.label}
            for row in events.itertuples(index=False)
        ],
        "data_as_of": as_of.isoformat() if as_of else None,
        "synthetic": is_synthetic(),
        "empty": built["empty"],
        "peers": peers and view == "series",
        "peers_source": peers_source,
    }
