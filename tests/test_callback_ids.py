"""Every component id a callback listens to, reads or writes is on a page: in the app
shell or in the layout of some page (in Finnish, the default language), as a page is
laid out for its address. A callback naming an id no layout has would never fire, or
fail in the browser; ``suppress_callback_exceptions`` hides that from Dash's own check.

A callback's required ids must all be on one page (with the shell and what that page's
callbacks render): ids spread over two pages never meet in the browser. Its optional
ids (``allow_optional``, and ``ALL`` patterns, which may match none) need to be
somewhere. Each property it names must be one the
component has. A pattern-matching id (a dict with ``MATCH``/``ALL``/``ALLSMALLER``)
matches a layout id with the same keys whose values equal its non-wildcard ones."""

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

WILD = "*"  # a wildcard's place in an id key
_WILDCARDS = {"MATCH", "ALL", "ALLSMALLER"}


def _as_dict(component_id: object) -> object:
    """A dict id as a dict (Dash keeps a callback's dict id as JSON); others as given."""
    if isinstance(component_id, str) and component_id.startswith("{"):
        return json.loads(component_id)
    return component_id


def _wildcard(value: object) -> str | None:
    """The wildcard a dict id's value is (``"MATCH"``, ``"ALL"``, ``"ALLSMALLER"``:
    Dash's enum, or ``["MATCH"]`` in its JSON), else None."""
    if isinstance(value, type(dash.MATCH)):
        return str(value)
    if isinstance(value, list) and value and value[0] in _WILDCARDS:
        return value[0]
    return None


def id_key(component_id: object) -> tuple:
    """A comparable form of a component id: ``("id", name)`` for a string id,
    ``("dict", ((key, value), ...))`` for a dict id (keys sorted, a wildcard as
    ``WILD``)."""
    component_id = _as_dict(component_id)
    if not isinstance(component_id, dict):
        return ("id", component_id)
    items = []
    for key, value in sorted(component_id.items()):
        wild = _wildcard(value) is not None
        items.append((key, WILD if wild else json.dumps(value, sort_keys=True)))
    return ("dict", tuple(items))


def matches(wanted: tuple, present: tuple) -> bool:
    """Whether a callback's id key ``wanted`` names the layout id key ``present``."""
    if wanted[0] != present[0]:
        return False
    if wanted[0] == "id":
        return wanted == present
    if [key for key, _ in wanted[1]] != [key for key, _ in present[1]]:
        return False
    return all(v in (WILD, p) for (_, v), (_, p) in zip(wanted[1], present[1], strict=True))


def layout_components(node: object) -> dict[tuple, set[str]]:
    """The components with an id in a tree, in every property that holds components:
    id key -> the property names the component has."""
    found: dict[tuple, set[str]] = {}
    if isinstance(node, list | tuple):
        for part in node:
            _merge(found, layout_components(part))
    elif isinstance(node, dict):
        for value in node.values():
            _merge(found, layout_components(value))
    elif isinstance(node, Component):
        component_id = getattr(node, "id", None)
        if component_id is not None:
            found.setdefault(id_key(component_id), set()).update(node._prop_names)
        for name in node._prop_names:
            _merge(found, layout_components(getattr(node, name, None)))
    return found


def _merge(into: dict[tuple, set[str]], more: dict[tuple, set[str]]) -> None:
    for key, names in more.items():
        into.setdefault(key, set()).update(names)


def layout_ids(node: object) -> set[tuple]:
    """The id keys in a component tree (``layout_components`` without the properties)."""
    return set(layout_components(node))


def callback_dependencies(app: dash.Dash) -> list[tuple[str, list[tuple[tuple, str, bool]]]]:
    """Every callback on ``app`` as (its outputs' name, its ids): (id key, property,
    optional) for each output, input and state. Optional: ``allow_optional``, or an
    ``ALL``/``ALLSMALLER`` pattern (which may match no component on a page)."""
    found = []
    for name, entry in app.callback_map.items():
        declared = entry["output"]
        outputs = declared if isinstance(declared, list | tuple) else [declared]
        ids = [
            (id_key(o.component_id), o.component_property, _matches_any_number(o.component_id))
            for o in outputs
        ]
        for dependency in (*entry["inputs"], *entry["state"]):
            optional = bool(dependency.get("allow_optional"))
            optional = optional or _matches_any_number(dependency["id"])
            ids.append((id_key(dependency["id"]), dependency["property"], optional))
        found.append((name, ids))
    return found


def _matches_any_number(component_id: object) -> bool:
    """Whether an id has an ``ALL`` or ``ALLSMALLER`` wildcard: it stands for every
    matching component, none included, so a page may have none of them."""
    component_id = _as_dict(component_id)
    return isinstance(component_id, dict) and any(
        _wildcard(value) in ("ALL", "ALLSMALLER") for value in component_id.values()
    )


def callback_ids(app: dash.Dash) -> set[tuple]:
    """The id keys of every callback's inputs, states and outputs on ``app``."""
    return {key for _, ids in callback_dependencies(app) for key, _, _ in ids}


def _has(environment: dict[tuple, set[str]], key: tuple, prop: str) -> bool:
    """Whether a component matching ``key`` with property ``prop`` is in ``environment``
    (``data-*``/``aria-*`` attributes are any HTML component's)."""
    return any(
        matches(key, present) and (prop in names or prop.startswith(("data-", "aria-")))
        for present, names in environment.items()
    )


