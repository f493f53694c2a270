"""The meeting's minutes (Word, reopened with python-docx, and Markdown), the pre-read
and the meetings' JSON API, with a meeting written through ``meetings.store`` on the
app database (SQLite and PostgreSQL) and charts from the foundation fixture (DuckDB and
PostgreSQL). Pictures are real PNGs drawn by the system Chromium: one chart per
document has data, so each document draws one picture."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from app import app as dash_app
from exports.files import DOCX_TYPE
from meetings import store
from meetings.minutes import md_escape, title_slug
from meetings.snapshots import record_snapshot
from queries.cache import cache
from settings import configure, get_settings
from translations import catalog

AUTHOR = "testaaja@example.org"
# Foundation fixture, 2024-01..02 (see tests/test_api.py): 10/15 and 25/30 within
# 7 days, published as 66,7 % and 83,3 %.
ITEM_QUERY = "from=2024-01&to=2024-02"
OBSERVATION = "Helmikuussa seitsemässä päivässä hoitoon pääsi suurempi osuus kuin tammikuussa."
NEED = "Tarvitsemme saman luvun yksiköittäin ja viikoittain."


def _meeting(snapshot: bool = False) -> dict:
    """A series with two meetings. The earlier one had the 7-day chart with an open
    action due 1.3.2024 (so overdue now). The later one has that chart with an
    observation, a decision, an action and an information need, and a chart the
    fixture has no whole period for (``omaolo-palvelut`` is yearly: 2024 is not over
    by the data date 30.4.2024), which gets no picture. ``snapshot``: keep what the
    earlier meeting's item showed (needs the reporting DB)."""
    series = store.create_series(
        "Järjestäjän johtoryhmä", "Jaana Johtaja\nAnna Analyytikko", "kuukausittain", author=AUTHOR
    )
    earlier = store.create_meeting(series["id"], "Helmikuun katsaus", "15.2.2024", author=AUTHOR)
    old_item = store.add_item(earlier["id"], 1, "hoitotakuu-7vrk", ITEM_QUERY, author=AUTHOR)
    store.add_decision(
        old_item["id"],
        kind="action",
        title="Soittopalvelun lisävuorot",
        owner="Pekka Palvelupäällikkö",
        due_date="2024-03-01",
        author=AUTHOR,
    )
    if snapshot:
        record_snapshot(store.get_item(old_item["id"]), author=AUTHOR)

    meeting = store.create_meeting(series["id"], "Maaliskuun katsaus", "2024-03-20", author=AUTHOR)
    item = store.add_item(meeting["id"], 1, "hoitotakuu-7vrk", ITEM_QUERY, author=AUTHOR)
    store.add_item(meeting["id"], 2, "omaolo-palvelut", ITEM_QUERY, author=AUTHOR)
    store.update_item(item["id"], item["version"], observations=OBSERVATION, author=AUTHOR)
    store.add_decision(
        item["id"],
        kind="decision",
        title="Seurataan kuukausittain",
        owner="Jaana Johtaja",
        due_date="2024-06-30",
        effect_direction="up",
        effect_by="2024-09-30",
        author=AUTHOR,
    )
    store.add_decision(
        item["id"],
        kind="action",
        title="Ajanvarauksen lisäresurssi",
        owner="Pekka Palvelupäällikkö",
        due_date="2099-04-30",
        author=AUTHOR,
    )
    store.add_need(item["id"], NEED, author=AUTHOR)
    return store.get_meeting(meeting["id"])


