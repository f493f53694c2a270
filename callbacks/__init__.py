"""Dash callbacks. Importing this package registers them (``dash.callback``)."""

from callbacks import (  # noqa: F401
    address,
    chart_cards,
    exports_pptx,
    filters,
    keyboard,
    kpi_cards,
    meeting_records,
    meetings_agenda,
    shell,
)
