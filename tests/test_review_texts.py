"""What a new-user review and an attacker review found in the texts (issue 7 follow-up):
left-out periods under the filters a chart really applies, refused values named, the
languages that are not there yet. Expected texts are written out by hand."""

from __future__ import annotations

import importlib
import io

import pytest
from dash import html

from charts.catalog import CHARTS
from charts.payload import partial_note
from queries.filters import Filters

OVERVIEW = importlib.import_module("dashboards.overview")
ACCESS = importlib.import_module("dashboards.hoitoonpaasy")
EMBED = importlib.import_module("dashboards.embed")


def test_rt001_partial_note_uses_the_filters_the_chart_applies(reporting_db):
    """A yearly chart's left-out note uses year grain and names years cut by months or data."""
    # Omaolo is a yearly figure (min_grain year): asked at month grain from 3/2023 it is
    # shown by years. The data end on 30.4.2024 (foundation fixture). 2023 is cut by the
    # chosen months (starts in March), 2024 by the data (ends in April): both left out,
    # the first although its stored row (1.1.2023) is before the chosen start.
    spec = CHARTS["omaolo-palvelut"]
    note = partial_note(spec, Filters(start="2023-03"), "fi")
    assert note == (
        "Jaksot 2023, 2024 eivät ole mukana, koska tiedot tai valitut kuukaudet kattavat "
        "niistä vain osan."
    )


def test_rt002_data_api_names_the_periods_left_out(client):
    """The data API lists the left-out periods and their sentence, and none for whole periods."""
    body = client.get("/api/charts/omaolo-palvelut/data.json?from=2023-03").get_json()
    # Same two years as above, as ISO starts and as the sentence; no rows remain.
    assert body["left_out"] == ["2023-01-01", "2024-01-01"]
    assert body["left_out_note"].startswith("Jaksot 2023, 2024 eivät ole mukana")
    assert body["rows"] == []
    # A range with whole periods only leaves nothing out: 2023 at year grain, ending
    # in 12/2023, inside the data.
    whole = client.get("/api/charts/omaolo-palvelut/data.json?from=2023-01&to=2023-12")
    assert whole.get_json()["left_out"] == [] and whole.get_json()["left_out_note"] == ""


def test_rt003_page_notices_name_the_refused_value(reporting_db):
    """Page notices quote each refused month, grain, view or reversed range in Finnish."""
    layout = str(ACCESS.layout(**{"from": "2024-13", "grain": "viikko", "view": "jonot:pie"}))
    assert "Alkukuukausi \u201d2024-13\u201d ei ole muotoa VVVV-KK (esim. 2024-01)." in layout
    assert "Aikataso \u201dviikko\u201d ei kelpaa" in layout
    assert "Kuvaajan näkymä (view) \u201djonot:pie\u201d ei kelpaa" in layout
    reversed_ = str(OVERVIEW.layout(**{"from": "2024-05", "to": "2024-02"}))
    assert (
        "Loppukuukausi \u201d2024-02\u201d on ennen alkukuukautta \u201d2024-05\u201d" in reversed_
    )


def test_rt004_swedish_and_english_pages_and_unknown_codes(reporting_db, client):
    """?lang=sv and ?lang=en show the page in that language with no notice; another
    code is refused by name and the page is Finnish; the data API does the same."""
    swedish = str(OVERVIEW.layout(lang="sv"))
    assert "Översikt" in swedish and "url-notice" not in swedish
    english = str(ACCESS.layout(lang="en"))
    assert "Access to care" in english and "url-notice" not in english
    embedded = str(EMBED.layout("jonot", lang="sv"))
    assert "(vårdskuld)" in embedded and "url-notice" not in embedded
    assert "skip-link" not in embedded  # an embed has no header to skip
    assert "Kieli \u201dxx\u201d ei kelpaa; sivu näytetään suomeksi." in str(
        OVERVIEW.layout(lang="xx")
    )
    assert "url-notice" not in str(OVERVIEW.layout(lang="fi"))
    assert client.get("/api/charts?lang=sv").get_json()["notices"] == []
    data = client.get("/api/charts/jonot/data.json?lang=en").get_json()
    assert data["notices"] == []
    refused = client.get("/api/charts?lang=de").get_json()["notices"]
    assert refused == ["Kieli \u201dde\u201d ei kelpaa; sivu näytetään suomeksi."]


