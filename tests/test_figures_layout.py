"""The canonical layout of reported figures (reporting.figures.layout): what a CSV or
XLSX file reads as, and every problem with its line number and message."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from reporting.figures import layout
from reporting.figures.layout import read_figures
from reporting.figures.rows import Figure, ImportRefused

pytestmark = pytest.mark.unit


def _csv(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode("utf-8")


def _problems(content: bytes, name: str = "luvut.csv") -> list[tuple[int | None, str]]:
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, name)
    return [(p.line, p.key.removeprefix("figures.error.")) for p in refused.value.problems]


def test_fl001_csv_with_bom_decimal_comma_and_suppressed_values():
    """A CSV with a BOM, decimal commas, `..` and empty cells reads as the figures it states."""
    content = _csv(
        "indicator;region;period;value;numerator;denominator;source",
        "hoitotakuu-7vrk;99;2024-Q3;61,5;123;200;Potilastiedot",
        "omaolo-palvelut;091;2024;1 234;;;",
        "omaolo-palvelut;SSS;2024-07;..;..;;THL",
        bom=True,
    )
    assert read_figures(content, "luvut.csv") == [
        # 100 · 123 / 200 = 61.5: the value agrees with its counts.
        Figure("hoitotakuu-7vrk", "99", date(2024, 7, 1), "quarter", 61.5, 123.0, 200.0,
               "Potilastiedot", line=2),
        # "1 234" (space between thousands); no source: left empty for the store to
        # fill (a stored row's source, or the file name for a new row).
        Figure("omaolo-palvelut", "091", date(2024, 1, 1), "year", 1234.0, None, None,
               "", line=3),
        Figure("omaolo-palvelut", "SSS", date(2024, 7, 1), "month", None, None, None, "THL",
               line=4),
    ]  # fmt: skip


def test_fl002_decimal_point_columns_in_any_order_and_case_blank_lines_skipped():
    """Decimal points read like commas; columns come in any order and case; blank lines skipped."""
    content = _csv(
        "Value;PERIOD;region;indicator", "", "2.25;2023;TA01;x-1", ";;;", "-3,5;2023-Q1;01;x-1"
    )
    figures = read_figures(content, "a.txt")
    assert [(f.line, f.value, f.region_code, f.period_start) for f in figures] == [
        (3, 2.25, "TA01", date(2023, 1, 1)),
        (5, -3.5, "01", date(2023, 1, 1)),  # a value may be negative; only counts may not
    ]


def test_fl003_every_row_problem_with_its_line():
    """Each kind of bad row is named at its own line, all of them at once."""
    content = _csv(
        "indicator;region;period;value;numerator;denominator",
        "ok;99;2024;50;1;2",  # 2: fine (100 · 1 / 2 = 50)
        "Iso Kirjain;99;2024;1;;",  # 3: indicator id with capitals and a space
        "x;00;2024;1;;",  # 4: 00 is no county code (two digits from 01)
        "x;99;2024-13;1;;",  # 5: no month 13
        "x;99;24;1;;",  # 6: a two-digit year
        "x;99;2024;12a;;",  # 7: not a number
        "x;99;2025;1,234.5;;",  # 8: both a comma and a point
        "x;99;2026;1;-1;",  # 9: negative numerator
        "x;99;2027;50;3;2",  # 10: numerator 3 > denominator 2
        "ok;99;2024;50;1;2",  # 11: the key of line 2 again
        "x;99;2028;40;1;2",  # 12: 100 · 1 / 2 = 50, not 40
        "x;99;2029;1;;;extra",  # 13: a cell beyond the header's columns
        ";99;2030;1;;",  # 14: no indicator
    )
    assert _problems(content) == [
        (3, "bad_indicator"),
        (4, "bad_region"),
        (5, "bad_period"),
        (6, "bad_period"),
        (7, "not_a_number"),
        (8, "not_a_number"),
        (9, "negative_count"),
        (10, "numerator_above_denominator"),
        (11, "repeated_key"),
        (12, "value_not_share"),
        (13, "extra_cells"),
        (14, "missing"),
    ]


def test_fl004_value_rounded_to_its_own_decimals_agrees_with_its_counts():
    """A value written with fewer decimals agrees with its counts when it is their share rounded."""
    # 100 · 1 / 3 = 33.33…: "33" is within 0.5, "33,3" within 0.05; "33,4" is 0.067 off.
    good = _csv("indicator;region;period;value;numerator;denominator", "x;99;2024;33;1;3",
                "x;99;2025;33,3;1;3")  # fmt: skip
    assert [f.value for f in read_figures(good, "a.csv")] == [33.0, 33.3]
    bad = _csv("indicator;region;period;value;numerator;denominator", "x;99;2024;33,4;1;3")
    assert _problems(bad) == [(2, "value_not_share")]
    # The share it should be is written as the reader's language writes numbers.
    with pytest.raises(ImportRefused) as refused:
        read_figures(bad, "a.csv")
    # With the one decimal "33,4" was written with: 33.33… -> 33,3.
    assert refused.value.texts("fi")[0].endswith("eli 33,3.")
    assert refused.value.texts("en")[0].endswith("33.3.")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("indicator;region;period;value;colour", [(1, "unknown_column")]),
        ("indicator;region;value", [(1, "missing_columns")]),
        ("indicator;region;period;value;value", [(1, "repeated_column")]),
    ],
)
def test_fl005_header_problems_are_at_line_1(header, expected):
    """An unknown, missing or repeated column is named at the header line, and no row is read."""
    assert _problems(_csv(header, "x;99;2024;1")) == expected


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "a.csv", [(None, "empty_file")]),
        (b"\n\n", "a.csv", [(None, "empty_file")]),
        (_csv("indicator;region;period;value"), "a.csv", [(None, "no_rows")]),
        # Latin-1 "ä" (0xE4) on the third line.
        (
            b"indicator;region;period;value\nx;99;2024;1\nx;99;2025;\xe4\n",
            "a.csv",
            [(3, "not_utf8")],
        ),
        (_csv("indicator;region;period;value", "x;99;2024;1"), "a.pdf", [(None, "wrong_suffix")]),
        # JSON: Sotkanet's response, pointed to its importer (test_fl032)
        (b"[]", "a.json", [(None, "sotkanet_file")]),
        # another spreadsheet format: refused with the way out (save as .xlsx or CSV)
        (b"\xd0\xcf\x11\xe0", "Luvut.XLS", [(None, "other_spreadsheet")]),
        (b"PK\x03\x04", "a.ods", [(None, "other_spreadsheet")]),
        (b"not a workbook", "a.xlsx", [(None, "bad_xlsx")]),
    ],
)
def test_fl006_file_problems(content, name, expected):
    """Empty file, header only, non-UTF-8 (at its line), other suffix, broken workbook: refused."""
    assert _problems(content, name) == expected


def test_fl007_too_many_rows(monkeypatch):
    """A file with more rows than the limit is refused at the first row over it."""
    monkeypatch.setattr(layout, "MAX_ROWS", 2)
    content = _csv("indicator;region;period;value", "x;99;2021;1", "x;99;2022;1", "x;99;2023;1")
    assert _problems(content) == [(4, "too_many_rows")]  # rows on lines 2, 3, then 4 is the 3rd


def test_fl008_messages_in_swedish_and_english():
    """A problem's message is in the asked language and names the line."""
    content = _csv("indicator;region;period;value", "x;99;2024-Q5;1")
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    assert refused.value.texts("sv") == [
        "Rad 2: Perioden \u201d2024-Q5\u201d duger inte. Skriv ett år (2024), ett kvartal "
        "(2024-Q3) eller en månad (2024-07)."
    ]
    assert refused.value.texts("en") == [
        "Line 2: The period \u201d2024-Q5\u201d cannot be used. Write a year (2024), a quarter "
        "(2024-Q3) or a month (2024-07)."
    ]
    assert refused.value.texts("fi")[0].startswith("Rivi 2: Ajanjakso \u201d2024-Q5\u201d")


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("toinen").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_fl009_xlsx_first_sheet_numbers_and_a_month_typed_as_a_date():
    """An XLSX file's first sheet reads like a CSV, a month that Excel made a date included."""
    content = _workbook(
        [
            ["indicator", "region", "period", "value", "numerator", "denominator"],
            ["x", "091", "2024-Q2", 0.25, 1, 400],  # 100 · 1 / 400 = 0.25
            ["x", "99", datetime(2024, 7, 1), 12, None, None],  # "2024-07" typed into Excel
            ["x", "99", 2023, "..", None, None],
        ]
    )
    assert [(f.line, f.region_code, f.period_start, f.period_grain, f.value, f.numerator)
            for f in read_figures(content, "luvut.xlsx")] == [
        (2, "091", date(2024, 4, 1), "quarter", 0.25, 1.0),
        (3, "99", date(2024, 7, 1), "month", 12.0, None),
        (4, "99", date(2023, 1, 1), "year", None, None),
    ]  # fmt: skip


