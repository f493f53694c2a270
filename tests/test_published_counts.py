"""Every count the data API serves is published by the disclosure control.

On a small build of the demo data (seeded record keys, many small cells: 5 % of the
demo volume), every chart at every grain, for the whole county and for single units,
is asked through ``/api/charts/<id>/data.json``. For a chart that counts people every
count served (numerator, denominator, and the value of a count chart) is a multiple of
the minimum m, 0 included, and never missing (small counts are rounded, not withheld)
— so no sum or difference of served numbers is 1 .. m − 1 — and a share is 100 × its
served numerator / its served denominator, withheld only when that denominator is 0. A
chart that does not count people is served exactly as its query returns it.
"""

from __future__ import annotations

import math

import pytest

from charts.catalog import CHARTS
from charts.payload import effective_filters
from queries.filters import Filters
from queries.periods import complete_periods
from queries.reference import data_window
from queries.results import as_stated
from reporting.load import build_duckdb
from settings import get_settings
from tests.conftest import use_reporting_db

GRAINS = ("month", "quarter", "year")
RANGE = {"from": "2022-01", "to": "2024-06"}
# The county, a small village station (TA11) and an oral-health unit (SU01, queues).
UNIT_CHOICES = (None, "TA11", "SU01")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("published") / "reporting.duckdb"
    build_duckdb(path, scale=0.05, until="2024-07")
    return f"duckdb:///{path}"


@pytest.fixture
def client(demo_url):
    from app import app

    original = get_settings()
    use_reporting_db(demo_url)
    with app.server.app_context():
        yield app.server.test_client()
    configure_back(original)


def configure_back(original) -> None:
    from queries.engine import dispose_engines
    from settings import configure

    dispose_engines()
    configure(original)


def _requests():
    for chart_id, spec in CHARTS.items():
        for grain in GRAINS:
            for unit in UNIT_CHOICES if spec.unit_filter else (None,):
                yield chart_id, grain, unit


def _rows(client, chart_id: str, grain: str, unit: str | None) -> list[dict]:
    query = {**RANGE, "grain": grain, **({"unit": unit} if unit else {})}
    response = client.get(f"/api/charts/{chart_id}/data.json", query_string=query)
    assert response.status_code == 200, (chart_id, grain, unit, response.get_data(True))
    return response.get_json()["rows"]


def _published(value, minimum: int) -> bool:
    return value is not None and value % minimum == 0


def _applies(spec, kind: str) -> bool:
    """Whether ``kind`` (n: numerator, d: denominator, v: value) of a row is a count of
    people: the value of a count chart; numerator and denominator of a share; the
    denominator (people) of a median."""
    return {
        "v": spec.unit == "count",
        "n": spec.unit == "percent",
        "d": spec.unit in ("percent", "days"),
    }[kind]


def test_pub001_every_served_count_of_people_is_a_multiple_of_m_never_missing(client):
    """Every served count of people is a multiple of m; shares match served counts."""
    minimum = get_settings().min_cell_count
    served = zeros = 0
    for chart_id, grain, unit in _requests():
        spec = CHARTS[chart_id]
        if not spec.counts_people:
            continue
        for row in _rows(client, chart_id, grain, unit):
            where = (chart_id, grain, unit, row["period"], row["series"])
            if row["series"] in spec.exact_series:
                continue
            counts = [row["numerator"], row["denominator"], row["value"]]
            # A median has no numerator; a count chart neither numerator nor denominator.
            counts = [
                c for c, kind in zip(counts, ("n", "d", "v"), strict=True) if _applies(spec, kind)
            ]
            for count in counts:
                assert _published(count, minimum), (where, count)
            served += len(counts)
            zeros += sum(count == 0 for count in counts)
            if row["suppressed"]:
                # Only a share whose base is published as 0, or a median whose base is
                # published as 0 or m (which may rest on a single person), is withheld.
                assert row["suppression_reason"] == "small_denominator", where
                median = row["numerator"] is None
                assert row["value"] is None, where
                assert row["denominator"] in ((0, minimum) if median else (0,)), where
            elif row["numerator"] is None and row["denominator"] is not None:
                # A median shown rests on a base published as at least 2m.
                assert row["denominator"] >= 2 * minimum, where
            elif row["numerator"] is not None and row["denominator"]:
                # A share comes from the served counts (stated to the chart's places).
                share = 100 * row["numerator"] / row["denominator"]
                assert math.isclose(row["value"], share, abs_tol=0.5 * 10**-spec.decimals), where
    # The demo sample has thousands of served counts, many of them published as 0
    # (fewer than m: small counts rounded down, not withheld).
    assert served > 1000 and zeros > 50


def test_pub003_the_api_names_the_method(client):
    """The data API names the rounding method, exact series, and "none" for charts not of people."""
    body = client.get("/api/charts/matalan-kynnyksen-ryhmat/data.json").get_json()
    assert body["suppression"]["method"] == "fixed_random_rounding"
    assert body["suppression"]["exact_series"] == ["groups"]
    body = client.get("/api/charts/omaolo-palvelut/data.json").get_json()
    assert (body["suppression"]["method"], body["suppression"]["applies"]) == ("none", False)


def test_pub002_counts_that_are_not_people_are_served_exactly(client):
    """Charts and series that do not count people are served exactly as their queries return."""
    first_day, last_day = data_window()
    checked = 0
    for chart_id, grain, unit in _requests():
        spec = CHARTS[chart_id]
        if spec.counts_people and not spec.exact_series:
            continue
        filters = effective_filters(
            spec, Filters(start=RANGE["from"], end=RANGE["to"], grain=grain)
        )
        exact = complete_periods(
            as_stated(spec.load(filters), spec.decimals), filters, last_day, first_day
        )
        exact = exact.set_index([exact["period"].dt.strftime("%Y-%m-%d"), "series"])
        for row in _rows(client, chart_id, grain, unit):
            if spec.counts_people and row["series"] not in spec.exact_series:
                continue
            truth = exact.loc[(row["period"], row["series"])]
            for column in ("value", "numerator", "denominator"):
                expected = truth[column]
                got = row[column]
                assert (got is None and math.isnan(expected)) or got == expected, (
                    chart_id,
                    grain,
                    row,
                )
            assert not row["suppressed"]
            checked += 1
    assert checked > 20
