"""Stale on error: when the reporting database fails, every view answers from its last
good result with the time it was fetched, says so, and asks again by itself
(queries.last_good, queries.cache, callbacks.chart_cards, api).

The shared cache is the real Redis. An outage is the reporting database's connection
failing (``queries.engine.get_engine`` raises SQLAlchemy's ``OperationalError``, as
a stopped server does); the normal cache entries "expire" by being deleted from Redis,
so only the last good copies are left, as after ``TK_CACHE_TIMEOUT``; the process
"restarts" by forgetting the data version it read. The drill with a real PostgreSQL
server that stops and starts is tests/test_outage_drill.py.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import openpyxl
import pytest
import redis
import sqlalchemy as sa
from dash import no_update

import callbacks.chart_cards as chart_cards
import queries.engine as engine_module
from app import app as dash_app
from callbacks.chart_cards import chart_card_body
from callbacks.kpi_cards import kpi_card_body
from charts.cards.chart import SHOWS_ERROR
from queries import last_good
from queries.cache import cache, init_cache
from queries.data_version import forget_data_version
from queries.engine import DatabaseResting, dispose_engines, fetch_frame
from queries.sql import statement
from settings import configure, get_settings
from tests.prerequisites import redis_url
from tests.test_callbacks import _find, plotted

REQUEST = {
    "chart": "hoitotakuu-7vrk",
    "filters": {"from": "2024-01", "to": "2024-02"},
    "lang": "fi",
}
# The fetch time given to the results computed before the outage: 12.05 UTC is
# 14.05 in Finland on 30 November (EET, UTC+2).
FETCHED = datetime(2026, 11, 30, 12, 5, tzinfo=UTC)


@pytest.fixture
def shared_cache(reporting_db, monkeypatch):
    """The app's cache on the real Redis (an empty database of its own), results
    stored with the fetch time ``FETCHED``; yields the Redis client. Restores the
    in-process cache and the settings afterwards."""
    client = redis.Redis.from_url(redis_url())
    client.flushdb()
    original = get_settings()
    settings = replace(original, cache_type="RedisCache", cache_url=redis_url())
    configure(settings)
    init_cache(dash_app.server, settings)
    # A process starting on this cache: it reads the data version (and keeps it in the
    # shared cache) rather than use one an earlier test left in memory.
    forget_data_version()
    monkeypatch.setattr(last_good, "now", FETCHED.timestamp)
    yield client
    client.flushdb()
    dispose_engines()
    forget_data_version()
    configure(original)
    init_cache(dash_app.server, original)


def expire_and_restart(client: redis.Redis) -> None:
    """Delete every normal cache entry (as ``TK_CACHE_TIMEOUT`` would), keeping the
    last good copies and the shared reporting metadata, and forget this process's
    data version (as a restart would)."""
    for key in client.scan_iter("*"):
        name = key.decode()
        if "last-good:" not in name and "reporting-meta:" not in name:
            client.delete(key)
    forget_data_version()


def fresh_keys(client: redis.Redis) -> set[str]:
    """The normal (not last good) entries in the cache."""
    return {
        key.decode()
        for key in client.scan_iter("*")
        if "last-good:" not in key.decode() and "reporting-meta:" not in key.decode()
    }


class Database:
    """Switches the reporting database's connections off (``down``: every new
    connection fails, as with a stopped server) and on again (``up``, which also lets
    the breaker ask at once)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch

    def down(self) -> None:
        def refused():
            raise sa.exc.OperationalError("connect", {}, ConnectionRefusedError("refused"))

        dispose_engines()
        self._monkeypatch.setattr(engine_module, "get_engine", refused)

    def up(self) -> None:
        self._monkeypatch.setattr(engine_module, "get_engine", REAL_GET_ENGINE)
        dispose_engines()


REAL_GET_ENGINE = engine_module.get_engine


@pytest.fixture
def database(monkeypatch) -> Database:
    return Database(monkeypatch)


