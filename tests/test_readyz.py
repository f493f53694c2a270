"""``GET /readyz`` (issue 12): 200 while the reporting database answers, 503 when it
does not, and both say when the data were last loaded (``reporting_meta.data_version``
as last read) and when this process last had an answer from the database."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import app as dash_app
from queries.data_version import forget_data_version
from queries.engine import dispose_engines
from settings import configure, get_settings
from tests.conftest import use_reporting_db
from tests.servers import free_port

pytestmark = pytest.mark.db

LOADED = "2026-11-30T04:15:00+02:00"


def _reporting_db(path, meta: dict[str, str]) -> None:
    """A DuckDB file at ``path`` holding only ``reporting_meta`` with ``meta``."""
    engine = sa.create_engine(f"duckdb:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE reporting_meta (key VARCHAR, value VARCHAR)"))
        for key, value in meta.items():
            conn.execute(
                sa.text("INSERT INTO reporting_meta VALUES (:k, :v)"), {"k": key, "v": value}
            )
    engine.dispose()


@pytest.fixture
def point_at():
    """``point_at(url)``: the app reads the reporting database at ``url`` from now on
    (the settings and the remembered metadata restored afterwards)."""
    original = get_settings()
    forget_data_version()
    yield use_reporting_db
    dispose_engines()
    forget_data_version()
    configure(original)


@pytest.fixture
def loaded_db(tmp_path, point_at):
    """A reporting database whose last load wrote ``LOADED``, which the app reads;
    yields its path."""
    path = tmp_path / "reporting.duckdb"
    _reporting_db(path, {"data_version": LOADED, "county_code": "99"})
    point_at(f"duckdb:///{path}")
    return path


def _ready(client) -> tuple[int, dict, datetime, datetime]:
    before = datetime.now(UTC)
    response = client.get("/readyz")
    return response.status_code, response.get_json(), before, datetime.now(UTC)


def test_r001_ready_with_the_load_time_and_the_last_answer(loaded_db):
    """/readyz answers 200 with the data's load time and the time of this answer."""
    client = dash_app.server.test_client()
    status, body, before, after = _ready(client)
    assert status == 200
    assert body["status"] == "ready"
    assert body["data_loaded_at"] == LOADED
    answered = datetime.fromisoformat(body["last_successful_query_at"])
    assert answered.tzinfo is not None and before <= answered <= after


def test_r002_not_ready_keeps_both_times(loaded_db):
    """/readyz answers 503 when the DB is gone, keeping the last load time and last answer time."""
    client = dash_app.server.test_client()
    status, first, _before, _after = _ready(client)
    assert status == 200

    # The same database goes away: the last read load time is still reported, and the
    # last answer's time is the earlier one.
    os.rename(loaded_db, f"{loaded_db}.away")
    dispose_engines()  # the pooled connection would still hold the file open
    status, body, _before, _after = _ready(client)
    assert status == 503
    assert body == {
        "status": "reporting database not reachable",
        "data_loaded_at": LOADED,
        "last_successful_query_at": first["last_successful_query_at"],
    }

    # A database that never answered (nothing listens on the port): no load time is
    # known for it.
    port = free_port()
    use_reporting_db(f"postgresql+psycopg://postgres@127.0.0.1:{port}/tk?connect_timeout=10")
    status, body, _before, _after = _ready(client)
    assert status == 503
    assert body == {
        "status": "reporting database not reachable",
        "data_loaded_at": None,
        "last_successful_query_at": first["last_successful_query_at"],
    }


def test_r003_a_load_without_a_version_says_null(tmp_path, point_at):
    """A reporting DB without a data_version gives a null load time but is ready."""
    path = tmp_path / "unversioned.duckdb"
    _reporting_db(path, {"data_as_of": "2024-04-30"})
    point_at(f"duckdb:///{path}")
    status, body, before, after = _ready(dash_app.server.test_client())
    assert status == 200
    assert body["data_loaded_at"] is None
    assert before <= datetime.fromisoformat(body["last_successful_query_at"]) <= after
