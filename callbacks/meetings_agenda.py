"""Callbacks of the meeting pages: series (create, edit), meetings (create, edit) and
the agenda (add from the catalog or a suggestion, move, remove), and the chart
search and suggestions of the add form.

Every write goes through ``meetings.store`` with ``author=current_author()``; a refusal
or a database failure becomes an announced alert and changes nothing. Each callback
is a thin wrapper: the work is in plain functions (``create_series`` ...,
``change_agenda``) that tests call directly in a request context.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from dash import ALL, Input, Output, State, ctx, html, no_update

from callbacks.registry import callback
from charts.address import page_language
from charts.catalog import CHARTS
from dashboards._agenda import (
    DEFAULT_MINUTES,
    MEETING_CTX,
    actions_section,
    agenda_list,
    meeting_subtitle,
    suggestion_list,
)
from dashboards._frame import with_language
from dashboards._meetings import (
    meeting_path,
    series_path,
    success,
)
from dashboards._series import series_details, series_list, series_meetings
from identity import current_author
from meetings import store, suggestions
from meetings.agenda import chart_options, check_unit, pasted_query
from meetings.components import can_write, error_alert
from meetings.items import item_title
from meetings.store import STORE_ERRORS, Conflict
from queries.engine import DATABASE_ERRORS
from translations import format_date, t

log = logging.getLogger(__name__)


def _lang(data: object) -> str:
    """The language of a page's context store (``{"lang": ...}``) or lang store."""
    raw = data.get("lang") if isinstance(data, Mapping) else data
    return page_language(raw)


def _ctx(data: object) -> tuple[int | None, object]:
    """The row id and version of a page's context store (id None when malformed)."""
    if not isinstance(data, Mapping):
        return None, None
    return store.parse_id(data.get("id")), data.get("version")


def _saved_version(lines: list[str], lang: str) -> html.Div:
    return html.Div(
        [
            html.P(t("meetings.form.saved_version", lang), className="mb-1 fw-semibold"),
            html.Ul([html.Li(line) for line in lines]),
        ],
        className="saved-version",
    )


# --- series ------------------------------------------------------------------------


def create_series(name: object, members: object, rhythm: object, lang: str):
    """Create a series: ``(series list, status, name, members, rhythm)`` — on success
    the list anew, a link to the new series and empty fields."""
    try:
        row = store.create_series(name, members, rhythm, author=current_author())
        rows = store.list_series()
    except STORE_ERRORS as exc:
        return no_update, error_alert(exc, lang), no_update, no_update, no_update
    done = success(
        [
            t("meetings.index.created", lang, name=row["name"]) + " ",
            html.A(
                t("meetings.index.open_series", lang),
                href=series_path(row["id"]),
                className="alert-link",
            ),
        ]
    )
    return (
        with_language(series_list(rows, lang).children, lang),
        with_language(done, lang),
        "",
        "",
        "",
    )


@callback(
    Output("series-list", "children"),
    Output("series-new-status", "children"),
    Output("series-new-name", "value"),
    Output("series-new-members", "value"),
    Output("series-new-rhythm", "value"),
    Input("series-new-save", "n_clicks"),
    State("series-new-name", "value"),
    State("series-new-members", "value"),
    State("series-new-rhythm", "value"),
    State("meetings-lang", "data"),
    prevent_initial_call=True,
)
def _create_series(n_clicks, name, members, rhythm, lang_data):
    if not n_clicks:
        return (no_update,) * 5
    return create_series(name, members, rhythm, _lang(lang_data))


