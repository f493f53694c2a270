"""The app database: migrations from empty, persistence across a restart, refused
concurrent edits, the change log, validation and identity (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import app as dash_app
from identity import current_author, is_trusted_proxy
from meetings import db, store
from meetings.schema import metadata
from settings import configure, get_settings

ROOT = Path(__file__).resolve().parents[1]


def _meeting_with_item(author: str = "anna") -> tuple[dict, dict]:
    series = store.create_series(
        "Johtoryhmä", "Johtaja\nAnalyytikko", "kuukausittain", author=author
    )
    meeting = store.create_meeting(series["id"], "Tammikuu", "2025-01-15", author=author)
    item = store.add_item(
        meeting["id"], meeting["version"], "jonot", "from=2024-01", 15, author=author
    )
    return meeting, item


def test_s001_migrations_from_empty_match_the_schema(app_db):
    """An empty database migrated to head has exactly the tables of meetings.schema
    (Alembic finds nothing to change), and migrating again is a no-op."""
    assert db.current_revision(app_db) == db.head_revision() == "0001"
    with db.engine(app_db).connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []
    db.migrate(app_db)
    assert db.current_revision(app_db) == "0001"


def _run(code: str, url: str) -> str:
    env = {**os.environ, "TK_APP_DB_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_s002_written_data_survive_an_app_restart(app_db):
    """One app process writes a meeting and exits; a new app process (which migrates
    at start) reads it back unchanged."""
    wrote = _run(
        "import app\n"
        "from meetings import store\n"
        "s = store.create_series('Johtoryhmä', '', '', author='anna')\n"
        "m = store.create_meeting(s['id'], 'Helmikuu', '14.2.2025', author='anna')\n"
        "store.add_item(m['id'], m['version'], 'jonot', 'grain=quarter', 20, author='anna')\n"
        "print(m['id'])\n",
        app_db,
    )
    read = _run(
        "import app\n"
        "from meetings import store\n"
        f"m = store.get_meeting({wrote})\n"
        "i = m['items'][0]\n"
        "print(m['title'], m['meeting_date'], i['chart_id'], i['query'], i['minutes'],"
        " m['created_by'])\n",
        app_db,
    )
    assert read == "Helmikuu 2025-02-14 jonot grain=quarter 20 anna"


def test_s003_a_stale_edit_is_refused_and_nothing_is_lost(app_db):
    """Anna and Bertil open the same item (version 1). Anna saves first; Bertil's save
    from version 1 is refused with Anna's text, and Anna's text stays. Bertil saves
    again from the version he was shown and it goes through."""
    _meeting, item = _meeting_with_item()
    store.update_item(item["id"], 1, observations="Jono kasvaa", author="anna")
    with pytest.raises(store.Conflict) as refused:
        store.update_item(item["id"], 1, observations="Jono pienenee", author="bertil")
    assert refused.value.current["observations"] == "Jono kasvaa"
    assert refused.value.current["updated_by"] == "anna"
    assert refused.value.current["version"] == 2
    assert store.get_item(item["id"])["observations"] == "Jono kasvaa"
    saved = store.update_item(
        item["id"], 2, observations="Jono kasvaa; syy selvitetään", author="bertil"
    )
    assert saved["version"] == 3
    log = store.history("agenda_items", item["id"])
    assert [(c["action"], c["author"], c["version"]) for c in log] == [
        ("create", "anna", 1),
        ("update", "anna", 2),
        ("update", "bertil", 3),
    ]
    assert log[2]["data"]["observations"] == "Jono kasvaa; syy selvitetään"
    assert all(c["at"].tzinfo is not None for c in log)


def test_s004_racing_saves_from_one_version_let_exactly_one_through(app_db):
    """Eight threads save the same decision from version 1 at once: one wins, seven get
    Conflict, and the stored title is the winner's."""
    _meeting, item = _meeting_with_item()
    decision = store.add_decision(item["id"], kind="decision", title="Alkuperäinen", author="anna")
    results: dict[int, str] = {}
    barrier = threading.Barrier(8)

    def save(number: int) -> None:
        barrier.wait()
        try:
            store.update_decision(
                decision["id"], 1, kind="decision", title=f"Versio {number}", author=f"user{number}"
            )
            results[number] = "saved"
        except store.Conflict:
            results[number] = "conflict"

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, result in results.items() if result == "saved"]
    assert len(winners) == 1 and list(results.values()).count("conflict") == 7
    with dash_app.server.app_context():
        stored = store.get_meeting(item["meeting_id"])["items"][0]["decisions"][0]
    assert stored["title"] == f"Versio {winners[0]}" and stored["version"] == 2


