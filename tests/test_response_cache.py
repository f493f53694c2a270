"""Whole callback answers kept in the cache (response_cache): an identical request is
answered without running the callback, and never with an answer that is out of date
(a decision recorded since, another data version, another day), one shown instead of
data (a database failure), or one built for somebody else (meeting pages; the tokens of
a page build). The callbacks run on the foundation fixture (DuckDB) and a fresh SQLite
app database; one test stores in the real Redis.

Counts are of calls into the callbacks' own code, made by wrapping the function each
callback calls (the wrapper passes the call on).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace

import pytest
import redis
import sqlalchemy as sa

import response_cache
from app import app as dash_app
from bench.present import router_body
from meetings import store
from queries.cache import cache, init_cache
from settings import get_settings
from tests.prerequisites import redis_url
from translations import t

USER = "testi.kayttaja"
CHART = "hoitotakuu-7vrk"
FILTERS = {"from": "2024-01", "to": "2024-04"}
DUCKDB = pytest.mark.parametrize("reporting_db", ["duckdb"], indirect=True)
SQLITE_APP_DB = pytest.mark.parametrize("app_db", ["sqlite"], indirect=True)
CHART_BODY = '{"chart":["MATCH"],"type":"chart-body"}.children'
UNIT_OPTIONS = "..filter-unit.options...unit-status.children.."


def _chart_body(view: str = "series") -> dict:
    card = {"chart": CHART, "type": "chart-body"}
    return {
        "output": CHART_BODY,
        "outputs": {"id": card, "property": "children"},
        "inputs": [
            {
                "id": {"chart": CHART, "type": "chart-request"},
                "property": "data",
                "value": {"chart": CHART, "filters": FILTERS, "lang": "fi"},
            },
            {"id": {"chart": CHART, "type": "chart-view"}, "property": "value", "value": view},
            {"id": {"chart": CHART, "type": "chart-phases"}, "property": "data", "value": []},
            {
                "id": {"chart": {"wild": "MATCH"}, "type": "chart-retry"},
                "property": "n_intervals",
                "value": None,
            },
            {"id": {"chart": CHART, "type": "chart-peers"}, "property": "value", "value": []},
        ],
        "state": [
            {
                "id": {"chart": {"wild": "MATCH"}, "type": "chart-shown"},
                "property": "data",
                "value": None,
            }
        ],
        "changedPropIds": [],
    }


def _page_state(token: str | None) -> dict:
    value = None if token is None else {"page": "hoitoonpaasy", "search": "", "token": token}
    return {"id": "page-state", "property": "data", "value": value}


def _unit_options(token: str) -> dict:
    return {
        "output": UNIT_OPTIONS,
        "outputs": [
            {"id": "filter-unit", "property": "options"},
            {"id": "unit-status", "property": "children"},
        ],
        "inputs": [{"id": "unit-selection", "property": "data", "value": ""}],
        "state": [_page_state(token)],
        "changedPropIds": [],
    }


def _post(client, body: dict) -> bytes:
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_data()


def _text(answer: bytes) -> str:
    """An answer's JSON with its letters as letters (Dash may escape them)."""
    return json.dumps(json.loads(answer), ensure_ascii=False)


def _failing_once(monkeypatch, module, name: str) -> None:
    """Make ``module.name`` raise a database error at its first call (the database
    went away), then pass calls on again (it came back)."""
    original = getattr(module, name)
    failures = [sa.exc.OperationalError("SELECT 1", {}, Exception("database went away"))]

    def failing_once(*args, **kwargs):
        if failures:
            raise failures.pop()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, failing_once)


@pytest.fixture
def fresh_answers(reporting_db):
    """No stored answers before the test (nor after it)."""
    with dash_app.server.app_context():
        cache.clear()
    yield
    with dash_app.server.app_context():
        cache.clear()


@DUCKDB
@SQLITE_APP_DB
def test_rc01_the_same_chart_request_is_answered_once(client, app_db, fresh_answers, count_calls):
    """An identical chart request is answered from the cache; another view is computed once."""
    import callbacks.chart_cards as cards

    calls = count_calls(cards, "chart_payload")
    first = _post(client, _chart_body())
    second = _post(client, _chart_body())
    assert second == first and len(calls) == 1
    # Another view is another request: computed once more, then stored too.
    _post(client, _chart_body("units"))
    _post(client, _chart_body("units"))
    assert len(calls) == 2


