"""The example meeting series (meetings.demo) on an empty app database.

The reporting data is the foundation fixture (synthetic, data as of 30.4.2024). With
"today" 6.5.2024 the dates follow by hand: the past meetings are on the second Tuesday
of the months two and one before April, 13.2.2024 and 12.3.2024; the coming one on
the second Tuesday on or after 13.5.2024 (a week before the two weeks ahead),
21.5.2024.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import sqlalchemy as sa

from meetings import db, store
from meetings.demo import AUTHOR, ensure_demo
from meetings.schema import changes
from queries import reference
from queries.periods import period_end

TODAY = date(2024, 5, 6)


def _change_count() -> int:
    with db.engine().connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(changes)).scalar()


def test_demo_series_on_an_empty_app_db(app_db, reporting_db):
    """The example series gets two past meetings with dated snapshots and one coming meeting."""
    summary = ensure_demo(TODAY)
    assert summary is not None and "\n" not in summary

    [series] = store.list_series()
    assert series["name"] == "Järjestäjän johtoryhmä (esimerkki)"
    assert series["is_example"] is True
    assert series["rhythm"] == "kuukausittain"
    assert "Hyvinvointialuejohtaja" in series["members"]
    assert series["created_by"] == AUTHOR

    meetings = store.list_meetings(series["id"])
    assert [m["meeting_date"] for m in meetings] == [
        date(2024, 2, 13),
        date(2024, 3, 12),
        date(2024, 5, 21),
    ]
    past = [store.get_meeting(m["id"]) for m in meetings[:2]]
    coming = store.get_meeting(meetings[2]["id"])
    for meeting in past:
        assert 3 <= len(meeting["items"]) <= 4
        assert any(item["observations"] for item in meeting["items"])
    assert coming["items"]

    # Actions still open when the coming meeting starts: the one due three weeks after
    # 13.2.2024 (5.3.2024) is overdue on 6.5.2024; the other is due 45 days later.
    actions = store.open_actions(series["id"], coming["meeting_date"])
    overdue = [action for action in actions if store.is_overdue(action, TODAY)]
    assert [action["due_date"] for action in overdue] == [date(2024, 3, 5)]
    assert overdue[0]["owner"] == "Perusterveydenhuollon palvelualuejohtaja"
    assert [action["due_date"] for action in actions] == [date(2024, 3, 5), date(2024, 6, 20)]
    decisions = [d for meeting in past for item in meeting["items"] for d in item["decisions"]]
    assert all(decision["owner"] for decision in decisions)
    assert {decision["kind"] for decision in decisions} == {"decision", "action"}

    needs = store.list_needs()
    assert len(needs) >= 1 and all(need["status"] == "new" for need in needs)

    # Every item of a past meeting keeps what the meeting could have seen: whole
    # periods before its month, data as of the last day before it.
    for meeting, as_of in zip(past, (date(2024, 1, 31), date(2024, 2, 29)), strict=True):
        for item in meeting["items"]:
            assert item["snapshot_as_of"] == as_of
            snapshot = json.loads(item["snapshot"])
            assert snapshot["data_as_of"] == as_of.isoformat()
            assert snapshot["chart_id"] == item["chart_id"]
            assert snapshot["rows"]
            assert all(
                period_end(pd.Timestamp(row[1]), snapshot["grain"]).date() <= as_of
                for row in snapshot["rows"]
            )
    for item in coming["items"]:
        assert item["snapshot"] is None

    # The 7-day access share from 1/2024: the foundation has access visits in 1/2024
    # and 2/2024 only, so the February meeting saw January, the March meeting both.
    def periods(meeting):
        [item] = [item for item in meeting["items"] if item["chart_id"] == "hoitotakuu-7vrk"]
        return sorted({row[1] for row in json.loads(item["snapshot"])["rows"]})

    assert periods(past[0]) == ["2024-01-01"]
    assert periods(past[1]) == ["2024-01-01", "2024-02-01"]


def test_demo_is_made_once(app_db, reporting_db):
    """A second ensure_demo makes nothing: no new change-log rows, series or meetings."""
    assert ensure_demo(TODAY) is not None
    made = _change_count()
    assert ensure_demo(TODAY) is None
    assert _change_count() == made
    assert len(store.list_series()) == 1
    assert len(store.list_meetings()) == 3


def test_no_demo_on_real_data(app_db, reporting_db, monkeypatch):
    """No example series is made when the reporting data is not synthetic."""
    monkeypatch.setattr(reference, "is_synthetic", lambda: False)
    assert ensure_demo(TODAY) is None
    assert store.list_series() == []
