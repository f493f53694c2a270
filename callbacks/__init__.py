"""Dash callbacks. Importing this package registers them (``dash.callback``)."""

from callbacks import chart_cards, filters, shell  # noqa: F401
