"""HTTP behaviour of every response the app sends: one correct ``Content-Type``, a safe
``Content-Disposition`` on downloads, and 4xx (never 5xx) for malformed requests to
Dash's own endpoints."""

from __future__ import annotations

import base64
import io
import re

import pytest
from werkzeug.http import parse_options_header

from app import app as dash_app
from callbacks import figure_import as figure_import_cb
from dashboards._figure_import import MAX_REQUEST_BYTES
from tests.callback_bodies import callback_body, server_outputs
from translations import t

SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def _content_type(response) -> tuple[str, dict[str, str]]:
    """The one Content-Type of ``response`` as (media type, parameters); fails when the
    header is sent twice or names a parameter twice."""
    (header,) = response.headers.getlist("Content-Type")
    names = [p.split("=", 1)[0].strip().lower() for p in header.split(";")[1:]]
    assert len(names) == len(set(names)), f"a parameter is repeated in {header!r}"
    return parse_options_header(header)


def _attachment(response) -> str:
    (header,) = response.headers.getlist("Content-Disposition")
    kind, params = parse_options_header(header)
    assert kind == "attachment"
    assert set(params) == {"filename"}  # ASCII name: no filename* encoding needed
    assert SAFE_NAME.match(params["filename"])
    return params["filename"]


def test_h001_downloads_declare_one_type_and_a_safe_file_name(client):
    """Downloads declare one content type, one charset for text, and a safe dated file name."""
    query = "?from=2024-01&to=2024-02"
    csv = client.get("/api/charts/hoitotakuu-7vrk/data.csv" + query)
    assert csv.status_code == 200
    # text/csv once, with exactly one charset (it used to say charset=utf-8 twice).
    assert _content_type(csv) == ("text/csv", {"charset": "utf-8"})
    # <chart id>_<data as of>: the foundation data ends on 2024-04-30.
    assert _attachment(csv) == "hoitotakuu-7vrk_2024-04-30.csv"

    xlsx = client.get("/api/charts/hoitotakuu-7vrk/data.xlsx" + query)
    assert xlsx.status_code == 200
    # A binary type takes no charset.
    assert _content_type(xlsx) == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        {},
    )
    assert _attachment(xlsx) == "hoitotakuu-7vrk_2024-04-30.xlsx"

    data = client.get("/api/charts/hoitotakuu-7vrk/data.json" + query)
    assert _content_type(data) == ("application/json", {})
    assert "Content-Disposition" not in data.headers  # read in place by tools


def test_h002_pages_api_errors_and_dash_endpoints_declare_one_type(client):
    """Pages, API answers, errors and Dash endpoints declare one type, no attachment."""
    page = client.get("/digipalvelut?unit=TA01")
    assert page.status_code == 200
    assert _content_type(page) == ("text/html", {"charset": "utf-8"})
    for path in (
        "/api/charts",
        "/api/charts/ei-ole/data.json",
        "/healthz",
        "/readyz",
        "/api/charts/hoitotakuu-7vrk/data.csv?grain=week",
        "/_dash-layout",
        "/_dash-dependencies",
    ):
        response = client.get(path)
        assert _content_type(response) == ("application/json", {}), path
        assert "Content-Disposition" not in response.headers, path


def test_h003_the_powerpoint_download_names_its_type_and_a_safe_file(reporting_db):
    """The PowerPoint download carries the pptx MIME type and a safe dated file name."""
    from contextvars import copy_context
    from datetime import date

    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from callbacks.exports_pptx import export_pptx
    from dashboards._export import IDS

    def press_the_page_button():
        # Dash's documented way to unit-test a callback that reads ctx.triggered_id.
        context_value.set(
            AttributeDict(triggered_inputs=[{"prop_id": IDS["page"] + ".n_clicks", "value": 1}])
        )
        return export_pptx(
            lambda _progress: None,
            1,
            None,
            {"page": "tietopohja", "charts": ["hoitotakuuseuranta-kattavuus"], "lang": "fi"},
            None,
            {"page": "tietopohja", "search": "?from=2024-01&to=2024-02", "token": "t"},
        )

    download, status = copy_context().run(press_the_page_button)
    assert "valmis" in status
    # dcc.Download makes its Blob with this type; without it the type was text/plain.
    assert download["type"] == (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )
    assert download["filename"] == f"tietokeskustelut_tietopohja_{date.today().isoformat()}.pptx"
    assert SAFE_NAME.match(download["filename"])


