"""The contract every catalog entry keeps: a chart is one checked unit.

For each registered chart: it has its section in docs/indicators.md, a hand-computed
query test, a place on its area's page and its row in the README's chart table (the
fast part: files only, no database), and its figure builds from the hand-made fixture
database (the db part, ``reporting_db``: tests/fixtures/foundation.py on DuckDB and
PostgreSQL). docs/architecture.md ("Adding a chart") lists what a new chart needs;
these tests fail when one of those is missing.

The convention for "a hand-computed query test" (declared, and checked): a test in
``tests/`` marked ``@pytest.mark.hand_computed("<chart id>")`` that names the chart
(its id as a string, or a call of its loader, ``ChartSpec.load`` with a
``functools.partial`` unwrapped) and asserts equality with a value written in the test
— a number, or a list, tuple or dict holding numbers — worked out by hand in the
comment beside it (the project's rule for honest tests). The mark makes the claim
explicit and easy to audit; the check keeps it from being made by a test that asserts
no written-out number (a length, an index, an emptiness).
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
TEST_FILES = sorted((ROOT / "tests").glob("test_*.py"))
# A chart's definition section, as docs/architecture.md ("Adding a chart", step 6)
# states it: a level-3 heading, the id in backquotes, a space, an em dash (U+2014), a
# space and the chart's name, under its area's "## Area <n> — … (`/<slug>`)" heading.
SECTION = re.compile(r"^### `([a-z0-9-]+)` — \S", re.MULTILINE)
AREA = re.compile(r"^## Area \d+ — .*\(`/([a-z0-9-]+)`\)")
SECTION_FORM = "### `{chart_id}` — <name>"


def _literal(node: ast.AST) -> bool:
    """Whether ``node`` is written out: a constant (negated too) or a list, tuple, set
    or dict literal of such, nested included."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _literal(node.operand)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_literal(part) for part in node.elts)
    if isinstance(node, ast.Dict):
        return all(_literal(part) for part in (*node.keys, *node.values) if part is not None)
    return False


def _holds_a_number(node: ast.AST) -> bool:
    """Whether ``node`` is written out (``_literal``) and holds at least one number."""
    return _literal(node) and any(
        isinstance(part, ast.Constant) and type(part.value) in (int, float)
        for part in ast.walk(node)
    )


def _numeric_assert(function: ast.AST) -> bool:
    """Whether ``function`` asserts that something equals a written-out number (or a
    literal collection holding numbers): ``assert x == 5``, ``assert rows == [(1, 2.5)]``."""
    for node in ast.walk(function):
        if not isinstance(node, ast.Assert):
            continue
        for compare in ast.walk(node.test):
            if not isinstance(compare, ast.Compare):
                continue
            sides = [compare.left, *compare.comparators]
            for op, left, right in zip(compare.ops, sides[:-1], sides[1:], strict=True):
                if isinstance(op, ast.Eq) and (_holds_a_number(left) or _holds_a_number(right)):
                    return True
    return False


def _marked_charts(function: ast.FunctionDef) -> set[str]:
    """The chart ids of the ``@pytest.mark.hand_computed(...)`` marks on ``function``."""
    return {chart_id for d in function.decorator_list for chart_id in _marked_charts_of(d)}


def _marked_charts_of(decorator: ast.expr) -> set[str]:
    """The chart ids a decorator marks as hand-computed (none unless it is the mark)."""
    if (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "hand_computed"
    ):
        return {arg.value for arg in decorator.args if isinstance(arg, ast.Constant)}
    return set()


def _names(function: ast.FunctionDef) -> set[str]:
    """The string literals and the called function names of a function's body and
    decorators (its ``hand_computed`` marks left out: the mark does not name the chart
    for the test)."""
    names = set()
    decorators = [d for d in function.decorator_list if not _marked_charts_of(d)]
    for root in (*decorators, *function.body):
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


def hand_computed_tests() -> tuple[dict[str, list[str]], list[str]]:
    """``(chart id -> ["file::test", ...], problems)``: the tests marked
    ``hand_computed`` for each chart (the module docstring's convention), and one line
    per mark that does not hold: an unknown chart id, a test that does not name the
    chart, or one that asserts no written-out number."""
    found: dict[str, list[str]] = {}
    problems: list[str] = []
    for path in TEST_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            marked = _marked_charts(node)
            if not marked:
                continue
            where = f"{path.name}::{node.name}"
            named = _names(node)
            for chart_id in sorted(marked):
                if chart_id not in CHARTS:
                    problems.append(f"{where}: hand_computed({chart_id!r}) names no chart")
                elif not {chart_id, _loader_name(chart_id)} & named:
                    problems.append(f"{where}: does not name {chart_id!r} or its loader")
                elif not _numeric_assert(node):
                    problems.append(f"{where}: asserts no value written out by hand")
                else:
                    found.setdefault(chart_id, []).append(where)
    return found, problems


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


