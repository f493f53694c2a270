"""Dash callbacks. Importing this package registers them (``dash.callback``)."""

from callbacks import (  # noqa: F401
    address,
    chart_cards,
    exports_pptx,
    filters,
    kpi_cards,
    meeting_records,
    shell,
)
