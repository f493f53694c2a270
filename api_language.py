"""The language of a request to the JSON and file endpoints (``api``, ``meetings.api``):
its ``lang`` parameter, else the default language, with the notice a response carries
when an unknown code was asked for. Apart from both so neither imports the other."""

from __future__ import annotations

from flask import request

from charts.address import language_notice, page_language
from translations import SUPPORTED_LANGUAGES, notice_text


def request_language() -> tuple[str, list[str]]:
    """The language of an API request (``lang``, else the default) and the notices
    about it: an unknown code is answered in the default language, and the
    ``notices`` of the response say so (a list of plain-text sentences in that
    language). Needs a Flask request context."""
    raw = request.args.get("lang")
    lang = page_language(raw)
    if raw and raw not in SUPPORTED_LANGUAGES:
        return lang, [notice_text(language_notice(raw), lang)]
    return lang, []
