"""Chart catalog entries of ``/hoitoonpaasy``. Investment 1: access, queues, backlog."""

from __future__ import annotations

from functools import partial

from charts.catalog import ChartSpec, register
from queries.access import access_within_days

register(
    ChartSpec(
        id="hoitotakuu-7vrk",
        area="hoitoonpaasy",
        unit="percent",
        load=partial(access_within_days, days=7),
        series=("within_days",),
        target_indicator="hoitotakuu-7vrk",
    )
)
