"""Saving what a meeting records on an agenda item (``dashboards.meetings_item``) and
the analysts' answers to information needs (``dashboards.meetings_needs``).

Every body comes from a client and may be anything: ids and versions are checked
(``meetings.store`` refuses unknown rows, stale versions and bad input, and writes
nothing then). Each refusal is shown with ``meetings.components.error_alert`` in the
page's language; a stale save also shows the version saved meanwhile and keeps the
user's own text in the form, so nothing typed is lost. A failing app database is a
refusal like the others, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from dash import ALL, MATCH, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.registry import callback
from charts.address import page_language
from dashboards import _records as records
from dashboards._frame import with_language
from dashboards._meetings import success
from dashboards._needs import NEED_IDS, need_meta, other_need_version
from identity import current_author
from meetings import store
from meetings.components import can_write, error_alert
from meetings.db import APP_DB_ERRORS
from translations import format_time, t

log = logging.getLogger(__name__)


def _positive_int(value: object) -> int | None:
    """``value`` as a row id, else None: the stores the pages write hold ints, so a
    string there is forged (``meetings.store.parse_id`` for the range)."""
    return store.parse_id(value) if isinstance(value, int) else None


def read_item_store(data: object) -> tuple[int | None, str]:
    """The item id (None unless a positive int) and language of the page's item store."""
    data = data if isinstance(data, dict) else {}
    lang = data.get("lang")
    return _positive_int(data.get("item")), page_language(lang)


