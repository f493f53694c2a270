"""Reading Sotkanet's JSON and CSV responses (reporting.figures.sotkanet): the figures
every field of them, what is skipped, and every problem with its place in the file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from reporting.figures.rows import Figure, ImportRefused
from reporting.figures.sotkanet import read_sotkanet, skipped_texts, source_for

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sotkanet"
REGIONS = (FIXTURES / "regions.json").read_bytes()
RETRIEVED = date(2025, 3, 14)
MAP = {4: "hoitotakuu-7vrk"}
HEADER = "indicator;region;year;gender;primary value;absolute value\n"
SOURCE_4 = "THL / Sotkanet, CC BY 4.0 (indikaattori 4)"
SOURCE_5 = "THL / Sotkanet, CC BY 4.0 (indikaattori 5)"


def _expected(lines: bool) -> list[Figure]:
    """The kept figures of response.json / response.csv, written out by hand from the
    files: the rows of gender total in a county (961 -> "01", 967 -> "10", 965 -> "15",
    964 -> "18"), the municipality 231 -> "434" and the whole country 658 -> "SSS"; the
    male and female rows (CSV lines 8, 9) and the maakunta 587 (line 10) are skipped.
    Indicator 4 is mapped to hoitotakuu-7vrk, 5 is not (sotkanet-5). CSV line = the
    row's place + 1 (the header is line 1); JSON rows have no line."""

    def fig(indicator, region, year, value, numerator, source, line):
        return Figure(
            indicator_id=indicator,
            region_code=region,
            period_start=date(year, 1, 1),
            period_grain="year",
            value=value,
            numerator=numerator,
            denominator=None,
            source=source,
            retrieved_on=RETRIEVED,
            published=True,  # THL's published statistics, marked by the reader
            line=line if lines else None,
        )

    return [
        fig("hoitotakuu-7vrk", "01", 2024, 61.5, 1230.0, SOURCE_4, 2),
        fig("hoitotakuu-7vrk", "10", 2024, 58.2, 2104.0, SOURCE_4, 3),
        # value null (JSON) / empty cells (CSV): suppressed, no absolute value either
        fig("hoitotakuu-7vrk", "15", 2024, None, None, SOURCE_4, 4),
        # only absValue: the value is suppressed, the published count is the numerator
        fig("hoitotakuu-7vrk", "18", 2024, None, 87.0, SOURCE_4, 5),
        fig("hoitotakuu-7vrk", "SSS", 2024, 63.1, 41250.0, SOURCE_4, 6),
        fig("hoitotakuu-7vrk", "434", 2024, 64.0, 310.0, SOURCE_4, 7),
        # ".." in both: suppressed
        fig("hoitotakuu-7vrk", "01", 2023, None, None, SOURCE_4, 11),
        fig("sotkanet-5", "01", 2024, 12.25, 45.0, SOURCE_5, 12),
    ]


def _read(content: str | bytes, name: str, regions: bytes = REGIONS):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return read_sotkanet(data, name, regions, retrieved_on=RETRIEVED, indicator_ids=MAP)


def _refused(content: str | bytes, name: str, lang: str = "fi", regions: bytes = REGIONS):
    with pytest.raises(ImportRefused) as caught:
        _read(content, name, regions)
    return caught.value.texts(lang)


def test_sk001_json_response_gives_every_field_of_the_published_figures():
    """The JSON response gives the total rows of counties, a municipality and the country."""
    read = _read((FIXTURES / "response.json").read_bytes(), "response.json")
    assert read.figures == _expected(lines=False)
    # Skipped: the male and the female row (gender), the maakunta Uusimaa (category).
    assert read.skipped == {"gender": 2, "region_category": 1}


def test_sk002_csv_response_gives_the_same_figures_with_their_lines():
    """The CSV response gives the same figures as the JSON one, each with its line."""
    read = _read((FIXTURES / "response.csv").read_bytes(), "response.csv")
    assert read.figures == _expected(lines=True)
    assert read.skipped == {"gender": 2, "region_category": 1}


