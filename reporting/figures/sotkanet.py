"""Sotkanet's responses read into ``Figure`` rows (``docs/sotkanet.md``).

THL's Sotkanet REST API (version 1.1) answers a data query in JSON or CSV and lists its
regions at ``/regions``. An analyst retrieves the files in a batch; the app reads them
from disk and never goes to the internet.

- JSON: a flat array of ``{"indicator": 4, "region": 961, "year": 2024,
  "gender": "total", "value": 3.4, "absValue": 9}``; ``value`` or ``absValue`` may be
  missing, null or ``".."`` (suppressed).
- CSV: ``;`` separated with the header
  ``indicator;region;year;gender;primary value;absolute value`` (columns in any order,
  names case-insensitive), UTF-8 with or without a byte-order mark, fields quoted or
  not, decimal point (what the 1.1 API writes) or comma (the older API's); an empty
  cell or ``..`` is suppressed.
- ``/regions``: a JSON array of ``{"id", "code", "category", "title": {"fi", "sv",
  "en"}, "memberOf", "uri"}``. ``region`` in the data is Sotkanet's internal ``id``, not
  the official code; the ids have changed once, so the regions file must come from the
  same retrieval as the data.

What is kept: rows of gender ``total`` (others skipped and counted) in the categories
``REGION_CATEGORIES`` (``HYVINVOINTIALUE`` → the two-digit county code, ``KUNTA`` → the
three-digit municipality code, ``MAA`` → ``reporting.schema.COUNTRY_CODE``; other
categories skipped and counted). ``year`` → a yearly period, ``value`` → the value
(None: suppressed), ``absValue`` → the numerator, ``source_for(id)`` → the source
(``SOTKANET_CREDIT`` and the Sotkanet indicator id), ``retrieved_on`` stored.

Every problem is collected and raised together as ``ImportRefused``: a CSV problem at its
line (the header is line 1), a JSON problem at its item (1-based place in the array), a
problem of the regions file or of the file as a whole without either.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from reporting.figures.cells import (
    CsvUnreadable,
    csv_rows,
    magnitude_limit_text,
    number_from_text,
    number_problem,
)
from reporting.figures.rows import (
    FIRST_YEAR,
    LAST_YEAR,
    SOTKANET_CREDIT,
    Figure,
    ImportRefused,
    Problem,
)
from reporting.schema import COUNTRY_CODE

# Sotkanet's region category -> the form its official code must have (None: the region
# is the whole country, stored under COUNTRY_CODE whatever its code). ASCII digits only
# ([0-9], not \d, which also matches "９９"), here and in _INTEGER.
REGION_CATEGORIES: Mapping[str, re.Pattern[str] | None] = {
    "HYVINVOINTIALUE": re.compile(r"[0-9]{2}"),
    "KUNTA": re.compile(r"[0-9]{3}"),
    "MAA": None,
}
GENDER_KEPT = "total"
# Why a row was left out (the keys of ``SotkanetRead.skipped``; each has a message
# ``figures.sotkanet.skipped.<reason>`` with ``{n}``, and ``<reason>_one`` for one row).
SKIPPED_GENDER = "gender"
SKIPPED_REGION_CATEGORY = "region_category"

CSV_HEADER = ("indicator", "region", "year", "gender", "primary value", "absolute value")
# A CSV column -> the JSON field it carries (messages name the JSON fields).
FIELDS = ("indicator", "region", "year", "gender", "value", "absValue")
_CSV_FIELDS = dict(zip(CSV_HEADER, FIELDS, strict=True))
REQUIRED_FIELDS = ("indicator", "region", "year", "gender")
SUPPRESSED = ("", "..")
# A problem per row up to this many; then one saying how many more there were.
MAX_PROBLEMS = 200
_INTEGER = re.compile(r"[+-]?[0-9]+")
# The largest Sotkanet indicator or region id read (Sotkanet's are a few thousand): a
# longer one would make an indicator id ("sotkanet-<id>") too long to store.
MAX_SOTKANET_ID = 999_999_999


def source_for(sotkanet_id: int) -> str:
    """The stored ``source`` of a Sotkanet indicator's figures, one format everywhere:
    ``"THL / Sotkanet, CC BY 4.0 (indikaattori 4)"``. It starts with
    ``SOTKANET_CREDIT``, which is how the API and the charts recognise published
    statistics from Sotkanet."""
    return f"{SOTKANET_CREDIT} (indikaattori {sotkanet_id})"


@dataclass(frozen=True)
class SotkanetRead:
    """What a Sotkanet response gave: ``figures`` in the file's order, and ``skipped``:
    reason (``SKIPPED_GENDER``, ``SKIPPED_REGION_CATEGORY``) -> rows left out for it
    (only reasons that occurred)."""

    figures: list[Figure]
    skipped: Mapping[str, int]


@dataclass(frozen=True)
class Region:
    """One entry of ``/regions``: Sotkanet's ``id``, its ``category`` and ``code``."""

    id: int
    category: str
    code: str | None