def _attempt(write: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """``(result, None)`` of ``write()``, or ``(None, error)`` for a refusal of the
    store or a failing app database (logged)."""
    try:
        return write(), None
    except store.REFUSALS as error:
        return None, error
    except APP_DB_ERRORS as error:
        log.exception("app database write failed")
        return None, error


def _ok(text: str) -> list:
    return [success(text)]


@callback(
    Output(records.OBS_RESULT, "children"),
    Output(records.OBS_VERSION, "data"),
    Input(records.OBS_SAVE, "n_clicks"),
    State(records.OBS_TEXT, "value"),
    State(records.OBS_VERSION, "data"),
    State(records.ITEM_STORE, "data"),
    prevent_initial_call=True,
)
def save_observations(clicks, text, version, item_data):
    """Save the observations field (``store.update_item``) from the version it started
    at. Answers the result message and the item's new version. A stale save is refused:
    the message, the version saved meanwhile (its text) and that version's number, so
    a second save after reading it is deliberate; the field keeps the user's text."""
    if not clicks or not isinstance(text, str):  # a textarea always sends text
        raise PreventUpdate
    item_id, lang = read_item_store(item_data)
    if item_id is None:
        return [error_alert(store.NotFound(item_data), lang)], no_update
    saved, error = _attempt(
        lambda: store.update_item(
            item_id,
            version,
            observations=text,
            author=current_author(),
        ),
    )
    if error is None:
        return _ok(t("meetings.records.observations_saved", lang)), saved["version"]
    shown = [error_alert(error, lang)]
    if isinstance(error, store.Conflict) and error.current is not None:
        current = error.current
        label = t(
            "meetings.records.other_version",
            lang,
            author=current["updated_by"],
            at=format_time(current["updated_at"], lang),
        )
        shown += [
            records.other_version(
                label, current["observations"] or t("meetings.records.observations_none", lang)
            ),
            html.P(t("meetings.records.own_text_kept", lang), className="small"),
        ]
        return shown, current["version"]
    return shown, no_update


def _decisions_of(item_id: int, lang: str) -> list:
    return records.decision_list(store.item_records(item_id)["decisions"], lang, can_write())


DECISION_FORM_ORDER = tuple(records.DECISION_FIELDS)


@callback(
    Output(records.DECISION_RESULT, "children"),
    Output(records.DECISION_LIST, "children"),
    *[
        Output(records.DECISION_FIELDS[name], "value")
        for name in ("title", "details", "owner", "due_date", "effect_direction", "effect_by")
    ],
    Input(records.DECISION_ADD, "n_clicks"),
    *[State(records.DECISION_FIELDS[name], "value") for name in DECISION_FORM_ORDER],
    State(records.ITEM_STORE, "data"),
    prevent_initial_call=True,
)
def add_decision(clicks, kind, title, details, owner, due_date, effect, effect_by, item_data):
    """Record a decision or action from the form (``store.add_decision``). Answers the
    result message, the item's list, and the form's text fields (emptied after a
    save; left as typed after a refusal, so the user can correct them)."""
    keep = (no_update,) * 6
    if not clicks:
        raise PreventUpdate
    item_id, lang = read_item_store(item_data)
    if item_id is None:
        return [error_alert(store.NotFound(item_data), lang)], no_update, *keep
    direction = "" if effect == records.NO_EFFECT else effect
    saved, error = _attempt(
        lambda: store.add_decision(
            item_id,
            kind=kind,
            title=title,
            details=details,
            owner=owner,
            due_date=due_date,
            effect_direction=direction,
            effect_by=effect_by,
            author=current_author(),
        ),
    )
    if error is not None:
        return [error_alert(error, lang)], no_update, *keep
    message = _ok(t("meetings.records.decision_saved", lang, title=saved["title"]))
    listed, failure = _attempt(lambda: _decisions_of(item_id, lang))
    if failure is not None:  # saved, but the list could not be read again
        message.append(error_alert(failure, lang))
        listed = no_update
    return message, listed, "", "", "", "", records.NO_EFFECT, ""


def read_status_button(button: object) -> tuple[int, str, object] | None:
    """The decision id, wanted status and version of a status button's id (None for
    anything that is not one)."""
    if not isinstance(button, dict) or button.get("type") != records.DECISION_SET:
        return None
    decision_id = _positive_int(button.get("decision"))
    status = button.get("status")
    if decision_id is None or not isinstance(status, str):
        return None
    return decision_id, status, button.get("version")


@callback(
    Output(records.DECISION_RESULT, "children", allow_duplicate=True),
    Output(records.DECISION_LIST, "children", allow_duplicate=True),
    Input(
        {"type": records.DECISION_SET, "decision": ALL, "status": ALL, "version": ALL}, "n_clicks"
    ),
    State(records.ITEM_STORE, "data"),
    prevent_initial_call=True,
)
def set_decision_status(_clicks, item_data):
    """Mark the decision or action of the clicked button done, cancelled or open
    again (``store.set_decision_status``, from the version the button was drawn for).
    Answers the message and the item's list drawn anew. Buttons appearing are no
    click."""
    fired = [entry for entry in ctx.triggered if entry.get("value")]
    parsed = read_status_button(ctx.triggered_id) if fired else None
    if parsed is None:
        raise PreventUpdate
    item_id, lang = read_item_store(item_data)
    decision_id, status, version = parsed
    saved, error = _attempt(
        lambda: store.set_decision_status(decision_id, version, status, author=current_author()),
    )
    if error is not None:
        shown = [error_alert(error, lang)]
    else:
        shown = _ok(
            t(
                "meetings.records.status_saved",
                lang,
                title=saved["title"],
                status=t(f"meetings.records.status.{saved['status']}", lang),
            )
        )
    listed, failure = _attempt(lambda: _decisions_of(item_id, lang)) if item_id else (None, None)
    if failure is not None:
        shown.append(error_alert(failure, lang))
    return shown, listed if listed is not None else no_update


@callback(
    Output(records.NEED_RESULT, "children"),
    Output(records.NEED_LIST, "children"),
    Output(records.NEED_TEXT, "value"),
    Input(records.NEED_ADD, "n_clicks"),
    State(records.NEED_TEXT, "value"),
    State(records.ITEM_STORE, "data"),
    prevent_initial_call=True,
)
def add_need(clicks, text, item_data):
    """Add an information need to the item (``store.add_need``): the message, the
    item's list of needs and the field (emptied after a save, kept after a refusal)."""
    if not clicks:
        raise PreventUpdate
    item_id, lang = read_item_store(item_data)
    if item_id is None:
        return [error_alert(store.NotFound(item_data), lang)], no_update, no_update
    _saved, error = _attempt(lambda: store.add_need(item_id, text, author=current_author()))
    if error is not None:
        return [error_alert(error, lang)], no_update, no_update
    message = _ok(t("meetings.records.need_saved", lang))
    found, failure = _attempt(lambda: store.item_records(item_id))
    if failure is not None:  # saved, but the list could not be read again
        return [*message, error_alert(failure, lang)], no_update, ""
    return message, with_language(records.need_list(found["needs"], lang), lang), ""


@callback(
    Output({"type": NEED_IDS["result"], "need": MATCH}, "children"),
    Output({"type": NEED_IDS["version"], "need": MATCH}, "data"),
    Output({"type": NEED_IDS["meta"], "need": MATCH}, "children"),
    Input({"type": NEED_IDS["save"], "need": MATCH}, "n_clicks"),
    State({"type": NEED_IDS["status"], "need": MATCH}, "value"),
    State({"type": NEED_IDS["response"], "need": MATCH}, "value"),
    State({"type": NEED_IDS["version"], "need": MATCH}, "data"),
    State(NEED_IDS["lang"], "data"),
    prevent_initial_call=True,
)
def save_need(clicks, status, response, version_data, lang):
    """Save an information need's status and response (``store.update_need``) from the
    version its form was drawn for (``{"need": id, "version": n}``). Answers the
    message, the new version data and the "last changed" line. A stale save shows the
    version saved meanwhile and takes its number; the form keeps what was typed."""
    if not clicks:
        raise PreventUpdate
    lang = page_language(lang)
    data = version_data if isinstance(version_data, dict) else {}
    need_id = _positive_int(data.get("need"))
    if need_id is None:
        return [error_alert(store.NotFound(version_data), lang)], no_update, no_update
    saved, error = _attempt(
        lambda: store.update_need(
            need_id, data.get("version"), status=status, response=response, author=current_author()
        ),
    )
    if error is None:
        return (
            _ok(t("meetings.needs.saved", lang)),
            {"need": need_id, "version": saved["version"]},
            need_meta(saved, lang),
        )
    shown = [error_alert(error, lang)]
    if isinstance(error, store.Conflict) and error.current is not None:
        current = error.current
        shown.append(other_need_version(current, lang))
        return shown, {"need": need_id, "version": current["version"]}, need_meta(current, lang)
    return shown, no_update, no_update
