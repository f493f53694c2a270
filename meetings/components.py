"""Small Dash components the meeting pages share: the read-only notice and the alert
for a refused save."""

from __future__ import annotations

from collections.abc import Mapping

from dash import html

from charts.card import alert
from meetings.identity import current_user
from meetings.messages import error_text
from meetings.store import Conflict
from translations import t


def can_write() -> bool:
    """Whether the current request has an identity (``meetings.identity``)."""
    return current_user() is not None


def read_only_notice(lang: str) -> list:
    """The notice shown on meeting pages to a reader without an identity (empty for a
    writer)."""
    if can_write():
        return []
    return [alert(t("meetings.error.read_only", lang), "info", "read-only-notice")]


def example_notice(series: Mapping | None, lang: str, class_name: str = "") -> list:
    """For a series made as an example (``is_example``: the demo's), a notice saying so
    on each of its pages; empty otherwise."""
    if not series or not series.get("is_example"):
        return []
    return [alert(t("meetings.example", lang), "info", f"example-notice {class_name}".strip())]


def error_alert(error: Exception, lang: str) -> html.Div:
    """A refused save as an announced alert in ``lang`` (``meetings.messages``)."""
    color = "warning" if isinstance(error, Conflict) else "danger"
    return alert(error_text(error, lang), color, "save-refused")
