"""The meeting pages (``/tietokeskustelut``, a series, a meeting) and their callbacks,
called directly in a request context on a real app database (SQLite and PostgreSQL
through ``app_db``), plus one browser walk with axe-core.

The suggestions themselves are tested in tests/test_suggestions.py; here
``meetings.suggestions.suggest`` is replaced by a fake with known answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from dash.testing.wait import until
from selenium.webdriver.support.ui import Select

from app import app as dash_app
from callbacks import meetings_agenda as cb
from charts.catalog import CHARTS, charts_in_area
from dashboards import meetings_index, meetings_meeting, meetings_series
from meetings import db, store
from meetings import suggestions as suggestions_module
from meetings.agenda import chart_options, describe_item, pasted_query
from meetings.calendar import parse_year, year_months
from queries.cache import cache
from settings import configure, get_settings
from tests.axe import axe_violations as _axe_violations
from tests.callback_bodies import callback_body, server_outputs, stringify
from tests.servers import WAIT

JONOT = "Jonossa olevat ja määräajan ylittäneet (hoitovelka) jakson lopussa"
DIGI = "Etäasioinnin osuus asiakaskontakteista"


def text_of(node) -> str:
    """All text of a Dash component tree, pieces joined by one space (runs of
    white space collapsed)."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return " ".join(str(node).split())
    if isinstance(node, list | tuple):
        return " ".join(text for part in node if (text := text_of(part)))
    return text_of(getattr(node, "children", None))


def find(node, component_id):
    """The component with ``component_id`` in a tree, or None."""
    if isinstance(node, list | tuple):
        for part in node:
            found = find(part, component_id)
            if found is not None:
                return found
        return None
    if getattr(node, "id", None) == component_id:
        return node
    children = getattr(node, "children", None)
    return find(children, component_id) if children is not None else None


def ids_of(node) -> list:
    """Every component id in a tree."""
    found = []
    if isinstance(node, list | tuple):
        for part in node:
            found += ids_of(part)
        return found
    if getattr(node, "id", None) is not None:
        found.append(node.id)
    children = getattr(node, "children", None)
    return found + (ids_of(children) if children is not None else [])


@pytest.fixture
def writer(app_db):
    """The app database with a demo user: the pages are writable."""
    original = get_settings()
    configure(replace(original, demo_user="Testaaja"))
    with dash_app.server.test_request_context():
        yield "Testaaja"
    configure(original)


@pytest.fixture
def reader(app_db):
    """The app database without an identity: the pages are read-only."""
    with dash_app.server.test_request_context():
        yield


def ctx(row) -> dict:
    return {"id": row["id"], "version": row["version"], "lang": "fi"}


def form(chart_id="jonot", address="", minutes="10", suggestions=None) -> dict:
    return {
        "chart_id": chart_id,
        "address": address,
        "minutes": minutes,
        "suggestions": suggestions,
    }


# --- pure parts --------------------------------------------------------------------


@pytest.mark.unit
def test_mp001_year_view_puts_meetings_in_their_months_held_or_planned():
    """The year view sorts a year's meetings into months by date; today's or later are planned."""
    meetings = [
        {"id": 1, "meeting_date": date(2025, 3, 10), "title": "X"},
        {"id": 2, "meeting_date": date(2025, 3, 2), "title": "Y"},
        {"id": 3, "meeting_date": date(2025, 11, 20), "title": "Z"},
        {"id": 4, "meeting_date": date(2024, 12, 31), "title": "other year"},
        {"id": 5, "meeting_date": date(2025, 6, 1), "title": "today"},
    ]
    months = year_months(meetings, 2025, today=date(2025, 6, 1))
    assert [m["month"] for m in months] == list(range(1, 13))
    # March: Y (2.3.) before X (10.3.), both before 1.6.2025: held.
    assert [(m["title"], m["held"]) for m in months[2]["meetings"]] == [("Y", True), ("X", True)]
    # A meeting of today is still planned; November is to come.
    assert [(m["title"], m["held"]) for m in months[5]["meetings"]] == [("today", False)]
    assert [(m["title"], m["held"]) for m in months[10]["meetings"]] == [("Z", False)]
    assert sum(len(m["meetings"]) for m in months) == 4  # 31.12.2024 is not in 2025


@pytest.mark.unit
def test_mp002_year_parameter():
    """A year in the URL is accepted only as one plausible year; else this year with a flag."""
    today = date(2026, 5, 5)
    assert parse_year("2025", today) == (2025, True)
    assert parse_year(None, today) == (2026, True)
    assert parse_year("20x5", today) == (2026, False)
    assert parse_year("1800", today) == (2026, False)
    assert parse_year(["2024", "2025"], today) == (2026, False)


