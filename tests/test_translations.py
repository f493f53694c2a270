"""The translation layer and Finnish number formatting."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from string import Formatter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translations import (
    catalog,
    format_clock,
    format_date,
    format_number,
    format_time,
    plotly_separators,
    plural_category,
    t,
    t_plural,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
NBSP, MINUS = "\u00a0", "\u2212"


def test_t001_number_format_uses_decimal_comma_and_space():
    """Finnish numbers use a decimal comma, no-break-space grouping and a true minus; None is ""."""
    assert format_number(12345.678, 2) == "12\u00a0345,68"
    assert format_number(1234567) == "1\u00a0234\u00a0567"
    assert format_number(-0.5, 1) == "\u22120,5"
    assert format_number(None) == ""
    assert format_number(float("nan")) == ""
    assert plotly_separators("fi") == ",\u00a0"


def test_t002_dates_and_placeholders():
    """Finnish dates read d.m.yyyy and t() fills placeholders."""
    assert format_date(date(2026, 11, 3), "fi") == "3.11.2026"
    assert t("card.data_as_of", "fi", date="3.11.2026") == "Tiedot 3.11.2026 asti."


def test_t003_unknown_language_falls_back_to_finnish_and_unknown_key_shows_key():
    """An unknown language falls back to Finnish and an unknown key shows itself."""
    assert t("card.show_table", "xx") == "Näytä taulukkona"
    assert t("no.such.key") == "no.such.key"


def test_t004_every_key_used_in_code_exists_in_the_finnish_catalog():
    """Every literal t() key in the app's code exists in the Finnish catalog."""
    root = Path(__file__).resolve().parents[1]
    keys = set(catalog("fi"))
    used: set[str] = set()
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.-]+)["']""")
    for folder in (
        "app.py",
        "api.py",
        "access_control.py",
        "charts",
        "dashboards",
        "callbacks",
        "queries",
        "meetings",
    ):
        for path in [root / folder] if folder.endswith(".py") else (root / folder).rglob("*.py"):
            used.update(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys: the pattern is wrong"
    assert used - keys == set()


def test_t005_catalog_files_are_valid_json_with_no_empty_texts():
    """Every Finnish catalog file is valid JSON with no empty or non-string texts."""
    files = sorted((Path(__file__).resolve().parents[1] / "translations" / "fi").glob("*.json"))
    assert len(files) >= 2
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert all(isinstance(v, str) and v.strip() for v in data.values()), path.name


def _placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in Formatter().parse(template) if name}


def test_t006_swedish_and_english_catalogs_mirror_the_finnish_one():
    """Every catalog file of sv and en has the Finnish file's keys in its order, each
    text non-empty and with exactly the Finnish text's placeholders (a translator's
    tool and ``t()`` rely on both)."""
    root = Path(__file__).resolve().parents[1] / "translations"
    languages = {
        path.name for path in root.iterdir() if path.is_dir() and path.name != "__pycache__"
    }
    assert languages == {"fi", "sv", "en"}
    reference = {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in (root / "fi").glob("*.json")
    }
    for lang in ("sv", "en"):
        files = {path.name for path in (root / lang).glob("*.json")}
        assert files == set(reference), lang
        for name, finnish in reference.items():
            translated = json.loads((root / lang / name).read_text(encoding="utf-8"))
            assert list(translated) == list(finnish), f"{lang}/{name}: keys differ"
            for key, text in translated.items():
                assert isinstance(text, str) and text.strip(), f"{lang}/{name}: {key} empty"
                assert _placeholders(text) == _placeholders(finnish[key]), f"{lang}: {key}"