@DUCKDB
@SQLITE_APP_DB
def test_rc02_a_decision_recorded_shows_on_the_next_request(
    client, app_db, fresh_answers, count_calls
):
    """A decision recorded after a cached answer is on the chart at the next request."""
    import callbacks.chart_cards as cards

    calls = count_calls(cards, "chart_payload")
    before = _post(client, _chart_body())
    assert "Iltavastaanotot" not in _text(before)
    _decide("Iltavastaanotot")
    after = _post(client, _chart_body())
    # Computed again (the app database changed), and the marker is on the chart.
    assert len(calls) == 2 and "Päätös: Iltavastaanotot" in _text(after)
    assert _post(client, _chart_body()) == after and len(calls) == 2


@DUCKDB
@SQLITE_APP_DB
def test_rc03_an_answer_shown_instead_of_data_is_not_kept(
    client, app_db, fresh_answers, monkeypatch
):
    """A database-error notice is not cached; the next request computes the chart."""
    import callbacks.chart_cards as cards

    _failing_once(monkeypatch, cards, "chart_payload")
    notice = _text(_post(client, _chart_body()))
    assert t("card.db_error", "fi") in notice and '"Graph"' not in notice
    # The database is back: the chart is computed, not the notice repeated.
    data = _text(_post(client, _chart_body()))
    assert t("card.db_error", "fi") not in data and '"Graph"' in data


@DUCKDB
@SQLITE_APP_DB
def test_rc04_area_pages_are_kept_and_each_build_gets_its_own_tokens(
    client, app_db, fresh_answers, count_calls
):
    """An area page is built once and cached, yet each answer carries two fresh random tokens."""
    import dashboards.hoitoonpaasy as page

    builds = count_calls(page, "area_page")
    answers = [_post(client, router_body("/hoitoonpaasy", None)).decode() for _ in range(3)]
    assert len(builds) == 1
    tokens = [re.findall(r'"token":\s*"([^"]*)"', answer) for answer in answers]
    # Two tokens a build (the page state's, the export panel's), all new, none a
    # placeholder.
    assert all(len(found) == 2 for found in tokens)
    every = [token for found in tokens for token in found]
    assert len(set(every)) == 6 and all(re.fullmatch(r"[0-9a-f]{32}", t) for t in every)
    assert all("tk-page-token" not in answer for answer in answers)
    # Without the tokens the three answers are one.
    same = {re.sub(r'"token":\s*"[^"]*"', "", answer) for answer in answers}
    assert len(same) == 1


@DUCKDB
@SQLITE_APP_DB
def test_rc05_meeting_pages_are_never_kept(client, app_db, fresh_answers, count_calls):
    """Meeting pages are never cached: each request reads the store again."""
    import dashboards.meetings_index as meetings_page

    kept_before = len(response_cache._kept)  # noqa: SLF001 - what this process keeps
    calls = count_calls(meetings_page.store, "list_series")
    _post(client, router_body("/tietokeskustelut", None))
    _post(client, router_body("/tietokeskustelut", None))
    assert len(calls) == 2 and len(response_cache._kept) == kept_before  # noqa: SLF001


@DUCKDB
@SQLITE_APP_DB
def test_rc06_the_page_token_is_not_part_of_the_key(client, app_db, fresh_answers, count_calls):
    """Requests differing only in the page token share one cached answer."""
    import callbacks.filters as filters

    calls = count_calls(filters, "hierarchy_nodes")
    first = _post(client, _unit_options("a" * 32))
    second = _post(client, _unit_options("b" * 32))
    assert first == second and len(calls) == 1


