"""The README's chart table is the one the catalog gives (``charts.readme_table``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from charts import catalog, readme_table
from charts.catalog import CHARTS

pytestmark = pytest.mark.unit


def test_rt001_readme_table_is_current():
    """README.md holds the generated table: a chart added, renamed or retargeted
    without running ``python -m charts.readme_table`` fails here."""
    assert readme_table.main(["--check"]) == 0, (
        "README.md's chart table is not the catalog's: run `python -m charts.readme_table` "
        "to rewrite it, then commit README.md"
    )


def test_rt002_a_row_states_the_entry_by_hand():
    """One row worked out by hand from the entry and its English title."""
    rows = readme_table.chart_table().splitlines()
    assert (
        "| `/ennaltaehkaisy` | `matalan-kynnyksen-ryhmat` | Low-threshold multiprofessional "
        "groups | count | `matalan-kynnyksen-ryhmat` | rounded; `groups` exact |"
    ) in rows
    assert len(rows) == 2 + len(CHARTS)


def test_rt003_a_stale_table_fails_the_check(tmp_path, monkeypatch, capsys):
    """A catalog change not written into the README makes --check exit 1 with the fix
    in its message, and writing the table makes it pass again."""
    readme = tmp_path / "README.md"
    readme.write_text(readme_table.README.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(readme_table, "README", readme)
    changed = dict(CHARTS)
    changed["jonot"] = replace(CHARTS["jonot"], unit="days")
    monkeypatch.setattr(readme_table, "CHARTS", changed)
    assert readme_table.main(["--check"]) == 1
    assert "python -m charts.readme_table" in capsys.readouterr().err
    assert readme_table.main([]) == 0
    assert readme_table.main(["--check"]) == 0
    jonot = [row for row in readme.read_text(encoding="utf-8").splitlines() if "`jonot`" in row]
    assert len(jonot) == 1 and jonot[0].endswith(" | days | — | rounded |")
    assert catalog.CHARTS["jonot"].unit == "count"  # the real catalog is untouched


def test_rt004_missing_markers_are_refused():
    """Text without the markers cannot take the table."""
    with pytest.raises(ValueError, match="chart table"):
        readme_table.with_table("# README\n")