def section_areas(text: str) -> dict[str, str | None]:
    """Chart id -> the slug of the area heading its section stands under (None before
    any area heading)."""
    areas: dict[str, str | None] = {}
    area = None
    for line in text.splitlines():
        if line.startswith("## "):
            found = AREA.match(line)
            area = found.group(1) if found else None
        elif (section := SECTION.match(line)) is not None:
            areas[section.group(1)] = area
    return areas


@pytest.mark.unit
def test_cc001_every_chart_has_its_section_in_indicators_md():
    """Each chart id heads a section of docs/indicators.md, and no section is headed by
    an id the catalog lacks (a removed or renamed chart's definition left behind)."""
    text = INDICATORS.read_text(encoding="utf-8")
    problems = section_problems(text, sorted(CHARTS))
    assert problems == [], "chart without a definition section:\n" + "\n".join(problems)
    sections = set(SECTION.findall(text))
    assert sorted(sections - CHARTS.keys()) == [], "section of no catalog chart"
    areas = section_areas(text)
    wrong = {i: areas[i] for i, spec in CHARTS.items() if areas[i] != spec.area}
    assert wrong == {}, "definition sections outside their area's heading"


@pytest.mark.unit
def test_cc006_a_near_miss_heading_is_named_with_the_form_expected():
    """A definition heading with a hyphen, an en dash, no backquotes or level 2 or 4
    does not count, and the failure shows the expected heading and the one found; a
    section's area is the area heading above it."""
    text = (
        "## Area 4\n"
        "### `jonot` - queue length\n"  # hyphen
        "### `odotusaikajakauma` – waits\n"  # en dash
        "### omaolo-palvelut — Omaolo\n"  # no backquotes
        "#### `kirjaamisen-laatu` — recording quality\n"  # level 4
        "## `hoitotakuu-7vrk` — visits within 7 days\n"  # level 2
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
        "hoitotakuu-7vrk: no heading '### `hoitotakuu-7vrk` — <name>'; "
        "found ['## `hoitotakuu-7vrk` — visits within 7 days']",
        "liikuntalahetteet: no heading '### `liikuntalahetteet` — <name>'",
    ]
    assert section_areas(text + "## Area 1 — access (`/hoitoonpaasy`)\n### `jonot` — q\n") == {
        "digiasiointi-osuus": None,
        "jonot": "hoitoonpaasy",
    }


@pytest.mark.unit
def test_cc002_every_chart_has_a_hand_computed_query_test():
    """Each chart has a test marked hand_computed for it that names it and asserts
    equality with a value written out by hand; every such mark holds."""
    found, problems = hand_computed_tests()
    assert problems == []
    assert sorted(CHARTS.keys() - found.keys()) == [], (
        "charts without a test marked @pytest.mark.hand_computed(<id>)"
    )


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
def test_cc005_the_convention_counts_only_marked_tests_with_written_values(tmp_path, monkeypatch):
    """A marked test counts when it names the chart and asserts equality with written
    numbers; a mark on a test asserting a length, an index or nothing, or naming
    another chart or none, is a problem; an unmarked test does not count."""
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "@pytest.mark.hand_computed('omaolo-palvelut')\n"
        "def test_a():\n"
        "    assert count('omaolo-palvelut') == [(1, 23), (2, -0.5)]  # by hand\n"
        "@pytest.mark.hand_computed('jonot')\n"
        "def test_b():\n"
        "    assert len(queue_snapshots(f).columns) > 0\n"
        "    assert queue_snapshots(f)['rows'][0] == expected\n"
        "@pytest.mark.hand_computed('jonot')\n"
        "def test_c():\n"
        "    assert count('omaolo-palvelut') == 5\n"
        "@pytest.mark.hand_computed('no-such-chart')\n"
        "def test_d():\n"
        "    assert count('no-such-chart') == 5\n"
        "def test_e():\n"
        "    assert count('liikuntalahetteet') == 1\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "TEST_FILES", [sample])
    assert hand_computed_tests() == (
        {"omaolo-palvelut": ["test_sample.py::test_a"]},
        [
            "test_sample.py::test_b: asserts no value written out by hand",
            "test_sample.py::test_c: does not name 'jonot' or its loader",
            "test_sample.py::test_d: hand_computed('no-such-chart') names no chart",
        ],
    )


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