def skipped_texts(read: SotkanetRead, lang: str) -> list[str]:
    """One message per reason rows were skipped, in ``lang`` ("12 riviä ohitettiin…")."""
    from translations import t_plural

    return [
        t_plural(n, lang, one=f"{key}_one", other=key, n=n)
        for key, n in ((f"figures.sotkanet.skipped.{r}", n) for r, n in read.skipped.items())
    ]


class _Problems:
    """The problems found so far (at most ``MAX_PROBLEMS``, then one saying so)."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.left_out = 0

    def add(self, name: str, line: int | None = None, item: int | None = None, **params) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem("figures.sotkanet." + name, line, params, item))
        else:
            self.left_out += 1

    def raise_if_any(self, figures: list[Figure] | None = None) -> None:
        """Raise ``ImportRefused`` with the problems, carrying ``figures`` (the rows
        read without a problem) for the store's checks when every one has a line to
        name (a CSV response; a JSON item has no line a store problem could name)."""
        if not self.found:
            return
        problems = list(self.found)
        if self.left_out:
            more = Problem("figures.sotkanet.more_problems", None, {"n": self.left_out}, plural="n")
            problems.append(more)
        located = figures and all(figure.line is not None for figure in figures)
        raise ImportRefused(problems, figures if located and not self.left_out else ())


def read_regions(regions: bytes, problems: _Problems) -> dict[int, Region] | None:
    """Sotkanet id -> ``Region`` from the ``/regions`` JSON; None (with the problems
    added) when the file is not that shape: a JSON array of objects with an integer
    ``id``, a text ``category`` and a text (or null) ``code``, no id twice."""
    try:
        entries = json.loads(regions.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        problems.add("regions_not_json")
        return None
    if not isinstance(entries, list) or not entries:
        problems.add("regions_not_json")
        return None
    found: dict[int, Region] = {}
    for item, entry in enumerate(entries, start=1):
        # The first entry that is not a region says the file is something else (a data
        # response given as the regions file): one problem, not one per entry.
        if not (
            isinstance(entry, dict)
            and _is_int(entry.get("id"))
            and isinstance(entry.get("category"), str)
            and (entry.get("code") is None or isinstance(entry.get("code"), str))
        ):
            problems.add("regions_shape", number=item)
            return None
        if entry["id"] in found:
            problems.add("regions_repeated", number=item, region=entry["id"])
            return None
        found[entry["id"]] = Region(entry["id"], entry["category"], entry.get("code"))
    return found


def read_sotkanet(
    content: bytes,
    file_name: str,
    regions: bytes,
    *,
    retrieved_on: date,
    indicator_ids: Mapping[int, str],
) -> SotkanetRead:
    """The figures of a Sotkanet JSON or CSV response (by ``file_name``'s suffix,
    ``.json`` or ``.csv``), region ids resolved through ``regions`` (the ``/regions``
    JSON of the same retrieval). A figure's ``indicator_id`` is
    ``indicator_ids[<Sotkanet id>]``, or ``"sotkanet-<id>"`` for an id not mapped;
    ``retrieved_on`` is the retrieval date stored with every figure.

    Raises ``ImportRefused`` with every problem: a suffix neither reads, not JSON / not
    the CSV header, a row missing a field, an unknown region id, a region whose code
    is not of its category's form, a non-numeric value, indicator or year, the same
    figure twice, a regions file that is not ``/regions``, an empty response."""
    problems = _Problems()
    region_map = read_regions(regions, problems)
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".json":
        rows = _json_rows(content, problems)
    elif suffix == ".csv":
        rows = _csv_rows(content, problems)
    else:
        problems.add("wrong_suffix", suffix=suffix or "-")
        rows = iter(())

    figures: list[Figure] = []
    skipped: Counter[str] = Counter()
    seen_raw: dict[tuple, tuple[int | None, int | None]] = {}
    seen_keys: dict[tuple, tuple[int | None, int | None]] = {}
    count = 0
    for line, item, fields in rows:
        count += 1
        row = _parse_row(fields, line, item, problems, region_map)
        if row is None:
            continue
        sotkanet_id, region_id, year, gender, value, numerator = row
        region = region_map.get(region_id) if region_map is not None else None
        raw_key = (sotkanet_id, region_id, year, gender)
        if raw_key in seen_raw:
            _repeated(problems, line, item, seen_raw[raw_key])
            continue
        seen_raw[raw_key] = (line, item)
        if gender != GENDER_KEPT:
            skipped[SKIPPED_GENDER] += 1
            continue
        if region is None:  # the regions file is refused: nothing to resolve against
            continue
        if region.category not in REGION_CATEGORIES:
            skipped[SKIPPED_REGION_CATEGORY] += 1
            continue
        code = _official_code(region)
        if code is None:
            problems.add(
                "bad_region_code",
                line,
                item,
                region=region_id,
                category=region.category,
                code=region.code if region.code is not None else "null",
            )
            continue
        figure = Figure(
            indicator_id=indicator_ids.get(sotkanet_id, f"sotkanet-{sotkanet_id}"),
            region_code=code,
            period_start=date(year, 1, 1),
            period_grain="year",
            value=value,
            numerator=numerator,
            source=source_for(sotkanet_id),
            retrieved_on=retrieved_on,
            published=True,  # THL's published statistics (docs/privacy.md)
            line=line,
        )
        if figure.key in seen_keys:
            _repeated(problems, line, item, seen_keys[figure.key])
            continue
        seen_keys[figure.key] = (line, item)
        figures.append(figure)
    if count == 0 and not problems.found:
        problems.add("no_rows")
    problems.raise_if_any(figures)
    return SotkanetRead(figures, dict(skipped))


def _official_code(region: Region) -> str | None:
    """The official code a region of a kept category is stored under; None when its
    code is not of the category's form."""
    form = REGION_CATEGORIES[region.category]
    if form is None:
        return COUNTRY_CODE
    if region.code is None or not form.fullmatch(region.code):
        return None
    return region.code