def test_s005_the_agenda_is_guarded_by_the_meetings_version(app_db):
    """Two people add items from the same meeting version: the second is refused;
    reordering and removing follow the meeting's version; an item with a decision is
    kept."""
    meeting, first = _meeting_with_item()
    with pytest.raises(store.Conflict):
        store.add_item(meeting["id"], meeting["version"], "jonot", "", 5, author="bertil")
    second = store.add_item(meeting["id"], 2, "digiasiointi-osuus", "", 5, author="bertil")
    store.move_item(meeting["id"], 3, second["id"], -1, author="anna")
    order = [i["chart_id"] for i in store.get_meeting(meeting["id"])["items"]]
    assert order == ["digiasiointi-osuus", "jonot"]
    store.add_decision(first["id"], kind="decision", title="Seurataan", author="anna")
    with pytest.raises(store.InvalidInput) as kept:
        store.remove_item(meeting["id"], 4, first["id"], author="anna")
    assert kept.value.key == "meetings.error.item_has_records"
    store.remove_item(meeting["id"], 4, second["id"], author="anna")
    assert [i["id"] for i in store.get_meeting(meeting["id"])["items"]] == [first["id"]]


@pytest.mark.parametrize(
    "call, key, field",
    [
        (
            lambda m, i: store.create_meeting(m["series_id"], "  ", "2025-01-01", author="a"),
            "meetings.error.required",
            "meetings.field.title",
        ),
        (
            lambda m, i: store.create_meeting(m["series_id"], "X", "2025-02-30", author="a"),
            "meetings.error.bad_date",
            "meetings.field.date",
        ),
        (
            lambda m, i: store.add_decision(
                i["id"], kind="action", title="T", owner="O", due_date="1/2/2025", author="a"
            ),
            "meetings.error.bad_date",
            "meetings.field.due_date",
        ),
        (
            lambda m, i: store.add_decision(
                i["id"], kind="action", title="T", due_date="2025-03-01", author="a"
            ),
            "meetings.error.required",
            "meetings.field.owner",
        ),
        (
            lambda m, i: store.add_decision(i["id"], kind="päätös", title="T", author="a"),
            "meetings.error.bad_choice",
            "meetings.field.kind",
        ),
        (
            lambda m, i: store.add_item(m["id"], 2, "ei_ole", "", 5, author="a"),
            "meetings.error.unknown_chart",
            None,
        ),
        (
            lambda m, i: store.add_item(m["id"], 2, "jonot", "from=2024-13", 5, author="a"),
            "meetings.error.bad_address",
            None,
        ),
        (
            lambda m, i: store.add_item(
                m["id"], 2, "digiasiointi-osuus", "view=jonot:spc", 5, author="a"
            ),
            "meetings.error.other_chart",
            None,
        ),
        (
            lambda m, i: store.add_item(m["id"], 2, "jonot", "embed=1", 5, author="a"),
            "meetings.error.bad_parameter",
            None,
        ),
        (
            lambda m, i: store.add_item(m["id"], 2, "jonot", "", "0", author="a"),
            "meetings.error.bad_minutes",
            None,
        ),
        (
            lambda m, i: store.add_need(i["id"], "", author="a"),
            "meetings.error.required",
            "meetings.field.need",
        ),
    ],
)
def test_s006_bad_input_is_refused_and_changes_nothing(app_db, call, key, field):
    """Each bad input raises InvalidInput naming its key and field; no row or change log moves."""
    meeting, item = _meeting_with_item()
    before = len(store.history("meetings", meeting["id"])), store.get_meeting(meeting["id"])
    with pytest.raises(store.InvalidInput) as refused:
        call(meeting, item)
    assert refused.value.key == key
    assert refused.value.params.get("field") == field
    assert (
        len(store.history("meetings", meeting["id"])),
        store.get_meeting(meeting["id"]),
    ) == before
    assert len(store.list_meetings()) == 1


def test_s007_writing_needs_an_identity(app_db):
    """A write without an author raises ReadOnly and leaves the item unchanged."""
    meeting, item = _meeting_with_item()
    with pytest.raises(store.ReadOnly):
        store.update_item(item["id"], 1, observations="x", author=None)
    assert store.get_item(item["id"])["observations"] == ""


def test_s008_identity_from_a_trusted_proxy_only(app_db):
    """The header counts from a trusted peer only; ProxyFix's rewritten address does not
    make a browser a proxy; without header or demo user there is no identity."""
    original = get_settings()
    server = dash_app.server
    try:
        configure(
            replace(
                original,
                identity_header="X-Forwarded-Email",
                trusted_proxies=("10.0.0.0/24",),
                demo_user="",
            )
        )
        header = {"X-Forwarded-Email": "anna@hyvinvointialue.fi"}
        with server.test_request_context(
            "/", headers=header, environ_base={"REMOTE_ADDR": "10.0.0.7"}
        ):
            assert current_author() == "anna@hyvinvointialue.fi"
        with server.test_request_context(
            "/", headers=header, environ_base={"REMOTE_ADDR": "192.168.1.5"}
        ):
            assert current_author() is None
        # ProxyFix moved X-Forwarded-For into REMOTE_ADDR; the real peer was untrusted.
        spoofed = {
            "REMOTE_ADDR": "10.0.0.7",
            "werkzeug.proxy_fix.orig": {"REMOTE_ADDR": "192.168.1.5"},
        }
        with server.test_request_context("/", headers=header, environ_base=spoofed):
            assert current_author() is None
        with server.test_request_context("/", environ_base={"REMOTE_ADDR": "10.0.0.7"}):
            assert current_author() is None
        configure(replace(original, identity_header="", demo_user="demo"))
        with server.test_request_context("/", headers=header):
            assert current_author() == "demo"
    finally:
        configure(original)
    assert is_trusted_proxy("::1", ("127.0.0.1", "::1"))
    assert not is_trusted_proxy("not an address", ("0.0.0.0/0",))


