"""Requests to Dash's own endpoints: a malformed one gets a 4xx answer, never a 500.

Dash trusts a callback request (``POST /_dash-update-component``) to be exactly what its
renderer sends. Anything else (``{}``, a list, a wrong type, a missing key, an unknown
output, inputs that do not match the callback) raised deep inside Dash (``KeyError``,
``TypeError``, ...) and Flask answered 500 with a logged traceback, so every probe
looked like a server fault. Unknown ``/_dash-component-suites/...`` paths raised
``DependencyException``, also a 500.

Here, before Dash sees it, every callback request is checked against the app's
callback map: the shape the renderer sends, the declared outputs, inputs and state
(ids, properties, pattern-matching wildcards), and the consistency the renderer
guarantees (one value per ``MATCH`` key; the same components for the same ``ALL``
pattern; changed properties that are inputs). A request that fails gets 400 with a
short JSON message. What passes is a request the renderer could have sent, so an
exception after it is a real server error: it stays a 500 and is logged. The values
of the properties are not checked here (each callback validates its own), except the
two that Dash's page router reads without checking: ``_pages_location``'s pathname
must be text under the app's path prefix, its search text or empty; and the chart a
card's id or request store names must be in the catalog (404 with a message naming
it, not a card body saying the database is down). Unknown component-suite paths
answer 404.

Background-callback polls are the same endpoint with signed ``cacheKey``/``job``
handles in the query string; Dash itself ignores handles whose signature does not
verify, so they need nothing here beyond the body check.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from dash import Dash
from dash.exceptions import DependencyException
from flask import jsonify, request

from charts.address import page_language
from translations import quote_value, t

log = logging.getLogger(__name__)

WILDCARDS = ("ALL", "MATCH", "ALLSMALLER")
MAX_MATCHES = 1000  # components one ALL/ALLSMALLER dependency may resolve to
ROUTER = "_pages_location"  # the dcc.Location that Dash's page router reads


class Malformed(ValueError):
    """A callback request that the Dash renderer could not have sent."""


class UnknownChart(Malformed):
    """A callback request for a chart card whose chart id is not in the catalog."""

    def __init__(self, chart: object) -> None:
        super().__init__(f"unknown chart id {chart!r}")
        self.chart = chart


# Stores of a card's request (``charts.cards.chart.request_store``): their data names the chart.
REQUEST_STORES = ("chart-request", "kpi-request")


def _check_charts(checked: list[tuple[dict, list[dict]]]) -> None:
    """Every chart a card's id or request store names is in the catalog, and a request
    store names the chart of its own card (a page never renders other cards)."""
    from charts.catalog import CHARTS  # the catalog imports every chart's queries

    for _declared, entries in checked:
        for entry in entries:
            component = entry["id"]
            if not isinstance(component, dict) or "chart" not in component:
                continue
            if component["chart"] not in CHARTS:
                raise UnknownChart(component["chart"])
            data = entry.get("value")
            if component.get("type") in REQUEST_STORES and entry["property"] == "data":
                named = data.get("chart") if isinstance(data, dict) else None
                if not isinstance(named, str) or named not in CHARTS:
                    raise UnknownChart(named)
                if named != component["chart"]:
                    raise Malformed("the request store names another chart than its card")


def _wildcard(value: object) -> str | None:
    """``"ALL"`` etc. when ``value`` is a wildcard as it appears in a declared id."""
    if isinstance(value, list) and len(value) == 1 and value[0] in WILDCARDS:
        return value[0]
    return None


def _pattern(declared_id: str) -> str | dict:
    """A declared id as the callback map holds it: a string id, or a pattern-matching
    id (JSON with ``["ALL"]``-style wildcards) parsed into a dict."""
    return json.loads(declared_id) if declared_id.startswith("{") else declared_id


def _is_many(pattern: str | dict) -> bool:
    return isinstance(pattern, dict) and any(
        _wildcard(v) in ("ALL", "ALLSMALLER") for v in pattern.values()
    )


def _base_property(name: object) -> object:
    # "children@abc" is Dash's name of a duplicate output of "children".
    return name.split("@", 1)[0] if isinstance(name, str) else name


def _check_id(found: object, pattern: str | dict, where: str) -> None:
    if isinstance(pattern, str):
        if found != pattern:
            raise Malformed(f"{where}: id does not match the callback")
        return
    if not isinstance(found, dict) or set(found) != set(pattern):
        raise Malformed(f"{where}: id does not match the callback")
    for key, expected in pattern.items():
        value = found[key]
        if _wildcard(expected) is None:
            if value != expected:
                raise Malformed(f"{where}: id does not match the callback")
        # The renderer only ever fills a wildcard with text or a number.
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Malformed(f"{where}: id value of {key!r} has the wrong type")


def _is_absent(item: object, declared: dict, pattern: str | dict) -> bool:
    """Whether ``item`` is how the renderer sends an optional dependency
    (``allow_optional``) whose component is not on the page: the declared pattern with
    each wildcard as ``{"wild": "MATCH"}`` and the value null (e.g. a card's retry
    interval, there only while it shows a last good result)."""
    if not (
        declared.get("allow_optional") and isinstance(item, dict) and isinstance(pattern, dict)
    ):
        return False
    found = item.get("id")
    if item.get("value") is not None or not isinstance(found, dict) or set(found) != set(pattern):
        return False
    for key, expected in pattern.items():
        wildcard = _wildcard(expected)
        wanted = expected if wildcard is None else {"wild": wildcard}
        if found[key] != wanted:
            return False
    return _base_property(item.get("property")) == _base_property(declared["property"])


def _check_item(item: object, declared: dict, where: str) -> list[dict]:
    """The dependency ``item`` of the request against its ``declared`` form; returns
    the item's entries (one, or a list for ALL/ALLSMALLER)."""
    pattern = _pattern(declared["id"])
    if _is_many(pattern):
        if not isinstance(item, list) or len(item) > MAX_MATCHES:
            raise Malformed(f"{where}: expected a list of components")
        entries = item
    else:
        entries = [item]
    if _is_absent(item, declared, pattern):
        return []
    for entry in entries:
        if not isinstance(entry, dict):
            raise Malformed(f"{where}: expected an object with id and property")
        _check_id(entry.get("id"), pattern, where)
        if _base_property(entry.get("property")) != _base_property(declared["property"]):
            raise Malformed(f"{where}: property does not match the callback")
    return entries


