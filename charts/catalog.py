"""The chart catalog: every registered chart by its stable id (``CHARTS``), with the
entries of all investment areas loaded.

Import ``CHARTS`` (and ``ChartSpec``) from here: importing this module registers every
entry (charts/entries/, one module per area, in the areas' order, which is the order
of ``/api/charts``). A chart is declared with ``charts.spec.ChartSpec`` and
``charts.spec.register``, which checks it as one unit.
"""

from __future__ import annotations

from charts.spec import CHARTS, ChartSpec, register

# Registered in the areas' order (charts.areas.INVESTMENT_AREAS; tests/test_catalog.py
# checks it), so not sorted.
# isort: off
from charts.entries import hoitoonpaasy  # noqa: F401
from charts.entries import ennaltaehkaisy  # noqa: F401
from charts.entries import tietopohja  # noqa: F401
from charts.entries import digipalvelut  # noqa: F401
# isort: on

__all__ = ["CHARTS", "ChartSpec", "charts_in_area", "register"]


def charts_in_area(area: str) -> list[ChartSpec]:
    """The catalog entries of one area, in catalog order."""
    return [spec for spec in CHARTS.values() if spec.area == area]
