"""Exports in the page's language: a Swedish CSV (read with the csv module: UTF-8 with
BOM, ``;``) and a Swedish PowerPoint deck (reopened with python-pptx) carry Swedish
headings. The expected texts are written by hand from ``translations/sv``."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from pptx import Presentation

from exports.pptx import build_deck
from queries.filters import Filters

FILTERS, _ = Filters.from_query({"from": "2024-01", "to": "2024-02"})


def test_xl001_swedish_csv_has_swedish_headers_and_series(client):
    """A Swedish CSV has the BOM, Swedish headers and Swedish series names."""
    response = client.get("/api/charts/hoitotakuu-7vrk/data.csv?from=2024-01&to=2024-02&lang=sv")
    assert response.status_code == 200
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as in Finnish
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == [
        "Period",
        "Periodens början",
        "Serie",
        "Värde",
        "Enhet",
        "Täljare",
        "Nämnare",
        "Orsak till döljande",
    ]
    assert [row[2] for row in rows[1:]] == ["Genomfört inom 7 dygn"] * 2


def test_xl002_swedish_pptx_has_swedish_titles_and_footer_lines(reporting_db):
    """A Swedish deck has Swedish titles, subtitle, footer lines and notes."""
    deck = build_deck(
        "Tillgång till vård",
        ["hoitotakuu-7vrk"],
        FILTERS,
        "sv",
        exported_at=datetime(2026, 11, 24, 9, 5),
    )
    prs = Presentation(io.BytesIO(deck))
    assert len(prs.slides) == 2
    title_slide, chart_slide = prs.slides
    assert title_slide.shapes.title.text == "Tillgång till vård"
    subtitle = title_slide.placeholders[1].text_frame.text.splitlines()
    assert subtitle[0] == "Datadiskussioner"
    assert subtitle[1].startswith("Avgränsningar: ")
    assert subtitle[2].startswith("Uppgifter till och med ")
    assert subtitle[3].startswith("Exporterad ")
    assert subtitle[4].startswith("Demodata: alla siffror är påhittade")

    assert chart_slide.shapes.title.text == (
        "Icke-brådskande besök inom 7 dygn från bedömningen av vårdbehovet"
    )
    (footer,) = [
        shape
        for shape in chart_slide.shapes
        if shape.has_text_frame and shape != chart_slide.shapes.title
    ]
    lines = footer.text_frame.text.splitlines()
    assert lines[0].startswith("Avgränsningar: ")
    assert "Källa: Avohilmo-uppgifter från rapporteringsdatabasen." in lines
    assert any(line.startswith("Uppgifter till och med ") for line in lines)
    assert "Syntetiska demodata." in lines
    notes = chart_slide.notes_slide.notes_text_frame.text
    assert "Senaste värde 2/2024: " in notes
