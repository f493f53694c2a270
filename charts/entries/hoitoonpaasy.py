"""Chart catalog entries of ``/hoitoonpaasy``. Investment 1: access, queues, backlog."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures.deadlines import deadline_share_figure
from charts.figures.stacked import stacked_total_figure
from charts.spec import ChartSpec, register
from queries.access import (
    BUCKET_KEYS,
    PRIMARY_CARE_DEADLINE,
    access_within_days,
    access_within_legal_deadline,
    service_need_assessments_within_90_days,
    waiting_time_distribution,
)
from queries.filters import SERVICES, Filters
from queries.indicator_values import reported_mean, reported_share
from queries.queues import (
    ORAL_HEALTH_DEADLINE,
    SERVICE_DEADLINES,
    oral_health_waiting_days,
    queue_snapshots,
)
from queries.reference import county_code
from queries.referrals import specialised_referrals_by_specialty
from translations import t

# Units compared in the "by unit" view of the queue charts: every unit type that runs
# a queue (health stations run the primary-care reception queue).
QUEUE_UNIT_TYPES = (
    "health_station",
    "oral_health",
    "mental_health",
    "substance_abuse",
    "family_centre",
)


def _mental_health_access(filters: Filters) -> pd.DataFrame:
    # New non-urgent clients (people) in care within the care guarantee / all of them.
    return reported_share(filters, "mielenterveyspalvelujen-saatavuus", county_code())


def _substance_abuse_access(filters: Filters) -> pd.DataFrame:
    # As the mental-health share, for substance abuse services.
    return reported_share(filters, "paihdepalvelujen-saatavuus", county_code())


def _reception_days(filters: Filters) -> pd.DataFrame:
    # Days to the third available appointment (T3): a level, not a count of people, so
    # a coarser period is the mean of its months, never their sum.
    return reported_mean(filters, "tk-vastaanotto-saatavuus", county_code(), series="days")


register(
    ChartSpec(
        id="hoitotakuu-7vrk",
        area="hoitoonpaasy",
        unit="percent",
        load=partial(access_within_days, days=7),
        series=("within_days",),
        target_indicator="hoitotakuu-7vrk",
        national=True,
    )
)

register(
    ChartSpec(
        id="hoitotakuu-lakisaateinen",
        area="hoitoonpaasy",
        unit="percent",
        load=partial(access_within_legal_deadline, deadline_indicator=PRIMARY_CARE_DEADLINE),
        series=("within_deadline",),
        # Judged against the law: every visit within the deadline in force (targets.csv,
        # kind legal_requirement), not a programme target.
        target_indicator="hoitotakuu-lakisaateinen",
        deadline_indicator=PRIMARY_CARE_DEADLINE,
        figure=deadline_share_figure,
    )
)

register(
    ChartSpec(
        id="odotusaikajakauma",
        area="hoitoonpaasy",
        unit="percent",
        kind="stacked",
        load=waiting_time_distribution,
        series=BUCKET_KEYS,
    )
)


def queue_deadline_texts(lang: str) -> dict[str, str]:
    """Which queues the queue chart judges by which legal deadline, as its definition
    names them (``queries.queues.SERVICE_DEADLINES``, in the service filter's order):
    ``{"oral_services": "suun terveydenhuolto", "primary_services": "..."}``."""

    def names(oral: bool) -> str:
        return ", ".join(
            t(f"service.{service}", lang).lower()
            for service in SERVICES
            if (SERVICE_DEADLINES.get(service) == ORAL_HEALTH_DEADLINE) == oral
        )

    return {"oral_services": names(True), "primary_services": names(False)}


register(
    ChartSpec(
        id="jonot",
        area="hoitoonpaasy",
        unit="count",
        kind="bar",
        load=queue_snapshots,
        series=("queue", "backlog"),
        higher_is_better=False,
        service_filter=True,
        unit_types=QUEUE_UNIT_TYPES,
        decimals=0,
        text_params=queue_deadline_texts,
    )
)

register(
    ChartSpec(
        id="suun-terveydenhuolto-odotus",
        area="hoitoonpaasy",
        unit="days",
        load=oral_health_waiting_days,
        series=("median", "p90"),
        target_indicator="suun-terveydenhuolto-odotus",
        higher_is_better=False,
        unit_types=("oral_health",),
    )
)

register(
    ChartSpec(
        id="palvelutarpeen-arviointi-90pv",
        area="hoitoonpaasy",
        unit="percent",
        load=service_need_assessments_within_90_days,
        series=("share",),
        target_indicator="palvelutarpeen-arviointi-90pv",
        unit_filter=False,
    )
)

register(
    ChartSpec(
        id="erikoissairaanhoidon-lahetteet",
        area="hoitoonpaasy",
        unit="count",
        kind="stacked",
        load=specialised_referrals_by_specialty,
        series=("total",),
        decimals=0,
        figure=stacked_total_figure,
    )
)

register(
    ChartSpec(
        id="tk-vastaanotto-saatavuus",
        area="hoitoonpaasy",
        unit="days",
        load=_reception_days,
        series=("days",),
        target_indicator="tk-vastaanotto-saatavuus",
        higher_is_better=False,
        unit_filter=False,
        counts_people=False,  # days, not people: published as reported
    )
)

register(
    ChartSpec(
        id="mielenterveyspalvelujen-saatavuus",
        area="hoitoonpaasy",
        unit="percent",
        load=_mental_health_access,
        series=("share",),
        target_indicator="mielenterveyspalvelujen-saatavuus",
        unit_filter=False,
    )
)

register(
    ChartSpec(
        id="paihdepalvelujen-saatavuus",
        area="hoitoonpaasy",
        unit="percent",
        load=_substance_abuse_access,
        series=("share",),
        target_indicator="paihdepalvelujen-saatavuus",
        unit_filter=False,
    )
)