@pytest.mark.unit
def test_h004_download_names_keep_only_safe_characters():
    """Download names replace unsafe runs with "-" and trim leading or trailing "-" and "."."""
    from exports.files import download_name

    assert download_name("jonot", "2024-04-30", extension="csv") == "jonot_2024-04-30.csv"
    # "../" and the space and quote cannot reach a header or a path: each run becomes "-"
    # and a leading or trailing "-" or "." goes ("../x y" -> "-x-y" -> "x-y").
    assert download_name('../x y"', "ä", extension="pp/tx") == "x-y_-.pptx"


# --- Dash's own endpoints (item 17) ------------------------------------------------

CHART_BODY = '{"chart":["MATCH"],"type":"chart-body"}.children'


def _output(start: str) -> str:
    """The callback-map key of a multi-output callback (Dash fills the map at the first
    request, so this is looked up in the tests, not at import)."""
    return next(o for o in dash_app.callback_map if o.startswith(start))


def _chart_request(chart: str = "hoitotakuu-7vrk") -> dict:
    """A well-formed request for the chart card callback, as the renderer sends it."""
    return callback_body(
        dash_app,
        CHART_BODY,
        values=lambda e: (
            {"chart": chart, "filters": {"from": "2024-01"}, "lang": "fi"}
            if e["id"]["type"] == "chart-request"
            else []
            if e["id"]["type"] == "chart-phases"
            else "series"
        ),
        fill=lambda _key, _i: chart,
    )


def _without(body: dict, key: str) -> dict:
    return {k: v for k, v in body.items() if k != key}


def _with(body: dict, **changes) -> dict:
    return {**body, **changes}


# How the renderer sends a card's retry interval while the card has none (it is there
# only while the card shows a last good result or the database notice).
ABSENT_RETRY = {
    "id": {"chart": {"wild": "MATCH"}, "type": "chart-retry"},
    "property": "n_intervals",
    "allow_optional": True,
    "value": None,
}


def _malformed_bodies() -> dict[str, object]:
    """Requests the renderer never sends, each for its own reason."""
    good = _chart_request()
    request_entry, view_entry, phases_entry, retry_entry, *rest = good["inputs"]
    other_card = {"id": {"chart": "jonot", "type": "chart-view"}, "property": "value"}
    filters = callback_body(dash_app, "address-proposal.data")
    fewer_stores = [*filters["state"]]
    fewer_stores[0] = fewer_stores[0][:1]  # 1 card view id in state, 2 views in inputs
    return {
        "empty object": {},
        "a list": [],
        "a number": 7,
        "null": None,
        "output missing": _without(good, "output"),
        "output not text": _with(good, output=["x"]),
        "unknown output": _with(good, output="ei-ole.children"),
        "clientside output": _with(good, output="app-header.hidden"),
        "inputs missing": _without(good, "inputs"),
        "inputs not a list": _with(good, inputs="x"),
        "too few inputs": _with(good, inputs=[request_entry, view_entry]),
        "input not an object": _with(
            good, inputs=[request_entry, "series", phases_entry, retry_entry, *rest]
        ),
        "input of another component": _with(
            good, inputs=[request_entry, other_card, phases_entry, retry_entry, *rest]
        ),
        "input with another property": _with(
            good,
            inputs=[
                request_entry,
                {**view_entry, "property": "options"},
                phases_entry,
                retry_entry,
                *rest,
            ],
        ),
        "id of the wrong type": _with(
            good,
            inputs=[
                request_entry,
                {**view_entry, "id": ["chart-view"]},
                phases_entry,
                retry_entry,
                *rest,
            ],
        ),
        "wildcard value not text": _with(
            good,
            inputs=[
                request_entry,
                {**view_entry, "id": {"chart": {}, "type": "chart-view"}},
                phases_entry,
                retry_entry,
                *rest,
            ],
        ),
        "outputs missing": _without(good, "outputs"),
        "outputs a list": _with(good, outputs=[good["outputs"]]),
        "MATCH values differ": _with(
            good,
            inputs=[
                request_entry,
                {**other_card, "value": "series"},
                phases_entry,
                retry_entry,
                *rest,
            ],
        ),
        # The renderer's form of an optional input that is not on the page (the
        # pattern, ``{"wild": "MATCH"}``, value null) only for an optional input, and
        # only without a value.
        "absent form with a value": _with(
            good,
            inputs=[request_entry, view_entry, phases_entry, {**ABSENT_RETRY, "value": 3}, *rest],
        ),
        "absent form of a required input": _with(
            good,
            inputs=[
                {**request_entry, "id": {"chart": {"wild": "MATCH"}, "type": "chart-request"}},
                view_entry,
                phases_entry,
                ABSENT_RETRY,
                *rest,
            ],
        ),
        "changedPropIds not a list": _with(good, changedPropIds="x"),
        "changedPropIds not an input": _with(good, changedPropIds=["filter-from.value"]),
        "changedPropIds bad JSON": _with(good, changedPropIds=['{"chart".value']),
        "ALL pattern with two sizes": _with(filters, state=fewer_stores),
        "router pathname not text": _with(
            callback_body(
                dash_app, next(o for o in dash_app.callback_map if "_pages_content" in o)
            ),
        ),
    }