def test_t007_numbers_per_language_from_cldr():
    """Worked by hand from CLDR: Finnish and Swedish group with a no-break space, mark
    decimals with a comma and write U+2212 as the minus sign; English (en_GB) groups
    with a comma, marks decimals with a point and writes the hyphen-minus."""
    cases = [
        # value, decimals, fi (and sv), en
        (12345.678, 2, f"12{NBSP}345,68", "12,345.68"),
        (-12345.678, 2, f"{MINUS}12{NBSP}345,68", "-12,345.68"),
        (1234567, 0, f"1{NBSP}234{NBSP}567", "1,234,567"),
        (-1234567, 0, f"{MINUS}1{NBSP}234{NBSP}567", "-1,234,567"),
        (999, 0, "999", "999"),
        (1000, 0, f"1{NBSP}000", "1,000"),
        (0, 0, "0", "0"),
        (0, 2, "0,00", "0.00"),
        (-0.5, 1, f"{MINUS}0,5", "-0.5"),
        (42.0, 1, "42,0", "42.0"),
        (9876543210.5, 1, f"9{NBSP}876{NBSP}543{NBSP}210,5", "9,876,543,210.5"),
        # A negative value that rounds to zero keeps its sign, as Python's f-string does.
        (-0.001, 0, f"{MINUS}0", "-0"),
    ]
    for value, decimals, nordic, english in cases:
        assert format_number(value, decimals, "fi") == nordic, (value, decimals)
        assert format_number(value, decimals, "sv") == nordic, (value, decimals)
        assert format_number(value, decimals, "en") == english, (value, decimals)
    for lang in ("fi", "sv", "en", None):
        assert format_number(None, 2, lang) == ""
        assert format_number(float("nan"), 2, lang) == ""
    # No language, or one without formats, is formatted as Finnish.
    assert format_number(-12345.678, 2) == f"{MINUS}12{NBSP}345,68"
    assert format_number(-12345.678, 2, "xx") == f"{MINUS}12{NBSP}345,68"


def test_t008_rounding_stays_pythons():
    """Babel only writes digits: the rounding is Python's f-string rounding of the
    float's binary value (round-half-even where the binary value is exactly half;
    2.675 is 2.67499999... in binary), which the privacy rules rely on. Babel's own
    rounding (ROUND_HALF_EVEN on the decimal string) would give 0,13 and 2,68."""
    assert format_number(0.125, 2, "fi") == "0,12"
    assert format_number(0.375, 2, "fi") == "0,38"
    assert format_number(2.675, 2, "fi") == "2,67"
    assert format_number(1.005, 2, "en") == "1.00"
    assert format_number(0.5, 0, "fi") == "0"
    assert format_number(1.5, 0, "fi") == "2"
    assert format_number(2.5, 0, "fi") == "2"
    assert format_number(-2.5, 0, "fi") == f"{MINUS}2"
    assert format_number(12344.5, 0, "sv") == f"12{NBSP}344"


@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(min_value=-(10**30), max_value=10**30),
    ),
    st.integers(min_value=0, max_value=4),
)
def test_t009_number_digits_are_exactly_pythons(value, decimals):
    """For any finite float or integer, the digits are f"{value:,.{decimals}f}"'s, only
    the signs differ (also beyond the decimal module's 28 digits)."""
    python = f"{value:,.{decimals}f}"
    english = format_number(value, decimals, "en")
    finnish = format_number(value, decimals, "fi")
    assert english == python
    swapped = python.replace(",", "\x00").replace(".", ",").replace("\x00", NBSP)
    assert finnish == swapped.replace("-", MINUS)


def test_t010_dates_and_times_per_language_from_cldr():
    """Finnish and Finland-Swedish (sv_FI) write 3.11.2026 and 9.05; English (en_GB,
    CLDR "medium") 3 Nov 2026 and 09:05. A moment is shown in Finnish time."""
    day = date(2026, 11, 3)
    assert format_date(day, "fi") == "3.11.2026"
    assert format_date(day, "sv") == "3.11.2026"
    assert format_date(day, "en") == "3 Nov 2026"
    assert format_date(date(2027, 1, 9), "en") == "9 Jan 2027"
    assert format_date(day) == "3.11.2026"
    assert format_clock(time(9, 5), "fi") == "9.05"
    assert format_clock(time(9, 5), "sv") == "9.05"
    assert format_clock(time(9, 5), "en") == "09:05"
    assert format_clock(datetime(2026, 11, 3, 23, 59), "fi") == "23.59"
    # 10.15 UTC is 12.15 in Helsinki in November (EET, UTC+2).
    moment = datetime(2026, 11, 30, 10, 15, tzinfo=UTC)
    assert format_time(moment, "fi") == "30.11.2026 klo 12.15"


def test_t011_plotly_separators_per_language():
    """Plotly separators are comma and no-break space for fi and sv (default), ".," for en."""
    assert plotly_separators("fi") == f",{NBSP}"
    assert plotly_separators("sv") == f",{NBSP}"
    assert plotly_separators("en") == ".,"
    assert plotly_separators(None) == f",{NBSP}"


def test_t012_plurals_follow_cldr_rules():
    """Finnish, Swedish and English have the CLDR categories "one" (exactly 1) and
    "other"; t_plural picks the key given for the count's category."""
    for lang in ("fi", "sv", "en"):
        assert [plural_category(n, lang) for n in (0, 1, 2, 5, 21)] == [
            "other",
            "one",
            "other",
            "other",
            "other",
        ]
    keys = {"one": "meetings.index.members_one", "other": "meetings.index.members_count"}
    assert t_plural(1, "fi", **keys, count=1) == "1 jäsen"
    assert t_plural(3, "fi", **keys, count=3) == "3 jäsentä"
    assert t_plural(0, "fi", **keys, count=0) == "0 jäsentä"
    # "other" is the fallback for a category without a key of its own.
    assert t_plural(1, "fi", other="meetings.index.members_count", count=1) == "1 jäsentä"


def test_t013_every_plural_key_exists_in_the_finnish_catalog():
    """The keys handed to t_plural (``one="..."``, ``other="..."``) are in the catalog."""
    keys = set(catalog("fi"))
    pattern = re.compile(r"""\b(?:zero|one|two|few|many|other)=["']([a-z_]+\.[a-z0-9_.-]+)["']""")
    used: set[str] = set()
    for folder in ("charts", "dashboards", "callbacks", "meetings"):
        for path in (ROOT / folder).rglob("*.py"):
            used.update(pattern.findall(path.read_text(encoding="utf-8")))
    assert "meetings.index.members_one" in used, "the scan found no keys: the pattern is wrong"
    assert used - keys == set()


def test_t014_vendored_plotly_locales_match_the_served_plotly():
    """assets/ carries plotly.js's own fi and sv locales of the very plotly.js version
    Dash serves (the version is in the file name), with plotly's MIT license. Each
    registers its locale by name, before or after plotly.js has loaded."""
    import plotly

    banner = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8"
    )[:200]
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", banner).group(1)
    assert (ROOT / "assets" / "05-plotly-locales-LICENSE.txt").read_text().startswith("MIT License")
    for lang in ("fi", "sv"):
        found = sorted((ROOT / "assets").glob(f"05-plotly-locale-{lang}-*.js"))
        assert [path.name for path in found] == [f"05-plotly-locale-{lang}-{version}.js"]
        text = found[0].read_text(encoding="utf-8")
        assert f'moduleType:"locale",name:"{lang}"' in text
        assert "Plotly.register(locale)" in text and "window.PlotlyLocales" in text


def test_t015_graph_config_carries_the_page_language():
    """The graph config carries the page language (fi if unknown), one shared config each."""
    from charts.cards.chart import graph_config

    assert graph_config("fi")["locale"] == "fi"
    assert graph_config("sv")["locale"] == "sv"
    assert graph_config("en")["locale"] == "en"
    assert graph_config(None)["locale"] == "fi"
    assert graph_config("xx")["locale"] == "fi"
    config = graph_config("sv")
    assert config is graph_config("sv"), "one config per language"
    assert config["displaylogo"] is False and "toImage" in config["modeBarButtonsToRemove"]
