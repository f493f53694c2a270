"""``python -m reporting import-figures`` and ``import-sotkanet`` run as a process: exit
codes and messages in the asked language, a preview that writes nothing, a refused file
that changes nothing, ``--map`` mistakes refused, and a notice for an indicator id no
chart draws."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fixtures.common import base_tables, create_fixture_db

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
GOOD = (
    "\ufeffindicator;region;period;value;numerator;denominator\n"
    "osuus;99;2024;62,5;5;8\n"  # 100 · 5 / 8 = 62.5
    "maara;TA01;2024-Q3;12;;\n"
)


NOTICE_FI = (
    "Huomio: mikään kuvaaja ei näytä indikaattoria {0}. Sen luvut tallennetaan ja ovat "
    "luettavissa osoitteesta /api/indicators/{0}/values.json.\n"
)
SOTKANET = ROOT / "tests" / "fixtures" / "sotkanet"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reporting", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip


@pytest.fixture
def duckdb_url(tmp_path) -> str:
    url = f"duckdb:///{tmp_path}/reporting.duckdb"
    engine = sa.create_engine(url)
    create_fixture_db(engine, base_tables())
    engine.dispose()
    return url


def _values(url: str) -> list[tuple]:
    engine = sa.create_engine(url, connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            sql = "SELECT indicator_id, region_code, value FROM indicator_values ORDER BY 1"
            return [tuple(row) for row in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def test_fc001_import_preview_then_write_then_again(duckdb_url, tmp_path):
    """A preview writes nothing; the import writes; importing again changes nothing (all exit 0)."""
    path = tmp_path / "luvut.csv"
    path.write_text(GOOD, encoding="utf-8")
    preview = _run("import-figures", str(path), "--url", duckdb_url, "--dry-run")
    assert (preview.returncode, preview.stderr) == (0, "")
    # Neither "maara" nor "osuus" is a chart id, and no chart id is close to either
    # (difflib ratio under 0.6): a notice each, without suggestions, sorted.
    # figures.cli.preview: each count after its label, so any count reads right.
    assert preview.stdout == (
        NOTICE_FI.format("maara")
        + NOTICE_FI.format("osuus")
        + "luvut.csv: uusia 2, korjattuja 0, ennallaan 0. "
        "Esikatselu: mitään ei tallennettu. Indikaattorit: maara, osuus.\n"
    )
    assert _values(duckdb_url) == []

    written = _run("import-figures", str(path), "--url", duckdb_url)
    assert (written.returncode, written.stderr) == (0, "")
    assert written.stdout == (
        NOTICE_FI.format("maara")
        + NOTICE_FI.format("osuus")
        + "luvut.csv: uusia 2, korjattuja 0, ennallaan 0. Tallennettu. "
        "Indikaattorit: maara, osuus.\n"
    )
    assert _values(duckdb_url) == [("maara", "TA01", 12.0), ("osuus", "99", 62.5)]

    again = _run("import-figures", str(path), "--url", duckdb_url, "--lang", "sv")
    assert again.returncode == 0
    assert again.stdout.splitlines()[-1] == (
        "luvut.csv: alla 2 siffror finns redan sparade likadana. Ingenting ändrades. "
        "Indikatorer: maara, osuus."
    )


def test_fc002_refused_file_exits_1_with_each_problem_and_changes_nothing(duckdb_url, tmp_path):
    """A file with problems exits 1, names every problem by line in English, and writes nothing."""
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "maara;TA09;2024;1;;\nmaara;99;2024;x;;\n", encoding="utf-8")
    done = _run("import-figures", str(path), "--url", duckdb_url, "--lang", "en")
    assert (done.returncode, done.stdout) == (1, "")
    # Line 5 is refused by the reader; line 4's unit TA09 is not in the fixture's units,
    # which the store finds in the rows the reader could read: both told at once, in
    # line order.
    assert done.stderr.splitlines() == [
        "bad.csv: the figures were not saved, because the file has 2 problems.",
        "Line 4: There is no unit \u201dTA09\u201d in the reporting database. Check the unit id "
        "or the region code.",
        "Line 5: The value \u201dx\u201d in the column value is not a number. Write a suppressed "
        "or missing value as two dots (..) or leave it empty.",
    ]
    assert _values(duckdb_url) == []
    path.write_text(GOOD + "maara;TA09;2024;1;;\n", encoding="utf-8")
    done = _run("import-figures", str(path), "--url", duckdb_url, "--lang", "en")
    assert done.returncode == 1
    # one problem: the singular heading (figures.cli.refused_one)
    assert done.stderr.splitlines() == [
        "bad.csv: the figures were not saved, because the file has 1 problem.",
        "Line 4: There is no unit \u201dTA09\u201d in the reporting database. Check the unit id "
        "or the region code.",
    ]
    assert _values(duckdb_url) == []


def test_fc005_a_bad_period_and_an_unknown_unit_are_told_together(duckdb_url, tmp_path):
    """A reader's problem (line 2) and the store's (line 3) are reported in one run, in Finnish."""
    path = tmp_path / "kaksi.csv"
    path.write_text(
        "indicator;region;period;value\n"
        "maara;TA01;2024-13;5\n"  # month 13: the reader refuses the period
        "maara;TA09;2024;7\n",  # reads cleanly; TA09 is no unit of the fixture
        encoding="utf-8",
    )
    done = _run("import-figures", str(path), "--url", duckdb_url, "--dry-run")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        "kaksi.csv: lukuja ei tallennettu, koska tiedostossa on 2 virhettä.",
        "Rivi 2: Ajanjakso \u201d2024-13\u201d ei kelpaa. Kirjoita vuosi (2024), vuosineljännes "
        "(2024-Q3) tai kuukausi (2024-07).",
        "Rivi 3: Yksikköä \u201dTA09\u201d ei ole raportointitietokannassa. Tarkista yksikön "
        "tunnus tai alueen koodi.",
    ]
    assert _values(duckdb_url) == []


def test_fc006_one_unchanged_figure_is_told_in_the_singular(duckdb_url, tmp_path):
    """Importing one stored figure again says "1 luku", not "1 lukua"."""
    path = tmp_path / "yksi.csv"
    path.write_text("indicator;region;period;value\nmaara;TA01;2024;5\n", encoding="utf-8")
    assert _run("import-figures", str(path), "--url", duckdb_url).returncode == 0
    again = _run("import-figures", str(path), "--url", duckdb_url)
    assert (again.returncode, again.stderr) == (0, "")
    # "maara" is no chart id: its notice first; the summary names the indicator.
    assert again.stdout == (
        NOTICE_FI.format("maara")
        + "yksi.csv: tiedoston 1 luku on jo tallennettuna samana. Mitään ei muutettu. "
        "Indikaattorit: maara.\n"
    )


def test_fc003_usage_errors_exit_2(duckdb_url, tmp_path):
    """A missing file and a bad option exit 2 with a message and no traceback."""
    missing = _run("import-figures", str(tmp_path / "nope.csv"), "--url", duckdb_url)
    assert missing.returncode == 2
    assert missing.stderr == f"Tiedostoa {tmp_path / 'nope.csv'} ei ole tai sitä ei voi lukea.\n"
    bad_lang = _run("import-figures", str(tmp_path / "x.csv"), "--lang", "de")
    assert bad_lang.returncode == 2 and "--lang" in bad_lang.stderr
    bad_map = _run("import-sotkanet", "x.json", "--regions", "r.json", "--map", "abc")
    assert bad_map.returncode == 2 and "SOTKANET_ID=INDICATOR_ID" in bad_map.stderr
    assert "Traceback" not in missing.stderr + bad_lang.stderr + bad_map.stderr


def test_fc004_database_that_cannot_be_written_exits_1(tmp_path):
    """An import into a DuckDB file that does not exist exits 1 with the reason."""
    path = tmp_path / "luvut.csv"
    path.write_text(GOOD, encoding="utf-8")
    done = _run("import-figures", str(path), "--url", f"duckdb:///{tmp_path}/none.duckdb")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("Lukuja ei tallennettu, koska tietokantatiedostoa none.duckdb ei ole.\n")


def _sotkanet(url: str, *args: str) -> subprocess.CompletedProcess:
    return _run(
        "import-sotkanet", str(SOTKANET / "response.csv"),
        "--regions", str(SOTKANET / "regions.json"),
        "--retrieved", "2025-03-14", "--url", url, *args,
    )  # fmt: skip


def test_fc005_map_to_an_id_the_import_refuses_is_a_usage_error(duckdb_url):
    """--map to an id the canonical layout refuses, or one Sotkanet id twice, exits 2 in --lang."""
    capital = _sotkanet(duckdb_url, "--map", "4=Hoitotakuu", "--lang", "en")
    # A capital letter is outside the indicator id's a-z, 0-9, - and _.
    assert (capital.returncode, capital.stdout) == (2, "")
    # The message is the canonical layout's for a bad indicator id.
    assert capital.stderr == (
        "--map 4=Hoitotakuu: The indicator id \u201dHoitotakuu\u201d cannot be used. Use small "
        "letters a–z, digits and hyphens, for example hoitotakuu-7vrk.\n"
    )
    spaced = _sotkanet(duckdb_url, "--map", "4=hoito takuu", "--lang", "sv")
    assert spaced.returncode == 2
    assert spaced.stderr == (
        "--map 4=hoito takuu: Indikatorns id \u201dhoito takuu\u201d duger inte. Använd små "
        "bokstäver a–z, siffror och bindestreck, till exempel hoitotakuu-7vrk.\n"
    )
    twice = _sotkanet(
        duckdb_url, "--map", "4=hoitotakuu-7vrk", "--map", "4=digiasiointi-osuus", "--lang", "en"
    )
    assert twice.returncode == 2
    assert twice.stderr == (
        "--map: the Sotkanet indicator 4 is given twice (hoitotakuu-7vrk and "
        "digiasiointi-osuus). Map each Sotkanet indicator only once.\n"
    )
    assert _values(duckdb_url) == []


def test_fc006_map_of_a_sotkanet_id_not_in_the_file_refuses_it(duckdb_url):
    """--map naming a Sotkanet id the file lacks exits 1 naming it, and writes nothing."""
    # response.csv holds the Sotkanet indicators 4 and 5 only.
    done = _sotkanet(duckdb_url, "--map", "44=hoitotakuu-7vrk", "--map", "4=hoitotakuu-7vrk")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        "response.csv: lukuja ei tallennettu, koska tiedostossa on 1 virhe.",
        "Tiedostossa ei ole tallennettavia lukuja Sotkanetin indikaattorista 44 "
        "(--map 44=hoitotakuu-7vrk). Tarkista indikaattorin numero.",
    ]
    assert _values(duckdb_url) == []


def test_fc007_mapped_typo_is_stored_with_a_notice_naming_the_close_chart_id(duckdb_url):
    """A mapped id that is no chart id is written with a notice naming the chart id close to it."""
    done = _sotkanet(duckdb_url, "--map", "4=hoitotakuu-7vr", "--lang", "en")
    assert (done.returncode, done.stderr) == (0, "")
    # difflib's ratio 2·M/T: "hoitotakuu-7vr" against "hoitotakuu-7vrk" 2·14/29 = 0.97;
    # against "hoitotakuu-lakisaateinen" only "hoitotakuu-" matches, 2·11/38 = 0.58, and
    # against "hoitotakuuseuranta-kattavuus" 2·12/42 = 0.57: under 0.6, not named.
    # response.csv: indicator 4 has 7 kept rows (2 of one gender and 1 of another
    # region category skipped), indicator 5 one (stored as sotkanet-5, no notice).
    assert done.stdout.splitlines() == [
        "2 rows were skipped because they concern only men or women (only total is stored).",
        "1 row was skipped because its region is not a wellbeing services county, a "
        "municipality or the whole country.",
        "Note: no chart shows the indicator hoitotakuu-7vr. Its figures are stored and can be "
        "read at /api/indicators/hoitotakuu-7vr/values.json. Chart ids close to it: "
        "hoitotakuu-7vrk.",
        "response.csv: new 8, corrected 0, unchanged 0. Saved. "
        "Indicators: hoitotakuu-7vr, sotkanet-5.",
    ]
    stored = {indicator for indicator, _region, _value in _values(duckdb_url)}
    assert stored == {"hoitotakuu-7vr", "sotkanet-5"}


def test_fc008_import_figures_gives_the_same_notice_and_none_for_a_chart_id(duckdb_url, tmp_path):
    """import-figures names the chart ids close to an uncharted id, and nothing of a chart id."""
    path = tmp_path / "luvut.csv"
    path.write_text(
        "indicator;region;period;value\nhoitotakuu-7vrk;99;2024;61,5\ndigiasiointi;99;2024;40\n",
        encoding="utf-8",
    )
    done = _run("import-figures", str(path), "--url", duckdb_url, "--lang", "en", "--dry-run")
    assert (done.returncode, done.stderr) == (0, "")
    # "digiasiointi" (12) against "digiasiointi-osuus" (18): 2·12/30 = 0.8.
    assert done.stdout.splitlines() == [
        "Note: no chart shows the indicator digiasiointi. Its figures are stored and can be "
        "read at /api/indicators/digiasiointi/values.json. Chart ids close to it: "
        "digiasiointi-osuus.",
        "luvut.csv: new 2, corrected 0, unchanged 0. Preview: nothing was saved. "
        "Indicators: digiasiointi, hoitotakuu-7vrk.",
    ]


@pytest.mark.parametrize("name", ["response.json", "response.csv"])
def test_fc009_import_figures_of_a_sotkanet_file_points_to_import_sotkanet(duckdb_url, name):
    """import-figures given a Sotkanet file refuses it with one line naming import-sotkanet."""
    refused = _run("import-figures", str(SOTKANET / name), "--url", duckdb_url, "--lang", "en")
    assert refused.returncode == 1
    summary, line = refused.stderr.strip().splitlines()
    assert summary == f"{name}: the figures were not saved, because the file has 1 problem."
    # The JSON has no lines; the CSV's Sotkanet header is its line 1.
    prefix = "" if name.endswith(".json") else "Line 1: "
    assert line.startswith(prefix + "The file looks like a Sotkanet response")
    assert "python -m reporting import-sotkanet" in line
    assert _values(duckdb_url) == []
