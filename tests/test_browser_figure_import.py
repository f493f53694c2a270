"""The upload page of reported figures (``/tuonti``) in headless Chromium: an editor
reaches it from the header, picks the page's own example file with the file input,
sees the preview (counts and rows), saves, and sees the summary; the save button is
then disabled. axe-core finds no WCAG 2.1 A/AA violation on the page with its preview
shown, nor after the save. A reader gets neither the header link nor the upload.

The import writes a fresh copy of the DuckDB foundation fixture in the test's folder,
the app's reporting database (``TK_IMPORT_DB_URL`` unset: imports write that one)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import app
from queries.engine import dispose_engines
from settings import configure, get_settings
from tests.axe import axe_violations
from tests.conftest import use_reporting_db
from tests.fixtures import foundation
from tests.fixtures.common import create_fixture_db
from tests.servers import WAIT

pytestmark = pytest.mark.browser

EDITOR = "Analyytikko B"
EXAMPLE = Path(__file__).resolve().parents[1] / "assets" / "figure-import-example.csv"


@pytest.fixture
def import_db(browser_db, tmp_path) -> Iterator[str]:
    """A fresh DuckDB foundation fixture that the app reads and the import writes."""
    original = get_settings()
    url = f"duckdb:///{tmp_path}/import.duckdb"
    engine = sa.create_engine(url)
    create_fixture_db(engine, foundation.tables())
    engine.dispose()
    use_reporting_db(url)  # TK_IMPORT_DB_URL is not set: the import writes the same
    yield url
    dispose_engines()
    configure(original)


@pytest.fixture
def editor(import_db) -> Iterator[str]:
    """The demo user, an editor, makes every request."""
    original = get_settings()
    configure(replace(original, demo_user=EDITOR))
    yield EDITOR
    configure(original)


def _texts(dash_duo, selector: str) -> list[str]:
    """The texts of every element matching ``selector``, white space collapsed."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(el => el.textContent.replace(/\\s+/g, ' ').trim());",
        selector,
    )


