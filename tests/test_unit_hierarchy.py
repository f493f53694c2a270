"""Unit selections restricted to the fixed hierarchy county > service area > municipality
> unit (issue 8): node ids, their member units, and the refusal of anything else on
pages, in the data API and in the callbacks.

The foundation fixture (tests/fixtures/common.py) has three health stations:
TA01 (Alfa, municipality 901, A-alue), TA02 (Beeta, 902, A-alue), TA03 (Gamma, 903,
B-alue). The demo's organisation is reporting/demo.py ``_UNITS``.
"""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa

from callbacks.address import propose_address
from callbacks.chart_cards import chart_card_body
from callbacks.filters import node_options, unit_options
from callbacks.kpi_cards import kpi_card_body
from charts.areas import INVESTMENT_AREAS
from charts.catalog import CHARTS
from charts.filter_text import describe_filters
from charts.payload import chart_payload, effective_filters
from queries.engine import get_engine
from queries.filters import Filters
from queries.units import (
    UNKNOWN_UNIT,
    Node,
    area_slug,
    hierarchy_nodes,
    node_of_units,
    resolve_node,
    resolve_selection,
)
from tests.conftest import reporting_db_fixture
from tests.fixtures import access, demo_units
from translations import t

demo_db = reporting_db_fixture(demo_units)

PAGES = [importlib.import_module("dashboards.overview")] + [
    importlib.import_module(f"dashboards.{area.slug}") for area in INVESTMENT_AREAS
]
BAD = "Pyyntöä ei palveltu, koska osa rajauksista ei kelpaa: "


def _quoted(values) -> str:
    return ", ".join(f"\u201d{value}\u201d" for value in values)


# The refusals name the refused values (written out by hand, as the notices read).
def several(*nodes: str) -> str:
    return (
        f"Osoitteessa on useampi alue, kunta tai yksikkö (unit): {_quoted(nodes)}. Kerrallaan "
        "voi valita yhden: koko hyvinvointialueen, palvelualueen, kunnan tai yksikön, koska "
        "mielivaltaisten yksikköjoukkojen luvuista voisi päätellä pieniä lukumääriä."
    )


def several_services(*services: str) -> str:
    return (
        f"Osoitteessa on useampi palvelu (service): {_quoted(services)}. Valita voi jonkin "
        "palvelun tai kaikki palvelut."
    )


def unknown_node(node: str) -> str:
    return (
        f"Aluetta, kuntaa tai yksikköä (unit) \u201d{node}\u201d ei ole raportointitietokannassa."
    )


