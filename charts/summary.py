"""The one-sentence summary under each chart, and the formatting of values.

The sentence is also the chart's text alternative (WCAG 1.1.1): latest value, change
from a year earlier, and position against the target in force.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import pandas as pd

from queries.periods import period_end, year_earlier
from settings import get_settings
from translations import format_date, format_number, t, t_plural

_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
SUPPRESSED_MARK = ".."
# ``targets.kind`` values a chart's value is judged against: a programme target (the
# programme plans), or a requirement of the law itself (e.g. every visit within the
# legal deadline, Terveydenhuoltolaki 1326/2010, 51 §), which texts name as such.
PROGRAMME_TARGET = "programme_target"
LEGAL_REQUIREMENT = "legal_requirement"
TARGET_KINDS = (PROGRAMME_TARGET, LEGAL_REQUIREMENT)


def period_label(period: pd.Timestamp, grain: str) -> str:
    """``10/2026`` for a month, ``Q4/2026`` for a quarter, ``2026`` for a year."""
    if grain == "year":
        return str(period.year)
    if grain == "quarter":
        return f"Q{(period.month - 1) // 3 + 1}/{period.year}"
    return f"{period.month}/{period.year}"


def format_value(value: float | None, unit: str, decimals: int, lang: str) -> str:
    """A value with its unit, e.g. ``38,2 %``, ``45 vrk``, ``1 234``; "" when missing."""
    text = format_number(value, decimals, lang)
    if not text:
        return ""
    return text if unit == "count" else text + "\u00a0" + t(f"unit.{unit}", lang)


def format_change(diff: float, unit: str, decimals: int, lang: str) -> str:
    """A signed difference; shares change in percentage points."""
    sign = "+" if diff > 0 else ""
    text = sign + format_number(diff, decimals, lang)
    unit_key = "unit.percentage_points" if unit == "percent" else f"unit.{unit}"
    return text if unit == "count" else text + "\u00a0" + t(unit_key, lang)


def targets_during(targets: pd.DataFrame, period: pd.Timestamp, grain: str) -> pd.DataFrame:
    """The all-ages programme-target or legal-requirement rows (``TARGET_KINDS``) in
    force on at least one day of the ``grain`` period that starts on ``period``, by
    ``valid_from``. Columns as ``targets``."""
    if targets.empty:
        return targets
    start, end = pd.Timestamp(period), period_end(period, grain)
    return targets[
        targets["kind"].isin(TARGET_KINDS)
        & (targets["valid_from"] <= end)
        & (targets["valid_to"].isna() | (targets["valid_to"] >= start))
        & (targets["age_min"] == 0)
    ].sort_values("valid_from")


def target_in_force(targets: pd.DataFrame, period: pd.Timestamp, grain: str) -> pd.Series | None:
    """The programme-target or legal-requirement row (``TARGET_KINDS``, all ages) the
    ``grain`` period that starts on ``period`` is judged against, or None. An
    indicator has one or the other.

    A period is judged against a target only if that target is in force on **every
    day** of the period: one value and comparison, from its first day to its last,
    without a gap (consecutive rows of the same value, e.g. the same requirement
    under a new law, are one target; the newest row is returned, for its source).
    Where the target starts, ends or changes inside the period there is no one value
    to judge it against: None, and ``target_changes`` gives the rows. So with a
    target from 1.10.2025 the quarter Q4/2025 is judged, the year 2025 is not. The
    summary sentence, the KPI cards and the per-period target marks of the figures
    (``charts.figures.time_series.add_period_targets``) all use this one rule.
    """
    rows = targets_during(targets, period, grain)
    if rows.empty or len(rows[["value", "comparison"]].drop_duplicates()) > 1:
        return None
    covered = pd.Timestamp(period)  # the first day not yet known to be covered
    for row in rows.itertuples():
        if pd.Timestamp(row.valid_from) > covered:
            return None  # a gap without a target
        if pd.isna(row.valid_to):
            return rows.iloc[-1]
        covered = max(covered, pd.Timestamp(row.valid_to) + pd.Timedelta(days=1))
    return rows.iloc[-1] if covered > period_end(period, grain) else None


def target_changes(targets: pd.DataFrame, period: pd.Timestamp, grain: str) -> pd.DataFrame:
    """The target rows in force on some days of the period when no one target holds
    on every day (``target_in_force`` is None): the target starts, ends or changes
    inside the period, so the period is not judged. Empty otherwise."""
    rows = targets_during(targets, period, grain)
    if rows.empty or target_in_force(targets, period, grain) is not None:
        return rows.iloc[0:0]
    return rows


def describe_targets(rows: pd.DataFrame, unit: str, lang: str) -> str:
    """Target rows as text with their dates, e.g. "≥ 80 % 1.10.2025 alkaen" or
    "> 30 % 1.1.2024–31.12.2024", joined by "; "."""
    parts = []
    for row in rows.itertuples():
        common = {
            "comparison": comparison_sign(row.comparison),
            "target": format_value(row.value, unit, 0, lang),
            "start": format_date(pd.Timestamp(row.valid_from).date(), lang),
        }
        if pd.isna(row.valid_to):
            parts.append(t("target.span_from", lang, **common))
        else:
            end = format_date(pd.Timestamp(row.valid_to).date(), lang)
            parts.append(t("target.span", lang, end=end, **common))
    return "; ".join(parts)


def target_met(value: float, target: pd.Series) -> bool:
    """Whether ``value`` satisfies the target's comparison."""
    return _COMPARE[target["comparison"]](value, target["value"])


