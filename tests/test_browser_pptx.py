"""The export panel in headless Chromium: the PowerPoint button runs the background
callback, the browser downloads a .pptx that python-pptx opens, and its slides carry
what the cards show (title, summary sentence as the picture's alternative text)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests
from dash.testing.wait import until
from pptx import Presentation

from app import app
from dashboards import tietopohja
from dashboards._export import IDS
from tests.servers import WAIT

pytestmark = pytest.mark.browser


def _pptx(dash_duo, name: str) -> Presentation:
    path = Path(dash_duo.download_path) / name
    until(lambda: path.exists(), timeout=WAIT, msg=f"{name} was not downloaded")
    until(lambda: path.stat().st_size > 0, timeout=WAIT)
    return Presentation(io.BytesIO(path.read_bytes()))


def _descr(slide) -> str:
    (picture,) = [shape for shape in slide.shapes if shape.shape_type == 13]
    return picture._element.nvPicPr.cNvPr.get("descr")


def _texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_pp51_page_and_chosen_charts_download_as_pptx(dash_duo, browser_db):
    """A page's charts, or only chosen ones in their view, download as a deck built off-thread."""
    from datetime import date

    dash_duo.start_server(app)
    # To 3/2024: the monitoring coverage is reported per quarter, and a quarter the
    # chosen months cover only in part is left out.
    dash_duo.wait_for_page(url=dash_duo.server_url + "/tietopohja?from=2024-01&to=2024-03")
    charts = len(tietopohja.CHART_IDS)  # every chart of the page, each a slide
    until(
        lambda: len(dash_duo.find_elements(".chart-card .js-plotly-plot")) == charts, timeout=WAIT
    )
    # textContent: Selenium's .text turns the no-break space of "50 %" into a space.
    summaries = {
        card.get_attribute("id").removeprefix("card-"): card.find_element(
            "css selector", ".chart-summary"
        ).get_attribute("textContent")
        for card in dash_duo.find_elements(".chart-card")
    }
    titles = [h.get_attribute("textContent") for h in dash_duo.find_elements(".chart-card h2")]

    button = dash_duo.find_element("#" + IDS["page"])
    button.click()
    # While the deck is being made the buttons are disabled and the status says so.
    until(lambda: not button.is_enabled(), timeout=WAIT, msg="the button was not disabled")
    assert "valmistellaan" in dash_duo.find_element("#" + IDS["status"]).text
    # The deck is made in another process: the server answers others meanwhile.
    assert requests.get(dash_duo.server_url + "/api/charts", timeout=WAIT).status_code == 200
    assert not button.is_enabled(), "the export finished before the check could run"
    # "(1 kuvaaja)" or "(2 kuvaajaa)": the prefix fits both plural forms.
    dash_duo.wait_for_contains_text(
        "#" + IDS["status"], f"on valmis ({charts} kuvaaja", timeout=WAIT
    )
    assert button.is_enabled()
    prs = _pptx(dash_duo, f"tietokeskustelut_tietopohja_{date.today().isoformat()}.pptx")
    assert len(prs.slides) == 1 + charts  # the title slide, then one a chart
    assert prs.slides[0].shapes.title.text == "Tietopohja"
    assert [slide.shapes.title.text for slide in list(prs.slides)[1:]] == titles
    for slide, chart_id in zip(list(prs.slides)[1:], summaries, strict=True):
        assert _descr(slide) == summaries[chart_id]
        assert "Rajaukset: ajanjakso 1/2024–3/2024" in _texts(slide)

    # The chosen charts only, in the view the card shows: the units of the 7-day chart.
    dash_duo.wait_for_page(url=dash_duo.server_url + "/hoitoonpaasy?from=2024-01&to=2024-02")
    card = "#card-hoitotakuu-7vrk"
    dash_duo.wait_for_element(card + " .js-plotly-plot", timeout=WAIT)
    dash_duo.find_element(card + " .chart-view input[value='units']").click()
    dash_duo.wait_for_contains_text(card + " .chart-summary", "Jakso 2/2024: suurin arvo")
    units_summary = dash_duo.find_element(card + " .chart-summary").get_attribute("textContent")
    dash_duo.find_element(".export-panel summary").click()
    for box in dash_duo.find_elements(f"#{IDS['charts']} input"):
        if box.get_attribute("value") != "hoitotakuu-7vrk":
            box.click()
    dash_duo.find_element("#" + IDS["selected"]).click()
    dash_duo.wait_for_contains_text("#" + IDS["status"], "on valmis (1 kuvaajaa)", timeout=WAIT)
    prs = _pptx(dash_duo, f"tietokeskustelut_hoitoonpaasy_{date.today().isoformat()}.pptx")
    assert len(prs.slides) == 2
    assert prs.slides[1].shapes.title.text.startswith("Kiireettömät käynnit 7 vuorokauden")
    assert _descr(prs.slides[1]) == units_summary
    assert "Näkymä: Yksiköittäin" in _texts(prs.slides[1])
    assert dash_duo.get_logs() == []