def _components(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _components(child)


def _stores(layout) -> list[dict]:
    """The filters of every card request store (chart and KPI cards)."""
    return [
        c.data["filters"]
        for c in _components(layout)
        if isinstance(getattr(c, "id", None), dict)
        and c.id.get("type") in ("chart-request", "kpi-request")
    ]


def _by_id(layout, component_id):
    (found,) = [c for c in _components(layout) if getattr(c, "id", None) == component_id]
    return found


# --- Nodes and their members -------------------------------------------------------


@pytest.mark.unit
def test_h001_area_slugs_fold_nordic_letters_and_dash_everything_else():
    """Area slugs fold ä, å, ö to ASCII, lower-case, and turn every other character into "-"."""
    assert area_slug("Keskinen palvelualue") == "keskinen-palvelualue"
    assert area_slug("Eteläinen palvelualue") == "etelainen-palvelualue"
    assert area_slug("A-alue") == "a-alue"
    # Ä -> ä -> a, Å -> å -> a, Ö -> ö -> o; " ", "&", " " are three characters -> "---".
    assert area_slug("Länsi-Åland & Öja 2") == "lansi-aland---oja-2"


def test_h002_fixture_hierarchy_is_county_areas_municipalities_units(reporting_db):
    """The fixture's nodes are the county, two areas, three municipalities and three units."""
    # Worked from the three fixture units: A-alue holds TA01 and TA02, B-alue TA03;
    # each municipality holds one unit. The fixture load names no county.
    assert hierarchy_nodes() == (
        Node("", "county", "", "", ("TA01", "TA02", "TA03")),
        Node("area-a-alue", "area", "A-alue", "A-alue", ("TA01", "TA02")),
        Node("area-b-alue", "area", "B-alue", "B-alue", ("TA03",)),
        Node("municipality-901", "municipality", "Alfa", "Alfa", ("TA01",)),
        Node("municipality-902", "municipality", "Beeta", "Beeta", ("TA02",)),
        Node("municipality-903", "municipality", "Gamma", "Gamma", ("TA03",)),
        Node("TA01", "unit", "Alfa – Alfan terveysasema", "Alfa – Alfa hälsostation", ("TA01",)),
        Node("TA02", "unit", "Beeta – Beetan terveysasema", "Beeta – Beta hälsostation", ("TA02",)),
        Node(
            "TA03", "unit", "Gamma – Gamman terveysasema", "Gamma – Gamma hälsostation", ("TA03",)
        ),
    )


def test_h003_demo_hierarchy_member_sets(demo_db):
    """Each demo area and municipality node holds exactly its units, with fi and sv labels."""
    # Worked by hand from reporting/demo.py _UNITS (unit, area, municipality code):
    # Keskinen: TA01 TA02 TA03 (901), TA04 (902), SU01 PK01 MT01 PA01 (901);
    # Pohjoinen: TA05 (903), TA06 (905), TA07 (908), TA12 (903), SU02 (903);
    # Eteläinen: TA08 (904), TA09 (906), TA10 (907), TA11 (906), SU03 (904), PK02 (904).
    members = {node.id: node.units for node in hierarchy_nodes()}
    expected = {
        "area-keskinen-palvelualue": (
            "MT01",
            "PA01",
            "PK01",
            "SU01",
            "TA01",
            "TA02",
            "TA03",
            "TA04",
        ),
        "area-pohjoinen-palvelualue": ("SU02", "TA05", "TA06", "TA07", "TA12"),
        "area-etelainen-palvelualue": ("PK02", "SU03", "TA08", "TA09", "TA10", "TA11"),
        "municipality-901": ("MT01", "PA01", "PK01", "SU01", "TA01", "TA02", "TA03"),
        "municipality-902": ("TA04",),
        "municipality-903": ("SU02", "TA05", "TA12"),
        "municipality-904": ("PK02", "SU03", "TA08"),
        "municipality-905": ("TA06",),
        "municipality-906": ("TA09", "TA11"),
        "municipality-907": ("TA10",),
        "municipality-908": ("TA07",),
    }
    for node_id, units in expected.items():
        assert members[node_id] == units, node_id
    # 1 county + 3 areas + 8 municipalities + 19 units (8 + 5 + 6 by area).
    assert len(members) == 31
    assert len(members[""]) == 19 and members["TA11"] == ("TA11",)
    holmby = resolve_node("municipality-906")
    assert (holmby.label("fi"), holmby.label("sv")) == ("Saarikylä", "Holmby")
    assert resolve_node("TA11").label("sv") == "Holmby – Lahdenperä hälsostation"


def test_h004_resolving_a_selection(demo_db):
    """A node id resolves to its member units; unknown ids give the county with a notice."""
    filters, notices = resolve_selection(Filters(node="municipality-901", grain="year"))
    assert notices == ()
    assert filters == Filters(
        grain="year",
        units=("MT01", "PA01", "PK01", "SU01", "TA01", "TA02", "TA03"),
        node="municipality-901",
    )
    # Unknown ids (ids are exact: "ta01" is no unit): the county, with the notice.
    for node_id in ("municipality-999", "ta01", "area-keskinen", "county"):
        assert resolve_selection(Filters(node=node_id)) == (Filters(), (UNKNOWN_UNIT,))
    # The county filters on no unit at all, whatever units a caller left in.
    assert resolve_selection(Filters(units=("TA01", "TA02"))) == (Filters(), ())


def test_h005_the_narrowest_node_names_a_member_set(demo_db):
    """node_of_units names a unit set by its narrowest node, or None when no node has it."""
    # Koivulahti (902) has only TA04: the unit is the narrower name for it.
    assert node_of_units(("TA04",)).id == "TA04"
    assert node_of_units(("TA11", "TA09")).id == "municipality-906"
    assert node_of_units(("SU02", "TA05", "TA06", "TA07", "TA12")).id == (
        "area-pohjoinen-palvelualue"
    )
    assert node_of_units(("TA01", "TA02")) is None  # no node has exactly these
    assert node_of_units(()).id == ""


def test_h006_same_members_share_one_cache_key(reporting_db):
    """Nodes with the same members share one cache key, so the second runs no SQL."""
    spec = CHARTS["hoitotakuu-7vrk"]
    municipality = resolve_selection(Filters(start="2024-01", node="municipality-901"))[0]
    unit = resolve_selection(Filters(start="2024-01", node="TA01"))[0]
    assert repr(effective_filters(spec, municipality)) == repr(effective_filters(spec, unit))
    statements: list = []
    engine = get_engine()

    def record(*_args):
        statements.append(1)

    first = chart_payload(spec.id, municipality, "fi")
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        second = chart_payload(spec.id, unit, "fi")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert second["summary"] == first["summary"] and statements == []  # from the cache


def test_h007_exports_name_the_node(reporting_db):
    """Exports name the chosen node, or the narrowest node with the same members."""
    area = resolve_selection(Filters(start="2024-01", end="2024-01", node="area-a-alue"))[0]
    assert describe_filters(area, "fi").endswith("palvelualue: A-alue")
    # Filters as a cache key have no node id: named by the narrowest node with the
    # same members (municipality-901 and TA01 both hold TA01 alone: the unit).
    keyed = effective_filters(
        CHARTS["hoitotakuu-7vrk"],
        resolve_selection(Filters(start="2024-01", end="2024-01", node="municipality-901"))[0],
    )
    assert keyed.node == "" and keyed.units == ("TA01",)
    assert describe_filters(keyed, "fi").endswith("yksikkö: Alfa – Alfan terveysasema")
    county = describe_filters(Filters(start="2024-01", end="2024-01"), "fi")
    assert county.endswith("Koko hyvinvointialue")


# --- Pages ---------------------------------------------------------------------------


def test_h010_pages_refuse_several_units_and_show_the_county(reporting_db):
    """Pages refuse several or unknown units with a notice, show the county, and keep one node."""
    for page in PAGES:
        layout = page.layout(unit=["TA01", "TA02"], **{"from": "2024-01"})
        assert "url-notice" in str(layout), page.__name__
        assert several("TA01", "TA02") in str(layout), page.__name__
        # The county (no unit), and nothing else changes: the start month stays.
        assert all(s == {"from": "2024-01"} for s in _stores(layout)), page.__name__
        assert _by_id(layout, "filter-unit").value == "#county"
        unknown = page.layout(unit="municipality-999")
        assert unknown_node("municipality-999") in str(unknown)
        assert all("unit" not in s for s in _stores(unknown))
        # One node: no notice; the cards and the control carry its id.
        chosen = page.layout(unit="area-a-alue")
        assert "url-notice" not in str(chosen)
        assert all(s == {"unit": "area-a-alue"} for s in _stores(chosen))
        assert _by_id(chosen, "filter-unit").value == "area-a-alue"
        assert _by_id(chosen, "unit-selection").data == "area-a-alue"


def test_h011_pages_refuse_several_services(reporting_db):
    """Pages refuse several services with a notice and keep one service."""
    page = importlib.import_module("dashboards.hoitoonpaasy")
    layout = page.layout(service=["oral_health", "mental_health"], grain="quarter")
    assert several_services("oral_health", "mental_health") in str(layout)
    assert all(s == {"grain": "quarter"} for s in _stores(layout))
    one = page.layout(service="oral_health")
    assert "url-notice" not in str(one)
    assert _by_id(one, "filter-service").value == "oral_health"


# --- The data API --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("unit=TA01&unit=TA02", several("TA01", "TA02")),
        ("unit=TA01,TA02", several("TA01", "TA02")),
        ("unit=TA01&unit=area-a-alue", several("TA01", "area-a-alue")),
        ("unit=municipality-999", unknown_node("municipality-999")),
        ("unit=area-A-alue", unknown_node("area-A-alue")),  # ids are exact
        (
            "service=oral_health&service=mental_health",
            several_services("oral_health", "mental_health"),
        ),
    ],
)
def test_h020_data_api_answers_400_for_a_selection_outside_the_hierarchy(client, query, notice):
    """The data API answers 400 in every format for several, unknown or miscased nodes."""
    for chart_id in ("jonot", "hoitotakuu-7vrk"):
        for extension in ("json", "csv", "xlsx"):
            response = client.get(f"/api/charts/{chart_id}/data.{extension}?{query}")
            assert response.status_code == 400, (chart_id, extension)
            assert response.get_json() == {"error": BAD + notice}


