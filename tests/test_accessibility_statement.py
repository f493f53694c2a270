"""The accessibility statement ``/saavutettavuus`` (law 306/2019): its heading in each
language, the configured feedback channel as a link, the settings that refuse a bad
channel or date, and no axe-core WCAG 2.1 A/AA violations in headless Chromium."""

from __future__ import annotations

from dataclasses import replace

import pytest
from dash import html

from dashboards import accessibility_statement as statement_page
from settings import SETTINGS_DOC, Settings, configure, get_settings


@pytest.fixture
def statement_settings():
    """Sets the process settings' accessibility fields for one test, then restores."""
    original = get_settings()

    def use(**fields: str) -> None:
        configure(replace(original, **fields))

    yield use
    configure(original)


def _all(component, kind) -> list:
    """Every component of type ``kind`` in the tree under ``component`` (a component
    or, for a framed page, a list of them)."""
    if isinstance(component, list | tuple):
        component = html.Div(component)
    found = [component] if isinstance(component, kind) else []
    return found + [c for c in component._traverse() if isinstance(c, kind)]  # noqa: SLF001


def _text(component) -> str:
    """The text of a component tree (or a list of them), its strings joined."""
    if isinstance(component, list | tuple):
        return "".join(_text(part) for part in component)
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if isinstance(children, list | tuple):
        return "".join(_text(child) for child in children)
    return _text(children)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("lang", "heading", "section"),
    [
        ("fi", "Saavutettavuusseloste", "Valvontaviranomainen"),
        ("sv", "Tillgänglighetsutlåtande", "Tillsynsmyndighet"),
        ("en", "Accessibility statement", "Supervisory authority"),
    ],
)
def test_a001_statement_renders_in_each_language(lang, heading, section):
    """The statement renders in fi, sv and en with its heading, a section and the app frame."""
    page = statement_page.layout(lang=lang)
    assert [_text(h1) for h1 in _all(page, html.H1)] == [heading]
    assert section in [_text(h2) for h2 in _all(page, html.H2)]
    # In the app's frame, like every page: one header, one <main>, the footer's link.
    assert len(_all(page, html.Main)) == 1 and len(_all(page, html.Header)) == 1


@pytest.mark.unit
def test_a002_statement_says_what_law_requires(statement_settings):
    """The statement states compliance, the law, deadline, authority, dates and the chart gap."""
    statement_settings(accessibility_prepared="2026-11-30", accessibility_updated="2027-01-15")
    fi = _text(statement_page.layout())
    assert "osittain" in fi  # partially compliant
    assert "306/2019" in fi and "14 päivän kuluessa" in fi
    assert "Lupa- ja valvontavirasto" in fi
    assert "laadittu 30.11.2026" in fi and "päivitetty 15.1.2027" in fi
    sv = _text(statement_page.layout(lang="sv"))
    assert "Tillstånds- och tillsynsverket" in sv and "inom 14 dagar" in sv
    # The chart gap names the keyboard-reachable table by its button's label.
    assert "diagramkorts tabell (”Visa som tabell”)" in sv
    links = {a.href for a in _all(statement_page.layout(lang="en"), html.A)}
    assert "https://www.webaccessibility.fi" in links


@pytest.mark.unit
def test_a003_email_feedback_is_a_mailto_link(statement_settings):
    """An email feedback channel is shown as a mailto link with the address as text."""
    statement_settings(accessibility_feedback="saavutettavuus@esimerkkila.fi")
    page = statement_page.layout()
    links = [(a.href, _text(a)) for a in _all(page, html.A)]
    assert ("mailto:saavutettavuus@esimerkkila.fi", "saavutettavuus@esimerkkila.fi") in links
    assert "Sähköposti: saavutettavuus@esimerkkila.fi" in _text(page)


@pytest.mark.unit
def test_a004_form_feedback_is_a_link(statement_settings):
    """A feedback form URL is shown as a link with the URL as its text."""
    url = "https://palaute.esimerkkila.fi/saavutettavuus?palvelu=tk"
    statement_settings(accessibility_feedback=url)
    page = statement_page.layout()
    assert (url, url) in [(a.href, _text(a)) for a in _all(page, html.A)]
    assert "Palautelomake: " + url in _text(page)


