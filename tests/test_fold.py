"""Panels folded away in the address (``fold=``, charts.address.FOLDABLE), the radio
groups' shared name (charts.cards.radio) and the fold buttons of the filter bar and the
PowerPoint panel (dashboards._fold). Expected values are written out by hand."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from callbacks.address import controls_address
from charts.address import Address
from charts.cards.chart import chart_card
from charts.cards.radio import group_name, radio_group
from charts.catalog import CHARTS
from dashboards._export import export_panel
from dashboards._filters import filter_bar
from tests.test_address import _walk
from translations import notice_text


def _parse(search: str) -> tuple[Address, tuple[str, ...]]:
    return Address.from_query(parse_qs(search.lstrip("?")))


@pytest.mark.unit
def test_f001_fold_is_parsed_in_a_fixed_order_and_written_canonically():
    """Folded panels parse in either form and are written in a fixed place and order."""
    address, notices = _parse("?fold=pptx&fold=filters&fold=pptx")
    assert notices == ()
    assert address.fold == ("filters", "pptx")
    assert address.search() == "?fold=filters&fold=pptx"
    # The comma form of other parameters works too, and is written out repeated.
    address, notices = _parse("?fold=pptx,filters")
    assert address.fold == ("filters", "pptx")
    assert address.search() == "?fold=filters&fold=pptx"
    # Its place in the canonical order: after the cards' state, before language and embed.
    address, _ = _parse("?embed=1&fold=pptx&grain=quarter&view=hoitotakuu-7vrk:spc")
    assert address.search() == "?grain=quarter&view=hoitotakuu-7vrk:spc&fold=pptx&embed=1"
    # Unfolded is the default and is left out.
    assert _parse("?fold=")[0].search() == ""
    assert Address().fold == ()


@pytest.mark.unit
def test_f002_a_bad_fold_value_gets_a_notice_and_changes_nothing_else():
    """Bad fold values get one notice naming them; the rest of the address is kept."""
    address, notices = _parse("?fold=menu&fold=pptx&grain=year&fold=FILTERS")
    assert address.fold == ("pptx",)
    assert address.filters.grain == "year"
    assert address.search() == "?grain=year&fold=pptx"
    assert notices == ("notice.bad_fold",)
    assert notice_text(notices[0], "fi") == (
        "Pienennettävä osio (fold) \u201dmenu\u201d, \u201dFILTERS\u201d ei kelpaa: "
        "vaihtoehdot ovat filters (rajaukset) ja pptx (PowerPoint-esitys). Osio näytetään."
    )
    # Only bad values: every panel is shown, and the rest of the address is untouched.
    address, notices = _parse("?fold=x&from=2024-01")
    assert (address.fold, address.search(), notices) == ((), "?from=2024-01", ("notice.bad_fold",))


@pytest.mark.unit
def test_f003_links_to_other_pages_carry_the_folded_panels_the_reset_link_too():
    """Links to other pages and the reset link carry the folded panels, not card views."""
    address, _ = _parse("?fold=filters&view=hoitotakuu-7vrk:spc&from=2024-01&embed=1")
    # Like the language and the embed flag; the card view stays on its page.
    assert address.link_search() == "?from=2024-01&fold=filters&embed=1"
    bar = filter_bar(address, "fi", "/hoitoonpaasy", with_services=True)
    reset = [c for c in _walk(bar) if type(c).__name__ == "Link"]
    assert [link.href for link in reset] == ["/hoitoonpaasy?fold=filters&embed=1"]


@pytest.mark.unit
def test_f004_the_controls_write_the_folded_panels_into_the_address():
    """The fold buttons' states go into the address; an unknown panel is refused."""
    shown, _ = _parse("?fold=pptx")
    common = (shown, "#county", "2022-01", "latest", "month", "all", {}, {})
    address, notices = controls_address(*common, {"filters": "false", "pptx": "true"})
    assert (address.fold, address.search(), notices) == (
        ("filters",),
        "?fold=filters",
        (),
    )
    address, _ = controls_address(*common, {"filters": "true", "pptx": "true"})
    assert address.search() == ""
    # A page without fold buttons keeps the shown address's folded panels.
    address, _ = controls_address(*common, {})
    assert address.fold == ("pptx",)
    # A made-up panel from the client is refused like a bad URL value.
    address, notices = controls_address(*common, {"menu": "false"})
    assert (address.fold, notices) == ((), ("notice.bad_fold",))