def test_fl010_xlsx_region_typed_as_a_number_is_refused_at_its_row():
    """A region code Excel holds as a number (leading zero lost) is refused at its sheet row."""
    content = _workbook(
        [["indicator", "region", "period", "value"], ["x", "99", "2024", 1], ["x", 91, "2024", 1]]
    )
    assert _problems(content, "luvut.xlsx") == [(3, "region_number")]


def _rezipped(content: bytes, sheet_xml) -> bytes:
    """``content`` (a workbook) with its first sheet's XML rewritten by
    ``sheet_xml(data, member)``, which writes the new XML into the zip member."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename != "xl/worksheets/sheet1.xml":
                target.writestr(member.filename, data)
                continue
            with target.open(member.filename, "w") as sheet:
                sheet_xml(data, sheet)
    return out.getvalue()


def test_fl011_xlsx_zip_bomb_is_refused_before_it_is_unpacked():
    """A workbook whose sheet packs a thousandfold (spaces) is refused before openpyxl reads it."""
    good = _workbook([["indicator", "region", "period", "value"], ["x", "99", "2024", 1]])

    def padded(data, sheet):
        # The sheet's XML, then 16 MiB of spaces (valid XML: whitespace after the root),
        # written 1 MiB at a time so that the test never holds it whole.
        sheet.write(data)
        for _ in range(16):
            sheet.write(b" " * (1 << 20))

    bomb = _rezipped(good, padded)
    # Deflate packs 16 MiB of spaces into some 16 KB (about a thousandfold): far over
    # the 100-fold that a real workbook (10 to 16 times) never comes near.
    assert len(bomb) < 200_000
    assert _problems(bomb, "luvut.xlsx") == [(None, "xlsx_packed_tightly")]
    # The same workbook without the padding reads (the refusal is the padding's).
    assert [f.value for f in read_figures(good, "luvut.xlsx")] == [1.0]


def test_fl012_xlsx_larger_than_the_limit_unpacked_is_refused(monkeypatch):
    """A workbook unpacking to more than MAX_XLSX_UNPACKED is refused with the limit in MB."""
    monkeypatch.setattr(layout, "MAX_XLSX_UNPACKED", 1024 * 1024)  # 1 MB for the test
    rows = [["indicator", "region", "period", "value", "source"]]
    # 4 000 rows with a distinct 200-character source each: well over 1 MB of sheet
    # XML, yet packed only a few times (distinct text), so the size is what refuses it.
    rows += [["x", "99", f"{1900 + n // 12}-{n % 12 + 1:02d}", n, f"{n:06d}" + "lähde " * 32]
             for n in range(2400)]  # fmt: skip
    rows += [["y", "99", f"{1900 + n // 12}-{n % 12 + 1:02d}", n, f"{n:06d}" + "lähde " * 32]
             for n in range(1600)]  # fmt: skip
    content = _workbook(rows)
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "luvut.xlsx")
    assert refused.value.texts("en") == [
        "The workbook is too large when unpacked: at most 1 MB. Split the figures into "
        "several files or save them as CSV."
    ]


@pytest.mark.parametrize(
    "broken",
    [
        # Not a zip at all, and a real workbook cut in half (its zip directory lost).
        b"PK\x03\x04 not really",
        _workbook([["indicator", "region", "period", "value"], ["x", "99", "2024", 1]])[:1500],
    ],
)
def test_fl013_xlsx_that_is_no_valid_zip_keeps_the_workbook_message(broken):
    """A file that is not a valid zip is refused with the existing "cannot be opened" message."""
    assert _problems(broken, "luvut.xlsx") == [(None, "bad_xlsx")]


def test_fl014_invisible_characters_in_text_cells_are_refused_at_their_line():
    """NUL, tab, a BOM inside a field, U+202E and zero-width marks in text columns are refused."""
    content = _csv(
        "indicator;region;period;value;source",
        "x;99;2020;1;Lähde\x00",  # 2: NUL in source (PostgreSQL would refuse it unnamed)
        "x;99;2021;1;\ufeffTHL",  # 3: a byte-order mark inside the field (U+FEFF, Cf)
        "x;99;2022;1;abc\u202edef",  # 4: right-to-left override (Cf)
        "x;99;2023;1;a\tb",  # 5: a tab (Cc: refused too)
        "x\u200b;99;2024;1;",  # 6: zero-width space in the indicator
        "x;9\u20609;2025;1;",  # 7: word joiner inside the region code
        "x;99;2026\u200e;1;",  # 8: left-to-right mark after the period
        "x;99;2027;1;Lähde",  # 9: fine
        bom=True,  # the file's own BOM is dropped, not refused
    )
    assert _problems(content) == [(line, "invisible_character") for line in range(2, 9)]
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    assert refused.value.texts("en")[2] == (
        "Line 4: The column source holds an invisible control or formatting character "
        "(U+202E, for example a tab, a NUL or a text direction mark). Remove it by typing "
        "the text again."
    )
    # The same in an XLSX cell (openpyxl itself refuses to write Cc characters).
    book = _workbook([["indicator", "region", "period", "value", "source"],
                      ["x", "99", "2024", 1, "Lähde\u202e"]])  # fmt: skip
    assert _problems(book, "luvut.xlsx") == [(2, "invisible_character")]


def test_fl015_counts_are_whole_and_every_number_finite_and_within_the_limit():
    """Fractional counts, 1e308, inf, nan and an overflowing exponent are refused; 1,5E3 reads."""
    content = _csv(
        "indicator;region;period;value;numerator;denominator",
        "x;99;2020;;2,5;",  # 2: numerator 2.5 is no count
        "x;99;2021;;;7.5",  # 3: denominator 7.5 neither
        "x;99;2022;1e308;;",  # 4: a number, but over 1e12
        "x;99;2023;inf;;",  # 5: no number
        "x;99;2024;nan;;",  # 6: no number
        "x;99;2025;1E400;;",  # 7: overflows a float: too large, like 1e308
        "x;99;2026;1000000000001;;",  # 8: 1e12 + 1
        "x;99;2027;1,5E3;;",  # 9: fine: 1.5 · 10³ = 1500 (as Excel may write it)
        "x;99;2028;-1000000000000;;",  # 10: fine: exactly the limit's magnitude
        "x;99;2029;50;1,0;2",  # 11: fine: 1,0 is whole; 100 · 1 / 2 = 50
    )
    assert _problems(content) == [
        (2, "count_not_whole"),
        (3, "count_not_whole"),
        (4, "number_too_large"),
        (5, "not_a_number"),
        (6, "not_a_number"),
        (7, "number_too_large"),
        (8, "number_too_large"),
    ]
    good = _csv(
        "indicator;region;period;value;numerator;denominator",
        "x;99;2027;1,5E3;;",
        "x;99;2028;-1000000000000;;",
        "x;99;2029;50;1,0;2",
    )
    assert [(f.value, f.numerator) for f in read_figures(good, "a.csv")] == [
        (1500.0, None),
        (-1e12, None),
        (50.0, 1.0),
    ]


def test_fl016_xlsx_numbers_agree_with_csv_on_what_is_refused():
    """XLSX 1e308 gets the CSV text's message; 2.5 as a count is refused; 300.0 counts read."""
    rows = [
        ["indicator", "region", "period", "value", "numerator", "denominator"],
        ["x", "99", "2020", 1e308, None, None],  # 2: too large
        ["x", "99", "2021", None, 2.5, None],  # 3: no whole count
        ["x", "99", "2022", 50, 300.0, 600.0],  # 4: fine: 100 · 300 / 600 = 50
        ["x", "99", "2023", 123456789, None, None],  # 5: becomes 1e999 below
    ]

    def infinite(data, sheet):
        sheet.write(data.replace(b"<v>123456789</v>", b"<v>1e999</v>"))

    book = _rezipped(_workbook(rows), infinite)
    assert _problems(book, "luvut.xlsx") == [
        (2, "number_too_large"),
        (3, "count_not_whole"),
        (5, "number_too_large"),
    ]
    with pytest.raises(ImportRefused) as from_xlsx:
        read_figures(book, "luvut.xlsx")
    with pytest.raises(ImportRefused) as from_csv:
        read_figures(_csv("indicator;region;period;value", "x;99;2020;1e308"), "a.csv")
    expected = (
        "Line 2: The number in the column value is too large. A number may be at most "
        "1 000 000 000 000 in magnitude."
    )
    assert from_xlsx.value.texts("en")[0] == from_csv.value.texts("en")[0] == expected
    fine = _workbook(rows[:1] + [rows[3]])
    assert [(f.numerator, f.denominator) for f in read_figures(fine, "a.xlsx")] == [(300.0, 600.0)]

    # A cell value openpyxl cannot read as a number at all ("nan") refuses the workbook
    # as one that cannot be opened, not with a traceback.
    def not_a_number(data, sheet):
        sheet.write(data.replace(b"<v>123456789</v>", b"<v>nan</v>"))

    nan = _rezipped(_workbook(rows[:1] + [rows[4]]), not_a_number)
    assert _problems(nan, "luvut.xlsx") == [(None, "bad_xlsx")]