@pytest.mark.unit
def test_mp003_pasted_address_becomes_the_items_query():
    """A pasted page or embed address keeps only the query parameters an agenda item can use."""
    pasted = "/hoitoonpaasy?from=2024-01&unit=TA01&view=jonot:spc#card-jonot"
    assert pasted_query(pasted) == "from=2024-01&unit=TA01&view=jonot%3Aspc"
    assert pasted_query("https://intra.example/tk/digipalvelut?grain=year&lang=fi") == (
        "grain=year"
    )
    assert pasted_query("?from=2024-01&embed=1") == "from=2024-01"
    assert pasted_query("from=2023-05") == "from=2023-05"
    assert pasted_query("/hoitoonpaasy") == ""
    assert pasted_query("https://intra.example/tk/embed/jonot?from=2024-01") == "from=2024-01"
    assert pasted_query(None) == ""


@pytest.mark.unit
@pytest.mark.parametrize(
    "pasted",
    [
        "file:///etc/passwd",
        "a" * 300,
        "%ZZ",
        "jonot",
        "/muu-sivu?from=2024-01",
        "javascript:alert(1)?from=2024-01",
        "/hoitoonpaasy/x?from=2024-01",
        "/embed/ei-ole?from=2024-01",
    ],
)
def test_mp003b_anything_but_a_chart_page_address_or_a_query_is_refused(pasted):
    """Pasted text that is not a chart page address or a query, or is not text, is refused."""
    with pytest.raises(store.InvalidInput) as refused:
        pasted_query(pasted)
    assert refused.value.key == "meetings.error.bad_pasted_address"
    with pytest.raises(store.InvalidInput) as forged:
        pasted_query({"evil": "1"})
    assert forged.value.key == "meetings.error.bad_request"


@pytest.mark.unit
def test_mp004_chart_search_by_title_and_area():
    """Chart search matches titles and areas case-insensitively and says when nothing matches."""
    digi = chart_options("digipalvelut", "fi")
    # The area's name finds every chart of the area, in catalog order (so a chart added
    # to the area needs no change here).
    assert [o["value"] for o in digi] == [spec.id for spec in charts_in_area("digipalvelut")]
    assert digi  # not two empty lists
    assert chart_options("HOITOONPÄÄSY jonossa", "fi") == [
        {"label": f"{JONOT} – Hoitoonpääsy", "value": "jonot"}
    ]
    assert len(chart_options("", "fi")) == len(CHARTS)
    options, value, status = cb.search_charts("xyz", "jonot", {"lang": "fi"})
    assert (options, value, status) == ([], None, "Haulla ei löytynyt kuvaajia.")
    options, value, status = cb.search_charts("liikunta", "jonot", {"lang": "fi"})
    assert (value, status) == ("liikuntalahetteet", "")


@pytest.mark.unit
def test_mp005_item_description_in_words():
    """An item's query is described in Finnish words: period, grain, area, view and phases."""
    item = {"chart_id": "jonot", "query": "from=2024-01&view=jonot:spc&phase=jonot:2024-07"}
    assert describe_item(item, "fi") == (
        "Ajanjakso 1/2024–viimeisin; aikataso kuukausi; Koko hyvinvointialue. "
        "Näkymä: Onko muutos todellinen?; vaiheet alkavat 7/2024"
    )
    assert describe_item({"chart_id": "jonot", "query": "grain=year"}, "fi").endswith(
        "aikataso vuosi; Koko hyvinvointialue. Näkymä: Aikasarja"
    )


# --- index page --------------------------------------------------------------------


def test_mp010_index_lists_series_and_the_year_view(writer):
    """The index lists series by name and puts meetings in the year view as held or planned."""
    example = store.create_series(
        "Järjestäjän johtoryhmä",
        "Hyvinvointialuejohtaja\n\nTalousjohtaja\n",
        "kuukausittain",
        author=writer,
        is_example=True,
    )
    store.create_series("Digiryhmä", "", "", author=writer)
    store.create_meeting(example["id"], "Maaliskuun tietokeskustelu", "2025-03-10", author=writer)
    store.create_meeting(example["id"], "Syyskuun tietokeskustelu", "2025-09-15", author=writer)
    next_year = date.today().year + 1
    store.create_meeting(example["id"], "Ensi vuoden kokous", f"{next_year}-02-03", author=writer)

    page = meetings_index.layout(vuosi="2025")
    series = text_of(find(page, "series-list"))
    # By name: Digiryhmä first; the example's members are its 2 non-empty lines.
    assert series.index("Digiryhmä") < series.index("Järjestäjän johtoryhmä")
    assert "kuukausittain, 2 jäsentä" in series
    assert "rytmiä ei ole kirjattu, 0 jäsentä" in series
    assert series.count("esimerkki") == 1
    assert "Vuosikello 2025" in text_of(page)
    march = text_of(find(page, "calendar-3"))
    assert "Maaliskuu" in march and "10.3.2025" in march and "Maaliskuun tietokeskustelu" in march
    assert "(Järjestäjän johtoryhmä)" in march and "pidetty" in march
    assert "Syyskuun tietokeskustelu" in text_of(find(page, "calendar-9"))
    assert text_of(find(page, "calendar-2")).endswith("Ei kokouksia.")
    for month in (1, 2, 4, 5, 6, 7, 8, 10, 11, 12):
        assert "Ei kokouksia." in text_of(find(page, f"calendar-{month}"))
    assert "Edellinen vuosi (2024)" in text_of(page) and "Seuraava vuosi (2026)" in text_of(page)
    assert "series-new-name" in ids_of(page)
    assert "Älä kirjoita henkilötietoja" in text_of(page)

    coming = meetings_index.layout(vuosi=str(next_year))
    february = text_of(find(coming, "calendar-2"))
    assert "Ensi vuoden kokous" in february and "suunniteltu" in february
    assert "pidetty" not in february