@pytest.fixture
def dash_client(client):
    """The test client after a first request (at which Dash completes its callback map)."""
    client.get("/")
    return client


def test_h005_malformed_callback_requests_answer_400_with_a_message(dash_client):
    """Malformed callback requests answer 400 with a message; real browser requests get 200."""
    client = dash_client
    good = client.post("/_dash-update-component", json=_chart_request())
    assert good.status_code == 200 and "chart-body" in good.get_data(as_text=True)
    # As the browser sends it: the retry interval and its store absent.
    browser = _chart_request()
    browser["inputs"][3] = ABSENT_RETRY
    browser["state"] = [
        {
            **ABSENT_RETRY,
            "id": {"chart": {"wild": "MATCH"}, "type": "chart-shown"},
            "property": "data",
        }
    ]
    answer = client.post("/_dash-update-component", json=browser)
    assert answer.status_code == 200 and "chart-body" in answer.get_data(as_text=True)
    for name, body in _malformed_bodies().items():
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 400, name
        assert response.get_json()["error"] == t("http.bad_request"), name
    for raw, kind in (
        (b"{not json", "application/json"),
        (b"a=1", "text/plain"),
        (b"[" * 100_000, "application/json"),
    ):
        response = client.post("/_dash-update-component", data=raw, content_type=kind)
        assert response.status_code == 400, raw[:10]


def test_h006_unknown_component_suite_files_are_404(dash_client):
    """Unknown or traversing component-suite paths answer 404 with a message."""
    client = dash_client
    known = client.get("/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m1.js")
    assert known.status_code == 200
    for path in (
        "dash/nope.js",
        "nope/nope.js",
        "dash/deps/nope.js",
        "dash/..%2F..%2Fapp.py",
        "plotly/package_data/plotly.min.js.v1_0_0m1.exe",
    ):
        response = client.get("/_dash-component-suites/" + path)
        assert response.status_code == 404, path
        assert response.get_json()["error"] == t("http.not_found")


def test_h007_real_server_errors_stay_500_and_are_logged(dash_client, monkeypatch, caplog):
    """A real bug in a callback still answers 500 and is logged."""
    client = dash_client
    import callbacks.filters

    def broken(*_args):
        raise RuntimeError("a bug in the callback")

    monkeypatch.setattr(callbacks.filters, "month_options", broken)
    body = callback_body(
        dash_app, "..filter-from.options...filter-to.options..", values=lambda _e: None
    )
    with caplog.at_level("ERROR"):
        response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 500
    assert "a bug in the callback" in caplog.text


