"""HTTP endpoints beside the Dash pages: the chart catalog, chart data and health.

- ``GET /api/charts`` — the catalog as JSON.
- ``GET /api/charts/<id>/data.json|.csv|.xlsx?<filters>`` — the plotted (suppressed)
  numbers as JSON, as CSV for Finnish Excel, or as a workbook with a metadata sheet.
- ``GET /healthz`` — 200 while the process is up.
- ``GET /readyz`` — 200 only when the reporting database answers (503 otherwise), with
  the last data load's time and this process's last answered query's time.

When the reporting database fails, the data endpoints answer from the last good
results (``queries.last_good``) and say so: ``stale``, ``fetched_at`` and
``stale_notice`` in the JSON, and the headers ``Warning: 110`` ("Response is
Stale", RFC 7234) and ``Age`` (seconds since the numbers were fetched) on JSON and
files alike; a file's metadata says it too.

The meetings' endpoints (``/api/meetings``...) are in ``meetings/api.py``; the stored
figures of an indicator (``/api/indicators/<indicator>/values.json``) in ``figures_api.py``.
"""

from __future__ import annotations

import io
import logging
import time
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from dash import get_relative_path
from flask import Blueprint, Flask, jsonify, request, send_file, url_for

from api_language import request_language
from charts.address import CardStates, page_language
from charts.areas import AREA_BY_SLUG
from charts.catalog import CHARTS, ChartSpec
from charts.payload import (
    chart_data,
    chart_peers,
    effective_filters,
    left_out_periods,
    partial_note,
)
from charts.summary import reason_text
from exports.data import build_export, to_csv, to_xlsx
from exports.files import CSV_TYPE, XLSX_TYPE, download_name
from figures_api import blueprint as figures_blueprint
from meetings.api import blueprint as meetings_blueprint
from queries import last_good
from queries.data_version import known_load_meta, load_meta
from queries.engine import DATABASE_ERRORS, last_successful_query_at, ping
from queries.filters import SERVICES, Filters, _values
from queries.peers import VALUE_COLUMNS, peer_credit, stated_peers
from queries.privacy import REASONS
from queries.reference import data_as_of, is_synthetic
from queries.results import export_count, export_value
from queries.units import resolve_selection
from settings import get_settings
from translations import format_time, notice_text, quote_value, t

log = logging.getLogger(__name__)
blueprint = Blueprint("api", __name__)


def describe(spec: ChartSpec, lang: str) -> dict[str, Any]:
    """One catalog entry as JSON: id, area, texts, unit, series and data URLs (with
    ``lang`` when it is not the default)."""
    language = {} if lang == page_language(None) else {"lang": lang}
    return {
        "id": spec.id,
        "area": spec.area,
        "title": t(spec.text_key("title"), lang),
        "definition": spec.definition(lang),
        "source": t(spec.text_key("source"), lang),
        "unit": spec.unit,
        "decimals": spec.decimals,
        "series": {s: t(spec.series_key(s), lang) for s in spec.series},
        "target_indicator": spec.target_indicator,
        "unit_filter": spec.unit_filter,
        # The data URLs answer in the catalog's language too.
        "data_url": url_for("api.chart_data_json", chart_id=spec.id, **language),
        "csv_url": url_for("api.chart_data_file", chart_id=spec.id, extension="csv", **language),
        "xlsx_url": url_for("api.chart_data_file", chart_id=spec.id, extension="xlsx", **language),
    }


@blueprint.get("/api/charts")
def chart_catalog():
    """The whole chart catalog: ``{"charts": [...], "services": {key: name},
    "notices": [...]}`` (``notices``: why the answer is not in the asked language, if
    it is not)."""
    lang, notices = request_language()
    return jsonify(
        {
            "charts": [describe(spec, lang) for spec in CHARTS.values()],
            # The values of the ``service`` filter and their names.
            "services": {s: t(f"service.{s}", lang) for s in SERVICES},
            "notices": notices,
        }
    )


def _error(status: int, key: str, lang: str, **params: Any):
    response = jsonify({"error": t(key, lang, **params)})
    response.status_code = status
    return response


