"""What changed in an agenda item's chart since the previous meeting of its series, in
sentences: the pre-read page and the pre-read document say it the same way.

``changes_sentences(changes, spec, lang)`` words a ``meetings.snapshots.item_changes``
dict; ``since_last_meeting(item, previous, lang)`` finds the previous meeting's item of
the same chart and words its changes, or says why there is nothing to compare.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from charts.catalog import ChartSpec
from charts.summary import format_value, period_label
from meetings.items import item_spec
from meetings.snapshots import item_changes, matching_item, read_snapshot
from translations import format_date, t, t_plural

# At most this many revised values are named one by one; the rest are counted
# ("ja 3 muuta"), so a large revision of the history stays one readable sentence.
MAX_REVISIONS = 12


def _period(iso_day: str, grain: str) -> str:
    return period_label(pd.Timestamp(iso_day), grain)


def _value(value: float | None, withheld: bool, spec: ChartSpec, lang: str) -> str:
    if withheld or value is None:
        return t("meetings.present.changes.withheld", lang)
    return format_value(value, spec.unit, spec.decimals, lang)


def _series_label(series: str, spec: ChartSpec, lang: str) -> str:
    return t(spec.series_key(series), lang) if series in spec.series else series


def _revision(change: Mapping[str, Any], grain: str, spec: ChartSpec, lang: str) -> str:
    params = {
        "period": _period(change["period"], grain),
        "before": _value(change["before"], change["before_withheld"], spec, lang),
        "after": _value(change["after"], change["after_withheld"], spec, lang),
    }
    if len(spec.series) > 1 or change["series"] not in spec.series:
        return t(
            "meetings.present.changes.revision_series",
            lang,
            series=_series_label(change["series"], spec, lang),
            **params,
        )
    return t("meetings.present.changes.revision", lang, **params)


def _as_of_sentence(before: str | None, after: str | None, until: str, lang: str) -> list[str]:
    if not before or not after:
        return []
    before_text = format_date(pd.Timestamp(before).date(), lang)
    if before == after:
        return [t("meetings.present.changes.as_of_same", lang, date=before_text)]
    after_text = format_date(pd.Timestamp(after).date(), lang)
    # "now" (the data served today) or "in this meeting" (a held meeting's own numbers)
    key = "as_of_meeting" if until == "meeting" else "as_of"
    return [t(f"meetings.present.changes.{key}", lang, before=before_text, after=after_text)]


def changes_sentences(changes: Mapping[str, Any] | None, spec: ChartSpec, lang: str) -> list[str]:
    """Sentences in ``lang`` saying what ``changes`` (``meetings.snapshots.item_changes``:
    ``previous_as_of``, ``as_of``, ``grain``, ``new_periods``, ``revised``) holds for the
    chart ``spec``: the "data as of" dates then and now (when both are known), the new
    periods by label (``4/2024``, ``Q2/2024``, ``2024``), and the revised past values as
    ``<period> <before> → <after>`` in the chart's unit and decimals (``37,5 %``;
    a withheld value is "salattu"; the series is named when the chart has several).
    At most ``MAX_REVISIONS`` revisions are listed, the rest counted. When nothing is
    new or revised that is one sentence. ``changes`` None (no snapshot to compare
    with) gives the one "ei vertailutietoa" sentence.

    E.g. ``["Edellisessä kokouksessa tiedot olivat 31.3.2024 asti, nyt 30.4.2024
    asti.", "Uusi jakso: 4/2024.", "Korjattu aiempi arvo: 2/2024 25,0 % → 37,5 %."]``
    """
    if changes is None:
        return [t("meetings.present.changes.no_snapshot", lang)]
    grain = changes.get("grain") or "month"
    sentences = _as_of_sentence(
        changes.get("previous_as_of"), changes.get("as_of"), changes.get("until", "now"), lang
    )
    new = [_period(day, grain) for day in changes.get("new_periods") or []]
    revised = list(changes.get("revised") or [])
    if not new and not revised:
        return sentences + [t("meetings.present.changes.nothing", lang)]
    if not new:
        sentences.append(t("meetings.present.changes.no_new_periods", lang))
    else:
        key = (
            "meetings.present.changes.new_period"
            if len(new) == 1
            else "meetings.present.changes.new_periods"
        )
        sentences.append(t(key, lang, periods=", ".join(new)))
    if not revised:
        sentences.append(t("meetings.present.changes.no_revisions", lang))
    else:
        named = [_revision(change, grain, spec, lang) for change in revised[:MAX_REVISIONS]]
        if len(revised) > MAX_REVISIONS:
            named.append(
                t("meetings.present.changes.more", lang, count=len(revised) - MAX_REVISIONS)
            )
        sentences.append(
            t_plural(
                len(revised),
                lang,
                one="meetings.present.changes.revised_one",
                other="meetings.present.changes.revised_many",
                changes=", ".join(named),
            )
        )
    return sentences


def since_last_meeting(
    item: Mapping[str, Any], previous: Mapping[str, Any] | None, lang: str
) -> list[str]:
    """What changed in ``item``'s chart since ``previous`` (``store.previous_meeting``
    of the item's meeting, or None), as ``changes_sentences`` words it; otherwise one
    sentence: "ei edellistä kokousta" when there is no previous meeting, "ei
    vertailutietoa" when it did not show this chart, or kept no snapshot of it (each
    says which). Up to ``item``'s own kept snapshot when it has one at the same
    address (a held meeting), else up to the data served now (cached); raises
    ``queries.engine.DATABASE_ERRORS`` when the reporting DB cannot be read."""
    if previous is None:
        return [t("meetings.present.changes.no_previous_meeting", lang)]
    earlier = matching_item(item, previous)
    if earlier is None:
        return [t("meetings.present.changes.not_shown", lang)]
    return changes_sentences(item_changes(earlier, read_snapshot(item)), item_spec(item), lang)
