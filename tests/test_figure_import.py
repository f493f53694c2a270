"""The upload page of reported figures (``/tuonti``) and its callbacks, called directly
in a request context, or through Dash's endpoint as a forged request would come, on a
reporting database of its own (the DuckDB foundation fixture, built fresh in the
test's folder: the store writes it).

``reporting.figures.store.write_figures`` is wrapped so that each test can say whether
the page asked to write at all; the wrapper passes every call on to the real store."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from dash import no_update

from app import app as dash_app
from callbacks import figure_import as cb
from callbacks import shell
from dashboards import figure_import as page
from dashboards._figure_import import IDS, MAX_BYTES, period_label
from queries.engine import dispose_engines
from reporting.figures.layout import read_figures
from settings import configure, get_settings
from tests.callback_bodies import callback_body
from tests.conftest import use_reporting_db
from tests.fixtures import foundation
from tests.fixtures.common import create_fixture_db
from tests.test_meeting_pages import find, text_of

ROOT = Path(__file__).resolve().parents[1]
EDITOR = "Analyytikko Testinen"
CSV_TYPE = "data:text/csv;base64,"

# Two figures of one indicator, a year and a quarter (of another year: periods of one
# indicator and region may not overlap), decimal comma and point; each value is
# numerator / denominator in per cent (125 / 1000 = 12.5 %, 51 / 200 = 25.5 %).
GOOD = (
    "indicator;region;period;value;numerator;denominator;source\n"
    "testi-osuus;99;2023;12,5;125;1000;Testilähde\n"
    "testi-osuus;99;2024-Q3;25.5;51;200;Testilähde\n"
).encode()
# Line 3 has a month 13, line 4 a value that is not a number; line 2 is good.
BAD = (
    b"indicator;region;period;value\n"
    b"testi-osuus;99;2024;12,5\n"
    b"testi-osuus;99;2024-13;12,5\n"
    b"testi-osuus;99;2023;kaksitoista\n"
)


def data_url(content: bytes) -> str:
    """``content`` as ``dcc.Upload`` sends it."""
    return CSV_TYPE + base64.b64encode(content).decode()


def digest(name: str, content: bytes) -> str:
    """The digest of a file, worked out here from its definition (SHA-256 of the name,
    a NUL and the contents), not taken from the code: what a browser can compute."""
    return hashlib.sha256(name.encode() + b"\0" + content).hexdigest()


# The server's secret in these tests (TK_SECRET_KEY; set by the import_db fixture).
SECRET = "testien-salaisuus"


def token(name: str, content: bytes) -> str:
    """The preview's token of a file, worked out from its definition: HMAC-SHA256 under
    the server's secret of the purpose "figure-import-preview", a NUL and the digest."""
    message = b"figure-import-preview\0" + digest(name, content).encode()
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


@pytest.fixture
def import_db(reporting_database, tmp_path):
    """A fresh DuckDB foundation fixture that the app reads and the import writes."""
    original = get_settings()
    url = f"duckdb:///{tmp_path}/import.duckdb"
    engine = sa.create_engine(url)
    create_fixture_db(engine, foundation.tables())
    engine.dispose()
    use_reporting_db(url)  # TK_IMPORT_DB_URL is not set: the import writes the same
    configure(replace(get_settings(), secret_key=SECRET))
    yield url
    dispose_engines()
    configure(original)


@pytest.fixture
def writes(monkeypatch) -> list[str]:
    """The file names ``write_figures`` was called with (calls pass on to the store)."""
    calls: list[str] = []
    real = cb.write_figures

    def recorded(url, figures, **kwargs):
        calls.append(kwargs["file_name"])
        return real(url, figures, **kwargs)

    monkeypatch.setattr(cb, "write_figures", recorded)
    return calls


@pytest.fixture
def editor():
    """The request's user is the demo user, an editor (``TK_DEMO_USER``)."""
    original = get_settings()
    configure(replace(original, demo_user=EDITOR))
    yield EDITOR
    configure(original)