def _check_list(body: dict, key: str, declared: list[dict]) -> list[tuple[dict, list[dict]]]:
    items = body.get(key, [])
    if not isinstance(items, list) or len(items) != len(declared):
        raise Malformed(f"{key}: expected a list of {len(declared)}")
    return [
        (spec, _check_item(item, spec, f"{key}[{i}]"))
        for i, (item, spec) in enumerate(zip(items, declared, strict=True))
    ]


def _declared_outputs(callback: dict) -> tuple[list[dict], bool]:
    """The callback's outputs as ``{"id", "property"}`` dicts, and whether it returns
    several (then the request sends a list of them)."""
    output = callback["output"]
    if isinstance(output, list | tuple):
        return [o.to_dict() for o in output], True
    return [output.to_dict()], False


def _check_consistency(checked: list[tuple[dict, list[dict]]]) -> None:
    """What the renderer guarantees across a callback's dependencies: one value per
    ``MATCH`` key, and the same components wherever the same ``ALL`` pattern appears."""
    matched: dict[str, object] = {}
    resolved: dict[str, list] = {}
    for declared, entries in checked:
        pattern = _pattern(declared["id"])
        if not isinstance(pattern, dict):
            continue
        for key, expected in pattern.items():
            if _wildcard(expected) != "MATCH":
                continue
            for entry in entries:
                value = entry["id"][key]
                if matched.setdefault(key, value) != value:
                    raise Malformed(f"MATCH values of {key!r} differ")
        if _is_many(pattern):
            ids = [entry["id"] for entry in entries]
            if resolved.setdefault(declared["id"], ids) != ids:
                raise Malformed("one ALL pattern resolves to different components")


def _check_changed(changed: object, inputs: list[tuple[dict, list[dict]]]) -> None:
    if not isinstance(changed, list):
        raise Malformed("changedPropIds: expected a list")
    known = [(entry["id"], entry["property"]) for _, entries in inputs for entry in entries]
    for prop_id in changed:
        if not isinstance(prop_id, str) or "." not in prop_id:
            raise Malformed("changedPropIds: expected 'id.property' texts")
        component, _, prop = prop_id.rpartition(".")
        if component.startswith("{"):
            try:
                component = json.loads(component)
            except ValueError:
                raise Malformed("changedPropIds: id is not valid JSON") from None
        if (component, prop) not in known:
            raise Malformed("changedPropIds: not an input of the callback")


