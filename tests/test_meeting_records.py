"""Recording an agenda item (observations, decisions and actions, information needs)
and the information-need backlog: layouts and callbacks called directly, on SQLite and
PostgreSQL (``app_db``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from dash import html, no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from app import app as dash_app
from callbacks.meeting_records import (
    add_decision,
    add_need,
    read_item_store,
    save_need,
    save_observations,
    set_decision_status,
)
from dashboards import _records as records
from dashboards import meetings_item, meetings_needs
from dashboards._needs import NEED_IDS
from meetings import store
from settings import configure, get_settings

WRITER = "Analyytikko A"
OTHER = "Johtaja B"


def _walk(component) -> Iterator:
    """Every component and string in a Dash tree (lists and children followed)."""
    if isinstance(component, list | tuple):
        for child in component:
            yield from _walk(child)
        return
    yield component
    children = getattr(component, "children", None)
    if children is not None and not isinstance(component, str):
        yield from _walk(children)


def text_of(tree) -> str:
    """The texts of a Dash tree joined by spaces."""
    return " ".join(str(part) for part in _walk(tree) if isinstance(part, str | int))


def ids_in(tree) -> list:
    """The ids of the components of a Dash tree."""
    return [getattr(c, "id", None) for c in _walk(tree) if getattr(c, "id", None) is not None]


def component(tree, component_id):
    (found,) = [c for c in _walk(tree) if getattr(c, "id", None) == component_id]
    return found


@pytest.fixture
def as_user(app_db) -> Iterator:
    """Run as ``user`` (``TK_DEMO_USER``; None: no identity) inside a request."""
    original = get_settings()

    def use(user: str | None) -> None:
        configure(replace(original, demo_user=user or ""))

    use(WRITER)
    with dash_app.server.test_request_context("/"):
        yield use
    configure(original)


@pytest.fixture
def meeting(as_user) -> dict:
    """A series with a meeting on 5.3.2026 whose agenda has two charts: 1 jonot (from
    2024-01), 2 digiasiointi-osuus."""
    series = store.create_series("Järjestäjän johtoryhmä", author=WRITER)
    found = store.create_meeting(
        series["id"], "Maaliskuun tietokeskustelu", "2026-03-05", author=WRITER
    )
    first = store.add_item(found["id"], 1, "jonot", "from=2024-01", author=WRITER)
    second = store.add_item(found["id"], 2, "digiasiointi-osuus", "", author=WRITER)
    return {"series": series, "meeting": found, "first": first, "second": second}


def _store_data(item: dict) -> dict:
    return {"item": item["id"], "lang": "fi"}


def _page(meeting: dict, n: int):
    return meetings_item.layout(meeting_id=str(meeting["meeting"]["id"]), n=str(n))


def test_r001_item_page_shows_heading_navigation_card_and_forms(meeting):
    """The item page shows its heading, item links, the chart card in its filters and the forms."""
    page = _page(meeting, 1)
    text = text_of(page)
    assert "Maaliskuun tietokeskustelu 5.3.2026" in text
    assert "Kohta 1/2: Jonossa olevat ja määräajan ylittäneet (hoitovelka) jakson lopussa" in text
    links = {c.children: c.href for c in _walk(page) if type(c).__name__ == "A"}
    meeting_id = meeting["meeting"]["id"]
    assert links["Seuraava kohta"] == f"/tietokeskustelut/{meeting_id}/kohta/2"
    assert links["Takaisin kokoukseen"] == f"/tietokeskustelut/{meeting_id}"
    assert "Edellinen kohta" not in links
    assert links["Kuvaaja aihealueen sivulla"] == "/hoitoonpaasy?from=2024-01#card-jonot"
    # The chart's card, in the item's filters.
    request = component(page, {"type": "chart-request", "chart": "jonot"})
    assert request.data["filters"] == {"from": "2024-01"}
    # The forms, each with the no-personal-data reminder; the version kept.
    assert component(page, records.OBS_VERSION).data == 1
    for form_id in (records.OBS_TEXT, records.DECISION_ADD, records.NEED_ADD):
        assert form_id in ids_in(page)
    assert text.count("Älä kirjoita henkilötietoja") == 3
    assert "Et ole kirjautunut" not in text
    second = text_of(_page(meeting, 2))
    assert (
        "Kohta 2/2: Etäasioinnin osuus asiakaskontakteista" in second
        and "Edellinen kohta" in second
        and "Seuraava kohta" not in second
    )


def test_r002_addresses_of_items_that_do_not_exist_are_no_page(meeting):
    """Item addresses with a missing meeting or item number, or a malformed one, are no page."""
    meeting_id = str(meeting["meeting"]["id"])
    assert meetings_item.path_ok(meeting_id, "1") and meetings_item.path_ok(meeting_id, "2")
    for bad in [
        (meeting_id, "3"),
        (meeting_id, "0"),
        ("abc", "1"),
        (meeting_id, "1x"),
        ("999", "1"),
        ("99999999999", "1"),
        (meeting_id, "1" * 40),
        (meeting_id, "²"),
    ]:
        assert not meetings_item.path_ok(*bad), bad


def test_r003_observation_saved_and_kept(meeting):
    """A saved observation bumps the version, records the author and reappears on the page."""
    item = meeting["first"]
    result, version = save_observations(1, "Jonot kasvoivat syksyllä.", 1, _store_data(item))
    assert text_of(result) == "Havainnot tallennettu."
    assert version == 2
    saved = store.get_item(item["id"])
    assert saved["observations"] == "Jonot kasvoivat syksyllä." and saved["updated_by"] == WRITER
    page = _page(meeting, 1)
    assert component(page, records.OBS_TEXT).value == "Jonot kasvoivat syksyllä."
    assert component(page, records.OBS_VERSION).data == 2


def test_r004_stale_observation_refused_with_the_other_version_shown(meeting, as_user):
    """A stale observation save is refused, showing the other text; the user's text stays."""
    item = meeting["first"]
    # Two people opened the item at version 1. Johtaja B saves first.
    as_user(OTHER)
    save_observations(1, "Syksyn kasvu johtuu lääkäripulasta.", 1, _store_data(item))
    as_user(WRITER)
    result, version = save_observations(
        1, "Kasvu on tavallista kausivaihtelua.", 1, _store_data(item)
    )
    text = text_of(result)
    assert text.startswith("Tallennus peruttiin: Johtaja B muutti tätä ")
    assert "Syksyn kasvu johtuu lääkäripulasta." in text
    assert "Oma tekstisi on yhä kentässä." in text
    # The field is no output: the user's text stays; the next save starts at version 2.
    assert version == 2
    assert store.get_item(item["id"])["observations"] == "Syksyn kasvu johtuu lääkäripulasta."
    assert store.get_item(item["id"])["version"] == 2