def update_series(data: object, name: object, members: object, rhythm: object):
    """Save a series' fields at the version the page was built with: ``(status,
    context, page title, details, name, members, rhythm)``. A Conflict shows the saved
    version and puts it in the fields and the context."""
    lang = _lang(data)
    series_id, version = _ctx(data)
    keep = (no_update,) * 5
    if series_id is None:
        return (error_alert(store.NotFound(data), lang), no_update, *keep)
    try:
        row = store.update_series(
            series_id, version, name, members, rhythm, author=current_author()
        )
    except Conflict as exc:
        current = exc.current
        if current is None:
            return (error_alert(exc, lang), no_update, *keep)
        shown = [
            current["name"],
            current.get("rhythm") or "–",
            *(current.get("members") or "").splitlines(),
        ]
        return (
            [error_alert(exc, lang), _saved_version(shown, lang)],
            {"id": series_id, "version": current["version"], "lang": lang},
            no_update,
            no_update,
            current["name"],
            current.get("members") or "",
            current.get("rhythm") or "",
        )
    except STORE_ERRORS as exc:
        return (error_alert(exc, lang), no_update, *keep)
    return (
        success(t("meetings.form.saved", lang)),
        {"id": series_id, "version": row["version"], "lang": lang},
        t("meetings.series_page.title", lang, name=row["name"]),
        series_details(row, lang).children,
        no_update,
        no_update,
        no_update,
    )


@callback(
    Output("series-edit-status", "children"),
    Output("series-ctx", "data"),
    Output("series-title", "children"),
    Output("series-details", "children"),
    Output("series-edit-name", "value"),
    Output("series-edit-members", "value"),
    Output("series-edit-rhythm", "value"),
    Input("series-edit-save", "n_clicks"),
    State("series-ctx", "data"),
    State("series-edit-name", "value"),
    State("series-edit-members", "value"),
    State("series-edit-rhythm", "value"),
    prevent_initial_call=True,
)
def _update_series(n_clicks, data, name, members, rhythm):
    if not n_clicks:
        return (no_update,) * 7
    return update_series(data, name, members, rhythm)


# --- meetings ----------------------------------------------------------------------


def create_meeting(data: object, title: object, meeting_date: object):
    """Create a meeting in the page's series: ``(status, meetings list, title, date)``
    — on success a link to the new meeting, the list anew and empty fields."""
    lang = _lang(data)
    series_id, _version = _ctx(data)
    try:
        if series_id is None:
            raise store.NotFound(data)
        row = store.create_meeting(series_id, title, meeting_date, author=current_author())
        rows = store.list_meetings(series_id)
    except STORE_ERRORS as exc:
        return error_alert(exc, lang), no_update, no_update, no_update
    done = success(
        [
            t("meetings.series_page.created", lang, title=row["title"]) + " ",
            html.A(
                t("meetings.series_page.open_meeting", lang),
                href=meeting_path(row["id"]),
                className="alert-link",
            ),
        ]
    )
    rows_shown = series_meetings(rows, date.today(), lang).children
    return with_language(done, lang), with_language(rows_shown, lang), "", ""


@callback(
    Output("meeting-new-status", "children"),
    Output("series-meetings", "children"),
    Output("meeting-new-title", "value"),
    Output("meeting-new-date", "value"),
    Input("meeting-new-save", "n_clicks"),
    State("series-ctx", "data"),
    State("meeting-new-title", "value"),
    State("meeting-new-date", "value"),
    prevent_initial_call=True,
)
def _create_meeting(n_clicks, data, title, meeting_date):
    if not n_clicks:
        return (no_update,) * 4
    return create_meeting(data, title, meeting_date)


def update_meeting(data: object, title: object, meeting_date: object):
    """Save a meeting's title and date at the page's version: ``(status, context,
    page title, title field, date field, subtitle, actions)`` — after a save the page
    head and last meetings' actions for the (maybe new) date; a Conflict shows the
    saved version and puts it in the fields."""
    lang = _lang(data)
    meeting_id, version = _ctx(data)
    keep = (no_update,) * 5
    if meeting_id is None:
        return (error_alert(store.NotFound(data), lang), no_update, *keep)
    try:
        store.update_meeting(meeting_id, version, title, meeting_date, author=current_author())
        meeting = store.get_meeting(meeting_id)
        actions = store.earlier_actions(meeting)
    except Conflict as exc:
        current = exc.current
        if current is None:
            return (error_alert(exc, lang), no_update, *keep)
        shown = [current["title"], format_date(current["meeting_date"], lang)]
        return (
            [error_alert(exc, lang), _saved_version(shown, lang)],
            {"id": meeting_id, "version": current["version"], "lang": lang},
            no_update,
            current["title"],
            current["meeting_date"].isoformat(),
            no_update,
            no_update,
        )
    except STORE_ERRORS as exc:
        return (error_alert(exc, lang), no_update, *keep)
    today = date.today()
    return (
        success(t("meetings.form.saved", lang)),
        {"id": meeting_id, "version": meeting["version"], "lang": lang},
        meeting["title"],
        no_update,
        no_update,
        meeting_subtitle(meeting, today, lang),
        actions_section(actions, today, lang),
    )


