"""The data discussion as JSON and as documents, for the county's other systems.

- ``GET /api/meetings[?series=<id>]`` — meetings (of one series, or all) with their
  agenda items, decisions, actions and information needs.
- ``GET /api/meetings/<id>`` — one meeting, the same shape.
- ``GET /api/meetings/<id>/minutes.docx|minutes.md`` — the minutes (``meetings.minutes``).
- ``GET /api/meetings/<id>/preread.docx`` — the pre-read.

Reading needs no identity, like the meeting pages. Answers are in the asked language
(``lang``, as in ``api.py``). Dates are ISO (``2025-01-31``), times ISO in UTC. The
names in the change log (who wrote what) are not served: a decision's owner is.
An unknown meeting or series is 404, a parameter that is not one of the endpoint's
or a bad series id 400, each with ``{"error": "Pyyntöä ei palveltu, koska …"}``;
503 while the app database cannot be reached. The documents are still made when the
reporting database is down: their charts then say so.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from dash import get_relative_path
from flask import Blueprint, jsonify, request, send_file

from api_language import request_language
from exports.files import DOCX_TYPE, MARKDOWN_TYPE, download_name
from meetings import minutes, store
from meetings.db import APP_DB_ERRORS
from meetings.items import item_page_url, item_title
from translations import quote_value, t

log = logging.getLogger(__name__)
blueprint = Blueprint("meetings_api", __name__)

# What the app database raises when it cannot be reached (or is not migrated).
LIST_PARAMETERS = ("series", "lang")
MEETING_PARAMETERS = ("lang",)


class Refused(Exception):
    """A request answered with an error response instead of data."""

    def __init__(self, status: int, key: str, lang: str, **params: Any) -> None:
        super().__init__(key)
        response = jsonify({"error": t(key, lang, **params)})
        response.status_code = status
        self.response = response


@blueprint.errorhandler(Refused)
def _refused(error: Refused):
    return error.response


def _language(allowed: tuple[str, ...]) -> tuple[str, list[str]]:
    """The request's language and the notices about it (``api_language``);
    ``Refused`` (400) for a parameter not in ``allowed``."""
    lang, notices = request_language()
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        names = ", ".join(quote_value(name) for name in unknown)
        raise Refused(400, "api.unknown_params", lang, names=names, known=", ".join(allowed))
    return lang, notices


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def decision_json(decision: Mapping, today: date) -> dict[str, Any]:
    """A decision or action: every field but the change log's names, and ``overdue``
    (an open action past its due date, ``meetings.store.is_overdue``)."""
    return {
        "id": decision["id"],
        "kind": decision["kind"],
        "title": decision["title"],
        "details": decision["details"],
        "owner": decision["owner"] or None,
        "due_date": _iso(decision["due_date"]),
        "expected_effect": {
            "direction": decision["effect_direction"] or None,
            "by": _iso(decision["effect_by"]),
        },
        "decided_on": _iso(decision["decided_on"]),
        "status": decision["status"],
        "overdue": store.is_overdue(decision, today),
        "chart_id": decision["chart_id"],
        "version": decision["version"],
        "updated_at": _iso(decision["updated_at"]),
    }


def need_json(need: Mapping) -> dict[str, Any]:
    """An information need: text, status, the analysts' response."""
    return {
        "id": need["id"],
        "text": need["text"],
        "status": need["status"],
        "response": need["response"],
        "version": need["version"],
        "updated_at": _iso(need["updated_at"]),
    }


def item_json(item: Mapping, lang: str, today: date) -> dict[str, Any]:
    """An agenda item: its chart, address (``query``), page URL, minutes, observations,
    decisions, actions and information needs."""
    return {
        "id": item["id"],
        "position": item["position"],
        "chart_id": item["chart_id"],
        "title": item_title(item, lang),
        "query": item["query"],
        "page_url": item_page_url(item),
        "minutes": item["minutes"],
        "observations": item["observations"],
        "decisions": [
            decision_json(d, today) for d in item["decisions"] if d["kind"] == "decision"
        ],
        "actions": [decision_json(d, today) for d in item["decisions"] if d["kind"] == "action"],
        "information_needs": [need_json(need) for need in item["needs"]],
    }


