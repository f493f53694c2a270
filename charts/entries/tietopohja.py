"""Chart catalog entries of ``/tietopohja``. Investment 3: knowledge base."""

from __future__ import annotations

import pandas as pd

from charts.spec import ChartSpec, register
from queries.filters import Filters
from queries.indicator_values import reported_share
from queries.recording import recording_quality
from queries.reference import county_code


def _monitoring_coverage(filters: Filters) -> pd.DataFrame:
    # Health stations, not people: no small-count suppression (docs/privacy.md).
    return reported_share(filters, "hoitotakuuseuranta-kattavuus", county_code())


register(
    ChartSpec(
        id="hoitotakuuseuranta-kattavuus",
        min_grain="quarter",
        area="tietopohja",
        unit="percent",
        load=_monitoring_coverage,
        series=("share",),
        target_indicator="hoitotakuuseuranta-kattavuus",
        unit_filter=False,
        counts_people=False,
        decimals=0,
    )
)

register(
    ChartSpec(
        id="kirjaamisen-laatu",
        area="tietopohja",
        unit="percent",
        load=recording_quality,
        series=("assessment_recorded", "valid_contact_type"),
    )
)
