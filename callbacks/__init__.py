"""Dash callbacks. Importing this package registers them (``dash.callback``)."""

from callbacks import chart_cards, filters, kpi_cards, shell  # noqa: F401
