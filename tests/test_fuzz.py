"""Fuzz-style tests: malformed filter values never cause a server error.

Hypothesis generates query strings from a mix of plausible and hostile values; every
layer that reads URL parameters must answer with defaults and notices (pages), a 400
(data API) or a rendered card — never an exception or a 5xx.
"""

from __future__ import annotations

import importlib
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callbacks.chart_cards import chart_card_body
from charts.areas import INVESTMENT_AREAS
from queries.filters import GRAINS, Filters

KEYS = ["from", "to", "grain", "unit", "service", "lang", "x"]
HOSTILE = st.sampled_from(
    ["", " ", "2024-13", "0000-00", "2024-1", "9999-12", "<script>", "' OR 1=1 --",
     "NaN", "\x00", "%", "ä" * 300, "TA01,TA02", "quarter", "YEAR", "oral_health"]
)
VALUE = st.one_of(HOSTILE, st.text(max_size=40), st.sampled_from(GRAINS))
QUERY = st.dictionaries(st.sampled_from(KEYS), st.one_of(VALUE, st.lists(VALUE, max_size=4)),
                        max_size=6)
PAGES = [importlib.import_module("dashboards.overview")] + [
    importlib.import_module(f"dashboards.{area.slug}") for area in INVESTMENT_AREAS
]
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(QUERY)
def test_z001_filters_parse_anything_into_valid_filters(query):
    filters, notices = Filters.from_query(query)
    assert filters.grain in GRAINS
    assert filters.end is None or filters.start <= filters.end
    assert all(key.startswith("notice.") for key in notices)
    # Valid filters round-trip through their own query string.
    assert Filters.from_query(filters.to_query()) == (filters, ())


@FUZZ
@given(QUERY)
def test_z002_every_page_layout_accepts_anything(reporting_db, query):
    filters, notices = Filters.from_query(query)
    unknown_units = set(filters.units) - {"TA01", "TA02", "TA03"}  # the fixture's units
    for page in PAGES:
        rendered = str(page.layout(**query))
        assert "H1(" in rendered  # the page itself, not an error page
        # Every rejected value is announced on the page, unknown unit codes too.
        assert ("url-notice" in rendered) == bool(notices or unknown_units)


@FUZZ
@given(QUERY)
def test_z003_data_api_never_answers_5xx(client, query):
    response = client.get("/api/charts/hoitotakuu-7vrk/data.json?"
                          + urlencode(query, doseq=True))
    assert response.status_code in (200, 400)
    assert "error" in response.get_json() or "rows" in response.get_json()


@FUZZ
@given(QUERY, st.one_of(st.sampled_from(["series", "units", "spc"]), st.text(max_size=10)))
def test_z004_chart_callback_renders_for_any_request(reporting_db, query, view):
    body = chart_card_body({"chart": "digiasiointi-osuus", "filters": query, "lang": "fi"},
                           view)
    assert "Traceback" not in str(body)
    assert body