@callback(
    Output("meeting-edit-status", "children"),
    Output(MEETING_CTX, "data", allow_duplicate=True),
    Output("meeting-title", "children"),
    Output("meeting-edit-title", "value"),
    Output("meeting-edit-date", "value"),
    Output("meeting-subtitle", "children"),
    Output("meeting-actions", "children"),
    Input("meeting-edit-save", "n_clicks"),
    State(MEETING_CTX, "data"),
    State("meeting-edit-title", "value"),
    State("meeting-edit-date", "value"),
    prevent_initial_call=True,
)
def _update_meeting(n_clicks, data, title, meeting_date):
    if not n_clicks:
        return (no_update,) * 7
    return update_meeting(data, title, meeting_date)


# --- agenda ------------------------------------------------------------------------


def _apply(action: Mapping, meeting_id: int, version: object, form: Mapping) -> dict | None:
    """Do one agenda change; returns the added item's row (None for a move or a
    removal). Raises the store's exceptions (``NotFound`` for a malformed action)."""
    author = current_author()
    kind = action.get("type")
    if kind == "agenda-add":
        chart_id = form.get("chart_id")
        if not chart_id:
            raise store.InvalidInput("meetings.agenda.choose_chart")
        minutes = form.get("minutes")
        query = pasted_query(form.get("address"))
        check_unit(query)
        return store.add_item(
            meeting_id,
            version,
            chart_id,
            query,
            DEFAULT_MINUTES if minutes in (None, "") else minutes,
            author=author,
        )
    if kind == "agenda-suggest":
        suggestions = form.get("suggestions") or []
        index = action.get("index")
        if not isinstance(index, int) or not 0 <= index < len(suggestions):
            raise store.NotFound(index)
        chosen = suggestions[index]
        if not isinstance(chosen, Mapping):
            raise store.NotFound(index)
        return store.add_item(
            meeting_id,
            version,
            chosen.get("chart_id"),
            chosen.get("query") or "",
            DEFAULT_MINUTES,
            author=author,
        )
    item_id = store.parse_id(action.get("item"))
    if item_id is None:
        raise store.NotFound(action.get("item"))
    if kind == "agenda-move":
        offset = action.get("offset")
        if offset not in (-1, 1) or isinstance(offset, bool):
            raise store.NotFound(offset)
        store.move_item(meeting_id, version, item_id, offset, author=author)
        return None
    if kind == "agenda-remove":
        store.remove_item(meeting_id, version, item_id, author=author)
        return None
    raise store.NotFound(kind)


def change_agenda(action: Mapping, data: object, form: Mapping):
    """One change of the agenda — ``action`` is ``{"type": "agenda-add"}``,
    ``{"type": "agenda-suggest", "index": i}`` (of ``form["suggestions"]``),
    ``{"type": "agenda-move", "item": id, "offset": -1|1}`` or ``{"type":
    "agenda-remove", "item": id}``; ``form`` has ``chart_id``, ``address`` (a pasted
    page address or query string), ``minutes`` and ``suggestions``. Returns
    ``(agenda children, status, context)``: after a change or a Conflict (somebody
    changed the agenda meanwhile) the agenda as saved and its version; after any
    other refusal the agenda unchanged."""
    lang = _lang(data)
    meeting_id, version = _ctx(data)
    if meeting_id is None:
        return no_update, error_alert(store.NotFound(data), lang), no_update
    status = None
    try:
        added = _apply(action, meeting_id, version, form)
    except Conflict as exc:
        status = error_alert(exc, lang)
    except STORE_ERRORS as exc:
        return no_update, error_alert(exc, lang), no_update
    try:
        meeting = store.get_meeting(meeting_id)
    except STORE_ERRORS as exc:
        return no_update, status or error_alert(exc, lang), no_update
    if status is None:
        if added is not None:
            title = item_title(added, lang)
            status = success(t("meetings.agenda.added", lang, title=title))
        else:
            status = success(t("meetings.agenda.changed", lang))
    context = {"id": meeting_id, "version": meeting["version"], "lang": lang}
    return with_language(agenda_list(meeting, can_write(), lang).children, lang), status, context


