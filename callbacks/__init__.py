"""Dash callbacks. Importing this package declares them (``callbacks.registry``);
``init_callbacks`` registers them on an app."""

from dash import Dash

# Importing the modules declares their callbacks (callbacks.registry).
from callbacks import (  # noqa: F401
    address,
    chart_cards,
    exports_pptx,
    figure_import,
    filters,
    keyboard,
    kpi_cards,
    meeting_records,
    meetings_agenda,
    shell,
)
from callbacks.registry import register_all


def init_callbacks(app: Dash) -> int:
    """Register every callback the modules above declared on ``app`` (each app built
    in the process gets all of them); returns how many."""
    return register_all(app)
