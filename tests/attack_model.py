"""The attacker's bookkeeping: which people each served number counts, and what can be
worked out by subtracting served numbers from one another.

Two halves, kept apart on purpose:

- ``Truth`` knows the reporting rows (a fixture's ``tables()`` or a database read) and
  says, in plain Python written from the indicator definitions in docs/indicators.md
  (not from the app's code), which records a served cell counts: a cell is identified
  by the *set of records* it counts. The true count of any derived cell is the size of
  its set.
- ``derive`` plays the attacker: from served cells (record set, served number) it
  subtracts every served or derived cell from each served or derived superset (and a
  whole set of disjoint known parts from their total) for a few rounds. If both numbers
  are exact counts of their sets, the difference is the exact count of the set
  difference; that is how a quarter minus its shown months (family A), a parent unit
  selection minus its children (B), a queue minus its backlog (C) or the legal-deadline
  chart minus the waiting-time classes (D) give away a hidden count.

``recovered`` lists the derived cells whose number equals their true count while that
count is 1 .. minimum-1: a hidden count of people that came out exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# Contact-type codes (Avohilmo yhteystapa) as docs/indicators.md lists them.
IN_PERSON = {"R10", "R20", "R30", "R40", "R41"}
REMOTE = {"R52", "R56", "R50", "R51", "R55"}
NOT_CLIENT = {"R60", "R71", "R72"}
CLIENT_CONTACT = IN_PERSON | REMOTE
# Waiting-time classes of odotusaikajakauma, days inclusive.
CLASSES = {
    "days_0_7": (0, 7),
    "days_8_14": (8, 14),
    "days_15_90": (15, 90),
    "days_91_180": (91, 180),
    "days_over_180": (181, 10**9),
}
# Record ids of the three tables live in separate ranges of one integer space.
CONTACT, REFERRAL, QUEUE = 0, 10**8, 2 * 10**8
MINIMUM = 5  # TK_MIN_CELL_COUNT's default: hidden counts are 1..4
MONTHS_PER_GRAIN = {"month": 1, "quarter": 3, "year": 12}


def primary_care_deadline(day: date, age: int) -> int:
    """Days of the primary-care legal deadline in force on ``day`` (Health Care Act
    § 51): 90 until 31.8.2023, 14 from 1.9.2023, from 2025 90 at age >= 23 else 14."""
    if day < date(2023, 9, 1):
        return 90
    if day < date(2025, 1, 1):
        return 14
    return 90 if age >= 23 else 14


def oral_health_deadline(day: date, age: int) -> int:
    """Days of the oral-health legal deadline in force on ``day``: 90 until 31.8.2023,
    120 to 31.10.2024, 90 to the end of 2024, from 2025 180 at age >= 23 else 90."""
    if day < date(2023, 9, 1):
        return 90
    if day < date(2024, 11, 1):
        return 120
    if day < date(2025, 1, 1):
        return 90
    return 180 if age >= 23 else 90


def months_of(start: date, grain: str) -> list[tuple[int, int]]:
    """The (year, month) pairs of the ``grain`` period that starts on ``start``."""
    out = []
    year, month = start.year, start.month
    for _ in range(MONTHS_PER_GRAIN[grain]):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def period_last_day(start: date, grain: str) -> date:
    year, month = months_of(start, grain)[-1]
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _ym(day: date) -> tuple[int, int]:
    return (day.year, day.month)


@dataclass(frozen=True)
class Cell:
    """One served number: ``records`` it counts and the ``number`` served for it."""

    records: frozenset[int]
    number: int
    source: str  # what served it (for messages)


class Truth:
    """Which records each served cell counts, from the reporting rows.

    ``rows``: table name -> list of row dicts (``client_contacts``, ``referrals``,
    ``queue_entries``, ``units``), as in ``tests.fixtures.attacks.tables()``.
    """

    def __init__(self, rows: dict[str, list[dict]], data_as_of: date):
        self.data_as_of = data_as_of
        self.unit_ids = sorted(u["unit_id"] for u in rows["units"])
        self.by_month: dict[tuple, list[dict]] = defaultdict(list)  # (table, unit, ym)
        for c in rows.get("client_contacts", []):
            self.by_month[("c", c["unit_id"], _ym(c["contact_date"]))].append(c)
        for r in rows.get("referrals", []):
            self.by_month[("r", r["source_unit_id"], _ym(r["referral_date"]))].append(r)
        self.queue = list(rows.get("queue_entries", []))

    # -- record predicates (docs/indicators.md) ------------------------------------
    @staticmethod
    def took_place(c: dict) -> bool:
        return not c["cancelled"] and c["contact_type"] in CLIENT_CONTACT

    @classmethod
    def access_type(cls, c: dict) -> bool:
        return (
            c["service_form"] == "T11"
            and c["nature"] == "SH"
            and not c["urgent"]
            and c["first_visit"]
            and cls.took_place(c)
        )

    @classmethod
    def wait(cls, c: dict) -> int | None:
        """Waiting days of a THL access visit; None when the row is not one."""
        if not cls.access_type(c) or c["assessment_date"] is None:
            return None
        days = (c["contact_date"] - c["assessment_date"]).days
        return days if days >= 0 else None

    # -- cells -----------------------------------------------------------------------
    def _contacts(self, units, start, grain):
        for unit in units:
            for ym in months_of(start, grain):
                yield from self.by_month.get(("c", unit, ym), ())

    def _referrals(self, units, start, grain, kind):
        for unit in units:
            for ym in months_of(start, grain):
                for r in self.by_month.get(("r", unit, ym), ()):
                    if r["referral_type"] == kind:
                        yield r

    def records(
        self,
        chart: str,
        series: str,
        part: str,
        units: Iterable[str] | None,
        start: date,
        grain: str,
        unit_series: frozenset[str] = frozenset(),
    ) -> frozenset[int] | None:
        """The records cell (``series``, ``part``) of ``chart`` counts for the units
        (None: the county), at the period of ``grain`` starting on ``start``.

        ``part``: "numerator" or "denominator" of a share, "value" of a count.
        ``unit_series``: the unit series the same response holds (hyvinvointilahetteet:
        "other units" is every other unit). None when the cell is not a count of
        records (distinct referrers, medians), which the attacker does not subtract.
        """
        units = self.unit_ids if not units else sorted(units)
        c_ids = lambda rows: frozenset(CONTACT + c["contact_id"] for c in rows)  # noqa: E731
        r_ids = lambda rows: frozenset(REFERRAL + r["referral_id"] for r in rows)  # noqa: E731
        if chart in ("hoitotakuu-7vrk", "hoitotakuu-lakisaateinen", "odotusaikajakauma"):
            visits = [c for c in self._contacts(units, start, grain) if self.wait(c) is not None]
            if part == "denominator":
                return c_ids(visits)
            if series == "within_days":
                return c_ids(c for c in visits if self.wait(c) <= 7)
            if series == "within_deadline":
                return c_ids(
                    c
                    for c in visits
                    if self.wait(c) <= primary_care_deadline(c["contact_date"], c["age"])
                )
            low, high = CLASSES[series]
            return c_ids(c for c in visits if low <= self.wait(c) <= high)
        if chart == "kirjaamisen-laatu":
            rows = list(self._contacts(units, start, grain))
            if series == "assessment_recorded":
                base = [c for c in rows if self.access_type(c)]
                if part == "numerator":
                    base = [c for c in base if c["assessment_date"] is not None]
                return c_ids(base)
            known = IN_PERSON | REMOTE | NOT_CLIENT
            if part == "numerator":
                rows = [c for c in rows if c["contact_type"] in known]
            return c_ids(rows)
        if chart == "digiasiointi-osuus":
            rows = [c for c in self._contacts(units, start, grain) if self.took_place(c)]
            if part == "numerator":
                codes = {"remote": REMOTE, "realtime": {"R52"}, "asynchronous": {"R56"}}[series]
                rows = [c for c in rows if c["contact_type"] in codes]
            return c_ids(rows)
        if chart == "sahkoinen-ajanvaraus-osuus":
            rows = [
                c
                for c in self._contacts(units, start, grain)
                if self.took_place(c) and c["booked_via"] is not None
            ]
            if part == "numerator":
                rows = [c for c in rows if c["booked_via"] == "electronic"]
            return c_ids(rows)
        if chart in ("hyvinvointilahetteet", "liikuntalahetteet"):
            kind = "wellbeing" if chart == "hyvinvointilahetteet" else "exercise"
            rows = list(self._referrals(units, start, grain, kind))
            if series == "referrals":
                return r_ids(rows)
            if series == "referrers":
                return None  # distinct professionals: not a count of these records
            if series == "other_units":
                return r_ids(r for r in rows if r["source_unit_id"] not in unit_series)
            return r_ids(r for r in rows if r["source_unit_id"] == series)
        if chart == "erikoissairaanhoidon-lahetteet":
            rows = list(self._referrals(units, start, grain, "specialised"))
            if series == "total":
                return r_ids(rows)
            if series == "no_specialty":
                return r_ids(r for r in rows if r["specialty"] is None)
            return r_ids(r for r in rows if r["specialty"] == series)
        if chart == "jonot":
            snapshot = min(period_last_day(start, grain), self.data_as_of)
            chosen = set(units)
            out = set()
            for q in self.queue:
                if q["unit_id"] not in chosen or q["entered_date"] > snapshot:
                    continue
                if q["exit_date"] is not None and q["exit_date"] <= snapshot:
                    continue
                if series == "backlog":
                    rule = (
                        oral_health_deadline
                        if q["service"] == "oral_health"
                        else primary_care_deadline
                    )
                    if (snapshot - q["entered_date"]).days <= rule(snapshot, q["age"]):
                        continue
                out.add(QUEUE + q["entry_id"])
            return frozenset(out)
        return None


def derive(cells: Iterable[Cell], rounds: int = 3, limit: int = 20000) -> list[Cell]:
    """Every cell the attacker can work out from ``cells`` by subtraction.

    Each round, for every known cell A: (1) A minus every known proper subset B gives
    (A \\ B, a - b); (2) A minus the largest disjoint known proper subsets, picked
    greedily, gives the remainder. Derived cells join the known ones for the next
    round; ``limit`` caps how many are kept. Returns the known and derived cells.
    """
    known: dict[tuple[frozenset[int], int], Cell] = {}
    for cell in cells:
        if cell.records:
            known.setdefault((cell.records, cell.number), cell)
    for _ in range(rounds):
        by_min: dict[int, list[Cell]] = defaultdict(list)
        for cell in known.values():
            by_min[min(cell.records)].append(cell)
        new: dict[tuple[frozenset[int], int], Cell] = {}
        for a in list(known.values()):
            subsets = [
                b
                for element in a.records
                for b in by_min.get(element, ())
                if len(b.records) < len(a.records) and b.records <= a.records
            ]
            for b in subsets:
                key = (a.records - b.records, a.number - b.number)
                if key not in known and key not in new:
                    new[key] = Cell(key[0], key[1], f"({a.source}) - ({b.source})")
            used: set[int] = set()
            picked = []
            for b in sorted(subsets, key=lambda cell: -len(cell.records)):
                if used.isdisjoint(b.records):
                    used |= b.records
                    picked.append(b)
            if len(picked) > 1 and used != a.records:
                key = (a.records - used, a.number - sum(b.number for b in picked))
                if key not in known and key not in new:
                    names = " - ".join(f"({b.source})" for b in picked)
                    new[key] = Cell(key[0], key[1], f"({a.source}) - {names}")
            if len(known) + len(new) > limit:
                break
        if not new:
            break
        known.update(new)
        if len(known) > limit:
            break
    return list(known.values())


def recovered(cells: Iterable[Cell], minimum: int) -> dict[frozenset[int], Cell]:
    """The cells whose number is their exact count of 1 .. ``minimum``-1 records: the
    hidden counts that came out (one example cell per record set)."""
    out: dict[frozenset[int], Cell] = {}
    for cell in cells:
        if 1 <= len(cell.records) < minimum and cell.number == len(cell.records):
            out.setdefault(cell.records, cell)
    return out


# --- What each served view says ---------------------------------------------------

SHARE_CHARTS = {
    "hoitotakuu-7vrk",
    "hoitotakuu-lakisaateinen",
    "odotusaikajakauma",
    "kirjaamisen-laatu",
    "digiasiointi-osuus",
    "sahkoinen-ajanvaraus-osuus",
}
COUNT_CHARTS = {
    "jonot",
    "hyvinvointilahetteet",
    "liikuntalahetteet",
    "erikoissairaanhoidon-lahetteet",
}
# Charts over the same people (family D).
GROUPS = {
    "access": (
        "hoitotakuu-7vrk",
        "hoitotakuu-lakisaateinen",
        "odotusaikajakauma",
        "kirjaamisen-laatu",
    ),
    "contacts": ("digiasiointi-osuus", "sahkoinen-ajanvaraus-osuus", "kirjaamisen-laatu"),
    "referrals": ("hyvinvointilahetteet", "liikuntalahetteet", "erikoissairaanhoidon-lahetteet"),
}


def view_cells(
    model, chart: str, selection, grain: str, rows, source: str, denominators=None
) -> list[Cell]:
    """The served rows of one view as cells (``model``'s set for the cell, served count).

    A share gives its numerator and denominator; a share whose numerator is withheld
    while its value and a denominator are shown (here or in ``denominators``, by
    (period, series), from another interface of the same view) gives value ×
    denominator / 100 (family C).
    """
    unit_series = frozenset(r.series for r in rows if r.series in model.unit_ids)
    shown = {(r.period, r.series): r.denominator for r in rows if r.denominator is not None}
    denominators = {**(denominators or {}), **shown}
    out = []
    for r in rows:
        parts = []
        if chart in SHARE_CHARTS:
            parts.append(("numerator", r.numerator))
            parts.append(("denominator", r.denominator))
            den = denominators.get((r.period, r.series))
            if r.numerator is None and r.value is not None and den:
                parts.append(("numerator", round(r.value * den / 100)))
        else:
            parts.append(("value", r.value))
        for part, number in parts:
            if number is None:
                continue
            records = model.records(
                chart, r.series, part, selection.units, r.period, grain, unit_series
            )
            if records is None:
                continue
            name = f"{source} {chart} {selection.label} {grain} {r.period:%Y-%m} {r.series}.{part}"
            out.append(Cell(records, int(number), name))
    return out


# Headline series of the count charts: what their KPI card shows.
HEADLINES = {
    "jonot": "queue",
    "hyvinvointilahetteet": "referrals",
    "liikuntalahetteet": "referrals",
    "erikoissairaanhoidon-lahetteet": "total",
}


def fetch(served, model, chart: str, selection, grain: str, span, via=("json",)) -> list[Cell]:
    """Cells of one view through the interfaces ``via`` (json, csv, xlsx, card, kpi) of
    ``served`` (``tests.attack_client.Served``); ``span`` is (from, to) as YYYY-MM."""
    params = {**selection.params(), "from": span[0], "to": span[1], "grain": grain}
    fetched = {}
    for kind in via:
        if kind == "json":
            fetched[kind] = served.data_json(chart, params)
        elif kind == "csv":
            fetched[kind] = served.data_csv(chart, params)
        elif kind == "xlsx":
            fetched[kind] = served.data_xlsx(chart, params)
        elif kind == "card":
            fetched[kind] = served.card_table(chart, params)
        elif chart in HEADLINES:
            fetched[kind] = served.kpi_rows(chart, params, HEADLINES[chart])
    denominators = {
        (r.period, r.series): r.denominator
        for rows in fetched.values()
        for r in rows or ()
        if r.denominator is not None
    }
    out = []
    for kind, rows in fetched.items():
        if rows:
            out += view_cells(model, chart, selection, grain, rows, kind, denominators)
    return out


# --- The four families as request plans ----------------------------------------------
# A plan is a list of views (chart, selection, grain, span, via); the attacker fetches
# them all and subtracts what it got. GRAINS in the order a user meets them.
GRAINS = ("month", "quarter", "year")


def plan_a(chart: str, selection, span) -> list[tuple]:
    """A: one chart and selection at every grain (a quarter or year minus its months)."""
    return [(chart, selection, grain, span, ("json",)) for grain in GRAINS]


def plan_b(chart: str, parent, grain: str, span, parts) -> list[tuple]:
    """B: one chart at a parent selection and at each of ``parts``."""
    return [(chart, s, grain, span, ("json",)) for s in [parent, *parts]]


def plan_c(chart: str, selection, grain: str, span, via=("json", "csv", "xlsx", "card", "kpi")):
    """C: one view through every interface (the views' own totals and parts)."""
    return [(chart, selection, grain, span, via)]


def plan_d(group: str, selection, grain: str, span) -> list[tuple]:
    """D: the charts of ``GROUPS[group]`` (the same people) at one view."""
    return [(chart, selection, grain, span, ("json",)) for chart in GROUPS[group]]


def play(served, model, plan: list[tuple]) -> list[Cell]:
    """The cells the views of ``plan`` serve (refused views give none)."""
    cells: list[Cell] = []
    for chart, selection, grain, span, via in plan:
        cells += fetch(served, model, chart, selection, grain, span, via)
    return cells


def sweep(
    served,
    model,
    selection_list,
    charts,
    groups,
    spans,
    families=("A", "B", "C", "D"),
    via_c=("json", "csv", "xlsx", "card", "kpi"),
    progress=None,
    small=None,
) -> dict[str, dict[frozenset[int], Cell]]:
    """Every instance of each family over ``charts`` (A, B, C), ``groups`` (D, names of
    ``GROUPS``), ``selection_list`` and ``spans``: family -> the distinct cells of
    1 .. ``MINIMUM``-1 it recovered (by record or atom set). ``progress(text)`` is
    called once per instance. ``small(cells)`` picks the recovered cells (default
    ``recovered``: the number is the true size of the record set, 1 .. m-1)."""
    from tests.attack_client import children

    found: dict[str, dict[frozenset[int], Cell]] = {family: {} for family in families}

    def attack(family, plan):
        if progress:
            progress(family)
        cells = derive(play(served, model, plan))
        picked = small(cells) if small else recovered(cells, MINIMUM)
        for records, cell in picked.items():
            found[family].setdefault(records, cell)

    for span in spans:
        for selection in selection_list:
            for chart in charts:
                if "A" in families:
                    attack("A", plan_a(chart, selection, span))
                for grain in GRAINS:
                    if "C" in families:
                        attack("C", plan_c(chart, selection, grain, span, via_c))
                    if "B" in families and selection.form != "unit":
                        parts = [
                            s
                            for s in children(selection, selection_list)
                            if selection.units or s.form != "set"
                        ]
                        attack("B", plan_b(chart, selection, grain, span, parts))
            for group in groups:
                for grain in GRAINS:
                    if "D" in families:
                        attack("D", plan_d(group, selection, grain, span))
    return found