def _form(**fields) -> list:
    values = {
        "kind": "action",
        "title": "",
        "details": "",
        "owner": "",
        "due_date": "",
        "effect_direction": records.NO_EFFECT,
        "effect_by": "",
    } | fields
    return [values[name] for name in records.DECISION_FIELDS]


def test_r005_action_with_owner_due_date_and_expected_effect(meeting):
    """An action is stored with owner, due date and expected effect and listed in Finnish."""
    item = meeting["first"]
    form = _form(
        title="Iltavastaanotot kahdelle asemalle",
        details="Kokeilu huhti–syyskuu.",
        owner="Palvelualuejohtaja",
        due_date="2026-04-30",
        effect_direction="down",
        effect_by="2026-09-30",
    )
    result, listed, *fields = add_decision(1, *form, _store_data(item))
    assert text_of(result) == "Kirjattu: Iltavastaanotot kahdelle asemalle."
    assert fields == ["", "", "", "", records.NO_EFFECT, ""]
    shown = text_of(listed)
    assert "Toimenpide:  Iltavastaanotot kahdelle asemalle" in shown
    assert (
        "Kirjattu 5.3.2026 · Vastuu: Palvelualuejohtaja · Määräpäivä 30.4.2026 · Tila: avoin"
        in shown
    )
    assert "Odotettu vaikutus indikaattoriin: laskee 30.9.2026 mennessä" in shown
    (row,) = store.item_records(item["id"])["decisions"]
    assert (row["kind"], row["owner"], row["due_date"], row["effect_direction"]) == (
        "action",
        "Palvelualuejohtaja",
        date(2026, 4, 30),
        "down",
    )
    assert row["decided_on"] == date(2026, 3, 5) and row["chart_id"] == "jonot"