def texts(body) -> str:
    return str(body)


def test_lg001_a_card_shows_its_last_good_result_with_its_time_and_recovers(shared_cache, database):
    """With the database down a card shows its last good result and time, retries and recovers."""
    fresh = chart_card_body(REQUEST)
    (graph,) = _find(fresh, lambda c: type(c).__name__ == "Graph")
    # 8 / 14 -> 10 / 15 = 66.7 % and 83.3 % (worked out in test_api.test_a002).
    assert plotted(graph.figure["data"][0]["y"]) == [66.7, 83.3]
    assert "stale-notice" not in texts(fresh)

    expire_and_restart(shared_cache)
    database.down()
    stale = chart_card_body(REQUEST)
    (graph,) = _find(stale, lambda c: type(c).__name__ == "Graph")
    assert plotted(graph.figure["data"][0]["y"]) == [66.7, 83.3]
    notice = _find(stale, lambda c: "stale-notice" in (getattr(c, "className", "") or ""))
    assert [n.children for n in notice] == [
        "Raportointitietokantaan ei juuri nyt saada yhteyttä. Tiedot haettu 30.11.2026 "
        "klo 14.05. Kortti päivittyy itsestään, kun yhteys palaa."
    ]
    # It asks again by itself, remembering what it shows.
    (interval,) = _find(stale, lambda c: type(c).__name__ == "Interval")
    assert interval.interval == get_settings().retry_seconds * 1000
    (shown,) = _find(
        stale,
        lambda c: getattr(c, "id", None) == {"type": "chart-shown", "chart": REQUEST["chart"]},
    )
    assert shown.data == FETCHED.timestamp()

    database.up()
    # Stale results are kept under their normal keys for TK_RETRY_SECONDS: past that
    # (deleted here), the card's next retry asks the database.
    expire_and_restart(shared_cache)
    recovered = chart_card_body(REQUEST)
    assert "stale-notice" not in texts(recovered)
    assert _find(recovered, lambda c: type(c).__name__ == "Interval") == []
    (graph,) = _find(recovered, lambda c: type(c).__name__ == "Graph")
    assert plotted(graph.figure["data"][0]["y"]) == [66.7, 83.3]


def test_lg002_nothing_built_from_a_stale_part_is_stored_as_current(shared_cache, database):
    """Stale-built results are cached as stale, briefly; afterwards the database is asked again."""
    chart_card_body(REQUEST)
    expire_and_restart(shared_cache)
    assert fresh_keys(shared_cache) == set()
    database.down()
    assert "stale-notice" in texts(chart_card_body(REQUEST))
    # The payload was rebuilt from last good parts: neither it nor any query result
    # may now pass for the database's current answer. What is under a normal key now
    # is marked stale, with the parts' time, and lives only TK_RETRY_SECONDS.
    # (flask-caching's per-function version keys, "<function>_memver", are no results.)
    prefix = cache.cache.key_prefix
    kept = [key for key in fresh_keys(shared_cache) if not key.endswith("_memver")]
    assert kept, "the stale payload was not kept for the next asker"
    for key in kept:
        value = cache.cache.get(key[len(prefix) :])
        assert isinstance(value, last_good.LastGood), key
        assert value.fetched_at == FETCHED.timestamp()
        assert 0 < shared_cache.ttl(key) <= get_settings().retry_seconds
    database.up()
    expire_and_restart(shared_cache)  # the stale results' TK_RETRY_SECONDS are over
    queried = []
    real = engine_module.fetch_frame

    def counted(*args, **kwargs):
        queried.append(args)
        return real(*args, **kwargs)

    import queries.access

    original = queries.access.fetch_frame
    queries.access.fetch_frame = counted
    try:
        body = chart_card_body(REQUEST)
    finally:
        queries.access.fetch_frame = original
    assert queried, "after the outage the chart was not asked of the database again"
    assert "stale-notice" not in texts(body)


