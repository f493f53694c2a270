"""What an agenda item showed in its meeting, and what has changed since.

A snapshot is the item's chart data exactly as served (``charts.payload.chart_data``:
published, protected values of whole periods; never an exact count) with the reporting
data's "data as of" date, kept on the item as JSON::

    {"chart_id": "jonot", "query": "from=2024-01", "grain": "month",
     "data_as_of": "2025-03-31",
     "rows": [["jono_yli_3kk", "2025-01-01", 412.0, false], ...]}

``rows`` are ``[series, period start (ISO date), value (None when withheld), withheld]``;
``labels`` (optional) names the series that are data, not catalog series (e.g. the
referrals' specialties). ``snapshot_view`` draws a kept snapshot as the chart's time
series, so a held meeting's pages and minutes show what the meeting saw.
``item_changes`` compares a previous meeting's snapshot with the data served now at
the same address: the periods that are new, and the past values that were revised
(changed, newly withheld or newly shown). Both sides are published values, so the
comparison discloses nothing that was not served already.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from charts.figures.annotations import add_events
from charts.payload import (
    chart_data,
    chart_events,
    chart_targets,
    effective_filters,
    export_context,
    series_view,
    with_decisions,
)
from meetings import store
from meetings.items import item_address, item_payload, item_spec
from queries.reference import data_as_of, is_synthetic
from translations import format_date, t

# Two published values closer than this are the same (they are stated with at most a
# few decimals; JSON round trips floats exactly, this only guards float noise).
TOLERANCE = 1e-9


def _served(item: Mapping) -> tuple[pd.DataFrame, str]:
    """The item's chart frame as served now and the grain the chart applies."""
    address, _notices = item_address(item)
    spec = item_spec(item)
    frame, _targets = chart_data(spec.id, address.filters)
    return frame, effective_filters(spec, address.filters).grain


def _rows(frame: pd.DataFrame) -> list[list]:
    return [
        [
            str(row.series),
            pd.Timestamp(row.period).date().isoformat(),
            None if bool(row.suppressed) or pd.isna(row.value) else float(row.value),
            bool(row.suppressed),
        ]
        for row in frame.sort_values(["series", "period"]).itertuples(index=False)
    ]


def served_rows(item: Mapping) -> tuple[list[list], str, date | None]:
    """The item's chart data as served now: ``(rows, grain, data_as_of)``, rows as in
    a snapshot, sorted by series and period."""
    frame, grain = _served(item)
    return _rows(frame), grain, data_as_of()


def take_snapshot(item: Mapping) -> dict[str, Any]:
    """The snapshot of ``item`` now (the JSON shape above, as a dict)."""
    frame, grain = _served(item)
    as_of = data_as_of()
    snapshot = {
        "chart_id": item["chart_id"],
        "query": item.get("query") or "",
        "grain": grain,
        "data_as_of": as_of.isoformat() if as_of else None,
        "rows": _rows(frame),
    }
    if "label" in frame.columns:
        pairs = frame[["series", "label"]].drop_duplicates("series").itertuples(index=False)
        snapshot["labels"] = {str(key): str(label) for key, label in pairs}
    return snapshot


def snapshot_view(item: Mapping, meeting_date: date, lang: str) -> dict[str, Any] | None:
    """The chart as the meeting on ``meeting_date`` saw it, drawn from the item's kept
    snapshot (None without one) as the chart's time series: a payload like
    ``charts.payload.chart_payload``'s (``figure`` dict, ``summary``, ``empty``,
    ``data_as_of``, ``synthetic``, ``view``, ``partial_note``, ``events``,
    ``decisions``) plus ``kept: True``. The events in its range and the decisions taken
    by ``meeting_date`` are drawn on it (overdue as of that day); its caption lines say
    the numbers are the meeting's."""
    snapshot = read_snapshot(item)
    if snapshot is None:
        return None
    spec = item_spec(item)
    frame = pd.DataFrame(snapshot["rows"], columns=["series", "period", "value", "suppressed"])
    frame["period"] = pd.to_datetime(frame["period"])
    frame["suppressed"] = frame["suppressed"].astype(bool)
    labels = snapshot.get("labels") or {}
    if labels:
        frame["label"] = frame["series"].map(lambda key: labels.get(key, key))
    grain = snapshot.get("grain") or "month"
    built = series_view(spec, frame, chart_targets(spec), grain, lang)
    figure = built["figure"]
    events = chart_events(spec, built["periods"], grain, lang)
    add_events(figure, events, "label")
    as_of = date.fromisoformat(snapshot["data_as_of"]) if snapshot.get("data_as_of") else None
    address, _notices = item_address(item, lang)
    context = export_context(spec, address.filters, lang, as_of)
    context["context"].append(
        t("meetings.snapshot.kept", lang, date=format_date(meeting_date, lang))
    )
    figure.update_layout(meta={**(figure.layout.meta or {}), "tkExport": context})
    payload = {
        "view": "series",
        "figure": figure.to_plotly_json(),
        "summary": built["summary"],
        "partial_note": "",
        "events": [
            {"date": format_date(row.event_date.date(), lang), "label": row.label}
            for row in events.itertuples(index=False)
        ],
        "data_as_of": snapshot.get("data_as_of"),
        "synthetic": is_synthetic(),
        "empty": built["empty"],
        "kept": True,
    }
    return with_decisions(payload, spec.id, lang, open_end=True, until=meeting_date)


