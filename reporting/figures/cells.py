"""What both figure readers (``layout.py``, ``sotkanet.py``) ask of a single cell or line.

- ``number_text``: the form of a number written as text, ASCII digits only (``61,5``,
  ``1234.5``, ``-3``, ``1,5E3``), so that a CSV cell and an XLSX number cell agree on
  what is a number; ``number_problem`` then refuses one that is not finite or is larger
  than ``MAX_MAGNITUDE`` (a figure, count or rate of a county is far below it; a bigger
  one is a typo or a hostile file, and PostgreSQL and DuckDB would round it differently).
- ``invisible_character``: a control or format character (NUL, tab, a byte-order mark
  inside a field, U+202E right-to-left override, zero-width characters). Such a character
  cannot be seen in the preview, can make a stored text read otherwise than it is, and a
  NUL would make PostgreSQL refuse the whole write without a line number.
- ``csv_rows``: the rows of a ``;`` separated UTF-8 file, decoded as they are read (the
  file is never held as text beside its bytes), raising ``CsvUnreadable`` with the line
  of the row that cannot be read.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterator

# The largest magnitude a value, numerator or denominator may have.
MAX_MAGNITUDE = 1e12
# Unicode categories refused in text cells: control (Cc, tab included), format (Cf: BOM,
# bidirectional overrides, zero-width), surrogates (Cs), line and paragraph separators.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
NUMBER_TEXT = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?")


def magnitude_limit_text() -> str:
    """``MAX_MAGNITUDE`` as messages show it: ``1 000 000 000 000``."""
    return f"{int(MAX_MAGNITUDE):,}".replace(",", " ")


def number_from_text(text: str) -> float | None:
    """The number a text of ``NUMBER_TEXT``'s form holds (decimal comma or point; may
    be infinite when the exponent overflows); None when the text is not of that form."""
    if not NUMBER_TEXT.fullmatch(text):
        return None
    return float(text.replace(",", "."))


def number_problem(number: float) -> str | None:
    """Why a number cannot be stored: ``"not_a_number"`` (NaN), ``"number_too_large"``
    (infinite or beyond ``MAX_MAGNITUDE``); None when it can."""
    if math.isnan(number):
        return "not_a_number"
    if math.isinf(number) or abs(number) > MAX_MAGNITUDE:
        return "number_too_large"
    return None


def invisible_character(text: str) -> str | None:
    """The first control or format character of ``text`` as ``U+202E``; None if none."""
    for char in text:
        if unicodedata.category(char) in INVISIBLE_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


class CsvUnreadable(Exception):
    """A CSV file cannot be read on from ``line``: ``reason`` is ``"not_utf8"``,
    ``"line_too_long"`` (``params["limit"]``: the characters one field may have) or
    ``"bad_csv"``."""

    def __init__(self, reason: str, line: int, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.params = params


def csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line of the row's last line, cells) of a ``;`` separated UTF-8 file (a BOM is
    dropped). Raises ``CsvUnreadable`` at the first line that cannot be read: a byte
    that is not UTF-8 (its line), a field longer than ``csv.field_size_limit()`` or
    broken quoting (the first line of the row, where an unclosed quotation mark is)."""
    stream = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream, delimiter=";", quotechar='"')
    last = 0
    try:
        for cells in reader:
            last = reader.line_num
            yield last, cells
    except UnicodeDecodeError:
        raise CsvUnreadable("not_utf8", _bad_byte_line(content)) from None
    except csv.Error as exc:
        if "field limit" in str(exc):  # the only way the csv module tells this error
            raise CsvUnreadable("line_too_long", last + 1, limit=csv.field_size_limit()) from None
        raise CsvUnreadable("bad_csv", last + 1) from None


def _bad_byte_line(content: bytes) -> int:
    """The 1-based line of the first byte that is not UTF-8 (only asked on that error)."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return content.count(b"\n", 0, exc.start) + 1
    return 1
