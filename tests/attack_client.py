"""What leaves the server, fetched as an attacker would: the data API, the CSV and XLSX
exports, the chart-card and KPI callbacks. Nothing here reads the database or calls
the app's Python functions: a ``Transport`` speaks HTTP (a Flask test client in the
tests, a real server in ``bench/attack_demo.py``).

``Served.view(chart, query)`` returns one view's rows in one shape, whichever interface
served them: ``Row(period, series, value, numerator, denominator)`` with ``None`` for a
withheld number. ``selections`` lists the unit selections an attacker asks for.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

SUPPRESSED = ".."


@dataclass(frozen=True)
class Row:
    period: date
    series: str
    value: float | None
    numerator: float | None
    denominator: float | None


@dataclass(frozen=True)
class Selection:
    """A unit selection as a query (``{"unit": ...}``; ``{}`` is the county) and the unit
    ids it covers (empty: every unit). ``form``: county | unit | node | set."""

    query: tuple[tuple[str, Any], ...]
    units: frozenset[str]
    form: str
    label: str

    def params(self) -> dict[str, Any]:
        return dict(self.query)


def _slug(name: str) -> str:
    """Service-area slug as the hierarchy names it (issue 8 design): lower case, ä→a,
    ö→o, å→a, anything else outside [a-z0-9] → "-"."""
    lowered = name.lower().replace("ä", "a").replace("ö", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]", "-", lowered)


def selections(units: list[dict], pairs: int | None = None) -> list[Selection]:
    """Every selection of the attack: the county, each unit, each hierarchy node
    (``municipality-<code>``, ``area-<slug>``), and arbitrary two-unit sets
    (``unit=A&unit=B``: refused once the hierarchy lands). ``units``: rows of the
    ``units`` table (unit_id, service_area, municipality_code). ``pairs`` caps the
    two-unit sets (None: all)."""
    out = [Selection((), frozenset(), "county", "county")]
    ids = sorted(u["unit_id"] for u in units)
    out += [Selection((("unit", uid),), frozenset({uid}), "unit", uid) for uid in ids]
    municipalities: dict[str, set[str]] = {}
    areas: dict[str, set[str]] = {}
    for u in units:
        municipalities.setdefault(u["municipality_code"], set()).add(u["unit_id"])
        areas.setdefault(u["service_area"], set()).add(u["unit_id"])
    for code, members in sorted(municipalities.items()):
        node = f"municipality-{code}"
        out.append(Selection((("unit", node),), frozenset(members), "node", node))
    for name, members in sorted(areas.items()):
        node = f"area-{_slug(name)}"
        out.append(Selection((("unit", node),), frozenset(members), "node", node))
    two = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    for a, b in two[:pairs] if pairs is not None else two:
        out.append(Selection((("unit", (a, b)),), frozenset({a, b}), "set", f"{a}+{b}"))
    return out


def children(parent: Selection, all_selections: list[Selection]) -> list[Selection]:
    """Selections whose units are a proper part of ``parent``'s (county: everything)."""
    return [
        s
        for s in all_selections
        if s is not parent and s.units and (not parent.units or (s.units < parent.units))
    ]


