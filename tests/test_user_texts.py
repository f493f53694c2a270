"""No user-facing text is written into the code: every text a user sees goes through
the catalogs (``translations.t``), so the page is whole in Swedish and English too.

An AST scan of the app's code finds string literals that end up as visible or
announced text: the children of Dash components (``html.*``, ``dcc.*``, ``dbc.*``,
positional or ``children=``), their text properties (``placeholder``, ``title``,
``label``, ``alt``, ``aria-label`` …), ``{"label": …}`` options, the texts of plotly
figures (``title``, ``name``, ``hovertemplate`` …) and ``.text =`` in the PowerPoint
and Word exports. A literal is text when it holds a letter; ids, class names, URLs,
format strings and punctuation ("–", "·", ": ") have none, and plotly's placeholders
(``%{y}``) and HTML tags do not count as letters."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
SCANNED = [
    *(
        path
        for folder in ("dashboards", "charts", "callbacks", "meetings", "exports")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ),
    ROOT / "app.py",
    ROOT / "api.py",
    ROOT / "http_errors.py",
]
COMPONENT_MODULES = {"html", "dcc", "dbc"}
# Properties of Dash components and plotly objects that users see or hear.
TEXT_PROPS = {
    "children",
    "placeholder",
    "title",
    "label",
    "alt",
    "text",
    "name",
    "hovertemplate",
    "texttemplate",
    "header",
    "tooltip",
    "loading_text",
    "search_placeholder",
    "summary",
    "caption",
}
TEXT_ATTRIBUTES = {
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "aria-placeholder",
    "title",
    "alt",
}
LETTER = re.compile(r"[^\W\d_]")
# Not text: plotly placeholders (%{y:.1f}), HTML tags (<br>, <extra></extra>), and
# str.format fields ({value}).
NOT_TEXT = re.compile(r"%\{[^}]*\}|</?[a-z]+\s*/?>|\{[a-z_0-9]*(:[^}]*)?\}")


def _is_text(value: str) -> bool:
    return bool(LETTER.search(NOT_TEXT.sub("", value)))


def _literals(node: ast.AST):
    """The string literals that ``node``, an argument, puts on screen as they are:
    the literal itself, the literal parts of an f-string, the items of a list or a
    tuple, both sides of ``+`` and both branches of ``a if c else b``. Calls are not
    entered (a component inside is checked on its own; ``t()`` is the catalog)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            yield from _literals(part)
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            yield from _literals(item)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _literals(value)


def _call_name(call: ast.Call) -> tuple[str, str] | None:
    """("html", "Div") for ``html.Div(...)``, ("go", "Scatter") for ``go.Scatter``."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id, func.attr
    if isinstance(func, ast.Attribute):
        return "", func.attr
    return None


def _is_figure_call(module: str, name: str) -> bool:
    return module == "go" or name.startswith(("update_", "add_"))


def _texts_in(tree: ast.AST):
    """(line, literal) of each hard-coded user-facing text in ``tree``."""
    for node in ast.walk(tree):
        found: list[ast.AST] = []
        if isinstance(node, ast.Call) and (name := _call_name(node)):
            module, attr = name
            component = module in COMPONENT_MODULES and attr[:1].isupper()
            if component:
                for arg in node.args:
                    found += _literals(arg)
            if component or _is_figure_call(module, attr):
                for keyword in node.keywords:
                    if keyword.arg in TEXT_PROPS:
                        found += _literals(keyword.value)
                    elif keyword.arg is None and isinstance(keyword.value, ast.Dict):
                        for key, value in zip(
                            keyword.value.keys, keyword.value.values, strict=True
                        ):
                            if isinstance(key, ast.Constant) and key.value in TEXT_ATTRIBUTES:
                                found += _literals(value)
        elif isinstance(node, ast.Dict):
            # Options of radio items, checklists and selects: {"label": ..., "value": ...}
            # and the messages of JSON error answers: {"error": ...}
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in ("label", "error"):
                    found += _literals(value)
        elif isinstance(node, ast.Assign) and any(
            # python-pptx and python-docx: shape.text = ..., paragraph.text = ...
            isinstance(target, ast.Attribute) and target.attr == "text"
            for target in node.targets
        ):
            found += _literals(node.value)
        for literal in found:
            if _is_text(literal.value):
                yield literal.lineno, literal.value


def _default_language_texts(tree: ast.AST):
    """(line, key) of each ``t(key)`` without a language: a text in the default
    language whatever the page's (e.g. one fixed when a callback is registered).
    Dash Pages' ``name`` of a page is exempt: it is not shown (each page has a
    ``title``)."""
    exempt = {
        id(keyword.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "register_page"
        for keyword in node.keywords
        if keyword.arg == "name"
    }
    # ... and in a dict of register_page's arguments ({"path": ..., "name": ...}).
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [key.value if isinstance(key, ast.Constant) else None for key in node.keys]
            if "path" in keys and "name" in keys:
                exempt.add(id(node.values[keys.index("name")]))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "t"
            and len(node.args) < 2
            and not any(keyword.arg == "lang" for keyword in node.keywords)
            and id(node) not in exempt
        ):
            key = (
                node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else "?"
            )
            yield node.lineno, key


def test_ut001_the_scan_finds_what_it_should():
    """The scan flags hard-coded visible texts and t() without a language, not ids or marks."""
    code = """
html.Div("Tervetuloa")
html.P(["Arvo: ", t("x")])
dbc.Input(placeholder="Hae…")
html.Img(alt=f"Kuva {n}")
html.Nav(x, **{"aria-label": "Navigation"})
dbc.RadioItems(options=[{"label": "Kuukausi", "value": "month"}])
go.Scatter(name="Jonossa", hovertemplate="%{y}<extra></extra>")
fig.update_layout(title="Otsikko")
shape.text = "Lähde"
jsonify({"error": "Virhe"})
html.Span(t("a") + " (beta)")
"""
    found = sorted(text for _, text in _texts_in(ast.parse(code)))
    assert found == sorted(
        [
            "Tervetuloa",
            "Arvo: ",
            "Hae…",
            "Kuva ",
            "Navigation",
            "Kuukausi",
            "Jonossa",
            "Otsikko",
            "Lähde",
            " (beta)",
            "Virhe",
        ]
    )
    allowed = """
html.Div(id="main", className="chart-card mb-3")
html.Span(" – ")
html.Span(["·", t("a"), ": "])
go.Scatter(hovertemplate="%{x}: %{y:.1f}<extra></extra>", mode="lines")
html.A(t("a"), href="/hoitoonpaasy?lang=sv", target="_blank")
html.P(f"{n} / {total}")
dcc.Store(id="x", data="month")
"""
    assert list(_texts_in(ast.parse(allowed))) == []
    calls = (
        "t('a')\nt('b', lang)\nt('c', lang=lang)\nt('d', 'fi')\n"
        "register_page(__name__, name=t('e'))\n{'path': '/', 'name': t('f')}"
    )
    assert [key for _, key in _default_language_texts(ast.parse(calls))] == ["a"]


def test_ut002_no_user_facing_text_is_hard_coded():
    """No user-facing text is hard-coded in the app's code; all go through the catalogs."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in SCANNED
        for line, text in _texts_in(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_ut003_no_text_is_fixed_in_the_default_language():
    """No t() call outside page names omits the language, fixing the text in Finnish."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: t({key!r})"
        for path in [*SCANNED, *sorted((ROOT / "queries").rglob("*.py"))]
        for line, key in _default_language_texts(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []
