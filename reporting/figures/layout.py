"""The canonical layout of reported figures: reading a CSV or XLSX file into ``Figure`` rows.

One header row, then one row per figure (``docs/imported-figures.md``)::

    indicator;region;period;value;numerator;denominator;source
    omaolo-palvelut;99;2024;23;;;Omaolo-raportti 2024
    lene-maaraajassa;99;2024-Q3;61,5;1230;2000;Potilastietojärjestelmä

``indicator``, ``region``, ``period`` and ``value`` are required columns, ``numerator``,
``denominator`` and ``source`` optional; column names are case-insensitive and may come in
any order. CSV: ``;`` separated, UTF-8 with or without a byte-order mark, decimal comma or
point (spaces as thousands separators are allowed). XLSX: the first sheet, the same
columns; a line number is the sheet's row number.

``read_figures`` checks every row and raises ``ImportRefused`` with every problem found,
each with its line (the header is line 1). The checks that need the database (does a
unit id exist?) are the store's (``reporting.figures.store``).
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import PurePath

from reporting.figures.cells import (
    CsvUnreadable,
    csv_rows,
    invisible_character,
    magnitude_limit_text,
    number_from_text,
    number_problem,
)
from reporting.figures.rows import (
    FIRST_YEAR,
    LAST_YEAR,
    SOTKANET_CREDIT,
    Figure,
    ImportRefused,
    Problem,
)
from reporting.figures.sotkanet import CSV_HEADER as SOTKANET_CSV_HEADER

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("indicator", "region", "period", "value")
OPTIONAL_COLUMNS = ("numerator", "denominator", "source")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx",)
# Spreadsheets of other formats (old Excel, Excel binary, OpenDocument, Numbers): refused
# with the way out (save as .xlsx or CSV) rather than a bare "wrong suffix".
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".ods", ".numbers")
# A Sotkanet response given to this reader (a JSON file, or a CSV file with Sotkanet's
# header): refused with one problem naming the importer that reads it.
SOTKANET_SUFFIXES = (".json",)
SOTKANET_COMMAND = "python -m reporting import-sotkanet"
# Rows of figures one file may hold: a county's yearly, quarterly and monthly figures of
# every plan indicator for every municipality over ten years are a few tens of thousands.
MAX_ROWS = 100_000
# Rows of a sheet read at most, empty ones included: a workbook may hold hundreds of
# thousands of empty but formatted rows (a column formatted to the sheet's end) in a few
# megabytes, each costing as much to read as a row of figures. MAX_ROWS figures, the
# header and room for empty rows between them; a sheet declaring more rows (its
# dimension) is refused before any row is read.
MAX_SHEET_ROWS = MAX_ROWS + 10_000
# A problem per line up to this many; then one line says that there were more.
MAX_PROBLEMS = 200
# Decimals a share is stated with at most in a "value is not the share" message.
MAX_SHARE_DECIMALS = 6
# The widest text a stored source may be (indicator_values.source).
MAX_SOURCE = 300
# What an XLSX file may unpack to. openpyxl's own 100 000-row layout file (all seven
# columns) unpacks to 41 MB, with a different 300-character source on every row to
# 73 MB; 200 MB leaves room for the styles and attributes Excel adds. A file packed
# more tightly than MAX_XLSX_RATIO (those files: 10 to 16 times) is not a spreadsheet
# but a zip bomb (a sheet of 1 GiB of spaces packs a thousandfold), refused before
# openpyxl unpacks anything; the ratio is not asked of files under XLSX_RATIO_FROM.
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100
XLSX_RATIO_FROM = 1024 * 1024
# The columns holding text (the others hold numbers).
TEXT_COLUMNS = ("indicator", "region", "period", "source")

# Official codes: a county (two digits, "01".."99": the counties' official codes, the demo
# county "99", and whatever two-digit code Sotkanet's /regions gives a county-level area
# such as Helsinki, which a national download must not refuse), a municipality (three
# digits), the whole country (reporting.schema.COUNTRY_CODE); anything else of this form
# is a unit id, which the store looks up in ``units``.
COUNTY_CODES = frozenset(f"{n:02d}" for n in range(1, 100))
_INDICATOR = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_UNIT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
# ASCII digits only ([0-9], not \d, which also matches "２０２４").
_YEAR = re.compile(r"([0-9]{4})")
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([1-4])")
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
# Spaces Excel and LibreOffice put between thousands (plain, no-break, narrow no-break).
_THOUSANDS = str.maketrans("", "", " \u00a0\u202f")
SUPPRESSED = ("", "..")


def is_indicator_id(text: str) -> bool:
    """Whether ``text`` has the form of an indicator id: small letters a–z, digits,
    ``-`` and ``_``, starting with a letter or digit, at most 64 characters."""
    return _INDICATOR.fullmatch(text) is not None


def region_kind(code: str) -> str | None:
    """What a region code is by its form: ``"county"``, ``"municipality"``,
    ``"country"``, ``"unit"`` (to be looked up in ``units``), or None when it is none of
    them ("00", characters a unit id cannot have)."""
    from reporting.schema import COUNTRY_CODE

    if code == COUNTRY_CODE:
        return "country"
    if code.isdigit() and code.isascii() and len(code) in (2, 3):
        if len(code) == 2:
            return "county" if code in COUNTY_CODES else None
        return "municipality"
    return "unit" if _UNIT_ID.fullmatch(code) else None


def parse_period(text: str) -> tuple[date, str] | None:
    """``2024`` -> (2024-01-01, "year"), ``2024-Q3`` -> (2024-07-01, "quarter"),
    ``2024-07`` -> (2024-07-01, "month"); None for anything else (years FIRST_YEAR..LAST_YEAR)."""
    text = text.strip()
    for pattern, grain in ((_YEAR, "year"), (_QUARTER, "quarter"), (_MONTH, "month")):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        if grain == "year":
            return date(year, 1, 1), grain
        if grain == "quarter":
            return date(year, 3 * int(match.group(2)) - 2, 1), grain
        return date(year, int(match.group(2)), 1), grain
    return None


def period_label(start: date, grain: str) -> str:
    """The period as the layout writes it: ``2024``, ``2024-Q3`` or ``2024-07``."""
    if grain == "year":
        return f"{start.year}"
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def parse_number(text: str) -> float | None:
    """A number written with a decimal comma or point (``1 234,5``, ``1234.5``, ``-3``,
    ``1,5E3`` as Excel writes a large number); None when it is not one (``1,234.5`` with
    both marks, ``12a``, ``inf``, ``nan``, ``２``). An exponent too large for a float
    gives infinity, which ``cells.number_problem`` refuses as too large."""
    text = text.translate(_THOUSANDS)
    if "," in text and "." in text:
        return None
    return number_from_text(text)


def _decimals(text: str) -> int:
    """Decimals written in a number's text (``61,5`` -> 1, ``6,15E1`` -> 1)."""
    mantissa, _, exponent = text.strip().replace(",", ".").lower().partition("e")
    written = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
    try:
        return max(written - int(exponent or 0), 0)
    except ValueError:
        return written