def test_r006_decision_without_owner_and_effect(meeting):
    """A decision is stored without owner, due date or expected effect."""
    item = meeting["first"]
    add_decision(
        1, *_form(kind="decision", title="Jonot seurantaan kuukausittain"), _store_data(item)
    )
    (row,) = store.item_records(item["id"])["decisions"]
    assert (row["kind"], row["owner"], row["due_date"], row["effect_direction"]) == (
        "decision",
        "",
        None,
        "",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"title": "Iltavastaanotot", "owner": "Palvelualuejohtaja", "due_date": "31/4/2026"},
            "Kentän ”Määräpäivä” päivämäärä ”31/4/2026” ei kelpaa. Anna päivämäärä muodossa "
            "pp.kk.vvvv (esimerkiksi 31.1.2025) vuosilta 2000–2100.",
        ),
        (
            {"title": "Iltavastaanotot", "owner": "Palvelualuejohtaja", "due_date": "2026-02-30"},
            "Kentän ”Määräpäivä” päivämäärä ”2026-02-30” ei kelpaa. Anna päivämäärä muodossa "
            "pp.kk.vvvv (esimerkiksi 31.1.2025) vuosilta 2000–2100.",
        ),
        (
            {"title": "Iltavastaanotot", "owner": "  ", "due_date": "2026-04-30"},
            "Kenttä ”Vastuuhenkilö” on pakollinen.",
        ),
        (
            {"title": "", "owner": "Palvelualuejohtaja", "due_date": "2026-04-30"},
            "Kenttä ”Lyhyt otsikko” on pakollinen.",
        ),
        (
            {"title": "x" * 121, "owner": "Palvelualuejohtaja", "due_date": "2026-04-30"},
            "Kentässä ”Lyhyt otsikko” voi olla enintään 120 merkkiä.",
        ),
        (
            {"kind": "päätös", "title": "Iltavastaanotot"},
            "Kentän ”Laji” arvo ”päätös” ei ole mikään vaihtoehdoista.",
        ),
        (
            {"kind": "decision", "title": "Iltavastaanotot", "effect_direction": ["up"]},
            "Kentän ”Odotettu vaikutus” arvo ”['up']” ei ole mikään vaihtoehdoista.",
        ),
    ],
)
def test_r007_bad_decision_refused_naming_the_field_nothing_written(meeting, fields, message):
    """A bad decision field is refused with a message naming the field; nothing is written."""
    item = meeting["first"]
    result, listed, *kept = add_decision(1, *_form(**fields), _store_data(item))
    assert text_of(result) == message
    assert listed is no_update and kept == [no_update] * 6
    assert store.item_records(item["id"])["decisions"] == []


def _click(button_id: dict) -> None:
    """The callback context of a click on ``button_id`` (as Dash's renderer sends it)."""
    import json

    prop = json.dumps(button_id, sort_keys=True, separators=(",", ":")) + ".n_clicks"
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))


