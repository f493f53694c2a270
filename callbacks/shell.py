"""Callbacks of the app shell (the parts around every page)."""

from __future__ import annotations

import logging

from dash import Input, Output, callback, html
from sqlalchemy.exc import SQLAlchemyError

from queries.reference import is_synthetic
from settings import get_settings
from translations import t

log = logging.getLogger(__name__)


@callback(Output("data-notice", "children"), Input("url", "pathname"))
def data_notice(_pathname: str | None) -> list:
    """The banner that says the data is synthetic demo data (empty for real data)."""
    lang = get_settings().language
    try:
        synthetic = is_synthetic()
    except (SQLAlchemyError, OSError):
        log.warning("reporting DB not reachable for the data notice")
        return []
    if not synthetic:
        return []
    return [html.Div(t("shell.synthetic_banner", lang), className="synthetic-banner", role="note")]