def test_h021_data_api_serves_one_node_and_says_which(client):
    """The data API serves one node, names it and its units, and equal member sets alike."""
    area = client.get("/api/charts/hoitotakuu-7vrk/data.json?unit=area-a-alue").get_json()
    assert (area["filters"]["unit"], area["filters"]["units"]) == ("area-a-alue", ["TA01", "TA02"])
    # municipality-901 and TA01 have the same members: the same rows.
    municipality = client.get("/api/charts/hoitotakuu-7vrk/data.json?unit=municipality-901")
    unit = client.get("/api/charts/hoitotakuu-7vrk/data.json?unit=TA01")
    assert municipality.get_json()["rows"] == unit.get_json()["rows"]
    county = client.get("/api/charts/hoitotakuu-7vrk/data.json").get_json()["filters"]
    assert (county["unit"], county["units"], county["service"]) == (None, [], None)
    queue = client.get("/api/charts/jonot/data.json?service=oral_health").get_json()
    assert queue["filters"]["service"] == "oral_health"


# --- Callbacks -----------------------------------------------------------------------


@pytest.fixture
def executed(reporting_db):
    """The parameters of every statement sent to the reporting DB during the test."""
    seen: list = []

    def record(_conn, _cursor, _statement, parameters, _context, _executemany):
        seen.append(repr(parameters))

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def _request(chart: str, **filters) -> dict:
    return {"chart": chart, "filters": {"from": "2024-01", "to": "2024-02", **filters}}