def test_r008_action_marked_done_then_a_stale_button_refused(meeting):
    """Marking an action done works; stale, forged-status or unknown-decision clicks are refused."""
    item = meeting["first"]
    add_decision(
        1,
        *_form(title="Iltavastaanotot", owner="Palvelualuejohtaja", due_date="2026-04-30"),
        _store_data(item),
    )
    (row,) = store.item_records(item["id"])["decisions"]
    buttons = [
        c.id
        for c in _walk(_page(meeting, 1))
        if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == records.DECISION_SET
    ]
    assert sorted(b["status"] for b in buttons) == ["cancelled", "done"]
    done = {"type": records.DECISION_SET, "decision": row["id"], "status": "done", "version": 1}
    _click(done)
    result, listed = set_decision_status([1, None], _store_data(item))
    assert text_of(result) == "Tila päivitetty: Iltavastaanotot – tehty."
    assert "Tila: tehty" in text_of(listed) and "Avaa uudelleen" in text_of(listed)
    # The cancel button drawn for version 1 is now stale: refused, nothing changed.
    _click(done | {"status": "cancelled"})
    result, _listed = set_decision_status([None, 1], _store_data(item))
    assert text_of(result).startswith("Tallennus peruttiin: Analyytikko A muutti tätä ")
    assert store.item_records(item["id"])["decisions"][0]["status"] == "done"
    # A forged button: an unknown status, a decision that does not exist.
    _click(done | {"status": "poistettu", "version": 2})
    result, _listed = set_decision_status([1], _store_data(item))
    assert text_of(result) == "Kentän ”Tila” arvo ”poistettu” ei ole mikään vaihtoehdoista."
    _click(done | {"decision": 9999, "status": "open"})
    result, _listed = set_decision_status([1], _store_data(item))
    assert text_of(result) == (
        "Tallennus peruttiin: joku on poistanut tämän sen jälkeen, kun avasit sen."
    )
    assert store.item_records(item["id"])["decisions"][0]["version"] == 2


def test_r009_overdue_action_flagged_in_text(meeting):
    """An open action is flagged overdue in text from the day after its due date."""
    item = meeting["first"]
    add_decision(
        1,
        *_form(title="Raportti valmiiksi", owner="Analyytikko", due_date="2026-03-31"),
        _store_data(item),
    )
    (row,) = store.item_records(item["id"])["decisions"]
    # Open and due 31.3.2026: overdue on 1.4.2026, not on 31.3.2026.
    late = text_of(records.decision_facts(row, "fi", today=date(2026, 4, 1)))
    assert "Myöhässä: määräpäivä 31.3.2026 on ohitettu." in late
    assert "Myöhässä" not in text_of(records.decision_facts(row, "fi", today=date(2026, 3, 31)))


def test_r010_information_need_recorded_and_in_the_backlog(meeting):
    """An information need is stored and linked from the backlog; an empty one is refused."""
    item = meeting["second"]
    result, listed, field = add_need(1, "Sähköinen asiointi ikäryhmittäin", _store_data(item))
    assert text_of(result) == "Tietotarve lisätty työjonoon."
    assert field == ""
    assert "Sähköinen asiointi ikäryhmittäin Tila: uusi" in text_of(listed)
    (need,) = store.list_needs()
    assert (need["text"], need["status"], need["item_number"], need["created_by"]) == (
        "Sähköinen asiointi ikäryhmittäin",
        "new",
        2,
        WRITER,
    )
    backlog = meetings_needs.layout()
    links = {c.children: c.href for c in _walk(backlog) if type(c).__name__ == "A"}
    meeting_id = meeting["meeting"]["id"]
    assert links["Maaliskuun tietokeskustelu"] == f"/tietokeskustelut/{meeting_id}"
    assert f"/tietokeskustelut/{meeting_id}/kohta/2" in links.values()
    # Empty text: refused, nothing written, the field kept.
    result, listed, field = add_need(1, "   ", _store_data(item))
    assert text_of(result) == "Kenttä ”Tietotarve” on pakollinen."
    assert (listed, field) == (no_update, no_update)
    assert len(store.list_needs()) == 1