def unmet_callbacks(app: dash.Dash, environments: list[dict[tuple, set[str]]]) -> list[str]:
    """The callbacks of ``app`` no environment (a page with the shell and what its
    callbacks render) serves: a required id and property missing from every page that
    has the others, or an optional one missing everywhere; as readable lines."""
    unmet = []
    for name, ids in callback_dependencies(app):
        required = [(key, prop) for key, prop, optional in ids if not optional]
        optional = [(key, prop) for key, prop, is_optional in ids if is_optional]
        if not any(all(_has(env, key, prop) for key, prop in required) for env in environments):
            unmet.append(f"{name}: its required ids are on no one page")
        for key, prop in optional:
            if not any(_has(env, key, prop) for env in environments):
                unmet.append(f"{name}: optional {key} {prop} on no page")
    return unmet


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


def card_body_components(layout: object) -> dict[tuple, set[str]]:
    """The components in the bodies the card callbacks render into ``layout``'s chart
    cards (every view a chart offers) and KPI cards, computed on the reporting
    database (``layout_components``' form)."""
    found: dict[tuple, set[str]] = {}
    for request in requests_in(layout, "chart"):
        for view in available_views(CHARTS[request["chart"]]):
            _merge(found, layout_components(chart_card_body(request, view)))
    for request in requests_in(layout, "kpi"):
        _merge(found, layout_components(kpi_card_body(request)))
    return found


def page_layouts(app: dash.Dash, parameters: dict[str, str]) -> dict[str, object]:
    """Every registered page's layout, laid out for its path with ``parameters`` in
    its path template: page module -> layout."""
    layouts = {}
    for module, page in dash.page_registry.items():
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
            layouts[module] = layout(**wanted) if callable(layout) else layout
    return layouts


@pytest.mark.parametrize("reporting_db", ["duckdb"], indirect=True)
def test_ci001_every_callback_is_served_by_one_page(reporting_db, meeting):
    """Each callback's required ids and properties are on one page (with the shell and
    what that page's callbacks render), its optional ones on some page."""
    parameters, coming = meeting
    shell = layout_components(dash_app.layout)
    layouts = page_layouts(dash_app, parameters)
    environments = {}
    for module, layout in layouts.items():
        environment = dict(shell)
        _merge(environment, layout_components(layout))
        with dash_app.server.test_request_context():
            _merge(environment, card_body_components(layout))
        environments[module] = environment
    with dash_app.server.test_request_context():
        # Rendered by callbacks on their page: the coming meeting's suggestions on the
        # meeting page, and the card bodies while the reporting database is away.
        suggestions, _data = load_suggestions(coming)
        _merge(environments["dashboards.meetings_meeting"], layout_components(suggestions))
        use_reporting_db("duckdb:////nonexistent/tk-callback-ids.duckdb")
        for module in ("dashboards.overview", "dashboards.hoitoonpaasy"):
            _merge(environments[module], card_body_components(layouts[module]))
    unmet = unmet_callbacks(dash_app, list(environments.values()))
    assert not unmet, "\n".join(unmet)


@pytest.mark.unit
def test_ci002_ids_match_by_all_their_keys_on_one_page_with_their_properties():
    """Dict ids match on every key (wildcards excepted); required ids split over two
    pages, a wrong property or an id on no page leave a callback unmet."""
    tree = dash.html.Div(
        [dash.html.Span(id="a"), dash.dcc.Loading(dash.html.P(id={"type": "t", "n": 1}))],
        title="no component here",
    )
    tab = dash.dcc.Tab(label=dash.html.B(id="in-label"), children=[dash.html.I(id="b")])
    assert layout_ids([tree, tab]) == {
        ("id", "a"),
        ("dict", (("n", "1"), ("type", '"t"'))),
        ("id", "in-label"),
        ("id", "b"),
    }
    wanted = id_key({"type": "t", "n": dash.MATCH})
    assert matches(wanted, id_key({"type": "t", "n": 7}))
    assert matches(id_key('{"n":["ALL"],"type":"t"}'), id_key({"type": "t", "n": 7}))
    assert not matches(wanted, id_key({"type": "t", "n": 7, "extra": 1}))  # other keys
    assert not matches(id_key({"type": "t", "n": 2}), id_key({"type": "t", "n": 1}))
    assert not matches(id_key({"type": "u", "n": dash.MATCH}), id_key({"type": "t", "n": 1}))

    app = dash.Dash(__name__)

    @app.callback(
        dash.Output({"type": "out", "n": dash.MATCH}, "children"),
        dash.Input({"type": "in", "n": dash.MATCH}, "value"),
        dash.State("st", "value", allow_optional=True),
    )
    def _echo(value, state):
        return value

    name = next(iter(app.callback_map))
    out = dash.html.Div(id={"type": "out", "n": 1})
    field = dash.dcc.Input(id={"type": "in", "n": 1})
    optional = dash.dcc.Input(id="st")
    one_page = layout_components([out, field])
    assert unmet_callbacks(app, [one_page, layout_components(optional)]) == []
    # The same ids over two pages never meet in one browser page.
    split = [layout_components(out), layout_components([field, optional])]
    assert unmet_callbacks(app, split) == [f"{name}: its required ids are on no one page"]
    # A component without the property the callback reads: a Div has no "value".
    wrong = layout_components([out, dash.html.Div(id={"type": "in", "n": 1}), optional])
    assert unmet_callbacks(app, [wrong]) == [f"{name}: its required ids are on no one page"]
    # The optional state may be on another page, but on some page.
    assert unmet_callbacks(app, [one_page]) == [f"{name}: optional ('id', 'st') value on no page"]


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
