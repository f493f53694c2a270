"""No import circles between the app's modules, not even behind an import inside a
function: every project module is parsed with ``ast`` (nothing is imported), its
imports at any depth become edges, and a circle fails the test with its modules named.

A circle hides a missing layer: the shared piece belongs in a module both sides can
import (docs/architecture.md, "Layers")."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from tests.servers import ROOT

pytestmark = pytest.mark.unit  # files parsed, nothing imported or served

# Not the app: the test suite and the benchmarks may import anything.
NOT_PROJECT = {"tests", "bench"}


def project_modules(root: Path) -> dict[str, Path]:
    """Every module of the app under ``root``: dotted name -> file. The top-level
    ``*.py`` files and the files of every top-level package (a folder with an
    ``__init__.py``), subfolders included; a package's ``__init__.py`` is the package's
    own name."""
    modules: dict[str, Path] = {}
    for path in sorted(root.glob("*.py")):
        modules[path.stem] = path
    for init in sorted(root.glob("*/__init__.py")):
        package = init.parent
        if package.name in NOT_PROJECT:
            continue
        for path in sorted(package.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of a relative import (``from ..x import y`` in ``module``)."""
    if level == 0:
        return name or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imported_modules(module: str, path: Path, known: Iterable[str]) -> set[str]:
    """The project modules ``module`` (at ``path``) imports, at any depth of its code.

    ``from pkg import name`` counts as ``pkg.name`` when that is a module, else as
    ``pkg``; relative imports are resolved against ``module``; imports of other
    distributions (dash, pandas...) and of ``module`` itself are left out."""
    known = set(known)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        named = _dynamically_imported(node)
        if named is not None:
            found.add(named)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, is_package, node.level, node.module)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.add(submodule if submodule in known else source)
    return {name for name in found if name in known and name != module}


_DYNAMIC = {"import_module", "__import__"}  # importlib.import_module and the builtin


def _dynamically_imported(node: ast.AST) -> str | None:
    """The module a call such as ``importlib.import_module("a.b")`` or
    ``__import__("a")`` imports, when it names it in a string; None for other nodes."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in _DYNAMIC:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""


def unseen_imports(root: Path) -> list[str]:
    """Dynamic imports whose module the graph cannot know (a name computed at run
    time), as ``"file:line"``: each could hide a circle."""
    unseen = []
    for path in project_modules(root).values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if _dynamically_imported(node) == "":
                unseen.append(f"{path.relative_to(root)}:{node.lineno}")
    return sorted(unseen)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the project modules it imports, for every module under ``root``."""
    modules = project_modules(root)
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One circle per group of modules that reach each other (a strongly connected
    component, Tarjan's algorithm), as the modules in import order with the first
    repeated at the end: ``["a", "b", "a"]`` for a module ``a`` importing ``b`` and ``b``
    importing ``a``. Empty when the graph has none."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        # Recursion depth is bounded by the number of modules (a few hundred).
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_round(group, graph) for group in groups]


def _path_round(group: set[str], graph: Mapping[str, set[str]]) -> list[str]:
    """A shortest way from the group's first module back to itself inside the group."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    way = [start]
                    while node != start:
                        way.append(node)
                        node = came_from[node]
                    return [start, *reversed(way[1:]), start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no way round {sorted(group)}")  # a component always has one


def test_ig001_the_app_has_no_import_circles():
    """No module of the app reaches itself through imports, module- or function-level."""
    found = circles(import_graph(ROOT))
    assert not found, "import circles: " + "; ".join(" -> ".join(c) for c in found)


def test_ig002_a_function_level_import_circle_is_found_and_named(tmp_path):
    """A circle through a function-level, a relative and a from-package import is named."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "low.py").write_text("def f():\n    from top import g\n")
    (tmp_path / "pkg" / "mid.py").write_text("from . import low\n")
    (tmp_path / "top.py").write_text("import json\nfrom pkg import mid\ng = 1\n")
    (tmp_path / "alone.py").write_text("from pkg import low\n")
    (tmp_path / "user.py").write_text("from pkg import VALUE\n")
    graph = import_graph(tmp_path)
    assert graph == {
        "alone": {"pkg.low"},
        "user": {"pkg"},
        "pkg": set(),
        "pkg.low": {"top"},
        "pkg.mid": {"pkg.low"},
        "top": {"pkg.mid"},
    }
    assert circles(graph) == [["pkg.low", "top", "pkg.mid", "pkg.low"]]


def test_ig006_dynamic_imports_are_edges_and_computed_names_are_refused(tmp_path):
    """``importlib.import_module("x")`` and ``__import__("x")`` are edges like imports;
    a module name computed at run time is listed, since the graph cannot see it."""
    (tmp_path / "a.py").write_text("import importlib\nimportlib.import_module('b')\n")
    (tmp_path / "b.py").write_text("def f():\n    return __import__('a')\n")
    (tmp_path / "c.py").write_text("import importlib\nname = 'a'\nimportlib.import_module(name)\n")
    graph = import_graph(tmp_path)
    assert graph == {"a": {"b"}, "b": {"a"}, "c": set()}
    assert circles(graph) == [["a", "b", "a"]]
    assert unseen_imports(tmp_path) == ["c.py:3"]


def test_ig007_the_app_imports_no_module_by_a_computed_name():
    """Every import in the app names its module, so the graph above is complete."""
    assert unseen_imports(ROOT) == []


def test_ig003_separate_circles_are_each_reported_once():
    """Two separate circles are each reported once; a module importing into one is in none."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert circles(graph) == [["a", "b", "a"], ["c", "d", "e", "c"]]


def _layer_breaches(graph: Mapping[str, set[str]]) -> list[str]:
    """Imports against the layers of ``charts/`` (docs/architecture.md, "Layers"): a
    figure builder importing the catalog, the payload or a card view, or a chart data
    module importing a card view; as ``"importer -> imported"``."""
    banned_for_figures = ("charts.catalog", "charts.payload", "charts.kpi_payload", "charts.cards")
    breaches = []
    for module, imported in sorted(graph.items()):
        for target in sorted(imported):
            if (
                module.startswith("charts.figures")
                and target.startswith(banned_for_figures)
                or (
                    module.startswith("charts.")
                    and not module.startswith("charts.cards")
                    and target.startswith("charts.cards")
                )
            ):
                breaches.append(f"{module} -> {target}")
    return breaches


def test_ig004_figure_builders_and_chart_data_import_no_higher_layer():
    """Figure builders import no catalog, payload or card view; chart data no card view."""
    assert _layer_breaches(import_graph(ROOT)) == []


def test_ig005_a_layer_breach_is_named():
    """Upward imports of a figure builder and of chart data are named; downward ones not."""
    graph = {
        "charts.figures.spc": {"charts.spc", "charts.payload"},
        "charts.payload": {"charts.figures.spc", "charts.cards.chart"},
        "charts.cards.chart": {"charts.payload"},
    }
    assert _layer_breaches(graph) == [
        "charts.figures.spc -> charts.payload",
        "charts.payload -> charts.cards.chart",
    ]
