"""The shapes shared by the figure readers and the store.

Readers (``reporting.figures.layout``, ``reporting.figures.sotkanet``) turn a file into
``Figure`` rows or raise ``ImportRefused`` with every ``Problem`` they found; the store
(``reporting.figures.store``) writes rows or refuses them the same way. Nothing is
written when any problem is found. A problem's text is in the reader's language:
``Problem.text(lang)`` looks ``key`` up in the translation catalog
(``translations/<lang>/figures.json``) with ``line`` and ``params``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

GRAINS = ("month", "quarter", "year")
# The years a figure's period may be in (a typo such as 20244 or 24 is refused).
FIRST_YEAR, LAST_YEAR = 1900, 2099
# The credit THL's terms ask for, shown wherever figures from Sotkanet are shown; the
# Sotkanet importer starts every stored ``source`` with it.
SOTKANET_CREDIT = "THL / Sotkanet, CC BY 4.0"


@dataclass(frozen=True)
class Figure:
    """One stored figure: ``indicator_values``' columns, without the record key (the
    store draws it) and the import time (the store sets it).

    ``period_start`` is the first day of the month, quarter or year ``period_grain``
    names. ``value`` None means suppressed or missing at the source (THL's ``..``).
    ``numerator``/``denominator`` are counts in the indicator's unit or None.
    ``line`` is the 1-based line of the file the row came from (for messages; the
    header is line 1), None when the row has no line (JSON)."""

    indicator_id: str
    region_code: str
    period_start: date
    period_grain: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    source: str = ""
    retrieved_on: date | None = None
    # A published statistic (set by the Sotkanet reader only; the canonical layout
    # cannot claim it): served exactly and read by the peer context.
    published: bool = False
    line: int | None = None

    @property
    def key(self) -> tuple[str, str, date, str]:
        """What identifies a stored figure: a second row with the same key replaces it."""
        return (self.indicator_id, self.region_code, self.period_start, self.period_grain)


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: translation key ``figures.error.<name>`` with its
    parameters, at a 1-based ``line`` of the file (None: the file as a whole), or at
    the 1-based ``item`` of a JSON array (a file without lines: Sotkanet's JSON).
    ``plural`` names the parameter that counts something: its plural category in the
    reader's language picks ``<key>_one`` or ``<key>`` (``translations.t_plural``).
    ``decimals`` is how many decimals a float parameter is written with (a share the
    value should have been: as many as the file wrote the value with)."""

    key: str
    line: int | None = None
    params: Mapping[str, object] = field(default_factory=dict)
    item: int | None = None
    plural: str | None = None
    decimals: int = 2

    def text(self, lang: str) -> str:
        """The message in ``lang``, prefixed with the line ("Rivi 7: …") or the JSON
        item ("Kohde 7: …")."""
        from translations import format_number, t, t_plural

        # A float (a share the value should have been) is written as the reader's
        # language writes numbers, with the problem's decimals: "70,0" in Finnish,
        # "70.0" in English.
        params = {
            k: format_number(v, self.decimals, lang) if isinstance(v, float) else str(v)
            for k, v in self.params.items()
        }
        if self.plural is None:
            message = t(self.key, lang, **params)
        else:
            count = int(self.params[self.plural])
            message = t_plural(count, lang, one=self.key + "_one", other=self.key, **params)
        if self.line is not None:
            return t("figures.at_line", lang, line=self.line, message=message)
        if self.item is not None:
            return t("figures.at_item", lang, item=self.item, message=message)
        return message


def _order(problem: Problem) -> tuple:
    """Where a problem is listed: the file's own problems (no line) first, then by line
    or item, "… and N more" last."""
    closing = problem.key.endswith(".more_problems")  # both readers' "… and N more"
    return (closing, problem.line or problem.item or 0, problem.key)


class ImportRefused(Exception):
    """A file or its rows were refused; nothing was written. ``problems`` lists every
    problem found (in line or item order), ``texts(lang)`` their messages.

    ``figures`` are the rows a reader could read without a problem (empty when the
    store refuses, or when the file could not be read at all): the store checks them
    against the database too (``reporting.figures.store.refusal_with_stored_problems``),
    so one refusal lists the problems of both."""

    def __init__(self, problems: Sequence[Problem], figures: Sequence[Figure] = ()):
        self.problems = sorted(problems, key=_order)
        self.figures = list(figures)
        super().__init__("; ".join(p.key for p in self.problems))

    def texts(self, lang: str) -> list[str]:
        return [problem.text(lang) for problem in self.problems]