def stored_rows(url: str, indicator: str) -> int:
    """How many rows of ``indicator`` ``indicator_values`` holds."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            sa.text("SELECT count(*) FROM indicator_values WHERE indicator_id = :i"),
            {"i": indicator},
        ).scalar_one()
    engine.dispose()
    return count


@pytest.mark.unit
def test_fi001_an_upload_is_decoded_and_bad_ones_are_refused_by_name():
    """Base64 of at most MAX_BYTES decodes; bad base64, a bad header, too much or nothing do not."""
    upload = cb.decode_upload(data_url(b"a;b\n"), "C:\\Users\\x\\luvut.csv")
    assert upload.name == "luvut.csv" and upload.content == b"a;b\n"  # the folder dropped
    refusals = {
        "bad base64": (CSV_TYPE + "@@@not base64@@@", "figure_import.status.unreadable"),
        "no data: header": (base64.b64encode(b"a").decode(), "figure_import.status.unreadable"),
        "not text": (12, "figure_import.status.unreadable"),
        # MAX_BYTES + 1 bytes: the decoded size is over by one byte.
        "one byte over": (data_url(b"x" * (MAX_BYTES + 1)), "figure_import.status.too_large"),
        # Far too long a text is refused before decoding (it is not even base64).
        "long text": ("data:;base64," + "!" * (MAX_BYTES * 2), "figure_import.status.too_large"),
        "empty file": (CSV_TYPE, "figure_import.status.empty"),
    }
    for case, (contents, key) in refusals.items():
        with pytest.raises(cb.BadUpload) as refused:
            cb.decode_upload(contents, "luvut.csv")
        assert refused.value.key == key, case
    exactly = cb.decode_upload(data_url(b"x" * MAX_BYTES), "luvut.csv")  # the limit itself
    assert len(exactly.content) == MAX_BYTES
    with pytest.raises(cb.BadUpload):
        cb.decode_upload(data_url(b"a"), None)  # no file name


@pytest.mark.unit
def test_fi002_periods_are_written_as_the_layout_writes_them():
    """A stored period is shown as 2024, 2024-Q3 or 2024-07."""
    from datetime import date

    assert period_label(date(2024, 1, 1), "year") == "2024"
    assert period_label(date(2024, 7, 1), "quarter") == "2024-Q3"  # July starts Q3
    assert period_label(date(2024, 10, 1), "quarter") == "2024-Q4"
    assert period_label(date(2024, 7, 1), "month") == "2024-07"


def test_fi003_a_reader_gets_the_notice_and_no_upload_control(import_db, writes):
    """Without an editor the page has no upload, the header no link, and the callbacks refuse."""
    with dash_app.server.test_request_context("/tuonti"):
        layout = page.layout()
        assert find(layout, IDS["upload"]) is None and find(layout, IDS["save"]) is None
        notice = "Lukujen tuonti on vain muokkausoikeuden omaaville käyttäjille."
        assert notice in text_of(layout)
        assert shell.editor_links("fi", "/tuonti") == ([], True)
        status, *_rest = cb.preview(data_url(GOOD), "luvut.csv", "fi")
        assert text_of(status).startswith(notice)
        summary, *_rest = cb.save(1, data_url(GOOD), "luvut.csv", token("luvut.csv", GOOD), "fi")
        assert text_of(summary).startswith(notice)
    assert writes == []
    assert stored_rows(import_db, "testi-osuus") == 0


def test_fi004_a_forged_save_from_a_reader_writes_nothing(import_db, writes):
    """A save request sent straight to Dash's endpoint without an editor writes nothing."""
    client = dash_app.server.test_client()
    client.get("/")  # Dash completes its callback map at the first request
    output = next(key for key in dash_app.callback_map if IDS["summary"] + ".children@" in key)
    values = {
        "n_clicks": 1,
        "contents": data_url(GOOD),
        "filename": "luvut.csv",
        "data": token("luvut.csv", GOOD),  # what a preview would have left
        "lang": "fi",
    }
    body = callback_body(dash_app, output, values=lambda entry: values[entry["property"]])
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    assert "Lukujen tuonti on vain muokkausoikeuden omaaville" in answer.get_data(as_text=True)
    assert writes == []
    assert stored_rows(import_db, "testi-osuus") == 0


