"""The app as the benchmark serves it: the real app plus one no-op callback (the floor).

gunicorn bench.server:server
"""

from dash import Input, Output

from app import app


@app.callback(Output("bench-noop-out", "children"), Input("bench-noop-in", "children"))
def bench_noop(value):
    """Returns its input: the cost of a callback round trip with no work."""
    return value


server = app.server