def test_r011_read_only_without_identity(meeting, as_user):
    """Without an identity the item page has no forms and a forged save writes nothing."""
    item = meeting["first"]
    store.add_need(item["id"], "Jonot viikoittain", author=WRITER)
    as_user(None)
    page = _page(meeting, 1)
    text = text_of(page)
    assert "Et ole kirjautunut, joten voit vain lukea." in text
    present = ids_in(page)
    for form_id in (records.OBS_TEXT, records.OBS_SAVE, records.DECISION_ADD, records.NEED_ADD):
        assert form_id not in present
    assert "Havaintoja ei ole kirjattu." in text and "Jonot viikoittain" in text
    backlog = meetings_needs.layout()
    assert "Et ole kirjautunut" in text_of(backlog)
    assert not [i for i in ids_in(backlog) if isinstance(i, dict) and i["type"] == NEED_IDS["save"]]
    # A forged request writes nothing either.
    result, version = save_observations(1, "Kirjoitan silti", 1, _store_data(item))
    assert text_of(result).startswith("Et ole kirjautunut")
    assert version is no_update
    assert store.get_item(item["id"])["observations"] == ""


def test_r012_forged_item_store_and_versions_refused(meeting):
    """Forged item ids and versions are refused; a foreign whole version is a save conflict."""
    forged = [None, {"item": "1"}, {"item": True}, {"item": -4}, {"item": 9999}, "x"]
    for data in [*forged, {"item": 2**31}, {"item": 10**40}]:
        result, version = save_observations(1, "Teksti", 1, data)
        assert text_of(result) == "Tietoa ei löytynyt (se on voitu poistaa).", data
    item = meeting["first"]
    # A version no page drew is a bad request; a whole number that is not the row's
    # version is somebody else's save (a conflict, with the saved version shown).
    for version in ["x", None, [1], True, float("inf"), 10**30, -1, 3.5]:
        result, new_version = save_observations(1, "Teksti", version, _store_data(item))
        assert text_of(result) == (
            "Pyyntöä ei voitu käsitellä: sivun tiedot olivat virheelliset. Mitään ei "
            "tallennettu; lataa sivu uudelleen."
        ), version
        assert new_version is no_update  # the page keeps the version it drew
    result, new_version = save_observations(1, "Teksti", 99, _store_data(item))
    assert text_of(result).startswith("Tallennus peruttiin: Analyytikko A muutti tätä ")
    assert new_version == 1
    assert store.get_item(item["id"])["observations"] == ""


def _needs_of(backlog) -> list[str]:
    return [
        c.children
        for c in _walk(backlog)
        if getattr(c, "className", "") == "mb-1"
        and isinstance(c.children, str)
        and c.children.startswith("Tarve")
    ]


def test_r013_backlog_filter_and_status_update(meeting):
    """The backlog lists needs newest first, filters by status and takes a status update."""
    first, second = meeting["first"], meeting["second"]
    old = store.add_need(first["id"], "Tarve 1: jonot viikoittain", author=WRITER)
    new = store.add_need(second["id"], "Tarve 2: asiointi ikäryhmittäin", author=WRITER)
    # Newest first.
    assert _needs_of(meetings_needs.layout()) == [
        "Tarve 2: asiointi ikäryhmittäin",
        "Tarve 1: jonot viikoittain",
    ]
    result, version, meta = save_need(
        1, "in_progress", "Tulossa huhtikuussa.", {"need": old["id"], "version": 1}, "fi"
    )
    assert text_of(result) == "Tallennettu."
    assert version == {"need": old["id"], "version": 2}
    assert meta.startswith("Viimeksi muuttanut Analyytikko A ")
    assert _needs_of(meetings_needs.layout(tila="in_progress")) == ["Tarve 1: jonot viikoittain"]
    assert _needs_of(meetings_needs.layout(tila="new")) == ["Tarve 2: asiointi ikäryhmittäin"]
    assert "Ei tietotarpeita tilassa ”valmis”." in text_of(meetings_needs.layout(tila="done"))
    # A bad filter: a notice naming it, and all needs.
    bad = meetings_needs.layout(tila="valmis")
    assert "Tilaa ”valmis” ei ole, joten näytetään kaikki tietotarpeet." in text_of(bad)
    assert len(_needs_of(bad)) == 2
    assert new["status"] == "new"