def _cells(dash_duo) -> list[list[str]]:
    """The preview table's body rows as the texts of their cells."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.figure-import-table tbody tr'))"
        ".map(tr => Array.from(tr.cells).map(c => c.textContent.replace(/\\s+/g, ' ').trim()));"
    )


def test_bfi001_an_editor_uploads_previews_and_saves(dash_duo, editor, tmp_path):
    """The example file previews as four new figures, saves once, and the page passes axe."""
    upload = tmp_path / "luvut.csv"
    shutil.copy(EXAMPLE, upload)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/")
    # The header links the page for an editor.
    link = "#nav-editor-links a.nav-link"
    dash_duo.wait_for_text_to_equal(link, "Tuo lukuja")
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element(link))
    dash_duo.wait_for_text_to_equal("main h1", "Tuo lukuja")
    until(lambda: "active" in dash_duo.find_element(link).get_attribute("class"), timeout=WAIT)

    # The file input is the label's: named by it, and reached with the keyboard.
    picker = dash_duo.find_element("#figure-import-upload input[type=file]")
    # No accept filter: every file reaches the server, which says why it refuses one.
    assert picker.get_attribute("accept") in (None, "")
    label = dash_duo.driver.execute_script("return arguments[0].labels[0].textContent", picker)
    # figure_import.choose and .limits with MAX_MEGABYTES 5
    assert (
        label == "Valitse tiedosto tai pudota se tähän. CSV (.csv, .txt) tai Excel (.xlsx), "
        "enintään 5 Mt."
    )
    # From the top of <main>, Tab reaches the file input first, and the drop zone
    # around it shows the focus (assets/10-style.css: a 3 px solid outline).
    dash_duo.driver.execute_script("document.getElementById('main').focus();")
    ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
    assert dash_duo.driver.switch_to.active_element == picker
    outline = dash_duo.driver.execute_script(
        "var s = getComputedStyle(document.querySelector('.figure-upload'));"
        "return [s.outlineStyle, s.outlineWidth];"
    )
    assert outline == ["solid", "3px"]
    save = dash_duo.find_element("#figure-import-save")
    assert save.get_attribute("disabled") is not None  # nothing to save before a preview

    picker.send_keys(str(upload))
    # The example's four rows (periods that do not overlap), none stored before: 4 new.
    dash_duo.wait_for_contains_text(
        "#figure-import-status",
        "Esikatselu tiedostosta luvut.csv: 4 riviä. Uusia 4, muuttuvia 0, ennallaan 0.",
    )
    # line, indicator, region, period; value (decimal comma; 4521 with a thousands
    # space, no decimals), numerator, denominator, source (the last row has none: a new
    # row gets the file's name); the previous four (none: "–"); status
    new = ["–", "–", "–", "–", "Uusi"]
    assert _cells(dash_duo) == [
        ["2", "esimerkki-osuus", "99", "2023", "12,5", "125", "1 000", "Esimerkkilaskenta", *new],
        ["3", "esimerkki-osuus", "99", "2024-Q3", "13,1", "131", "1 000", "Esimerkkilaskenta",
         *new],
        ["4", "esimerkki-osuus", "99", "2024-10", "11,8", "118", "1 000", "Esimerkkilaskenta",
         *new],
        ["5", "esimerkki-maara", "SSS", "2024", "4 521", "..", "..", "luvut.csv", *new],
    ]  # fmt: skip
    # No chart draws the example's ids: the CLI's notice, a warning, and saving stays on.
    dash_duo.wait_for_contains_text(
        "#figure-import-status .alert-warning[role=status]",
        "Huomio: mikään kuvaaja ei näytä indikaattoria esimerkki-osuus.",
    )
    until(lambda: save.get_attribute("disabled") is None, timeout=WAIT)
    assert axe_violations(dash_duo) == []

    # Enter on the focused button saves, as a click would.
    dash_duo.driver.execute_script("arguments[0].focus();", save)
    save.send_keys("\n")
    dash_duo.wait_for_contains_text(
        "#figure-import-summary",
        # nothing corrected: no word of the history
        "Tallennettu tiedostosta luvut.csv: uusia 4, ennallaan 0. Indikaattorit: ",
    )
    summary = _texts(dash_duo, "#figure-import-summary")[0]
    indicators = summary.rsplit("Indikaattorit: ", 1)[1].rstrip(".").split(", ")
    assert sorted(indicators) == ["esimerkki-maara", "esimerkki-osuus"]
    assert _texts(dash_duo, "#figure-import-status") == [""]  # the preview is gone
    assert _texts(dash_duo, ".figure-import-table") == []
    assert save.get_attribute("disabled") is not None  # a second click sends nothing
    assert axe_violations(dash_duo) == []

    # The same file picked again previews again: all four figures stored as they are.
    picker.send_keys(str(upload))
    dash_duo.wait_for_contains_text(
        "#figure-import-status",
        "Esikatselu tiedostosta luvut.csv: 4 riviä. Uusia 0, muuttuvia 0, ennallaan 4.",
    )
    # previous value and source, and status of each row: as saved above
    assert [[row[8], row[11], row[12]] for row in _cells(dash_duo)] == [
        ["12,5", "Esimerkkilaskenta", "Ennallaan"],
        ["13,1", "Esimerkkilaskenta", "Ennallaan"],
        ["11,8", "Esimerkkilaskenta", "Ennallaan"],
        ["4 521", "luvut.csv", "Ennallaan"],
    ]
    assert _texts(dash_duo, "#figure-import-summary") == [""]  # the last save's summary gone
    assert dash_duo.get_logs() == []


def test_bfi002_a_reader_gets_no_link_and_no_upload(dash_duo, import_db):
    """Without an editor the header has no link and the page no upload, only the notice."""
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/tuonti?lang=en")
    dash_duo.wait_for_text_to_equal("main h1", "Import figures")
    dash_duo.wait_for_contains_text(
        "main .read-only-notice", "Only users with editing rights can import figures."
    )
    assert _texts(dash_duo, "input[type=file]") == []
    assert _texts(dash_duo, "#figure-import-save") == []
    until(
        lambda: dash_duo.driver.execute_script(
            "return document.getElementById('nav-editor-links').hidden"
        ),
        timeout=WAIT,
    )
    assert _texts(dash_duo, "#nav-editor-links a") == []
    assert axe_violations(dash_duo) == []


def test_bfi003_refused_kinds_and_sizes_get_a_message_on_the_page(dash_duo, editor, tmp_path):
    """A 6 MB CSV and an .xls file are not dropped by the browser: the page says why not."""
    big = tmp_path / "iso.csv"
    # Over 6 MB (limit MAX_MEGABYTES 5 = 5 242 880 bytes): a header and 29-byte rows.
    row = b"esimerkki-osuus;99;2024;12,5\n"  # 29 bytes
    big.write_bytes(b"indicator;region;period;value\n" + row * (6 * 1024 * 1024 // len(row)))
    assert big.stat().st_size > 6_000_000
    old_excel = tmp_path / "luvut.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # an OLE header
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/tuonti")
    dash_duo.wait_for_text_to_equal("main h1", "Tuo lukuja")
    picker = dash_duo.find_element("#figure-import-upload input[type=file]")

    picker.send_keys(str(big))
    # figure_import.status.too_large with MAX_MEGABYTES 5
    dash_duo.wait_for_contains_text(
        "#figure-import-status",
        "Tiedosto iso.csv on liian suuri: enintään 5 Mt. Jaa se useampaan tiedostoon. "
        "Mitään ei tallennettu.",
        timeout=60,
    )
    picker = dash_duo.find_element("#figure-import-upload input[type=file]")
    picker.send_keys(str(old_excel))
    dash_duo.wait_for_contains_text(
        "#figure-import-status",
        "Tiedostomuoto \u201d.xls\u201d ei käy. Tallenna taulukko Excelissä tai muussa "
        "taulukkolaskentaohjelmassa muodossa Excel-työkirja (.xlsx) tai CSV UTF-8 (.csv) ja "
        "valitse se uudelleen.",
    )
    assert _texts(dash_duo, "#figure-import-status")[0].startswith(
        "Tiedostossa luvut.xls on 1 virhe, joten mitään ei tallennettu."
    )
    assert dash_duo.find_element("#figure-import-save").get_attribute("disabled") is not None
    assert dash_duo.get_logs() == []
