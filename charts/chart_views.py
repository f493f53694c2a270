"""The views of a chart card: its time series, the comparison of units and the SPC
(statistical process control) view. Which of them a chart offers follows from its
catalog entry alone, so the page address (``charts.address``), the cards and the
payload all ask this module and none of them the others."""

from __future__ import annotations

from charts.catalog import ChartSpec

VIEWS = ("series", "units", "spc")


def available_views(spec: ChartSpec) -> tuple[str, ...]:
    """The views a chart offers: its time series always; unit comparison when the unit
    filter applies to it; the SPC view unless it is a stacked distribution."""
    views = ["series"]
    if spec.unit_filter:
        views.append("units")
    if spec.kind != "stacked":
        views.append("spc")
    return tuple(views)