def test_mp011_bad_year_falls_back_to_this_year_with_a_notice(reader):
    """A bad year in the URL shows a notice and the current year's calendar."""
    page = meetings_index.layout(vuosi="20x5")
    text = text_of(page)
    assert "Vuosi ”20x5” ei kelpaa" in text
    assert f"Vuosikello {date.today().year}" in text


def test_mp012_read_only_index_has_no_form(reader):
    """Without an identity the index has no new-series form and says it is read-only."""
    page = meetings_index.layout()
    assert "series-new-name" not in ids_of(page)
    assert "Et ole kirjautunut, joten voit vain lukea." in text_of(page)
    assert "Kokoussarjoja ei ole vielä." in text_of(page)


def test_mp013_create_series_and_refusals(writer):
    """Creating a series reports success and clears the form; a blank name is refused."""
    children, status, name, members, rhythm = cb.create_series(
        "Johtoryhmä", "A\nB", "kuukausittain", "fi"
    )
    assert "Kokoussarja Johtoryhmä luotiin." in text_of(status)
    assert "Johtoryhmä" in text_of(children) and (name, members, rhythm) == ("", "", "")
    _children, status, *_fields = cb.create_series("  ", "A", "", "fi")
    assert text_of(status) == "Kenttä ”Sarjan nimi” on pakollinen."
    assert [s["name"] for s in store.list_series()] == ["Johtoryhmä"]


def test_mp014_create_series_read_only_changes_nothing(reader):
    """Creating a series without an identity is refused and stores nothing."""
    _children, status, *_fields = cb.create_series("Johtoryhmä", "", "", "fi")
    assert text_of(status).startswith("Et ole kirjautunut")
    assert store.list_series() == []


# --- series page -------------------------------------------------------------------


def test_mp020_series_page_meetings_and_new_meeting(writer):
    """The series page splits coming and past meetings; a bad date is refused, a good one added."""
    row = store.create_series("Johtoryhmä", "A", "kuukausittain", author=writer)
    coming = date.today() + timedelta(days=30)
    store.create_meeting(row["id"], "Tuleva", coming.isoformat(), author=writer)
    store.create_meeting(row["id"], "Pidetty", "2025-01-20", author=writer)
    page = meetings_series.layout(series_id=str(row["id"]))
    assert text_of(find(page, "series-title")) == "Kokoussarja: Johtoryhmä"
    assert "Tuleva" in text_of(find(page, "meetings-coming"))
    assert "Pidetty – 20.1.2025, 0 asiaa" in text_of(find(page, "meetings-past"))
    assert "Älä kirjoita henkilötietoja" in text_of(page)

    status, _list, *_ = cb.create_meeting(ctx(row), "Uusi", "31.2.2025")
    assert text_of(status).startswith("Kentän ”Päivämäärä” päivämäärä ”31.2.2025” ei kelpaa.")
    status, listed, title, day = cb.create_meeting(ctx(row), "Maaliskuu", "2025-03-10")
    assert "Kokous Maaliskuu luotiin." in text_of(status)
    past = text_of(listed)
    assert past.index("Pidetty") < past.index("Maaliskuu")  # by date: 20.1. then 10.3.
    assert (title, day) == ("", "")


def test_mp021_stale_series_edit_shows_the_saved_version(writer):
    """A series edit from a stale version is refused and the form shows the saved values."""
    row = store.create_series("Johtoryhmä", "A", "kuukausittain", author=writer)
    first = cb.update_series(ctx(row), "Johtoryhmä 2026", "A\nB", "joka toinen kuukausi")
    assert text_of(first[0]) == "Tallennettu." and first[1]["version"] == 2
    assert "Rytmi: joka toinen kuukausi" in text_of(first[3])
    stale = cb.update_series(ctx(row), "Toinen nimi", "C", "viikoittain")
    status, context, _title, _details, name, members, rhythm = stale
    assert "Tallennus peruttiin: Testaaja muutti tätä" in text_of(status)
    assert "Johtoryhmä 2026" in text_of(status)
    assert (name, members, rhythm) == ("Johtoryhmä 2026", "A\nB", "joka toinen kuukausi")
    assert context["version"] == 2
    assert store.get_series(row["id"])["name"] == "Johtoryhmä 2026"