def _find(node, component_id):
    """The component with ``component_id`` in a layout tree or a list of them (a
    framed page: ``dashboards._frame``), depth first, or None."""
    if isinstance(node, list | tuple):
        node = html.Div(node)
    if getattr(node, "id", None) == component_id:
        return node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def test_rt005_month_selects_end_at_the_data_last_month(reporting_db):
    """Month selects run to the data's last month, keep a later chosen month and drop junk."""
    from callbacks.filters import month_choices

    # The foundation fixture's data end on 30.4.2024: the selects offer 1/2022 .. 4/2024
    # (28 months: 12 + 12 + 4), and "to" the latest first. (The page layout itself
    # does not read the database; the callback fills the options.)
    start, end = month_choices(None, "2022-01", "latest", None)
    assert [o["value"] for o in start][-1] == "2024-04"
    assert len(start) == 28 and start[-1]["label"] == "4/2024"
    assert [o["value"] for o in end][:2] == ["latest", "2022-01"]
    assert end[-1] == {"label": "4/2024", "value": "2024-04"} and len(end) == 29
    # A month an address chose after the data stays offered (the select shows it);
    # anything that is not a month is not.
    _start, later = month_choices(None, "2022-01", "2025-06", None)
    assert [o["value"] for o in later][-2:] == ["2024-04", "2025-06"]
    assert len(month_choices(None, "<x>", 202401, "junk")[0]) == 28


def test_rt006_overview_area_links_say_where_they_go_and_keep_filters(reporting_db):
    """The overview's area links name their area and keep the current filters."""
    layout = OVERVIEW.layout(**{"from": "2024-01", "unit": "TA01"})
    links = {
        link.children: link.href
        for link in (_find(layout, {"type": "address-link", "target": f"/{slug}"})
                     for slug in ("hoitoonpaasy", "ennaltaehkaisy", "tietopohja", "digipalvelut"))
    }  # fmt: skip
    assert links == {
        "Kaikki hoitoonpääsyn kuvaajat →": "/hoitoonpaasy?from=2024-01&unit=TA01",
        "Kaikki ennaltaehkäisyn kuvaajat →": "/ennaltaehkaisy?from=2024-01&unit=TA01",
        "Kaikki tietopohjan kuvaajat →": "/tietopohja?from=2024-01&unit=TA01",
        "Kaikki digipalvelujen kuvaajat →": "/digipalvelut?from=2024-01&unit=TA01",
    }


def _walk(node):
    if isinstance(node, list | tuple):  # a framed page
        node = html.Div(node)
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


def test_rt007_embed_links_to_the_full_view_of_the_same_chart(reporting_db):
    """An embed links to its chart's card on its page in a new tab, keeping filters and view."""
    layout = EMBED.layout(
        "jonot", **{"from": "2024-01", "grain": "quarter", "view": "jonot:units", "embed": "1"}
    )
    (link,) = [n for n in _walk(layout) if "embed-full-view" in (getattr(n, "className", "") or "")]
    # The queue chart lives on /hoitoonpaasy; the link keeps the filters and the card's
    # view, drops the embed flag (the full view has its navigation) and opens the card.
    assert link.children == "Avaa kuvaaja koko näkymässä"
    assert link.href == "/hoitoonpaasy?from=2024-01&grain=quarter&view=jonot:units#card-jonot"
    assert link.target == "_blank"


def test_rt008_unknown_paths_404_and_wrong_methods_405_in_finnish(client):
    """Unknown paths answer 404 and wrong methods 405 with Allow, in Finnish, escaped."""
    # Pages: an unknown path, a path below a page, an embed of an unknown chart and Dash
    # Pages' own 404 page address are 404 (no page with status 200), in Finnish.
    for path in ("/ei-ole", "/hoitoonpaasy/extra", "/embed/ei-ole", "/not-found-404"):
        response = client.get(path)
        assert response.status_code == 404, path
        body = response.data.decode()
        assert '<html lang="fi">' in body and "<h1>Sivua ei löytynyt</h1>" in body, path
        assert (
            f"Pyyntöä ei palveltu, koska osoitteessa \u201d{path}\u201d ei ole sivua eikä "
            "tiedostoa." in body
        ), path
    # Markup in a path is text, not markup.
    assert "&lt;b&gt;" in client.get("/<b>x</b>").data.decode()
    # Real pages still answer 200.
    for path in ("/", "/hoitoonpaasy?from=2024-01", "/embed/jonot"):
        assert client.get(path).status_code == 200, path
    # API and assets: 404 as JSON under /api/, as the Finnish page for assets.
    missing = client.get("/api/ei-ole")
    assert missing.status_code == 404
    assert missing.get_json() == {
        "error": "Pyyntöä ei palveltu, koska osoitteessa \u201d/api/ei-ole\u201d ei ole sivua "
        "eikä tiedostoa."
    }
    assert client.get("/assets/ei-ole.css").status_code == 404
    # Wrong methods: 405 with Allow, for a page, the API and an asset.
    page = client.post("/hoitoonpaasy")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
    assert (
        "Pyyntöä ei palveltu, koska menetelmä \u201dPOST\u201d ei ole sallittu osoitteessa "
        "\u201d/hoitoonpaasy\u201d (sallitut: GET)." in page.data.decode()
    )
    api = client.delete("/api/charts/jonot/data.json")
    assert api.status_code == 405
    assert api.get_json() == {
        "error": "Pyyntöä ei palveltu, koska menetelmä \u201dDELETE\u201d ei ole sallittu "
        "osoitteessa \u201d/api/charts/jonot/data.json\u201d (sallitut: GET)."
    }
    assert client.post("/assets/10-style.css").status_code == 405


