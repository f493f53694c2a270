"""Referrals (lähetteet): specialised care, wellbeing and exercise referrals."""

from __future__ import annotations

import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.privacy import KEY_RANGE
from queries.results import count_series, empty_frame, key_of
from queries.sql import cell_key, chart_statement
from translations import t

# Per period and referrer first, so that the distinct referrers get their own cell key:
# the sum of their referrer_key (one per professional, the same on all their referrals).
_REFERRALS_SQL = """
SELECT period,
       SUM(n) AS referrals,
       {referrals_key} AS referrals_key,
       COUNT(*) AS referrers,
       {referrers_key} AS referrers_key
FROM (
    SELECT {period} AS period,
           r.referrer_id AS referrer_id,
           MIN(r.referrer_key) AS referrer_key,
           COUNT(*) AS n,
           SUM(r.record_key) AS k
    FROM referrals r
    WHERE r.referral_type = :referral_type
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
    stmt, params = chart_statement(
        _REFERRALS_SQL,
        filters,
        date_column="r.referral_date",
        unit_column="r.source_unit_id",
        params={"referral_type": referral_type},
    )
    rows = fetch_frame(stmt, params)
    return count_series(rows, filters, {"referrals": "referrals", "referrers": "referrers"})


NO_SPECIALTY = "no_specialty"  # series key of specialised referrals with no specialty

_SPECIALTY_SQL = (
    """
SELECT {period} AS period,
       r.specialty AS specialty,
       COUNT(*) AS referrals,
       """
    + cell_key("r.record_key")
    + """ AS referrals_key
FROM referrals r
WHERE r.referral_type = :referral_type
{filters}
GROUP BY 1, 2
ORDER BY 1, 2
"""
)


def _wide(rows: pd.DataFrame, column: str, columns: list[str]) -> pd.DataFrame:
    """Counts (and their keys) per period, one column per value of ``column`` in
    ``columns`` order (missing = 0, key 0); keys of a column ``x`` are ``x_key``."""
    if rows.empty:
        return pd.DataFrame({"period": pd.Series(dtype="M8[ns]")})
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
    stmt, params = chart_statement(
        _SPECIALTY_SQL,
        filters,
        date_column="r.referral_date",
        unit_column="r.source_unit_id",
        params={"referral_type": "specialised"},
    )
    rows = fetch_frame(stmt, params)
    rows["specialty"] = (
        rows["specialty"].astype(object).where(rows["specialty"].notna(), NO_SPECIALTY)
    )
    recorded = sorted(set(rows["specialty"]) - {NO_SPECIALTY})
    specialties = recorded + ([NO_SPECIALTY] if NO_SPECIALTY in set(rows["specialty"]) else [])
    wide = _summed(_wide(rows, "specialty", specialties), "total", specialties)
    frame = count_series(wide, filters, {"total": "total", **{s: s for s in specialties}})
    # Specialty names are data (Finnish as recorded), shown with a capital initial.
    labels = {s: s[:1].upper() + s[1:] for s in recorded}
    labels[NO_SPECIALTY] = t("referrals.no_specialty")
    frame["label"] = frame["series"].map(labels)
    return frame


_REFERRALS_BY_UNIT_SQL = (
    """
SELECT {period} AS period,
       r.source_unit_id AS unit_id,
       MAX(u.name_fi) AS name_fi,
       COUNT(*) AS referrals,
       """
    + cell_key("r.record_key")
    + """ AS referrals_key
FROM referrals r
LEFT JOIN units u ON u.unit_id = r.source_unit_id
WHERE r.referral_type = :referral_type
{filters}
GROUP BY 1, 2
ORDER BY 1, 2
"""
)

OTHER_UNITS = "other_units"  # series key of the units without a series of their own


@cache.memoize()
def referral_counts_by_unit(filters: Filters, referral_type: str, top: int = 5) -> pd.DataFrame:
    """Referrals of one type per period by referring unit (``source_unit_id``).

    Tidy chart frame (``queries.results``) plus a ``label`` column. The ``top`` units
    with the most referrals over the whole range (ties by unit id) get a series each,
    keyed by the unit id and labelled by ``units.name_fi`` (the id when the unit is not
    in ``units``), largest first; the rest are summed per period into ``OTHER_UNITS``
    (label NaN: the catalog names it). ``OTHER_UNITS`` is there only when it has
    members: with ``top + 1`` units or fewer every unit has a series of its own (never a
    bucket of one) and there is no remainder to send, not even as zeros; with no
    referrals in the range the frame is empty. A unit's series keeps its measured zeros:
    values are counts of referrals, and every period of the filter up to the data's last
    date is present (missing = 0). Exact, with cell keys: ``OTHER_UNITS``, a derived
    set, is keyed by the sum of its members' keys mod 2**20, which is the key of all
    referrals minus the keys of the shown units.
    """
    stmt, params = chart_statement(
        _REFERRALS_BY_UNIT_SQL,
        filters,
        date_column="r.referral_date",
        unit_column="r.source_unit_id",
        params={"referral_type": referral_type},
    )
    rows = fetch_frame(stmt, params)
    rows["name_fi"] = rows["name_fi"].astype(object).where(rows["name_fi"].notna(), rows["unit_id"])
    totals = rows.groupby("unit_id")["referrals"].sum()
    ranked = sorted(totals.index, key=lambda unit: (-totals[unit], unit))
    shown = ranked if len(ranked) <= top + 1 else ranked[:top]
    wide = _wide(rows, "unit_id", ranked)
    rest = [unit for unit in ranked if unit not in shown]
    keys = list(shown)
    if rest:  # a remainder with no members is structurally empty: not a series at all
        wide = _summed(wide, OTHER_UNITS, rest)
        keys.append(OTHER_UNITS)
    if not keys:
        return empty_frame("label")
    frame = count_series(wide, filters, {key: key for key in keys})
    names = dict(zip(rows["unit_id"], rows["name_fi"], strict=False))
    frame["label"] = frame["series"].map(names)
    # Largest unit first (it is drawn at the bottom of the stack), OTHER_UNITS last.
    order = frame["series"].map({key: index for index, key in enumerate(keys)})
    return (
        frame.assign(_order=order)
        .sort_values(["_order", "period"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
