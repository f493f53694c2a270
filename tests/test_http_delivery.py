"""Production serving (http_delivery, gunicorn.conf.py): a real gunicorn with
``make serve``'s threaded workers answers compressed when asked — scripts, styles,
pages, callback and API JSON — with exactly the original bytes after decompression,
cache lifetimes by kind, downloads and error pages unharmed; static files are
compressed once per process."""

from __future__ import annotations

import gzip
import io
import json
import os
import pkgutil
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import brotli
import openpyxl
import pytest
import redis
import requests
from dash.fingerprint import build_fingerprint
from flask_compress import flask_compress

from bench.present import router_body
from charts.catalog import CHARTS
from tests.conftest import fixture_db_url
from tests.fixtures import foundation
from tests.prerequisites import redis_url
from tests.servers import ROOT, gunicorn_server

YEAR = "public, max-age=31536000, immutable"
DECOMPRESS = {"gzip": gzip.decompress, "br": brotli.decompress}
TIMEOUT = 120  # seconds per request: a busy machine is slow, not broken


@pytest.fixture(scope="module")
def server(request):
    env = {"TK_REPORTING_DB_URL": fixture_db_url("duckdb", foundation, request)}
    # make serve's configuration (gthread, threads from settings), two workers.
    with gunicorn_server(
        "app:server", env, workers=2, options=("-c", str(ROOT / "gunicorn.conf.py"))
    ) as base:
        yield base


def _fetch(url: str, encoding: str, body: str | None = None) -> requests.Response:
    """GET (or POST ``body`` as JSON) with ``Accept-Encoding: encoding``; the response
    carries ``raw_body``, its body exactly as sent (not decoded by requests)."""
    headers = {"Accept-Encoding": encoding}
    if body is None:
        response = requests.get(url, headers=headers, stream=True, timeout=TIMEOUT)
    else:
        headers["Content-Type"] = "application/json"
        response = requests.post(url, data=body, headers=headers, stream=True, timeout=TIMEOUT)
    response.raw_body = response.raw.read(decode_content=False)
    return response


def _same_load(body: bytes) -> bytes:
    """``body`` with the values made anew for every page load fixed: Dash's ``end_id``
    and the export panel's ``token``."""
    return re.sub(rb'"(end_id|token)":"[^"]*"', rb'"\1":"-"', body)


