"""The page's address (charts.address): filters, card views and phase starts, language
and embed flag parsed from URL parameters and written back; bad values fall back to
the default with a notice, like the filters (tests/test_filters.py)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from dash import no_update

from charts.address import MAX_PHASES, Address, CardStates
from dashboards import hoitoonpaasy, overview
from dashboards._filters import filter_bar
from dashboards._page import SHOWN, page_address
from queries.filters import Filters

SEVEN_DAYS = "hoitotakuu-7vrk"  # views: series, units, spc
DISTRIBUTION = "odotusaikajakauma"  # stacked: series and units, no run chart
COVERAGE = "hoitotakuuseuranta-kattavuus"  # county totals: series and spc, no units


def _walk(component):
    """A Dash component and all its descendants."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _parse(search: str) -> tuple[Address, tuple[str, ...]]:
    return Address.from_query(parse_qs(search.lstrip("?")))


@pytest.mark.unit
def test_a001_address_round_trips_in_a_fixed_readable_order():
    """An address parses and writes back in a fixed order, leaving out default views."""
    query = {
        # Quarter starts, as the phase picker writes them at quarter grain.
        "phase": [f"{SEVEN_DAYS}:2024-04", f"{SEVEN_DAYS}:2023-10", f"{COVERAGE}:2024-04"],
        "view": [f"{SEVEN_DAYS}:spc", f"{DISTRIBUTION}:units", f"{COVERAGE}:series"],
        "grain": "quarter",
        "from": "2023-01",
        "embed": "1",
    }
    address, notices = Address.from_query(query)
    assert notices == ()
    # The default view (series) is left out; charts sorted by id ("hoitotakuu-7vrk"
    # before "hoitotakuuseuranta-...": "-" sorts before "s"), months sorted.
    assert address.cards == CardStates(
        views=((SEVEN_DAYS, "spc"), (DISTRIBUTION, "units")),
        phases=((SEVEN_DAYS, ("2023-10", "2024-04")), (COVERAGE, ("2024-04",))),
    )
    assert address.search() == (
        "?from=2023-01&grain=quarter"
        f"&view={SEVEN_DAYS}:spc&view={DISTRIBUTION}:units"
        f"&phase={SEVEN_DAYS}:2023-10&phase={SEVEN_DAYS}:2024-04&phase={COVERAGE}:2024-04"
        "&embed=1"
    )
    assert _parse(address.search()) == (address, ())
    assert address.cards.view_of(SEVEN_DAYS) == "spc"
    assert address.cards.view_of(COVERAGE) == "series"
    assert address.cards.phases_of(SEVEN_DAYS) == ("2023-10", "2024-04")
    assert address.cards.phases_of(DISTRIBUTION) == ()


@pytest.mark.unit
def test_a002_bad_views_and_phases_fall_back_with_notices():
    """Bad views and phases are dropped with one notice each kind; the filters stay untouched."""
    address, notices = Address.from_query(
        {
            "view": [
                f"{DISTRIBUTION}:spc",  # a stacked distribution has no run chart
                f"{COVERAGE}:units",  # county totals have no unit comparison
                "no-such-chart:spc",
                SEVEN_DAYS,  # no colon
            ],
            "phase": [
                f"{DISTRIBUTION}:2024-01",  # no run chart, so no phases
                f"{SEVEN_DAYS}:2024-13",
                f"{SEVEN_DAYS}:2024-1",
                "no-such-chart:2024-01",
                f"{SEVEN_DAYS}:2024-02",  # the one good value
            ],
        }
    )
    assert address.cards == CardStates(phases=((SEVEN_DAYS, ("2024-02",)),))
    assert notices == ("notice.bad_view", "notice.bad_phase")
    # The filters are untouched by card notices.
    assert address.filters == Filters()


@pytest.mark.unit
def test_a003_first_view_counts_phases_are_unique_and_at_most_twelve():
    """A chart's first view counts; phases are deduplicated and capped at twelve with a notice."""
    months = [f"2023-{m:02d}" for m in range(1, 13)] + ["2024-01"]  # 13 months
    address, notices = Address.from_query(
        {
            "view": [f"{SEVEN_DAYS}:units", f"{SEVEN_DAYS}:spc"],
            "phase": [f"{SEVEN_DAYS}:{m}" for m in ["2023-05", *months, "2023-05"]],
        }
    )
    assert address.cards.view_of(SEVEN_DAYS) == "units"
    # 2023-05 twice counts once; the 13th distinct month is one too many.
    assert address.cards.phases_of(SEVEN_DAYS) == tuple(months[:MAX_PHASES])
    assert notices == ("notice.bad_phase",)


@pytest.mark.unit
def test_a004_language_and_embed_and_links_to_other_pages():
    """Default language is left out, embed kept; other-page links and reset drop card states."""
    address, _ = Address.from_query(
        {"lang": "fi", "embed": "1", "unit": "area-a-alue", "view": f"{SEVEN_DAYS}:units"}
    )
    # The default language is left out of the address; the embed flag is kept.
    assert address.lang == "" and address.language == "fi" and address.embed
    assert address.search() == f"?unit=area-a-alue&view={SEVEN_DAYS}:units&embed=1"
    # Links to another page carry filters, language and embed flag, not card states.
    assert address.link_search() == "?unit=area-a-alue&embed=1"
    assert Address.from_query({"lang": "xx", "embed": "yes"})[0] == Address()
    # "Palauta oletusrajaukset" drops the filters and card states, not the embed flag.
    bar = filter_bar(address, "fi", "/hoitoonpaasy", with_services=True)
    (reset,) = [c for c in _walk(bar) if type(c).__name__ == "Link"]
    assert reset.href == "/hoitoonpaasy?embed=1"
    assert Address.from_query("not a mapping") == (Address(), ())