def test_fi005_an_editor_previews_then_saves_once(import_db, editor, writes):
    """The preview counts and lists the rows without writing; the save writes them and sums up."""
    with dash_app.server.test_request_context("/tuonti"):
        assert find(page.layout(), IDS["upload"]) is not None
        links, hidden = shell.editor_links("sv", "/tuonti")
        assert hidden is False and text_of(links) == "Importera siffror"
        assert links[0].href == "/tuonti?lang=sv" and links[0].active is True
        status, table, disabled, previewed, summary = cb.preview(data_url(GOOD), "luvut.csv", "fi")
        # Two rows in an empty fixture: both new.
        assert text_of(status[0]) == (
            "Esikatselu tiedostosta luvut.csv: 2 riviä. Uusia 2, muuttuvia 0, ennallaan 0. "
            "Mitään ei ole vielä tallennettu: tarkista rivit ja paina Tallenna."
        )
        # testi-osuus is no chart id: the CLI's notice follows (fi016 checks it whole).
        assert text_of(status[1]).startswith(
            "Huomio: mikään kuvaaja ei näytä indikaattoria testi-osuus."
        )
        rows = [text_of(row) for row in _rows(table)]
        # line, indicator, region, period; value (Finnish decimal comma), numerator,
        # denominator, source; the previous four (none: "–"); status
        assert rows == [
            "2 testi-osuus 99 2023 12,5 125 1 000 Testilähde – – – – Uusi",
            "3 testi-osuus 99 2024-Q3 25,5 51 200 Testilähde – – – – Uusi",
        ]
        assert disabled is False and previewed == token("luvut.csv", GOOD) and summary == []
        assert writes == [] and stored_rows(import_db, "testi-osuus") == 0

        summary, status, table, previewed, contents = cb.save(
            1, data_url(GOOD), "luvut.csv", token("luvut.csv", GOOD), "fi"
        )
        # Nothing corrected: no word of the history.
        assert text_of(summary) == (
            "Tallennettu tiedostosta luvut.csv: uusia 2, ennallaan 0. Indikaattorit: testi-osuus."
        )
        assert (status, table, previewed, contents) == ([], [], None, None)
    assert writes == ["luvut.csv"]
    assert stored_rows(import_db, "testi-osuus") == 2


def _rows(table) -> list:
    """The body rows of the preview's table."""
    found: list = []

    def walk(node) -> None:
        if isinstance(node, list | tuple):
            for part in node:
                walk(part)
        elif type(node).__name__ == "Tbody":
            found.extend(node.children)
        elif node is not None and hasattr(node, "children"):
            walk(node.children)

    walk(table)
    return found


def test_fi006_a_changed_figure_shows_its_previous_value(import_db, editor, writes):
    """After a save, a corrected file previews a row changed (with its old value), one unchanged."""
    # 126 / 1000 = 12.6 %
    corrected = GOOD.replace(b"12,5;125", b"12,6;126")
    with dash_app.server.test_request_context("/tuonti"):
        cb.save(1, data_url(GOOD), "luvut.csv", token("luvut.csv", GOOD), "fi")
        status, table, *_rest = cb.preview(data_url(corrected), "luvut.csv", "en")
        assert text_of(status).startswith(
            "Preview of the file luvut.csv: 2 rows. New 0, changed 1, unchanged 1."
        )
        # English numbers (1,000 grouped); the new value, numerator, denominator and
        # source, then the previous ones as saved: 12.5 and 125 (now 12.6 and 126).
        assert [text_of(row) for row in _rows(table)] == [
            "2 testi-osuus 99 2023 12.6 126 1,000 Testilähde 12.5 125 1,000 Testilähde Changes",
            "3 testi-osuus 99 2024-Q3 25.5 51 200 Testilähde 25.5 51 200 Testilähde Unchanged",
        ]
    assert writes == ["luvut.csv"]  # the preview wrote nothing


def test_fi007_a_file_with_problems_lists_them_by_line_and_writes_nothing(
    import_db, editor, writes
):
    """Problems come line-numbered in the page's language; neither preview nor save writes."""
    with dash_app.server.test_request_context("/tuonti"):
        status, table, disabled, previewed, _summary = cb.preview(
            data_url(BAD), "virheet.csv", "sv"
        )
        text = text_of(status)
        assert text.startswith(
            "Filen virheet.csv har 2 fel, så ingenting sparades. Rätta dem och välj filen på nytt:"
        )
        items = [text_of(item) for item in _items(status)]
        # The month 13 on line 3, the word for twelve on line 4 (figures.at_line in Swedish).
        assert [item.split(":")[0] for item in items] == ["Rad 3", "Rad 4"]
        assert (table, disabled, previewed) == ([], True, None)
        # A forged save of the same file (its token as a preview would have left it).
        summary, *_rest = cb.save(1, data_url(BAD), "virheet.csv", token("virheet.csv", BAD), "fi")
        assert text_of(summary).startswith("Tiedostossa virheet.csv on 2 virhettä")
    assert writes == []
    assert stored_rows(import_db, "testi-osuus") == 0


def _items(tree) -> list:
    """The list items of a tree (the problems)."""
    found: list = []

    def walk(node) -> None:
        if isinstance(node, list | tuple):
            for part in node:
                walk(part)
        elif type(node).__name__ == "Li":
            found.append(node)
        elif node is not None and hasattr(node, "children"):
            walk(node.children)

    walk(tree)
    return found


def test_fi008_a_stale_or_bad_save_writes_nothing(import_db, editor, writes):
    """A save of another file than the previewed one, or of bad base64, is refused."""
    with dash_app.server.test_request_context("/tuonti"):
        other = GOOD.replace(b"12,5", b"99,9")
        summary, status, table, previewed, contents = cb.save(
            1, data_url(other), "luvut.csv", token("luvut.csv", GOOD), "fi"
        )
        assert text_of(summary).startswith(
            "Tallennettava tiedosto ei ole se, jonka esikatselu näytettiin."
        )
        assert previewed is None and contents is no_update  # the file stays picked
        summary, *_rest = cb.save(1, CSV_TYPE + "%%%", "luvut.csv", token("luvut.csv", GOOD), "en")
        assert text_of(summary).startswith("The file luvut.csv could not be read")
        big = data_url(b"x" * (MAX_BYTES + 1))
        status, *_rest = cb.preview(big, "iso.csv", "fi")
        # MAX_MEGABYTES is 5
        assert text_of(status).startswith("Tiedosto iso.csv on liian suuri: enintään 5 Mt.")
    assert writes == []
    assert stored_rows(import_db, "testi-osuus") == 0


@pytest.mark.unit
def test_fi009_the_example_file_imports_as_it_is():
    """The example CSV the page offers reads without problems: four figures, every period form."""
    content = (ROOT / "assets" / "figure-import-example.csv").read_bytes()
    figures = read_figures(content, "figure-import-example.csv")
    # The file's four data rows: year, quarter and month of one indicator, whose periods
    # do not overlap (2023; 2024-07..09; 2024-10: the store refuses overlaps), a year of
    # another.
    assert [
        (f.indicator_id, f.region_code, f.period_grain, f.period_start, f.value, f.line)
        for f in figures
    ] == [
        ("esimerkki-osuus", "99", "year", date(2023, 1, 1), 12.5, 2),
        ("esimerkki-osuus", "99", "quarter", date(2024, 7, 1), 13.1, 3),
        ("esimerkki-osuus", "99", "month", date(2024, 10, 1), 11.8, 4),
        ("esimerkki-maara", "SSS", "year", date(2024, 1, 1), 4521.0, 5),
    ]
    with dash_app.server.test_request_context("/tuonti"):
        assert "figure-import-example.csv" in str(find(page.layout(), "figure-import-example").href)