def is_legal_requirement(target: pd.Series) -> bool:
    """True when ``target`` is a requirement of the law, not a programme target."""
    return target["kind"] == LEGAL_REQUIREMENT


def _unrounded(row: pd.Series) -> float:
    """A share's exact value from its counts (``value`` is rounded: 2999 of 3000 reads
    100,0 % but does not meet "every visit"); ``value`` when the row has no counts."""
    numerator, denominator = row.get("numerator"), row.get("denominator")
    if pd.notna(numerator) and pd.notna(denominator) and denominator > 0:
        return 100.0 * float(numerator) / float(denominator)
    return float(row["value"])


@dataclass(frozen=True)
class Headline:
    """What the summary sentence and the overview's KPI cards say about a series.

    ``value`` is NaN when the latest period is suppressed (``suppressed``) or missing;
    ``previous`` is the value of the same period a year earlier (NaN if unknown);
    ``target`` is the programme-target or legal-requirement row in force on every
    day of ``period`` (``target_in_force``) or None; ``changes`` holds the target rows
    of a period whose target starts, ends or changes inside it (``target_changes``:
    not judged), else it is empty; ``met`` is None without a target or a value, and
    is judged on a share's unrounded value. ``unconfirmed`` is True when the series'
    counts are published rounded and the true share they allow could lie on either
    side of the target (``judgement_unconfirmed``); ``met`` is then None.
    """

    period: pd.Timestamp
    value: float
    suppressed: bool
    previous: float
    target: pd.Series | None
    met: bool | None
    changes: pd.DataFrame
    unconfirmed: bool = False


def headline(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    series: str,
    grain: str,
    *,
    rounded: bool,
    unit: str,
) -> Headline | None:
    """The latest period of ``series`` in a tidy chart frame of ``grain`` periods, or
    None without data. ``rounded``: whether the series' counts are published rounded
    (``ChartSpec.rounded``); an exact series is judged on its value as it stands.
    ``unit``: the chart's (``ChartSpec.unit``): a ``count`` value is itself a count.

    The frame must hold whole periods only (``charts.payload.load_complete``): then
    the latest period and the one a year earlier are alike — equal, aligned spans for
    counted events, the same day (the period's last) for a stock such as a queue.
    """
    part = frame[frame["series"] == series].sort_values("period")
    if part.empty:
        return None
    latest = part.iloc[-1]
    earlier = part[part["period"] == year_earlier(latest["period"])]
    previous = float(earlier.iloc[0]["value"]) if not earlier.empty else float("nan")
    target = target_in_force(targets, latest["period"], grain)
    value = float(latest["value"])
    met = None if target is None or pd.isna(value) else target_met(_unrounded(latest), target)
    unconfirmed = met is not None and rounded and judgement_unconfirmed(latest, target, met, unit)
    if unconfirmed:
        met = None
    changes = target_changes(targets, latest["period"], grain)
    return Headline(
        latest["period"],
        value,
        bool(latest["suppressed"]),
        previous,
        target,
        met,
        changes,
        unconfirmed,
    )


