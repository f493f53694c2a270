"""Catalog entries, one module per investment area. Importing this package registers
them all (``charts.catalog`` does so at its end)."""

from charts.entries import digipalvelut, ennaltaehkaisy, hoitoonpaasy, tietopohja  # noqa: F401
