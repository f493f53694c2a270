"""The canonical layout of reported figures (reporting.figures.layout): what a CSV or
XLSX file reads as, and every problem with its line number and message."""

from __future__ import annotations

import io
from datetime import date, datetime

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
        # "1 234" (space between thousands); no source: the file name stands in.
        Figure("omaolo-palvelut", "091", date(2024, 1, 1), "year", 1234.0, None, None,
               "luvut.csv", line=3),
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
        (_csv("indicator;region;period;value", "x;99;2024;1"), "a.ods", [(None, "wrong_suffix")]),
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