def meeting_json(meeting: Mapping, lang: str, today: date) -> dict[str, Any]:
    """A meeting (``store.get_meeting``) with its series, links and agenda items."""
    series = meeting["series"]
    base = f"/api/meetings/{meeting['id']}"
    return {
        "id": meeting["id"],
        "title": meeting["title"],
        "date": _iso(meeting["meeting_date"]),
        "series": {
            "id": series["id"],
            "name": series["name"],
            "members": [line.strip() for line in series["members"].splitlines() if line.strip()],
            "rhythm": series["rhythm"],
            "is_example": bool(series["is_example"]),
        },
        "page_url": get_relative_path(f"/tietokeskustelut/{meeting['id']}"),
        "preread_url": get_relative_path(f"/tietokeskustelut/{meeting['id']}/ennakko"),
        "minutes_docx_url": get_relative_path(base + "/minutes.docx"),
        "minutes_md_url": get_relative_path(base + "/minutes.md"),
        "preread_docx_url": get_relative_path(base + "/preread.docx"),
        "version": meeting["version"],
        "updated_at": _iso(meeting["updated_at"]),
        "items": [item_json(item, lang, today) for item in meeting["items"]],
    }


def _meeting(raw_id: str, lang: str) -> dict:
    """The meeting ``raw_id`` names (``Refused`` 404 / 503)."""
    meeting_id = store.parse_id(raw_id)
    try:
        if meeting_id is None:
            raise store.NotFound(raw_id)
        return store.get_meeting(meeting_id)
    except store.NotFound:
        raise Refused(
            404, "meetings.api.unknown_meeting", lang, meeting=quote_value(raw_id)
        ) from None
    except APP_DB_ERRORS:
        log.exception("meeting %s from the app database failed", raw_id)
        raise Refused(503, "meetings.api.db_error", lang) from None


@blueprint.get("/api/meetings")
def meetings_list():
    """``{"meetings": [...], "notices": [...]}``, by date; ``series`` limits them to one
    series (``notices``: why the answer is not in the asked language, if it is not)."""
    lang, notices = _language(LIST_PARAMETERS)
    values = request.args.getlist("series")
    series_id = None
    if values:
        series_id = store.parse_id(values[0]) if len(values) == 1 else None
        if series_id is None:
            raise Refused(400, "meetings.api.bad_series", lang, value=quote_value(values[-1]))
    today = date.today()
    try:
        if series_id is not None:
            store.get_series(series_id)
        found = [store.get_meeting(row["id"]) for row in store.list_meetings(series_id)]
    except store.NotFound:
        raise Refused(
            404, "meetings.api.unknown_series", lang, series=quote_value(values[0])
        ) from None
    except APP_DB_ERRORS:
        log.exception("meetings from the app database failed")
        raise Refused(503, "meetings.api.db_error", lang) from None
    return jsonify(
        {"meetings": [meeting_json(meeting, lang, today) for meeting in found], "notices": notices}
    )


@blueprint.get("/api/meetings/<meeting_id>")
def meeting_one(meeting_id: str):
    """One meeting, the shape of a ``/api/meetings`` entry."""
    lang, _notices = _language(MEETING_PARAMETERS)
    return jsonify(meeting_json(_meeting(meeting_id, lang), lang, date.today()))


# The documents: (builder, media type, file name stem's translation key).
DOCUMENTS = {
    "minutes.docx": (minutes.minutes_docx, DOCX_TYPE, "meetings.documents.file_minutes"),
    "minutes.md": (minutes.minutes_markdown, MARKDOWN_TYPE, "meetings.documents.file_minutes"),
    "preread.docx": (minutes.preread_docx, DOCX_TYPE, "meetings.documents.file_preread"),
}


def document_name(meeting: Mapping, stem_key: str, extension: str, lang: str) -> str:
    """E.g. ``muistio_2025-01-31_jarjestajan-johtoryhma.docx``: what, when, which."""
    return download_name(
        t(stem_key, lang),
        meeting["meeting_date"].isoformat(),
        minutes.title_slug(meeting["title"]),
        extension=extension,
    )


@blueprint.get(
    "/api/meetings/<meeting_id>/<any('minutes.docx', 'minutes.md', 'preread.docx'):name>"
)
def meeting_document(meeting_id: str, name: str):
    """The minutes (Word or Markdown) or the pre-read (Word) as a download."""
    lang, _notices = _language(MEETING_PARAMETERS)
    meeting = _meeting(meeting_id, lang)
    build, mimetype, stem_key = DOCUMENTS[name]
    try:
        content = build(meeting, lang, base_url=request.host_url.rstrip("/"))
    except APP_DB_ERRORS:
        log.exception("%s of meeting %s failed", name, meeting_id)
        raise Refused(503, "meetings.api.db_error", lang) from None
    if isinstance(content, str):
        content = content.encode("utf-8")
    return send_file(
        io.BytesIO(content),
        mimetype=mimetype,
        as_attachment=True,
        download_name=document_name(meeting, stem_key, name.rsplit(".", 1)[1], lang),
        max_age=0,
    )
