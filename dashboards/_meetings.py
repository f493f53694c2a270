"""Shared parts of the meeting pages (``/tietokeskustelut...``): the language, ids
from the path, what a store failure looks like, and small form pieces. Dash Pages
skips this module (its name starts with ``_``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import dash_bootstrap_components as dbc
from dash import get_relative_path, html

from charts.cards.chart import alert
from dashboards._frame import query_language
from meetings import store
from meetings.db import APP_DB_ERRORS
from meetings.store import MAX_NAME, NotFound
from translations import t

BASE_PATH = "/tietokeskustelut"


def page_lang(query: Mapping[str, object]) -> str:
    """The language of a meeting page: its ``lang`` parameter when supported, else
    the default (``settings.language``)."""
    return query_language(query)


def exists(getter: Callable[[int], object], raw: object) -> bool:
    """For ``path_ok``: whether ``raw`` is an id ``getter`` finds. When the app
    database cannot be read the page is served (it then shows the database notice)."""
    row_id = store.parse_id(raw)
    if row_id is None:
        return False
    try:
        getter(row_id)
    except NotFound:
        return False
    except APP_DB_ERRORS:
        return True
    return True


def meeting_path(meeting_id: int, rest: str = "") -> str:
    """A meeting's page (or a page under it, ``rest`` like ``"/ennakko"``), prefixed."""
    return get_relative_path(f"{BASE_PATH}/{meeting_id}{rest}")


def series_path(series_id: int) -> str:
    """A series' page, prefixed."""
    return get_relative_path(f"{BASE_PATH}/sarjat/{series_id}")


def success(children) -> html.Div:
    """A saved change as an announced alert."""
    return alert(children, "success", "save-done")


def no_personal_data(lang: str, control_id: str = "") -> html.P:
    """The reminder every free-text form shows not to write personal data; its id is
    ``control_id`` when given."""
    named = {"id": control_id} if control_id else {}
    return html.P(
        t("meetings.form.no_personal_data", lang), className="form-text no-personal-data", **named
    )


def meeting_fields(prefix: str, lang: str, title: str = "", day: str = "") -> list:
    """A meeting's title and date fields (ids ``<prefix>-title``, ``<prefix>-date``:
    ``<input type=date>``, which sends ``YYYY-MM-DD``), filled with ``title`` and
    ``day`` when given."""
    return [
        field(
            t("meetings.field.title", lang),
            dbc.Input(id=f"{prefix}-title", type="text", value=title, maxLength=MAX_NAME),
            f"{prefix}-title",
        ),
        field(
            t("meetings.field.date", lang),
            dbc.Input(id=f"{prefix}-date", type="date", value=day),
            f"{prefix}-date",
        ),
    ]


def field(label: str, control, control_id: str, help_text: str = "", help_id: str = ""):
    """A labelled form control with an optional help text below it (its id
    ``help_id``, default ``<control_id>-help``)."""
    help_id = help_id or f"{control_id}-help"
    parts = [dbc.Label(label, html_for=control_id, className="mb-1 fw-semibold"), control]
    if help_text:
        parts.append(html.Div(help_text, id=help_id, className="form-text"))
    return html.Div(parts, className="mb-3")


def section(heading: str, heading_id: str, children: list, level: int = 2) -> html.Section:
    """A section labelled by its heading (``h2`` by default)."""
    tag = {2: html.H2, 3: html.H3}[level]
    return html.Section(
        [tag(heading, id=heading_id), *children],
        **{"aria-labelledby": heading_id},
        className="mb-4",
    )
