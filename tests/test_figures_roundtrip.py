"""A published-figures CSV imported with the store and read back through the chart API
(``/api/charts/<id>/data.json``) gives exactly the numbers of the file."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app import app as dash_app
from meetings.snapshots import item_changes, take_snapshot
from queries.engine import dispose_engines, get_engine
from reporting.figures.layout import read_figures
from reporting.figures.store import write_figures
from settings import configure, get_settings
from tests.conftest import use_reporting_db
from tests.fixtures.common import base_tables, create_fixture_db

# Two charts whose figures are not counts of people (exact): Omaolo services in use
# (a yearly count) and the share of forms filled in electronically (quarterly counts).
CSV = (
    "\ufeffindicator;region;period;value;numerator;denominator;source\n"
    "omaolo-palvelut;99;2023;23;;;Omaolo-raportti\n"
    "omaolo-palvelut;99;2024;31;;;Omaolo-raportti\n"
    "sahkoiset-lomakkeet-osuus;99;2024-Q1;37,5;300;800;Lomakepalvelu\n"
    "sahkoiset-lomakkeet-osuus;99;2024-Q2;40;240;600;Lomakepalvelu\n"
)


@pytest.fixture
def imported(tmp_path, reporting_database):
    """A DuckDB reporting database (data to 2024-12-31) with the CSV imported, served."""
    url = f"duckdb:///{tmp_path}/reporting.duckdb"
    engine = sa.create_engine(url)
    create_fixture_db(engine, base_tables("2024-12-31"))
    engine.dispose()
    content = CSV.encode("utf-8")
    write_figures(url, read_figures(content, "julkaistut.csv"), file_name="julkaistut.csv",
                  content=content)  # fmt: skip
    original = get_settings()
    use_reporting_db(url)
    with dash_app.server.app_context():
        yield dash_app.server.test_client()
    dispose_engines()
    configure(original)


@pytest.mark.hand_computed("omaolo-palvelut")
def test_fr001_yearly_counts_read_back_exactly(imported):
    """Omaolo services imported for 2023 and 2024 are the chart's yearly values, as written."""
    chart = "omaolo-palvelut"
    query = "from=2023-01&to=2024-12&grain=year"
    rows = imported.get(f"/api/charts/{chart}/data.json?{query}").get_json()["rows"]
    assert [(r["period"], r["series"], r["value"]) for r in rows] == [
        ("2023-01-01", "services", 23),
        ("2024-01-01", "services", 31),
    ]


@pytest.mark.hand_computed("sahkoiset-lomakkeet-osuus")
def test_fr002_quarterly_shares_read_back_from_their_counts(imported):
    """Quarterly forms imported with their counts are the chart's shares: 37.5 % and 40 %."""
    chart = "sahkoiset-lomakkeet-osuus"
    query = "from=2024-01&to=2024-06&grain=quarter"
    rows = imported.get(f"/api/charts/{chart}/data.json?{query}").get_json()["rows"]
    # 100 · 300 / 800 = 37.5; 100 · 240 / 600 = 40.0.
    assert [(r["period"], r["value"], r["numerator"], r["denominator"]) for r in rows] == [
        ("2024-01-01", 37.5, 300, 800),
        ("2024-04-01", 40.0, 240, 600),
    ]


@pytest.mark.hand_computed("omaolo-palvelut")
def test_fr003_a_correction_is_a_revision_since_the_last_meeting(imported, tmp_path):
    """A corrected figure is what the next meeting's "since the last meeting" lists as revised,
    and the value the meeting saw stays in the history."""
    item = {"chart_id": "omaolo-palvelut", "query": "from=2023-01&to=2024-12&grain=year"}
    with dash_app.server.app_context():
        kept = {**item, "snapshot": json.dumps(take_snapshot(item))}
    # The county corrects 2024 from 31 to 33 services; 2023 is sent again unchanged.
    correction = (
        b"indicator;region;period;value;source\n"
        b"omaolo-palvelut;99;2023;23;Omaolo-raportti\n"
        b"omaolo-palvelut;99;2024;33;Omaolo-raportti\n"
    )
    url = get_settings().reporting_db_url
    summary = write_figures(
        url, read_figures(correction, "korjaus.csv"), file_name="korjaus.csv", content=correction
    )
    assert (summary.added, summary.replaced, summary.unchanged) == (0, 1, 1)
    with dash_app.server.app_context():
        changes = item_changes(kept)
    assert changes["new_periods"] == []
    assert changes["revised"] == [
        {"series": "services", "period": "2024-01-01", "before": 31, "after": 33,
         "before_withheld": False, "after_withheld": False},
    ]  # fmt: skip
    # Read through the app's own (read-only) engine: DuckDB refuses a second configuration.
    with get_engine().connect() as conn:
        history = conn.execute(
            sa.text("SELECT period_start, value FROM indicator_value_history")
        ).all()
    assert [(str(day), value) for day, value in history] == [("2024-01-01", 31.0)]
