"""Media types and file names of the files the app hands out (CSV, XLSX, PPTX, DOCX,
Markdown).

One place for both, so every download declares one correct ``Content-Type`` and a
file name that is safe in a ``Content-Disposition`` header and on any file system.
"""

from __future__ import annotations

import re

# Bare media types: the text type gets its single "charset=utf-8" from Werkzeug, which
# appends it to every text/* type (giving it here as well declared it twice).
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN_TYPE = "text/markdown"  # RFC 7763

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_stem(*parts: str) -> str:
    """``part1_part2`` with every run of characters other than ASCII letters, digits,
    ``.``, ``-`` and ``_`` in a part replaced by ``-`` and leading or trailing ``.``
    and ``-`` removed, e.g. ``("jonot", "2024-04-30")`` -> ``jonot_2024-04-30``."""
    return "_".join(_UNSAFE.sub("-", part).strip(".-") or "-" for part in parts)


def download_name(*parts: str, extension: str) -> str:
    """``file_stem(*parts)`` + ``.extension``, e.g. ``jonot_2024-04-30.csv``. Such a name
    needs no quoting or encoding in ``Content-Disposition`` and cannot name another
    folder."""
    return f"{file_stem(*parts)}.{_UNSAFE.sub('', extension)}"