# ---------------------------------------------------------------------------- reading


class _Refusal:
    """The problems found so far (at most ``MAX_PROBLEMS``, then one saying so)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.left_out = 0
        # The file could not be read to its end (a broken line, workbook or encoding).
        self.stopped = False

    def add(
        self, key: str, line: int | None = None, *, decimals: int = 2, **params: object
    ) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            problem = Problem("figures.error." + key, line, params, decimals=decimals)
            self.problems.append(problem)
        else:
            self.left_out += 1

    def raise_if_any(self, figures: list[Figure] | None = None) -> None:
        """Raise ``ImportRefused`` with the problems and the rows read without one
        (``figures``; none when the reading stopped or problems were left out: then
        the list is not the whole story anyway)."""
        if not self.problems:
            return
        problems = list(self.problems)
        if self.left_out:
            more = Problem("figures.error.more_problems", None, {"n": self.left_out}, plural="n")
            problems.append(more)
        whole = not self.stopped and not self.left_out
        raise ImportRefused(problems, figures if whole and figures else ())


def _csv_rows(content: bytes, refusal: _Refusal) -> Iterator[tuple[int, list[object]]]:
    """(line, cells) of a CSV file: UTF-8 (a BOM is dropped), ``;`` separated. A line
    that cannot be read ends the reading with its problem (``refusal.stopped``)."""
    try:
        for line, cells in csv_rows(content):
            # A quoted cell may span lines: the row's first line is where it starts.
            yield line - _newlines_in(cells), list(cells)
    except CsvUnreadable as unreadable:
        refusal.add(unreadable.reason, unreadable.line, **unreadable.params)
        refusal.stopped = True


def _newlines_in(cells: list[str]) -> int:
    return sum(cell.count("\n") for cell in cells)


def _xlsx_rows(content: bytes, refusal: _Refusal) -> Iterator[tuple[int, list[object]]]:
    """(row number, cells) of the first sheet of a workbook, after its zip's members
    are found small enough to unpack (``_xlsx_unpacks_safely``). Every row counts
    toward ``MAX_SHEET_ROWS``, empty ones too; the reading stops past it.

    openpyxl is a parser of untrusted input here: whatever it raises while opening or
    reading (a broken zip member, bad XML, a ``TypeError`` from a garbled styles.xml)
    is the file's "cannot be opened" problem, never a traceback; the cause is logged at
    debug level."""
    from openpyxl import load_workbook

    if not _xlsx_unpacks_safely(content, refusal):
        refusal.stopped = True
        return
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - a parser boundary (docstring)
        log.debug("workbook cannot be opened: %r", error)
        refusal.add("bad_xlsx")
        refusal.stopped = True
        return
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension (<dimension ref="A1:G370000"/>) is read without reading
        # the rows: a sheet declaring more rows than may be read is refused at once.
        if (sheet.max_row or 0) > MAX_SHEET_ROWS:
            refusal.add("sheet_too_many_rows", limit=MAX_SHEET_ROWS)
            refusal.stopped = True
            return
        # Then forget it: openpyxl stops at a declared last row, so a dimension smaller
        # than the sheet would silently drop rows; the count below bounds the reading.
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                refusal.add("sheet_too_many_rows", limit=MAX_SHEET_ROWS)
                refusal.stopped = True
                return
            yield number, list(cells)
    except Exception as error:  # noqa: BLE001 - a parser boundary (docstring)
        log.debug("workbook cannot be read: %r", error)
        refusal.add("bad_xlsx")
        refusal.stopped = True
    finally:
        try:
            workbook.close()
        except Exception as error:  # noqa: BLE001 - closing a broken archive
            log.debug("workbook cannot be closed: %r", error)


def _xlsx_unpacks_safely(content: bytes, refusal: _Refusal) -> bool:
    """Whether a workbook's zip may be unpacked: a zip at all, at most
    ``MAX_XLSX_UNPACKED`` bytes unpacked and packed at most ``MAX_XLSX_RATIO`` times
    tighter. The sizes are the zip's own entries; a member is never unpacked beyond the
    size its entry states (zipfile stops there), so a lying entry cannot get past."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        refusal.add("bad_xlsx")
        return False
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > MAX_XLSX_UNPACKED:
        refusal.add("xlsx_too_large", limit=MAX_XLSX_UNPACKED // (1024 * 1024))
        return False
    if unpacked >= XLSX_RATIO_FROM and unpacked > MAX_XLSX_RATIO * max(packed, 1):
        refusal.add("xlsx_packed_tightly", ratio=unpacked // max(packed, 1), limit=MAX_XLSX_RATIO)
        return False
    return True


def _text(cell: object) -> str:
    """A cell as text (XLSX cells may be numbers or dates; CSV cells are text)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


class _Row:
    """One data row's cells by column name, and its problems."""

    def __init__(self, line: int, cells: dict[str, object], refusal: _Refusal) -> None:
        self.line = line
        self.cells = cells
        self.refusal = refusal
        self.ok = True

    def problem(self, key: str, *, decimals: int = 2, **params: object) -> None:
        self.ok = False
        self.refusal.add(key, self.line, decimals=decimals, **params)

    def number(self, column: str) -> float | None:
        """A number cell: None when suppressed (``..`` or empty) or refused (not a
        number, not finite, beyond ``MAX_MAGNITUDE``: the same for an XLSX number and
        its text in a CSV cell)."""
        cell = self.cells.get(column)
        if isinstance(cell, bool):
            cell = str(cell)
        if isinstance(cell, int | float):
            number, shown = float(cell), _text(cell)
        else:
            shown = _text(cell)
            if shown in SUPPRESSED:
                return None
            number = parse_number(shown)
            if number is None:
                self.problem("not_a_number", column=column, value=_quoted(shown))
                return None
        problem = number_problem(number)
        if problem == "not_a_number":
            self.problem(problem, column=column, value=_quoted(shown))
            return None
        if problem is not None:
            # No value in the message: an XLSX float and its CSV text read alike.
            self.problem(problem, column=column, limit=magnitude_limit_text())
            return None
        return number


def _quoted(value: object) -> str:
    from translations import quote_value

    return quote_value(value)


def _period(row: _Row) -> tuple[date, str] | None:
    cell = row.cells.get("period")
    if isinstance(cell, datetime | date):
        # Excel turns a typed "2024-07" into the date 1.7.2024: the month is meant.
        day = cell.date() if isinstance(cell, datetime) else cell
        if day.day == 1:
            return parse_period(f"{day.year}-{day.month:02d}")
        row.problem("bad_period", value=_quoted(day.isoformat()))
        return None
    text = _text(cell)
    if not text:
        row.problem("missing", column="period")
        return None
    parsed = parse_period(text)
    if parsed is None:
        row.problem("bad_period", value=_quoted(text))
    return parsed


def _region(row: _Row) -> str | None:
    cell = row.cells.get("region")
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        # A code typed into Excel as a number has lost its leading zero ("091" -> 91):
        # which code was meant cannot be known.
        row.problem("region_number", value=_quoted(_text(cell)))
        return None
    text = _text(cell)
    if not text:
        row.problem("missing", column="region")
        return None
    if region_kind(text) is None:
        row.problem("bad_region", value=_quoted(text))
        return None
    return text


def _indicator(row: _Row) -> str | None:
    text = _text(row.cells.get("indicator"))
    if not text:
        row.problem("missing", column="indicator")
        return None
    if not is_indicator_id(text):
        row.problem("bad_indicator", value=_quoted(text))
        return None
    return text


def _counts(row: _Row, value: float | None) -> tuple[float | None, float | None]:
    numerator = row.number("numerator")
    denominator = row.number("denominator")
    for column, count in (("numerator", numerator), ("denominator", denominator)):
        if count is not None and count < 0:
            row.problem("negative_count", column=column)
        elif count is not None and not count.is_integer():
            # A count of people, visits or groups is whole; 2,5 is a rate in the wrong
            # column (and the privacy rounding works on whole counts).
            row.problem("count_not_whole", column=column, value=_quoted(_text(row.cells[column])))
    if numerator is not None and denominator is not None and numerator > denominator:
        row.problem("numerator_above_denominator")
    elif denominator == 0 and value is not None:
        # A share of nothing has no value; one given would be stored as if it had.
        row.problem("share_of_nothing")
    elif numerator is not None and denominator and value is not None and numerator >= 0:
        # With both counts the value is the percentage they make: the charts draw it
        # from the counts (queries.indicator_values.reported_share), so a value that
        # disagrees (a per-mille rate, swapped columns) would be shown as another number.
        share = 100.0 * numerator / denominator
        decimals = _decimals(_text(row.cells.get("value")))
        tolerance = 0.5 * 10.0**-decimals + 1e-9
        if abs(value - share) > tolerance:
            # Stated with the decimals the value was written with ("50,0" -> "25,0",
            # "33" -> "33"): more would ask for a precision the file never gave. An
            # XLSX float's text may run to 17 decimals; a message needs no more than
            # MAX_SHARE_DECIMALS.
            shown = min(decimals, MAX_SHARE_DECIMALS)
            row.problem("value_not_share", decimals=shown, share=share)
    return numerator, denominator


def _source(row: _Row) -> str:
    """The row's source as written; empty when not given (the store fills it in:
    ``reporting.figures.store.fill_sources``)."""
    source = _text(row.cells.get("source"))
    if len(source) > MAX_SOURCE:
        row.problem("source_too_long", limit=MAX_SOURCE)
    if looks_like_sotkanet_credit(source):
        # A source starting with the credit marks published statistics, which are served
        # exact (docs/privacy.md): only the Sotkanet importer may write it.
        row.problem("reserved_source", credit=SOTKANET_CREDIT)
    return source


def _squeezed(text: str) -> str:
    """``text`` as compared with the credit: NFKC-normalised (full-width letters and
    no-break spaces become plain ones), case-folded, without any whitespace."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return "".join(folded.split())


def looks_like_sotkanet_credit(source: str) -> bool:
    """Whether ``source`` starts with ``SOTKANET_CREDIT`` or a look-alike of it (another
    case, full-width letters, no-break or missing spaces: ``THL/Sotkanet, CC BY 4.0``)."""
    return _squeezed(source).startswith(_squeezed(SOTKANET_CREDIT))


def _invisible_characters(row: _Row) -> set[str]:
    """The text columns holding a control or format character, each refused once (the
    whole cell as written, so a tab at its end counts too)."""
    found = set()
    for column in TEXT_COLUMNS:
        cell = row.cells.get(column)
        char = invisible_character(cell) if isinstance(cell, str) else None
        if char is not None:
            row.problem("invisible_character", column=column, char=char)
            found.add(column)
    return found


def _header(line: int, cells: list[object], refusal: _Refusal) -> dict[int, str] | None:
    """Column place -> name of the header row; None when it is unusable. Sotkanet's CSV
    header is refused with one problem pointing to its importer, not column by column."""
    names = [_text(cell).lower() for cell in cells]
    if set(SOTKANET_CSV_HEADER) <= set(names):
        refusal.add("sotkanet_file", line, command=SOTKANET_COMMAND)
        return None
    places: dict[int, str] = {}
    ok = True
    for place, name in enumerate(names):
        if not name:
            continue
        if name not in COLUMNS:
            refusal.add("unknown_column", line, name=_quoted(name), known=", ".join(COLUMNS))
            ok = False
        elif name in places.values():
            refusal.add("repeated_column", line, name=name)
            ok = False
        else:
            places[place] = name
    missing = [name for name in REQUIRED_COLUMNS if name not in places.values()]
    if missing:
        refusal.add("missing_columns", line, names=", ".join(missing))
        ok = False
    return places if ok else None


def read_figures(content: bytes, file_name: str) -> list[Figure]:
    """The figures of a file in the canonical layout, in file order.

    ``file_name`` decides the format by its suffix (``.csv``/``.txt``: CSV, ``.xlsx``:
    the first sheet). A row without a source (no column, an empty cell) has source
    ``""``: the store keeps a stored row's source for it, or gives a new row the file's
    name (``reporting.figures.store.fill_sources``). Each ``Figure`` carries its
    ``line``; ``retrieved_on`` is None. Raises ``ImportRefused`` with every problem
    found, carrying the rows that had none (``ImportRefused.figures``, for the store's
    checks) (unknown, missing or repeated columns; a bad indicator id, region code
    or period; a number that is not one; a negative count; a numerator above its
    denominator; a value that is not the percentage of its counts; a value with a
    zero denominator; a CSV line without a cell for a required column; a key repeated
    in the file (a row's key counts once its indicator, region and period are valid,
    whatever else is wrong on its line); a Sotkanet response (a ``.json`` file or
    Sotkanet's CSV header: one problem naming ``import-sotkanet``); an empty file; not
    UTF-8; another suffix; more than ``MAX_ROWS`` rows;
    a sheet of more than ``MAX_SHEET_ROWS`` rows, empty ones included; a workbook
    openpyxl cannot open or read)."""
    refusal = _Refusal()
    suffix = PurePath(file_name).suffix.lower()
    lines_may_be_short = suffix in CSV_SUFFIXES
    if suffix in CSV_SUFFIXES:
        rows = _csv_rows(content, refusal)
    elif suffix in XLSX_SUFFIXES:
        rows = _xlsx_rows(content, refusal)
    elif suffix in SOTKANET_SUFFIXES:
        # Sotkanet's JSON response is the only JSON an analyst has at hand here.
        refusal.add("sotkanet_file", command=SOTKANET_COMMAND)
        refusal.raise_if_any()
        return []
    elif suffix in OTHER_SPREADSHEETS:
        refusal.add("other_spreadsheet", suffix=_quoted(suffix), encoding="UTF-8")
        refusal.raise_if_any()
        return []
    else:
        refusal.add("wrong_suffix", suffix=_quoted(suffix or file_name), known=".csv, .txt, .xlsx")
        refusal.raise_if_any()
        return []
    figures: list[Figure] = []
    columns: dict[int, str] | None = None
    seen: dict[tuple, int] = {}
    data_rows = 0
    for line, cells in rows:
        if all(_text(cell) == "" for cell in cells):
            continue  # blank lines (and a sheet's empty rows) are not rows
        if columns is None:
            columns = _header(line, cells, refusal)
            if columns is None:
                break  # without its columns no row can be read
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            refusal.add("too_many_rows", line, limit=MAX_ROWS)
            break
        extra = [cell for place, cell in enumerate(cells) if place not in columns]
        if any(_text(cell) for cell in extra):
            refusal.add("extra_cells", line)
            continue
        # A CSV line cut short has no cell for some columns: a missing required cell
        # (a value, say) is not a suppressed one, which would replace a stored value
        # with nothing. Optional columns may be left off the end. (A sheet's row has
        # every cell: an empty one is an empty cell, not a missing one.)
        cut = [name for place, name in sorted(columns.items()) if place >= len(cells)]
        if lines_may_be_short and any(name in REQUIRED_COLUMNS for name in cut):
            missing = [name for name in cut if name in REQUIRED_COLUMNS]
            refusal.add("short_line", line, columns=", ".join(missing))
            continue
        named = {name: cells[place] for place, name in columns.items() if place < len(cells)}
        row = _Row(line, named, refusal)
        key, figure = _figure(row)
        # A row's key is registered as soon as its indicator, region and period are
        # valid, whatever else is wrong on the line: a later copy is reported now, not
        # only after the first copy's other problem is fixed.
        if key is not None:
            earlier = seen.get(key)
            if earlier is not None:
                row.problem("repeated_key", earlier=earlier)
                continue
            seen[key] = line
        if figure is not None:
            figures.append(figure)
    if refusal.stopped:
        pass  # the problem that stopped the reading says it; no guess about the rest
    elif columns is None and not refusal.problems:
        refusal.add("empty_file")
    elif columns is not None and data_rows == 0:
        refusal.add("no_rows")
    refusal.raise_if_any(figures)
    return figures


def _figure(row: _Row) -> tuple[tuple[str, str, date, str] | None, Figure | None]:
    """The row's key (``Figure.key``; None unless its indicator, region and period are
    valid) and the row as a Figure (None when it has a problem, recorded on ``row``)."""
    invisible = _invisible_characters(row)
    indicator = _indicator(row) if "indicator" not in invisible else None
    region = _region(row) if "region" not in invisible else None
    period = _period(row) if "period" not in invisible else None
    value = row.number("value")
    numerator, denominator = _counts(row, value)
    source = _source(row) if "source" not in invisible else ""
    if indicator is None or region is None or period is None:
        return None, None
    key = (indicator, region, period[0], period[1])
    if not row.ok:
        return key, None
    return key, Figure(
        indicator_id=indicator,
        region_code=region,
        period_start=period[0],
        period_grain=period[1],
        value=value,
        numerator=numerator,
        denominator=denominator,
        source=source,
        line=row.line,
    )