def test_mp022_read_only_series_page(reader, app_db):
    """Without an identity the series page has no edit or new-meeting forms."""
    original = get_settings()
    configure(replace(original, demo_user="Testaaja"))
    row = store.create_series("Johtoryhmä", "", "", author="Testaaja")
    configure(original)
    page = meetings_series.layout(series_id=str(row["id"]))
    assert "meeting-new-title" not in ids_of(page) and "series-edit-name" not in ids_of(page)
    assert "Et ole kirjautunut" in text_of(page)


def test_mp023_unknown_ids_answer_404(writer):
    """Existing meeting pages answer 200; unknown or malformed series and meeting ids 404."""
    row = store.create_series("Johtoryhmä", "", "", author=writer)
    meeting = store.create_meeting(row["id"], "Kokous", "2025-03-10", author=writer)
    client = dash_app.server.test_client()
    assert client.get("/tietokeskustelut").status_code == 200
    assert client.get(f"/tietokeskustelut/sarjat/{row['id']}").status_code == 200
    assert client.get(f"/tietokeskustelut/{meeting['id']}").status_code == 200
    for path in (
        "/tietokeskustelut/sarjat/999",
        "/tietokeskustelut/sarjat/abc",
        "/tietokeskustelut/999",
        "/tietokeskustelut/0",
        "/tietokeskustelut/1x",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.db
def test_mp024_unreachable_database_is_reported():
    """With the app DB unreachable, each page and the create callback say so instead of failing."""
    original = get_settings()
    configure(
        replace(
            original,
            app_db_url="postgresql+psycopg://postgres@127.0.0.1:1/none",
            demo_user="Testaaja",
        )
    )
    try:
        with dash_app.server.test_request_context():
            message = "Tietokeskustelujen tietokantaan ei saatu yhteyttä."
            assert message in text_of(meetings_index.layout())
            assert message in text_of(meetings_series.layout(series_id="1"))
            assert message in text_of(meetings_meeting.layout(meeting_id="1"))
            assert meetings_meeting.path_ok("1")  # served, and says what is wrong
            _children, status, *_ = cb.create_series("Johtoryhmä", "", "", "fi")
            assert (
                text_of(status)
                == message + " Mitään ei tallennettu; yritä hetken kuluttua uudelleen."
            )
    finally:
        db.dispose()
        configure(original)


# --- meeting page ------------------------------------------------------------------


def _series_with_meetings(author: str):
    row = store.create_series("Johtoryhmä", "", "", author=author)
    january = store.create_meeting(row["id"], "Tammikuu", "2025-01-10", author=author)
    march = store.create_meeting(row["id"], "Maaliskuu", "2025-03-10", author=author)
    return row, january, march


def test_mp030_meeting_starts_with_previous_actions_and_their_status(writer):
    """A meeting lists earlier meetings' actions (not decisions) with status, overdue and origin."""
    _row, january, march = _series_with_meetings(writer)
    item = store.add_item(january["id"], january["version"], "jonot", "", 10, author=writer)
    store.add_decision(
        item["id"],
        kind="action",
        title="Selvitä jonot",
        owner="Palvelujohtaja",
        due_date="2025-02-01",
        author=writer,
    )
    done = store.add_decision(
        item["id"],
        kind="action",
        title="Tarkista luvut",
        owner="Analyytikko",
        due_date="2025-02-15",
        author=writer,
    )
    store.set_decision_status(done["id"], done["version"], "done", author=writer)
    store.add_decision(item["id"], kind="decision", title="Seurataan", author=writer)

    page = meetings_meeting.layout(meeting_id=str(march["id"]))
    actions = find(page, "previous-actions")
    lines = [text_of(li) for li in actions.children]
    assert len(lines) == 2  # the decision "Seurataan" is no action
    assert lines[0].startswith(
        "Selvitä jonot – vastuu: Palvelujohtaja, määräpäivä 1.2.2025 – Avoin"
    )
    assert "Myöhässä: määräpäivä 1.2.2025 on ohitettu." in lines[0]
    assert f"Kirjattu: Tammikuu (10.1.2025), kuvaaja {JONOT}" in lines[0]
    assert "Tarkista luvut – vastuu: Analyytikko, määräpäivä 15.2.2025 – Tehty" in lines[1]
    assert "Myöhässä" not in lines[1]
    # The January meeting itself has no earlier actions.
    first = meetings_meeting.layout(meeting_id=str(january["id"]))
    assert text_of(find(first, "previous-actions")) == (
        "Ei avoimia toimenpiteitä aiemmista kokouksista."
    )


def test_mp031_agenda_add_move_remove(writer):
    """Agenda items are added, moved and removed; a move from a stale version is refused."""
    _row, january, _march = _series_with_meetings(writer)
    context = ctx(january)
    address = "/hoitoonpaasy?from=2024-01&view=jonot:spc#card-jonot"
    children, status, context = cb.change_agenda(
        {"type": "agenda-add"}, context, form("jonot", address, "15")
    )
    assert text_of(status) == f"{JONOT} lisättiin asialistalle."
    assert context["version"] == 2
    item = store.get_meeting(january["id"])["items"][0]
    assert (item["query"], item["minutes"]) == ("from=2024-01&view=jonot:spc", 15)
    children, status, context = cb.change_agenda(
        {"type": "agenda-add"}, context, form("digiasiointi-osuus", "", "")
    )
    listed = text_of(children)
    assert listed.index(JONOT) < listed.index(DIGI)
    assert "Yhteensä 25 min" in listed  # 15 + the default 10
    assert "Näkymä: Onko muutos todellinen?" in listed

    meeting = store.get_meeting(january["id"])
    digi = meeting["items"][1]
    children, status, moved = cb.change_agenda(
        {"type": "agenda-move", "item": digi["id"], "offset": -1}, context, form()
    )
    assert text_of(status) == "Asialista päivitetty."
    assert [i["chart_id"] for i in store.get_meeting(january["id"])["items"]] == [
        "digiasiointi-osuus",
        "jonot",
    ]
    listed = text_of(children)
    assert listed.index(DIGI) < listed.index(JONOT)

    # The same click with the version the page had before: refused, current agenda shown.
    children, status, after = cb.change_agenda(
        {"type": "agenda-move", "item": digi["id"], "offset": 1}, context, form()
    )
    assert "Tallennus peruttiin: Testaaja muutti tätä" in text_of(status)
    assert text_of(children).index(DIGI) < text_of(children).index(JONOT)
    assert after["version"] == moved["version"]

    jonot = store.get_meeting(january["id"])["items"][1]
    children, status, _ = cb.change_agenda(
        {"type": "agenda-remove", "item": jonot["id"]}, after, form()
    )
    assert [i["chart_id"] for i in store.get_meeting(january["id"])["items"]] == [
        "digiasiointi-osuus"
    ]
    assert "Yhteensä 10 min" in text_of(children)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (form("ei-ole"), "Kuvaajaa ”ei-ole” ei ole kuvaajaluettelossa."),
        (form(None), "Valitse kuvaaja."),
        (form("jonot", "/hoitoonpaasy?from=2024-99"), "Kohdan rajauksia ei voitu käyttää:"),
        (
            form("jonot", "/hoitoonpaasy?foo=1"),
            "Osoitteen parametria ”foo” ei voi käyttää asialistan kohdassa",
        ),
        (form("jonot", "", "0"), "Aika ”0” ei kelpaa: anna minuutit kokonaislukuna 1–120."),
    ],
)
def test_mp032_bad_item_is_refused_and_nothing_changes(writer, values, message):
    """A bad chart, address or duration is refused with its message and the meeting is unchanged."""
    _row, january, _march = _series_with_meetings(writer)
    children, status, context = cb.change_agenda({"type": "agenda-add"}, ctx(january), values)
    assert text_of(status).startswith(message)
    assert children is cb.no_update and context is cb.no_update
    meeting = store.get_meeting(january["id"])
    assert meeting["items"] == [] and meeting["version"] == january["version"]