def test_h008_forged_background_polls_are_not_server_errors(dash_client):
    """Forged background job polls are not answered with server errors."""
    client = dash_client
    (output,) = server_outputs(dash_app, background=True)
    body = callback_body(dash_app, output, values=lambda _e: None)
    for query in (
        "?cacheKey=forged&job=123",
        "?cacheKey=x&job=y&endId=z&oldJob=1",
        "?oldJob=" + "9" * 30,
    ):
        response = client.post("/_dash-update-component" + query, json=body)
        assert response.status_code < 500, query


def test_h009_callbacks_take_values_of_the_wrong_type(dash_client):
    """Found by the fuzz tests: the filter bar's callback iterated each unit checklist's
    value, so a number there was a 500. Each callback validates the values it gets."""
    odd = {"unit-group": 1.5, "filter-from": 202401, "filter-grain": {"a": 1}}
    body = callback_body(
        dash_app,
        "address-proposal.data",
        values=lambda e: odd.get(e["id"] if isinstance(e["id"], str) else e["id"]["type"]),
    )
    # The page on screen: the overview at the default address.
    for entry in body["state"]:
        if isinstance(entry, dict) and entry["id"] == "page-state":
            entry["value"] = {"page": "", "search": "", "token": "t"}
    response = dash_client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    # Nothing valid was chosen: the proposed address carries no filters (search ""),
    # and the status names the month and the grain that were rejected ("202401" is no
    # YYYY-MM).
    proposal = response.get_json()["response"]["address-proposal"]["data"]
    assert proposal["search"] == "" and proposal["token"] == "t"
    # Each rejected value is named (in quotes, as text).
    assert "Alkukuukausi \u201d202401\u201d ei ole muotoa VVVV-KK" in proposal["status"]
    assert "Aikataso \u201d{'a': 1}\u201d ei kelpaa" in proposal["status"]


def test_h011_unknown_chart_in_a_card_callback_is_404_with_a_message(dash_client):
    """An unknown chart in a card callback is a 404 naming it; another card's chart is a 400."""
    # Before: the card answered 200 with "cannot reach the reporting database".
    response = dash_client.post("/_dash-update-component", json=_chart_request("ei-ole"))
    assert response.status_code == 404
    assert response.get_json()["error"] == (
        "Pyyntöä ei palveltu, koska kuvaajaa \u201dei-ole\u201d ei ole."
    )
    # A card of a known chart whose request store names an unknown one: the same.
    body = _chart_request()
    for entry in body["inputs"]:
        if entry["id"]["type"] == "chart-request":
            entry["value"] = {"chart": "<x>", "filters": {}, "lang": "fi"}
    refused = dash_client.post("/_dash-update-component", json=body)
    assert refused.status_code == 404
    assert (
        refused.get_json()["error"] == "Pyyntöä ei palveltu, koska kuvaajaa \u201d<x>\u201d ei ole."
    )
    # ... and naming another known chart than its own card is malformed: 400.
    for entry in body["inputs"]:
        if entry["id"]["type"] == "chart-request":
            entry["value"] = {"chart": "jonot", "filters": {}, "lang": "fi"}
    assert dash_client.post("/_dash-update-component", json=body).status_code == 400


@pytest.mark.unit
def test_h012_card_callback_itself_names_an_unknown_chart():
    """The card callback names an unknown chart instead of blaming the database."""
    from callbacks.chart_cards import chart_card_body

    body = str(chart_card_body({"chart": "ei-ole", "filters": {}, "lang": "fi"}))
    assert "Pyyntöä ei palveltu, koska kuvaajaa \u201dei-ole\u201d ei ole." in body
    assert "Raportointitietokantaan" not in body


@pytest.mark.unit
def test_h090_an_unreachable_job_broker_is_a_503_in_finnish_without_a_traceback():
    """An unreachable job broker answers 503 with a Finnish message, no traceback or detail."""
    # What Celery raises when TK_CELERY_BROKER_URL does not answer while an export is
    # queued: the handler answers instead of Flask's 500.
    from kombu.exceptions import OperationalError

    from app import app as dash_app

    server = dash_app.server
    with server.test_request_context("/_dash-update-component", method="POST"):
        response = server.make_response(
            server.handle_user_exception(OperationalError("Error 111 connecting"))
        )
    assert response.status_code == 503
    message = response.get_json()["error"]
    assert message.startswith("PowerPoint-vienti ei ole juuri nyt käytettävissä")
    assert "Traceback" not in message and "111" not in message


