"""The contract every catalog entry keeps: a chart is one checked unit.

For each registered chart: it has its section in docs/indicators.md, a hand-computed
query test, a place on its area's page and its row in the README's chart table (the
fast part: files only, no database), and its figure builds from the hand-made fixture
database (the db part, ``reporting_db``: tests/fixtures/foundation.py on DuckDB and
PostgreSQL). docs/architecture.md ("Adding a chart") lists what a new chart needs;
these tests fail when one of those is missing.

The convention for "a hand-computed query test" (checkable, so it is checked): a test
function in ``tests/test_queries*.py`` that names the chart — its id as a string (a
``CHARTS`` key, a payload's chart id or the reported indicator of that id) or a call of
its loader (``ChartSpec.load``, a ``functools.partial`` unwrapped: ``access_within_days``)
— and asserts against a number written in the test, worked out by hand in the comment
beside it (the project's rule for honest tests).
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

from charts.catalog import CHARTS
from charts.readme_table import README
from queries.filters import Filters

ROOT = Path(__file__).resolve().parents[1]
INDICATORS = ROOT / "docs" / "indicators.md"
QUERY_TESTS = sorted((ROOT / "tests").glob("test_queries*.py"))
# A chart's definition section, as docs/architecture.md ("Adding a chart", step 6)
# states it: a level-2 or level-3 heading, the id in backquotes, a space, an em dash
# (U+2014), a space and the chart's name.
SECTION = re.compile(r"^#{2,3} `([a-z0-9-]+)` — \S", re.MULTILINE)
SECTION_FORM = "### `{chart_id}` — <name>"


def _numeric_assert(function: ast.AST) -> bool:
    """Whether ``function`` asserts something against a number literal."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            for part in ast.walk(node):
                if isinstance(part, ast.Constant) and type(part.value) in (int, float):
                    return True
    return False


def _names(function: ast.FunctionDef) -> set[str]:
    """The string literals and the called function names of a function's body and
    decorators."""
    names = set()
    for root in (*function.decorator_list, *function.body):
        for node in ast.walk(root):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                names.add(node.func.id)
    return names


def _loader_name(chart_id: str) -> str:
    """The name of the function a chart's ``load`` calls (a partial unwrapped)."""
    load = CHARTS[chart_id].load
    return getattr(load, "func", load).__name__


def hand_computed_tests() -> dict[str, list[str]]:
    """``chart id -> ["file::test", ...]``: the query tests that name the id and assert
    against a written-out number (the module docstring's convention)."""
    wanted = {chart_id: {chart_id, _loader_name(chart_id)} for chart_id in CHARTS}
    found: dict[str, list[str]] = {}
    for path in QUERY_TESTS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            if not _numeric_assert(node):
                continue
            named = _names(node)
            for chart_id, names in wanted.items():
                if names & named:
                    found.setdefault(chart_id, []).append(f"{path.name}::{node.name}")
    return found


def section_problems(text: str, chart_ids: list[str]) -> list[str]:
    """One line per id of ``chart_ids`` that heads no section of ``text`` (the Markdown of
    docs/indicators.md): the heading expected and, when a heading names the id in
    another form (a hyphen or en dash for the em dash, no backquotes, another level),
    that heading, so the fix is plain."""
    sections = set(SECTION.findall(text))
    headings = [line for line in text.splitlines() if line.startswith("#")]
    problems = []
    for chart_id in chart_ids:
        if chart_id in sections:
            continue
        problem = f"{chart_id}: no heading {SECTION_FORM.format(chart_id=chart_id)!r}"
        near = [line for line in headings if chart_id in line]
        if near:
            problem += f"; found {near!r}"
        problems.append(problem)
    return problems


# --- Fast part: files only -----------------------------------------------------------


@pytest.mark.unit
def test_cc001_every_chart_has_its_section_in_indicators_md():
    """Each chart id heads a section of docs/indicators.md, and no section is headed by
    an id the catalog lacks (a removed or renamed chart's definition left behind)."""
    text = INDICATORS.read_text(encoding="utf-8")
    problems = section_problems(text, sorted(CHARTS))
    assert problems == [], "chart without a definition section:\n" + "\n".join(problems)
    sections = set(SECTION.findall(text))
    assert sorted(sections - CHARTS.keys()) == [], "section of no catalog chart"