def _paragraphs(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


DECISION_LINE = (
    "Seurataan kuukausittain – vastuuhenkilö Jaana Johtaja, määräpäivä 30.6.2024, "
    "odotettu vaikutus: indikaattori nousee 30.9.2024 mennessä, tila: avoin"
)
ACTION_LINE = (
    "Ajanvarauksen lisäresurssi – vastuuhenkilö Pekka Palvelupäällikkö, "
    "määräpäivä 30.4.2099, tila: avoin"
)
OVERDUE_LINE = (
    "Soittopalvelun lisävuorot (kuvaaja: Kiireettömät käynnit 7 vuorokauden kuluessa hoidon "
    "tarpeen arvioinnista) – vastuuhenkilö Pekka Palvelupäällikkö, määräpäivä 1.3.2024, "
    "tila: avoin – Myöhässä: määräpäivä 1.3.2024 on ohitettu."
)
CHART_TITLE = "Kiireettömät käynnit 7 vuorokauden kuluessa hoidon tarpeen arvioinnista"


def test_md01_minutes_docx_reopens_with_records_and_one_picture_per_item_with_data(app_db, client):
    """The Word minutes hold headings, records, earlier actions and a picture per item with data."""
    meeting = _meeting()
    response = client.get(f"/api/meetings/{meeting['id']}/minutes.docx")
    assert response.status_code == 200
    assert response.mimetype == DOCX_TYPE
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=muistio_2024-03-20_maaliskuun-katsaus.docx"
    )
    document = Document(io.BytesIO(response.data))
    texts = _paragraphs(document)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Muistio: Maaliskuun katsaus",
        "Aiempien kokousten toimenpiteet",
        "1. " + CHART_TITLE,
        "Havainnot ja tulkinta",
        "Päätökset",
        "Toimenpiteet",
        "Tietotarpeet",
        "2. Käytössä olevat Omaolo-palvelut",
    ]
    assert "Kokoussarja: Järjestäjän johtoryhmä" in texts[1]
    assert "Päivämäärä: 20.3.2024" in texts[1]
    assert "Jäsenet: Jaana Johtaja, Anna Analyytikko" in texts[1]
    # The minutes start with the earlier meetings' actions, as the meeting page does.
    assert OVERDUE_LINE + " (kirjattu kokouksessa Helmikuun katsaus, 15.2.2024)" in texts
    assert OBSERVATION in texts
    assert DECISION_LINE in texts
    assert ACTION_LINE in texts  # due 2099: not overdue
    assert NEED + " – tila: uusi" in texts
    # The second item has no whole period: no picture, the card's "no data" text.
    assert "Kohtaan ei kirjattu havaintoja, päätöksiä, toimenpiteitä eikä tietotarpeita." in texts
    assert any("Lähde: Avohilmo-tiedot raportointitietokannasta." in text for text in texts)
    assert any("Tiedot 30.4.2024 asti." in text for text in texts)

    (picture,) = document.inline_shapes  # one item with data, one picture
    alt = picture._inline.docPr.get("descr")
    assert "83,3" in alt  # the summary sentence: February's share
    assert alt in texts  # ... which is also printed under the picture
    blob = document.part.related_parts[picture._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert blob.blob.startswith(b"\x89PNG")
    assert picture.width <= document.sections[0].page_width - 2 * document.sections[0].left_margin
    links = [(link.text, link.url) for p in document.paragraphs for link in p.hyperlinks]
    assert links[0] == (
        "Avaa kuvaaja sen sivulla",
        "http://localhost/hoitoonpaasy?from=2024-01&to=2024-02#card-hoitotakuu-7vrk",
    )
    assert len(links) == 2  # one per item
    assert document.core_properties.title == "Muistio: Maaliskuun katsaus"
    assert document.core_properties.language == "fi-FI"


def test_md02_minutes_markdown_says_the_same_with_links_instead_of_pictures(app_db, client):
    """The Markdown minutes carry the Word minutes' records and chart links but no pictures."""
    meeting = _meeting()
    response = client.get(f"/api/meetings/{meeting['id']}/minutes.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith(
        "muistio_2024-03-20_maaliskuun-katsaus.md"
    )
    text = response.get_data(as_text=True)
    assert text.startswith("# Muistio: Maaliskuun katsaus\n")
    assert "## 1. " + CHART_TITLE in text
    assert "### Havainnot ja tulkinta\n\n" + OBSERVATION in text
    assert "- " + DECISION_LINE in text
    assert "- " + ACTION_LINE in text
    assert "- " + OVERDUE_LINE in text
    assert "- " + NEED + " – tila: uusi" in text
    assert "Lähde: Avohilmo-tiedot raportointitietokannasta." in text
    assert "Tiedot 30.4.2024 asti." in text
    assert (
        "[Avaa kuvaaja sen sivulla](http://localhost/hoitoonpaasy?from=2024-01&to=2024-02"
        "#card-hoitotakuu-7vrk)"
    ) in text
    assert "![" not in text  # no pictures


def test_md03_preread_docx_has_changes_and_open_actions_per_item(app_db, client):
    """The pre-read lists each item's changes and open earlier actions, not recorded decisions."""
    meeting = _meeting(snapshot=True)
    response = client.get(f"/api/meetings/{meeting['id']}/preread.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=ennakkomateriaali_2024-03-20_maaliskuun-katsaus.docx"
    )
    document = Document(io.BytesIO(response.data))
    texts = _paragraphs(document)
    assert texts[0] == "Ennakkomateriaali: Maaliskuun katsaus"
    assert len(document.inline_shapes) == 1
    # The earlier meeting's snapshot and today's data are the same fixture (the
    # wording is meetings.changes_text's, as on the pre-read page).
    assert texts.count("Ei uusia jaksoja eikä korjattuja arvoja.") == 1
    # The second chart was not on the earlier agenda.
    assert "Ei vertailutietoa: kuvaajaa ei käsitelty edellisessä kokouksessa." in texts
    # The earlier meeting's open action concerns the first item's chart only.
    open_action = (
        "Soittopalvelun lisävuorot – vastuuhenkilö Pekka Palvelupäällikkö, määräpäivä "
        "1.3.2024, tila: avoin – Myöhässä: määräpäivä 1.3.2024 on ohitettu. (kirjattu "
        "kokouksessa "
        "Helmikuun katsaus, 15.2.2024)"
    )
    assert texts.count(open_action) == 1
    assert texts.count("Ei avoimia toimenpiteitä.") == 1
    # Recorded decisions belong to the minutes, not to the pre-read.
    assert DECISION_LINE not in texts


def test_md04_api_lists_meetings_with_items_decisions_actions_and_needs(app_db):
    """The meetings API lists items, decisions, actions, needs; filters by series; hides authors."""
    meeting = _meeting()
    client = dash_app.server.test_client()
    body = client.get("/api/meetings").get_json()
    assert [m["title"] for m in body["meetings"]] == ["Helmikuun katsaus", "Maaliskuun katsaus"]
    listed = body["meetings"][1]
    assert listed == client.get(f"/api/meetings/{meeting['id']}").get_json()
    assert listed["date"] == "2024-03-20"
    assert listed["series"]["name"] == "Järjestäjän johtoryhmä"
    assert listed["series"]["members"] == ["Jaana Johtaja", "Anna Analyytikko"]
    assert listed["page_url"] == f"/tietokeskustelut/{meeting['id']}"
    assert listed["minutes_docx_url"] == f"/api/meetings/{meeting['id']}/minutes.docx"
    assert listed["updated_at"].endswith("+00:00")
    first, second = listed["items"]
    assert (first["position"], first["chart_id"], first["query"]) == (
        1,
        "hoitotakuu-7vrk",
        ITEM_QUERY,
    )
    assert first["title"] == CHART_TITLE
    assert first["page_url"] == "/hoitoonpaasy?from=2024-01&to=2024-02#card-hoitotakuu-7vrk"
    assert first["observations"] == OBSERVATION
    (decision,) = first["decisions"]
    assert decision["kind"] == "decision" and decision["owner"] == "Jaana Johtaja"
    assert decision["due_date"] == "2024-06-30" and decision["decided_on"] == "2024-03-20"
    assert decision["expected_effect"] == {"direction": "up", "by": "2024-09-30"}
    assert decision["status"] == "open" and decision["overdue"] is False
    (action,) = first["actions"]
    assert action["title"] == "Ajanvarauksen lisäresurssi"
    assert action["due_date"] == "2099-04-30" and action["overdue"] is False
    assert action["expected_effect"] == {"direction": None, "by": None}
    (need,) = first["information_needs"]
    assert need["text"] == NEED and need["status"] == "new"
    assert second["chart_id"] == "omaolo-palvelut" and second["actions"] == []
    (old_action,) = body["meetings"][0]["items"][0]["actions"]
    assert old_action["overdue"] is True and old_action["due_date"] == "2024-03-01"
    # No names of the change log (who wrote what) in the public API.
    assert AUTHOR not in client.get("/api/meetings").get_data(as_text=True)

    series_id = listed["series"]["id"]
    other = store.create_series("Toinen sarja", author=AUTHOR)
    store.create_meeting(other["id"], "Toisen sarjan kokous", "2024-03-01", author=AUTHOR)
    only = client.get(f"/api/meetings?series={series_id}").get_json()
    assert [m["title"] for m in only["meetings"]] == ["Helmikuun katsaus", "Maaliskuun katsaus"]
    assert only["notices"] == []
    assert len(client.get("/api/meetings").get_json()["meetings"]) == 3


def test_md05_bad_ids_are_404_and_unknown_parameters_400_in_finnish(app_db):
    """Unknown meeting or series ids give 404 and bad or unknown parameters 400, in Finnish."""
    meeting = _meeting()
    client = dash_app.server.test_client()
    for path in (
        "/api/meetings/999",
        "/api/meetings/abc",
        "/api/meetings/0",
        "/api/meetings/99999999999999999999",
        "/api/meetings/999/minutes.docx",
        "/api/meetings/abc/preread.docx",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"].startswith("Pyyntöä ei palveltu, koska kokousta ”")
    response = client.get("/api/meetings?series=999")
    assert response.status_code == 404
    assert response.get_json()["error"] == ("Pyyntöä ei palveltu, koska kokoussarjaa ”999” ei ole.")
    for query in ("series=x", "series=1&series=2", "series="):
        response = client.get("/api/meetings?" + query)
        assert response.status_code == 400, query
        assert "kokoussarjan tunniste" in response.get_json()["error"]
    for path in (
        "/api/meetings?units=1",
        f"/api/meetings/{meeting['id']}?series=1",
        f"/api/meetings/{meeting['id']}/minutes.md?format=pdf",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "parametria" in response.get_json()["error"]
    assert client.get(f"/api/meetings/{meeting['id']}/minutes.pdf").status_code == 404


@pytest.mark.db
def test_md06_app_database_down_is_503():
    """Every meetings API path answers 503 with a Finnish message when the app DB is unreachable."""
    original = get_settings()
    # Nothing listens on port 9 (discard): the connection is refused at once.
    configure(replace(original, app_db_url="postgresql+psycopg://postgres@127.0.0.1:9/none"))
    try:
        client = dash_app.server.test_client()
        for path in ("/api/meetings", "/api/meetings/1", "/api/meetings/1/minutes.md"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert "tietokeskustelujen tietokantaan" in response.get_json()["error"]
    finally:
        configure(original)


@pytest.mark.unit
def test_md08_free_text_is_literal_in_markdown_and_titles_make_safe_file_names():
    """md_escape keeps free text literal in Markdown; title_slug makes ASCII file names."""
    assert md_escape("*kiire* [x](y) <b> a|b") == r"\*kiire\* \[x\](y) \<b\> a\|b"
    # An entity typed as text stays text (CommonMark would decode "&lt;" into "<").
    assert md_escape("&lt;b&gt; T&K") == r"\&lt;b\&gt; T\&K"
    assert md_escape("# ei otsikko\n- ei lista\n12. ei numero") == (
        "\\# ei otsikko\n\\- ei lista\n12\\. ei numero"
    )
    assert title_slug("Järjestäjän johtoryhmä 3/2025") == "jarjestajan-johtoryhma-3-2025"
    assert title_slug("ÖÖÖ") == "ooo"
    assert title_slug("!!!") == "kokous"


def test_md10_minutes_are_made_without_the_reporting_database(app_db):
    """The test run's reporting DB does not exist (tests/conftest.py): each chart says
    it could not be fetched, and what was recorded is all there."""
    meeting = _meeting()
    with dash_app.server.app_context():
        cache.clear()  # no chart payload of an earlier test
    response = dash_app.server.test_client().get(f"/api/meetings/{meeting['id']}/minutes.md")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.count("Kuvaajaa ei voitu hakea, koska raportointitietokantaan") == 2
    assert "- " + DECISION_LINE in text and "- " + OVERDUE_LINE in text
    assert "[Avaa kuvaaja sen sivulla](http://localhost/hoitoonpaasy?" in text


@pytest.mark.unit
def test_md09_every_text_of_the_documents_and_the_api_is_in_the_catalog():
    """Every translation key the minutes, API and change texts use exists in the Finnish catalog."""
    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"""["']((?:meetings|api)\.[a-z_]+\.[a-z0-9_.]+)["']""")
    used = set()
    for name in ("minutes.py", "api.py", "changes_text.py"):  # the documents use all three
        used.update(pattern.findall((root / "meetings" / name).read_text(encoding="utf-8")))
    assert len(used) > 40, "the scan found too few keys: the pattern is wrong"
    # Keys built from a stored value: one per value the store allows.
    used.update(f"meetings.documents.status.{s}" for s in store.DECISION_STATUSES)
    used.update(f"meetings.documents.need_status.{s}" for s in store.NEED_STATUSES)
    used.update(f"meetings.documents.effect.{d}" for d in store.DIRECTIONS if d)
    assert used - set(catalog("fi")) == set()