class BadRequest(Exception):
    """A request the API answers with an error response instead of data."""

    def __init__(self, response):
        super().__init__()
        self.response = response


# The query parameters a data request may carry: a page's whole address (the filters of
# Filters.from_query, the language, and the card views, run-chart phases, folded panels
# and embed flag of charts.address, which do not change the data), so a page's query
# string works.
DATA_PARAMETERS = (
    "from",
    "to",
    "grain",
    "unit",
    "service",
    "lang",
    "view",
    "phase",
    "fold",
    "embed",
    "peers",
)


def _chart_request(chart_id: str) -> tuple[ChartSpec, Filters, str]:
    """The chart, filters and language of a data request.

    Bad filter values are rejected with 400 and a message (a tool should not silently
    get other data than it asked for); so is a unit selection that is not one node of
    the unit hierarchy (``queries.units``: two or more ``unit`` values, a bad form, a
    node the reporting DB does not know), more than one ``service`` and a parameter
    that is not one of ``DATA_PARAMETERS``. An unknown id
    is 404; 503 when the unit list cannot be read.
    """
    lang, _language_notices = request_language()
    spec = CHARTS.get(chart_id)
    if spec is None:
        raise BadRequest(_error(404, "api.unknown_chart", lang, chart=quote_value(chart_id)))
    # A misspelt parameter (units=, unit[]=) would otherwise be ignored and the tool
    # would get the whole county without a word.
    unknown = sorted(set(request.args) - set(DATA_PARAMETERS))
    if unknown:
        names = ", ".join(quote_value(name) for name in unknown)
        raise BadRequest(
            _error(400, "api.unknown_params", lang, names=names, known=", ".join(DATA_PARAMETERS))
        )
    filters, notices = Filters.from_query(request.args.to_dict(flat=False))
    if not notices:
        try:
            filters, notices = resolve_selection(filters)
        except DATABASE_ERRORS as error:
            log.warning("unit list for %s: reporting database failed: %r", chart_id, error)
            raise BadRequest(_error(503, "api.db_error", lang)) from None
    if notices:
        problems = " ".join(notice_text(notice, lang) for notice in notices)
        raise BadRequest(_error(400, "api.bad_filters", lang, problems=problems))
    return spec, filters, lang


def peers_asked(spec: ChartSpec, lang: str) -> bool:
    """Whether the request asks for the chart's peer context: a ``peers`` value naming
    it (``peers=<chart id>``, as in the card's address; values naming other charts of
    a page's address are left alone). A value that names no chart at all (a typo
    would otherwise silently give the answer without the comparison), and asking it
    of a chart without a national counterpart, are refused with 400 and a message in
    ``lang``."""
    values = _values(request.args.getlist("peers"))
    unknown = [value for value in values if value not in CHARTS]
    if unknown:
        names = ", ".join(quote_value(value) for value in unknown)
        raise BadRequest(_error(400, "api.peers_unknown", lang, values=names))
    asked = spec.id in values
    if asked and not spec.national:
        raise BadRequest(_error(400, "api.peers_not_national", lang, chart=quote_value(spec.id)))
    return asked


def stale_fields(parts: last_good.Watch, lang: str) -> dict[str, Any]:
    """What a data answer says about its freshness: ``stale`` (bool), ``fetched_at``
    (ISO time in UTC when stale, else None) and ``stale_notice`` (the sentence in
    ``lang``, else None)."""
    fetched = parts.fetched
    return {
        "stale": parts.stale,
        "fetched_at": fetched.isoformat() if fetched else None,
        "stale_notice": t("stale.api", lang, when=format_time(fetched, lang)) if fetched else None,
    }


def mark_stale(response, parts: last_good.Watch):
    """``response`` with the HTTP form of a stale answer (RFC 7234's ``Warning: 110``
    and ``Age`` in whole seconds, and ``no-store``: no proxy or browser may keep it)
    when ``parts`` is stale; unchanged otherwise."""
    if parts.fetched_at is None:
        return response
    response.headers["Warning"] = '110 - "Response is Stale"'
    response.headers["Age"] = str(max(0, int(time.time() - parts.fetched_at)))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(BadRequest)
def _bad_request(error: BadRequest):
    return error.response