def test_sk003_csv_with_bom_quotes_crlf_and_decimal_comma_reads_alike():
    """A CSV with a BOM, quoted cells, CRLF lines and decimal commas reads like the plain one."""
    text = (
        '\ufeff"indicator";"region";"year";"gender";"primary value";"absolute value"\r\n'
        '"4";"961";"2024";"total";"61,5";"1230"\r\n'
        "4;967;2024;total;58,20;2104\r\n"
    )
    read = _read(text.encode("utf-8"), "Data.CSV")
    # 61,5 -> 61.5; 58,20 -> 58.2 (same number as the point form).
    assert [(f.region_code, f.value, f.numerator, f.line) for f in read.figures] == [
        ("01", 61.5, 1230.0, 2),
        ("10", 58.2, 2104.0, 3),
    ]


def test_sk004_columns_in_another_order_are_read_by_name():
    """The CSV columns are read by their names, in whatever order they come."""
    text = "Year;GENDER;indicator;region;absolute value;primary value\n2024;total;4;967;2104;58.2\n"
    (figure,) = _read(text, "x.csv").figures
    assert (figure.region_code, figure.period_start, figure.value, figure.numerator) == (
        "10",
        date(2024, 1, 1),
        58.2,
        2104.0,
    )


def test_sk005_an_unmapped_indicator_gets_the_sotkanet_id_and_the_source_names_it():
    """An unmapped Sotkanet id becomes sotkanet-<id>; the source credits THL and names the id."""
    read = read_sotkanet(
        b'[{"indicator": 5, "region": 658, "year": 2020, "gender": "total", "value": 1}]',
        "a.json",
        REGIONS,
        retrieved_on=RETRIEVED,
        indicator_ids={},
    )
    assert [(f.indicator_id, f.region_code, f.source) for f in read.figures] == [
        ("sotkanet-5", "SSS", SOURCE_5)
    ]
    assert source_for(5) == SOURCE_5 and source_for(5).startswith("THL / Sotkanet, CC BY 4.0")
    assert read.skipped == {}


def test_sk006_csv_problems_name_their_lines_in_finnish():
    """Every CSV problem is reported at once, each with its line, in Finnish."""
    text = HEADER + (
        "4;961;2024;total;61.5;1230\n"  # line 2: fine
        "4;961;2024;total\n"  # 3: four cells
        "4;999;2024;total;1;1\n"  # 4: 999 is not in the regions file
        "4;967;2024;total;12x;3\n"  # 5: value not a number
        "4;967;vuosi;total;1;1\n"  # 6: year not an integer
        "4;961;2024;total;61.5;1230\n"  # 7: the same row as line 2
        ";965;2024;total;1;1\n"  # 8: indicator missing
        "4;965;1850;total;1;1\n"  # 9: year out of range
    )
    assert _refused(text, "vastaus.csv") == [
        # a count after a label: reads right for one value too
        "Rivi 3: Rivillä on eri määrä arvoja kuin otsikkorivillä sarakkeita (arvoja: 4, "
        "sarakkeita: 6).",
        "Rivi 4: Alueen id 999 ei ole alueluettelossa. Hae alueluettelo (/regions) samalla "
        "kertaa kuin luvut.",
        "Rivi 5: Kentän value arvo \u201d12x\u201d ei ole luku. Salattu tai puuttuva arvo on "
        "tyhjä, null tai kaksi pistettä (..).",
        "Rivi 6: Kentän year arvo \u201dvuosi\u201d ei ole kokonaisluku.",
        "Rivi 7: Sama indikaattori, alue ja vuosi on jo rivillä 2.",
        "Rivi 8: Luvulta puuttuu: indicator.",
        "Rivi 9: Vuosi 1850 ei kelpaa (1900–2099).",
    ]


def test_sk007_json_problems_name_their_items_in_finnish():
    """Every JSON problem is reported at once, each with the item's 1-based place."""
    items = [
        {"indicator": 4, "region": 961, "year": 2024, "gender": "total", "value": 1},  # 1
        {"indicator": 4, "region": 961, "year": 2024},  # 2: no gender
        {"indicator": 4, "region": 12345, "year": 2024, "gender": "total"},  # 3: unknown
        {"indicator": 4, "region": 967, "year": 2024, "gender": "total", "absValue": "abc"},
        {"indicator": "x", "region": 967, "year": 2024, "gender": "total"},  # 5
        {"indicator": 4, "region": 961, "year": 2024, "gender": "total", "value": 2},  # 6
        "4;961",  # 7: not an object
        {"indicator": 4, "region": 965, "year": 2024, "gender": "total", "value": True},  # 8
    ]
    assert _refused(json.dumps(items), "vastaus.json") == [
        "Kohde 2: Luvulta puuttuu: gender.",
        "Kohde 3: Alueen id 12345 ei ole alueluettelossa. Hae alueluettelo (/regions) "
        "samalla kertaa kuin luvut.",
        "Kohde 4: Kentän absValue arvo \u201dabc\u201d ei ole luku. Salattu tai puuttuva arvo "
        "on tyhjä, null tai kaksi pistettä (..).",
        "Kohde 5: Kentän indicator arvo \u201dx\u201d ei ole kokonaisluku.",
        "Kohde 6: Sama indikaattori, alue ja vuosi on jo kohteessa 1.",
        "Kohde 7: Kohde ei ole Sotkanetin luku (JSON-olio).",
        "Kohde 8: Kentän value arvo \u201dtrue\u201d ei ole luku. Salattu tai puuttuva arvo on "
        "tyhjä, null tai kaksi pistettä (..).",
    ]


