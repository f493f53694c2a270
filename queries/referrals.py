"""Referrals (lähetteet): specialised care, wellbeing and exercise referrals, read
from the monthly aggregates of ``referrals`` (``reporting.aggregates.queues``:
``agg_referrals`` per month, unit, type and specialty; ``agg_referrers`` per month,
unit, type and referring professional)."""

from __future__ import annotations

import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.privacy import KEY_RANGE, published_count
from queries.reference import units as all_units
from queries.results import count_series, empty_frame, key_of
from queries.sql import MONTHLY_REFERRALS, cell_key, statement
from settings import get_settings
from translations import t

# Per period and referrer first (``agg_referrers``: one row per month, unit, type and
# referring professional), so that the distinct referrers of a quarter or year are
# counted once and get their own cell key: the sum of their referrer_key (one per
# professional, the same on all their referrals).
_REFERRALS_SQL = """
SELECT period,
       CAST(SUM(n) AS BIGINT) AS referrals,
       {referrals_key} AS referrals_key,
       COUNT(*) AS referrers,
       {referrers_key} AS referrers_key
FROM (
    SELECT {period} AS period,
           a.referrer_id AS referrer_id,
           MIN(a.referrer_key) AS referrer_key,
           SUM(a.referrals) AS n,
           SUM(a.referrals_key) AS k
    FROM agg_referrers a
    WHERE a.referral_type = :referral_type
    {filters}
    GROUP BY 1, 2
) per_referrer
GROUP BY period
ORDER BY period
""".replace("{referrals_key}", cell_key("k")).replace("{referrers_key}", cell_key("referrer_key"))


@cache.memoize()
def referral_counts(filters: Filters, referral_type: str) -> pd.DataFrame:
    """Referrals of one type per period, as the tidy chart frame (``queries.results``).

    ``referral_type``: ``wellbeing``, ``exercise``, ``specialised`` or ``other``.
    Series: ``referrals`` (count of referrals) and ``referrers`` (distinct referring
    professionals in the period), exact with cell keys (the referrers' key sums their
    ``referrer_key``). Periods without referrals are 0.
    """
    stmt, params = MONTHLY_REFERRALS.statement(
        _REFERRALS_SQL,
        filters,
        params={"referral_type": referral_type},
    )
    rows = fetch_frame(stmt, params)
    return count_series(rows, filters, {"referrals": "referrals", "referrers": "referrers"})


NO_SPECIALTY = "no_specialty"  # series key of specialised referrals with no specialty
# Data series whose label is a catalog text: the frame's label is the Finnish one (like
# the recorded names), the chart shows it in the page's language (charts.payload).
LABEL_KEYS = {NO_SPECIALTY: "referrals.no_specialty"}

_SPECIALTY_SQL = (
    """
SELECT {period} AS period,
       a.specialty AS specialty,
       CAST(SUM(a.referrals) AS BIGINT) AS referrals,
       """
    + cell_key("a.referrals_key")
    + """ AS referrals_key
FROM agg_referrals a
WHERE a.referral_type = :referral_type
{filters}
GROUP BY 1, 2
ORDER BY 1, 2
"""
)


def _wide(rows: pd.DataFrame, column: str, columns: list[str]) -> pd.DataFrame:
    """Counts (and their keys) per period, one column per value of ``column`` in
    ``columns`` order (missing = 0, key 0); keys of a column ``x`` are ``x_key``."""
    if rows.empty:  # no rows: the columns are still there (count_series fills 0)
        empty = {name: pd.Series(dtype=float) for c in columns for name in (c, key_of(c))}
        return pd.DataFrame({"period": pd.Series(dtype="M8[ns]"), **empty})
    parts = []
    for values, suffix in (("referrals", ""), ("referrals_key", "_key")):
        part = rows.pivot_table(index="period", columns=column, values=values, aggfunc="sum")
        part = part.reindex(columns=columns).fillna(0)
        part.columns = [f"{name}{suffix}" for name in part.columns]
        parts.append(part)
    return pd.concat(parts, axis=1).reset_index()