def _repeated(problems: _Problems, line, item, earlier: tuple[int | None, int | None]) -> None:
    if line is not None:
        problems.add("repeated_line", line, None, earlier=earlier[0])
    else:
        problems.add("repeated_item", None, item, earlier=earlier[1])


# ------------------------------------------------------------------------ the formats


def _json_rows(content: bytes, problems: _Problems) -> Iterator[tuple[None, int, dict]]:
    """(None, item, fields) of a JSON response (a flat array of objects)."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        problems.add("not_json")
        return
    if not isinstance(data, list):
        problems.add("not_json")
        return
    for item, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            problems.add("not_an_object", None, item)
            continue
        yield None, item, entry


def _csv_rows(content: bytes, problems: _Problems) -> Iterator[tuple[int, None, dict]]:
    """(line, None, fields) of a CSV response; fields by JSON name, cells as text."""
    rows = csv_rows(content)
    try:
        _line, header = next(rows, (1, []))
        names = [cell.strip().lower() for cell in header]
        if sorted(names) != sorted(CSV_HEADER):
            problems.add("bad_header", 1, None, expected=";".join(CSV_HEADER))
            return
        fields = [_CSV_FIELDS[name] for name in names]
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line (the file's last newline)
            if len(cells) != len(fields):
                problems.add("wrong_cells", line, None, found=len(cells), expected=len(fields))
                continue
            yield line, None, {name: cell.strip() for name, cell in zip(fields, cells, strict=True)}
    except CsvUnreadable as unreadable:
        # A file that is not UTF-8 is refused as a whole (a response saved as it is
        # never is); a line that cannot be read is named.
        line = None if unreadable.reason == "not_utf8" else unreadable.line
        problems.add(unreadable.reason, line, None, **unreadable.params)


def _parse_row(fields: dict, line, item, problems: _Problems, regions: Mapping | None):
    """(Sotkanet id, region id, year, gender, value, absValue) of one row, or None with
    all its problems added (the region id is looked up in ``regions`` unless that is
    None, the regions file being refused)."""
    missing = [name for name in REQUIRED_FIELDS if fields.get(name) in (None, "")]
    if missing:
        problems.add("missing_fields", line, item, fields=", ".join(missing))
        return None
    ok = True
    ints = {}
    for name in ("indicator", "region", "year"):
        ints[name] = _integer(fields[name])
        if ints[name] is None:
            problems.add("not_an_integer", line, item, field=name, value=_shown(fields[name]))
            ok = False
        elif name != "year" and not 0 <= ints[name] <= MAX_SOTKANET_ID:
            problems.add("bad_id", line, item, field=name, limit=MAX_SOTKANET_ID)
            ints[name] = None
            ok = False
    if regions is not None and ints["region"] is not None and ints["region"] not in regions:
        problems.add("unknown_region", line, item, region=ints["region"])
        ok = False
    if ints["year"] is not None and not FIRST_YEAR <= ints["year"] <= LAST_YEAR:
        problems.add("bad_year", line, item, value=ints["year"])
        ok = False
    gender = fields["gender"]
    if not isinstance(gender, str):
        problems.add("bad_gender", line, item, value=_shown(gender))
        ok = False
    numbers = {}
    for name in ("value", "absValue"):
        raw = fields.get(name)
        numbers[name] = _number(raw)
        if numbers[name] is _NOT_A_NUMBER:
            problems.add("not_a_number", line, item, field=name, value=_shown(raw))
            ok = False
        elif numbers[name] is not None and number_problem(numbers[name]) is not None:
            limit = magnitude_limit_text()
            problems.add("number_too_large", line, item, field=name, limit=limit)
            ok = False
    count = numbers["absValue"]
    if isinstance(count, float) and number_problem(count) is None and count < 0:
        # absValue is a count (the numerator): a negative one is no published figure.
        problems.add("negative_count", line, item, value=_shown(fields.get("absValue")))
        ok = False
    if not ok:
        return None
    return (
        ints["indicator"],
        ints["region"],
        ints["year"],
        gender.strip(),
        numbers["value"],
        numbers["absValue"],
    )


_NOT_A_NUMBER = object()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _integer(value: object) -> int | None:
    """A JSON integer or the text of one; None otherwise (``true``, ``4.5``, ``x``)."""
    if _is_int(value):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _number(value: object):
    """The number a value or absValue holds: None when suppressed (missing, null,
    empty, ``..``), a float for a number or its text with a decimal point or comma
    (``cells.NUMBER_TEXT``; the caller refuses one too large), ``_NOT_A_NUMBER``
    otherwise (NaN included)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text in SUPPRESSED:
            return None
        number = number_from_text(text)
        if number is None:
            return _NOT_A_NUMBER
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        return _NOT_A_NUMBER
    else:
        try:
            number = float(value)
        except OverflowError:  # a JSON integer beyond any float
            return float("inf")
    return _NOT_A_NUMBER if number_problem(number) == "not_a_number" else number


def _shown(value: object) -> str:
    """A refused value as a message repeats it (quoted, cut short)."""
    from translations import quote_value

    return quote_value(value if isinstance(value, str) else json.dumps(value))
