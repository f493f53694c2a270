"""The attack of issue 8 against a running server: how many hidden counts come back.

    make run                                   # in one shell: the demo on :8050
    python -m bench.attack_demo --url http://127.0.0.1:8050 --from 2024-01 --to 2025-12

It plays the four families of ``tests/test_privacy_attacks.py`` (A across grains, B across unit
selections, C within one view, D across charts over the same visits or referrals) using
only what the server sends (``tests.attack_client``: the data API, the KPI card and,
with ``--all-interfaces``, the CSV and XLSX files and the card table), and prints per
family how many distinct counts of 1 .. m-1 it worked out.

Without the records, each served number is tied to a set of *atoms*: the finest cells
the charts tell apart (access visits of one unit and month in one waiting-time class
and age band, the referrals of one unit, month, type and specialty, the queue entries
of one unit at one snapshot, in or out of the backlog). A subtraction of two served
numbers whose atom sets nest is the count of the difference; when the served numbers
are exact (the app before issue 8) a result of 1 .. m-1 is a hidden count recovered.
After the fix every served count is 0 or a multiple of m, and so is every difference.

It exits 1 when any count came out. On the demo data over 1/2022 .. 10/2026 (51
selections: county, 19 units, the municipality and service-area nodes, 20 unit pairs)
it worked out, before issue 8 (commit 15c363b), 3,454 distinct counts of 1..4: A 2,075,
B 1,329, C 1, D 72 (e.g. ``jonot`` TA07 1/2024: 8 - 5 = 3); after it (rounding with
cell keys, selections restricted to the hierarchy), 0.

The unit list and hierarchy (on the page's filter bar for anyone) are read from the
reporting database the server uses (``--db``, default ``TK_REPORTING_DB_URL``); nothing
else is read from it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date

import sqlalchemy as sa

from tests.attack_client import HttpTransport, Served, selections
from tests.attack_model import GRAINS, MINIMUM, months_of, sweep

CHARTS = (
    "hoitotakuu-7vrk",
    "hoitotakuu-lakisaateinen",
    "odotusaikajakauma",
    "jonot",
    "hyvinvointilahetteet",
    "liikuntalahetteet",
    "erikoissairaanhoidon-lahetteet",
)
GROUPS = ("access", "referrals")
CLASS_KEYS = ("days_0_7", "days_8_14", "days_15_90", "days_91_180", "days_over_180")


class Atoms:
    """Served cell -> set of atom numbers (the ``Truth.records`` interface of
    ``tests.attack_model``, without the records)."""

    def __init__(self, unit_ids: list[str], specialties: list[str]):
        self.unit_ids = sorted(unit_ids)
        self.specialties = sorted(specialties)
        self._ids: dict[tuple, int] = {}

    def _atom(self, *key) -> int:
        return self._ids.setdefault(key, len(self._ids))

    @staticmethod
    def _deadline_classes(ym: tuple[int, int], young: bool) -> int:
        """The last waiting-time class inside the primary-care legal deadline: 90 days
        (classes 0-7, 8-14, 15-90) until 8/2023 and from 2025 at age >= 23; else 14."""
        if ym < (2023, 9):
            return 2
        if ym < (2025, 1) or young:
            return 1
        return 2

    def records(self, chart, series, part, units, start, grain, unit_series=frozenset()):
        units = self.unit_ids if not units else sorted(units)
        months = months_of(start, grain)
        atoms: set[int] = set()
        if chart in ("hoitotakuu-7vrk", "hoitotakuu-lakisaateinen", "odotusaikajakauma"):
            for unit in units:
                for ym in months:
                    for cls in range(5):
                        for young in (False, True):
                            if part == "numerator":
                                if series == "within_days" and cls != 0:
                                    continue
                                if series == "within_deadline" and cls > self._deadline_classes(
                                    ym, young
                                ):
                                    continue
                                if series in CLASS_KEYS and cls != CLASS_KEYS.index(series):
                                    continue
                            atoms.add(self._atom("access", unit, ym, cls, young))
            return frozenset(atoms)
        if chart in ("hyvinvointilahetteet", "liikuntalahetteet", "erikoissairaanhoidon-lahetteet"):
            kind = {
                "hyvinvointilahetteet": "wellbeing",
                "liikuntalahetteet": "exercise",
                "erikoissairaanhoidon-lahetteet": "specialised",
            }[chart]
            if series == "referrers":
                return None
            if kind == "specialised":
                kinds = self.specialties if series == "total" else [series]
            else:
                kinds = ["-"]
            if series == "other_units":
                units = [u for u in units if u not in unit_series]
            elif series in self.unit_ids:
                units = [series]
            for unit in units:
                for ym in months:
                    for specialty in kinds:
                        atoms.add(self._atom("referral", kind, unit, ym, specialty))
            return frozenset(atoms)
        if chart == "jonot":
            snapshot = months[-1]
            flags = (True,) if series == "backlog" else (False, True)
            for unit in units:
                for late in flags:
                    atoms.add(self._atom("queue", unit, snapshot, late))
            return frozenset(atoms)
        return None


def claimed(cells) -> dict:
    """Atom set -> a derived cell whose number is 1 .. m-1 (one per set): with exact
    served numbers such a number is the count of the atoms' people."""
    out: dict = {}
    for cell in cells:
        if 1 <= cell.number < MINIMUM:
            out.setdefault(cell.records, cell)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8050", help="the running server")
    parser.add_argument("--db", default=os.environ.get("TK_REPORTING_DB_URL"))
    parser.add_argument("--from", dest="start", default="2024-01")
    parser.add_argument("--to", dest="end", default="2025-12")
    parser.add_argument("--families", default="ABCD")
    parser.add_argument(
        "--pairs", type=int, default=20, help="how many two-unit sets to ask for (B)"
    )
    parser.add_argument(
        "--all-interfaces", action="store_true", help="family C also through CSV, XLSX, card"
    )
    args = parser.parse_args(argv)
    if not args.db:
        parser.error("--db (or TK_REPORTING_DB_URL): the unit list of the server's data")
    # Read only: the server has the database open (DuckDB allows one writer).
    read_only = {"read_only": True} if args.db.startswith("duckdb") else {}
    engine = sa.create_engine(args.db, connect_args=read_only)
    with engine.connect() as conn:
        units = [
            dict(row._mapping)
            for row in conn.execute(
                sa.text("SELECT unit_id, name_fi, service_area, municipality_code FROM units")
            )
        ]
    engine.dispose()
    served = Served(HttpTransport(args.url), {u["name_fi"]: u["unit_id"] for u in units}, memo={})
    # The specialties are the series of the county's specialised referrals.
    county = served.data_json(
        "erikoissairaanhoidon-lahetteet", {"from": args.start, "to": args.end, "grain": "year"}
    )
    if county is None:
        print("the server refused the county view", file=sys.stderr)
        return 2
    specialties = sorted({row.series for row in county} - {"total"})
    for row in county:  # the file and card labels of the specialties
        served.labels.setdefault(row.series[:1].upper() + row.series[1:], row.series)
    model = Atoms([u["unit_id"] for u in units], specialties)
    chosen = selections(units, pairs=args.pairs)
    started = time.monotonic()
    counter = {"n": 0}

    def progress(_family: str) -> None:
        counter["n"] += 1
        if counter["n"] % 200 == 0:
            print(
                f"  {counter['n']} attacks, {served.requests} requests, "
                f"{time.monotonic() - started:.0f} s",
                file=sys.stderr,
            )

    via_c = ("json", "csv", "xlsx", "card", "kpi") if args.all_interfaces else ("json", "kpi")
    found = sweep(
        served,
        model,
        chosen,
        CHARTS,
        GROUPS,
        [(args.start, args.end)],
        tuple(args.families),
        via_c,
        progress,
        small=claimed,
    )
    print(
        f"Served data {args.start}..{args.end}, {len(chosen)} selections, grains "
        f"{', '.join(GRAINS)}; {served.requests} requests in {time.monotonic() - started:.0f} s"
    )
    print(f"Distinct counts of 1..{MINIMUM - 1} worked out from served responses:")
    every: set = set()
    for family, cells in found.items():
        every |= set(cells)
        example = next(iter(cells.values()), None)
        print(
            f"  {family}: {len(cells)}"
            + (f"   e.g. {example.number} = {example.source}" if example else "")
        )
    print(f"  all families together: {len(every)}")
    print(f"(test date {date.today().isoformat()})")
    return 1 if every else 0


if __name__ == "__main__":
    raise SystemExit(main())