def chart_page_url(spec: ChartSpec, filters: Filters, peers: bool = False) -> str:
    """Absolute URL of the chart on its page with ``filters`` (behind the URL prefix),
    and with ``peers`` its card's peer context switched on (``peers=<chart id>``, as
    the card's own address writes it)."""
    states = CardStates(peers=(spec.id,)) if peers else CardStates()
    query = urlencode({**filters.to_query(), **states.to_query()}, doseq=True)
    path = get_relative_path(AREA_BY_SLUG[spec.area].path)
    return (
        request.host_url.rstrip("/") + path + ("?" + query if query else "") + (f"#card-{spec.id}")
    )


def _download(content: bytes, spec: ChartSpec, extension: str, mimetype: str):
    as_of = data_as_of()
    stamp = as_of.isoformat() if as_of else "data"
    return send_file(
        io.BytesIO(content),
        mimetype=mimetype,
        as_attachment=True,
        download_name=download_name(spec.id, stamp, extension=extension),
        max_age=0,
    )


# File formats of the data behind a chart: writer and media type (exports.files).
DATA_FILES = {
    "csv": (lambda export, _lang: to_csv(export), CSV_TYPE),
    "xlsx": (to_xlsx, XLSX_TYPE),
}


@blueprint.get("/api/charts/<chart_id>/data.<any(csv, xlsx):extension>")
def chart_data_file(chart_id: str, extension: str):
    """The numbers behind one chart as a CSV file for Finnish Excel or as an Excel
    workbook with a metadata sheet."""
    spec, filters, lang = _chart_request(chart_id)
    peers = peers_asked(spec, lang)
    write, mimetype = DATA_FILES[extension]
    try:
        with last_good.watch() as parts:
            link = chart_page_url(spec, filters, peers)
            export = build_export(spec.id, filters, lang, link, peers)
    except DATABASE_ERRORS as error:
        log.warning("%s for %s: reporting database failed: %r", extension, chart_id, error)
        return _error(503, "api.db_error", lang)
    return mark_stale(_download(write(export, lang), spec, extension, mimetype), parts)


def peer_answer(peers: pd.DataFrame, decimals: int) -> dict[str, Any]:
    """The data API's ``peers``: the credit (``queries.peers.peer_credit``) and the
    rows of ``peers`` with their values stated with ``decimals`` places."""
    stated = stated_peers(peers, decimals)
    return {
        "credit": peer_credit(peers),
        "rows": [
            {
                "period": row.period.date().isoformat(),
                "grain": row.grain,
                **{
                    column: export_value(getattr(row, column), decimals) for column in VALUE_COLUMNS
                },
                "counties": int(row.counties),
                # The period's stored source text (both, when its rows differ).
                "source": row.source
                if row.source == row.last_source
                else f"{row.source}; {row.last_source}",
            }
            for row in stated.itertuples(index=False)
        ],
    }