def test_mp033_item_with_a_decision_is_not_removed(writer):
    """An agenda item with a recorded decision cannot be removed."""
    _row, january, _march = _series_with_meetings(writer)
    item = store.add_item(january["id"], 1, "jonot", "", 10, author=writer)
    store.add_decision(item["id"], kind="decision", title="Seurataan", author=writer)
    meeting = store.get_meeting(january["id"])
    _children, status, _ = cb.change_agenda(
        {"type": "agenda-remove", "item": item["id"]}, ctx(meeting), form()
    )
    assert text_of(status) == "Kohtaa ei poistettu: siihen on kirjattu päätöksiä tai tietotarpeita."
    assert len(store.get_meeting(january["id"])["items"]) == 1


def test_mp034_meeting_page_links_and_read_only(writer):
    """The meeting page links its documents and items; without an identity it has no controls."""
    _row, january, _march = _series_with_meetings(writer)
    store.add_item(january["id"], 1, "jonot", "from=2024-01", 10, author=writer)
    page = meetings_meeting.layout(meeting_id=str(january["id"]))
    mid = january["id"]
    hrefs = [getattr(c, "href", None) for c in _walk(page)]
    for href in (
        f"/tietokeskustelut/{mid}/ennakko",
        f"/tietokeskustelut/{mid}/esitys/1",
        f"/api/meetings/{mid}/minutes.docx",
        f"/api/meetings/{mid}/minutes.md",
        f"/tietokeskustelut/{mid}/kohta/1",
        "/hoitoonpaasy?from=2024-01#card-jonot",
    ):
        assert href in hrefs, href
    assert "agenda-add" in ids_of(page)
    assert "Älä kirjoita henkilötietoja" in text_of(page)

    configure(replace(get_settings(), demo_user=""))
    page = meetings_meeting.layout(meeting_id=str(mid))
    ids = ids_of(page)
    assert "agenda-add" not in ids and "meeting-edit-title" not in ids
    assert not [i for i in ids if isinstance(i, dict)]  # no move or remove buttons
    assert "Et ole kirjautunut" in text_of(page)
    _children, status, _ = cb.change_agenda({"type": "agenda-add"}, ctx(january), form())
    assert text_of(status).startswith("Et ole kirjautunut")


