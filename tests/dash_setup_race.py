"""Run in a fresh interpreter by tests/test_dash_requests.py: a small Dash app whose
first request's set-up is slow (layout validation held for a second), and a callback
request arriving meanwhile from another thread. Prints the two HTTP statuses as JSON.
With ``--guarded`` the app has ``dash_requests.complete_setup_first``."""

from __future__ import annotations

import json
import sys
import threading
import time

import dash
from dash import Dash, Input, Output, _validate, html

from dash_requests import complete_setup_first


def main(guarded: bool) -> None:
    app = Dash(__name__)
    app.layout = html.Div([html.Div("x", id="a"), html.Div(id="b")])

    @dash.callback(Output("b", "children"), Input("a", "children"))
    def echo(value):
        return value

    if guarded:
        complete_setup_first(app)
    validate = _validate.validate_layout

    def slow_validate(*args, **kwargs):  # the window between "set-up done" and the map
        time.sleep(1.0)
        return validate(*args, **kwargs)

    _validate.validate_layout = slow_validate
    body = {
        "output": "b.children",
        "outputs": {"id": "b", "property": "children"},
        "inputs": [{"id": "a", "property": "children", "value": "x"}],
        "changedPropIds": ["a.children"],
        "state": [],
    }
    statuses: dict[str, int] = {}

    def first():
        statuses["page"] = app.server.test_client().get("/").status_code

    def second():
        client = app.server.test_client()
        statuses["callback"] = client.post("/_dash-update-component", json=body).status_code

    page = threading.Thread(target=first)
    page.start()
    time.sleep(0.3)  # inside the slow set-up
    callback = threading.Thread(target=second)
    callback.start()
    page.join()
    callback.join()
    print(json.dumps(statuses))


if __name__ == "__main__":
    main("--guarded" in sys.argv)
