"""Every test says in one line which behaviour it guards: the first line of its docstring
is there, is not empty and is not the test's name again (read from the source, not run)."""

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

TESTS = Path(__file__).resolve().parent
TEST_FILES = sorted(TESTS.glob("test_*.py"))
MIN_WORDS = 3  # "Bad dates refused." is the shortest sentence that says what is guarded


def collected_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions pytest collects from a test module: ``test_*`` at module level and
    in ``Test*`` classes."""
    found = []
    for node in tree.body:
        bodies = [node]
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            bodies = node.body
        found += [
            n
            for n in bodies
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test_")
        ]
    return found


def words(text: str) -> list[str]:
    """Lower-case words of ``text``; underscores separate words, punctuation is dropped."""
    return re.findall(r"[a-z0-9åäö]+", text.lower().replace("_", " "))


def problem(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """What is wrong with a test function's docstring, or None when its first line says
    something the name does not."""
    docstring = ast.get_docstring(function)
    if docstring is None:
        return "no docstring"
    first = docstring.strip().splitlines()[0].strip() if docstring.strip() else ""
    if not first:
        return "empty docstring"
    said = words(first)
    # The name without "test_" and without its id (ac001, mp003b): "a001_x" -> "x".
    name = words(re.sub(r"^test_([a-z]{0,3}\d+[a-z]?_)?", "", function.name))
    if said == name or said == words(function.name):
        return f"first line only repeats the name: {first!r}"
    if len(said) < MIN_WORDS:
        return f"first line too short to say a behaviour: {first!r}"
    return None


@pytest.mark.parametrize("path", TEST_FILES, ids=[path.name for path in TEST_FILES])
def test_td001_every_test_has_a_docstring_saying_what_it_guards(path):
    """Each test function's docstring has a first line that states a behaviour."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = [
        f"{function.name} (line {function.lineno}): {problem(function)}"
        for function in collected_functions(tree)
        if problem(function)
    ]
    assert problems == [], f"{path.name}:\n" + "\n".join(problems)


def test_td002_the_check_tells_a_behaviour_from_a_name():
    """The check refuses a missing, empty, name-repeating or too short line; a sentence passes."""
    source = '''
def test_a001_bad_dates_are_refused():
    pass

def test_a002_bad_dates_are_refused():
    """   """

def test_a003_bad_dates_are_refused():
    """Bad dates are refused."""

def test_bad_dates_are_refused():
    """test_bad_dates_are_refused"""

def test_a005_x():
    """Refused."""

def test_a006_bad_dates():
    """A month 13 is refused with the field's name.

    More text here."""

class TestDates:
    def test_a007_inside_a_class(self):
        pass

class Helper:
    def test_not_collected(self):
        pass
'''
    functions = collected_functions(ast.parse(source))
    assert [f.name for f in functions] == [
        "test_a001_bad_dates_are_refused",
        "test_a002_bad_dates_are_refused",
        "test_a003_bad_dates_are_refused",
        "test_bad_dates_are_refused",
        "test_a005_x",
        "test_a006_bad_dates",
        "test_a007_inside_a_class",
    ]
    assert [problem(f) for f in functions] == [
        "no docstring",
        "empty docstring",
        "first line only repeats the name: 'Bad dates are refused.'",
        "first line only repeats the name: 'test_bad_dates_are_refused'",
        "first line too short to say a behaviour: 'Refused.'",
        None,
        "no docstring",
    ]
