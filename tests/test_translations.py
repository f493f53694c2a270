"""The translation layer and Finnish number formatting."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from string import Formatter

from translations import catalog, format_date, format_number, plotly_separators, t


def test_t001_number_format_uses_decimal_comma_and_space():
    assert format_number(12345.678, 2) == "12\u00a0345,68"
    assert format_number(1234567) == "1\u00a0234\u00a0567"
    assert format_number(-0.5, 1) == "\u22120,5"
    assert format_number(None) == ""
    assert format_number(float("nan")) == ""
    assert plotly_separators("fi") == ",\u00a0"


def test_t002_dates_and_placeholders():
    assert format_date(date(2026, 11, 3), "fi") == "3.11.2026"
    assert t("card.data_as_of", "fi", date="3.11.2026") == "Tiedot 3.11.2026 asti."


def test_t003_unknown_language_falls_back_to_finnish_and_unknown_key_shows_key():
    assert t("card.show_table", "xx") == "Näytä taulukkona"
    assert t("no.such.key") == "no.such.key"


def test_t004_every_key_used_in_code_exists_in_the_finnish_catalog():
    root = Path(__file__).resolve().parents[1]
    keys = set(catalog("fi"))
    used: set[str] = set()
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.-]+)["']""")
    for folder in ("app.py", "api.py", "charts", "dashboards", "callbacks", "queries"):
        for path in [root / folder] if folder.endswith(".py") else (root / folder).rglob("*.py"):
            used.update(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys: the pattern is wrong"
    assert used - keys == set()


def test_t005_catalog_files_are_valid_json_with_no_empty_texts():
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
