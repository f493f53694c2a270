"""The one translation layer: every user-facing string goes through ``t()``.

A language's catalog is the union of the flat JSON files in ``translations/<lang>/``
(``common.json`` for the shell, one ``charts-<area>.json`` per area; flat JSON, which
translation tools such as Weblate open). Finnish is the reference; the Swedish and
English catalogs mirror it file by file and key by key, with the same placeholders
(``tests/test_translations.py``). A page's language is its ``lang`` URL parameter
(``SUPPORTED_LANGUAGES``; the default, ``TK_LANGUAGE``, is left out of addresses); the
header's language switch links to the same address in another language. A key in two
files is an error.
Values use ``str.format`` placeholders. Numbers are formatted here too, because the
decimal and thousands separators are part of the language.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_LANGUAGE = "fi"
SUPPORTED_LANGUAGES = ("fi", "sv", "en")
_CATALOG_DIR = Path(__file__).resolve().parent

# Finnish: decimal comma, non-breaking space between thousands (so numbers never wrap).
_SEPARATORS = {"fi": (",", "\u00a0")}


@cache
def catalog(lang: str) -> dict[str, str]:
    """The message catalog of ``lang`` as a flat ``{key: template}`` dict."""
    merged: dict[str, str] = {}
    for path in sorted((_CATALOG_DIR / lang).glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            part = json.load(fh)
        clash = merged.keys() & part.keys()
        if clash:
            raise ValueError(f"{path.name} repeats keys {sorted(clash)}")
        merged.update(part)
    return merged


def normalise_language(lang: str | None) -> str:
    """A supported language code; anything else falls back to Finnish."""
    return lang if lang in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The text for ``key`` in ``lang`` (Finnish by default), with ``params`` filled in.

    A key missing from a catalog falls back to Finnish, then to the key itself, so a
    missing translation shows up as a visible key rather than an error page.
    """
    lang = normalise_language(lang)
    template = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    return template.format(**params) if params else template


# How much of a refused value a message repeats, and the quotes around it.
QUOTED_MAX = 40


def quote_value(value: object) -> str:
    """A value from a request as a message may repeat it: in Finnish quotes, at most
    ``QUOTED_MAX`` characters (then "…"), characters that cannot be shown (controls,
    line breaks) as U+FFFD. HTML is escaped where the text is rendered (Dash escapes
    text; JSON is not HTML), so nothing else is needed here."""
    text = str(value)
    cut = len(text) > QUOTED_MAX
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text[:QUOTED_MAX])
    return "\u201d" + text + ("…" if cut else "") + "\u201d"


class Notice(str):
    """A notice about a refused value: the translation key (the ``str`` value itself,
    so ``"notice.bad_from" in notices`` holds) and the values the message names
    (``params``: already quoted with ``quote_value`` where they come from a request).
    Render it with ``notice_text``."""

    params: dict[str, object]

    def __new__(cls, key: str, **params: object) -> Notice:
        notice = super().__new__(cls, key)
        notice.params = params
        return notice

    def __reduce__(self):
        return (_notice, (str(self), self.params))


def _notice(key: str, params: dict[str, object]) -> Notice:
    return Notice(key, **params)


def refused(key: str, value: object) -> Notice:
    """A notice ``key`` naming the refused ``value`` (quoted: ``quote_value``)."""
    return Notice(key, value=quote_value(value))


def merge_notices(notices) -> tuple[Notice, ...]:
    """Notices with one entry per key, in first-seen order: the values of a key's
    notices joined ("”a”, ”b”"; at most five, then "…"), other params from the first."""
    order: dict[str, Notice] = {}
    values: dict[str, list[str]] = {}
    for notice in notices:
        params = getattr(notice, "params", {})
        key = str(notice)
        order.setdefault(key, notice)
        if "value" in params and params["value"] not in values.setdefault(key, []):
            values[key].append(params["value"])
    merged = []
    for key, first in order.items():
        params = dict(getattr(first, "params", {}))
        if values.get(key):
            shown = values[key][:5]
            params["value"] = ", ".join(shown) + (", …" if len(values[key]) > 5 else "")
        merged.append(Notice(key, **params))
    return tuple(merged)


def notice_text(notice: str, lang: str | None = None) -> str:
    """The message of a notice (a ``Notice`` or a bare key) in ``lang``. A param given
    as a tuple of ``(translation key, code)`` pairs reads "Label (code), ..." (the
    allowed values of a URL parameter: what they mean, and what to write)."""
    params = {
        name: ", ".join(f"{t(key, lang)} ({code})" for key, code in value)
        if isinstance(value, tuple)
        else value
        for name, value in getattr(notice, "params", {}).items()
    }
    return t(str(notice), lang, **params)


def plotly_separators(lang: str | None = None) -> str:
    """Plotly's ``layout.separators`` string: decimal mark then thousands mark."""
    decimal, thousands = _SEPARATORS.get(normalise_language(lang), (",", "\u00a0"))
    return decimal + thousands


def format_number(value: float | int | None, decimals: int = 0, lang: str | None = None) -> str:
    """``value`` with the language's separators, e.g. 12345.6 -> ``"12 345,6"`` in Finnish.

    ``None`` and NaN come back as ``""``; callers decide how to show a missing value.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    decimal, thousands = _SEPARATORS.get(normalise_language(lang), (",", "\u00a0"))
    text = f"{value:,.{decimals}f}"
    # Python's output uses "," for thousands and "." for decimals; swap through a placeholder.
    text = text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
    # A proper minus sign reads better and is what Finnish typography uses.
    return text.replace("-", "\u2212")


def format_date(day: date, lang: str | None = None) -> str:
    """A date as written in ``lang``: ``24.11.2026`` in Finnish."""
    return f"{day.day}.{day.month}.{day.year}"


# The counties' own clock: times kept in UTC are shown in Finnish time (EET/EEST).
LOCAL_TIME_ZONE = ZoneInfo("Europe/Helsinki")


def format_time(when: datetime, lang: str | None = None) -> str:
    """A moment (an aware ``datetime``, e.g. a change kept in UTC) in Finnish time as
    written in ``lang``: ``30.11.2026 klo 12.15``."""
    local = when.astimezone(LOCAL_TIME_ZONE)
    return t("time.at", lang, date=format_date(local.date(), lang), time=f"{local:%H.%M}")