def test_rt009_service_names_not_keys_in_api_and_files(client):
    """The API and the Excel metadata show service names beside the machine keys."""
    query = "from=2024-01&to=2024-03&service=oral_health"
    body = client.get("/api/charts/jonot/data.json?" + query).get_json()
    # The key stays the machine value; the name is what people read.
    assert body["filters"]["service"] == "oral_health"
    assert body["filters"]["service_name"] == "Suun terveydenhuolto"
    assert client.get("/api/charts").get_json()["services"] == {
        "oral_health": "Suun terveydenhuolto",
        "mental_health": "Mielenterveyspalvelut",
        "substance_abuse": "Päihdepalvelut",
        "family_centre": "Perhekeskus",
        "primary_care": "Terveysaseman vastaanotto",
    }
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/api/charts/jonot/data.xlsx?" + query).data))
    meta = {row[0].value: row[1].value for row in book["Metatiedot"].iter_rows()}
    assert meta["Rajaukset"].endswith("palvelut: Suun terveydenhuolto")


WHOLE_PERIODS = (
    "Kuvaaja näyttää vain kokonaiset jaksot: jakso, jonka tiedot tai valitut kuukaudet "
    "kattavat vain osittain"
)
YEARLY = (
    "Luku ilmoitetaan vuosittain, joten kuvaaja näyttää sen vuosittain myös kuukausi- ja "
    "neljännestasolla (vuoden lukua ei jaeta jaksoille)."
)


@pytest.mark.unit
def test_rt010_queue_definition_names_the_deadlines_as_the_query_applies_them(monkeypatch):
    """The queue definition lists services per deadline from the query's mapping."""
    from charts.catalog import CHARTS
    from queries.queues import ORAL_HEALTH_DEADLINE, SERVICE_DEADLINES

    text = CHARTS["jonot"].definition("fi")
    # queries.queues: oral health by its own deadline, the four others by primary care.
    assert (
        "Suun terveydenhuollon määräaikoja sovelletaan jonoihin: suun terveydenhuolto; "
        "perusterveydenhuollon määräaikoja jonoihin: mielenterveyspalvelut, päihdepalvelut, "
        "perhekeskus, terveysaseman vastaanotto (terveydenhuoltolaki 51 §)." in text
    )
    # The old text measured a period in progress at the last data day; the chart now
    # leaves it out (charts.payload.load_complete), and the text says so.
    assert "viimeiseltä tietopäivältä" not in text and WHOLE_PERIODS in text
    # The text follows the query's mapping, not a copy of it.
    monkeypatch.setitem(SERVICE_DEADLINES, "mental_health", ORAL_HEALTH_DEADLINE)
    assert (
        "jonoihin: suun terveydenhuolto, mielenterveyspalvelut; perusterveydenhuollon "
        "määräaikoja jonoihin: päihdepalvelut, perhekeskus, terveysaseman vastaanotto"
        in CHARTS["jonot"].definition("fi")
    )


@pytest.mark.unit
def test_rt011_grain_and_whole_period_sentences_come_from_the_spec():
    """Every definition's grain and whole-period sentences follow the chart's spec."""
    from dataclasses import replace

    for spec in CHARTS.values():
        text = spec.definition("fi")
        # Every chart shows whole periods only; the protection sentence follows.
        assert text.endswith(
            "jätetään pois, ja kuvaajan alla kerrotaan mikä. " + spec.protection("fi")
        ), spec.id
        assert (YEARLY in text) == (spec.min_grain == "year"), spec.id
        # The stale rule of yearly figures ("shown at the first month of the year,
        # included when the range starts by January") is gone.
        assert "alkaa viimeistään tammikuussa" not in text, spec.id
        assert "ensimmäisellä jaksolla" not in text, spec.id
    quarterly = replace(CHARTS["omaolo-palvelut"], min_grain="quarter").definition("fi")
    assert YEARLY not in quarterly and (
        "Luku ilmoitetaan neljännesvuosittain, joten kuvaaja näyttää sen neljännesvuosittain "
        "myös kuukausitasolla." in quarterly
    )


def test_rt012_omaolo_behaves_as_its_definition_says(reporting_db):
    """Omaolo is shown by years at month grain and a year cut by the range is left out."""
    from charts.payload import chart_payload

    # Foundation fixture: Omaolo 2023 is 30 services. Asked by months it is shown by
    # years (label "2023", not "1/2023"); a range cut inside 2023 leaves 2023 out.
    year = chart_payload("omaolo-palvelut", Filters(start="2023-01", end="2023-12"), "fi")
    assert year["table"]["rows"] == [["2023", "30"]]
    cut = chart_payload("omaolo-palvelut", Filters(start="2023-02", end="2023-12"), "fi")
    assert cut["empty"] and cut["partial_note"] == (
        "Jakso 2023 ei ole mukana, koska tiedot tai valitut kuukaudet kattavat siitä vain osan."
    )