def test_h030_card_callbacks_refuse_a_selection_outside_the_hierarchy(executed):
    """Card callbacks refuse selections outside the hierarchy, saying why, without a query."""
    for filters, notice in (
        ({"unit": ["TA01", "TA02"]}, several("TA01", "TA02")),
        ({"unit": "TA01,TA03"}, several("TA01", "TA03")),
        (
            {"service": ["oral_health", "mental_health"]},
            several_services("oral_health", "mental_health"),
        ),
        ({"unit": ["<x>"]}, "Alueen, kunnan tai yksikön tunnus (unit) \u201d<x>\u201d ei kelpaa"),
    ):
        for view in ("series", "units", "spc"):
            body = str(chart_card_body(_request("jonot", **filters), view))
            assert "selection-refused" in body and notice in body, (filters, view)
        # The KPI card says why too (not "not available right now").
        kpi = str(kpi_card_body(_request("jonot", **filters)))
        assert "selection-refused" in kpi and notice in kpi, filters
        assert t("kpi.unavailable") not in kpi
    # Refused before the unit list is even read: no statement at all.
    assert executed == []
    body = str(chart_card_body(_request("jonot", unit="municipality-999"), "series"))
    assert "selection-refused" in body and unknown_node("municipality-999") in body
    kpi = str(kpi_card_body(_request("jonot", unit="municipality-999")))
    assert "selection-refused" in kpi and unknown_node("municipality-999") in kpi
    assert not any("municipality-999" in params for params in executed)


def test_h031_card_callbacks_serve_one_node_with_its_members(executed):
    """A card for one area queries exactly that area's member units."""
    body = str(chart_card_body(_request("hoitotakuu-7vrk", unit="area-a-alue"), "series"))
    assert "selection-refused" not in body and "Graph" in body
    # The members of area-a-alue, and no other unit (the parameters are spelled
    # differently by each engine's expanding IN list).
    assert any("TA01" in p and "TA02" in p and "TA03" not in p for p in executed), executed


def _propose(unit="#county", service="all", state=None):
    state = state or {"page": "hoitoonpaasy", "search": "", "token": "t1"}
    return propose_address(
        unit, "2022-01", "latest", "month", service, [], [], [], [], [], [], [], [], state
    )


