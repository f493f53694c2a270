"""Settings: defaults, environment overrides, and that the README documents each one."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import PROJECT_ROOT, SETTINGS_DOC, Settings

pytestmark = pytest.mark.unit

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_s001_every_setting_is_in_the_readme_table_with_its_default():
    """Every setting has a README table row that shows its default."""
    for name, (default, _description) in SETTINGS_DOC.items():
        row = next((line for line in README.splitlines() if line.startswith(f"| `{name}`")), None)
        assert row is not None, f"{name} is not in the README's settings table"
        assert f"`{default}`" in row, f"{name}: README does not show the default {default}"


def test_s002_defaults_serve_the_local_demo(monkeypatch):
    """Without environment variables the settings point at the local demo DuckDB on port 8050."""
    for name in SETTINGS_DOC:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.reporting_db_url == f"duckdb:///{PROJECT_ROOT}/data/reporting.duckdb"
    assert (settings.port, settings.min_cell_count, settings.language) == (8050, 5, "fi")
    assert settings.debug is False


def test_s003_environment_overrides(monkeypatch):
    """Environment variables override the reporting DB URL, minimum cell count and cache type."""
    monkeypatch.setenv("TK_REPORTING_DB_URL", "postgresql+psycopg://u@db/warehouse")
    monkeypatch.setenv("TK_MIN_CELL_COUNT", "10")
    monkeypatch.setenv("TK_CACHE_TYPE", "RedisCache")
    settings = Settings.from_env()
    assert settings.reporting_db_url == "postgresql+psycopg://u@db/warehouse"
    assert settings.min_cell_count == 10 and settings.cache_type == "RedisCache"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TK_CACHE_LOCK_WAIT", "0"),
        ("TK_CACHE_LOCK_WAIT", "-1"),
        ("TK_CACHE_LOCK_WAIT", "nan"),
        ("TK_CACHE_LOCK_TIMEOUT", "0"),
        ("TK_CACHE_LOCK_TIMEOUT", "0.0004"),
        ("TK_CACHE_LOCK_TIMEOUT", "inf"),
        ("TK_DATA_VERSION_TTL", "-1"),
    ],
)
def test_s010_lock_and_version_times_out_of_range_are_refused(monkeypatch, name, value):
    """Cache lock and data-version times out of range are refused at start, naming the setting."""
    # TK_CACHE_LOCK_TIMEOUT=0 would be a lock without expiry (a dead worker's key
    # blocked for good); a wait of 0 fails every waiter at once.
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        Settings.from_env()


@pytest.mark.parametrize("value", ["de", "FI", "", "sv-FI"])
def test_s011_default_language_must_be_one_the_app_has(monkeypatch, value):
    """TK_LANGUAGE outside fi/sv/en is refused at start, naming the setting."""
    monkeypatch.setenv("TK_LANGUAGE", value)
    with pytest.raises(ValueError, match="TK_LANGUAGE must be one of fi, sv, en"):
        Settings.from_env()


def test_s012_swedish_default_language(monkeypatch):
    """TK_LANGUAGE=sv makes Swedish the default language."""
    monkeypatch.setenv("TK_LANGUAGE", "sv")
    assert Settings.from_env().language == "sv"


# The settings read as numbers (Settings.from_env: _whole and _number).
WHOLE = [
    "TK_CACHE_TIMEOUT",
    "TK_PORT",
    "TK_MIN_CELL_COUNT",
    "TK_QUERY_TIMEOUT_MS",
    "TK_QUERY_ROW_CAP",
    "TK_WEB_WORKERS",
    "TK_WEB_THREADS",
    "TK_STALE_TIMEOUT",
]
NUMBERS = ["TK_CACHE_LOCK_WAIT", "TK_CACHE_LOCK_TIMEOUT", "TK_DATA_VERSION_TTL", "TK_RETRY_SECONDS"]


@pytest.mark.parametrize("name", WHOLE)
def test_s020_a_whole_number_setting_that_is_not_one_is_refused_by_name(monkeypatch, name):
    """A whole-number setting given as text or a fraction is refused, naming the setting."""
    for value in ("abc", "2.5", ""):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError, match=f"^{name} must be a whole number, not '{value}'$"):
            Settings.from_env()


@pytest.mark.parametrize("name", NUMBERS)
def test_s021_a_number_setting_that_is_not_one_is_refused_by_name(monkeypatch, name):
    """A seconds setting given as text, nan or inf is refused, naming the setting."""
    for value in ("abc", "nan", "inf", ""):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError, match=f"^{name} must be a number, not '{value}'$"):
            Settings.from_env()
