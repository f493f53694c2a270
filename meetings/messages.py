"""The user's language for what ``meetings.store`` refuses: one place that turns its
exceptions into text (``translations.t``), used by the pages, callbacks and the API."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from identity import current_identity
from meetings.store import Conflict, InvalidInput, NotFound, ReadOnly, is_overdue
from translations import format_date, format_time, notice_text, t


def invalid_text(error: InvalidInput, lang: str) -> str:
    """The message of an ``InvalidInput``: field names translated, and for a refused
    agenda address each refused value named (``translations.notice_text``)."""
    params = dict(error.params)
    if "field" in params:
        params["field"] = t(str(params["field"]), lang)
    notices = params.pop("notices", ())
    text = t(error.key, lang, **params)
    if notices:
        text += " " + " ".join(notice_text(notice, lang) for notice in notices)
    return text


def conflict_text(error: Conflict, lang: str) -> str:
    """Who changed the row and when (the form then shows ``error.current``)."""
    current = error.current
    if current is None:
        return t("meetings.error.removed", lang)
    when = current["updated_at"]
    at = format_time(when, lang)
    return t("meetings.error.conflict", lang, author=current["updated_by"], at=at)


def overdue_text(action: Mapping, lang: str, today: date | None = None) -> str:
    """ "Myöhässä: määräpäivä 31.3.2026 on ohitettu." for an overdue action
    (``store.is_overdue``), else "": the one wording of every page and document."""
    if not is_overdue(action, today):
        return ""
    return t("meetings.overdue", lang, date=format_date(action["due_date"], lang))


def read_only_text(lang: str) -> str:
    """Why the current request may not write: without an identity, that writing needs
    a sign-in; a signed-in reader (not in ``TK_EDITOR_GROUPS``), that it needs an
    editor's rights (signing in again would not help)."""
    if current_identity() is None:
        return t("meetings.error.read_only", lang)
    return t("access.reader_only", lang)


def error_text(error: Exception, lang: str) -> str:
    """Any refusal of ``meetings.store`` as a sentence in ``lang``."""
    if isinstance(error, InvalidInput):
        return invalid_text(error, lang)
    if isinstance(error, Conflict):
        return conflict_text(error, lang)
    if isinstance(error, ReadOnly):
        return read_only_text(lang)
    if isinstance(error, NotFound):
        return t("meetings.error.not_found", lang)
    return t("meetings.error.database", lang)