def test_h032_the_controls_propose_one_node(reporting_db):
    """The filter controls propose an address for one node; forged values are refused and said."""
    assert _propose("municipality-901")["search"] == "?unit=municipality-901"
    assert _propose("municipality-901")["filters"] == {"unit": "municipality-901"}
    assert _propose("#county")["search"] == ""
    # A forged value: an unknown node or two of them is not taken, and said.
    unknown = _propose("municipality-999")
    assert (unknown["search"], unknown["status"]) == ("", unknown_node("municipality-999"))
    two = _propose(["TA01", "TA02"])
    assert (two["search"], two["status"]) == ("", several("TA01", "TA02"))
    assert _propose(service="oral_health")["search"] == "?service=oral_health"
    assert _propose(service=["oral_health", "mental_health"])["status"] == several_services(
        "oral_health", "mental_health"
    )


def test_h033_the_unit_control_lists_the_hierarchy_grouped(reporting_db):
    """The unit control lists county, areas, municipalities and units under disabled headings."""
    options, status = unit_options("TA01", {"search": ""})
    assert status == ""
    assert options == [
        {"label": "Koko hyvinvointialue", "value": "#county"},
        {"label": "— Palvelualueet —", "value": "#area", "disabled": True},
        {"label": "A-alue", "value": "area-a-alue"},
        {"label": "B-alue", "value": "area-b-alue"},
        {"label": "— Kunnat —", "value": "#municipality", "disabled": True},
        {"label": "Alfa", "value": "municipality-901"},
        {"label": "Beeta", "value": "municipality-902"},
        {"label": "Gamma", "value": "municipality-903"},
        {"label": "— Yksiköt —", "value": "#unit", "disabled": True},
        {"label": "Alfa – Alfan terveysasema", "value": "TA01"},
        {"label": "Beeta – Beetan terveysasema", "value": "TA02"},
        {"label": "Gamma – Gamman terveysasema", "value": "TA03"},
    ]
    # A heading or the county's value is never a node id: it cannot pass
    # Filters.from_query.
    values = [o["value"] for o in options if o.get("disabled") or o["value"] == "#county"]
    assert len(values) == 4 and all(Filters.from_query({"unit": v})[1] for v in values)
    assert node_options((), "fi") == [{"label": "Koko hyvinvointialue", "value": "#county"}]


def test_h034_the_powerpoint_export_refuses_a_selection_outside_the_hierarchy(executed):
    """The PowerPoint export refuses a selection outside the hierarchy and queries no chart."""
    from contextvars import copy_context

    from dash import no_update
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from callbacks.exports_pptx import export_pptx
    from dashboards._export import IDS

    def press(search: str):
        def run():
            context_value.set(
                AttributeDict(triggered_inputs=[{"prop_id": IDS["page"] + ".n_clicks", "value": 1}])
            )
            return export_pptx(
                lambda _progress: None,
                1,
                None,
                {"page": "hoitoonpaasy", "charts": ["jonot"], "lang": "fi"},
                None,
                {"page": "hoitoonpaasy", "search": search, "token": "t"},
            )

        return copy_context().run(run)

    refusal = t("export.pptx.refused")
    for search, notice in (
        ("?unit=TA01&unit=TA02", several("TA01", "TA02")),
        (
            "?service=oral_health&service=mental_health",
            several_services("oral_health", "mental_health"),
        ),
        ("?unit=municipality-999", unknown_node("municipality-999")),
    ):
        download, status = press(search)
        assert download is no_update and status == f"{refusal} {notice}", search
    # No chart was queried for any of them (only the unit list, for the unknown node).
    assert not any("start_date" in params for params in executed), executed


