"""Chart catalog entries of ``/ennaltaehkaisy``. Investment 2: prevention."""

from __future__ import annotations

from functools import partial

from charts.catalog import ChartSpec, register
from queries.referrals import referral_counts

register(
    ChartSpec(
        id="hyvinvointilahetteet",
        area="ennaltaehkaisy",
        unit="count",
        kind="bar",
        load=partial(referral_counts, referral_type="wellbeing"),
        series=("referrals", "referrers"),
        decimals=0,
    )
)