def _summed(wide: pd.DataFrame, name: str, members: list[str]) -> pd.DataFrame:
    """``wide`` with a count column ``name`` = the sum of ``members`` and its key: the
    members are disjoint sets, so the key of their union is the sum of their keys mod
    2**20 (= the key of the whole minus the keys of the other parts)."""
    out = wide.copy()
    out[name] = out[members].sum(axis=1) if members else 0
    keys = [key_of(member) for member in members]
    out[key_of(name)] = out[keys].sum(axis=1).mod(KEY_RANGE) if members else 0
    return out


@cache.memoize()
def recorded_specialties() -> list[str]:
    """Every specialty of specialised referrals in the reporting DB, over all time and
    units (``NO_SPECIALTY`` for referrals without one), sorted. Independent of any
    filter, so the series of a chart never depend on who was referred when."""
    rows = fetch_frame(
        statement(
            "SELECT DISTINCT COALESCE(specialty, :none) AS specialty FROM agg_referrals"
            " WHERE referral_type = :referral_type"
        ),
        {"none": NO_SPECIALTY, "referral_type": "specialised"},
    )
    return sorted(rows["specialty"])


@cache.memoize()
def referring_units(referral_type: str) -> list[str]:
    """Every unit that can refer: the ``units`` table and every ``source_unit_id`` of
    referrals of ``referral_type`` over all time, sorted. Independent of any filter."""
    rows = fetch_frame(
        statement(
            "SELECT DISTINCT source_unit_id AS unit_id FROM agg_referrals"
            " WHERE referral_type = :referral_type"
        ),
        {"referral_type": referral_type},
    )
    return sorted(set(rows["unit_id"]) | set(all_units()["unit_id"]))


@cache.memoize()
def specialised_referrals_by_specialty(filters: Filters) -> pd.DataFrame:
    """Referrals to specialised care per period: in all and by specialty.

    Tidy chart frame (``queries.results``) plus a ``label`` column. Series: ``total``
    (every ``specialised`` referral of the period, 0 when none, up to the data's last
    date) and one series per specialty found in the range, keyed and labelled by
    ``referrals.specialty`` as recorded (referrals without a specialty:
    ``NO_SPECIALTY``, labelled from the catalog); a specialty's periods without
    referrals are 0. Values are exact counts of referrals (people) with cell keys; the
    total's key is the sum of the specialties' keys (the same referrals).
    """
    stmt, params = MONTHLY_REFERRALS.statement(
        _SPECIALTY_SQL,
        filters,
        params={"referral_type": "specialised"},
    )
    rows = fetch_frame(stmt, params)
    rows["specialty"] = (
        rows["specialty"].astype(object).where(rows["specialty"].notna(), NO_SPECIALTY)
    )
    # The series are every specialty of the county's specialised referrals, whatever
    # the filters: a specialty listed only where it has referrals would tell a
    # published 0 of 1 … m−1 referrals from a true 0 (docs/privacy.md).
    known = set(recorded_specialties())
    recorded = sorted(known - {NO_SPECIALTY})
    specialties = recorded + ([NO_SPECIALTY] if NO_SPECIALTY in known else [])
    wide = _summed(_wide(rows, "specialty", specialties), "total", specialties)
    frame = count_series(wide, filters, {"total": "total", **{s: s for s in specialties}})
    # Specialty names are data (Finnish as recorded), shown with a capital initial.
    labels = {s: s[:1].upper() + s[1:] for s in recorded}
    labels[NO_SPECIALTY] = t(LABEL_KEYS[NO_SPECIALTY], "fi")
    frame["label"] = frame["series"].map(labels)
    return frame


