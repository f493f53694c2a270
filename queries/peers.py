"""Peer context of a chart with a national counterpart (``ChartSpec.national``): the
whole country and the spread of all counties, per stored period.

The national figures are published statistics (e.g. THL's Sotkanet, imported with
``python -m reporting import-sotkanet``), stored in ``indicator_values`` under the
chart's own id: one row per region and period, ``region_code`` a county's official
two-digit code or ``reporting.schema.COUNTRY_CODE`` for the whole country, marked
``published`` (the Sotkanet importer marks its rows; the canonical import cannot). Only
their ``value`` is read (a rate or a count as published); they are exact, not protected
(docs/privacy.md, "Published statistics"). The county's own figures stored under the
same id (``published`` false) are never read here: served exactly they would undo the
rounding of their counts.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from queries.cache import cache
from queries.engine import fetch_frame
from queries.filters import Filters
from queries.periods import period_end
from queries.results import as_stated
from queries.sql import COUNTY_VALUES
from reporting.figures.rows import SOTKANET_CREDIT
from reporting.schema import COUNTRY_CODE

# The columns of ``peer_values`` in order.
PEER_COLUMNS = (
    "period",
    "grain",
    "country",
    "own",
    "minimum",
    "q1",
    "q3",
    "maximum",
    "counties",
    "source",
    "last_source",
)

# A county is a region with a two-digit official code ("01".."21", Helsinki's "90",
# the demo's "99"); municipalities have three digits, the country "SSS", units their
# own ids. Spelt with SUBSTR and BETWEEN so it reads the same on DuckDB and PostgreSQL.
_IS_COUNTY = (
    "(LENGTH(v.region_code) = 2"
    " AND SUBSTR(v.region_code, 1, 1) BETWEEN '0' AND '9'"
    " AND SUBSTR(v.region_code, 2, 1) BETWEEN '0' AND '9')"
)
_COUNTY_VALUE = f"CASE WHEN {_IS_COUNTY} THEN v.value END"

# Per stored period (its own start and grain, whatever the chart's grain): the
# country's value, the county's own value, and over the counties with a value the
# least, the quartiles, the greatest and how many. percentile_cont interpolates
# linearly between the two nearest ranks (the same definition in PostgreSQL and
# DuckDB) and, like the other aggregates, skips NULL (a suppressed or missing value).
# The sources: the least and the greatest of the rows' source texts (one import gives
# one text; two differ when the period's rows came from different sources).
_PEERS_SQL = """
SELECT v.period_start AS period,
       v.period_grain AS grain,
       MAX(CASE WHEN v.region_code = :country THEN v.value END) AS country,
       MAX(CASE WHEN v.region_code = :own_region THEN v.value END) AS own,
       MIN({county_value}) AS minimum,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY {county_value}) AS q1,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY {county_value}) AS q3,
       MAX({county_value}) AS maximum,
       COUNT({county_value}) AS counties,
       MIN(v.source) AS source,
       MAX(v.source) AS last_source
FROM indicator_values v
WHERE v.indicator_id = :indicator_id
  AND v.published
  AND (v.region_code = :country OR {is_county})
{filters}
GROUP BY v.period_start, v.period_grain
ORDER BY v.period_start, v.period_grain
""".replace("{county_value}", _COUNTY_VALUE).replace("{is_county}", _IS_COUNTY)


def window(filters: Filters) -> Filters:
    """The part of ``filters`` the peer query depends on (the months), so every grain,
    unit and service selection of one window shares one cache key."""
    return replace(filters, grain="month", units=(), services=(), node="")


@cache.memoize()
def peer_values(filters: Filters, indicator_id: str, own_region: str) -> pd.DataFrame:
    """The peer context of ``indicator_id`` inside the months of ``filters``: one row
    per stored period (``period``: its first day as Timestamp, ``grain``: month,
    quarter or year) that lies whole inside the months, in period order.

    Columns (``PEER_COLUMNS``): ``country`` (the whole country's value, NaN when not
    stored), ``own`` (the value stored for ``own_region``, the county's own code,
    NaN when not stored), ``minimum``, ``q1``, ``q3``, ``maximum`` (over the counties
    with a value: least, first and third quartile by ``percentile_cont``'s linear
    interpolation, greatest; NaN when no county has one), ``counties`` (how many
    counties have a value, int), ``source`` and ``last_source`` (the least and the
    greatest of the rows' stored source texts: the same when one source gave them). Values are in
    the indicator's unit, exact (published statistics). A period with neither a
    country nor a county value is left out. The unit and service filters and the
    grain do not apply: these are figures of whole regions.
    """
    filters = window(filters)
    stmt, params = COUNTY_VALUES.statement(
        _PEERS_SQL,
        filters,
        params={"indicator_id": indicator_id, "country": COUNTRY_CODE, "own_region": own_region},
    )
    rows = fetch_frame(stmt, params)
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(rows["period"]),
            "grain": rows["grain"].astype(str),
            **{
                column: pd.to_numeric(rows[column], errors="coerce").astype(float)
                for column in ("country", "own", "minimum", "q1", "q3", "maximum")
            },
            "counties": rows["counties"].fillna(0).astype(int),
            "source": rows["source"].astype(str),
            "last_source": rows["last_source"].astype(str),
        }
    )
    if frame.empty:
        return frame.reindex(columns=PEER_COLUMNS)
    # A stored period counts only when it ends inside the months (a year needs its
    # December): the band never claims a year the chosen months cut. (An open end: up
    # to the latest data, which the chart itself cuts to its shown periods.)
    whole = pd.Series(True, index=frame.index)
    if filters.end is not None:
        last_day = pd.Timestamp(filters.end_date_exclusive) - pd.Timedelta(days=1)
        whole = pd.Series(
            [
                period_end(period, grain) <= last_day
                for period, grain in zip(frame["period"], frame["grain"], strict=True)
            ],
            index=frame.index,
        )
    frame = frame[whole & (frame["country"].notna() | (frame["counties"] > 0))]
    return frame.reindex(columns=PEER_COLUMNS).reset_index(drop=True)


def peer_credit(peers: pd.DataFrame) -> str:
    """What the peer context credits as its source: ``SOTKANET_CREDIT`` ("THL /
    Sotkanet, CC BY 4.0", the credit THL's terms ask for) when every row's source
    starts with it, otherwise the rows' stored source texts (``source`` and
    ``last_source``), each once, in order
    (Sotkanet rows among them credited as Sotkanet); "" without rows."""
    stored = [*peers["source"].astype(str)]
    if "last_source" in peers:
        stored += [*peers["last_source"].astype(str)]
    sources = [
        SOTKANET_CREDIT if source.startswith(SOTKANET_CREDIT) else source
        for source in dict.fromkeys(stored)
    ]
    return "; ".join(dict.fromkeys(sources))


# The value columns of ``peer_values``.
VALUE_COLUMNS = ("country", "own", "minimum", "q1", "q3", "maximum")


def stated_peers(peers: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """``peers`` with its value columns as the chart states its own values: rounded
    half away from zero to ``decimals`` places (``queries.results.as_stated``; an
    interpolated quartile such as 56.25 is 56.3 at one decimal). For the files and
    the data API, which carry the numbers the figure and its sentence state."""
    out = peers.copy()
    for column in VALUE_COLUMNS:
        stated = as_stated(
            pd.DataFrame({"value": out[column], "numerator": np.nan, "denominator": np.nan}),
            decimals,
        )
        out[column] = stated["value"]
    return out