def _button(component, panel: str):
    return next(
        c
        for c in _walk(component)
        if isinstance(getattr(c, "id", None), dict) and c.id == {"type": "fold", "panel": panel}
    )


@pytest.mark.unit
def test_f005_fold_buttons_say_their_state_and_name_the_body_they_fold():
    """Fold buttons state aria-expanded and name the body they control."""
    folded, _ = _parse("?fold=filters")
    bar = filter_bar(folded, "fi", "/hoitoonpaasy", with_services=True)
    button = _button(bar, "filters")
    props = button.to_plotly_json()["props"]
    assert props["aria-expanded"] == "false"
    assert props["aria-controls"] == "filters-body"
    assert props["type"] == "button" and button.children == "Rajaukset"
    assert [c.id for c in _walk(bar) if getattr(c, "id", None) == "filters-body"] == [
        "filters-body"
    ]
    panel = export_panel("hoitoonpaasy", ("hoitotakuu-7vrk",), "fi", folded=False)
    props = _button(panel, "pptx").to_plotly_json()["props"]
    assert (props["aria-expanded"], props["aria-controls"]) == ("true", "export-pptx-body")


@pytest.mark.unit
def test_f006_radio_groups_share_a_name_and_are_named_by_a_legend():
    """Radio groups share one name and sit in a fieldset with a legend, on every page."""
    assert group_name("filter-grain") == "filter-grain"
    assert group_name({"type": "chart-view", "chart": "x"}) == "x-chart-view"
    assert group_name({"type": "need-status", "need": 7}) == "7-need-status"
    group = radio_group(
        {"type": "chart-view", "chart": "x"},
        "Näkymä",
        [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
        "b",
    )
    assert type(group).__name__ == "Fieldset"
    legend, radios = group.children
    assert (type(legend).__name__, legend.children) == ("Legend", "Näkymä")
    assert radios.name == "x-chart-view" and radios.value == "b"
    # Every radio group the pages build goes through radio_group: the filter bar's two
    # and a card's view switch.
    bar = filter_bar(Address(), "fi", "/hoitoonpaasy", with_services=True)
    card = chart_card(CHARTS["hoitotakuu-7vrk"], Address(), "fi")
    names = [
        c.name for root in (bar, card) for c in _walk(root) if type(c).__name__ == "RadioItems"
    ]
    assert names == ["filter-grain", "filter-service", "hoitotakuu-7vrk-chart-view"]


def test_f007_the_fold_buttons_go_into_the_proposed_address(reporting_db):
    """The proposed address and the links carry the folded panels."""
    from tests.test_callbacks import STATE, _propose

    proposal = _propose(expanded={"filters": "true", "pptx": "false"})
    assert proposal["token"] == STATE["token"]
    assert proposal["search"] == "?fold=pptx"
    # Links to other pages carry it, like the language and the embed flag.
    assert proposal["links"] == "?fold=pptx"
    assert proposal["status"] == ""


def test_f008_a_data_url_takes_a_page_query_string_with_fold(client):
    """A data URL accepts fold parameters, and they change no number."""
    page = "from=2024-01&to=2024-02&fold=filters&fold=pptx"
    response = client.get(f"/api/charts/hoitotakuu-7vrk/data.json?{page}")
    assert response.status_code == 200
    rows = response.get_json()["rows"]
    # Folding changes no number: 66.7 % and 83.3 % as in test_address.test_a007.
    values = {r["period"]: r["value"] for r in rows if r["series"] == "within_days"}
    assert values == {"2024-01-01": 66.7, "2024-02-01": 83.3}
