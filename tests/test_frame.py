"""The page frame and the page's language (``dashboards._frame``, ``charts.address``):
one language decides the frame, the content, the document title and ``<html lang>``,
whatever the address or the default language; forged request stores are refused."""

from __future__ import annotations

import importlib
import json
from dataclasses import replace

import pytest
from dash import html

from app import app as dash_app
from bench.present import router_body
from charts.address import Address, page_language
from dashboards._frame import STATEMENT_PATH
from settings import configure, get_settings
from tests.callback_bodies import callback_body

OVERVIEW = importlib.import_module("dashboards.overview")
STATEMENT = importlib.import_module("dashboards.accessibility_statement")
DEFINITION = '{"chart":["MATCH"],"type":"definition"}.children'


@pytest.fixture
def swedish_default():
    """``TK_LANGUAGE=sv`` for one test."""
    original = get_settings()
    configure(replace(original, language="sv"))
    yield
    configure(original)


def _h1(page) -> str:
    (heading,) = [c for c in html.Div(page)._traverse() if isinstance(c, html.H1)]
    return heading.children


@pytest.mark.unit
def test_f001_a_language_that_is_not_ours_means_the_default_one(swedish_default):
    """With Swedish as the default, a missing, unknown or wrongly written ``lang`` is
    Swedish, not Finnish, in the address, the frame and the content alike."""
    assert [page_language(raw) for raw in (None, "xx", "SV", "", 5, ["fi"])] == ["sv"] * 6
    assert page_language("fi") == "fi" and page_language("en") == "en"
    assert Address.from_query({}).__getitem__(0).language == "sv"
    assert Address.from_query({"lang": ["fi"]})[0].search() == "?lang=fi"
    overview = OVERVIEW.layout()
    assert _h1(overview) == "Översikt"  # the content (sv catalog: area.overview.title)
    assert "Hoppa till innehållet" in str(overview)  # and the frame
    hrefs = [getattr(c, "href", None) for c in html.Div(overview)._traverse()]
    inside = [h for h in hrefs if isinstance(h, str) and h.startswith("/")]
    assert inside and not [h for h in inside if "lang=" in h]  # none switches to Finnish
    assert _h1(STATEMENT.layout()) == "Tillgänglighetsutlåtande"


@pytest.mark.parametrize(
    ("search", "lang", "title"),
    [
        ("?lang=sv", "sv", "Datadiskussioner – Tillgänglighetsutlåtande"),
        ("??lang=sv", "fi", "Tietokeskustelut – Saavutettavuusseloste"),
        ("lang=sv", "fi", "Tietokeskustelut – Saavutettavuusseloste"),
        ("?lang=en&lang=sv", "en", "Data discussions – Accessibility statement"),
    ],
)
def test_f002_the_title_reads_the_address_as_the_router_does(client, search, lang, title):
    """One router answer: the frame's language and the document title agree, however
    odd the query string (Dash Pages reads it only after one leading "?")."""
    body = router_body(STATEMENT_PATH, None)
    body["inputs"][1]["value"] = search
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    frame = json.dumps(answer["_pages_content"], ensure_ascii=False)
    assert f'"id": "data-notice", "lang": "{lang}"' in frame
    assert answer["_pages_store"]["data"]["title"] == title


@pytest.mark.parametrize("forged", [["jonot"], {"a": 1}, 5, None])
def test_f003_a_request_store_naming_no_chart_is_refused_not_a_500(client, forged):
    """A card's request store whose ``chart`` is not a chart id (a list, an object, a
    number) is answered 4xx with a message, never 500."""

    def values(entry):
        if entry["property"] == "data":
            return {"chart": forged, "lang": "sv"}
        return 1

    response = client.post(
        "/_dash-update-component", json=callback_body(dash_app, DEFINITION, values)
    )
    assert 400 <= response.status_code < 500, response.get_data()[:200]