def test_sk008_a_file_that_is_not_a_sotkanet_response_is_refused_as_a_whole():
    """Not JSON, not the CSV header, another suffix, an empty array: one problem each."""
    assert _refused(b"<html>", "vastaus.json") == [
        "Tiedosto ei ole Sotkanetin JSON-vastaus (JSON-taulukko lukuja)."
    ]
    assert _refused(b'{"indicator": 4}', "vastaus.json") == [
        "Tiedosto ei ole Sotkanetin JSON-vastaus (JSON-taulukko lukuja)."
    ]
    assert _refused("indicator;region;period;value\n4;961;2024;1\n", "vastaus.csv") == [
        "Rivi 1: Otsikkorivi ei ole Sotkanetin CSV-muotoa. Odotettiin: "
        "indicator;region;year;gender;primary value;absolute value."
    ]
    assert _refused(b"[]", "vastaus.xlsx") == [
        "Tiedostomuoto .xlsx ei käy. Sotkanetin vastaus luetaan tiedostosta .json tai .csv."
    ]
    assert _refused(b"[]", "vastaus.json") == ["Tiedostossa ei ole yhtään lukua."]
    assert _refused(b"\xff\xfe4;961", "vastaus.csv") == [
        "Tiedosto ei ole UTF-8-merkistöä. Tallenna Sotkanetin vastaus sellaisenaan."
    ]


def test_sk009_a_regions_file_that_is_not_regions_is_refused():
    """A regions file that is not /regions (the data response, not JSON, an id twice) is refused."""
    data = (FIXTURES / "response.json").read_bytes()
    # The data response given as the regions file: its first item has no id.
    assert _refused(data, "vastaus.json", regions=data) == [
        "Alueluettelo ei ole Sotkanetin /regions-vastaus: sen kohteesta 1 puuttuu id, "
        "category tai code."
    ]
    assert _refused(data, "vastaus.json", regions=b"id;code") == [
        "Alueluettelo ei ole Sotkanetin /regions-vastaus (JSON-taulukko alueita)."
    ]
    twice = json.dumps(
        [
            {"id": 961, "code": "01", "category": "HYVINVOINTIALUE"},
            {"id": 961, "code": "10", "category": "HYVINVOINTIALUE"},
        ]
    ).encode()
    assert _refused(data, "vastaus.json", regions=twice) == [
        "Alueluettelossa on alueen id 961 kahdesti (kohde 2)."
    ]


def test_sk010_a_county_code_not_of_its_form_is_refused_at_the_row():
    """A kept region whose code is not of its category's form is refused at the row using it."""
    regions = json.dumps(
        [
            {"id": 961, "code": "1", "category": "HYVINVOINTIALUE"},
            {"id": 231, "code": None, "category": "KUNTA"},
        ]
    ).encode()
    text = HEADER + "4;961;2024;total;1;1\n4;231;2024;total;1;1\n"
    assert _refused(text, "v.csv", regions=regions) == [
        "Rivi 2: Alueen id 961 (HYVINVOINTIALUE) koodi 1 ei ole tämän alueluokan virallinen koodi.",
        "Rivi 3: Alueen id 231 (KUNTA) koodi null ei ole tämän alueluokan virallinen koodi.",
    ]


