"""Bodies of ``POST /_dash-update-component`` as Dash's renderer builds them, made from
the app's callback map, for tests that send well-formed and malformed callback
requests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dash_requests import WILDCARDS


def stringify(component_id: str | dict) -> str:
    """A component id as Dash writes it in ``changedPropIds`` (sorted, compact JSON)."""
    if isinstance(component_id, str):
        return component_id
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def _entries(declared: dict, many: int, fill: Callable[[str, int], Any]) -> dict | list:
    """The request's entry for one declared dependency: a dict, or a list of ``many``
    dicts for ALL/ALLSMALLER; wildcard values come from ``fill(key, index)``."""
    pattern = json.loads(declared["id"]) if declared["id"].startswith("{") else declared["id"]
    if isinstance(pattern, str):
        return {"id": pattern, "property": declared["property"]}
    wild = {k: v[0] for k, v in pattern.items() if isinstance(v, list) and v[0] in WILDCARDS}
    if not set(wild.values()) & {"ALL", "ALLSMALLER"}:
        return {
            "id": {k: fill(k, 0) if k in wild else v for k, v in pattern.items()},
            "property": declared["property"],
        }
    return [
        {
            "id": {k: fill(k, i) if k in wild else v for k, v in pattern.items()},
            "property": declared["property"],
        }
        for i in range(many)
    ]


def fill_ids(key: str, index: int) -> str:
    """A wildcard's value: the ``index``-th chart of the catalog for a card's ``chart``
    key (a request for an unknown chart is refused: ``dash_requests``), else
    ``"<key>-<index>"``."""
    from charts.catalog import CHARTS

    return list(CHARTS)[index] if key == "chart" else f"{key}-{index}"


def callback_body(
    app,
    output: str,
    values: Callable[[dict], Any] = lambda _entry: None,
    many: int = 2,
    fill: Callable[[str, int], Any] = fill_ids,
) -> dict:
    """A well-formed request for the callback of ``output``: every input and state
    entry gets ``values(entry)``; the first input is the one that changed."""
    callback = app.callback_map[output]
    declared_out = callback["output"]
    several = isinstance(declared_out, list | tuple)
    outs = [o.to_dict() for o in (declared_out if several else [declared_out])]
    outputs = [_entries(d, many, fill) for d in outs]

    def with_values(declared: dict):
        entry = _entries(declared, many, fill)
        for item in entry if isinstance(entry, list) else [entry]:
            item["value"] = values(item)
        return entry

    inputs = [with_values(d) for d in callback["inputs"]]
    state = [with_values(d) for d in callback["state"]]
    first = inputs[0][0] if isinstance(inputs[0], list) and inputs[0] else inputs[0]
    changed = [] if isinstance(first, list) else [f"{stringify(first['id'])}.{first['property']}"]
    return {
        "output": output,
        "outputs": outputs if several else outputs[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": changed,
    }


def server_outputs(app, background: bool = False) -> list[str]:
    """The outputs (callback-map keys) of the server-side callbacks, with or without
    the background ones."""
    return sorted(
        k
        for k, v in app.callback_map.items()
        if "callback" in v and bool(v.get("background")) == background  # not clientside
    )


def absent(pattern_type: str, prop: str, key: str = "chart") -> dict:
    """How the renderer sends an optional dependency whose component is not on the
    page (``allow_optional``): its pattern with ``{"wild": "MATCH"}``, value null."""
    return {
        "id": {key: {"wild": "MATCH"}, "type": pattern_type},
        "property": prop,
        "allow_optional": True,
        "value": None,
    }


def chart_card_request(
    chart: str, filters: dict, output: str, view: str = "series", lang: str | None = None
) -> dict:
    """The chart card's callback request for ``chart`` as a page first sends it: its
    request store with ``filters`` (and ``lang``), the view, no phase starts, and no
    retry interval (the card shows no last good result). ``output`` is the callback's
    output string as the server's ``_dash-dependencies`` names it."""
    request_id = {"chart": chart, "type": "chart-request"}
    store = {"chart": chart, "filters": filters, **({"lang": lang} if lang else {})}
    return {
        "output": output,
        "outputs": {"id": {"chart": chart, "type": "chart-body"}, "property": "children"},
        "inputs": [
            {"id": request_id, "property": "data", "value": store},
            {"id": {"chart": chart, "type": "chart-view"}, "property": "value", "value": view},
            {"id": {"chart": chart, "type": "chart-phases"}, "property": "data", "value": []},
            absent("chart-retry", "n_intervals"),
            absent("chart-peers", "value"),
        ],
        "changedPropIds": [stringify(request_id) + ".data"],
        "state": [absent("chart-shown", "data")],
    }