def test_lg003_without_a_last_good_result_the_card_says_so_and_retries(
    shared_cache, database, monkeypatch
):
    """Without a last good result the card says the database is away, retries, and recovers."""
    database.down()
    body = chart_card_body(REQUEST)  # nothing was ever computed: no last good copy
    assert "Raportointitietokantaan ei juuri nyt saada yhteyttä, joten kuvaajaa ei voida" in (
        texts(body)
    )
    (shown,) = _find(body, lambda c: type(c).__name__ == "Store")
    assert shown.data == SHOWS_ERROR
    assert len(_find(body, lambda c: type(c).__name__ == "Interval")) == 1
    # A retry that finds the same leaves the screen alone.
    monkeypatch.setattr(chart_cards, "is_retry", lambda _kind: True)
    assert chart_card_body(REQUEST, "series", [], 1, shown=SHOWS_ERROR) is no_update
    database.up()
    recovered = chart_card_body(REQUEST, "series", [], 2, shown=SHOWS_ERROR)
    assert len(_find(recovered, lambda c: type(c).__name__ == "Graph")) == 1


def test_lg004_a_retry_that_finds_the_same_stale_result_changes_nothing(
    shared_cache, database, monkeypatch
):
    """A retry finding the stale result already shown changes nothing; a newer one replaces it."""
    chart_card_body(REQUEST)
    expire_and_restart(shared_cache)
    database.down()
    monkeypatch.setattr(chart_cards, "is_retry", lambda _kind: True)
    assert chart_card_body(REQUEST, "series", [], 1, shown=FETCHED.timestamp()) is no_update
    # An older copy shown before: the newer one replaces it.
    newer = chart_card_body(REQUEST, "series", [], 2, shown=FETCHED.timestamp() - 60)
    assert "Tiedot haettu 30.11.2026 klo 14.05" in texts(newer)


def test_lg005_kpi_cards_and_swedish(shared_cache, database):
    """KPI cards and Swedish cards also show their last good result with its time."""
    kpi_card_body(REQUEST)
    chart_card_body({**REQUEST, "lang": "sv"})
    expire_and_restart(shared_cache)
    database.down()
    kpi = kpi_card_body(REQUEST)
    assert "Tiedot haettu 30.11.2026 klo 14.05." in texts(kpi)
    assert len(_find(kpi, lambda c: type(c).__name__ == "Interval")) == 1
    swedish = chart_card_body({**REQUEST, "lang": "sv"})
    assert "Uppgifterna hämtades 30.11.2026 kl. 14.05." in texts(swedish)


def test_lg006_the_data_api_and_files_say_since_when(shared_cache, database):
    """Stale JSON, CSV and Excel answers say since when, by field, Warning header and metadata."""
    client = dash_app.server.test_client()
    url = "/api/charts/hoitotakuu-7vrk/data"
    query = "?from=2024-01&to=2024-02"
    fresh = client.get(url + ".json" + query)
    assert fresh.status_code == 200
    assert fresh.get_json()["stale"] is False and "Warning" not in fresh.headers
    client.get(url + ".csv" + query)
    expire_and_restart(shared_cache)
    database.down()

    stale = client.get(url + ".json" + query)
    assert stale.status_code == 200
    body = stale.get_json()
    assert body["stale"] is True
    assert body["fetched_at"] == "2026-11-30T12:05:00+00:00"
    assert "haettu 30.11.2026 klo 14.05" in body["stale_notice"]
    # The numbers of before the outage (test_api.test_a002 works them out).
    assert [row["value"] for row in body["rows"] if row["series"] == "within_days"] == [
        66.7,
        83.3,
    ]
    assert stale.headers["Warning"] == '110 - "Response is Stale"'
    assert int(stale.headers["Age"]) >= 0
    assert "no-store" in stale.headers["Cache-Control"]

    # A CSV file has only the rows: its headers say it. A workbook's metadata sheet
    # says it too (reopened with openpyxl).
    response = client.get(url + ".csv" + query)
    assert response.status_code == 200 and response.headers["Warning"].startswith("110")
    response = client.get(url + ".xlsx" + query)
    assert response.status_code == 200 and response.headers["Warning"].startswith("110")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    metadata = [tuple(row) for row in book["Metatiedot"].iter_rows(values_only=True)]
    assert (
        "Huomio",
        "Tiedot haettu 30.11.2026 klo 14.05; raportointitietokantaan ei saatu yhteyttä, joten "
        "nämä ovat viimeisimmät onnistuneesti haetut tiedot.",
    ) in metadata