def share_bounds(numerator: float, denominator: float, minimum: int) -> tuple[float, float]:
    """The lowest and highest true share (%) that a share published from rounded
    counts ``numerator`` / ``denominator`` (multiples of m = ``minimum``,
    ``queries.privacy``; ``denominator`` > 0) allows. Each true count is within
    m − 1 of its published one and the true numerator never exceeds the true
    denominator.

    Lowest: max(0, n − (m − 1)) / (d + m − 1). Highest: with n_hi = n + m − 1 and
    d_lo = max(d − (m − 1), 1), n_hi / d_lo when n_hi < d_lo; else a full share if
    n = d is possible. It is not when the published n < d: equal true counts are the
    same records, so the same cell key and the same published count; then the true
    numerator is at most the denominator − 1, and the highest is (d* − 1) / d* with
    d* = min(n_hi + 1, d + m − 1) (the share (d − 1) / d grows with d, and n ≤ n_hi).
    """
    spread = minimum - 1
    lowest = 100.0 * max(0.0, numerator - spread) / (denominator + spread)
    top, bottom = numerator + spread, max(denominator - spread, 1.0)
    if top < bottom:
        highest = 100.0 * top / bottom
    elif numerator >= denominator:
        highest = 100.0
    else:
        widest = min(top + 1, denominator + spread)
        highest = 100.0 * (widest - 1) / widest
    return lowest, highest


def judgement_unconfirmed(row: pd.Series, target: pd.Series, met: bool, unit: str) -> bool:
    """True when the judgement ``met`` of the share in ``row`` against ``target`` (a
    programme target or a legal requirement) cannot be confirmed from its published
    counts: they are rounded to multiples of m (``queries.privacy``), and the true
    share they allow (``share_bounds``) could lie on the other side of the target.
    A count of people (``unit`` ``count``) is judged the same way: its true value is
    within m − 1 of the published one (max(0, c − (m − 1)) .. c + m − 1). Call it
    only for a series whose counts are rounded (``ChartSpec.rounded``).

    Both directions. "Met" is unconfirmed when the lowest allowed share fails: a
    true 67 of 70 may be published 70 of 70, and a 100 % target (the programme's or
    the law's "every visit") would be said met when it is not. "Not met" is
    unconfirmed when the highest allowed share meets it: the summary, the KPI card
    and the meeting suggestions state the judgement as a fact to the directors, and
    a miss the counts cannot prove is as false a statement as a success they cannot
    prove (and a near miss would be put on a meeting's agenda as a missed target).
    A published share below a 100 % target stays "not met" (equal counts would be
    published equal, ``share_bounds``); a share far from the target stays judged.
    False for any other value (a median is not rounded), a share without counts (or
    with a denominator of 0) and when m < 2."""
    minimum = get_settings().min_cell_count
    numerator, denominator = row.get("numerator"), row.get("denominator")
    if minimum < 2:
        return False
    if unit == "count":
        value = float(row["value"])
        lowest, highest = max(0.0, value - (minimum - 1)), value + minimum - 1
    elif pd.isna(numerator) or pd.isna(denominator) or denominator <= 0:
        return False
    else:
        lowest, highest = share_bounds(float(numerator), float(denominator), minimum)
    return not target_met(lowest, target) if met else target_met(highest, target)


def cell_reason(frame: pd.DataFrame, series: str, period: pd.Timestamp) -> str | None:
    """The ``suppression_reason`` of one cell of a tidy chart frame (None if the frame
    does not say)."""
    if "suppression_reason" not in frame.columns:
        return None
    cell = frame.loc[(frame["series"] == series) & (frame["period"] == period)]
    reason = cell["suppression_reason"].iloc[0] if len(cell) else None
    return reason if isinstance(reason, str) else None