@pytest.mark.unit
def test_cc006_a_near_miss_heading_is_named_with_the_form_expected():
    """A definition heading with a hyphen, an en dash, no backquotes or level 4 does
    not count, and the failure shows the expected heading and the one found."""
    text = (
        "## Area 4\n"
        "### `jonot` - queue length\n"  # hyphen
        "### `odotusaikajakauma` – waits\n"  # en dash
        "### omaolo-palvelut — Omaolo\n"  # no backquotes
        "#### `kirjaamisen-laatu` — recording quality\n"  # level 4
        "## `hoitotakuu-7vrk` — visits within 7 days\n"  # level 2: accepted
        "### `digiasiointi-osuus` — remote share\n"  # level 3: accepted
    )
    ids = [
        "jonot",
        "odotusaikajakauma",
        "omaolo-palvelut",
        "kirjaamisen-laatu",
        "hoitotakuu-7vrk",
        "digiasiointi-osuus",
        "liikuntalahetteet",
    ]
    assert section_problems(text, ids) == [
        "jonot: no heading '### `jonot` — <name>'; found ['### `jonot` - queue length']",
        "odotusaikajakauma: no heading '### `odotusaikajakauma` — <name>'; "
        "found ['### `odotusaikajakauma` – waits']",
        "omaolo-palvelut: no heading '### `omaolo-palvelut` — <name>'; "
        "found ['### omaolo-palvelut — Omaolo']",
        "kirjaamisen-laatu: no heading '### `kirjaamisen-laatu` — <name>'; "
        "found ['#### `kirjaamisen-laatu` — recording quality']",
        "liikuntalahetteet: no heading '### `liikuntalahetteet` — <name>'",
    ]


@pytest.mark.unit
def test_cc002_every_chart_has_a_hand_computed_query_test():
    """Each chart is named (id or loader) by a test_queries*.py test that asserts a
    written number."""
    found = hand_computed_tests()
    assert sorted(CHARTS.keys() - found.keys()) == []


@pytest.mark.unit
def test_cc003_every_chart_is_on_its_area_page():
    """Each chart is listed once by the page of its own area (dashboards.<area>)."""
    for chart_id, spec in CHARTS.items():
        page = importlib.import_module(f"dashboards.{spec.area}")
        assert page.CHART_IDS.count(chart_id) == 1, (chart_id, spec.area)


@pytest.mark.unit
def test_cc004_every_chart_has_its_readme_row():
    """Each chart id has exactly one row in README.md's generated chart table."""
    text = README.read_text(encoding="utf-8")
    for chart_id, spec in CHARTS.items():
        rows = [line for line in text.splitlines() if line.startswith(f"| `/{spec.area}` |")]
        assert sum(f"| `{chart_id}` |" in row for row in rows) == 1, chart_id


@pytest.mark.unit
def test_cc005_the_convention_finds_tests_and_refuses_loose_mentions(tmp_path, monkeypatch):
    """The hand-computed-test convention counts a test naming the id or calling the
    loader with a numeric assert, and not one without a number or a helper."""
    sample = tmp_path / "test_queries_sample.py"
    sample.write_text(
        "def test_a():\n"
        "    frame = load('jonot')\n"
        "    assert frame.empty\n"
        "def test_b():\n"
        "    assert count('omaolo-palvelut') == 23  # by hand\n"
        "def test_c():\n"
        "    assert queue_snapshots(f).iloc[0]['value'] == 5\n"
        "def helper():\n"
        "    assert count('liikuntalahetteet') == 1\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "QUERY_TESTS", [sample])
    assert hand_computed_tests() == {
        "omaolo-palvelut": ["test_queries_sample.py::test_b"],
        "jonot": ["test_queries_sample.py::test_c"],
    }


# --- DB part: the fixture database ---------------------------------------------------


@pytest.mark.parametrize("chart_id", sorted(CHARTS))
def test_cc101_every_chart_renders_from_the_fixture(reporting_db, chart_id):
    """Each chart's card payload builds on the fixture: a figure with traces, a table
    with the period column first, and a summary sentence."""
    from charts.payload import chart_payload

    payload = chart_payload(chart_id, Filters(start="2023-01"), "fi")
    assert payload["view"] == "series"
    assert payload["figure"]["data"], chart_id
    assert payload["table"]["columns"] and payload["table"]["rows"], chart_id
    assert payload["summary"], chart_id