def record_snapshot(item: Mapping, *, author: str) -> dict[str, Any]:
    """Take the item's snapshot and keep it on the item (``store.save_snapshot``)."""
    snapshot = take_snapshot(item)
    as_of = date.fromisoformat(snapshot["data_as_of"]) if snapshot["data_as_of"] else None
    store.save_snapshot(item["id"], json.dumps(snapshot), as_of, author=author)
    return snapshot


def read_snapshot(item: Mapping) -> dict[str, Any] | None:
    """The snapshot kept on ``item``, or None (not taken, or unreadable)."""
    raw = item.get("snapshot")
    if not raw:
        return None
    try:
        snapshot = json.loads(raw)
    except ValueError:
        return None
    return snapshot if isinstance(snapshot, dict) and "rows" in snapshot else None


def matching_item(item: Mapping, meeting: Mapping | None) -> dict | None:
    """The item of ``meeting`` (``store.get_meeting``) that showed the same chart:
    the one at the same address if there is one, else the first of the same chart;
    None when the meeting did not show it."""
    if not meeting:
        return None
    same_chart = [other for other in meeting["items"] if other["chart_id"] == item["chart_id"]]
    same_address = [other for other in same_chart if other["query"] == item["query"]]
    found = same_address or same_chart
    return found[0] if found else None


def _differs(before: list, after: list) -> bool:
    if bool(before[3]) != bool(after[3]):
        return True
    if before[2] is None or after[2] is None:
        return (before[2] is None) != (after[2] is None)
    return abs(float(before[2]) - float(after[2])) > TOLERANCE


def item_changes(previous_item: Mapping, current: Mapping | None = None) -> dict[str, Any] | None:
    """What changed in ``previous_item``'s chart (at its address) since its meeting:
    up to now, or up to the later meeting whose kept snapshot ``current`` is (when it
    was taken at the same address: a held meeting's pages keep saying what changed
    before it, not since). None when ``previous_item`` has no snapshot. Otherwise::

        {"until": "now" | "meeting",   # compared with the data now, or with current
         "previous_as_of": "2025-02-28" | None, "as_of": "2025-03-31" | None,
         "grain": "month",
         "new_periods": ["2025-03-01", ...],                       # sorted
         "revised": [{"series": "...", "period": "2025-01-01",
                      "before": 412.0 | None, "after": 418.0 | None,
                      "before_withheld": False, "after_withheld": False}, ...]}

    A period is new when no series had it in the snapshot; a value is revised when a
    period and series in both differ (value, or withheld or not). Rows of a period that
    dropped out of the data are not reported."""
    snapshot = read_snapshot(previous_item)
    if snapshot is None:
        return None
    query = snapshot.get("query", previous_item.get("query"))
    until = "now"
    if current is not None and current.get("query") == query and "rows" in current:
        until = "meeting"
        rows, grain = current["rows"], current.get("grain")
        as_of = date.fromisoformat(current["data_as_of"]) if current.get("data_as_of") else None
    else:
        rows, grain, as_of = served_rows({**previous_item, "query": query})
    before = {(row[0], row[1]): row for row in snapshot["rows"]}
    old_periods = {row[1] for row in snapshot["rows"]}
    new_periods = sorted({row[1] for row in rows} - old_periods)
    revised = [
        {
            "series": row[0],
            "period": row[1],
            "before": before[(row[0], row[1])][2],
            "after": row[2],
            "before_withheld": bool(before[(row[0], row[1])][3]),
            "after_withheld": bool(row[3]),
        }
        for row in rows
        if (row[0], row[1]) in before and _differs(before[(row[0], row[1])], row)
    ]
    revised.sort(key=lambda change: (change["period"], change["series"]))
    return {
        "until": until,
        "previous_as_of": snapshot.get("data_as_of"),
        "as_of": as_of.isoformat() if as_of else None,
        "grain": grain,
        "new_periods": new_periods,
        "revised": revised,
    }


def meeting_view(item: Mapping, meeting_date: date, lang: str) -> dict[str, Any]:
    """The item's chart as its meeting shows it, wherever the meeting is drawn
    (presentation, pre-read, minutes): the live card payload
    (``meetings.items.item_payload``, in the item's view) while the served numbers
    are the ones the meeting kept, or when it kept none; once they differ (a new
    month, a revised value), the kept snapshot (``snapshot_view``: ``kept: True``), so
    a held meeting's record does not change with the data."""
    snapshot = read_snapshot(item)
    if snapshot is not None:
        rows, grain, _as_of = served_rows(item)
        if rows != snapshot["rows"] or grain != snapshot.get("grain"):
            kept = snapshot_view(item, meeting_date, lang)
            if kept is not None:
                return kept
    return {**item_payload(item, lang), "kept": False}
