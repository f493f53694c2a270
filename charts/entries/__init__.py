"""Catalog entries, one module per investment area. Importing this package registers
them all (``charts.catalog`` does so at its end), in the areas' order, which is the
order of ``/api/charts``."""

import importlib

from charts.areas import INVESTMENT_AREAS

for _area in INVESTMENT_AREAS:
    importlib.import_module(f"charts.entries.{_area.slug}")