def test_fi010_an_xlsx_file_previews_like_its_csv(import_db, editor, writes):
    """A real XLSX workbook of the same two rows previews as two new figures, in sheet rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "region", "period", "value", "numerator", "denominator"])
    sheet.append(["testi-osuus", "99", "2023", 12.5, 125, 1000])
    sheet.append(["testi-osuus", "99", "2024-Q3", 25.5, 51, 200])
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
    contents = xlsx + base64.b64encode(buffer.getvalue()).decode()
    with dash_app.server.test_request_context("/tuonti"):
        status, table, disabled, *_rest = cb.preview(contents, "luvut.xlsx", "fi")
        assert text_of(status).startswith(
            "Esikatselu tiedostosta luvut.xlsx: 2 riviä. Uusia 2, muuttuvia 0, ennallaan 0."
        )
        # The sheet's row numbers (the header is row 1), values as in the CSV test; no
        # source column: a new row's source is the file's name.
        assert [text_of(row) for row in _rows(table)] == [
            "2 testi-osuus 99 2023 12,5 125 1 000 luvut.xlsx – – – – Uusi",
            "3 testi-osuus 99 2024-Q3 25,5 51 200 luvut.xlsx – – – – Uusi",
        ]
        assert disabled is False
    assert writes == []


def test_fi011_a_save_with_a_token_the_browser_made_writes_nothing(import_db, editor, writes):
    """A save with the plain SHA-256 digest (no preview) is stale; a preview's token saves."""
    with dash_app.server.test_request_context("/tuonti"):
        # The digest a browser can compute itself, never given out by a preview.
        forged = digest("luvut.csv", GOOD)
        summary, status, table, previewed, contents = cb.save(
            1, data_url(GOOD), "luvut.csv", forged, "en"
        )
        assert text_of(summary).startswith(
            "The file to be saved is not the one whose preview was shown."
        )
        assert previewed is None and contents is no_update
        assert writes == [] and stored_rows(import_db, "testi-osuus") == 0

        *_shown, previewed, _summary = cb.preview(data_url(GOOD), "luvut.csv", "en")
        assert previewed == token("luvut.csv", GOOD) and previewed != forged
        summary, *_rest = cb.save(1, data_url(GOOD), "luvut.csv", previewed, "en")
        assert text_of(summary).startswith("Saved from the file luvut.csv: new 2,")
    assert writes == ["luvut.csv"]
    assert stored_rows(import_db, "testi-osuus") == 2


def test_fi012_a_secret_that_cannot_be_made_is_a_message(
    import_db, editor, writes, tmp_path, monkeypatch
):
    """Without TK_SECRET_KEY and a key file that cannot be made, preview and save say so."""
    import server_secret

    configure(replace(get_settings(), secret_key=""))
    blocker = tmp_path / "tiedosto"
    blocker.write_text("not a folder")  # the key file's folder would have to be here
    monkeypatch.setattr(server_secret, "KEY_FILE", blocker / ".secret-key")
    monkeypatch.setattr(server_secret, "_made", {})
    failed = "Processing the file failed unexpectedly. Nothing was saved;"
    with dash_app.server.test_request_context("/tuonti"):
        status, table, disabled, previewed, _summary = cb.preview(data_url(GOOD), "luvut.csv", "en")
        assert text_of(status).startswith(failed)
        assert (table, disabled, previewed) == ([], True, None)
        summary, *_rest = cb.save(1, data_url(GOOD), "luvut.csv", token("luvut.csv", GOOD), "en")
        assert text_of(summary).startswith(failed)
    assert writes == []
    assert stored_rows(import_db, "testi-osuus") == 0


def test_fi013_reader_and_store_problems_are_listed_together(import_db, editor, writes):
    """A bad period (line 2) and an unknown unit (line 3) show in one preview, in line order."""
    content = (
        b"indicator;region;period;value\n"
        b"testi-maara;TA01;2024-13;5\n"  # month 13: the reader refuses it
        b"testi-maara;EIOLE;2024;7\n"  # reads cleanly; no unit EIOLE in the fixture
    )
    with dash_app.server.test_request_context("/tuonti"):
        status, table, disabled, previewed, _summary = cb.preview(
            data_url(content), "kaksi.csv", "fi"
        )
        assert text_of(status).startswith(
            "Tiedostossa kaksi.csv on 2 virhettä, joten mitään ei tallennettu."
        )
        assert [text_of(item) for item in _items(status)] == [
            "Rivi 2: Ajanjakso \u201d2024-13\u201d ei kelpaa. Kirjoita vuosi (2024), "
            "vuosineljännes (2024-Q3) tai kuukausi (2024-07).",
            "Rivi 3: Yksikköä \u201dEIOLE\u201d ei ole raportointitietokannassa. Tarkista "
            "yksikön tunnus tai alueen koodi.",
        ]
        assert (table, disabled, previewed) == ([], True, None)
    assert writes == []


