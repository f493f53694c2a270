"""A small hand-made reporting database. Expected numbers in the tests are worked out
by hand from these rows; the comments next to each group say what they are for.

Months used: 2023-02, 2024-01 .. 2024-04. Units TA01, TA02 (service area A) and
TA03 (service area B); county code 99. Data as of 2024-04-30.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from reporting import schema

TARGETS_CSV = Path(__file__).resolve().parents[1] / "reporting" / "data" / "targets.csv"

UNITS = [
    ("TA01", "Alfan terveysasema", "Alfa hälsostation", "901", "Alfa", "A-alue"),
    ("TA02", "Beetan terveysasema", "Beta hälsostation", "902", "Beeta", "A-alue"),
    ("TA03", "Gamman terveysasema", "Gamma hälsostation", "903", "Gamma", "B-alue"),
]


def _contact(cid, day, wait, unit, **overrides):
    """One access-type visit (T11, SH, non-urgent, first visit, R10) unless overridden."""
    row = {
        "contact_id": cid,
        "contact_date": day,
        "assessment_date": None if wait is None else day - timedelta(days=wait),
        "unit_id": unit,
        "service_form": "T11",
        "nature": "SH",
        "urgent": False,
        "first_visit": True,
        "cancelled": False,
        "contact_type": "R10",
        "channel": None,
        "booked_via": "phone",
        "age": 40,
        "profession": "nurse",
    }
    row.update(overrides)
    return row


def contacts() -> list[dict]:
    rows: list[dict] = []

    def add(day, wait, unit, **overrides):
        rows.append(_contact(len(rows) + 1, day, wait, unit, **overrides))

    jan = date(2024, 1, 15)
    # TA01 2024-01: 10 access visits, waits 0,1,3,7,7 (within 7 days) and 8,10,14,20,30.
    # One of them is a real-time remote contact: remote visits count for access too.
    for i, wait in enumerate([0, 1, 3, 7, 7, 8, 10, 14, 20, 30]):
        add(jan, wait, "TA01", contact_type="R52" if i == 1 else "R10")
    # TA01 2024-01: rows THL's definition excludes, each with a short wait (2 days), so
    # counting any of them would change the result.
    add(jan, 2, "TA01", urgent=True)
    add(jan, 2, "TA01", first_visit=False)
    add(jan, 2, "TA01", cancelled=True)
    add(jan, 2, "TA01", service_form="T22")
    add(jan, 2, "TA01", nature="TH")
    add(jan, 2, "TA01", contact_type="R71")
    add(jan, None, "TA01")  # no care-need assessment recorded
    add(jan, -3, "TA01")  # assessment after the visit: a recording error
    # TA02 2024-01: 4 access visits (below the minimum of 5), waits 2,2,2,40.
    for wait in [2, 2, 2, 40]:
        add(date(2024, 1, 20), wait, "TA02")
    # TA01 2024-02: 6 access visits, waits 1,1,1,1,1,20 -> 5 within 7 days.
    for wait in [1, 1, 1, 1, 1, 20]:
        add(date(2024, 2, 10), wait, "TA01")
    # TA01 2023-02: 10 access visits, 6 within 7 days (a year before 2024-02).
    for wait in [1, 1, 1, 1, 1, 1, 10, 10, 10, 10]:
        add(date(2023, 2, 10), wait, "TA01")

    # TA03 2024-03, digital share: 20 client contacts that took place:
    # in person R10 x8, R20 x2; remote R52 x6, R56 x3, legacy R51 x1.
    mar = date(2024, 3, 12)
    for code, count in [("R10", 8), ("R20", 2), ("R52", 6), ("R56", 3), ("R51", 1)]:
        for _ in range(count):
            add(mar, None, "TA03", service_form="T22", nature="TH", contact_type=code)
    # ... and rows outside both numerator and denominator: not client contacts
    # (R60 x2, R71, R72) and cancelled remote contacts (R52 x2).
    for code in ["R60", "R60", "R71", "R72"]:
        add(mar, None, "TA03", contact_type=code)
    for _ in range(2):
        add(mar, None, "TA03", contact_type="R52", cancelled=True)
    # TA03 2024-04: 4 remote contacts only: denominator below the minimum.
    for _ in range(4):
        add(date(2024, 4, 3), None, "TA03", contact_type="R52")
    return rows


def referrals() -> list[dict]:
    rows: list[dict] = []

    def add(day, unit, kind, referrer):
        rows.append(
            {
                "referral_id": len(rows) + 1,
                "referral_date": day,
                "source_unit_id": unit,
                "referral_type": kind,
                "specialty": None,
                "target": "Liikuntapalvelut",
                "referrer_id": referrer,
            }
        )

    # Wellbeing 2024-01: TA01 7 referrals by P1,P1,P2,P3,P3,P3,P4; TA02 2 by P5,P6.
    for referrer in ["P1", "P1", "P2", "P3", "P3", "P3", "P4"]:
        add(date(2024, 1, 9), "TA01", "wellbeing", referrer)
    for referrer in ["P5", "P6"]:
        add(date(2024, 1, 22), "TA02", "wellbeing", referrer)
    # Wellbeing 2024-02: TA01 3 referrals by P1 (below the minimum).
    for _ in range(3):
        add(date(2024, 2, 5), "TA01", "wellbeing", "P1")
    # Exercise referrals in 2024-01 must not count as wellbeing referrals.
    for _ in range(6):
        add(date(2024, 1, 9), "TA01", "exercise", "P7")
    return rows


def indicator_values() -> list[dict]:
    source = "testi"
    return [
        # Monitoring coverage, county 99: 2024Q1 6/12, 2024Q2 9/12.
        {
            "indicator_id": "hoitotakuuseuranta-kattavuus",
            "region_code": "99",
            "period_start": date(2024, 1, 1),
            "period_grain": "quarter",
            "value": 50.0,
            "numerator": 6,
            "denominator": 12,
            "source": source,
        },
        {
            "indicator_id": "hoitotakuuseuranta-kattavuus",
            "region_code": "99",
            "period_start": date(2024, 4, 1),
            "period_grain": "quarter",
            "value": 75.0,
            "numerator": 9,
            "denominator": 12,
            "source": source,
        },
        # Another region's row must not leak into county 99.
        {
            "indicator_id": "hoitotakuuseuranta-kattavuus",
            "region_code": "01",
            "period_start": date(2024, 1, 1),
            "period_grain": "quarter",
            "value": 100.0,
            "numerator": 12,
            "denominator": 12,
            "source": source,
        },
    ]


def targets() -> list[dict]:
    """The real targets file, as shipped."""
    rows = []
    with open(TARGETS_CSV, encoding="utf-8") as fh:
        for raw in csv.DictReader(fh, delimiter=";"):
            rows.append(
                {
                    "indicator_id": raw["indicator_id"],
                    "kind": raw["kind"],
                    "valid_from": date.fromisoformat(raw["valid_from"]),
                    "valid_to": date.fromisoformat(raw["valid_to"]) if raw["valid_to"] else None,
                    "age_min": int(raw["age_min"]),
                    "age_max": int(raw["age_max"]),
                    "value": float(raw["value"]),
                    "comparison": raw["comparison"],
                    "source": raw["source"],
                }
            )
    return rows


def meta() -> list[dict]:
    return [
        {"key": "data_as_of", "value": "2024-04-30"},
        {"key": "synthetic", "value": "true"},
        {"key": "county_code", "value": "99"},
    ]


def create_fixture_db(engine: sa.Engine) -> None:
    """Create the contract tables in ``engine`` and fill them with the fixture rows."""
    schema.metadata.drop_all(engine)
    schema.metadata.create_all(engine)
    unit_rows = [
        {
            "unit_id": uid,
            "name_fi": fi,
            "name_sv": sv,
            "unit_type": "health_station",
            "service_area": area,
            "municipality_code": code,
            "municipality_fi": muni,
            "municipality_sv": muni,
            "county_code": "99",
        }
        for uid, fi, sv, code, muni, area in UNITS
    ]
    with engine.begin() as conn:
        conn.execute(schema.units.insert(), unit_rows)
        conn.execute(schema.client_contacts.insert(), contacts())
        conn.execute(schema.referrals.insert(), referrals())
        conn.execute(schema.indicator_values.insert(), indicator_values())
        conn.execute(schema.targets.insert(), targets())
        conn.execute(schema.reporting_meta.insert(), meta())