def _walk(node):
    if isinstance(node, list | tuple):
        for part in node:
            yield from _walk(part)
        return
    if node is None or isinstance(node, str | int | float):
        return
    yield node
    yield from _walk(getattr(node, "children", None))


def test_mp035_meeting_title_and_date_edit(writer):
    """Title and date edits save, a stale edit is refused with the saved values, blank title too."""
    _row, january, _march = _series_with_meetings(writer)
    saved = cb.update_meeting(ctx(january), "Tammikuun kokous", "2025-01-12")
    status, context, title, _title_field, _date_field, subtitle, actions = saved
    assert text_of(status) == "Tallennettu." and title == "Tammikuun kokous"
    assert text_of(subtitle).endswith("12.1.2025. Kokous on pidetty.")
    assert "Ei avoimia toimenpiteitä aiemmista kokouksista." in text_of(actions)
    assert store.get_meeting(january["id"])["meeting_date"] == date(2025, 1, 12)
    status, context2, _t, title_field, date_field, *_ = cb.update_meeting(
        ctx(january), "Toinen", "2025-01-13"
    )
    assert "Tallennus peruttiin" in text_of(status) and "12.1.2025" in text_of(status)
    assert (title_field, date_field) == ("Tammikuun kokous", "2025-01-12")
    assert context2["version"] == context["version"]
    status, *_ = cb.update_meeting(context, "", "2025-01-13")
    assert text_of(status) == "Kenttä ”Otsikko” on pakollinen."


@pytest.fixture
def fake_suggestions(monkeypatch):
    """``meetings.suggestions.suggest`` with known answers; returns its calls."""
    calls = []

    def suggest(meeting, lang):
        calls.append((meeting["id"], lang))
        return [
            {"chart_id": "jonot", "query": "from=2024-01", "reason": "Hoitovelka kasvoi."},
            {"chart_id": "ei-kuvaajaa", "query": "", "reason": "Ohitetaan."},
        ]

    monkeypatch.setattr(suggestions_module, "suggest", suggest)
    return calls


def test_mp036_suggested_item_is_added(writer, fake_suggestions):
    """Suggestions appear only for coming meetings, skip unknown charts and add an agenda item."""
    row, held, _march = _series_with_meetings(writer)
    # A held meeting (10.1.2025) gets no suggestions: they come from today's data.
    panel, suggestions = cb.load_suggestions(ctx(held))
    assert suggestions == [] and fake_suggestions == []
    assert text_of(panel).startswith("Ehdotukset lasketaan tämänpäiväisistä luvuista")
    january = store.create_meeting(row["id"], "Tuleva", date.today().isoformat(), author=writer)
    panel, suggestions = cb.load_suggestions(ctx(january))
    assert fake_suggestions == [(january["id"], "fi")]
    assert suggestions == [
        {"chart_id": "jonot", "query": "from=2024-01", "reason": "Hoitovelka kasvoi."}
    ]
    text = text_of(panel)
    assert f"{JONOT} – Hoitoonpääsy" in text and "Hoitovelka kasvoi." in text
    assert "Ohitetaan." not in text  # a chart not in the catalog is left out
    assert {"type": "agenda-suggest", "index": 0} in ids_of(panel)
    _children, status, context = cb.change_agenda(
        {"type": "agenda-suggest", "index": 0}, ctx(january), form(suggestions=suggestions)
    )
    assert text_of(status) == f"{JONOT} lisättiin asialistalle."
    item = store.get_meeting(january["id"])["items"][0]
    assert (item["chart_id"], item["query"], item["minutes"]) == ("jonot", "from=2024-01", 10)
    _children, status, _ = cb.change_agenda(
        {"type": "agenda-suggest", "index": 5}, context, form(suggestions=suggestions)
    )
    assert text_of(status) == "Tietoa ei löytynyt (se on voitu poistaa)."