_REFERRALS_BY_UNIT_SQL = (
    """
SELECT {period} AS period,
       a.source_unit_id AS unit_id,
       MAX(u.name_fi) AS name_fi,
       CAST(SUM(a.referrals) AS BIGINT) AS referrals,
       """
    + cell_key("a.referrals_key")
    + """ AS referrals_key
FROM agg_referrals a
LEFT JOIN units u ON u.unit_id = a.source_unit_id
WHERE a.referral_type = :referral_type
{filters}
GROUP BY 1, 2
ORDER BY 1, 2
"""
)

OTHER_UNITS = "other_units"  # series key of the units without a series of their own


@cache.memoize()
def referral_counts_by_unit(filters: Filters, referral_type: str, top: int = 5) -> pd.DataFrame:
    """Referrals of one type per period by referring unit (``source_unit_id``).

    Tidy chart frame (``queries.results``) plus ``label`` and ``label_sv`` columns. The
    candidates are
    the units of ``filters.units`` (for the county: ``referring_units``), whether or not
    they referred in the range. The ``top`` candidates with the most referrals over the
    range **as published** (``queries.privacy.published_count`` of each unit's total;
    ties by unit id) get a series each, keyed by the unit id and labelled by
    ``units.name_fi`` and ``name_sv`` (the id when the unit is not in ``units``),
    largest first; the rest are summed per period into ``OTHER_UNITS`` (labels None:
    the catalog names it).
    ``OTHER_UNITS`` is there only when it has members: with ``top + 1`` candidates or
    fewer every unit has a series of its own (never a bucket of one). A unit's series
    keeps its measured zeros: values are counts of referrals, and every period of the
    filter up to the data's last date is present (missing = 0). Exact, with cell keys:
    ``OTHER_UNITS``, a derived set, is keyed by the sum of its members' keys mod 2**20.
    """
    stmt, params = MONTHLY_REFERRALS.statement(
        _REFERRALS_BY_UNIT_SQL,
        filters,
        params={"referral_type": referral_type},
    )
    rows = fetch_frame(stmt, params)
    # The candidates are the units of the selection (every unit that can refer, for the
    # county), whether or not they referred in the range, and they are ranked by their
    # *published* totals: neither which units get a series nor their order may rest on
    # exact counts, or a unit's presence would tell a published 0 of 1 … m−1 referrals
    # from a true 0 (docs/privacy.md). A unit's total over the range is the disjoint
    # union of its periods, so its key is the sum of their keys mod 2**20.
    candidates = list(filters.units) if filters.units else referring_units(referral_type)
    grouped = rows.groupby("unit_id")
    exact = grouped["referrals"].sum().reindex(candidates, fill_value=0)
    keys = grouped["referrals_key"].sum().mod(KEY_RANGE).reindex(candidates, fill_value=0)
    published = pd.Series(
        published_count(exact.to_numpy(), keys.to_numpy(), get_settings().min_cell_count),
        index=candidates,
    )
    ranked = sorted(candidates, key=lambda unit: (-published[unit], unit))
    shown = ranked if len(ranked) <= top + 1 else ranked[:top]
    wide = _wide(rows, "unit_id", ranked)
    rest = [unit for unit in ranked if unit not in shown]
    keys = list(shown)
    if rest:  # a remainder with no members is structurally empty: not a series at all
        wide = _summed(wide, OTHER_UNITS, rest)
        keys.append(OTHER_UNITS)
    if not keys:
        return empty_frame("label", "label_sv")
    frame = count_series(wide, filters, {key: key for key in keys})
    for label, column in (("label", "name_fi"), ("label_sv", "name_sv")):
        names = dict(zip(all_units()["unit_id"], all_units()[column], strict=False))
        frame[label] = [
            None if key == OTHER_UNITS else names.get(key, key) for key in frame["series"]
        ]
    # Largest unit first (it is drawn at the bottom of the stack), OTHER_UNITS last.
    order = frame["series"].map({key: index for index, key in enumerate(keys)})
    return (
        frame.assign(_order=order)
        .sort_values(["_order", "period"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
