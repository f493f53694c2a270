"""PowerPoint exports on Celery (background_jobs, celery_worker): with
``TK_CELERY_BROKER_URL`` a real gunicorn puts the export on Redis, a real Celery worker
process builds the deck, and the browser's polls get it back as a .pptx that
python-pptx reopens. Without the setting the exports stay on the web host."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import time
from dataclasses import replace
from urllib.parse import urlencode

import pytest
import redis
import requests
from dash import DiskcacheManager
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from app import app as dash_app
from background_jobs import SharedCeleryManager, background_manager, celery_app
from charts.catalog import CHARTS as CHARTS_BY_ID
from dashboards._export import IDS
from dashboards._page import PAGE_STATE
from settings import get_settings
from tests.callback_bodies import callback_body
from tests.conftest import fixture_db_url
from tests.fixtures import foundation
from tests.prerequisites import redis_url
from tests.servers import ROOT, gunicorn_server
from translations import t

JOB_TIMEOUT = 300.0  # seconds: a worker's first deck starts Chromium on a busy machine
CHARTS = ["hoitotakuu-7vrk", "jonot"]


def _export_body() -> dict:
    """The export callback's request as the browser sends it after the page's
    PowerPoint button was pressed on /hoitoonpaasy for January–February 2024."""
    dash_app.server.test_client().get("/_dash-dependencies")  # completes the callback map
    output = next(key for key in dash_app.callback_map if f"{IDS['download']}.data" in key)
    values = {
        IDS["page"]: 1,
        IDS["request"]: {"page": "hoitoonpaasy", "lang": "fi", "charts": CHARTS},
        PAGE_STATE: {"search": "?from=2024-01&to=2024-02"},
    }
    return callback_body(dash_app, output, values=lambda entry: values.get(entry["id"]))


def _run_export(base: str, body: dict, worker: subprocess.Popen) -> dict:
    """Start the export and poll like the browser until it answers; the callback's
    outputs (``{component id: {property: value}}``)."""
    url = base + "/_dash-update-component"
    started = requests.post(url, json=body, timeout=60)
    assert started.status_code == 200, started.text
    handles = started.json()
    assert {"cacheKey", "job"} <= handles.keys(), handles
    poll = url + "?" + urlencode({"cacheKey": handles["cacheKey"], "job": handles["job"]})
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        assert worker.poll() is None, "the Celery worker exited"
        answer = requests.post(poll, json=body, timeout=60)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        if "response" in data:
            return data["response"]
        time.sleep(0.5)
    raise AssertionError(f"no deck within {JOB_TIMEOUT:.0f} s")


@pytest.fixture
def celery_env(request, tmp_path):
    """The environment of a web host and a worker sharing the test Redis."""
    url = redis_url()
    redis.Redis.from_url(url).flushdb()
    return {
        "TK_CELERY_BROKER_URL": url,
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": url,
        "TK_REPORTING_DB_URL": fixture_db_url("duckdb", foundation, request),
        "TK_BACKGROUND_DIR": str(tmp_path / "background-unused"),
    }


@pytest.fixture
def celery_worker(celery_env, tmp_path):
    """A real Celery worker process (one task at a time) for the app, and its log
    file; stopped after the test."""
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "celery_worker",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env={**os.environ, **celery_env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.server
def test_c001_a_celery_worker_builds_the_deck(celery_env, celery_worker):
    """A Celery worker builds the page's deck: a title slide, then one titled image per chart."""
    with gunicorn_server("app:server", celery_env) as base:
        response = _run_export(base, _export_body(), celery_worker[0])
    download = response[IDS["download"]]["data"]
    assert download["filename"].startswith("tietokeskustelut_hoitoonpaasy_")
    assert download["filename"].endswith(".pptx") and download["base64"] is True
    deck = Presentation(io.BytesIO(base64.b64decode(download["content"])))
    log = celery_worker[1].read_text()
    # A title slide with the page's name and the address's period, then one slide per
    # chart in order, with its title and its image.
    assert len(deck.slides) == 1 + len(CHARTS), log
    title_slide = deck.slides[0]
    assert title_slide.shapes.title.text == "Hoitoonpääsy"
    title_texts = [shape.text_frame.text for shape in title_slide.shapes if shape.has_text_frame]
    assert any("ajanjakso 1/2024–2/2024" in text for text in title_texts)
    for slide, chart_id in zip(list(deck.slides)[1:], CHARTS, strict=True):
        assert slide.shapes.title.text == t(CHARTS_BY_ID[chart_id].text_key("title"), "fi")
        assert any(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)
    assert response[IDS["status"]]["children"] == "PowerPoint-esitys on valmis (2 kuvaajaa)."
    # The worker ran the job (its log names the task as done).
    assert "succeeded" in log


@pytest.mark.db
def test_c002_without_a_broker_exports_stay_on_the_web_host():
    """Without a broker URL, background exports use the web host's disk cache manager."""
    settings = replace(get_settings(), celery_broker_url="")
    assert isinstance(background_manager(settings), DiskcacheManager)


@pytest.mark.unit
def test_c003_the_broker_must_be_redis():
    """A broker URL that is not Redis is refused with an error naming the setting."""
    with pytest.raises(ValueError, match="TK_CELERY_BROKER_URL"):
        replace(get_settings(), celery_broker_url="amqp://guest@127.0.0.1//")


@pytest.mark.db
def test_c004_the_signing_secret_is_shared_and_never_expires():
    """Two web workers (two managers) agree on one secret, stored without a time limit
    although the result store gives results one."""
    url = redis_url()
    store = redis.Redis.from_url(url)
    store.flushdb()
    first = SharedCeleryManager(celery_app(url))
    second = SharedCeleryManager(celery_app(url))
    secret = first.get_or_create_signing_secret(lambda: b"first")
    assert second.get_or_create_signing_secret(lambda: b"second") == secret == b"first"
    assert store.ttl(SharedCeleryManager.SIGNING_SECRET_KEY) == -1  # no expiry