class _Zeros(io.RawIOBase):
    """A request body of ``size`` zero bytes made as it is read, counting what was read
    (so that a test can send a body over the limit without holding it). Seekable only
    as far as the test client asks to find its length."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self.size + offset if whence == 2 else offset
        return self.position

    def readinto(self, buffer) -> int:
        n = max(min(len(buffer), self.size - self.position), 0)
        buffer[:n] = b"\0" * n
        self.position += n
        self.read_bytes += n
        return n


def test_h013_a_body_over_the_request_limit_is_413_unread(dash_client, monkeypatch):
    """A callback body one byte over MAX_REQUEST_BYTES is answered 413 in Finnish, never read."""
    reached = []
    monkeypatch.setattr(figure_import_cb, "decode_upload", lambda *a: reached.append(a))
    # 16 MiB = 16 · 1024 · 1024 = 16 777 216 bytes; one more is over the limit.
    assert dash_app.server.config["MAX_CONTENT_LENGTH"] == MAX_REQUEST_BYTES == 16_777_216
    body = _Zeros(16_777_217)
    response = dash_client.post(
        "/_dash-update-component",
        input_stream=body,  # its length is stated: 16 777 217
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json() == {
        "error": "Pyyntöä ei palveltu, koska se on liian suuri: enintään 16 Mt. "
        "Tiedoston voi tuoda enintään 5 Mt:n kokoisena."
    }
    assert body.read_bytes == 0  # refused on its stated length: nothing parsed
    assert reached == []  # the upload callback never ran


def test_h014_an_upload_of_the_file_limit_fits_in_a_request(dash_client):
    """A 5 MB file as the upload callback's JSON body is under the request limit and answered."""
    content = b"x" * (5 * 1024 * 1024)  # MAX_BYTES: 5 242 880 bytes
    contents = "data:text/csv;base64," + base64.b64encode(content).decode()
    # base64: 4 characters per 3 bytes, 5 242 880 / 3 · 4 = 6 990 508 (rounded up to
    # whole groups: 1 747 627 groups · 4 = 6 990 508): far under 16 777 216.
    assert len(contents) == len("data:text/csv;base64,") + 6_990_508
    values = {"contents": contents, "filename": "luvut.csv", "lang": "fi"}
    output = next(  # the preview: the server callback with the upload's contents as input
        key
        for key, entry in dash_app.callback_map.items()
        if "callback" in entry
        and entry["inputs"] == [{"id": "figure-import-upload", "property": "contents"}]
    )
    body = callback_body(dash_app, output, values=lambda entry: values.get(entry["property"]))
    response = dash_client.post("/_dash-update-component", json=body)
    assert response.status_code == 200  # read and answered (a reader: no editor here)


def test_h015_a_streamed_body_over_the_request_limit_is_413(dash_client):
    """A chunked callback body past MAX_REQUEST_BYTES is 413, read only up to the limit."""
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    environ = EnvironBuilder(
        path="/_dash-update-component", method="POST", content_type="application/json"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    body = _Zeros(16_777_217)  # 16 · 1024 · 1024 + 1 bytes, streamed
    environ.update(
        {"wsgi.input": body, "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"}
    )
    chunks, status, _headers = run_wsgi_app(dash_app.server.wsgi_app, environ, buffered=True)
    assert status.startswith("413")
    assert b"liian suuri" in b"".join(chunks)
    assert body.read_bytes == 16_777_216  # werkzeug stops reading at the limit


@pytest.mark.unit
def test_h016_a_too_large_request_to_a_page_address_is_an_html_page_in_its_language():
    """Outside the machine paths a 413 is a short HTML page in the asked language."""
    from werkzeug.exceptions import RequestEntityTooLarge

    server = dash_app.server
    with server.test_request_context("/tuonti?lang=en", method="POST"):
        response = server.make_response(server.handle_user_exception(RequestEntityTooLarge()))
    assert response.status_code == 413 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Request too large</h1>" in page
    assert "at most 16 MB. A file to import may be at most 5 MB." in page