def test_mp037_suggestions_unavailable_when_the_reporting_db_is_down(writer, monkeypatch):
    """When the reporting DB is down the suggestion panel says none are available."""
    row, _january, _march = _series_with_meetings(writer)
    january = store.create_meeting(row["id"], "Tuleva", date.today().isoformat(), author=writer)

    def down(_meeting, _lang):
        raise sa.exc.OperationalError("SELECT 1", {}, OSError("reporting DB down"))

    monkeypatch.setattr(suggestions_module, "suggest", down)
    panel, suggestions = cb.load_suggestions(ctx(january))
    assert text_of(panel) == "Ehdotuksia ei ole saatavilla." and suggestions == []


# --- browser -----------------------------------------------------------------------


def _set_value(dash_duo, selector: str, value: str) -> None:
    """Type into a React-controlled input (a date input takes the ISO value)."""
    dash_duo.driver.execute_script(
        "const el = document.querySelector(arguments[0]);"
        "const setter = Object.getOwnPropertyDescriptor(el.constructor.prototype, 'value').set;"
        "setter.call(el, arguments[1]);"
        "el.dispatchEvent(new Event('input', {bubbles: true}));",
        selector,
        value,
    )


@pytest.mark.browser
@pytest.mark.parametrize("app_db", ["sqlite"], indirect=True)
def test_mp090_browser_series_meeting_and_item(dash_duo, browser_db, app_db, fake_suggestions):
    """In a browser a series, meeting and items are made without axe findings; read-only after."""
    original = get_settings()
    configure(replace(original, demo_user="Testaaja"))
    try:
        dash_duo.start_server(dash_app)
        dash_duo.wait_for_page(url=dash_duo.server_url + "/tietokeskustelut")
        dash_duo.wait_for_element("#series-new-name", timeout=WAIT)
        assert _axe_violations(dash_duo) == [], "/tietokeskustelut"
        _set_value(dash_duo, "#series-new-name", "Järjestäjän johtoryhmä")
        dash_duo.find_element("#series-new-save").click()
        dash_duo.wait_for_contains_text("#series-new-status", "luotiin", timeout=WAIT)
        dash_duo.find_element("#series-new-status a").click()

        dash_duo.wait_for_element("#meeting-new-title", timeout=WAIT)
        _set_value(dash_duo, "#meeting-new-title", "Maaliskuun tietokeskustelu")
        _set_value(dash_duo, "#meeting-new-date", date.today().isoformat())
        dash_duo.find_element("#meeting-new-save").click()
        dash_duo.wait_for_contains_text("#meeting-new-status", "luotiin", timeout=WAIT)
        assert _axe_violations(dash_duo) == [], "series page"
        dash_duo.find_element("#meeting-new-status a").click()

        dash_duo.wait_for_element("#agenda-search", timeout=WAIT)
        dash_duo.wait_for_contains_text("#agenda-suggestions", "Hoitovelka kasvoi.", timeout=WAIT)
        _set_value(dash_duo, "#agenda-search", "jonossa")
        until(
            lambda: len(dash_duo.find_elements("#agenda-chart option:not([hidden])")) == 1,
            timeout=WAIT,
            msg="the search never narrowed the charts to one",
        )
        assert Select(dash_duo.find_element("#agenda-chart")).first_selected_option.text == (
            f"{JONOT} – Hoitoonpääsy"
        )
        _set_value(dash_duo, "#agenda-address", "/hoitoonpaasy?from=2024-01&view=jonot:spc")
        dash_duo.find_element("#agenda-add").click()
        dash_duo.wait_for_contains_text("#agenda-status", "lisättiin", timeout=WAIT)
        dash_duo.wait_for_contains_text("#agenda-list", "Onko muutos todellinen?", timeout=WAIT)
        dash_duo.find_element(f"button[aria-label='Lisää asialistalle: {JONOT}']").click()
        until(
            lambda: len(dash_duo.find_elements("#agenda-list li.agenda-item")) == 2,
            timeout=WAIT,
            msg="the suggested item never reached the agenda",
        )
        assert "Yhteensä 20 min" in dash_duo.find_element("#agenda-total").text
        assert _axe_violations(dash_duo) == [], "meeting page"
        assert dash_duo.get_logs() == []

        # Without an identity the same page is read-only: no forms, no buttons.
        configure(replace(get_settings(), demo_user=""))
        dash_duo.wait_for_page(url=dash_duo.driver.current_url)
        dash_duo.wait_for_element(".read-only-notice", timeout=WAIT)
        dash_duo.wait_for_contains_text("#agenda-list", "Yhteensä 20 min", timeout=WAIT)
        assert dash_duo.find_elements("#agenda-add") == []
        assert dash_duo.find_elements("#agenda-list button") == []
        assert _axe_violations(dash_duo) == [], "read-only meeting page"
        assert dash_duo.get_logs() == []
    finally:
        configure(original)


