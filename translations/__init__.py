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

import copy
import json
import math
from datetime import date, datetime, time
from decimal import Decimal, localcontext
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers

DEFAULT_LANGUAGE = "fi"
SUPPORTED_LANGUAGES = ("fi", "sv", "en")
_CATALOG_DIR = Path(__file__).resolve().parent


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
    """Plotly's ``layout.separators`` string: the language's decimal mark then its
    thousands mark, from CLDR (``",\u00a0"`` in Finnish and Swedish, ``".,"`` in English)."""
    locale = babel_locale(lang)
    return numbers.get_decimal_symbol(locale) + numbers.get_group_symbol(locale)


def format_number(value: float | int | None, decimals: int = 0, lang: str | None = None) -> str:
    """``value`` with ``decimals`` decimals as written in ``lang`` (CLDR through Babel):
    12345.6 -> ``"12 345,6"`` in Finnish and Swedish (no-break space between thousands,
    so a number never wraps; U+2212 minus sign), ``"12,345.6"`` in English.

    The rounding is Python's, as it always was (``f"{value:.2f}"``: round-half-even on
    the float's binary value, so 0.125 -> 0.12 and 2.675 -> 2.67); Babel only writes
    the already rounded digits with the language's signs, and cannot round again
    (the digits it gets are exactly as many as it writes). ``None`` and NaN come back
    as ``""``; callers decide how to show a missing value.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    rounded = Decimal(f"{value:.{decimals}f}")
    locale = babel_locale(lang)
    # Enough precision for every digit of the rounded value (Babel normalises it in the
    # current decimal context, 28 digits by default).
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, len(rounded.as_tuple().digits) + 2)
        text = _number_pattern(_lang(lang), decimals).apply(rounded, locale)
    # Babel writes the pattern's ASCII hyphen; CLDR's minus sign for the language
    # (U+2212 in Finnish and Swedish) goes in its place.
    minus = numbers.get_minus_sign_symbol(locale)
    return minus + text[1:] if text.startswith("-") else text


def format_date(day: date, lang: str | None = None) -> str:
    """A date as written in ``lang`` (CLDR through Babel, ``DATE_FORMATS``):
    ``3.11.2026`` in Finnish and Finland-Swedish, ``3 Nov 2026`` in English."""
    return dates.format_date(day, DATE_FORMATS[_lang(lang)], locale=babel_locale(lang))


# The counties' own clock: times kept in UTC are shown in Finnish time (EET/EEST).
LOCAL_TIME_ZONE = ZoneInfo("Europe/Helsinki")


def format_time(when: datetime, lang: str | None = None) -> str:
    """A moment (an aware ``datetime``, e.g. a change kept in UTC) in Finnish time as
    written in ``lang``: ``30.11.2026 klo 12.15`` (the words around the date and the
    time come from the catalog, ``time.at``; the time is CLDR's short time, ``H.mm`` in
    Finnish and Finland-Swedish, ``HH:mm`` in English)."""
    local = when.astimezone(LOCAL_TIME_ZONE)
    return t("time.at", lang, date=format_date(local.date(), lang), time=format_clock(local, lang))


def format_clock(moment: datetime | time, lang: str | None = None) -> str:
    """The wall-clock time of ``moment`` as written in ``lang``, hours and minutes
    (CLDR's short time: ``9.05`` in Finnish and Finland-Swedish, ``09:05`` in English).
    No time zone conversion: ``format_time`` converts a moment to Finnish time first."""
    clock = moment.time() if isinstance(moment, datetime) else moment
    return dates.format_time(clock.replace(tzinfo=None), "short", locale=babel_locale(lang))


# CLDR locales behind the languages: the Finnish and Swedish written in Finland
# (sv_FI writes dates 3.11.2026 and times 9.05 as Finland-Swedish style does; Sweden's
# sv_SE would write 2026-11-03 and 09:05), and British English (en_GB: 12,345.6 and
# day-month-year dates; en_US would put the month first).
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
# The CLDR date length per language: "short" is 3.11.2026 in fi and sv_FI; for English
# "medium" (3 Nov 2026) and not "short" (03/11/2026, which a reader used to US dates
# reads as March 11).
DATE_FORMATS = {"fi": "short", "sv": "short", "en": "medium"}


def _lang(lang: str | None) -> str:
    """``lang`` if Babel has a locale for it (a language not yet offered to users is
    still formatted as itself, e.g. in tests), else the default language."""
    return lang if lang in BABEL_LOCALES else DEFAULT_LANGUAGE


@cache
def _babel_locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[lang])


def babel_locale(lang: str | None = None) -> Locale:
    """Babel's CLDR locale for ``lang`` (``BABEL_LOCALES``)."""
    return _babel_locale(_lang(lang))


@cache
def _number_pattern(lang: str, decimals: int) -> numbers.NumberPattern:
    """The language's CLDR decimal pattern (its grouping) with exactly ``decimals``
    decimals."""
    pattern = copy.copy(_babel_locale(lang).decimal_formats[None])
    pattern.frac_prec = (decimals, decimals)
    return pattern


def plural_category(count: int, lang: str | None = None) -> str:
    """CLDR's plural category of ``count`` in ``lang``: ``"one"`` or ``"other"`` in
    Finnish, Swedish and English (other languages have "two", "few", "many" too)."""
    return babel_locale(lang).plural_form(count)


def t_plural(count: int, lang: str | None = None, /, **keys_and_params: object) -> str:
    """The text for ``count`` things: the key given for ``count``'s CLDR plural
    category (``plural_category``; ``other=`` is the fallback), with the other params.

    ``t_plural(3, lang, one="meetings.index.members_one",
    other="meetings.index.members_count", count=3)`` -> ``"3 jäsentä"``.
    """
    categories = ("zero", "one", "two", "few", "many", "other")
    keys = {name: keys_and_params.pop(name) for name in categories if name in keys_and_params}
    key = keys.get(plural_category(count, lang), keys["other"])
    return t(str(key), lang, **keys_and_params)
