"""Reference data from the reporting DB: load metadata, targets, units and events.

Each function returns a small frame or mapping, memoized in the shared cache (the load
metadata: per process, see ``reporting_meta``); see the docstrings for columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from queries.cache import cache
from queries.data_version import load_meta
from queries.engine import fetch_frame
from queries.sql import statement


def reporting_meta() -> Mapping[str, str]:
    """Facts about the load as a read-only ``{key: value}``: ``data_as_of`` (ISO date),
    ``synthetic`` (``"true"``/``"false"``), county names (``county_name_fi``, ...).
    Remembered per process with the data version (``queries.data_version.load_meta``),
    not in the shared cache: pages ask for it many times per view."""
    return load_meta()


def data_as_of() -> date | None:
    """The last date the reporting data covers, or None when the load does not say."""
    raw = reporting_meta().get("data_as_of")
    return date.fromisoformat(raw) if raw else None


def data_from() -> date | None:
    """The first date the reporting data covers (``reporting_meta.data_from``), or None."""
    raw = reporting_meta().get("data_from")
    return date.fromisoformat(raw) if raw else None


def data_window() -> tuple[date | None, date]:
    """The data's first day (``data_from``; None when the load does not say) and last
    day (``data_as_of``; today when the load does not say, since no later day can be
    in the data)."""
    return data_from(), data_as_of() or date.today()


def is_synthetic() -> bool:
    """True when the reporting DB holds the generated demo data."""
    return reporting_meta().get("synthetic", "false").lower() == "true"


@cache.memoize()
def targets_for(indicator_id: str) -> pd.DataFrame:
    """Targets or legal deadlines of one indicator, ordered by start date.

    Columns: ``kind``, ``valid_from`` and ``valid_to`` (Timestamp; NaT = open-ended),
    ``age_min``, ``age_max`` (years), ``value`` (indicator unit), ``comparison``
    (``>=``, ``>``, ``<=``, ``<``), ``source`` (text).
    """
    frame = fetch_frame(
        statement(
            "SELECT kind, valid_from, valid_to, age_min, age_max, value, comparison, source"
            " FROM targets WHERE indicator_id = :indicator_id"
            " ORDER BY valid_from, age_min"
        ),
        {"indicator_id": indicator_id},
    )
    frame["valid_from"] = pd.to_datetime(frame["valid_from"])
    frame["valid_to"] = pd.to_datetime(frame["valid_to"])
    frame["value"] = frame["value"].astype(float)
    return frame


@cache.memoize()
def units() -> pd.DataFrame:
    """All units. Columns: ``unit_id``, ``name_fi``, ``name_sv``, ``unit_type``,
    ``service_area``, ``municipality_code``, ``municipality_fi``, ``municipality_sv``;
    ordered by area and name."""
    return fetch_frame(
        statement(
            "SELECT unit_id, name_fi, name_sv, unit_type, service_area,"
            " municipality_code, municipality_fi, municipality_sv FROM units"
            " ORDER BY service_area, municipality_fi, name_fi"
        ),
        {},
    )


def county_code() -> str:
    """Code of the county the reporting DB describes (``reporting_meta.county_code``,
    else the county code of the units)."""
    code = reporting_meta().get("county_code")
    if code:
        return code
    frame = units_county_codes()
    return str(frame["county_code"].iloc[0]) if not frame.empty else ""


@cache.memoize()
def units_county_codes() -> pd.DataFrame:
    """Distinct county codes of the units, most units first. Column: ``county_code``."""
    return fetch_frame(
        statement(
            "SELECT county_code, COUNT(*) AS n FROM units GROUP BY county_code ORDER BY n DESC"
        ),
        {},
    )


@cache.memoize()
def events_for(area: str) -> pd.DataFrame:
    """Interventions of one investment area, ordered by date.

    Columns: ``event_date`` (Timestamp), ``chart_id`` (str, or None for every chart
    of the area), ``label_fi``, ``label_sv``, ``label_en`` (str).
    """
    frame = fetch_frame(
        statement(
            "SELECT event_date, chart_id, label_fi, label_sv, label_en FROM events"
            " WHERE area = :area ORDER BY event_date, event_id"
        ),
        {"area": area},
    )
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    return frame