@pytest.mark.unit
def test_a005_no_feedback_channel_is_said_and_organisation_named(statement_settings):
    """A missing channel is said plainly; the organisation is generic until configured."""
    statement_settings(accessibility_feedback="", accessibility_organisation="")
    text = _text(statement_page.layout())
    assert "Palautekanavaa ei ole vielä määritetty" in text
    assert "hyvinvointialue, joka on ottanut sen käyttöön" in text
    statement_settings(accessibility_organisation="Esimerkkilän hyvinvointialue")
    assert "Palvelun tarjoaa Esimerkkilän hyvinvointialue." in _text(statement_page.layout())


@pytest.mark.unit
def test_a006_unknown_language_gets_a_notice_and_finnish():
    """An unknown language shows the Finnish statement and a notice naming the language."""
    page = statement_page.layout(lang="de")
    assert [_text(h1) for h1 in _all(page, html.H1)] == ["Saavutettavuusseloste"]
    assert "”de”" in _text(page)


@pytest.mark.unit
@pytest.mark.parametrize(
    "value",
    [
        "http://palaute.esimerkkila.fi",
        "javascript:alert(1)",
        "mailto:saavutettavuus@esimerkkila.fi",
        "saavutettavuus",
        "saavutettavuus@esimerkkila",
        "a b@esimerkkila.fi",
        "https://",
    ],
)
def test_a007_bad_feedback_channel_is_refused(monkeypatch, value):
    """A feedback channel that is neither a valid email address nor an https URL is refused."""
    monkeypatch.setenv("TK_ACCESSIBILITY_FEEDBACK", value)
    with pytest.raises(ValueError, match="TK_ACCESSIBILITY_FEEDBACK must be an email address"):
        Settings.from_env()


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TK_ACCESSIBILITY_PREPARED", ""),
        ("TK_ACCESSIBILITY_PREPARED", "30.11.2026"),
        ("TK_ACCESSIBILITY_UPDATED", "2026-02-30"),
        ("TK_ACCESSIBILITY_UPDATED", "20261130"),
    ],
)
def test_a008_bad_statement_date_is_refused(monkeypatch, name, value):
    """A statement date that is empty, not ISO or impossible is refused at start."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name} must be a date YYYY-MM-DD"):
        Settings.from_env()


@pytest.mark.unit
def test_a009_defaults_and_good_values(monkeypatch):
    """Statement settings have defaults; good values are read, trimmed, from the environment."""
    for name in SETTINGS_DOC:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.accessibility_feedback == "" and settings.accessibility_organisation == ""
    assert str(settings.accessibility_dates[0]) == "2026-11-30"
    assert settings.accessibility_dates[1] is None
    monkeypatch.setenv("TK_ACCESSIBILITY_FEEDBACK", "  palaute@esimerkkila.fi ")
    monkeypatch.setenv("TK_ACCESSIBILITY_UPDATED", "2027-01-15")
    settings = Settings.from_env()
    assert settings.accessibility_feedback == "palaute@esimerkkila.fi"
    assert str(settings.accessibility_dates[1]) == "2027-01-15"


@pytest.mark.browser
def test_a010_statement_has_no_axe_violations(dash_duo, browser_db):
    """The statement page in sv, fi and en has no axe violations and no browser log errors."""
    from app import app
    from tests.test_browser import _axe_violations

    configure(replace(get_settings(), accessibility_feedback="saavutettavuus@esimerkkila.fi"))
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/saavutettavuus?lang=sv")
    dash_duo.wait_for_text_to_equal("h1", "Tillgänglighetsutlåtande")
    link = dash_duo.find_element("#accessibility-feedback a")
    assert link.get_attribute("href") == "mailto:saavutettavuus@esimerkkila.fi"
    assert _axe_violations(dash_duo) == [], "sv"
    for lang, heading in (("fi", "Saavutettavuusseloste"), ("en", "Accessibility statement")):
        dash_duo.wait_for_page(url=dash_duo.server_url + f"/saavutettavuus?lang={lang}")
        dash_duo.wait_for_text_to_equal("h1", heading)
        assert _axe_violations(dash_duo) == [], lang
    assert dash_duo.get_logs() == []