@pytest.mark.unit
def test_a005_cards_from_the_controls_are_validated_like_the_url():
    """Card states from the controls are validated, sorted and deduplicated as in the URL."""
    cards, notices = CardStates.from_cards(
        {SEVEN_DAYS: "spc", DISTRIBUTION: "spc", COVERAGE: None},
        {SEVEN_DAYS: ["2024-03", "2024-01", "2024-03", 7], COVERAGE: "2024-01"},
    )
    assert cards == CardStates(
        views=((SEVEN_DAYS, "spc"),), phases=((SEVEN_DAYS, ("2024-01", "2024-03")),)
    )
    assert notices == ("notice.bad_view",)
    assert cards.only([COVERAGE]) == CardStates()


@pytest.mark.unit
def test_a006_a_page_keeps_only_its_own_cards_and_skips_an_address_it_shows():
    """A page keeps only its own cards and skips rebuilding for the address it wrote itself."""
    query = {"from": "2023-01", "view": [f"{SEVEN_DAYS}:spc", "digiasiointi-osuus:units"]}
    address, notices = page_address(query, hoitoonpaasy.CHART_IDS)
    assert notices == ()
    assert address.search() == f"?from=2023-01&view={SEVEN_DAYS}:spc"  # another page's card
    shown = {"page": "hoitoonpaasy", "search": address.search(), "token": "t"}
    # The router's call after the page wrote this address itself: nothing to build.
    assert hoitoonpaasy.layout(**query, **{SHOWN: shown}) is no_update
    # Any other address, page or no record at all: the page is built.
    for other in (
        {**shown, "search": "?from=2023-01"},
        {**shown, "page": "digipalvelut"},
        None,
    ):
        assert hoitoonpaasy.layout(**query, **{SHOWN: other}) is not no_update
    assert overview.layout(**{SHOWN: {"page": "", "search": ""}}) is no_update
    assert overview.layout(**{SHOWN: {"page": "hoitoonpaasy", "search": ""}}) is not no_update


def test_a007_data_urls_take_a_page_query_string_with_views_and_phases(client):
    """Data URLs accept a page query with views and phases, and those do not change the numbers."""
    page = "from=2024-01&to=2024-02&view=hoitotakuu-7vrk:spc&phase=hoitotakuu-7vrk:2024-02"
    for extension in ("json", "csv", "xlsx"):
        response = client.get(f"/api/charts/hoitotakuu-7vrk/data.{extension}?{page}")
        assert response.status_code == 200, extension
    rows = client.get(f"/api/charts/hoitotakuu-7vrk/data.json?{page}").get_json()["rows"]
    values = {r["period"]: r["value"] for r in rows if r["series"] == "within_days"}
    # The card's state does not change the data: 8/14 published as 10/15 = 66.7 %
    # (worked out in test_api.test_a002), 25/30 = 83.3 %.
    assert values == {"2024-01-01": 66.7, "2024-02-01": 83.3}


@pytest.mark.unit
def test_a009_phase_months_are_the_periods_of_the_grain_in_ascii_digits():
    """Issue 7 item 4 (review): many spellings of one phase start are one address."""
    # Quarter grain: 2024-04, 2024-05 and 2024-06 are all Q2/2024, whose first month is
    # 2024-04; 2023-11 is in Q4/2023 (2023-10). One start per quarter, no notice.
    address, notices = _parse(
        f"?grain=quarter&phase={SEVEN_DAYS}:2024-05&phase={SEVEN_DAYS}:2024-06"
        f"&phase={SEVEN_DAYS}:2024-04&phase={SEVEN_DAYS}:2023-11"
    )
    assert notices == ()
    assert address.cards.phases_of(SEVEN_DAYS) == ("2023-10", "2024-04")
    # Year grain: every month of 2024 is 2024-01. Thirteen distinct months (2023-12 and
    # the twelve of 2024) are two years, so the cap of twelve starts is not reached.
    months = ["2023-12"] + [f"2024-{m:02d}" for m in range(1, 13)]
    address, notices = Address.from_query(
        {"grain": "year", "phase": [f"{SEVEN_DAYS}:{m}" for m in months]}
    )
    assert notices == ()
    assert address.cards.phases_of(SEVEN_DAYS) == ("2023-01", "2024-01")
    # The cards' own stores are read at the same grain.
    cards, notices = CardStates.from_cards({}, {SEVEN_DAYS: ["2024-05", "2024-06"]}, "quarter")
    assert cards.phases_of(SEVEN_DAYS) == ("2024-04",) and notices == ()
    # Only ASCII digits: Arabic-Indic and full-width digits are not a month (int() would
    # read both as 2024 and make more spellings of one month), nor is a trailing newline.
    for month in ("٢٠٢٤-05", "２０２４-05", "2024-٠٥"):
        address, notices = Address.from_query({"phase": [f"{SEVEN_DAYS}:{month}"]})
        assert address.cards.phases_of(SEVEN_DAYS) == () and notices == ("notice.bad_phase",)
    cards, notices = CardStates.from_query({"phase": [f"{SEVEN_DAYS}:2024-05"]})
    assert cards.phases_of(SEVEN_DAYS) == ("2024-05",)
