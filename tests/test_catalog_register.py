"""``charts.spec.register`` checks a chart as one unit: each rule refuses a
deliberately wrong spec with a message naming the chart and the field.

Every spec starts from a real entry and changes one field, registered into an empty
catalog (so the entry's own id is free and nothing is left behind).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from charts import spec as catalog
from charts.catalog import CHARTS
from charts.spec import register

pytestmark = pytest.mark.unit

# A people-counting percent chart with a programme target (targets.csv) and no flags.
BASE = CHARTS["digiasiointi-osuus"]
# A county-totals chart published exactly (counts_people=False, unit_filter=False).
EXACT = CHARTS["sahkoiset-lomakkeet-osuus"]


@pytest.fixture(autouse=True)
def empty_catalog(monkeypatch):
    """Register into an empty catalog; the real one is untouched."""
    monkeypatch.setattr(catalog, "CHARTS", {})


def _refused(spec, *words):
    """Register ``spec``, expecting a ValueError whose message names each of ``words``."""
    with pytest.raises(ValueError) as info:
        register(spec)
    for word in (spec.id, *words):
        assert word in str(info.value)
    assert spec.id not in catalog.CHARTS


def test_cr001_every_real_entry_passes_the_checks_again():
    """Each shipped entry is accepted by the checks (the control for the tests below)."""
    for spec in CHARTS.values():
        assert register(spec) is spec
    assert list(catalog.CHARTS) == list(CHARTS)


def test_cr002_a_target_id_without_target_rows_is_refused():
    """A chart's own id that targets.csv holds no rows for fails at registration."""
    _refused(
        replace(BASE, id="uusi-kaavio", target_indicator="uusi-kaavio"),
        "target_indicator",
        "has no target rows",
    )


def test_cr003_a_deadline_id_as_target_is_refused():
    """A legal-deadline id is not a target: it has only legal-deadline rows."""
    deadline = "lakisaateinen-maaraaika-perusterveydenhuolto"
    _refused(
        replace(BASE, id=deadline, target_indicator=deadline),
        "target_indicator",
        "only legal-deadline rows: that is deadline_indicator",
    )


def test_cr003b_another_charts_target_id_is_refused():
    """A target id copied from another chart (or misspelt) is not the chart's own id."""
    for wrong in ("hoitotakuu-7vrk", "digiasiointi-osus"):
        _refused(replace(BASE, target_indicator=wrong), wrong, "not the chart's own id")


def test_cr004_a_deadline_id_without_deadline_rows_is_refused():
    """A deadline id must have legal_deadline rows: a programme target's id has none."""
    _refused(replace(BASE, deadline_indicator="digiasiointi-osuus"), "deadline_indicator")
    _refused(replace(BASE, deadline_indicator="no-such-deadline"), "deadline_indicator")


def test_cr005_exact_series_needs_counts_people():
    """exact_series in a chart published exactly is a contradiction."""
    _refused(replace(EXACT, exact_series=("share",)), "exact_series", "counts_people")


def test_cr006_exact_series_must_be_series_keys():
    """An exact series that the chart does not draw is refused."""
    _refused(replace(BASE, exact_series=("remotes",)), "exact_series", "remotes")
    # Every series exact: a chart that counts nobody, which counts_people=False says.
    _refused(replace(BASE, exact_series=BASE.series), "exact_series", "every series")


def test_cr007_unit_types_need_the_unit_filter():
    """A county-totals chart has no by-unit view, so unit_types would be dead."""
    _refused(replace(EXACT, unit_types=("oral_health",)), "unit_types", "unit_filter")
    _refused(replace(BASE, unit_types=()), "unit_types")
    # A unit type the reporting contract does not have (a typo) would match no unit.
    _refused(replace(BASE, unit_types=("health_statoin",)), "unit_types", "health_statoin")


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "pie"), ("unit", "euro"), ("min_grain", "week"), ("area", "nowhere")],
)
def test_cr008_enumerated_fields_take_only_their_values(field, value):
    """kind, unit, min_grain and area outside their lists are refused by name."""
    _refused(replace(BASE, **{field: value}), field, value)


def test_cr009_series_must_be_distinct_and_present():
    """A chart without series, or with one twice, is refused."""
    _refused(replace(BASE, series=()), "series")
    _refused(replace(BASE, series=("remote", "remote")), "series")


def test_cr010_decimals_must_be_a_count():
    """Negative decimals, and more than MAX_DECIMALS (2) digits, are refused."""
    _refused(replace(BASE, decimals=-1), "decimals")
    _refused(replace(BASE, decimals=3), "decimals", "from 0 to 2")
    assert register(replace(BASE, decimals=2)).decimals == 2


def test_cr011_a_chart_without_a_definition_text_is_refused():
    """An id without chart.<id>.definition in the Finnish catalog fails."""
    _refused(
        replace(BASE, id="uusi-kuvaaja", target_indicator=None), "chart.uusi-kuvaaja.definition"
    )


def test_cr012_a_definition_names_only_what_definition_fills(monkeypatch):
    """{minimum} (the appended protection sentence states it), a name nobody fills, a
    positional field, a format spec or an unbalanced brace is refused, in any language."""
    texts = {lang: dict(catalog.catalog(lang)) for lang in ("fi", "sv", "en")}
    monkeypatch.setattr(catalog, "catalog", lambda lang: texts[lang])
    key = BASE.text_key("definition")
    for text, named in (
        ("Alle {minimum} henkilöä.", "{minimum}"),
        ("Yksiköt: {unit_names}.", "{unit_names}"),
        ("Osuus {0}.", "{0}"),
        ("Osuus {oral_services:d}.", "{oral_services:d}"),
        ("Osuus {oral_services!r}.", "{oral_services!r}"),
    ):
        texts["fi"][key] = text
        _refused(BASE, named, "in fi")
    texts["fi"][key] = "Osuus {oral_services."
    _refused(BASE, "in fi", "expected '}'")
    texts["fi"][key] = "Digiasioinnin osuus."  # Finnish right, Swedish with a typo
    texts["sv"][key] = "Andelen under {minimun} personer."
    _refused(BASE, "{minimun}", "in sv")
    texts["sv"][key] = "Andelen digitala ärenden."
    assert register(BASE) is BASE


def test_cr013_text_params_fill_their_placeholders():
    """jonot's {oral_services} and {primary_services} come from its text_params; without
    them the definition names placeholders nobody fills."""
    _refused(replace(CHARTS["jonot"], text_params=None), "oral_services", "primary_services")


def test_cr014_a_national_chart_needs_one_headline_value():
    """national on a stacked distribution is refused: the peer context compares one value."""
    _refused(replace(BASE, national=True, kind="stacked"), "national", "stacked")
    assert register(replace(BASE, national=True)).national
