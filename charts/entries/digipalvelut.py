"""Chart catalog entries of ``/digipalvelut``. Investment 4: digital services."""

from __future__ import annotations

from charts.catalog import ChartSpec, register
from queries.digital import remote_share

register(
    ChartSpec(
        id="digiasiointi-osuus",
        area="digipalvelut",
        unit="percent",
        load=remote_share,
        series=("remote", "realtime", "asynchronous"),
        target_indicator="digiasiointi-osuus",
    )
)