@blueprint.get("/api/charts/<chart_id>/data.json")
def chart_data_json(chart_id: str):
    """The numbers behind one chart for the filters in the query string: the chart's
    description, ``notices`` (language), ``left_out`` (ISO starts of the periods left
    out as incomplete) and ``left_out_note`` (the sentence naming them, or ""), the
    filters applied, ``rows``, ``targets`` and the suppression rule. With
    ``peers=<chart id>`` (``peers_asked``) also ``peers``: ``{"credit", "rows"}``, one
    row per stored period of the peer context (``charts.payload.chart_peers``: period,
    grain, country, own, minimum, q1, q3, maximum, counties, source), values stated
    with the chart's places; published statistics, exact."""
    spec, filters, lang = _chart_request(chart_id)
    peers_on = peers_asked(spec, lang)
    try:
        with last_good.watch() as parts:
            frame, targets = chart_data(spec.id, filters)
            as_of = data_as_of()
            synthetic = is_synthetic()
            applied = effective_filters(spec, filters)
            peers = chart_peers(spec, applied, frame["period"]) if peers_on else None
            left_out = left_out_periods(spec, applied)
            left_out_note = partial_note(spec, applied, lang)
    except DATABASE_ERRORS as error:
        log.warning("data for %s: reporting database failed: %r", chart_id, error)
        return _error(503, "api.db_error", lang)
    rows = [
        {
            "period": row.period.date().isoformat(),
            "series": row.series,
            "value": export_value(row.value, spec.decimals),
            "numerator": export_count(row.numerator),
            "denominator": export_count(row.denominator),
            "suppressed": bool(row.suppressed),
            "suppression_reason": (
                row.suppression_reason
                if row.suppressed and isinstance(row.suppression_reason, str)
                else None
            ),
        }
        for row in frame.itertuples(index=False)
    ]
    target_rows = [
        {
            "valid_from": row.valid_from.date().isoformat(),
            "valid_to": None if pd.isna(row.valid_to) else row.valid_to.date().isoformat(),
            "kind": row.kind,
            "age_min": int(row.age_min),
            "age_max": int(row.age_max),
            "value": row.value,
            "comparison": row.comparison,
            "source": row.source,
        }
        for row in targets.itertuples(index=False)
    ]
    answer = jsonify(
        {
            "chart": describe(spec, lang),
            "notices": request_language()[1],
            # When the database was away: since when these numbers are (last good).
            **stale_fields(parts, lang),
            # Periods the chart leaves out as incomplete (starts, ISO), and the sentence
            # the card, the summary and the files say about them ("" when none).
            "left_out": [period.date().isoformat() for period in left_out],
            "left_out_note": left_out_note,
            "filters": {
                "from": applied.start,
                "to": applied.end,
                "grain": applied.grain,
                # The node of the unit hierarchy (None: the whole county) and its units.
                "unit": (filters.node or None) if applied.units else None,
                "units": list(applied.units),
                "service": applied.services[0] if applied.services else None,
                # The service's name as the dashboard writes it (no raw key).
                "service_name": t(f"service.{applied.services[0]}", lang)
                if applied.services
                else None,
            },
            "data_as_of": as_of.isoformat() if as_of else None,
            "synthetic": synthetic,
            "suppression": {
                "min_count": get_settings().min_cell_count,
                "applies": spec.counts_people,
                # docs/privacy.md: every count of people is rounded to a multiple of min_count
                # (0 included), shares resting on a published 0 are withheld; exact_series exact.
                "method": "fixed_random_rounding" if spec.counts_people else "none",
                "exact_series": list(spec.exact_series),
                # What each row's suppression_reason means, in the asked language.
                "reasons": {reason: reason_text(reason, lang) for reason in REASONS},
            },
            "rows": rows,
            "targets": target_rows,
            **({"peers": peer_answer(peers, spec.decimals)} if peers is not None else {}),
        }
    )
    return mark_stale(answer, parts)


@blueprint.get("/healthz")
def healthz():
    """Liveness: the process answers."""
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
def readyz():
    """Readiness: 200 when the reporting database answers a query, else 503. Both
    answers say ``data_loaded_at`` (the last load's ``reporting_meta.data_version`` as
    last read, null when never read) and ``last_successful_query_at`` (ISO time of
    this process's last answered query, null when none)."""
    ready = ping()
    meta = None
    if ready:
        try:
            meta = load_meta()
        except DATABASE_ERRORS:  # no reporting_meta, or the database went away
            meta = known_load_meta()
    else:
        meta = known_load_meta()  # not another query to a database that did not answer
    last_query = last_successful_query_at()
    response = jsonify(
        {
            "status": "ready" if ready else "reporting database not reachable",
            "data_loaded_at": (meta or {}).get("data_version") or None,
            "last_successful_query_at": last_query.isoformat() if last_query else None,
        }
    )
    response.status_code = 200 if ready else 503
    return response


def init_api(server: Flask, prefix: str = "/") -> None:
    """Register the endpoints on the Flask server, under the URL ``prefix``, with the
    meetings' endpoints (``meetings.api``)."""
    server.register_blueprint(blueprint, url_prefix=prefix.rstrip("/") or None)
    server.register_blueprint(meetings_blueprint, url_prefix=prefix.rstrip("/") or None)
    server.register_blueprint(figures_blueprint, url_prefix=prefix.rstrip("/") or None)
