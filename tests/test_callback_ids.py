"""Every component id a callback listens to, reads or writes is on a page: in the app
shell or in the layout of some page (in Finnish, the default language), as a page is
laid out for its address. A callback naming an id no layout has would never fire, or
fail in the browser; ``suppress_callback_exceptions`` hides that from Dash's own check.

Pattern-matching ids (dicts with ``MATCH``/``ALL``) are matched by their ``type``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import dash
import pytest
from dash.development.base_component import Component

from app import app as dash_app
from app import create_app
from callbacks.chart_cards import chart_card_body
from callbacks.kpi_cards import kpi_card_body
from callbacks.meetings_agenda import load_suggestions
from charts.catalog import CHARTS
from charts.chart_views import available_views
from meetings import store
from meetings import suggestions as suggestions_module
from settings import configure, get_settings
from tests.conftest import use_reporting_db


def layout_ids(node: object) -> set[str]:
    """The ids in a component tree, in every property that holds components: a string
    id as it is, a dict id as ``"type=<its type>"``."""
    found: set[str] = set()
    if isinstance(node, list | tuple):
        for part in node:
            found |= layout_ids(part)
    elif isinstance(node, dict):
        for value in node.values():
            found |= layout_ids(value)
    elif isinstance(node, Component):
        component_id = getattr(node, "id", None)
        if isinstance(component_id, dict):
            found.add(f"type={component_id.get('type')}")
        elif component_id is not None:
            found.add(component_id)
        for name in node._prop_names:
            found |= layout_ids(getattr(node, name, None))
    return found


def callback_ids(app: dash.Dash) -> set[str]:
    """The ids of every callback's inputs, states and outputs on ``app``, in the form
    of ``layout_ids``."""
    found: set[str] = set()
    for entry in app.callback_map.values():
        declared = entry["output"]
        outputs = declared if isinstance(declared, list | tuple) else [declared]
        ids = [output.component_id for output in outputs]
        ids += [dependency["id"] for dependency in (*entry["inputs"], *entry["state"])]
        for component_id in ids:
            if isinstance(component_id, str) and component_id.startswith("{"):
                component_id = json.loads(component_id)  # Dash keeps a dict id as JSON
            if isinstance(component_id, dict):
                found.add(f"type={component_id.get('type')}")
            else:
                found.add(component_id)
    return found


@pytest.fixture
def meeting(app_db, monkeypatch):
    """A series with a held meeting (an agenda item on ``jonot``, a decision inside the
    fixture's months and an information need) and a coming one, written by a demo user
    (the pages show their editing controls), and suggestions with a known answer. Yields
    the path parameters of the pages (the held meeting's) and the coming meeting's
    ``meeting-ctx`` store data."""
    original = get_settings()
    configure(replace(original, demo_user="Testaaja"))
    monkeypatch.setattr(
        suggestions_module,
        "suggest",
        lambda _meeting, _lang: [{"chart_id": "jonot", "query": "", "reason": "Syy."}],
    )
    writer = {"author": "Testaaja"}
    coming = (date.today() + timedelta(days=30)).isoformat()
    with dash_app.server.test_request_context():
        series = store.create_series("Johtoryhmä", "", "", **writer)
        held = store.create_meeting(series["id"], "Pidetty", "2024-02-15", **writer)
        item = store.add_item(held["id"], held["version"], "jonot", "", 10, **writer)
        store.add_decision(item["id"], kind="decision", title="Päätös", **writer)
        store.add_need(item["id"], "Tarve", **writer)
        later = store.create_meeting(series["id"], "Tuleva", coming, **writer)
    yield (
        {
            "meeting_id": str(held["id"]),
            "series_id": str(series["id"]),
            "n": "1",
            "chart_id": "jonot",
        },
        {"id": later["id"], "version": later["version"], "lang": "fi"},
    )
    configure(original)


def requests_in(node: object, kind: str) -> list[dict]:
    """The ``data`` of every card request store (id type ``<kind>-request``) in a tree."""
    found: list[dict] = []
    if isinstance(node, list | tuple):
        for part in node:
            found += requests_in(part, kind)
    elif isinstance(node, Component):
        component_id = getattr(node, "id", None)
        if isinstance(component_id, dict) and component_id.get("type") == f"{kind}-request":
            found.append(node.data)
        for name in node._prop_names:
            found += requests_in(getattr(node, name, None), kind)
    return found


def card_body_ids(layout: object) -> set[str]:
    """The ids in the bodies the card callbacks render into ``layout``'s chart cards
    (every view a chart offers) and KPI cards, computed on the reporting database."""
    found: set[str] = set()
    for request in requests_in(layout, "chart"):
        for view in available_views(CHARTS[request["chart"]]):
            found |= layout_ids(chart_card_body(request, view))
    for request in requests_in(layout, "kpi"):
        found |= layout_ids(kpi_card_body(request))
    return found


def unreachable_card_ids(layout: object) -> set[str]:
    """The ids in the card bodies of ``layout`` while the reporting database cannot be
    reached (the cards then ask again by themselves)."""
    use_reporting_db("duckdb:////nonexistent/tk-callback-ids.duckdb")
    return card_body_ids(layout)


def page_ids(app: dash.Dash, parameters: dict[str, str]) -> set[str]:
    """The ids of every registered page's layout, laid out for its path with
    ``parameters`` in its path template, with the ids its card callbacks render."""
    found: set[str] = set()
    for page in dash.page_registry.values():
        template = page.get("path_template")
        path = page["path"]
        wanted = {}
        if template:
            wanted = {name: value for name, value in parameters.items() if f"<{name}>" in template}
            path = template
            for name, value in wanted.items():
                path = path.replace(f"<{name}>", value)
        with app.server.test_request_context(path):
            layout = page["layout"]
            laid_out = layout(**wanted) if callable(layout) else layout
            found |= layout_ids(laid_out) | card_body_ids(laid_out)
    return found


@pytest.mark.parametrize("reporting_db", ["duckdb"], indirect=True)
def test_ci001_every_callback_id_is_in_the_shell_or_a_page(reporting_db, meeting):
    """Every callback id is in the shell, a page's layout or what its callbacks render."""
    # Rendered by callbacks: card bodies (on data and with the database unreachable)
    # and the agenda's suggestions; pattern-matching ids are compared by type.
    parameters, coming = meeting
    shell = layout_ids(dash_app.layout)
    pages = page_ids(dash_app, parameters)
    with dash_app.server.test_request_context():
        suggestions, _data = load_suggestions(coming)
        rendered = layout_ids(suggestions)
        overview = dash.page_registry["dashboards.overview"]["layout"]()
        hoitoonpaasy = dash.page_registry["dashboards.hoitoonpaasy"]["layout"]()
        rendered |= unreachable_card_ids([overview, hoitoonpaasy])
    missing = callback_ids(dash_app) - shell - pages - rendered
    assert not missing, f"callback ids on no page: {sorted(missing)}"


@pytest.mark.unit
def test_ci002_the_id_walk_finds_ids_in_any_property_and_by_type():
    """Ids are found in any component property; dict ids, in layouts and callbacks, by type."""
    tree = dash.html.Div(
        [dash.html.Span(id="a"), dash.dcc.Loading(dash.html.P(id={"type": "t", "n": 1}))],
        title="no component here",
    )
    tab = dash.dcc.Tab(label=dash.html.B(id="in-label"), children=[dash.html.I(id="b")])
    assert layout_ids([tree, tab]) == {"a", "type=t", "in-label", "b"}

    app = dash.Dash(__name__)

    @app.callback(
        dash.Output({"type": "out", "n": dash.MATCH}, "children"),
        dash.Input("in", "value"),
        dash.State({"type": "st", "n": dash.ALL}, "value"),
    )
    def _echo(value, states):
        return value

    assert callback_ids(app) == {"type=out", "in", "type=st"}


@pytest.mark.db  # the app database is migrated and the app served in-process
def test_ci003_a_second_app_gets_every_callback():
    """A second ``create_app()`` in the same process serves the same callbacks as the first."""
    # Dash's own callback list is emptied by the first app that serves a request: a
    # second app registered from it got only the Pages router's two callbacks.

    def served(app: dash.Dash) -> list[str]:
        with app.server.test_client() as client:
            answer = client.get(app.config.requests_pathname_prefix + "_dash-dependencies")
        assert answer.status_code == 200
        return sorted(callback["output"] for callback in answer.get_json())

    second = create_app()
    first_outputs = served(dash_app)
    assert len(first_outputs) > 20
    assert served(second) == first_outputs


@pytest.mark.unit  # refused before anything is built
def test_ci004_a_second_app_with_other_settings_is_refused():
    """A second ``create_app(settings)`` with other settings is refused by name and
    changes nothing: the settings are the process's, so the first app would follow."""
    before = get_settings()
    other = replace(before, url_prefix="/x/", language="sv")
    with pytest.raises(RuntimeError, match=r"other settings \(language, url_prefix differ\)"):
        create_app(other)
    assert get_settings() == before
