"""No catalog text repeats a number that lives in data or settings.

A minimum written into a text ("alle viisi") goes wrong when ``TK_MIN_CELL_COUNT``
changes; a target or a legal deadline copied into a text goes stale when
``reporting/data/targets.csv`` (or a county's own ``targets`` view) changes. Texts use
the ``{minimum}`` placeholder, and targets and deadlines are drawn from the data (the
chart's step lines, the summary sentence, the workbook's metadata). So every number in
every Finnish catalog text must be one of the few listed below, each with the reason it
may be written out; numbers that repeat a code constant are taken from that constant,
so the test fails when the two drift apart.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from dash import html

from charts.address import MAX_PHASES
from charts.areas import ALL_AREAS, INVESTMENT_AREAS
from charts.catalog import CHARTS
from queries import codes
from queries.access import BUCKET_KEYS, WAIT_BUCKETS
from reporting.figures.rows import FIRST_YEAR, LAST_YEAR
from settings import configure, get_settings
from translations import catalog

pytestmark = pytest.mark.unit

# Avohilmo codes (R10, T11) are the national code set the definitions cite, not
# numbers; they are checked against queries/codes.py instead.
CODE = re.compile(r"\b[RT]\d{2}\b")
NUMBER = re.compile(r"\d+(?:[.,:/–-]\d+)*")
# Finnish number words, in the forms a text would use them ("alle viisi", "viiden").
WORD = re.compile(
    r"\b(yksi|kaksi|kahden|kolme|kolmen|neljä|neljän|viisi|viiden|viittä|viiteen|"
    r"kuusi|kuuden|seitsemän|kahdeksan|yhdeksän|kymmenen|sata|sadan|tuhat|tuhannen)\b",
    re.IGNORECASE,
)


def _allowed() -> dict[str, set[str]]:
    """Key -> the numbers its text may contain, and why."""
    days = str(CHARTS["hoitotakuu-7vrk"].load.keywords["days"])  # the indicator itself
    allowed: dict[str, set[str]] = {
        # "Kiireettömät käynnit 7 vuorokauden kuluessa ...", "0–7 vuorokauden": the
        # definition of the indicator, from its loader's days.
        "chart.hoitotakuu-7vrk.title": {days},
        "chart.hoitotakuu-7vrk.definition": {f"0–{days}"},
        "chart.hoitotakuu-7vrk.series.within_days": {days},
        # The law's section (terveydenhuoltolaki 51 §) and "the same visits as in the
        # 7-day chart"; the deadlines themselves come from targets.csv.
        "chart.hoitotakuu-lakisaateinen.definition": {"51", days},
        "chart.hoitotakuu-lakisaateinen.source": {"51"},
        "chart.jonot.definition": {"51"},
        "chart.jonot.source": {"51"},
        # The 90th percentile is the series itself (percentile_cont(0.9)).
        "chart.suun-terveydenhuolto-odotus.definition": {"90"},
        "chart.suun-terveydenhuolto-odotus.series.p90": {"90"},
        # "Completed within 90 days" is what the county reports: the indicator itself.
        "chart.palvelutarpeen-arviointi-90pv.title": {"90"},
        "chart.palvelutarpeen-arviointi-90pv.definition": {"90"},
        "chart.palvelutarpeen-arviointi-90pv.series.share": {"90"},
        # The ages of the child health clinic's check-ups (18 months, 4 years) and of
        # the Lene assessments (4 and 6 years) name the indicators themselves.
        "chart.neuvola-laakarikaynnit-18kk-4v.title": {"18", "4"},
        "chart.neuvola-laakarikaynnit-18kk-4v.definition": {"18", "4"},
        "chart.lene-maaraajassa.definition": {"4", "6"},
        # Making Data Count's "two of three points near a limit" is the rule's name.
        "spc.rule.two_of_three.high": {"2", "3"},
        "spc.rule.two_of_three.low": {"2", "3"},
        # "Valitse vähintään yksi kuvaaja": plain language, not a figure.
        "export.pptx.none_selected": {"yksi"},
        # Examples of the month format in notices.
        "notice.bad_from": {"2024-01"},
        "notice.bad_to": {"2025-06"},
        # Examples of node ids (TA01, municipality-901); the limit of phase starts.
        "notice.bad_unit": {"01", "901"},
        "notice.bad_phase": {str(MAX_PHASES)},
        # Examples of what an imported file may hold (the forms of periods and region
        # codes, an indicator id, the encoding's name "UTF-8", the share formula's
        # 100 and Sotkanet's ".." written out as "kaksi pistettä"), and the years a
        # period may be in (reporting.figures.rows).
        "figures.error.not_utf8": {"8"},
        "figures.sotkanet.not_utf8": {"8"},
        "figures.error.bad_indicator": {"7"},
        # The example chart id hoitotakuu-7vrk (its days are its loader's).
        "api.peers_unknown": {days},
        "figures.error.bad_region": {"kaksi", "15", "kolme", "091"},
        "figures.api.bad_region": {"kaksi", "15", "kolme"},
        "figures.error.region_number": {"091"},
        "figures.error.bad_period": {"2024", "3", "2024-07"},
        "figures.error.value_not_share": {"100"},
        "figures.sotkanet.not_a_number": {"kaksi"},
        "figures.sotkanet.bad_year": {f"{FIRST_YEAR}–{LAST_YEAR}"},
        # Q1 and Q3 are the names of the quartiles the peer context draws
        # (percentile_cont(0.25) and (0.75), queries.peers).
        "peers.middle": {"1", "3"},
        "peers.col.q1": {"1"},
        "peers.col.q3": {"3"},
        # "Kestävän kasvun ohjelman neljän investoinnin ..." and "Investointi 1" ...
        "area.overview.intro": {"neljän"} if len(INVESTMENT_AREAS) == 4 else set(),
    }
    for area in INVESTMENT_AREAS:
        allowed[area.intro_key] = {str(area.number)}
    # The waiting-time classes' labels repeat their bounds, which are also their keys.
    for key, (first, last) in zip(BUCKET_KEYS, WAIT_BUCKETS, strict=True):
        label = {f"{first}–{last}"} if last is not None else {str(first - 1)}
        allowed[f"chart.odotusaikajakauma.series.{key}"] = label
    return allowed


def _numbers(text: str) -> set[str]:
    text = CODE.sub("", text)
    return set(NUMBER.findall(text)) | {w.lower() for w in WORD.findall(text)}


def test_tx001_no_catalog_text_repeats_data_or_settings():
    """No catalog text spells out a number from data or settings; every allowance is still used."""
    allowed = _allowed()
    found = {
        key: _numbers(text) - allowed.get(key, set())
        for key, text in catalog("fi").items()
        if _numbers(text) - allowed.get(key, set())
    }
    assert found == {}, (
        "A catalog text spells out a number that lives in data or settings: use the "
        "{minimum} placeholder for the small-count minimum, and take targets and "
        "deadlines from the targets data (or leave them to the chart) instead."
    )
    # Every exception is still needed (a stale allowance would hide a new literal).
    for key, numbers in allowed.items():
        assert numbers <= _numbers(catalog("fi")[key]), key


def test_tx002_codes_in_texts_are_codes_of_the_definitions():
    """Contact codes cited in the texts are codes known to the definitions."""
    known = set(codes.IN_PERSON + codes.REMOTE + codes.NOT_CLIENT_CONTACT)
    known.add(codes.ACCESS_SERVICE_FORM)
    cited = {code for text in catalog("fi").values() for code in CODE.findall(text)}
    assert cited and cited <= known


def test_tx003_every_definition_ends_with_the_protection_in_force():
    """Every chart's definition, in fi, sv and en, ends with how small numbers are
    protected: the configured minimum for a chart that counts people, else "exact"."""
    original = get_settings()
    try:
        configure(replace(original, min_cell_count=7))
        for spec in CHARTS.values():
            # The card, the API, the data files and the slides' notes all carry this one
            # text (ChartSpec.definition), so none of them can leave the rule out.
            fi, sv, en = (spec.definition(lang) for lang in ("fi", "sv", "en"))
            if spec.counts_people:
                assert fi.endswith(spec.protection("fi")), spec.id
                assert "7:n monikertaan" in fi and "nolla tarkoittaa alle 7 henkilöä" in fi
                assert "en multipel av 7 " in sv and "a multiple of 7 " in en, spec.id
            else:
                assert fi.endswith("Luvut eivät koske henkilöitä, joten ne näytetään tarkkoina."), (
                    spec.id
                )
            assert "{minimum}" not in catalog("fi")[spec.text_key("definition")], spec.id
    finally:
        configure(original)
    assert ALL_AREAS  # the areas' texts were scanned above through the catalog


def test_tx004_definition_says_how_small_numbers_are_protected():
    """The card's definition (fetched when its disclosure opens: ``definition_body``)
    says how small numbers are protected, with the minimum in force, or that the
    chart's numbers are exact."""
    from charts.cards.chart import definition_body

    def texts(component) -> list[str]:
        children = getattr(component, "children", None)
        if isinstance(children, str):
            return [children]
        if isinstance(children, list | tuple):
            return [text for child in children for text in texts(child)]
        return texts(children) if children is not None else []

    people = html.Div(definition_body(CHARTS["jonot"], "fi"))
    # The minimum in force (5 by default) in the catalog sentence.
    assert any(
        "Pienet luvut suojataan: kaikki henkilömäärät, myös pienet, pyöristetään" in text
        and "nolla tarkoittaa alle 5 henkilöä" in text
        for text in texts(people)
    )
    stations = html.Div(definition_body(CHARTS["hoitotakuuseuranta-kattavuus"], "fi"))
    assert texts(stations)[0].endswith(
        "Luvut eivät koske henkilöitä, joten ne näytetään tarkkoina."
    )