@pytest.mark.parametrize("period", ["２０２４", "２０２４-Q1", "２０２４-０７", "2024-０７"])
def test_fl017_periods_accept_ascii_digits_only(period):
    """A period written with full-width digits is refused like any bad period."""
    content = _csv("indicator;region;period;value", f"x;99;{period};1")
    assert _problems(content) == [(2, "bad_period")]


def test_fl018_a_line_longer_than_the_field_limit_gets_one_message_at_its_line():
    """An over-long line (an unclosed quote) is named once at its first line, with the limit."""
    import csv

    limit = csv.field_size_limit()
    # Line 3 opens a quote that is never closed: lines 3.. join into one field longer
    # than the limit; line 2 is fine and read.
    rest = "\n".join("x;99;2024;1;lähde" for _ in range(limit // 16 + 1))
    content = _csv("indicator;region;period;value;source", "x;99;2023;1;", 'x;99;2024;1;"' + rest)
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    assert [(p.line, p.key) for p in refused.value.problems] == [(3, "figures.error.line_too_long")]
    assert refused.value.texts("en") == [
        f"Line 3: The line is too long to read: a value on it has more than {limit} "
        "characters. Check the quotation marks (an unclosed one joins the rest of the file "
        "into one value)."
    ]
    # A single over-long field on the first data line: one message, no "no figures".
    long_line = _csv("indicator;region;period;value;source", "x;99;2024;1;" + "a" * (limit + 1))
    assert _problems(long_line) == [(2, "line_too_long")]


@pytest.mark.parametrize(
    "source",
    [
        "THL / Sotkanet, CC BY 4.0 (indikaattori 4)",
        "  thl / sotkanet, cc by 4.0",  # any case, spaces around
        "THL / SOTKANET, CC BY 4.0",
    ],
)
def test_fl019_a_source_starting_with_the_sotkanet_credit_is_reserved(source):
    """The canonical layout refuses a source posing as Sotkanet's (published, exact) figures."""
    content = _csv("indicator;region;period;value;source", f"x;99;2024;1;{source}")
    assert _problems(content) == [(2, "reserved_source")]


def test_fl020_a_source_merely_naming_sotkanet_is_accepted():
    """A source that mentions the credit without starting with it is the county's own."""
    content = _csv(
        "indicator;region;period;value;source",
        "x;99;2024;1;Oma laskenta, vertailu: THL / Sotkanet, CC BY 4.0",
    )
    assert [f.source for f in read_figures(content, "a.csv")] == [
        "Oma laskenta, vertailu: THL / Sotkanet, CC BY 4.0"
    ]
    with pytest.raises(ImportRefused) as refused:
        read_figures(_csv("indicator;region;period;value;source",
                          "x;99;2024;1;THL / Sotkanet, CC BY 4.0"), "a.csv")  # fmt: skip
    assert refused.value.texts("en") == [
        "Line 2: The source cannot start with THL / Sotkanet, CC BY 4.0: figures from "
        "Sotkanet are imported only with the Sotkanet import, which marks them as published "
        "statistics. Write the figure's own source."
    ]


def test_fl021_an_old_excel_file_is_told_to_be_saved_as_xlsx_or_csv():
    """A .xls file's message says how to get a file that reads, in each language."""
    with pytest.raises(ImportRefused) as refused:
        read_figures(b"\xd0\xcf\x11\xe0", "luvut.xls")
    assert refused.value.texts("fi") == [
        "Tiedostomuoto \u201d.xls\u201d ei käy. Tallenna taulukko Excelissä tai muussa "
        "taulukkolaskentaohjelmassa muodossa Excel-työkirja (.xlsx) tai CSV UTF-8 (.csv) ja "
        "valitse se uudelleen."
    ]
    assert refused.value.texts("en") == [
        "The file format \u201d.xls\u201d is not accepted. Save the sheet in Excel or another "
        "spreadsheet program as an Excel workbook (.xlsx) or as CSV UTF-8 (.csv) and choose "
        "it again."
    ]
    assert refused.value.figures == []


def test_fl022_a_refusal_carries_the_rows_read_without_a_problem():
    """The reader's refusal holds the rows that did parse (for the store's checks), none else."""
    content = _csv(
        "indicator;region;period;value",
        "x;99;2024-13;1",  # line 2: month 13, refused
        "x;TA09;2024;2",  # line 3: reads (whether TA09 exists is the store's to say)
        "x;99;2024;y",  # line 4: not a number, refused
    )
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    assert [(p.line, p.key) for p in refused.value.problems] == [
        (2, "figures.error.bad_period"),
        (4, "figures.error.not_a_number"),
    ]
    assert refused.value.figures == [
        Figure("x", "TA09", date(2024, 1, 1), "year", 2.0, line=3),
    ]


def test_fl023_one_problem_more_is_told_in_the_singular(monkeypatch):
    """With one problem past the limit the last line says "1 muu virhe", not "1 muuta virhettä"."""
    monkeypatch.setattr(layout, "MAX_PROBLEMS", 2)
    content = _csv("indicator;region;period;value", "x;99;a;1", "x;99;b;1", "x;99;c;1")
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    texts = refused.value.texts("fi")
    assert len(texts) == 3  # two problems (lines 2 and 3) and the line about line 4's
    assert texts[0].startswith("Rivi 2:") and texts[1].startswith("Rivi 3:")
    assert texts[2] == "Lisäksi 1 muu virhe. Korjaa ensin yllä olevat."  # last
    assert refused.value.figures == []  # problems were left out: no rows carried


def _styled_empty_rows(rows: int) -> bytes:
    """A workbook with one figure, then ``rows`` empty rows that carry only a cell style
    (bold), as a column formatted to the sheet's end leaves them."""
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "region", "period", "value"])
    sheet.append(["x", "99", "2024", 1])
    for number in range(3, 3 + rows):
        sheet.cell(row=number, column=1).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_fl024_empty_styled_rows_count_toward_the_sheet_row_limit(monkeypatch):
    """A sheet of more rows than MAX_SHEET_ROWS, empty formatted ones included, is refused."""
    monkeypatch.setattr(layout, "MAX_SHEET_ROWS", 10)
    # Header (row 1), one figure (row 2) and 8 empty styled rows (3..10): 10 rows, at the
    # limit, read.
    assert [f.value for f in read_figures(_styled_empty_rows(8), "a.xlsx")] == [1.0]
    # 9 empty styled rows: 11 rows, one over; the declared dimension (A1:D11) says so
    # before any row is read.
    with pytest.raises(ImportRefused) as refused:
        read_figures(_styled_empty_rows(9), "a.xlsx")
    assert refused.value.texts("en") == [
        "The sheet has more than 10 rows, counting empty formatted rows too. Delete the "
        "empty rows below the figures (select them and delete the rows) or save the "
        "figures as CSV."
    ]