def test_fi014_an_old_excel_file_gets_its_message(import_db, editor, writes):
    """A .xls upload reaches the server and is told to be saved as .xlsx or CSV."""
    xls = "data:application/vnd.ms-excel;base64," + base64.b64encode(b"\xd0\xcf\x11\xe0").decode()
    with dash_app.server.test_request_context("/tuonti"):
        status, table, disabled, *_rest = cb.preview(xls, "luvut.xls", "sv")
        assert text_of(status).startswith("Filen luvut.xls har 1 fel, så ingenting sparades.")
        assert [text_of(item) for item in _items(status)] == [
            "Filformatet \u201d.xls\u201d går inte. Spara tabellen i Excel eller ett annat "
            "kalkylprogram som Excel-arbetsbok (.xlsx) eller CSV UTF-8 (.csv) och välj den på nytt."
        ]
        assert (table, disabled) == ([], True)
    assert writes == []


def test_fi015_a_file_without_sources_reimported_under_another_name_is_unchanged(
    import_db, editor, writes
):
    """The same rows without a source, saved as a.csv, preview unchanged as b.csv."""
    content = b"indicator;region;period;value\ntesti-maara;99;2024;5\n"
    with dash_app.server.test_request_context("/tuonti"):
        cb.save(1, data_url(content), "a.csv", token("a.csv", content), "fi")
        status, table, *_rest = cb.preview(data_url(content), "b.csv", "fi")
        # one row: "1 rivi", not "1 riviä"
        assert text_of(status).startswith(
            "Esikatselu tiedostosta b.csv: 1 rivi. Uusia 0, muuttuvia 0, ennallaan 1."
        )
        # the source stays the stored one (a.csv), new and previous alike
        assert [text_of(row) for row in _rows(table)] == [
            "2 testi-maara 99 2024 5 .. .. a.csv 5 .. .. a.csv Ennallaan"
        ]
    assert writes == ["a.csv"]


def test_fi019_a_sotkanet_response_is_pointed_to_its_importer(import_db, editor, writes):
    """A Sotkanet JSON upload gets one message naming import-sotkanet and writes nothing."""
    content = (ROOT / "tests" / "fixtures" / "sotkanet" / "response.json").read_bytes()
    upload = "data:application/json;base64," + base64.b64encode(content).decode()
    with dash_app.server.test_request_context("/tuonti"):
        status, table, disabled, *_rest = cb.preview(upload, "sotkanet-4.json", "en")
        (item,) = [text_of(item) for item in _items(status)]
        assert item.startswith("The file looks like a Sotkanet response")
        assert "python -m reporting import-sotkanet" in item
        assert (table, disabled) == ([], True)
    assert writes == []


def test_fi016_an_uncharted_indicator_gets_the_clis_notice_and_can_be_saved(
    import_db, editor, writes
):
    """An id no chart draws gets the CLI's notice as a warning; a chart id none; saving works."""
    # omaolo-palvelu (14 characters) against the chart id omaolo-palvelut (15): 14
    # matching, 2·14/29 = 0.97 >= 0.6 (charts.catalog.CLOSE_RATIO); hoitotakuu-7vrk
    # is a chart id and gets no notice.
    content = (
        b"indicator;region;period;value\nomaolo-palvelu;99;2024;40\nhoitotakuu-7vrk;99;2024;61,5\n"
    )
    with dash_app.server.test_request_context("/tuonti"):
        status, _table, disabled, previewed, _summary = cb.preview(
            data_url(content), "ex.csv", "fi"
        )
        counts, notice = status
        assert text_of(counts).startswith("Esikatselu tiedostosta ex.csv: 2 riviä. Uusia 2,")
        # Announced politely (role status), a warning, not the refusal's danger.
        assert notice.role == "status"
        assert "alert-warning" in notice.className.split()
        assert "alert-danger" not in notice.className.split()
        assert text_of(notice) == (
            "Huomio: mikään kuvaaja ei näytä indikaattoria omaolo-palvelu. Sen luvut "
            "tallennetaan ja ovat luettavissa osoitteesta "
            "/api/indicators/omaolo-palvelu/values.json. Lähellä olevat kuvaajien "
            "tunnukset: omaolo-palvelut."
        )
        assert disabled is False and previewed == token("ex.csv", content)
        summary, *_rest = cb.save(1, data_url(content), "ex.csv", previewed, "en")
        assert text_of(summary) == (
            "Saved from the file ex.csv: new 2, unchanged 0. "
            "Indicators: hoitotakuu-7vrk, omaolo-palvelu."
        )
        # Only chart ids: the counts alone.
        charted = b"indicator;region;period;value\nhoitotakuu-7vrk;99;2023;60\n"
        status, *_rest = cb.preview(data_url(charted), "c.csv", "en")
        assert len(status) == 1
    assert writes == ["ex.csv"]
    assert stored_rows(import_db, "omaolo-palvelu") == 1