@pytest.mark.unit
def test_rc07_the_key_follows_data_records_day_and_body(monkeypatch):
    """The cache key changes with data version, records version (if used), day and body."""
    body = _unit_options("a" * 32)
    rule = response_cache.KEPT[UNIT_OPTIONS]
    with_records = response_cache.Kept(records=True)
    monkeypatch.setattr(response_cache, "data_version", lambda: "2026-11-01")
    monkeypatch.setattr(response_cache, "records_version", lambda: "0:7")
    key = response_cache.answer_key(body, rule)
    assert key == response_cache.answer_key(_unit_options("c" * 32), rule)
    assert key != response_cache.answer_key(_unit_options("a" * 32) | {"x": 1}, rule)
    recorded = response_cache.answer_key(body, with_records)
    monkeypatch.setattr(response_cache, "records_version", lambda: "0:8")
    assert response_cache.answer_key(body, with_records) != recorded
    assert response_cache.answer_key(body, rule) == key  # records not in this key
    monkeypatch.setattr(response_cache, "data_version", lambda: "2026-12-01")
    assert response_cache.answer_key(body, rule) != key

    class Tomorrow:
        @staticmethod
        def today():
            from datetime import date

            return date(2100, 1, 1)

    monkeypatch.setattr(response_cache, "data_version", lambda: "2026-11-01")
    monkeypatch.setattr(response_cache, "date", Tomorrow)
    assert response_cache.answer_key(body, rule) != key


@pytest.fixture
def redis_answers(fresh_answers):
    """The app's cache on the real Redis for one test (its database emptied)."""
    url = redis_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    original = get_settings()
    app_before = cache.app
    init_cache(dash_app.server, replace(original, cache_type="RedisCache", cache_url=url))
    yield client
    client.flushdb()
    init_cache(dash_app.server, original)
    cache.app = app_before


@DUCKDB
@SQLITE_APP_DB
def test_rc08_answers_stay_in_the_process_and_the_payloads_are_shared(
    client, app_db, redis_answers, count_calls
):
    """Whole answers stay in the process; another process rebuilds them from Redis payloads."""
    import charts.payload as payload_module

    built = count_calls(payload_module._payload, "uncached")  # the memoized payload
    first = _post(client, _chart_body())
    assert json.loads(first)["response"]  # Dash's answer, whole
    keys = redis_answers.keys("*")
    # Nothing in Redis is keyed by a request body: bodies can vary without end.
    assert keys and not any(b"answer" in key for key in keys)
    # Another process (no kept answers) builds the answer again from the payload in
    # Redis: the same bytes, without computing the payload again.
    response_cache.forget_kept_answers()
    assert _post(client, _chart_body()) == first and len(built) == 1


@DUCKDB
@SQLITE_APP_DB
def test_rc09_a_kept_answer_is_compressed_once_per_encoding(
    client, app_db, fresh_answers, count_calls
):
    """A cached answer is compressed once per encoding; a page with fresh tokens every time."""
    import brotli
    from flask_compress import flask_compress

    compressed = count_calls(flask_compress, "_compress_data")
    headers = {"Accept-Encoding": "br"}
    answers = [
        client.post("/_dash-update-component", json=_chart_body(), headers=headers)
        for _ in range(3)
    ]
    assert all(a.status_code == 200 and a.headers["Content-Encoding"] == "br" for a in answers)
    assert len({a.data for a in answers}) == 1 and len(compressed) == 1
    assert json.loads(brotli.decompress(answers[0].data))["response"]
    # gzip is another encoding: compressed once more, then kept as well.
    for _ in range(2):
        client.post(
            "/_dash-update-component", json=_chart_body(), headers={"Accept-Encoding": "gzip"}
        )
    assert len(compressed) == 2
    # An area page's answer carries new tokens every time: compressed every time.
    for _ in range(2):
        client.post(
            "/_dash-update-component", json=router_body("/hoitoonpaasy", None), headers=headers
        )
    assert len(compressed) == 4


def _decide(title: str) -> None:
    series = store.create_series("Johtoryhmä", author=USER)
    meeting = store.create_meeting(series["id"], "Tietokeskustelu", "15.2.2024", author=USER)
    item = store.add_item(meeting["id"], meeting["version"], CHART, "", author=USER)
    store.add_decision(item["id"], kind="decision", title=title, author=USER)


WRITER = """
import sys
from app import app
from meetings import store
who = "toinen.kayttaja"
with app.server.app_context():
    series = store.create_series("Toinen", author=who)
    meeting = store.create_meeting(series["id"], "Kokous", "16.2.2024", author=who)
    item = store.add_item(meeting["id"], meeting["version"], sys.argv[1], "", author=who)
    store.add_decision(item["id"], kind="decision", title="Toisen prosessin päätös", author=who)
"""


