"""Dash callbacks. Importing this package declares them (``callbacks.registry``);
``init_callbacks`` registers them on an app."""

from dash import Dash

from callbacks import (
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
from callbacks.registry import register_all

MODULES = (
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


def init_callbacks(app: Dash) -> int:
    """Register every callback of the modules in ``MODULES`` on ``app`` (each app
    built in the process gets all of them); returns how many."""
    return register_all(app)
