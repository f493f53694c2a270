"""Test tiers by cost: every test carries exactly one of ``TIERS``.

A tier names the costliest thing a test needs, and each tier may use what the cheaper
ones do (a ``browser`` test may also need PostgreSQL). ``make test-fast`` runs ``unit``;
``pytest -m "unit or db"`` adds the in-process databases, and so on.

A test's tier comes from:

- the fixtures it uses (``FIXTURE_TIERS``; a fixture made with
  ``conftest.reporting_db_fixture`` depends on ``reporting_database``);
- the engine a parametrised case runs on (``PARAM_TIERS``: the ``duckdb`` case of a test
  is ``db``, its ``postgresql`` case ``postgres``);
- or a mark in its module: ``@pytest.mark.unit`` on the test, ``pytestmark = ...`` for the
  whole module, ``marks=`` on a parameter.

A mark may ask for more than the fixtures show (the test starts a process itself), never
for less: ``-m unit`` would then run a test that needs a database.
"""

from __future__ import annotations

from collections.abc import Iterable

# Cheapest first.
TIERS = ("unit", "db", "server", "postgres", "browser")

TIER_HELP = {
    "unit": "pure: no database, no Redis, no server, no browser, no subprocess",
    "db": "DuckDB, SQLite or the app database, Redis, or the app served in-process "
    "(Flask's test client)",
    "server": "starts a process: gunicorn, nginx, a Celery worker, Chromium drawing "
    "chart images, another Python",
    "postgres": "needs the PostgreSQL server from TK_TEST_POSTGRES_URL",
    "browser": "drives headless Chromium through dash[testing]",
}

# Fixtures (from tests/conftest.py and dash[testing]) whose use decides the tier.
FIXTURE_TIERS = {
    "reporting_database": "db",
    "app_db": "db",
    "client": "db",
    "browser_db": "db",
    "postgres_server_url": "postgres",
    "postgres_database_factory": "postgres",
    "dash_thread_server": "browser",
    "dash_duo": "browser",
    "dash_br": "browser",
}

# Parameter values naming the database engine a case of a test runs on.
PARAM_TIERS = {"duckdb": "db", "sqlite": "db", "postgresql": "postgres"}


def costliest(tiers: Iterable[str]) -> str | None:
    """The most expensive of ``tiers`` (names from ``TIERS``); None when there is none."""
    return max(tiers, key=TIERS.index, default=None)


def tier_of(
    marked: Iterable[str], fixtures: Iterable[str], params: Iterable[object] = ()
) -> tuple[str | None, str | None]:
    """Decide a test's tier from its tier marks, the names of the fixtures it uses and its
    parameter values (those of ``PARAM_TIERS`` count; others are ignored).

    Returns ``(tier, problem)``: the tier to mark the test with and None, or None and a
    sentence saying what is wrong (no tier at all, two marks, or a mark cheaper than a
    fixture needs).
    """
    marks = sorted(set(marked), key=TIERS.index)
    needs = {FIXTURE_TIERS[name]: f"fixture {name}" for name in fixtures if name in FIXTURE_TIERS}
    for value in params:
        if isinstance(value, str) and value in PARAM_TIERS:
            needs.setdefault(PARAM_TIERS[value], f"parameter {value!r}")
    needed = costliest(needs)
    if len(marks) > 1:
        return None, f"has two tiers ({', '.join(marks)}); keep the costliest one"
    if not marks:
        if needed is None:
            return None, (
                "has no tier; mark it with one of "
                + ", ".join(TIERS)
                + " (tests/tiers.py says which)"
            )
        return needed, None
    if needed is not None and TIERS.index(marks[0]) < TIERS.index(needed):
        return None, (f"is marked {marks[0]} but {needs[needed]} needs {needed}; mark it {needed}")
    return marks[0], None
