"""The chart catalog: every registered chart by its stable id (``CHARTS``), with the
entries of all investment areas loaded.

Import ``CHARTS`` (and ``ChartSpec``) from here: importing this module registers every
entry (charts/entries/, one module per area, in the areas' order, which is the order
of ``/api/charts``). A chart is declared with ``charts.spec.ChartSpec`` and
``charts.spec.register``, which checks it as one unit.
"""

from __future__ import annotations

import difflib

from charts.spec import CHARTS, ChartSpec, register

# Registered in the areas' order (charts.areas.INVESTMENT_AREAS; tests/test_catalog.py
# checks it), so not sorted.
# isort: off
from charts.entries import hoitoonpaasy  # noqa: F401
from charts.entries import ennaltaehkaisy  # noqa: F401
from charts.entries import tietopohja  # noqa: F401
from charts.entries import digipalvelut  # noqa: F401
# isort: on

__all__ = ["CHARTS", "ChartSpec", "charts_in_area", "close_chart_ids", "register"]


def charts_in_area(area: str) -> list[ChartSpec]:
    """The catalog entries of one area, in catalog order."""
    return [spec for spec in CHARTS.values() if spec.area == area]


# How alike an id must be to a chart id to be named as what may have been meant
# (difflib's ratio, 2 * matching characters / both lengths; its own default): a typo
# such as "hoitotakuu-7vr" is 0.97 like "hoitotakuu-7vrk", an unrelated "osuus" names
# nothing.
CLOSE_RATIO = 0.6
CLOSE_MAX = 3


def close_chart_ids(indicator_id: str) -> list[str]:
    """The chart ids most like ``indicator_id`` (at most ``CLOSE_MAX``, the likest
    first; ``difflib.get_close_matches`` at ``CLOSE_RATIO``): what an indicator id
    that is no chart id may have meant. Empty when none is close."""
    return difflib.get_close_matches(indicator_id, list(CHARTS), n=CLOSE_MAX, cutoff=CLOSE_RATIO)
