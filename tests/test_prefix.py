"""Behind a reverse proxy under a path prefix: everything — pages, assets, callbacks,
exports and the API — is served under TK_URL_PREFIX (a real gunicorn process)."""

from __future__ import annotations

import json

import pytest
import requests

from tests.callback_bodies import chart_card_request
from tests.conftest import fixture_db_url
from tests.fixtures import foundation
from tests.servers import gunicorn_server
from tests.test_http_security import directives, inline_script_hashes

pytestmark = pytest.mark.server


@pytest.fixture
def prefixed_server(request):
    env = {
        "TK_URL_PREFIX": "/tk/",
        "TK_REPORTING_DB_URL": fixture_db_url("duckdb", foundation, request),
    }
    with gunicorn_server("app:server", env, ready_path="/tk/healthz") as base:
        yield base


def test_u001_everything_lives_under_the_prefix(prefixed_server):
    """Under a URL prefix pages, assets, CSP, API and exports answer there, and nothing outside."""
    base = prefixed_server + "/tk"
    page = requests.get(base + "/hoitoonpaasy", timeout=60)
    assert page.status_code == 200
    # Dash's config escapes "/" as \u002f inside the page.
    assert '"requests_pathname_prefix":"\\u002ftk\\u002f"' in page.text
    assert "/tk/assets/10-style.css" in page.text
    # The same policy, with the hashes of the page's inline scripts (http_security).
    policy = directives(page.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert set(policy["script-src"][1:]) == inline_script_hashes(page.text)
    assert requests.get(base + "/assets/10-style.css", timeout=60).status_code == 200
    assert requests.get(base + "/_dash-layout", timeout=60).status_code == 200
    catalog = requests.get(base + "/api/charts", timeout=60).json()["charts"]
    assert catalog[0]["data_url"].startswith("/tk/api/charts/")
    csv_file = requests.get(
        base + "/api/charts/hoitotakuu-7vrk/data.csv?from=2024-01&to=2024-02", timeout=60
    )
    # 1/2024 published 10 / 15 = 66.7 % (worked out in test_api.test_a002).
    assert csv_file.status_code == 200 and "66,7" in csv_file.content.decode("utf-8-sig")
    assert requests.get(base + "/readyz", timeout=60).status_code == 200
    # Nothing answers outside the prefix.
    assert requests.get(prefixed_server + "/api/charts", timeout=60).status_code == 404


def test_u002_chart_callback_under_the_prefix(prefixed_server):
    """Under a URL prefix a chart callback answers with its summary and prefixed data links."""
    base = prefixed_server + "/tk"
    deps = requests.get(base + "/_dash-dependencies", timeout=60).json()
    output = next(d["output"] for d in deps if '"chart-body"' in d["output"])
    body = chart_card_request("hoitotakuu-7vrk", {"from": "2024-01", "to": "2024-02"}, output)
    response = requests.post(base + "/_dash-update-component", json=body, timeout=60)
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "Viimeisin arvo 2/2024: 83,3" in text
    # The card's data links point under the prefix too.
    assert "/tk/api/charts/hoitotakuu-7vrk/data.csv?from=2024-01&to=2024-02" in text
