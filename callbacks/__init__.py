"""Dash callbacks. Importing this package registers them (``dash.callback``)."""

from callbacks import address, chart_cards, exports_pptx, filters, kpi_cards, shell  # noqa: F401