def test_sk011_two_sotkanet_ids_mapped_to_one_indicator_collide():
    """Two Sotkanet indicators mapped to the same indicator id are the same figure twice."""
    text = HEADER + "4;961;2024;total;1;1\n5;961;2024;total;2;2\n"
    with pytest.raises(ImportRefused) as caught:
        read_sotkanet(
            text.encode(),
            "v.csv",
            REGIONS,
            retrieved_on=RETRIEVED,
            indicator_ids={4: "x", 5: "x"},
        )
    assert caught.value.texts("fi") == ["Rivi 3: Sama indikaattori, alue ja vuosi on jo rivillä 2."]


def test_sk012_problems_and_skipped_rows_in_swedish_and_english():
    """Problems and the skipped-row notes read in Swedish and English too."""
    text = HEADER + "4;999;2024;total;1;1\n"
    assert _refused(text, "v.csv", "sv") == [
        "Rad 2: Områdets id 999 finns inte i områdesförteckningen. Hämta områdesförteckningen "
        "(/regions) samtidigt som siffrorna."
    ]
    items = json.dumps([{"indicator": 4, "region": 961, "year": 2024}])
    assert _refused(items, "v.json", "en") == ["Item 1: The figure lacks: gender."]
    read = _read((FIXTURES / "response.json").read_bytes(), "response.json")
    assert skipped_texts(read, "en") == [
        "2 rows were skipped because they concern only men or women (only total is stored).",
        # one row: the singular text (figures.sotkanet.skipped.region_category_one)
        "1 row was skipped because its region is not a wellbeing services county, a "
        "municipality or the whole country.",
    ]
    assert skipped_texts(read, "fi")[1] == (
        "1 rivi ohitettiin, koska sen alue ei ole hyvinvointialue, kunta tai koko maa."
    )


def test_sk013_too_many_problems_end_with_a_count_of_the_rest():
    """After 200 problems one more line says how many others there were."""
    text = HEADER + "".join("4;999;2024;total;1;1\n" for _ in range(205))
    texts = _refused(text, "v.csv")
    # 205 rows with an unknown region: 200 shown (lines 2..201), 5 counted.
    assert len(texts) == 201
    assert texts[0].startswith("Rivi 2: Alueen id 999") and texts[-2].startswith("Rivi 201:")
    assert texts[-1].startswith("Lisäksi 5 muuta virhettä.")  # the closing line, last


def test_sk014_every_problem_of_one_line_is_reported():
    """A line with several faults gets a message for each, not only the first."""
    text = HEADER + "4;1;2024;total;x;1\n"
    # Region id 1 is not in regions.json and "x" is no number: two problems on line 2
    # (in the order of their keys: not_a_number before unknown_region).
    assert _refused(text, "v.csv") == [
        "Rivi 2: Kentän value arvo \u201dx\u201d ei ole luku. Salattu tai puuttuva arvo on "
        "tyhjä, null tai kaksi pistettä (..).",
        "Rivi 2: Alueen id 1 ei ole alueluettelossa. Hae alueluettelo (/regions) samalla "
        "kertaa kuin luvut.",
    ]


def test_sk015_a_negative_count_and_numbers_beyond_the_limit_are_refused_at_their_place():
    """A negative absValue, 1e308, an overflowing exponent and NaN are refused in JSON and CSV."""
    items = [
        {
            "indicator": 4,
            "region": 961,
            "year": 2024,
            "gender": "total",
            "value": 1,
            "absValue": -3,
        },
        {"indicator": 4, "region": 967, "year": 2024, "gender": "total", "value": 1e308},
        {"indicator": 4, "region": 965, "year": 2024, "gender": "total", "value": float("nan")},
        {"indicator": 4, "region": 964, "year": 2024, "gender": "total", "absValue": 10**400},
        {"indicator": 4, "region": 658, "year": 2024, "gender": "total", "absValue": 0},  # fine
    ]
    # json.dumps writes NaN as the bare word NaN, which Python's json (and so the
    # reader) accepts as a float: it must not pass as a number.
    too_large = "luku on liian suuri. Luku saa olla itseisarvoltaan enintään 1 000 000 000 000."
    assert _refused(json.dumps(items), "vastaus.json") == [
        "Kohde 1: Kentän absValue arvo \u201d-3\u201d on negatiivinen, vaikka se on lukumäärä.",
        "Kohde 2: Kentän value " + too_large,
        "Kohde 3: Kentän value arvo \u201dNaN\u201d ei ole luku. Salattu tai puuttuva arvo on "
        "tyhjä, null tai kaksi pistettä (..).",
        "Kohde 4: Kentän absValue " + too_large,
    ]
    text = HEADER + (
        "4;961;2024;total;1;-3\n"  # 2: negative count
        "4;967;2024;total;1e308;\n"  # 3: over 1e12 (the JSON's 1e308 gets the same text)
        "4;965;2024;total;1E400;\n"  # 4: overflows a float: too large too
        "4;964;2024;total;nan;\n"  # 5: no number
        "4;658;2024;total;1,5E1;2\n"  # 6: fine: 1.5 · 10 = 15
    )
    assert _refused(text, "vastaus.csv") == [
        "Rivi 2: Kentän absValue arvo \u201d-3\u201d on negatiivinen, vaikka se on lukumäärä.",
        "Rivi 3: Kentän value " + too_large,
        "Rivi 4: Kentän value " + too_large,
        "Rivi 5: Kentän value arvo \u201dnan\u201d ei ole luku. Salattu tai puuttuva arvo on "
        "tyhjä, null tai kaksi pistettä (..).",
    ]
    fine = _read(HEADER + "4;658;2024;total;1,5E1;2\n", "vastaus.csv")
    assert [(f.value, f.numerator) for f in fine.figures] == [(15.0, 2.0)]