def test_r014_stale_need_update_refused_with_the_other_version(meeting, as_user):
    """A stale need update is refused showing the saved version; forged bodies are refused."""
    need = store.add_need(meeting["first"]["id"], "Tarve: jonot viikoittain", author=WRITER)
    as_user(OTHER)
    save_need(1, "declined", "Tieto ei ole saatavilla.", {"need": need["id"], "version": 1}, "fi")
    as_user(WRITER)
    result, version, meta = save_need(
        1, "done", "Valmis raportti.", {"need": need["id"], "version": 1}, "fi"
    )
    text = text_of(result)
    assert text.startswith("Tallennus peruttiin: Johtaja B muutti tätä ")
    assert "Tallennettu versio: tila ”hylätty”, vastaus: Tieto ei ole saatavilla." in text
    assert version == {"need": need["id"], "version": 2}
    assert meta.startswith("Viimeksi muuttanut Johtaja B ")
    (row,) = store.list_needs()
    assert (row["status"], row["response"], row["version"]) == (
        "declined",
        "Tieto ei ole saatavilla.",
        2,
    )
    # Forged bodies: no need id, a bad status.
    result, *_ = save_need(1, "done", "", {"need": "1"}, "fi")
    assert text_of(result) == "Tietoa ei löytynyt (se on voitu poistaa)."
    result, *_ = save_need(1, "valmis", "", {"need": need["id"], "version": 2}, "fi")
    assert text_of(result) == "Kentän ”Tila” arvo ”valmis” ei ole mikään vaihtoehdoista."


def test_r015_earlier_decisions_on_the_chart_from_other_meetings(meeting):
    """The item lists earlier decisions on the same chart, not this meeting's or other charts'."""
    earlier = store.create_meeting(
        meeting["series"]["id"], "Helmikuun tietokeskustelu", "2026-02-05", author=WRITER
    )
    old_item = store.add_item(earlier["id"], 1, "jonot", "", author=WRITER)
    store.add_decision(old_item["id"], kind="decision", title="Jonoja seurataan", author=WRITER)
    other_chart = store.add_item(earlier["id"], 2, "digiasiointi-osuus", "", author=WRITER)
    store.add_decision(other_chart["id"], kind="decision", title="Ei tätä", author=WRITER)
    store.add_decision(
        meeting["first"]["id"], kind="decision", title="Tämän kokouksen", author=WRITER
    )
    page = _page(meeting, 1)
    (section,) = [
        c for c in _walk(page) if getattr(c, "aria-labelledby", None) == "records-earlier"
    ]
    shown = text_of(section)
    assert "Päätös:  Jonoja seurataan" in shown and "Kirjattu 5.2.2026" in shown
    assert "Ei tätä" not in shown and "Tämän kokouksen" not in shown


def test_r016_http_unknown_items_answer_404(meeting):
    """Over HTTP existing item pages answer 200 and unknown or malformed items 404."""
    client = dash_app.server.test_client()
    meeting_id = meeting["meeting"]["id"]
    assert client.get(f"/tietokeskustelut/{meeting_id}/kohta/2").status_code == 200
    assert client.get("/tietokeskustelut/tietotarpeet?tila=x").status_code == 200
    for path in [
        f"/tietokeskustelut/{meeting_id}/kohta/3",
        f"/tietokeskustelut/{meeting_id}/kohta/-1",
        "/tietokeskustelut/999/kohta/1",
        "/tietokeskustelut/x/kohta/1",
    ]:
        assert client.get(path).status_code == 404, path