def reason_text(reason: str | None, lang: str) -> str:
    """Why a cell is withheld, as a clause ("se perustuu alle 5 henkilöön"), for one of
    ``queries.privacy.REASONS``; a general clause when the reason is not known."""
    key = f"suppression.reason.{reason if isinstance(reason, str) else 'unspecified'}"
    return t(key, lang, minimum=get_settings().min_cell_count)


def comparison_sign(comparison: str) -> str:
    """``>=`` as ``≥`` and ``<=`` as ``≤``, for text."""
    return comparison.replace(">=", "≥").replace("<=", "≤")


def summarise(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    series: str,
    unit: str,
    decimals: int,
    grain: str,
    lang: str,
    rounded: bool,
) -> str:
    """One sentence on the headline ``series`` of a tidy chart frame, in ``lang``;
    ``rounded`` as ``headline``'s."""
    facts = headline(frame, targets, series, grain, rounded=rounded, unit=unit)
    if facts is None:
        return t("summary.no_data", lang)
    label = period_label(facts.period, grain)
    if pd.isna(facts.value):
        if facts.suppressed:
            reason = cell_reason(frame, series, facts.period)
            return t(
                "summary.latest_suppressed", lang, period=label, reason=reason_text(reason, lang)
            )
        return t("summary.latest_missing", lang, period=label)
    sentences = [
        t(
            "summary.latest",
            lang,
            period=label,
            value=format_value(facts.value, unit, decimals, lang),
        )
    ]
    if not pd.isna(facts.previous):
        sentences.append(
            t(
                "summary.change",
                lang,
                value=format_value(facts.previous, unit, decimals, lang),
                change=format_change(facts.value - facts.previous, unit, decimals, lang),
            )
        )
    if not facts.changes.empty:
        kind = "requirement" if is_legal_requirement(facts.changes.iloc[-1]) else "target"
        sentences.append(
            t(
                f"summary.{kind}_changes",
                lang,
                period=label,
                targets=describe_targets(facts.changes, unit, lang),
            )
        )
    if facts.target is not None:
        kind = "requirement" if is_legal_requirement(facts.target) else "target"
        key = f"summary.{kind}_met" if facts.met else f"summary.{kind}_not_met"
        if facts.unconfirmed:
            key = f"summary.{kind}_unconfirmed"
        sentences.append(
            t(
                key,
                lang,
                comparison=comparison_sign(facts.target["comparison"]),
                target=format_value(facts.target["value"], unit, 0, lang),
                source=facts.target["source"],
                minimum=get_settings().min_cell_count,
            )
        )
    return " ".join(sentences)


def peers_sentence(peers: pd.DataFrame, unit: str, decimals: int, credit: str, lang: str) -> str:
    """The peer context in words (part of the text alternative): the latest period of
    ``peers`` (``queries.peers`` columns, period order, values as stated:
    ``queries.peers.stated_peers``, so the words give the numbers of the files) with the
    county's own value in the comparison figures when stored, the whole country's, the
    counties' middle half (first to third quartile) and their range with how many
    counties, then the source (``credit``: that latest period's, ``peer_credit`` of its
    row, not every period's); "no comparison figures" when ``peers`` is empty."""
    if peers.empty:
        return t("peers.none", lang)
    latest = peers.iloc[-1]

    def fmt(value: float) -> str:
        return format_value(value, unit, decimals, lang)

    parts = []
    if not pd.isna(latest["own"]):
        parts.append(t("peers.sentence.own", lang, value=fmt(latest["own"])))
    if not pd.isna(latest["country"]):
        parts.append(t("peers.sentence.country", lang, value=fmt(latest["country"])))
    counties = int(latest["counties"])
    if counties:
        parts.append(
            t_plural(
                counties,
                lang,
                one="peers.sentence.band_one",
                other="peers.sentence.band",
                counties=counties,
                lower_quartile=fmt(latest["q1"]),
                upper_quartile=fmt(latest["q3"]),
                minimum=fmt(latest["minimum"]),
                maximum=fmt(latest["maximum"]),
            )
        )
    start = t(
        "peers.sentence.start",
        lang,
        period=period_label(pd.Timestamp(latest["period"]), latest["grain"]),
    )
    sentence = f"{start} {', '.join(parts)}."
    return f"{sentence} {t('peers.source', lang, source=credit)}" if credit else sentence
