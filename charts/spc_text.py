"""The words of the run chart ("Onko muutos todellinen?"): rule notes, table, summary.

Everything here reads an ``charts.spc.xmr`` analysis and says, in the user's language,
which rule fired at which period and whether the change is an improvement or a concern
(the chart's ``higher_is_better``). The summary sentence is also the chart's text
alternative, so it names the rules and says when the limits are trial limits or rest
on months left after suppression.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from charts.spc import (
    BASELINE_POINTS,
    MIN_MOVING_RANGES,
    RULES,
    SHIFT_RUN,
    TREND_RUN,
    improvement,
)
from charts.summary import SUPPRESSED_MARK, period_label
from translations import t

MAX_SUMMARY_ITEMS = 4  # latest signal stretches named in the sentence; the table has all
_RUNS = {"shift": SHIFT_RUN, "trend": TREND_RUN}


def _note(rules: list[tuple[str, int]], higher_is_better: bool, lang: str) -> str:
    """ "parannus: yläraja ylittyy, ..." for the ``(rule, sign)`` pairs that fired at a
    point or stretch. Each rule is named under its own kind (improvement or concern
    from its sign and the chart's better direction): where rules disagree — a point
    below the lower limit within a rising run — both kinds are said, "heikennys: ...;
    parannus: ...", never one kind for all."""
    orientation = 1 if higher_is_better else -1
    groups: dict[int, list[str]] = {}
    for rule, sign in rules:
        text = t(f"spc.rule.{rule}.{'high' if sign > 0 else 'low'}", lang, run=_RUNS.get(rule))
        groups.setdefault(sign * orientation, []).append(text)
    return "; ".join(
        t(
            "spc.note",
            lang,
            kind=t("spc.kind.improvement" if kind > 0 else "spc.kind.concern", lang),
            rules=", ".join(texts),
        )
        for kind, texts in groups.items()
    )


def no_limits_reason(row: pd.Series, lang: str) -> str:
    """Why a phase has no process limits, from a row of its ``xmr`` analysis (its
    ``no_limits`` and ``ranges``): too few moving ranges, or none of them above zero."""
    return t(
        f"spc.no_limits.{row['no_limits']}",
        lang,
        count=int(row["ranges"]),
        minimum=MIN_MOVING_RANGES,
    )


def _fired(row: pd.Series) -> list[tuple[str, int]]:
    return [(rule, int(row[rule])) for rule in RULES if row[rule] != 0]


def rule_notes(analysis: pd.DataFrame, higher_is_better: bool, lang: str) -> pd.Series:
    """Per row of ``analysis``: "" for common cause, else e.g. "parannus: yläraja
    ylittyy, vähintään 7 jaksoa peräkkäin keskiarvon yläpuolella" (the rules that
    fired, in ``RULES`` order)."""
    notes = [
        _note(_fired(row), higher_is_better, lang) if row["signal"] else ""
        for _index, row in analysis.iterrows()
    ]
    return pd.Series(notes, index=analysis.index, dtype=object)


def spc_table(
    grid: pd.DataFrame,
    analysis: pd.DataFrame,
    notes: pd.Series,
    series_label: str,
    grain: str,
    fmt: Callable[[float], str],
    lang: str,
) -> dict[str, list]:
    """The run chart as a table: one row per period with its value ("..": suppressed),
    the start of its phase, the phase's mean and limits, and the rules that fired."""
    starts = grid.groupby(analysis["phase"])["period"].transform("min")
    rows = []
    for i in analysis.index:
        row = analysis.loc[i]
        value = SUPPRESSED_MARK if grid.at[i, "suppressed"] else fmt(row["value"])
        rows.append(
            [
                period_label(grid.at[i, "period"], grain),
                value,
                period_label(starts[i], grain),
                fmt(row["mean"]),
                fmt(row["lower"]),
                fmt(row["upper"]),
                notes[i],
            ]
        )
    columns = [
        t("table.period", lang),
        series_label,
        t("spc.phase_start", lang),
        t("spc.mean", lang),
        t("spc.lower", lang),
        t("spc.upper", lang),
        t("spc.signal", lang),
    ]
    return {"columns": columns, "rows": rows}


def _signal_items(
    grid: pd.DataFrame, analysis: pd.DataFrame, higher_is_better: bool, grain: str, lang: str
) -> list[str]:
    """Signals as stretches: consecutive signalling periods of one phase that are all
    improvement (or all concern) make one item, "8/2025–10/2026 (parannus: ...)", naming
    every rule that fired in it."""
    kinds = improvement(analysis, higher_is_better).tolist()
    stretches: list[tuple[int, int, int]] = []  # first, last position, kind
    phases = analysis["phase"].tolist()
    for position, kind in enumerate(kinds):
        if not kind:
            continue
        previous = stretches[-1] if stretches else None
        if (
            previous is not None
            and previous[1] == position - 1
            and previous[2] == kind
            and phases[position] == phases[position - 1]
        ):
            stretches[-1] = (previous[0], position, kind)
        else:
            stretches.append((position, position, kind))
    periods = grid["period"].tolist()
    texts = []
    for first, last, _kind in stretches:
        fired = {pair for i in range(first, last + 1) for pair in _fired(analysis.iloc[i])}
        rules = sorted(fired, key=lambda pair: (RULES.index(pair[0]), -pair[1]))
        label = period_label(periods[first], grain)
        if last > first:
            label += "–" + period_label(periods[last], grain)
        texts.append(f"{label} ({_note(rules, higher_is_better, lang)})")
    return texts


def spc_summary(
    grid: pd.DataFrame,
    analysis: pd.DataFrame,
    boundaries: dict[pd.Timestamp, tuple[str, ...]],
    higher_is_better: bool,
    grain: str,
    fmt: Callable[[float], str],
    lang: str,
) -> str:
    """The sentence under the run chart: where phases start and why, the latest
    phase's mean and limits (and what they rest on), each signal with its rule, and
    the caveats (trial limits, suppressed periods)."""
    parts = []
    if boundaries:
        starts = ", ".join(
            f"{period_label(period, grain)} ({'; '.join(reasons)})"
            for period, reasons in boundaries.items()
        )
        parts.append(t("summary.spc_phases", lang, starts=starts))

    phase_start = grid.groupby(analysis["phase"])["period"].min()
    first_rows = analysis.groupby("phase").first()
    # The latest phase with a shown value (a phase of suppressed months has no mean).
    number = analysis.loc[analysis["value"].notna(), "phase"].max()
    shown_phases = set(analysis.loc[analysis["value"].notna(), "phase"])
    # Earlier phases without limits say why, one short sentence each.
    for earlier in sorted(p for p in shown_phases if p != number):
        if first_rows.at[earlier, "no_limits"]:
            parts.append(
                t(
                    "summary.spc_no_limits_earlier",
                    lang,
                    start=period_label(phase_start[earlier], grain),
                    reason=no_limits_reason(first_rows.loc[earlier], lang),
                )
            )
    latest = first_rows.loc[number]
    start = period_label(phase_start[number], grain)
    count = int(analysis.loc[analysis["phase"] == number, "baseline"].sum())
    if latest["no_limits"]:
        parts.append(
            t(
                "summary.spc_no_limits",
                lang,
                start=start,
                mean=fmt(latest["mean"]),
                reason=no_limits_reason(latest, lang),
            )
        )
    else:
        parts.append(
            t(
                "summary.spc_phase" if boundaries else "summary.spc",
                lang,
                start=start,
                mean=fmt(latest["mean"]),
                lower=fmt(latest["lower"]),
                upper=fmt(latest["upper"]),
                count=count,
            )
        )

    signal_count = int(analysis["signal"].sum())
    if signal_count:
        # The latest stretches: "is the change real?" is asked about now.
        items = _signal_items(grid, analysis, higher_is_better, grain, lang)
        shown = ("…; " if len(items) > MAX_SUMMARY_ITEMS else "") + "; ".join(
            items[-MAX_SUMMARY_ITEMS:]
        )
        parts.append(t("summary.spc_signals", lang, count=signal_count, items=shown))
    else:
        parts.append(t("summary.spc_no_signals", lang))

    # Trial limits: a short baseline that still has limits.
    trial = phase_start[first_rows["trial"] & (first_rows["no_limits"] == "")]
    if not trial.empty:
        parts.append(
            t(
                "summary.spc_trial",
                lang,
                minimum=BASELINE_POINTS,
                starts=", ".join(period_label(p, grain) for p in trial),
            )
        )
    suppressed = int(grid["suppressed"].sum())
    if suppressed:
        parts.append(t("summary.spc_suppressed", lang, count=suppressed))
    return " ".join(parts)