def test_s009_open_actions_and_previous_meeting(app_db):
    """The actions still open from the series' earlier meetings, and the meeting
    before, by date (worked out from the dates below)."""
    meeting, item = _meeting_with_item()
    store.add_decision(
        item["id"],
        kind="action",
        title="Selvitys",
        owner="Johtaja",
        due_date="2025-02-01",
        author="a",
    )
    done = store.add_decision(
        item["id"],
        kind="action",
        title="Valmis",
        owner="Johtaja",
        due_date="2025-02-01",
        author="a",
    )
    store.set_decision_status(done["id"], 1, "done", author="a")
    later = store.create_meeting(meeting["series_id"], "Maaliskuu", "2025-03-12", author="a")
    found = store.open_actions(meeting["series_id"], date(2025, 3, 12))
    assert [a["title"] for a in found] == ["Selvitys"]
    assert store.is_overdue(found[0], date(2025, 3, 12))
    assert not store.is_overdue(found[0], date(2025, 2, 1))
    assert store.previous_meeting(store.get_meeting(later["id"]))["id"] == meeting["id"]
    assert store.previous_meeting(store.get_meeting(meeting["id"])) is None
    assert [d["title"] for d in store.decisions_for_chart("jonot")] == ["Selvitys", "Valmis"]


@pytest.mark.parametrize("app_db", ["sqlite"], indirect=True)
def test_s010_a_removed_sqlite_file_refuses_writes_instead_of_losing_them(app_db):
    """The SQLite file removed while the app runs: reads and writes fail (the pages
    report the database), nothing is written into a copy the next start would not see,
    and no empty file is made in its place."""
    _meeting_with_item()
    path = Path(sa.make_url(app_db).database)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with pytest.raises(sa.exc.OperationalError):
        store.create_series("Poiston jälkeen", author="anna")
    with pytest.raises(sa.exc.OperationalError):
        store.list_series()
    assert not path.exists()


@pytest.mark.unit
@pytest.mark.parametrize(
    "raw, expected",
    [
        (1, 1),
        ("42", 42),
        (2**31 - 1, 2**31 - 1),
        (2**31, None),
        (2**63, None),
        ("9999999999", None),
        (0, None),
        (-1, None),
        ("-1", None),
        (3.5, None),
        ("3.5", None),
        ("３", None),  # a full-width digit
        (True, None),
        ("", None),
        (None, None),
        ([1], None),
    ],
)
def test_s011_row_ids_and_versions_are_whole_numbers_an_integer_column_holds(raw, expected):
    """parse_id accepts only positive ASCII whole numbers up to 2**31 - 1, else None."""
    assert store.parse_id(raw) == expected


@pytest.mark.parametrize("version", [3.5, "x", -1, 0, None, [], True, 2**63])
def test_s012_a_malformed_version_is_a_bad_request_not_a_conflict(app_db, version):
    """A non-positive, non-integer or oversized version is a bad request and changes nothing."""
    _meeting, item = _meeting_with_item()
    with pytest.raises(store.InvalidInput) as refused:
        store.update_item(item["id"], version, observations="x", author="anna")
    assert refused.value.key == "meetings.error.bad_request"
    assert store.get_item(item["id"])["version"] == 1


def test_s013_an_action_cannot_be_due_before_its_meeting(app_db):
    """The meeting is on 15.1.2025: a due date or an expected effect before it is
    refused, on the meeting's day it is taken."""
    _meeting, item = _meeting_with_item()
    for field, key in (
        ("due_date", "meetings.field.due_date"),
        ("effect_by", "meetings.field.effect_by"),
    ):
        values = {"due_date": "2025-01-20", field: "14.1.2025"}
        with pytest.raises(store.InvalidInput) as refused:
            store.add_decision(
                item["id"], kind="action", title="T", owner="O", author="a", **values
            )
        assert (refused.value.key, refused.value.params) == (
            "meetings.error.before_meeting",
            {"field": key, "date": "15.1.2025"},
        )
    kept = store.add_decision(
        item["id"], kind="action", title="T", owner="O", due_date="15.1.2025", author="a"
    )
    with pytest.raises(store.InvalidInput):
        store.update_decision(
            kept["id"], 1, kind="action", title="T", owner="O", due_date="1.1.2025", author="a"
        )
    assert store.get_meeting(item["meeting_id"])["items"][0]["decisions"][0]["version"] == 1


def test_s014_bidirectional_overrides_are_removed_from_texts(app_db):
    """A title shown on public charts reads as typed: U+202E and the isolates go."""
    _meeting, item = _meeting_with_item()
    decision = store.add_decision(
        item["id"], kind="decision", title="x\u202eRTL\u2066y", author="a"
    )
    assert decision["title"] == "xRTLy"