class FlaskTransport:
    """HTTP through a Flask test client."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str) -> tuple[int, bytes]:
        response = self.client.get(path)
        return response.status_code, response.get_data()

    def post(self, path: str, body: dict) -> tuple[int, bytes]:
        response = self.client.post(path, json=body)
        return response.status_code, response.get_data()


class HttpTransport:
    """HTTP to a running server at ``base`` (e.g. ``http://127.0.0.1:8050``)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def _open(self, request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get(self, path: str) -> tuple[int, bytes]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, body: dict) -> tuple[int, bytes]:
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        return self._open(urllib.request.Request(self.base + path, data, headers))


def _query(params: dict[str, Any]) -> str:
    flat = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            flat.append((key, item))
    return urlencode(flat)


def _number(text: Any) -> float | None:
    """A served number from JSON, CSV, XLSX or a card table; None when withheld."""
    if text is None:
        return None
    if isinstance(text, int | float):
        return float(text)
    text = str(text).replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    text = text.replace("%", "").replace("vrk", "").replace(",", ".").strip()
    if text in ("", SUPPRESSED):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _period_from_label(label: str) -> date | None:
    """``10/2026`` (month), ``Q4/2026`` (quarter), ``2026`` (year) -> first day."""
    if re.fullmatch(r"\d{4}", label):
        return date(int(label), 1, 1)
    match = re.fullmatch(r"Q([1-4])/(\d{4})", label)
    if match:
        return date(int(match.group(2)), 3 * int(match.group(1)) - 2, 1)
    match = re.fullmatch(r"(\d{1,2})/(\d{4})", label)
    if match:
        return date(int(match.group(2)), int(match.group(1)), 1)
    return None


@dataclass
class Served:
    """The attacker's client. ``labels`` maps a series label (as the files and card
    tables print it) to its key, for the series whose labels the catalog does not give
    (units, specialties); the catalog's own labels are read from ``/api/charts``."""

    transport: Any
    labels: dict[str, str] = field(default_factory=dict)
    _catalog: dict[str, dict[str, str]] | None = None
    requests: int = 0
    memo: dict[str, tuple[int, bytes]] | None = None  # set to {} to fetch each URL once

    def _get(self, path: str) -> tuple[int, bytes]:
        if self.memo is not None and path in self.memo:
            return self.memo[path]
        self.requests += 1
        answer = self.transport.get(path)
        if self.memo is not None:
            self.memo[path] = answer
        return answer

    def series_labels(self, chart: str) -> dict[str, str]:
        """Label -> series key of ``chart``'s catalog series plus ``self.labels``."""
        if self._catalog is None:
            _status, body = self._get("/api/charts")
            self._catalog = {c["id"]: c["series"] for c in json.loads(body)["charts"]}
        return {**self.labels, **{label: key for key, label in self._catalog[chart].items()}}

    def data_json(self, chart: str, params: dict[str, Any]) -> list[Row] | None:
        """The data API's rows; None when the request is refused (4xx)."""
        status, body = self._get(f"/api/charts/{chart}/data.json?{_query(params)}")
        if 400 <= status < 500:
            return None
        assert status == 200, (status, body[:200])
        return [
            Row(
                date.fromisoformat(r["period"]),
                r["series"],
                _number(r["value"]),
                _number(r["numerator"]),
                _number(r["denominator"]),
            )
            for r in json.loads(body)["rows"]
        ]

    def _file_rows(self, chart: str, records: list[dict[str, Any]]) -> list[Row]:
        labels = self.series_labels(chart)
        out = []
        for r in records:
            start = r["Jakson alku"]
            if isinstance(start, str):
                day, month, year = (int(p) for p in start.split("."))
                start = date(year, month, day)
            elif hasattr(start, "date"):
                start = start.date()
            out.append(
                Row(
                    start,
                    labels.get(r["Sarja"], r["Sarja"]),
                    _number(r["Arvo"]),
                    _number(r["Osoittaja"]),
                    _number(r["Nimittäjä"]),
                )
            )
        return out

    def data_csv(self, chart: str, params: dict[str, Any]) -> list[Row] | None:
        """The CSV export's rows (Finnish headers); None when refused."""
        status, body = self._get(f"/api/charts/{chart}/data.csv?{_query(params)}")
        if 400 <= status < 500:
            return None
        assert status == 200, (status, body[:200])
        text = body.decode("utf-8-sig")
        return self._file_rows(chart, list(csv.DictReader(io.StringIO(text), delimiter=";")))

    def data_xlsx(self, chart: str, params: dict[str, Any]) -> list[Row] | None:
        """The XLSX export's data sheet; None when refused."""
        from openpyxl import load_workbook

        status, body = self._get(f"/api/charts/{chart}/data.xlsx?{_query(params)}")
        if 400 <= status < 500:
            return None
        assert status == 200, (status, body[:200])
        sheet = load_workbook(io.BytesIO(body)).worksheets[0]
        cells = [[c.value for c in row] for row in sheet.iter_rows()]
        return self._file_rows(chart, [dict(zip(cells[0], row, strict=True)) for row in cells[1:]])

    def _callback(self, body: dict) -> dict | None:
        self.requests += 1
        status, raw = self.transport.post("/_dash-update-component", body)
        if 400 <= status < 500 or status == 204:
            return None
        assert status == 200, (status, raw[:200])
        return json.loads(raw)

    def card_table(self, chart: str, params: dict[str, Any], view: str = "series") -> list[Row]:
        """The "show as table" rows of a chart card (callback ``chart-table``, as the
        browser asks for it when the table is first opened): values only, as the card
        prints them. Empty when the callback refuses."""
        store = {"chart": chart, "filters": params, "lang": "fi"}
        table_id = '{"chart":["MATCH"],"type":"chart-table"}'
        body = {
            "output": f"..{table_id}.children...{table_id}.className..",
            "outputs": [
                {"id": {"chart": chart, "type": "chart-table"}, "property": prop}
                for prop in ("children", "className")
            ],
            "inputs": [
                {
                    "id": {"chart": chart, "type": "chart-table-open"},
                    "property": "n_clicks",
                    "value": 1,
                },
            ],
            "state": [
                {
                    "id": {"chart": chart, "type": "chart-table"},
                    "property": "className",
                    "value": "",
                },
                {
                    "id": {"chart": chart, "type": "chart-request"},
                    "property": "data",
                    "value": store,
                },
                {"id": {"chart": chart, "type": "chart-view"}, "property": "value", "value": view},
                {"id": {"chart": chart, "type": "chart-phases"}, "property": "data", "value": []},
                {
                    "id": {"chart": {"wild": "MATCH"}, "type": "chart-peers"},
                    "property": "value",
                    "value": None,
                },
            ],
            "changedPropIds": [f'{{"chart":"{chart}","type":"chart-table-open"}}.n_clicks'],
        }
        answer = self._callback(body)
        if answer is None:
            return []
        table = _find(answer, "Table")
        if table is None:
            return []
        header, *rows = _table_cells(table)
        labels = self.series_labels(chart)
        out = []
        for cells in rows:
            period = _period_from_label(cells[0])
            if period is None:
                continue
            for label, text in zip(header[1:], cells[1:], strict=False):
                value = _number(text)
                out.append(Row(period, labels.get(label, label), value, None, None))
        return out

    def kpi_rows(self, chart: str, params: dict[str, Any], series: str) -> list[Row]:
        """The numbers of a count chart's KPI card: its latest value and, from the change
        it prints ("▲ +8 vuodentakaisesta"), the value a year earlier (latest − change).
        ``series``: the chart's headline series. Empty when the card shows no number."""
        text = " ".join(self.kpi_text(chart, params).split())
        number = r"[−-]?\d[\d\u00a0 ]*(?:,\d+)?"
        match = re.match(
            rf"({number}) (\d{{1,2}}/\d{{4}}|Q[1-4]/\d{{4}}|\d{{4}}) \S* ?([+−-]?\d[\d ]*)", text
        )
        if not match:
            return []
        latest, change = _number(match.group(1)), _number(match.group(3))
        period = _period_from_label(match.group(2))
        if latest is None or period is None:
            return []
        rows = [Row(period, series, latest, None, None)]
        if change is not None:
            earlier = date(period.year - 1, period.month, 1)
            rows.append(Row(earlier, series, latest - change, None, None))
        return rows

    def kpi_text(self, chart: str, params: dict[str, Any]) -> str:
        """The text of a KPI card (callback ``kpi-body``), "" when refused."""
        store = {"chart": chart, "filters": params, "lang": "fi"}
        body = {
            "output": '{"chart":["MATCH"],"type":"kpi-body"}.children',
            "outputs": {"id": {"chart": chart, "type": "kpi-body"}, "property": "children"},
            "inputs": [
                {"id": {"chart": chart, "type": "kpi-request"}, "property": "data", "value": store},
                {
                    "id": {"chart": {"wild": "MATCH"}, "type": "kpi-retry"},
                    "property": "n_intervals",
                    "value": None,
                },
            ],
            "state": [
                {
                    "id": {"chart": {"wild": "MATCH"}, "type": "kpi-shown"},
                    "property": "data",
                    "value": None,
                }
            ],
            "changedPropIds": [f'{{"chart":"{chart}","type":"kpi-request"}}.data'],
        }
        answer = self._callback(body)
        return "" if answer is None else " ".join(_texts(answer))


def _find(node: Any, kind: str) -> dict | None:
    """The first Dash component of type ``kind`` in a callback answer."""
    if isinstance(node, dict):
        if node.get("type") == kind and "props" in node:
            return node
        for value in node.values():
            found = _find(value, kind)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _find(item, kind)
            if found is not None:
                return found
    return None


def _texts(node: Any) -> list[str]:
    """Every string under ``children`` in a component tree, in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in _texts(item)]
    if isinstance(node, dict):
        if "props" in node:
            return _texts(node["props"].get("children"))
        return [text for value in node.values() for text in _texts(value)]
    return []


def _table_cells(table: dict) -> list[list[str]]:
    """Rows of a rendered ``html.Table`` as lists of cell texts (header first)."""
    rows = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "props" in node:
            if node.get("type") == "Tr":
                rows.append([" ".join(_texts(cell)).strip() for cell in _cells(node)])
            else:
                walk(node["props"].get("children"))

    walk(table["props"].get("children"))
    return rows


def _cells(tr: dict) -> list[Any]:
    children = tr["props"].get("children")
    return children if isinstance(children, list) else [children]