def _check_router_values(inputs: list[tuple[dict, list[dict]]], prefix: str) -> None:
    """The router's pathname must be text that Dash can strip its path prefix from
    (``dash.strip_relative_path`` raises otherwise), its search text or empty."""
    for _, entries in inputs:
        for entry in entries:
            if entry["id"] != ROUTER:
                continue
            value = entry.get("value")
            if entry["property"] == "pathname":
                root = prefix.rstrip("/") or "/"
                if not (isinstance(value, str) and value.startswith(root)):
                    raise Malformed(f"{ROUTER}.pathname: expected a path under {root}")
            elif entry["property"] == "search" and not (value is None or isinstance(value, str)):
                raise Malformed(f"{ROUTER}.search: expected text")


def check_callback_request(
    body: object, callback_map: dict[str, dict[str, Any]], prefix: str = "/"
) -> None:
    """Raise ``Malformed`` (with a short reason) unless ``body``, the parsed JSON of a
    ``/_dash-update-component`` request, is a request for one of the callbacks in
    ``callback_map`` (Dash's ``app.callback_map``) in the form the renderer sends:
    ``{"output": str, "outputs": ..., "inputs": [...], "state": [...],
    "changedPropIds": [...]}``. ``prefix`` is the app's ``requests_pathname_prefix``."""
    if not isinstance(body, dict):
        raise Malformed("the body is not a JSON object")
    output = body.get("output")
    # Clientside callbacks are in the map too, without a server-side function.
    if not isinstance(output, str) or "callback" not in callback_map.get(output, {}):
        raise Malformed("unknown output")
    callback = callback_map[output]
    checked: list[tuple[dict, list[dict]]] = []
    if not callback.get("no_output"):
        declared, several = _declared_outputs(callback)
        if several:
            checked += _check_list(body, "outputs", declared)
        else:
            checked.append((declared[0], _check_item(body.get("outputs"), declared[0], "outputs")))
    inputs = _check_list(body, "inputs", callback["inputs"])
    checked += inputs + _check_list(body, "state", callback["state"])
    _check_consistency(checked)
    _check_charts(checked)
    _check_changed(body.get("changedPropIds", []), inputs)
    _check_router_values(inputs, prefix)


def _refusal(status: int, key: str, detail: str, **params: object):
    """A short JSON error: the message ``key`` in the user's language, the detail for
    developers (what the request got wrong, in Dash's terms)."""
    lang = page_language(request.args.get("lang"))
    response = jsonify({"error": t(key, lang, **params), "detail": detail})
    response.status_code = status
    return response


def complete_setup_first(app: Dash) -> None:
    """Make every request of a process wait until Dash's per-process set-up is complete.

    Dash fills its callback map at the first request (``Dash._setup_server``) but marks
    the set-up done before it starts, so under a threaded server (gunicorn ``gthread``)
    a second request arriving meanwhile skipped it and found the map half-filled: a
    valid callback answered 400 "unknown output". This hook runs before Dash's own and
    does the set-up once under a lock; later requests pass with one flag check.
    """
    lock = threading.Lock()
    done = threading.Event()

    def _complete_setup():
        if done.is_set():
            return
        with lock:
            if not done.is_set():
                app._setup_server()  # noqa: SLF001 - the hook Dash itself runs first
                done.set()

    app.server.before_request_funcs.setdefault(None, []).insert(0, _complete_setup)


def init_dash_requests(app: Dash) -> None:
    """Check callback requests before Dash handles them and answer unknown component
    suites with 404 (see the module docstring)."""
    server = app.server
    dispatch = app.config.routes_pathname_prefix + "_dash-update-component"
    complete_setup_first(app)

    @server.before_request
    def _check_callback_request():
        # Dash's set-up has completed (complete_setup_first), so the callback map is
        # complete (Dash fills it at the first request).
        if request.endpoint != dispatch:
            return None
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # nested deeper than the parser goes
            body = None
        try:
            check_callback_request(body, app.callback_map, app.config.requests_pathname_prefix)
        except UnknownChart as problem:
            log.info("callback request for an unknown chart: %s", problem)
            chart = quote_value(problem.chart)
            return _refusal(404, "http.unknown_chart", str(problem), chart=chart)
        except Malformed as problem:
            log.info("malformed callback request: %s", problem)
            return _refusal(400, "http.bad_request", str(problem))
        return None

    @server.errorhandler(DependencyException)
    def _unknown_component_suite(_error):
        return _refusal(404, "http.not_found", "no such component suite file")
