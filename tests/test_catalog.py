"""Contract tests: every catalog entry is complete and every page renders without a DB."""

from __future__ import annotations

import importlib
import re

import pytest

from charts.areas import INVESTMENT_AREAS
from charts.catalog import CHARTS, ChartSpec, register
from translations import catalog

pytestmark = pytest.mark.unit

FI = catalog("fi")
PAGE_MODULES = ["dashboards.overview"] + [f"dashboards.{a.slug}" for a in INVESTMENT_AREAS]


@pytest.mark.parametrize("chart_id", sorted(CHARTS))
def test_c001_entry_has_texts_query_and_series(chart_id):
    """Each catalog entry has a kebab-case id, Finnish texts for parts and series, and a loader."""
    spec = CHARTS[chart_id]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", spec.id)
    for part in ("title", "definition", "source"):
        assert spec.text_key(part) in FI, f"missing {spec.text_key(part)}"
    for series in spec.series:
        assert spec.series_key(series) in FI
    assert callable(spec.load) and spec.series


def test_c002_every_area_has_a_chart():
    """Every investment area has at least one chart in the catalog."""
    areas = {spec.area for spec in CHARTS.values()}
    assert areas == {area.slug for area in INVESTMENT_AREAS}
    # The catalog (and /api/charts) lists the areas' charts in the areas' order.
    in_order = [spec.area for spec in CHARTS.values()]
    assert list(dict.fromkeys(in_order)) == [area.slug for area in INVESTMENT_AREAS]


def test_c003_register_rejects_bad_and_duplicate_ids():
    """register() rejects a non-kebab id, a duplicate id and an unknown area."""

    def spec(chart_id, area="digipalvelut"):
        return ChartSpec(id=chart_id, area=area, unit="count", load=len, series=("s",))

    with pytest.raises(ValueError):
        register(spec("Not_Kebab"))
    with pytest.raises(ValueError):
        register(spec("digiasiointi-osuus"))
    with pytest.raises(ValueError):
        register(spec("new-chart", area="nowhere"))
    assert "new-chart" not in CHARTS


@pytest.mark.parametrize("module_name", PAGE_MODULES)
def test_c004_page_layout_runs_without_arguments_or_database(module_name, monkeypatch):
    """Each page layout builds without arguments or database; garbage parameters give a notice."""
    import queries.engine

    def no_database():
        raise AssertionError("layout() must not touch the database")

    monkeypatch.setattr(queries.engine, "get_engine", no_database)
    module = importlib.import_module(module_name)
    assert module.layout() is not None
    # Garbage parameters give a notice, not an exception.
    page = module.layout(**{"from": "2024-99", "grain": "week", "unit": "<script>"})
    assert "url-notice" in str(page)


def test_c005_area_pages_list_known_ids_and_ids_are_unique():
    """Area pages list only their own area's charts, and no chart is on two pages."""
    seen = []
    for area in INVESTMENT_AREAS:
        module = importlib.import_module(f"dashboards.{area.slug}")
        for chart_id in module.CHART_IDS:
            assert CHARTS[chart_id].area == area.slug
            seen.append(chart_id)
    assert len(seen) == len(set(seen))


def test_c006_overview_kpis_are_known_charts_of_their_area():
    """The overview has KPIs for every area, each a chart of that area."""
    kpis = importlib.import_module("dashboards.overview").KPI_IDS
    assert set(kpis) == {area.slug for area in INVESTMENT_AREAS}
    for area, ids in kpis.items():
        assert ids and all(CHARTS[chart_id].area == area for chart_id in ids)
