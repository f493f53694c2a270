"""Chart catalog entries of ``/ennaltaehkaisy``. Investment 2: prevention."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures.stacked import breakdown_figure
from charts.figures.yearly import yearly_figure, yearly_panels_figure
from charts.spec import ChartSpec, register
from queries.filters import Filters
from queries.indicator_values import reported_count, reported_share
from queries.reference import county_code
from queries.referrals import OTHER_UNITS, referral_counts, referral_counts_by_unit


def _wellbeing_referrals(filters: Filters) -> pd.DataFrame:
    """Totals (``referrals``, ``referrers``) and the referrals by referring unit."""
    return pd.concat(
        [
            referral_counts(filters, "wellbeing"),
            referral_counts_by_unit(filters, "wellbeing"),
        ],
        ignore_index=True,
    )


def _groups(filters: Filters) -> pd.DataFrame:
    """Groups (``value``: not people, left exact by the chart's ``exact_series``) and
    participants (``numerator``: people, protected), county totals, exact."""
    region = county_code()
    indicator = "matalan-kynnyksen-ryhmat"
    return pd.concat(
        [
            reported_count(filters, indicator, region, column="value", series="groups"),
            reported_count(filters, indicator, region, column="numerator", series="participants"),
        ],
        ignore_index=True,
    )


def _clinic_check_ups(filters: Filters) -> pd.DataFrame:
    # Children (people) who had the doctor's check-up / children who reached its age.
    return reported_share(filters, "neuvola-laakarikaynnit-18kk-4v", county_code())


def _lene_on_time(filters: Filters) -> pd.DataFrame:
    # Children (people) assessed on time / children whose deadline ended.
    return reported_share(filters, "lene-maaraajassa", county_code())


def _supported_unemployed(filters: Filters) -> pd.DataFrame:
    # Clients (people) a year: rounded once published.
    return reported_count(filters, "tyottomien-tuki-asiakkaat", county_code(), series="clients")


register(
    ChartSpec(
        id="hyvinvointilahetteet",
        area="ennaltaehkaisy",
        unit="count",
        # The headline is the total (so the SPC view applies); the builder stacks the units.
        kind="bar",
        load=_wellbeing_referrals,
        series=("referrals", "referrers", OTHER_UNITS),
        decimals=0,
        figure=partial(breakdown_figure, lines=("referrals", "referrers"), last=(OTHER_UNITS,)),
    )
)

register(
    ChartSpec(
        id="liikuntalahetteet",
        area="ennaltaehkaisy",
        unit="count",
        kind="bar",
        load=partial(referral_counts, referral_type="exercise"),
        series=("referrals", "referrers"),
        decimals=0,
    )
)

register(
    ChartSpec(
        id="matalan-kynnyksen-ryhmat",
        min_grain="year",
        area="ennaltaehkaisy",
        unit="count",
        kind="bar",
        load=_groups,
        series=("groups", "participants"),
        target_indicator="matalan-kynnyksen-ryhmat",
        unit_filter=False,
        exact_series=("groups",),  # groups are not people
        decimals=0,
        figure=partial(yearly_panels_figure, lower="participants"),
    )
)

register(
    ChartSpec(
        id="neuvola-laakarikaynnit-18kk-4v",
        min_grain="quarter",
        area="ennaltaehkaisy",
        unit="percent",
        load=_clinic_check_ups,
        series=("share",),
        target_indicator="neuvola-laakarikaynnit-18kk-4v",
        unit_filter=False,
    )
)

register(
    ChartSpec(
        id="lene-maaraajassa",
        min_grain="quarter",
        area="ennaltaehkaisy",
        unit="percent",
        load=_lene_on_time,
        series=("share",),
        target_indicator="lene-maaraajassa",
        unit_filter=False,
    )
)

register(
    ChartSpec(
        id="tyottomien-tuki-asiakkaat",
        min_grain="year",
        area="ennaltaehkaisy",
        unit="count",
        kind="bar",
        load=_supported_unemployed,
        series=("clients",),
        target_indicator="tyottomien-tuki-asiakkaat",
        unit_filter=False,
        decimals=0,
        figure=yearly_figure,
    )
)