def test_fl025_rows_past_the_limit_are_refused_even_under_a_small_dimension(monkeypatch):
    """A sheet declaring fewer rows than it has is still counted row by row, none dropped."""
    monkeypatch.setattr(layout, "MAX_SHEET_ROWS", 10)

    def small_dimension(data, sheet):
        # The sheet claims A1:D2 (header and one figure) but has 11 rows.
        sheet.write(re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:D2"/>', data))

    lying = _rezipped(_styled_empty_rows(9), small_dimension)
    assert b'ref="A1:D2"' in _sheet_xml(lying)  # the rewrite took
    assert _problems(lying, "a.xlsx") == [(None, "sheet_too_many_rows")]
    # Under the limit, a row past the declared dimension is read, not silently dropped.
    rows = [["indicator", "region", "period", "value"], ["x", "99", "2023", 1],
            ["x", "99", "2024", 2], ["x", "99", "2025", 3]]  # fmt: skip
    three = _rezipped(_workbook(rows), small_dimension)
    assert [f.value for f in read_figures(three, "a.xlsx")] == [1.0, 2.0, 3.0]


def _sheet_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


# Well-formed XML of the wrong shape: openpyxl's style reader fails on it with an error
# of its own (a TypeError), not a zip or XML error.
GARBLED_STYLES = (
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<numFmts count="x"><numFmt/></numFmts>'
    b"<cellXfs><xf numFmtId='q' fontId='[]'/></cellXfs></styleSheet>"
)


def test_fl026_a_workbook_openpyxl_cannot_parse_is_the_cannot_be_opened_problem(caplog):
    """A workbook whose styles.xml is garbage is refused as "cannot be opened", no traceback."""
    import zipfile

    good = _workbook([["indicator", "region", "period", "value"], ["x", "99", "2024", 1]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/styles.xml":
                data = GARBLED_STYLES
            target.writestr(member.filename, data)
    caplog.set_level("DEBUG", logger="reporting.figures.layout")
    with pytest.raises(ImportRefused) as refused:
        read_figures(out.getvalue(), "luvut.xlsx")
    assert refused.value.texts("en") == ["The file cannot be opened as an Excel workbook (.xlsx)."]
    assert any("workbook cannot be" in r.getMessage() for r in caplog.records)  # cause logged


def test_fl027_a_csv_line_without_a_required_cell_is_refused_at_its_line():
    """A CSV line cut short of a required column is a problem, not a suppressed value."""
    content = _csv(
        "indicator;region;period;value;numerator;denominator;source",
        "abc;99;2024",  # 2: no value cell at all (three cells under seven columns)
        "abc;99;2025;..",  # 3: the value suppressed as written; the optional cells left off
        "abc;99;2026;;",  # 4: an empty value cell is there: suppressed
    )
    assert _problems(content) == [(2, "short_line")]
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    assert refused.value.texts("en") == [
        "Line 2: The line has fewer cells than the header line: the cells of the columns "
        "value are missing. Write every cell; a suppressed or missing value as two dots (..)."
    ]
    # Required columns after optional ones: a line stopping before them misses them all.
    reordered = _csv("source;indicator;region;period;value", "lähde;abc;99")
    assert _problems(reordered) == [(2, "short_line")]
    with pytest.raises(ImportRefused) as refused:
        read_figures(reordered, "a.csv")
    assert "the columns period, value are missing" in refused.value.texts("en")[0]


@pytest.mark.parametrize(
    "source",
    [
        "THL\u00a0/\u00a0Sotkanet, CC BY 4.0",  # no-break spaces
        "THL/Sotkanet,CC BY 4.0 (oma)",  # no spaces at all
        "\uff34\uff28\uff2c / Sotkanet, CC BY 4.0",  # full-width THL
        "thl / sotkanet,\u3000cc by 4.0",  # ideographic space, small letters
    ],
)
def test_fl028_look_alikes_of_the_sotkanet_credit_are_reserved(source):
    """A source reading as the credit after NFKC, case folding and without spaces is refused."""
    content = _csv("indicator;region;period;value;source", f"x;99;2024;1;{source}")
    assert _problems(content) == [(2, "reserved_source")]


def test_fl029_a_value_with_a_zero_denominator_is_refused():
    """A value given with denominator 0 is a share of nothing: refused; an empty value reads."""
    content = _csv(
        "indicator;region;period;value;numerator;denominator",
        "abc;99;2024;50;0;0",  # 2: 0 of 0 cannot be 50 % (nor any share)
        "abc;99;2025;;0;0",  # 3: no value with the empty counts: read, value None
        "abc;99;2026;..;0;0",  # 4: suppressed: read
        "abc;99;2027;7;;0",  # 5: a value with only a zero denominator: refused too
    )
    assert _problems(content) == [(2, "share_of_nothing"), (5, "share_of_nothing")]
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    assert [(f.line, f.value, f.numerator, f.denominator) for f in refused.value.figures] == [
        (3, None, 0.0, 0.0),
        (4, None, 0.0, 0.0),
    ]


def test_fl030_a_repeat_of_a_row_with_another_problem_is_reported_at_once():
    """A repeat of an earlier row's key is reported even when that row has another problem."""
    content = _csv(
        "indicator;region;period;value",
        "omaolo-palvelut;99;2023;abc",  # 2: not a number, but its key is valid
        "omaolo-palvelut;99;2023;24",  # 3: the same key as line 2
        "omaolo-palvelut;99;2024;;x",  # 4: extra cell: no key read from it
        "omaolo-palvelut;99;2024;25",  # 5: so no repeat (2024 first seen here)
        "omaolo-palvelut;99;2024;abc",  # 6: repeats line 5 and is not a number
        "omaolo-palvelut;99;20244;1",  # 7: bad period: no key
        "omaolo-palvelut;99;20244;2",  # 8: the same bad period: no key, no repeat
    )
    assert _problems(content) == [
        (2, "not_a_number"),
        (3, "repeated_key"),
        (4, "extra_cells"),
        (6, "not_a_number"),
        (6, "repeated_key"),
        (7, "bad_period"),
        (8, "bad_period"),
    ]
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    assert refused.value.texts("fi")[1] == (
        "Rivi 3: Sama indikaattori, alue ja ajanjakso on jo rivillä 2."
    )
    # Only line 5 had no problem.
    assert [f.line for f in refused.value.figures] == [5]


@pytest.mark.parametrize(
    ("value", "fi", "en"),
    [
        # 100 · 10 / 40 = 25; "50,0" has one decimal -> "25,0", not "25,00".
        ("50,0", "eli 25,0.", "that is 25.0."),
        # 100 · 10 / 40 = 25; "33" has none -> "25".
        ("33", "eli 25.", "that is 25."),
        # "1,234" three decimals -> 25.000 (in English "25.000", not a thousand mark).
        ("1,234", "eli 25,000.", "that is 25.000."),
        # "3,3E1" = 33, no decimals left after the exponent -> "25".
        ("3,3E1", "eli 25.", "that is 25."),
    ],
)
def test_fl031_the_share_is_stated_with_the_decimals_the_value_was_written_with(value, fi, en):
    """A value that is not its counts' share is told the share with the value's own decimals."""
    content = _csv(
        "indicator;region;period;value;numerator;denominator", f"x;99;2024;{value};10;40"
    )
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.csv")
    assert refused.value.texts("fi")[0].endswith(fi)
    assert refused.value.texts("en")[0].endswith(en)


def test_fl031b_an_xlsx_float_share_is_stated_with_at_most_six_decimals():
    """An XLSX float of many decimals states the share with MAX_SHARE_DECIMALS (6) decimals."""
    # 1 / 3 = 0.333…: 15 or more decimals in the sheet; 100 · 1 / 3 = 33.333333…
    content = _workbook([["indicator", "region", "period", "value", "numerator", "denominator"],
                         ["x", "99", "2024", 1 / 3, 1, 3]])  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, "a.xlsx")
    assert refused.value.texts("en")[0].endswith("that is 33.333333.")


SOTKANET_FIXTURES = Path(__file__).parent / "fixtures" / "sotkanet"


@pytest.mark.parametrize(
    ("content", "name", "line"),
    [
        # Sotkanet's CSV (header indicator;region;year;gender;primary value;absolute value)
        ((SOTKANET_FIXTURES / "response.csv").read_bytes(), "sotkanet-4.csv", 1),
        # its header with a BOM, quoted and in another order
        (
            _csv(
                '"year";"indicator";"region";"gender";"absolute value";"primary value"',
                "2024;4;961;total;1230;61.5",
                bom=True,
            ),
            "s.txt",
            1,
        ),  # fmt: skip
        # Sotkanet's JSON
        ((SOTKANET_FIXTURES / "response.json").read_bytes(), "sotkanet-4.json", None),
    ],
)
def test_fl032_a_sotkanet_file_gets_one_problem_pointing_to_its_importer(content, name, line):
    """A Sotkanet CSV or JSON file is refused with one message naming import-sotkanet."""
    assert _problems(content, name) == [(line, "sotkanet_file")]
    with pytest.raises(ImportRefused) as refused:
        read_figures(content, name)
    for lang in ("fi", "sv", "en"):
        (text,) = refused.value.texts(lang)
        assert "python -m reporting import-sotkanet" in text
        assert "docs/sotkanet.md" in text
    assert refused.value.texts("en")[0].startswith(
        "Line 1: The file looks like a Sotkanet response" if line else
        "The file looks like a Sotkanet response"
    )  # fmt: skip