def test_mp038_malformed_callback_bodies_change_nothing(writer):
    """Malformed context or action values answer "not found" and change nothing in the store."""
    _row, january, _march = _series_with_meetings(writer)
    missing = "Tietoa ei löytynyt (se on voitu poistaa)."
    for data in ("garbage", {"id": "x", "version": 1}, None):
        _children, status, context = cb.change_agenda({"type": "agenda-add"}, data, form())
        assert text_of(status) == missing and context is cb.no_update
    for action in (
        {"type": "agenda-move", "item": "x", "offset": -1},
        {"type": "agenda-move", "item": 1, "offset": 5},
        {"type": "agenda-remove", "item": 999},
        {"type": "something-else", "item": 1},
    ):
        _children, status, _context = cb.change_agenda(action, ctx(january), form())
        assert text_of(status) == missing, action
    assert store.get_meeting(january["id"])["version"] == january["version"]
    assert text_of(cb.update_series("garbage", "Nimi", "", "")[0]) == missing
    assert text_of(cb.create_meeting({"id": -3}, "Kokous", "2025-01-01")[0]) == missing


def test_mp039_navigation_links_to_the_meeting_pages(reader):
    """The header links to the meeting pages, marked as the current section there."""
    page = meetings_index.layout()
    links = [c for c in _walk(page) if getattr(c, "href", None) == "/tietokeskustelut"]
    assert [text_of(link) for link in links] == ["Tietokeskustelut"]
    assert links[0].active is True
    assert [getattr(c, "active", None) for c in _walk(page) if getattr(c, "href", "") == "/"] == [
        False
    ]


def test_mp006_item_description_names_the_unit(reporting_db):
    """An item's description names its unit as "municipality – unit" from the unit list."""
    # TA01 is "Alfan terveysasema" of the municipality Alfa in the fixture's unit list
    # (tests/fixtures/common.py); a unit's name is "<municipality> – <unit>".
    item = {"chart_id": "jonot", "query": "from=2024-01&unit=TA01&view=jonot:units"}
    assert describe_item(item, "fi") == (
        "Ajanjakso 1/2024–viimeisin; aikataso kuukausi; yksikkö: Alfa – Alfan terveysasema. "
        "Näkymä: Yksiköittäin"
    )


@pytest.mark.db
def test_mp007_item_description_without_the_unit_list_shows_the_address():
    """Without the unit list an item's description falls back to showing its raw filters."""
    # No reporting DB here (conftest): the unit cannot be named, the address is shown.
    cache.clear()  # no unit list memoized by an earlier test
    item = {"chart_id": "jonot", "query": "unit=TA01"}
    assert describe_item(item, "fi") == "Rajaukset: unit=TA01"


MY_IDS = ("series-", "meeting-", "agenda-")
JUNK = [None, 0, 1, "x", "", [1, "a"], {"id": 1}, {"id": "1", "version": "a", "lang": 5}]


@pytest.mark.parametrize("junk", JUNK, ids=repr)
def test_mp040_callbacks_take_any_values_without_a_server_error(writer, junk):
    """Every input of the meeting callbacks, pressed with junk values in every field,
    through Dash's endpoint: a message or nothing, never a 500."""
    row = store.create_series("Johtoryhmä", "", "", author=writer)
    store.create_meeting(row["id"], "Kokous", "2025-01-10", author=writer)
    client = dash_app.server.test_client()
    client.get("/")  # Dash completes its callback map at the first request
    outputs = [k for k in server_outputs(dash_app) if any(i in k for i in MY_IDS)]
    assert len(outputs) == 7  # the callbacks of callbacks/meetings_agenda.py
    for output in outputs:
        body = callback_body(dash_app, output, values=lambda _e: junk, many=2)
        for entry in body["inputs"]:
            for one in entry if isinstance(entry, list) else [entry]:
                body["changedPropIds"] = [f"{stringify(one['id'])}.{one['property']}"]
                response = client.post("/_dash-update-component", json=body)
                assert response.status_code < 500, (output, one, response.get_data()[:300])
    assert store.get_series(row["id"])["version"] == 1  # no junk version passes the guard


@pytest.mark.parametrize(
    "query",
    [{"vuosi": ["2024", "2025"]}, {"lang": ["sv", "fi"]}, {"lang": 5, "x": "y"}, {"vuosi": "-1"}],
    ids=repr,
)
def test_mp041_page_layouts_take_any_parameters(reader, query):
    """Junk parameters give the page (a repeated ``lang`` counts by its first value)."""
    assert "H1(" in str(meetings_index.layout(**query))
    # meetings.error.not_found in Swedish, else in Finnish
    swedish = query.get("lang") == ["sv", "fi"]
    gone = "Uppgiften hittades inte" if swedish else "Tietoa ei löytynyt"
    for raw in ("abc", "0", "-1", "99999999999999999999", None):
        assert gone in text_of(meetings_series.layout(series_id=raw, **query))
        assert gone in text_of(meetings_meeting.layout(meeting_id=raw, **query))