def test_sk016_ids_years_and_region_codes_accept_ascii_digits_only():
    """Full-width digits in a region id, a year or a regions file's code are refused, not read."""
    text = HEADER + (
        "4;\uff19\uff16\uff11;2024;total;1;1\n"  # 2: region "９６１"
        "4;961;\uff12\uff10\uff12\uff14;total;1;1\n"  # 3: year "２０２４"
    )
    assert _refused(text, "vastaus.csv", "en") == [
        "Line 2: The value \u201d\uff19\uff16\uff11\u201d of the field region is not a whole "
        "number.",
        "Line 3: The value \u201d\uff12\uff10\uff12\uff14\u201d of the field year is not a "
        "whole number.",
    ]
    regions = json.dumps(
        [
            {"id": 961, "code": "\uff10\uff11", "category": "HYVINVOINTIALUE"},  # "０１"
            {"id": 231, "code": "\uff14\uff13\uff14", "category": "KUNTA"},  # "４３４"
        ]
    ).encode()
    text = HEADER + "4;961;2024;total;1;1\n4;231;2024;total;1;1\n"
    assert _refused(text, "v.csv", regions=regions) == [
        "Rivi 2: Alueen id 961 (HYVINVOINTIALUE) koodi \uff10\uff11 ei ole tämän alueluokan "
        "virallinen koodi.",
        "Rivi 3: Alueen id 231 (KUNTA) koodi \uff14\uff13\uff14 ei ole tämän alueluokan "
        "virallinen koodi.",
    ]


def test_sk017_a_line_longer_than_the_field_limit_is_named_with_the_limit():
    """A CSV line with a field over csv's field size limit gets one message naming its line."""
    import csv

    limit = csv.field_size_limit()
    text = HEADER + "4;961;2024;total;1;1\n" + "4;967;2024;total;1;" + "1" * (limit + 1) + "\n"
    assert _refused(text, "vastaus.csv", "en") == [
        f"Line 3: The line is too long to read: a value on it has more than {limit} "
        "characters. Check the quotation marks (an unclosed one joins the rest of the file "
        "into one value)."
    ]


def test_sk018_an_indicator_or_region_id_out_of_range_is_refused():
    """A negative or over-long Sotkanet id is refused (it would make an id too long to store)."""
    items = [
        {"indicator": 10**60, "region": 961, "year": 2024, "gender": "total"},  # 1: 61 digits
        {"indicator": 4, "region": -961, "year": 2024, "gender": "total"},  # 2: negative
        {"indicator": 999_999_999, "region": 961, "year": 2024, "gender": "total"},  # 3: fine
    ]
    # Item 3 is within the limit: it reads as "sotkanet-999999999" for region 961 -> 01.
    assert _refused(json.dumps(items), "vastaus.json", "en") == [
        "Item 1: The value of the field indicator is not a Sotkanet id (a whole number from "
        "zero to 999999999).",
        "Item 2: The value of the field region is not a Sotkanet id (a whole number from "
        "zero to 999999999).",
    ]
    read = _read(json.dumps(items[2:]), "vastaus.json")
    assert [(f.indicator_id, f.region_code) for f in read.figures] == [("sotkanet-999999999", "01")]
