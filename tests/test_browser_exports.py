"""Toolbar image downloads in headless Chromium: no cloud button, PNG at 2x and SVG
with the chart's context (title, filters, source, data date) in the image."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from dash.testing.wait import until

from app import app
from tests.servers import WAIT

pytestmark = pytest.mark.browser
CARD = "#card-hoitotakuu-7vrk"


def _open_chart(dash_duo):
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01&to=2024-02")
    dash_duo.wait_for_element(CARD + " .js-plotly-plot")
    dash_duo.wait_for_element(CARD + " .modebar", timeout=WAIT)


def _download(dash_duo, name: str) -> Path:
    """The downloaded file once Chromium has finished writing it."""
    path = Path(dash_duo.download_path) / name

    def finished() -> bool:
        # Chromium writes to "<name>.crdownload" and renames it when done; the final
        # name can appear empty for a moment, so wait for content as well.
        return path.exists() and path.stat().st_size > 0 and not path.with_name(
            name + ".crdownload").exists()

    until(finished, timeout=WAIT, msg=f"{name} was not downloaded")
    return path


def test_x001_toolbar_has_no_cloud_button_or_logo_and_our_buttons(dash_duo, browser_db):
    _open_chart(dash_duo)
    titles = [b.get_attribute("data-title") for b in dash_duo.find_elements(
        CARD + " .modebar-btn")]
    assert "Lataa kuva (PNG)" in titles and "Lataa kuva (SVG)" in titles
    assert not [t for t in titles if t and ("cloud" in t.lower() or "edit" in t.lower())]
    assert "Download plot as a png" not in titles  # plotly's own camera is replaced
    assert dash_duo.find_elements(".modebar-btn--logo") == []
    assert dash_duo.get_logs() == []


def test_x002_svg_and_png_downloads_carry_their_context(dash_duo, browser_db):
    _open_chart(dash_duo)
    dash_duo.find_element(CARD + " .modebar-btn[data-title='Lataa kuva (SVG)']").click()
    svg = _download(dash_duo, "hoitotakuu-7vrk_2024-04-30.svg").read_text(encoding="utf-8")
    assert "Kiireettömät käynnit 7 vuorokauden kuluessa" in svg
    assert "ajanjakso 1/2024–2/2024" in svg and "Avohilmo-tiedot" in svg
    assert "Tiedot 30.4.2024 asti." in svg
    dash_duo.find_element(CARD + " .modebar-btn[data-title='Lataa kuva (PNG)']").click()
    png = _download(dash_duo, "hoitotakuu-7vrk_2024-04-30.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    graph = dash_duo.find_element(CARD + " .js-plotly-plot")
    # Twice the on-screen width; the height adds the context lines below the chart.
    assert width == 2 * graph.size["width"]
    assert height == 2 * (graph.size["height"] + 120)
    # The chart on screen did not get the export title.
    assert "Kiireettömät" not in dash_duo.find_element(CARD + " .main-svg").get_attribute(
        "innerHTML")
    assert dash_duo.get_logs() == []
