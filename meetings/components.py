"""Small Dash components the meeting pages share: the read-only notice and the alert
for a refused save."""

from __future__ import annotations

from collections.abc import Mapping

from dash import html

from charts.cards.chart import alert
from identity import current_author
from meetings.messages import error_text, read_only_text
from meetings.store import Conflict
from translations import t


def can_write() -> bool:
    """Whether the current request may write: an identity that is an editor
    (``identity.current_author``)."""
    return current_author() is not None


def read_only_notice(lang: str) -> list:
    """The notice shown on meeting pages to whoever may not write (empty for an
    editor): without an identity it asks to sign in; a signed-in reader (not in an
    editor group) is told that writing needs an editor's rights."""
    if can_write():
        return []
    return [alert(read_only_text(lang), "info", "read-only-notice")]


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