@pytest.mark.unit
def test_lg007_a_failing_database_rests_and_is_asked_again(monkeypatch):
    """After three failures the database rests, then one query asks again and rests on failure."""
    original = get_settings()
    configure(replace(original, retry_seconds=1.0))
    attempts = []

    def refused():
        attempts.append(1)
        raise sa.exc.OperationalError("connect", {}, ConnectionRefusedError("refused"))

    dispose_engines()
    monkeypatch.setattr(engine_module, "get_engine", refused)
    one = statement("SELECT 1 AS one")
    try:
        for _ in range(3):  # three failures in a row ...
            with pytest.raises(sa.exc.OperationalError):
                fetch_frame(one, {})
        # ... and the database rests: the fourth query fails without asking it.
        with pytest.raises(DatabaseResting):
            fetch_frame(one, {})
        assert len(attempts) == 3
        import time

        time.sleep(1.1)
        # After the rest one query asks again; failing, it rests again at once.
        with pytest.raises(sa.exc.OperationalError):
            fetch_frame(one, {})
        with pytest.raises(DatabaseResting):
            fetch_frame(one, {})
        assert len(attempts) == 4
    finally:
        dispose_engines()
        configure(original)


def test_lg008_an_agenda_item_on_the_projector_says_since_when(shared_cache, database):
    """A presented agenda item with the database down shows its last good chart and its time."""
    from datetime import date

    from meetings.present_components import item_figure

    item = {"id": 7, "chart_id": REQUEST["chart"], "query": "from=2024-01&to=2024-02"}
    fresh = item_figure(item, date(2026, 12, 1), "fi", graph_id="g")
    assert "stale-notice" not in texts(fresh)
    expire_and_restart(shared_cache)
    database.down()
    stale = item_figure(item, date(2026, 12, 1), "fi", graph_id="g")
    (graph,) = _find(stale, lambda c: type(c).__name__ == "Graph")
    assert plotted(graph.figure["data"][0]["y"]) == [66.7, 83.3]
    assert "Tiedot haettu 30.11.2026 klo 14.05." in texts(stale)


def test_lg009_a_stale_view_is_built_once_while_the_database_is_away(
    shared_cache, database, monkeypatch
):
    """A stale payload is built once while the database is away and served to later askers."""
    import functools

    import charts.payload as payload_module

    chart_card_body(REQUEST)
    expire_and_restart(shared_cache)
    database.down()
    builds = []
    real = payload_module._payload.uncached

    @functools.wraps(real)
    def counted(*args, **kwargs):
        builds.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(payload_module._payload, "uncached", counted)
    first = chart_card_body(REQUEST)
    second = chart_card_body(REQUEST)  # another card, person or retry: no rebuild
    assert len(builds) == 1
    assert texts(first) == texts(second) and "Tiedot haettu 30.11.2026 klo 14.05" in texts(second)


def test_lg010_readiness_of_a_process_started_during_the_outage(shared_cache, database):
    """During an outage readiness is 503 but reports the last load time from the shared cache."""
    from queries.data_version import data_version

    client = dash_app.server.test_client()
    loaded = data_version()  # read from reporting_meta (and kept in the shared cache)
    assert loaded
    expire_and_restart(shared_cache)
    database.down()
    answer = client.get("/readyz")
    assert answer.status_code == 503
    # The last load's time from the shared cache: this "process" never read it.
    assert answer.get_json()["data_loaded_at"] == loaded
