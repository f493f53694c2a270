"""Chart catalog entries of ``/digipalvelut``. Investment 4: digital services."""

from __future__ import annotations

import pandas as pd

from charts.figures.yearly import yearly_figure
from charts.spec import ChartSpec, register
from queries.digital import electronic_booking_share, remote_share
from queries.filters import Filters
from queries.indicator_values import reported_count, reported_share
from queries.reference import county_code


def _electronic_forms(filters: Filters) -> pd.DataFrame:
    # Forms, not people: not suppressed (docs/privacy.md).
    return reported_share(filters, "sahkoiset-lomakkeet-osuus", county_code())


def _omaolo_services(filters: Filters) -> pd.DataFrame:
    # Services in use, not people: not suppressed.
    return reported_count(filters, "omaolo-palvelut", county_code(), series="services")


register(
    ChartSpec(
        id="digiasiointi-osuus",
        area="digipalvelut",
        unit="percent",
        load=remote_share,
        series=("remote", "realtime", "asynchronous"),
        target_indicator="digiasiointi-osuus",
        national=True,
    )
)

register(
    ChartSpec(
        id="sahkoiset-lomakkeet-osuus",
        area="digipalvelut",
        unit="percent",
        load=_electronic_forms,
        series=("share",),
        target_indicator="sahkoiset-lomakkeet-osuus",
        unit_filter=False,
        counts_people=False,
    )
)

register(
    ChartSpec(
        id="sahkoinen-ajanvaraus-osuus",
        area="digipalvelut",
        unit="percent",
        load=electronic_booking_share,
        series=("electronic",),
    )
)

register(
    ChartSpec(
        id="omaolo-palvelut",
        min_grain="year",
        area="digipalvelut",
        unit="count",
        kind="bar",
        load=_omaolo_services,
        series=("services",),
        target_indicator="omaolo-palvelut",
        unit_filter=False,
        counts_people=False,
        decimals=0,
        figure=yearly_figure,
    )
)