@DUCKDB
@SQLITE_APP_DB
def test_rc10_a_decision_written_by_another_process_shows_at_once(
    client, app_db, redis_answers, monkeypatch
):
    """A decision written by another process shows at once through the shared Redis counter."""
    monkeypatch.setattr(response_cache, "RECORDS_RECHECK_SECONDS", 3600.0)
    before = _text(_post(client, _chart_body()))
    assert "Toisen prosessin päätös" not in before
    settings = get_settings()
    env = {
        **os.environ,
        "TK_REPORTING_DB_URL": settings.reporting_db_url,
        "TK_APP_DB_URL": app_db,
        "TK_CACHE_TYPE": "RedisCache",
        "TK_CACHE_URL": redis_url(),
        "TK_DEMO_USER": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", WRITER, CHART], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # This process read the app database's change number less than an hour ago; the
    # shared counter alone tells it that the records changed.
    assert "Päätös: Toisen prosessin päätös" in _text(_post(client, _chart_body()))


@DUCKDB
@SQLITE_APP_DB
def test_rc11_a_write_the_counter_missed_shows_after_the_recheck(
    client, app_db, fresh_answers, monkeypatch
):
    """A write the change counter missed shows once the periodic recheck runs."""
    monkeypatch.setattr(response_cache, "RECORDS_RECHECK_SECONDS", 3600.0)
    _post(client, _chart_body())
    monkeypatch.setattr(store, "_on_write", [])  # a write nobody is told of
    _decide("Ohi laskurin")
    assert "Ohi laskurin" not in _text(_post(client, _chart_body()))  # within the hour
    monkeypatch.setattr(response_cache, "RECORDS_RECHECK_SECONDS", 0.0)
    assert "Päätös: Ohi laskurin" in _text(_post(client, _chart_body()))


@DUCKDB
@SQLITE_APP_DB
def test_rc12_a_fallback_is_not_kept_even_when_its_log_is_silenced(
    client, app_db, fresh_answers, monkeypatch
):
    """A unit-list fallback answer is not cached even when its error log is disabled."""
    import logging

    import callbacks.filters as filters

    _failing_once(monkeypatch, filters, "hierarchy_nodes")
    monkeypatch.setattr(logging.getLogger("callbacks.filters"), "disabled", True)
    down = _text(_post(client, _unit_options("a" * 32)))
    assert t("filters.units_unavailable", "fi") in down
    up = _text(_post(client, _unit_options("b" * 32)))
    assert t("filters.units_unavailable", "fi") not in up and up != down


@DUCKDB
@SQLITE_APP_DB
def test_rc13_a_page_built_without_the_unit_list_is_not_kept(
    client, app_db, fresh_answers, monkeypatch
):
    """A page built while the unit list failed is not cached; the next build refuses the unit."""
    import dashboards._page as page

    _failing_once(monkeypatch, page, "resolve_selection")
    body = router_body("/hoitoonpaasy", None)
    body["inputs"][1]["value"] = "?unit=no-such-node"
    down = _text(_post(client, body))
    up = _text(_post(client, body))
    # With the unit list read, the unknown node is refused with a notice; without it
    # the page could not tell, and that page was not kept.
    assert "url-notice" not in down and "url-notice" in up


@pytest.mark.unit
def test_rc14_many_tokens_in_one_answer_are_each_replaced_whole():
    """Twelve token placeholders in one answer each become a distinct 32-hex-digit token."""
    placeholders = tuple(f"{response_cache._PLACEHOLDER}{i:06d}-" for i in range(12))  # noqa: SLF001
    text = json.dumps(list(placeholders)).encode()
    tokens = json.loads(response_cache._fresh_tokens(text, placeholders))  # noqa: SLF001
    assert len(set(tokens)) == 12 and all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)


@DUCKDB
@SQLITE_APP_DB
def test_rc15_every_kept_callback_is_registered_and_the_page_load_id_is_not_in_the_key(
    client, app_db, fresh_answers, count_calls
):
    """Every cached callback is registered, and a page load's endId does not split the cache."""
    import callbacks.chart_cards as cards

    assert client.get("/").status_code == 200  # Dash fills its callback map
    assert set(response_cache.KEPT) <= set(dash_app.callback_map)
    # Dash's renderer adds ?endId=<signed, new every page load> to each callback.
    calls = count_calls(cards, "chart_payload")
    answers = {
        client.post(f"/_dash-update-component?endId={end}", json=_chart_body()).get_data()
        for end in ("first-load", "second-load", "third-load")
    }
    assert len(answers) == 1 and len(calls) == 1