def _script_urls(page_html: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', page_html)


@pytest.mark.server
def test_d001_scripts_and_styles_compressed_on_request_and_kept_a_year(server):
    """Scripts and styles come compressed as asked, decompress to the file, and are kept a year."""
    page = requests.get(server + "/hoitoonpaasy", timeout=TIMEOUT).text
    dcc = next(u for u in _script_urls(page) if "/dcc/dash_core_components.v" in u)
    style = re.search(r'href="(/assets/10-style\.css\?m=[^"]+)"', page).group(1)
    originals = {
        dcc: pkgutil.get_data("dash", "dcc/dash_core_components.js"),
        style: (ROOT / "assets" / "10-style.css").read_bytes(),
    }
    for url, original in originals.items():
        plain = _fetch(server + url, "identity")
        assert plain.status_code == 200, url
        assert "Content-Encoding" not in plain.headers
        assert plain.raw_body == original
        for encoding, decompress in DECOMPRESS.items():
            packed = _fetch(server + url, encoding)
            assert packed.headers["Content-Encoding"] == encoding, url
            assert packed.headers["Cache-Control"] == YEAR, url
            assert "Accept-Encoding" in packed.headers["Vary"]
            assert len(packed.raw_body) < len(original)
            assert decompress(packed.raw_body) == original, (url, encoding)


@pytest.mark.server
def test_d002_files_loaded_without_fingerprint_are_revalidated(server):
    """The renderer loads plotly.js (4.8 MB) and the graph's chunk under plain names:
    compressed, kept only until asked again, and then answered 304 without a body."""
    originals = {
        "/_dash-component-suites/plotly/package_data/plotly.min.js": pkgutil.get_data(
            "plotly", "package_data/plotly.min.js"
        ),
        "/_dash-component-suites/dash/dcc/async-graph.js": pkgutil.get_data(
            "dash", "dcc/async-graph.js"
        ),
        "/assets/10-style.css": (ROOT / "assets" / "10-style.css").read_bytes(),
    }
    requests.get(server + "/hoitoonpaasy", timeout=TIMEOUT)  # Dash registers the paths
    for url, original in originals.items():
        for encoding, decompress in DECOMPRESS.items():
            packed = _fetch(server + url, encoding)
            assert packed.status_code == 200, url
            assert packed.headers["Content-Encoding"] == encoding, url
            assert packed.headers["Cache-Control"] == "no-cache", url
            assert decompress(packed.raw_body) == original, (url, encoding)
            again = requests.get(
                server + url,
                headers={"Accept-Encoding": encoding, "If-None-Match": packed.headers["ETag"]},
                timeout=TIMEOUT,
            )
            assert again.status_code == 304 and again.content == b"", url
    # plotly.js travels as under a third of its size.
    plotly_js = next(iter(originals))
    assert len(_fetch(server + plotly_js, "gzip").raw_body) < len(originals[plotly_js]) / 3


@pytest.mark.server
def test_d003_page_layout_and_callback_json_compressed_and_not_kept(server):
    """Pages, layout, callbacks and API JSON come compressed as asked, marked no-cache."""
    router = json.dumps(router_body("/hoitoonpaasy", None))  # as the browser sends it
    asked = {
        "page": (server + "/hoitoonpaasy", None),
        "layout": (server + "/_dash-layout", None),
        "callback": (server + "/_dash-update-component", router),
        "api": (server + "/api/charts/hoitotakuu-7vrk/data.json?from=2024-01&to=2024-02", None),
    }
    for name, (url, body) in asked.items():
        plain = _fetch(url, "identity", body)
        packed = _fetch(url, "gzip", body)
        assert plain.status_code == packed.status_code == 200, name
        assert "Content-Encoding" not in plain.headers, name
        assert packed.headers["Content-Encoding"] == "gzip", name
        assert packed.headers["Cache-Control"] == "no-cache", name
        assert _same_load(gzip.decompress(packed.raw_body)) == _same_load(plain.raw_body), name
    # The router's answer is the page as JSON, with its chart cards.
    answer = _fetch(asked["callback"][0], "br", router)
    assert "hoitotakuu-7vrk" in brotli.decompress(answer.raw_body).decode("utf-8")


@pytest.mark.server
def test_d004_downloads_are_sent_as_they_are(server):
    """CSV and Excel downloads are sent uncompressed, whatever the client accepts."""
    query = "?from=2024-01&to=2024-02"
    base = server + "/api/charts/hoitotakuu-7vrk/data"
    csv_plain = _fetch(base + ".csv" + query, "identity")
    csv_asked = _fetch(base + ".csv" + query, "gzip, br")
    assert csv_plain.status_code == csv_asked.status_code == 200
    assert "Content-Encoding" not in csv_asked.headers
    assert csv_asked.raw_body == csv_plain.raw_body
    xlsx = _fetch(base + ".xlsx" + query, "gzip, br")
    assert xlsx.status_code == 200 and "Content-Encoding" not in xlsx.headers
    assert xlsx.headers["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.raw_body))
    assert len(workbook.sheetnames) >= 2  # the data and the metadata sheet


@pytest.mark.server
def test_d005_error_pages_are_unchanged(server):
    """A 404 page is Finnish HTML marked no-cache, compressed or not."""
    response = _fetch(server + "/ei-tallaista-sivua", "gzip")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.raw_body
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assert body.decode("utf-8").startswith("<!DOCTYPE html>")
    assert 'lang="fi"' in body.decode("utf-8")


def test_d006_static_files_are_compressed_once_per_process(client, count_calls):
    """The same script asked twice is compressed once, and so are the layout and the
    callback map; a page each time."""
    calls = count_calls(flask_compress, "_compress_data")
    client.application.extensions["tk-static-compress"].cache.data.clear()
    client.application.extensions["tk-answers-compress"].cache.clear()
    assert client.get("/").status_code == 200  # Dash registers the scripts of its pages
    calls.clear()
    script = "/_dash-component-suites/dash/" + build_fingerprint(
        "html/dash_html_components.min.js", "9.9.9", "123"
    )
    first = client.get(script, headers={"Accept-Encoding": "gzip"})
    second = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == second.status_code == 200
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.data == second.data
    assert len(calls) == 1
    # The shell layout and the callback map do not change either: compressed once.
    calls.clear()
    for _ in range(2):
        for path in ("/_dash-layout", "/_dash-dependencies"):
            answer = client.get(path, headers={"Accept-Encoding": "gzip"})
            assert answer.headers["Content-Encoding"] == "gzip"
            assert json.loads(gzip.decompress(answer.data))
    assert len(calls) == 2
    # A page is compressed each time it is asked for.
    calls.clear()
    for _ in range(2):
        answer = client.get("/", headers={"Accept-Encoding": "gzip"})
        assert answer.headers["Content-Encoding"] == "gzip"
    assert len(calls) == 2


def test_d010_spellings_of_one_asset_share_one_compressed_copy(client, count_calls):
    """``x/../f.css``, ``./f.css`` and ``f.css`` are one file: one compression and one
    cache entry, not one per spelling (else any client could fill the memory)."""
    calls = count_calls(flask_compress, "_compress_data")
    cache = client.application.extensions["tk-static-compress"].cache.data
    cache.clear()
    name = sorted(p.name for p in (ROOT / "assets").glob("*.css"))[0]
    bodies = []
    for spelling in (name, f"./{name}", f"x/../{name}", f"x1/../{name}", f"./x/./../{name}"):
        answer = client.get(f"/assets/{spelling}", headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200, spelling
        bodies.append(gzip.decompress(answer.data))
    assert len(set(bodies)) == 1
    assert len(calls) == 1
    assert len(cache) == 1


@pytest.mark.server
def test_d007_gunicorn_settings_come_from_the_environment():
    """gunicorn's bind, workers, threads and worker class come from the TK_ environment."""
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(c['bind'], c['workers'], c['threads'], c['worker_class'])"
    )
    env = {"TK_WEB_WORKERS": "3", "TK_WEB_THREADS": "6", "TK_HOST": "0.0.0.0", "TK_PORT": "9000"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**_env_without_tk(), **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["0.0.0.0:9000", "3", "6", "gthread"]


def _env_without_tk() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TK_")}


@pytest.mark.server
def test_d009_threads_of_one_worker_answer_concurrent_cold_requests(request):
    """Eight threads of one fresh worker, an empty Redis cache, 32 requests at once for
    every chart's data: each answer is the one the same request gets alone afterwards
    (the engines, pools and caches are shared safely)."""
    url = redis_url()
    redis.Redis.from_url(url).flushdb()
    env = {
        "TK_REPORTING_DB_URL": fixture_db_url("duckdb", foundation, request),
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": url,
        "TK_WEB_THREADS": "8",
    }
    options = ("-c", str(ROOT / "gunicorn.conf.py"))
    with gunicorn_server("app:server", env, workers=1, options=options) as base:
        urls = [
            f"{base}/api/charts/{chart_id}/data.json?from=2024-01&to=2024-02" for chart_id in CHARTS
        ] * 2

        def fetch(address: str) -> tuple[int, dict]:
            response = requests.get(address, timeout=TIMEOUT)
            return response.status_code, response.json()

        with ThreadPoolExecutor(max_workers=32) as pool:
            together = list(pool.map(fetch, urls))
        alone = [fetch(address) for address in urls]
    assert [status for status, _ in together] == [200] * len(urls)
    assert together == alone