def test_h035_the_card_endpoint_refuses_over_http(client):
    """Over HTTP the card callback refuses out-of-hierarchy selections and serves one node."""
    from app import app as dash_app
    from tests.callback_bodies import callback_body

    client.get("/")  # Dash fills its callback map at the first request

    def card_request(filters: dict) -> dict:
        return callback_body(
            dash_app,
            '{"chart":["MATCH"],"type":"chart-body"}.children',
            values=lambda e: (
                {"chart": "jonot", "filters": filters, "lang": "fi"}
                if e["id"]["type"] == "chart-request"
                else []
                if e["id"]["type"] == "chart-phases"
                else "series"
            ),
            fill=lambda _key, _i: "jonot",
        )

    for filters, notice in (
        ({"unit": ["TA11", "TA12"]}, several("TA11", "TA12")),
        ({"unit": "municipality-999"}, unknown_node("municipality-999")),
        (
            {"service": ["oral_health", "family_centre"]},
            several_services("oral_health", "family_centre"),
        ),
    ):
        response = client.post("/_dash-update-component", json=card_request(filters))
        assert response.status_code == 200, filters
        text = str(response.get_json())  # the JSON escapes ä, ö
        assert "selection-refused" in text and notice in text and "Graph" not in text
    served = client.post("/_dash-update-component", json=card_request({"unit": "area-b-alue"}))
    assert "selection-refused" not in served.get_data(as_text=True)


access_db = reporting_db_fixture(access)


def test_h040_by_unit_view_shows_the_nodes_units_of_the_charts_type(access_db):
    """The by-unit view shows the node's units of the chart's unit type; one unit always shows."""
    from charts.payload import _unit_panels

    # The access fixture adds the oral-health clinic SU01 to municipality 901 (a copy of
    # TA01's row): 901 = TA01, SU01; A-alue = TA01, TA02, SU01.
    seven_days, oral = CHARTS["hoitotakuu-7vrk"], CHARTS["suun-terveydenhuolto-odotus"]
    assert oral.unit_types == ("oral_health",)

    def panels(spec, node):
        filters = resolve_selection(Filters(start="2024-01", end="2024-01", node=node))[0]
        return list(_unit_panels(spec, effective_filters(spec, filters), "fi"))

    assert panels(seven_days, "municipality-901") == ["Alfan terveysasema"]
    assert panels(seven_days, "area-a-alue") == ["Alfan terveysasema", "Beetan terveysasema"]
    assert panels(oral, "area-a-alue") == ["Alfan hammashoitola"]
    # One unit is shown whatever its type; the county shows every unit of the type.
    assert panels(oral, "TA01") == ["Alfan terveysasema"]
    assert panels(seven_days, "") == [
        "Alfan terveysasema",
        "Beetan terveysasema",
        "Gamman terveysasema",
    ]


@pytest.mark.unit
def test_h008_an_id_means_one_node_even_when_names_collide(monkeypatch):
    """Each node id names one node even when area slugs or unit ids collide with node ids."""
    import pandas as pd

    from queries import units as hierarchy

    rows = [
        # unit_id, service_area, municipality_code
        ("X1", "Norr A", "901"),
        ("X2", "norr-a", "902"),  # the same slug as "Norr A": norr-a
        ("municipality-901", "Norr A", "901"),  # spelled like municipality 901's node
    ]
    frame = pd.DataFrame(
        [
            {
                "unit_id": uid,
                "name_fi": f"{uid} fi",
                "name_sv": f"{uid} sv",
                "unit_type": "health_station",
                "service_area": area,
                "municipality_code": code,
                "municipality_fi": f"K{code}",
                "municipality_sv": f"K{code} sv",
            }
            for uid, area, code in rows
        ]
    )
    monkeypatch.setattr(hierarchy, "units", lambda: frame)
    monkeypatch.setattr(hierarchy, "reporting_meta", lambda: {"county_name_fi": "Maakunta"})
    nodes = hierarchy_nodes.uncached()
    # "Norr A" sorts before "norr-a" (upper case first): it keeps area-norr-a. The
    # municipality node is made before the units: it keeps municipality-901.
    assert [(n.id, n.units) for n in nodes] == [
        ("", ("X1", "X2", "municipality-901")),
        ("area-norr-a", ("X1", "municipality-901")),
        ("municipality-901", ("X1", "municipality-901")),
        ("municipality-902", ("X2",)),
        ("X1", ("X1",)),
        ("X2", ("X2",)),
    ]
    assert nodes[0].label("fi") == "Maakunta" and nodes[0].label("sv") == ""
