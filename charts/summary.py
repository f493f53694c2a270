"""The one-sentence summary under each chart, and the formatting of values.

The sentence is also the chart's text alternative (WCAG 1.1.1): latest value, change
from a year earlier, and position against the target in force.
"""

from __future__ import annotations

import operator

import pandas as pd

from queries.periods import year_earlier
from translations import format_number, t

_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
SUPPRESSED_MARK = ".."


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


def target_in_force(targets: pd.DataFrame, period: pd.Timestamp) -> pd.Series | None:
    """The all-ages programme-target row valid at ``period`` (its first day), or None."""
    if targets.empty:
        return None
    valid = targets[
        (targets["kind"] == "programme_target")
        & (targets["valid_from"] <= period)
        & (targets["valid_to"].isna() | (targets["valid_to"] >= period))
        & (targets["age_min"] == 0)
    ]
    return None if valid.empty else valid.iloc[-1]


def target_met(value: float, target: pd.Series) -> bool:
    """Whether ``value`` satisfies the target's comparison."""
    return _COMPARE[target["comparison"]](value, target["value"])


def summarise(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    series: str,
    unit: str,
    decimals: int,
    grain: str,
    lang: str,
) -> str:
    """One sentence on the headline ``series`` of a tidy chart frame, in ``lang``."""
    part = frame[frame["series"] == series].sort_values("period")
    if part.empty:
        return t("summary.no_data", lang)
    latest = part.iloc[-1]
    label = period_label(latest["period"], grain)
    if pd.isna(latest["value"]):
        key = "summary.latest_suppressed" if latest["suppressed"] else "summary.latest_missing"
        return t(key, lang, period=label)
    sentences = [
        t(
            "summary.latest",
            lang,
            period=label,
            value=format_value(latest["value"], unit, decimals, lang),
        )
    ]
    earlier = part[part["period"] == year_earlier(latest["period"])]
    if not earlier.empty and not pd.isna(earlier.iloc[0]["value"]):
        diff = latest["value"] - earlier.iloc[0]["value"]
        sentences.append(
            t(
                "summary.change",
                lang,
                value=format_value(earlier.iloc[0]["value"], unit, decimals, lang),
                change=format_change(diff, unit, decimals, lang),
            )
        )
    target = target_in_force(targets, latest["period"])
    if target is not None:
        key = (
            "summary.target_met"
            if target_met(latest["value"], target)
            else "summary.target_not_met"
        )
        sentences.append(
            t(
                key,
                lang,
                comparison=target["comparison"].replace(">=", "≥").replace("<=", "≤"),
                target=format_value(target["value"], unit, 0, lang),
            )
        )
    return " ".join(sentences)