def test_r017_app_database_down_says_so_and_writes_nothing(meeting, as_user):
    """With the app DB down the pages and saves say so first, and nothing is written."""
    item = meeting["first"]
    settings = get_settings()
    # Nothing listens on port 1: every connection is refused.
    configure(replace(settings, app_db_url="postgresql+psycopg://postgres@127.0.0.1:1/none"))
    try:
        down = "Tietokeskustelujen tietokantaan ei saatu yhteyttä."
        assert meetings_item.path_ok("1", "1")  # the page answers and says why
        # The page's own content (inside its frame's <main>) starts with the notice.
        for page in (meetings_item.layout(meeting_id="1", n="1"), meetings_needs.layout()):
            assert text_of(component(page, "main")).startswith(down)
        result, version = save_observations(1, "Teksti", 1, _store_data(item))
        assert text_of(result).startswith(down) and version is no_update
        result, *_ = add_need(1, "Tarve", _store_data(item))
        assert text_of(result).startswith(down)
    finally:
        configure(settings)
    assert store.get_item(item["id"])["observations"] == "" and store.list_needs() == []


ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def _answer(callback, *args) -> None:
    """Call a callback; it answers, or declines to (``PreventUpdate``), never raises
    anything else."""
    with contextlib.suppress(PreventUpdate):
        callback(*args)


@fuzz_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ANY, min_size=12, max_size=12), st.sampled_from(["item", "need", "button"]))
def test_r018_any_callback_values_from_a_writer_are_refused_or_saved_never_raised(
    meeting, values, which
):
    """With an identity, arbitrary values reach the store: each callback answers a
    message (or nothing), never an exception."""
    item = meeting["first"]
    if which == "item":
        for data in (values[3], _store_data(item)):
            _answer(save_observations, values[0] or 1, values[1], values[2], data)
            _answer(add_decision, values[0] or 1, *values[4:11], data)
            _answer(add_need, values[0] or 1, values[1], data)
    elif which == "need":
        need = store.add_need(item["id"], "Tarve", author=WRITER)
        _answer(
            save_need,
            values[0] or 1,
            values[1],
            values[2],
            {"need": need["id"], "version": values[3]},
            values[4],
        )
        _answer(save_need, values[0] or 1, values[1], values[2], values[5], values[6])
    else:
        _click(
            {
                "type": records.DECISION_SET,
                "decision": values[0],
                "status": values[1],
                "version": values[2],
            }
        )
        _answer(set_decision_status, [1], values[3])


def test_r040_pages_and_callbacks_without_a_language_use_the_configured_default(meeting):
    """With ``TK_LANGUAGE=sv``, a meeting page or callback that gets no usable ``lang``
    is Swedish, and a link to a Finnish item's chart page says ``lang=fi``."""
    from callbacks.chart_cards import read_request
    from callbacks.meetings_agenda import _lang

    original = get_settings()
    configure(replace(original, language="sv"))
    try:
        # The sv catalog's texts: meetings.records.chart_page and meetings.needs.title.
        assert "Diagrammet på temaområdets sida" in text_of(_page(meeting, 1))
        assert "Informationsbehov" in text_of(meetings_needs.layout())
        assert read_item_store({"item": 1}) == (1, "sv")
        assert read_item_store({"item": 1, "lang": "xx"}) == (1, "sv")
        assert _lang({}) == "sv" and _lang({"lang": 5}) == "sv"
        assert read_request({"chart": "jonot"})[2] == "sv"
        # A Finnish page under a Swedish default names its language in the chart link.
        finnish = meetings_item.layout(meeting_id=str(meeting["meeting"]["id"]), n="1", lang="fi")
        links = [c.href for c in html.Div(finnish)._traverse() if isinstance(c, html.A)]
        assert "/hoitoonpaasy?from=2024-01&lang=fi#card-jonot" in links
    finally:
        configure(original)
