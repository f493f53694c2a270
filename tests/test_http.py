"""HTTP behaviour of every response the app sends: one correct ``Content-Type``, a safe
``Content-Disposition`` on downloads, and 4xx (never 5xx) for malformed requests to
Dash's own endpoints."""

from __future__ import annotations

import re

from werkzeug.http import parse_options_header

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
            "?from=2024-01&to=2024-02",
            [],
            [],
        )

    download, status = copy_context().run(press_the_page_button)
    assert "valmis" in status
    # dcc.Download makes its Blob with this type; without it the type was text/plain.
    assert download["type"] == (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )
    assert download["filename"] == f"tietokeskustelut_tietopohja_{date.today().isoformat()}.pptx"
    assert SAFE_NAME.match(download["filename"])


def test_h004_download_names_keep_only_safe_characters():
    from exports.files import download_name

    assert download_name("jonot", "2024-04-30", extension="csv") == "jonot_2024-04-30.csv"
    # "../" and the space and quote cannot reach a header or a path: each run becomes "-"
    # and a leading or trailing "-" or "." goes ("../x y" -> "-x-y" -> "x-y").
    assert download_name('../x y"', "ä", extension="pp/tx") == "x-y_-.pptx"