@callback(
    Output("agenda-list", "children"),
    Output("agenda-status", "children"),
    Output(MEETING_CTX, "data"),
    Input("agenda-add", "n_clicks"),
    Input({"type": "agenda-move", "item": ALL, "offset": ALL}, "n_clicks"),
    Input({"type": "agenda-remove", "item": ALL}, "n_clicks"),
    Input({"type": "agenda-suggest", "index": ALL}, "n_clicks"),
    State(MEETING_CTX, "data"),
    State("agenda-chart", "value"),
    State("agenda-address", "value"),
    State("agenda-minutes", "value"),
    State("agenda-suggestions-data", "data"),
    prevent_initial_call=True,
)
def _change_agenda(_add, _move, _remove, _suggest, data, chart_id, address, minutes, suggestions):
    triggered = ctx.triggered_id
    clicked = ctx.triggered[0].get("value") if ctx.triggered else None
    if triggered is None or not clicked:
        return no_update, no_update, no_update  # a button (re)appeared, none was pressed
    action = dict(triggered) if isinstance(triggered, Mapping) else {"type": "agenda-add"}
    form = {
        "chart_id": chart_id,
        "address": address,
        "minutes": minutes,
        "suggestions": suggestions,
    }
    return change_agenda(action, data, form)


def search_charts(search: object, current: object, data: object):
    """The chart select's options for the search text, its value (kept when still
    offered, else the first match) and a status ("no match")."""
    lang = _lang(data)
    options = chart_options(search, lang)
    values = [option["value"] for option in options]
    value = current if current in values else (values[0] if values else None)
    status = "" if options else t("meetings.agenda.no_match", lang)
    return options, value, status


@callback(
    Output("agenda-chart", "options"),
    Output("agenda-chart", "value"),
    Output("agenda-search-status", "children"),
    Input("agenda-search", "value"),
    State("agenda-chart", "value"),
    State(MEETING_CTX, "data"),
    prevent_initial_call=True,
)
def _search_charts(search, current, data):
    return search_charts(search, current, data)


def load_suggestions(data: object):
    """The suggested items of the page's meeting (``meetings.suggestions.suggest``: it
    reads chart data, which the page itself never does, so they come in this callback
    after the page), as ``(panel children, suggestions)``; suggestions naming a chart
    not in the catalog are left out. When a database cannot be read they say so."""
    lang = _lang(data)
    meeting_id, _version = _ctx(data)
    unavailable = [html.P(t("meetings.suggest.unavailable", lang))], []
    if meeting_id is None:
        return unavailable
    try:
        meeting = store.get_meeting(meeting_id)
        if meeting["meeting_date"] < date.today():
            # Suggestions are worked out from today's data: no use for a held meeting.
            return [html.P(t("meetings.suggest.past", lang))], []
        found = suggestions.suggest(meeting, lang)
    except store.NotFound:
        return unavailable  # a meeting that is not there (a client's id): nothing to log
    except (*STORE_ERRORS, *DATABASE_ERRORS):
        log.warning("suggestions for meeting %s unavailable", meeting_id, exc_info=True)
        return unavailable
    chosen = [
        {
            "chart_id": s["chart_id"],
            "query": s.get("query") or "",
            "reason": s.get("reason") or "",
        }
        for s in found
        if isinstance(s, Mapping) and s.get("chart_id") in CHARTS
    ]
    return suggestion_list(chosen, can_write(), lang), chosen


@callback(
    Output("agenda-suggestions", "children"),
    Output("agenda-suggestions-data", "data"),
    Input(MEETING_CTX, "id"),
    State(MEETING_CTX, "data"),
)
def _load_suggestions(_id, data):
    return load_suggestions(data)