def test_fi017_a_save_says_nothing_changed_and_names_the_history_only_for_corrections(
    import_db, editor, writes
):
    """Saving a file stored as it is says nothing changed; a correction names the history."""
    corrected = GOOD.replace(b"12,5;125", b"12,6;126")  # 126 / 1000 = 12.6 %
    with dash_app.server.test_request_context("/tuonti"):
        cb.save(1, data_url(GOOD), "ex.csv", token("ex.csv", GOOD), "fi")
        # The same file again: both rows stored as they are.
        summary, *_rest = cb.save(1, data_url(GOOD), "ex.csv", token("ex.csv", GOOD), "fi")
        assert text_of(summary) == (
            "ex.csv: kaikki 2 lukua ovat jo tallennettuina samoina. Mitään ei muutettu. "
            "Indikaattorit: testi-osuus."
        )
        # One row (the 2023 one) corrected, the other unchanged.
        summary, *_rest = cb.save(
            1, data_url(corrected), "ex.csv", token("ex.csv", corrected), "sv"
        )
        assert text_of(summary) == (
            "Sparat från filen ex.csv: nya 0, rättade 1 (de tidigare värdena bevaras i "
            "historiken), oförändrade 1. Indikatorer: testi-osuus."
        )
        # A one-row file already stored: the singular.
        one = (
            b"indicator;region;period;value;numerator;denominator;source\n"
            + GOOD.split(b"\n")[2]
            + b"\n"
        )
        summary, *_rest = cb.save(1, data_url(one), "one.csv", token("one.csv", one), "en")
        assert text_of(summary) == (
            "one.csv: the file's 1 figure is already stored as it is. Nothing was changed. "
            "Indicators: testi-osuus."
        )
    assert writes == ["ex.csv", "ex.csv", "ex.csv", "one.csv"]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("lang", "grain", "sotkanet"),
    [
        (
            "fi",
            "Tiedosto hylätään myös, jos jakso on jo tallennettu toisella tarkkuudella",
            "Sotkanetista ladatut tiedostot tuodaan komennolla python -m reporting "
            "import-sotkanet (ohje: docs/sotkanet.md), ei tällä sivulla.",
        ),
        (
            "sv",
            "Filen avvisas också om perioden redan är sparad med en annan noggrannhet",
            "Filer som laddats ner från Sotkanet importeras med kommandot python -m "
            "reporting import-sotkanet (anvisning: docs/sotkanet.md), inte på den här sidan.",
        ),
        (
            "en",
            "The file is also refused if a period is already stored at another grain",
            "Files downloaded from Sotkanet are imported with the command python -m "
            "reporting import-sotkanet (see docs/sotkanet.md), not on this page.",
        ),
    ],
)
def test_fi018_the_layout_help_names_grain_and_credit_refusals_and_the_sotkanet_command(
    lang, grain, sotkanet
):
    """The layout help names the one-grain and Sotkanet-credit refusals and import-sotkanet."""
    with dash_app.server.test_request_context("/tuonti"):
        text = text_of(page.layout_help(lang))
    assert grain in text
    # The credit the sources may not claim, as rows.SOTKANET_CREDIT spells it.
    assert "(THL / Sotkanet, CC BY 4.0)." in text
    assert sotkanet in text
