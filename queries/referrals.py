"""Referrals (lähetteet): specialised care, wellbeing and exercise referrals."""

from __future__ import annotations

import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.privacy import hide_partition_complements
from queries.results import count_series, empty_frame
from queries.sql import chart_statement
from settings import get_settings
from translations import t

_REFERRALS_SQL = """
SELECT {period} AS period,
       COUNT(*) AS referrals,
       COUNT(DISTINCT r.referrer_id) AS referrers
FROM referrals r
WHERE r.referral_type = :referral_type
{filters}
GROUP BY 1
ORDER BY 1
"""


@cache.memoize()
def referral_counts(filters: Filters, referral_type: str) -> pd.DataFrame:
    """Referrals of one type per period, as the tidy chart frame (``queries.results``).

    ``referral_type``: ``wellbeing``, ``exercise``, ``specialised`` or ``other``.
    Series: ``referrals`` (count of referrals) and ``referrers`` (distinct referring
    professionals in the period). Periods without referrals are 0.
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

_SPECIALTY_SQL = """
SELECT {period} AS period,
       r.specialty AS specialty,
       COUNT(*) AS referrals
FROM referrals r
WHERE r.referral_type = :referral_type
{filters}
GROUP BY 1, 2
ORDER BY 1, 2
"""


@cache.memoize()
def specialised_referrals_by_specialty(filters: Filters) -> pd.DataFrame:
    """Referrals to specialised care per period: in all and by specialty.

    Tidy chart frame (``queries.results``) plus a ``label`` column. Series: ``total``
    (every ``specialised`` referral of the period, 0 when none, up to the data's last
    date) and one series per specialty found in the range, keyed and labelled by
    ``referrals.specialty`` as recorded (referrals without a specialty:
    ``NO_SPECIALTY``, labelled from the catalog); a specialty's periods without
    referrals are 0. Values are counts of referrals (people). Small cells are
    suppressed, and because the specialties add up to the total that is shown, further
    cells are hidden until the hidden ones add up to 0 or at least the minimum
    (``queries.privacy.partition_hidden``).
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
    wide = (
        rows.pivot_table(index="period", columns="specialty", values="referrals", aggfunc="sum")
        .reindex(columns=specialties)
        .fillna(0)
        .reset_index()
        if not rows.empty
        else pd.DataFrame({"period": pd.Series(dtype="M8[ns]")})
    )
    wide["total"] = wide[specialties].sum(axis=1) if specialties else 0
    frame = count_series(wide, filters, {"total": "total", **{s: s for s in specialties}})
    # count_series hid the small cells; the specialties add up to the shown total.
    frame = hide_partition_complements(
        frame, wide, sorted(specialties), get_settings().min_cell_count
    )
    # Specialty names are data (Finnish as recorded), shown with a capital initial.
    labels = {s: s[:1].upper() + s[1:] for s in recorded}
    labels[NO_SPECIALTY] = t("referrals.no_specialty")
    frame["label"] = frame["series"].map(labels)
    return frame


_REFERRALS_BY_UNIT_SQL = """
SELECT {period} AS period,
       r.source_unit_id AS unit_id,
       MAX(u.name_fi) AS name_fi,
       COUNT(*) AS referrals
FROM referrals r
LEFT JOIN units u ON u.unit_id = r.source_unit_id
WHERE r.referral_type = :referral_type
{filters}
GROUP BY 1, 2
ORDER BY 1, 2
"""

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
    date is present (missing = 0). The series add up to ``referral_counts``'
    ``referrals`` per period, which is shown beside them, so small cells are hidden and
    then further cells until the hidden ones add up to 0 or at least the minimum
    (``queries.privacy.partition_hidden``).
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
    wide = (
        rows.pivot_table(index="period", columns="unit_id", values="referrals", aggfunc="sum")
        .reindex(columns=ranked)
        .fillna(0)
        .reset_index()
        if not rows.empty
        else pd.DataFrame({"period": pd.Series(dtype="M8[ns]")})
    )
    rest = [unit for unit in ranked if unit not in shown]
    keys = list(shown)
    if rest:  # a remainder with no members is structurally empty: not a series at all
        wide[OTHER_UNITS] = wide[rest].sum(axis=1)
        keys.append(OTHER_UNITS)
    if not keys:
        return empty_frame("label")
    frame = count_series(wide, filters, {key: key for key in keys})
    # count_series hid the small cells; the units add up to the total shown beside them.
    frame = hide_partition_complements(frame, wide, sorted(keys), get_settings().min_cell_count)
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
