"""Fuzz-style tests: malformed input never causes a server error.

Hypothesis generates query strings from a mix of plausible and hostile values; every
layer that reads URL parameters must answer with defaults and notices (pages), a 400
(data API) or a rendered card — never an exception or a 5xx. The same holds for
requests to Dash's own endpoints: arbitrary or damaged callback bodies, arbitrary
values in well-formed ones, and arbitrary paths under every route.
"""

from __future__ import annotations

import importlib
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app import app as dash_app
from callbacks.chart_cards import chart_card_body
from charts.address import Address
from charts.areas import INVESTMENT_AREAS
from charts.catalog import CHARTS
from queries.filters import GRAINS, Filters
from tests.callback_bodies import callback_body, server_outputs

KEYS = ["from", "to", "grain", "unit", "service", "lang", "x"]
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "2024-13",
        "0000-00",
        "2024-1",
        "9999-12",
        "<script>",
        "' OR 1=1 --",
        "NaN",
        "\x00",
        "%",
        "ä" * 300,
        "TA01,TA02",
        "TA01",
        "municipality-901",
        "area-a-alue",
        "quarter",
        "YEAR",
        "oral_health",
    ]
)
VALUE = st.one_of(HOSTILE, st.text(max_size=40), st.sampled_from(GRAINS))
QUERY = st.dictionaries(
    st.sampled_from(KEYS), st.one_of(VALUE, st.lists(VALUE, max_size=4)), max_size=6
)
PAGES = [importlib.import_module("dashboards.overview")] + [
    importlib.import_module(f"dashboards.{area.slug}") for area in INVESTMENT_AREAS
]
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.unit
@FUZZ
@given(QUERY)
def test_z001_filters_parse_anything_into_valid_filters(query):
    """Any query parses into valid filters with only known notices, which round-trip."""
    filters, notices = Filters.from_query(query)
    assert filters.grain in GRAINS
    assert filters.end is None or filters.start <= filters.end
    assert all(key.startswith("notice.") for key in notices)
    # Valid filters round-trip through their own query string.
    assert Filters.from_query(filters.to_query()) == (filters, ())


@FUZZ
@given(QUERY)
def test_z002_every_page_layout_accepts_anything(reporting_db, query):
    """Every page renders for any query and shows a notice exactly when a value was refused."""
    address, notices = Address.from_query(query)  # filters, card states and language
    filters = address.filters
    # The node ids of the fixture's hierarchy (tests/test_unit_hierarchy.py).
    nodes = {"TA01", "TA02", "TA03", "area-a-alue", "area-b-alue"}
    nodes |= {"municipality-901", "municipality-902", "municipality-903"}
    unknown_units = filters.node and filters.node not in nodes
    for page in PAGES:
        rendered = str(page.layout(**query))
        assert "H1(" in rendered  # the page itself, not an error page
        # Every rejected value is announced on the page, unknown unit codes too.
        assert ("url-notice" in rendered) == bool(notices or unknown_units)


@FUZZ
@given(QUERY)
def test_z003_data_api_never_answers_5xx(client, query):
    """The data API answers any query with 200 rows or a 400 error, never 5xx."""
    response = client.get("/api/charts/hoitotakuu-7vrk/data.json?" + urlencode(query, doseq=True))
    assert response.status_code in (200, 400)
    assert "error" in response.get_json() or "rows" in response.get_json()


@FUZZ
@given(QUERY, st.one_of(st.sampled_from(["series", "units", "spc"]), st.text(max_size=10)))
def test_z004_chart_callback_renders_for_any_request(reporting_db, query, view):
    """The chart card callback renders something for any filters and view, never a traceback."""
    body = chart_card_body({"chart": "digiasiointi-osuus", "filters": query, "lang": "fi"}, view)
    assert "Traceback" not in str(body)
    assert body


# --- Dash's own endpoints (issue 7, item 17): malformed requests are 4xx, never 5xx --

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
BODY_KEYS = ["output", "outputs", "inputs", "state", "changedPropIds"]
# Cheap requests: many more examples, so that rare shapes (a number where a callback
# expects a list) are found in every run, not in one of several.
DASH_FUZZ = settings(FUZZ, max_examples=300)


def _first_request(client) -> list[str]:
    client.get("/")  # Dash completes its callback map at the first request
    return server_outputs(dash_app)


def _post(client, body, query: str = ""):
    response = client.post("/_dash-update-component" + query, json=body)
    assert response.status_code < 500, (body, response.get_data(as_text=True)[:300])
    return response


@DASH_FUZZ
@given(JSON, st.sampled_from(["", "?cacheKey=x&job=1", "?oldJob=1&endId=e"]))
def test_z005_any_json_body_is_never_a_server_error(client, body, query):
    """Any JSON body posted to the callback endpoint is never answered with a server error."""
    _first_request(client)
    _post(client, body, query)


@DASH_FUZZ
@given(st.data())
def test_z006_a_damaged_real_request_is_never_a_server_error(client, data):
    """A real callback request with one key dropped or damaged is never a server error."""
    outputs = _first_request(client)
    body = callback_body(
        dash_app, data.draw(st.sampled_from(outputs)), values=lambda _e: data.draw(JSON)
    )
    # Damage it: drop a key, replace a key's value, or replace one entry of a list.
    key = data.draw(st.sampled_from(BODY_KEYS))
    how = data.draw(st.sampled_from(["drop", "replace", "entry"]))
    if how == "drop":
        body.pop(key, None)
    elif how == "replace" or not isinstance(body.get(key), list) or not body[key]:
        body[key] = data.draw(JSON)
    else:
        body[key][data.draw(st.integers(0, len(body[key]) - 1))] = data.draw(JSON)
    _post(client, body)


WILDCARD_VALUE = st.one_of(st.sampled_from(list(CHARTS)), st.text(max_size=12), st.integers())


@DASH_FUZZ
@given(st.data())
def test_z007_every_callback_takes_any_values_without_a_server_error(client, data):
    """Well-formed requests with arbitrary values: each callback validates its inputs."""
    outputs = _first_request(client)
    output = data.draw(st.sampled_from(outputs))
    values = st.one_of(JSON, st.sampled_from(["/", "/hoitoonpaasy", "?unit=TA01", "series"]))
    fill_values: dict = {}
    body = callback_body(
        dash_app,
        output,
        values=lambda _e: data.draw(values),
        many=data.draw(st.integers(0, 3)),
        fill=lambda key, i: fill_values.setdefault((key, i), data.draw(WILDCARD_VALUE)),
    )
    _post(client, body)


@DASH_FUZZ
@given(
    st.sampled_from(
        [
            "/_dash-component-suites/",
            "/_dash-layout",
            "/_dash-dependencies",
            "/_reload-hash",
            "/_favicon.ico",
            "/assets/",
            "/api/charts/",
            "/embed/",
            "/",
        ]
    ),
    st.text(max_size=30),
    st.sampled_from(["get", "post", "put", "delete", "head"]),
)
def test_z008_any_path_under_every_route_is_never_a_server_error(client, route, tail, method):
    """Any path under every route, with any method, is never answered with a server error."""
    # "//x" is a scheme-relative URL (host "x"), not a path: the test client itself
    # fails to encode such a host, before any request reaches the app.
    assume(not (route + tail).startswith("//"))
    response = getattr(client, method)(route + tail)
    assert response.status_code < 500, (route + tail, method)
