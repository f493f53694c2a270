"""Deterministic synthetic data for the reporting contract (a fictional county).

Everything here is invented: the county "Esimerkkilän hyvinvointialue" (code 99), its
municipalities, units, professionals and events. The shapes follow the domain brief
(``docs/domain.md``): care-guarantee waiting times with a crisis in spring 2023, a
rising remote-contact share, new wellbeing and exercise referrals, an oral-health
backlog that a clearing project shrinks, and so on.

:func:`generate` yields ``(table_name, DataFrame)`` chunks in the column order of
:mod:`reporting.schema`; the writers in :mod:`reporting.load` consume it, so DuckDB and
PostgreSQL get identical numbers for identical arguments.

Determinism: every month of event data has its own random generator seeded from
``(seed, year, month, table)``, and ids are sequential, so a month's rows do not depend
on how many months follow it. The only thing that depends on the end of the data is
that queue entries whose exit would fall after it are still open (``exit_date`` NULL).
Memory: one month of one table is held at a time, so ``scale`` can be large.
"""

from __future__ import annotations

import calendar
import csv
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from reporting import schema

# The version names the shape of the rows: ``ensure-demo`` rebuilds a file whose
# stored generator differs (e.g. one written before the record keys existed).
GENERATOR = "tietokeskustelut demo v2"
DEFAULT_SEED = 2022
DATA_START = date(2022, 1, 1)
TARGETS_CSV = Path(__file__).resolve().parent / "data" / "targets.csv"

COUNTY_CODE = "99"
COUNTY_NAME_FI = "Esimerkkilän hyvinvointialue"
COUNTY_NAME_SV = "Exempelby välfärdsområde"
COUNTY_NAME_EN = "Esimerkkilä wellbeing services county"
INDICATOR_SOURCE = "Esimerkkilän hyvinvointialue, oma seuranta (synteettinen demoaineisto)"

# The code sets the generator draws from (also used by the tests).
SERVICE_FORMS = ("T11", "T22", "T23", "T40", "T51", "T60")
NATURES = ("SH", "TH")
CONTACT_TYPES = (
    "R10", "R20", "R30", "R40", "R41",  # in person
    "R50", "R51", "R55",  # legacy remote
    "R52", "R56",  # remote: real-time, asynchronous
    "R60", "R71", "R72",  # not a client contact
)  # fmt: skip
REMOTE_CONTACT_TYPES = ("R50", "R51", "R52", "R55", "R56")
NON_CLIENT_CONTACT_TYPES = ("R60", "R71", "R72")
CHANNELS = ("phone", "video", "chat")
BOOKED_VIA = ("electronic", "phone", "desk")
PROFESSIONS = ("doctor", "nurse", "other")
REFERRAL_TYPES = ("specialised", "wellbeing", "exercise", "other")
SPECIALTIES = (
    "sisätaudit",
    "kirurgia",
    "ortopedia",
    "naistentaudit",
    "lastentaudit",
    "psykiatria",
    "silmätaudit",
    "korva-, nenä- ja kurkkutaudit",
)
QUEUE_SERVICES = (
    "oral_health",
    "mental_health",
    "substance_abuse",
    "family_centre",
    "primary_care",
)
EXIT_REASONS = ("treated", "cancelled", "moved")

# --------------------------------------------------------------------------------------
# Organisation
# --------------------------------------------------------------------------------------

# code -> (Finnish name, Swedish name)
MUNICIPALITIES: dict[str, tuple[str, str]] = {
    "901": ("Esimerkkilä", "Exempelby"),
    "902": ("Koivulahti", "Björkvik"),
    "903": ("Järvelä", "Järvelä"),
    "904": ("Kallioniemi", "Bergnäs"),
    "905": ("Mäntyranta", "Mäntyranta"),
    "906": ("Saarikylä", "Holmby"),
    "907": ("Peltola", "Peltola"),
    "908": ("Kuusijärvi", "Granträsk"),
}
NORTH, CENTRAL, SOUTH = "Pohjoinen palvelualue", "Keskinen palvelualue", "Eteläinen palvelualue"

# unit_id, name_fi, name_sv, unit_type, service_area, municipality_code
_UNITS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("TA01", "Harjulan terveysasema", "Harjula hälsostation", "health_station", CENTRAL, "901"),
    ("TA02", "Keskustan terveysasema", "Centrums hälsostation", "health_station", CENTRAL, "901"),
    ("TA03", "Rantakylän terveysasema", "Strandby hälsostation", "health_station", CENTRAL, "901"),
    (
        "TA04",
        "Koivulahden terveysasema",
        "Björkviks hälsostation",
        "health_station",
        CENTRAL,
        "902",
    ),
    ("TA05", "Järvelän terveysasema", "Järvelä hälsostation", "health_station", NORTH, "903"),
    ("TA06", "Mäntyrannan terveysasema", "Mäntyranta hälsostation", "health_station", NORTH, "905"),
    ("TA07", "Kuusijärven terveysasema", "Granträsk hälsostation", "health_station", NORTH, "908"),
    ("TA08", "Kallioniemen terveysasema", "Bergnäs hälsostation", "health_station", SOUTH, "904"),
    ("TA09", "Saarikylän terveysasema", "Holmby hälsostation", "health_station", SOUTH, "906"),
    ("TA10", "Peltolan terveysasema", "Peltola hälsostation", "health_station", SOUTH, "907"),
    ("TA11", "Lahdenperän terveysasema", "Lahdenperä hälsostation", "health_station", SOUTH, "906"),
    (
        "TA12",
        "Pohjoisharjun terveysasema",
        "Norråsens hälsostation",
        "health_station",
        NORTH,
        "903",
    ),
    ("SU01", "Keskustan hammashoitola", "Centrums tandklinik", "oral_health", CENTRAL, "901"),
    ("SU02", "Järvelän hammashoitola", "Järvelä tandklinik", "oral_health", NORTH, "903"),
    ("SU03", "Kallioniemen hammashoitola", "Bergnäs tandklinik", "oral_health", SOUTH, "904"),
    (
        "PK01",
        "Esimerkkilän perhekeskus",
        "Exempelby familjecentral",
        "family_centre",
        CENTRAL,
        "901",
    ),
    ("PK02", "Kallioniemen perhekeskus", "Bergnäs familjecentral", "family_centre", SOUTH, "904"),
    (
        "MT01",
        "Esimerkkilän mielenterveyskeskus",
        "Exempelby mentalvårdscentral",
        "mental_health",
        CENTRAL,
        "901",
    ),
    (
        "PA01",
        "Esimerkkilän päihdepoliklinikka",
        "Exempelby missbrukarpoliklinik",
        "substance_abuse",
        CENTRAL,
        "901",
    ),
)

STATION_IDS = tuple(u[0] for u in _UNITS if u[3] == "health_station")
# Relative size of each health station (TA11 and TA12 are small village stations).
_STATION_SIZE = np.array([1.6, 1.8, 1.3, 1.0, 0.9, 0.7, 0.45, 1.1, 0.8, 0.6, 0.12, 0.22])
STATION_P = _STATION_SIZE / _STATION_SIZE.sum()
# Stations differ in how remote-friendly they are and how fast they give appointments.
_REMOTE_FACTOR = np.array([1.1, 1.2, 1.0, 0.95, 0.9, 0.85, 0.8, 1.05, 0.9, 0.85, 0.7, 0.75])
_REMOTE_FACTOR = _REMOTE_FACTOR / (_REMOTE_FACTOR @ STATION_P)
_P7_OFFSET = np.array([0.03, -0.02, 0.05, 0.0, -0.06, 0.04, -0.08, 0.02, -0.03, 0.06, 0.0, -0.05])
_P7_OFFSET = _P7_OFFSET - _P7_OFFSET @ STATION_P


def units_frame() -> pd.DataFrame:
    rows = [
        {
            "unit_id": uid,
            "name_fi": fi,
            "name_sv": sv,
            "unit_type": kind,
            "service_area": area,
            "municipality_code": code,
            "municipality_fi": MUNICIPALITIES[code][0],
            "municipality_sv": MUNICIPALITIES[code][1],
            "county_code": COUNTY_CODE,
        }
        for uid, fi, sv, kind, area, code in _UNITS
    ]
    return _frame(schema.units, pd.DataFrame(rows))


# --------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------


def parse_until(until: str | date | None) -> date:
    """The first day of the ``until`` month (``"YYYY-MM"``, a date, or None = this month)."""
    if until is None:
        today = date.today()
        return date(today.year, today.month, 1)
    if isinstance(until, date):
        return date(until.year, until.month, 1)
    text = str(until).strip()
    try:
        year_s, month_s = text.split("-")
        if len(year_s) != 4 or len(month_s) != 2:
            raise ValueError
        first = date(int(year_s), int(month_s), 1)
    except ValueError:
        raise ValueError(f"until must look like YYYY-MM, got {until!r}") from None
    return first


def data_end(until: str | date | None = None) -> date:
    """Last day of data: the end of the last complete month before ``until``."""
    first = parse_until(until)
    end = first - timedelta(days=1)
    if end < date(DATA_START.year, DATA_START.month, 28):
        raise ValueError(
            f"until must be after {DATA_START:%Y-%m} (data start at {DATA_START.isoformat()})"
        )
    return end


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _mi(text: str) -> int:
    year, month = text.split("-")
    return _month_index(int(year), int(month))


def _months(first: date, last: date) -> list[tuple[int, int]]:
    return [
        (mi // 12, mi % 12 + 1)
        for mi in range(
            _month_index(first.year, first.month), _month_index(last.year, last.month) + 1
        )
    ]


def event_months(end: date) -> list[tuple[int, int]]:
    """``(year, month)`` of every month of event data, from ``DATA_START`` to the month of
    ``end``, in the order ``generate`` yields them."""
    return _months(DATA_START, end)


def _curve(knots: Sequence[tuple[str, float]], mi: float) -> float:
    """Piecewise-linear value at month index ``mi`` (flat beyond the ends)."""
    xs = [_mi(k) for k, _ in knots]
    ys = [v for _, v in knots]
    return float(np.interp(mi, xs, ys))


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def _holidays(year: int) -> set[date]:
    """Finnish public holidays (and the eves that close health stations) of a year."""
    easter = _easter(year)
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    fixed = [(1, 1), (1, 6), (5, 1), (12, 6), (12, 24), (12, 25), (12, 26)]
    return {date(year, m, d) for m, d in fixed} | {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        easter + timedelta(days=39),
        midsummer_eve,
    }


_WEEKDAY_WEIGHT = np.array([1.12, 1.04, 1.0, 0.98, 0.86, 0.07, 0.05])
_HOLIDAY_WEIGHT = 0.05
# Monthly activity level (holidays are on top of this): July -35 %, June/August -15 %,
# December -15 % together with Christmas, January a slight rise.
_SEASON = np.array([1.03, 1.0, 0.98, 1.0, 0.98, 0.85, 0.63, 0.82, 1.0, 1.0, 1.0, 0.93])


def _month_days(year: int, month: int) -> tuple[np.ndarray, np.ndarray]:
    """(dates as datetime64[D], relative activity weight of each day)."""
    n = calendar.monthrange(year, month)[1]
    first = np.datetime64(f"{year:04d}-{month:02d}-01", "D")
    days = first + np.arange(n).astype("timedelta64[D]")
    weekday = (days.astype("int64") - 4) % 7  # 1970-01-01 was a Thursday (3); Monday = 0
    weights = _WEEKDAY_WEIGHT[weekday].copy()
    holidays = {np.datetime64(h, "D") for h in _holidays(year) if h.month == month}
    for i, d in enumerate(days):
        if d in holidays:
            weights[i] = _HOLIDAY_WEIGHT
    return days, weights


def _reference_year_weight() -> float:
    return float(sum((_month_days(2023, m)[1] * _SEASON[m - 1]).sum() for m in range(1, 13)))


CONTACTS_PER_YEAR = 1_400_000
_CONTACTS_PER_UNIT_WEIGHT = CONTACTS_PER_YEAR / _reference_year_weight()

# --------------------------------------------------------------------------------------
# Trends (month -> value). Month keys are "YYYY-MM"; flat before the first and after the last.
# --------------------------------------------------------------------------------------

_REMOTE_SHARE = [
    ("2022-01", 0.10), ("2023-01", 0.15), ("2024-01", 0.22), ("2025-01", 0.29),
    ("2026-01", 0.355), ("2026-12", 0.40), ("2029-12", 0.46),
]  # fmt: skip
_LEGACY_OF_REMOTE = [("2022-01", 0.15), ("2022-09", 0.15), ("2024-01", 0.0)]
_R56_OF_REMOTE = [("2022-01", 0.25), ("2026-12", 0.40)]
_E_BOOKING = [("2022-01", 0.05), ("2026-12", 0.30), ("2029-12", 0.40)]
_ASSESSMENT_RECORDED = [("2022-01", 0.92), ("2025-01", 0.99)]
# Share of non-urgent T11 SH first visits realised within 7 days of the assessment.
_P7 = [
    ("2022-01", 0.61), ("2022-09", 0.60), ("2022-12", 0.56), ("2023-02", 0.49),
    ("2023-04", 0.45), ("2023-06", 0.47), ("2023-09", 0.54), ("2024-03", 0.63),
    ("2024-09", 0.70), ("2025-03", 0.75), ("2025-09", 0.80), ("2025-12", 0.82),
    ("2026-06", 0.845),
]  # fmt: skip
_P7_SEASON = np.array([0.0, 0.0, 0.0, 0.0, 0.0, -0.02, -0.05, -0.02, 0.0, 0.0, 0.0, -0.01])
_P14_EXTRA = 0.17
_AGE_RULE_FROM = _mi("2025-01")  # age-graded care guarantee (adults 3 months)
_CHAT_EXTENDED = _mi("2024-02")

_SPECIALISED_PER_MONTH = 1500.0
_OTHER_REFERRALS_PER_MONTH = 100.0
_WELLBEING_PER_MONTH = [
    ("2023-03", 20), ("2023-12", 70), ("2024-12", 150), ("2025-12", 230), ("2026-06", 250),
    ("2029-12", 300),
]  # fmt: skip
_WELLBEING_REFERRERS = [
    ("2023-03", 5), ("2023-12", 18), ("2024-12", 35), ("2025-12", 55), ("2026-06", 62),
    ("2029-12", 75),
]  # fmt: skip
_EXERCISE_PER_MONTH = [
    ("2023-06", 10), ("2023-12", 30), ("2024-12", 70), ("2025-12", 110), ("2026-06", 120),
    ("2029-12", 140),
]  # fmt: skip
_EXERCISE_REFERRERS = [("2023-06", 3), ("2024-12", 15), ("2026-06", 35), ("2029-12", 40)]
_WELLBEING_START = _mi("2023-03")
_EXERCISE_START = _mi("2023-06")
_N_PROFESSIONALS = 400

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _rng(seed: int, year: int, month: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, year, month, stream])


# Streams of the record keys (``_rng``'s last argument): their own generators, so the
# keys do not change any other drawn value.
_KEY_STREAM = {"client_contacts": 11, "referrals": 12, "queue_entries": 13}


def _record_keys(seed: int, year: int, month: int, table: str, n: int) -> np.ndarray:
    """``n`` record keys, uniform on 0 .. 2**20 - 1, for one month of one table.

    The demo is synthetic, so a seeded generator is fine; a production load draws
    each key once with ``secrets.randbelow(2**20)`` (docs/reporting-contract.md)."""
    rng = _rng(seed, year, month, _KEY_STREAM[table])
    return rng.integers(0, schema.RECORD_KEY_RANGE, n, dtype=np.int64).astype(np.int32)


def _draw(rng: np.random.Generator, n: int, p: Sequence[float]) -> np.ndarray:
    """Category indices 0..len(p)-1 drawn with probabilities ``p`` (normalised)."""
    cum = np.cumsum(np.asarray(p, dtype=float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1).astype(
        np.int16
    )


def _age_pmf(bands: Sequence[tuple[int, int, float]]) -> np.ndarray:
    pmf = np.zeros(100)
    for lo, hi, weight in bands:
        pmf[lo : hi + 1] = weight
    return pmf / pmf.sum()


# More small children and elderly than working-age adults.
_AGE_GENERAL = _age_pmf(
    [(0, 4, 1.6), (5, 14, 1.0), (15, 24, 0.9), (25, 44, 0.9), (45, 64, 1.1), (65, 74, 1.6),
     (75, 84, 1.9), (85, 94, 1.2), (95, 99, 0.3)]
)  # fmt: skip
_AGE_CHILD_CLINIC = _age_pmf([(0, 0, 3.0), (1, 1, 2.0), (2, 2, 1.5), (3, 5, 1.2), (6, 6, 0.8)])
_AGE_SCHOOL = _age_pmf([(7, 12, 1.0), (13, 15, 1.2), (16, 18, 0.9)])
_AGE_MENTAL = _age_pmf([(13, 17, 1.2), (18, 29, 1.6), (30, 49, 1.3), (50, 69, 0.8), (70, 85, 0.3)])
_AGE_SUBSTANCE = _age_pmf([(16, 24, 0.8), (25, 44, 1.5), (45, 64, 1.2), (65, 80, 0.4)])
_AGE_FAMILY = _age_pmf([(0, 2, 1.5), (3, 6, 1.2), (7, 12, 1.0), (13, 17, 0.9)])


def _ages(rng: np.random.Generator, n: int, pmf: np.ndarray) -> np.ndarray:
    return _draw(rng, n, pmf).astype(np.int16)


def _trunc_exp(rng: np.random.Generator, scale: np.ndarray, upper: float) -> np.ndarray:
    """Exponential(scale) truncated to [0, upper)."""
    u = rng.random(len(scale))
    return -scale * np.log1p(-u * (1.0 - np.exp(-upper / scale)))


def _cat(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int16), categories=list(categories))


def _frame(table, df: pd.DataFrame) -> pd.DataFrame:
    columns = [c.name for c in table.columns]
    if list(df.columns) != columns:
        raise RuntimeError(f"{table.name}: columns {list(df.columns)} != contract {columns}")
    return df


# --------------------------------------------------------------------------------------
# Client contacts
# --------------------------------------------------------------------------------------

_FORM_P = [0.60, 0.09, 0.08, 0.08, 0.05, 0.10]
_FORM_TH = np.array([False, True, True, False, False, False])  # usually terveydenhoito
_FORM_URGENT = np.array([0.28, 0.08, 0.08, 0.08, 0.08, 0.08])
# profession probabilities (doctor, nurse, other) per service form
_FORM_PROFESSION = np.array(
    [[0.48, 0.45, 0.07], [0.10, 0.85, 0.05], [0.10, 0.85, 0.05], [0.25, 0.55, 0.20],
     [0.25, 0.55, 0.20], [0.25, 0.55, 0.20]]
)  # fmt: skip
_CT = {code: i for i, code in enumerate(CONTACT_TYPES)}


def contacts_month(
    year: int, month: int, *, seed: int, scale: float, first_id: int
) -> pd.DataFrame:
    """The client_contacts rows of one month, ids from ``first_id``."""
    rng = _rng(seed, year, month, 1)
    mi = _month_index(year, month)
    days, weights = _month_days(year, month)
    lam = _CONTACTS_PER_UNIT_WEIGHT * scale * _SEASON[month - 1] * weights
    per_day = rng.poisson(lam)
    n = int(per_day.sum())
    contact_date = np.repeat(days, per_day)

    station = _draw(rng, n, STATION_P)
    form = _draw(rng, n, _FORM_P)
    th_form = _FORM_TH[form]
    flip = rng.random(n) < np.where(th_form, 0.03, 0.05)
    nature = (th_form ^ flip).astype(np.int16)  # 0 = SH, 1 = TH
    urgent = rng.random(n) < _FORM_URGENT[form]
    first_visit = rng.random(n) < 0.70
    cancelled = rng.random(n) < 0.02

    age = _ages(rng, n, _AGE_GENERAL)
    for form_code, pmf in ((1, _AGE_CHILD_CLINIC), (2, _AGE_SCHOOL)):
        sel = form == form_code
        age[sel] = _ages(rng, int(sel.sum()), pmf)

    prof_cum = np.cumsum(_FORM_PROFESSION[form], axis=1)
    profession = (rng.random(n)[:, None] >= prof_cum[:, :2]).sum(axis=1).astype(np.int16)

    # Contact type: ~5 % not client contacts; remote share rising; legacy codes fading.
    contact_type = np.empty(n, dtype=np.int16)
    non_client = rng.random(n) < 0.05
    p_remote = np.clip(_curve(_REMOTE_SHARE, mi) * _REMOTE_FACTOR[station], 0.0, 0.95)
    remote = ~non_client & (rng.random(n) < p_remote)
    in_person = ~non_client & ~remote
    idx = np.array([_CT[c] for c in ("R60", "R71", "R72")])
    contact_type[non_client] = idx[_draw(rng, int(non_client.sum()), [0.5, 0.3, 0.2])]
    legacy = _curve(_LEGACY_OF_REMOTE, mi)
    r56 = _curve(_R56_OF_REMOTE, mi)
    idx = np.array([_CT[c] for c in ("R50", "R51", "R55", "R52", "R56")])
    p = [legacy * 0.5, legacy * 0.2, legacy * 0.3, 1.0 - legacy - r56, r56]
    contact_type[remote] = idx[_draw(rng, int(remote.sum()), p)]
    idx = np.array([_CT[c] for c in ("R10", "R20", "R30", "R40", "R41")])
    contact_type[in_person] = idx[
        _draw(rng, int(in_person.sum()), [0.935, 0.03, 0.01, 0.015, 0.01])
    ]

    # Channel: known for real-time remote contacts, partly for asynchronous ones.
    channel = np.full(n, -1, dtype=np.int16)
    is_r52 = contact_type == _CT["R52"]
    p_channel = [0.80, 0.15, 0.05] if mi < _CHAT_EXTENDED else [0.72, 0.15, 0.13]
    channel[is_r52] = _draw(rng, int(is_r52.sum()), p_channel)
    is_r56 = contact_type == _CT["R56"]
    channel[is_r56] = np.where(rng.random(int(is_r56.sum())) < 0.35, 2, -1)

    # Booking route: electronic share rising; NULL for walk-ins / unknown.
    e_share = _curve(_E_BOOKING, mi)
    booked_via = _draw(rng, n, [e_share, (1 - e_share) * 0.75, (1 - e_share) * 0.25])
    booked_via[rng.random(n) < 0.10] = -1

    # Care-need assessment and waiting time.
    key = ~urgent & first_visit
    p_recorded = np.where(key, _curve(_ASSESSMENT_RECORDED, mi), 0.5)
    has_assessment = rng.random(n) < p_recorded
    p7 = _curve(_P7, mi) + _P7_SEASON[month - 1] + _P7_OFFSET[station]
    tail_scale = np.full(n, 1.0)
    if mi >= _AGE_RULE_FROM:
        adult = age >= 23
        p7 = p7 + np.where(adult, -0.04, 0.09)
        tail_scale = np.where(adult, 1.4, 1.0)
    p7 = np.clip(p7, 0.05, 0.95)
    p14 = np.minimum(p7 + _P14_EXTRA, 0.985)
    tail_scale = tail_scale * (8.0 + 50.0 * (1.0 - p7))
    u = rng.random(n)
    fast = rng.integers(0, 8, n)
    medium = rng.integers(8, 15, n)
    tail = 15 + np.floor(_trunc_exp(rng, tail_scale, 106.0)).astype(np.int64)
    wait = np.where(u < p7, fast, np.where(u < p14, medium, tail))
    wait = np.where(urgent, (rng.random(n) < 0.15).astype(np.int64), wait)
    assessment_date = np.where(
        has_assessment, contact_date - wait.astype("timedelta64[D]"), np.datetime64("NaT", "D")
    )

    df = pd.DataFrame(
        {
            "contact_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "contact_date": contact_date,
            "assessment_date": assessment_date,
            "unit_id": _cat(station, STATION_IDS),
            "service_form": _cat(form, SERVICE_FORMS),
            "nature": _cat(nature, NATURES),
            "urgent": urgent,
            "first_visit": first_visit,
            "cancelled": cancelled,
            "contact_type": _cat(contact_type, CONTACT_TYPES),
            "channel": _cat(channel, CHANNELS),
            "booked_via": _cat(booked_via, BOOKED_VIA),
            "age": age,
            "profession": _cat(profession, PROFESSIONS),
            "record_key": _record_keys(seed, year, month, "client_contacts", n),
        }
    )
    return _frame(schema.client_contacts, df)


# --------------------------------------------------------------------------------------
# Referrals
# --------------------------------------------------------------------------------------

_SPECIALTY_P = [0.22, 0.16, 0.17, 0.09, 0.06, 0.08, 0.12, 0.10]
_SPECIALISED_TARGETS = (
    "Esimerkkilän keskussairaala",
    "Yliopistollinen keskussairaala",
    "Yksityinen palveluntuottaja (palveluseteli)",
)
_WELLBEING_TARGETS = (
    "Järjestön vertaisryhmä",
    "Kunnan kulttuuripalvelut",
    "Kansalaisopisto",
    "Seurakunnan diakoniatyö",
    "Nuorisopalvelut",
    "Järjestön ulkoiluryhmä",
)
_EXERCISE_TARGETS = (
    "Kunnan liikuntapalvelut",
    "Liikuntaneuvonta",
    "Urheiluseuran matalan kynnyksen ryhmä",
    "Uimahallin vesijumppa",
)
_OTHER_TARGETS = (
    "Sosiaalipalvelut",
    "Fysioterapia",
    "Kuntoutuspalvelut",
    "Työterveyshuolto",
)
_REFERRAL_TARGETS = _SPECIALISED_TARGETS + _WELLBEING_TARGETS + _EXERCISE_TARGETS + _OTHER_TARGETS


@dataclass(frozen=True)
class _Professionals:
    ids: tuple[str, ...]  # pseudonymous ids, index = professional number
    station: np.ndarray  # home station index of each professional
    by_station: np.ndarray  # professional numbers sorted by station
    station_start: np.ndarray  # offset of each station in by_station
    station_count: np.ndarray
    doctors_by_station: np.ndarray
    doctor_start: np.ndarray
    doctor_count: np.ndarray
    wellbeing_order: np.ndarray  # adoption order of wellbeing referrals
    exercise_order: np.ndarray
    keys: np.ndarray  # referrer_key of each professional (uniform on 0 .. 2**20 - 1)


def _professionals(seed: int) -> _Professionals:
    rng = _rng(seed, 0, 0, 9)
    counts = np.maximum(np.round(STATION_P * _N_PROFESSIONALS).astype(int), 3)
    station = np.repeat(np.arange(len(STATION_IDS)), counts)
    total = len(station)
    doctor = np.zeros(total, dtype=bool)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for first, count in zip(start, counts, strict=True):
        doctor[first : first + max(1, round(0.35 * count))] = True
    numbers = rng.permutation(total) + 1
    ids = tuple(f"P{k:04d}" for k in numbers)
    doctors = np.flatnonzero(doctor)
    doctor_counts = np.bincount(station[doctors], minlength=len(STATION_IDS))
    return _Professionals(
        ids=ids,
        station=station,
        by_station=np.arange(total),
        station_start=start,
        station_count=counts,
        doctors_by_station=doctors,
        doctor_start=np.concatenate([[0], np.cumsum(doctor_counts)[:-1]]),
        doctor_count=doctor_counts,
        wellbeing_order=rng.permutation(total),
        exercise_order=rng.permutation(total),
        keys=_rng(seed, 0, 0, 19)
        .integers(0, schema.RECORD_KEY_RANGE, total, dtype=np.int64)
        .astype(np.int32),
    )


def _pick_in_station(
    rng: np.random.Generator,
    station: np.ndarray,
    members: np.ndarray,
    start: np.ndarray,
    count: np.ndarray,
) -> np.ndarray:
    offset = np.floor(rng.random(len(station)) * count[station]).astype(np.int64)
    return members[start[station] + offset]


def referrals_month(
    year: int, month: int, *, seed: int, scale: float, first_id: int, pros: _Professionals
) -> pd.DataFrame:
    rng = _rng(seed, year, month, 2)
    mi = _month_index(year, month)
    days, weights = _month_days(year, month)
    season = _SEASON[month - 1] / _SEASON.mean()
    parts: list[tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]] = []
    # (referrer numbers, type index, specialty codes, target codes, day indices)

    n = int(rng.poisson(_SPECIALISED_PER_MONTH * scale * season))
    station = _draw(rng, n, STATION_P)
    referrer = _pick_in_station(
        rng, station, pros.doctors_by_station, pros.doctor_start, pros.doctor_count
    )
    specialty = _draw(rng, n, _SPECIALTY_P)
    target = _draw(rng, n, [0.85, 0.10, 0.05])
    parts.append((referrer, 0, specialty, target, _draw(rng, n, weights)))

    for type_index, start, volume, referrers, order, targets, target_p in (
        (1, _WELLBEING_START, _WELLBEING_PER_MONTH, _WELLBEING_REFERRERS,
         pros.wellbeing_order, _WELLBEING_TARGETS, [0.35, 0.12, 0.15, 0.1, 0.13, 0.15]),
        (2, _EXERCISE_START, _EXERCISE_PER_MONTH, _EXERCISE_REFERRERS,
         pros.exercise_order, _EXERCISE_TARGETS, [0.45, 0.25, 0.18, 0.12]),
    ):  # fmt: skip
        if mi < start:
            continue
        n = int(rng.poisson(_curve(volume, mi) * scale * season))
        active = max(1, round(_curve(referrers, mi)))
        # Early adopters refer more than the latest ones.
        position = _draw(rng, n, 1.0 / np.sqrt(np.arange(active) + 1.0))
        offset = _REFERRAL_TARGETS.index(targets[0])
        target = _draw(rng, n, target_p) + offset
        none = np.full(n, -1, dtype=np.int16)
        parts.append((order[position], type_index, none, target, _draw(rng, n, weights)))

    n = int(rng.poisson(_OTHER_REFERRALS_PER_MONTH * scale * season))
    station = _draw(rng, n, STATION_P)
    referrer = _pick_in_station(
        rng, station, pros.by_station, pros.station_start, pros.station_count
    )
    target = _draw(rng, n, [0.35, 0.3, 0.2, 0.15]) + _REFERRAL_TARGETS.index(_OTHER_TARGETS[0])
    parts.append((referrer, 3, np.full(n, -1, dtype=np.int16), target, _draw(rng, n, weights)))

    referrer = np.concatenate([p[0] for p in parts]).astype(np.int64)
    kind = np.concatenate([np.full(len(p[0]), p[1], dtype=np.int16) for p in parts])
    specialty = np.concatenate([p[2] for p in parts])
    target = np.concatenate([p[3] for p in parts])
    day = np.concatenate([p[4] for p in parts])
    order = np.argsort(day, kind="stable")
    referrer, kind, specialty, target, day = (
        a[order] for a in (referrer, kind, specialty, target, day)
    )
    ids = np.asarray(pros.ids, dtype=object)
    n = len(order)
    df = pd.DataFrame(
        {
            "referral_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "referral_date": days[day],
            "source_unit_id": _cat(pros.station[referrer], STATION_IDS),
            "referral_type": _cat(kind, REFERRAL_TYPES),
            "specialty": _cat(specialty, SPECIALTIES),
            "target": _cat(target, _REFERRAL_TARGETS),
            "referrer_id": pd.Categorical(ids[referrer], categories=list(pros.ids)),
            "record_key": _record_keys(seed, year, month, "referrals", n),
            "referrer_key": pros.keys[referrer],
        }
    )
    return _frame(schema.referrals, df)


# --------------------------------------------------------------------------------------
# Queue entries
# --------------------------------------------------------------------------------------

_QUEUE_UNITS: dict[str, tuple[tuple[str, ...], np.ndarray]] = {
    "oral_health": (("SU01", "SU02", "SU03"), np.array([0.45, 0.30, 0.25])),
    "mental_health": (("MT01",), np.array([1.0])),
    "substance_abuse": (("PA01",), np.array([1.0])),
    "family_centre": (("PK01", "PK02"), np.array([0.6, 0.4])),
    "primary_care": (STATION_IDS, STATION_P),
}
_QUEUE_UNIT_IDS = tuple(dict.fromkeys(u for units, _ in _QUEUE_UNITS.values() for u in units))
# service -> (entries per month, age distribution, (month, median wait in days) knots, sigma)
_QUEUE_MODEL: dict[str, tuple[float, np.ndarray, list[tuple[str, float]], float]] = {
    "oral_health": (
        800.0,
        _AGE_GENERAL,
        [
            ("2021-01", 110),
            ("2022-01", 135),
            ("2022-12", 200),
            ("2023-08", 230),
            ("2023-09", 170),
            ("2024-03", 120),
            ("2024-09", 90),
            ("2025-01", 75),
            ("2025-12", 65),
            ("2026-12", 60),
        ],
        0.45,
    ),  # fmt: skip
    "mental_health": (
        300.0,
        _AGE_MENTAL,
        [("2022-01", 25), ("2023-04", 35), ("2024-06", 20), ("2025-06", 16), ("2026-06", 14)],
        0.6,
    ),
    "substance_abuse": (
        120.0,
        _AGE_SUBSTANCE,
        [("2022-01", 12), ("2023-04", 15), ("2025-01", 9), ("2026-06", 8)],
        0.6,
    ),
    "family_centre": (
        250.0,
        _AGE_FAMILY,
        [("2022-01", 40), ("2023-06", 45), ("2025-01", 32), ("2026-06", 28)],
        0.5,
    ),
    "primary_care": (
        400.0,
        _AGE_GENERAL,
        [("2022-01", 18), ("2023-04", 26), ("2024-06", 13), ("2025-06", 10), ("2026-06", 9)],
        0.7,
    ),
}
_BACKLOG_PROJECT = np.datetime64("2023-09-01", "D")
_BACKLOG_SPEEDUP = 0.55  # remaining wait of the old queue shrinks to this share
_QUEUE_SEASON = np.array([1.05, 1.02, 1.02, 1.0, 1.0, 0.9, 0.7, 0.9, 1.05, 1.05, 1.03, 0.9])


def queue_month(
    year: int, month: int, *, seed: int, scale: float, first_id: int, end: date
) -> pd.DataFrame:
    """Queue entries entered in one month; exits after ``end`` are still open."""
    rng = _rng(seed, year, month, 3)
    mi = _month_index(year, month)
    days, weights = _month_days(year, month)
    frames = []
    for s_index, service in enumerate(QUEUE_SERVICES):
        rate, age_pmf, median_knots, sigma = _QUEUE_MODEL[service]
        unit_ids, unit_p = _QUEUE_UNITS[service]
        n = int(rng.poisson(rate * scale * _QUEUE_SEASON[month - 1] / _QUEUE_SEASON.mean()))
        entered = days[_draw(rng, n, weights)]
        unit = np.array([_QUEUE_UNIT_IDS.index(u) for u in unit_ids])[_draw(rng, n, unit_p)]
        age = _ages(rng, n, age_pmf)
        median = _curve(median_knots, mi)
        wait = median * np.exp(sigma * rng.standard_normal(n))
        if service == "oral_health" and mi >= _AGE_RULE_FROM:
            wait = np.where(age < 23, wait * 0.75, wait)
        reason = _draw(rng, n, [0.86, 0.09, 0.05])
        wait = np.where(reason == 1, wait * rng.uniform(0.1, 1.0, n), wait)
        wait = np.clip(np.round(wait), 1, 540).astype(np.int64)
        exit_date = entered + wait.astype("timedelta64[D]")
        if service == "oral_health":
            late = (entered < _BACKLOG_PROJECT) & (exit_date > _BACKLOG_PROJECT)
            remaining = (exit_date - _BACKLOG_PROJECT).astype(np.int64)
            shortened = np.round(remaining * _BACKLOG_SPEEDUP).astype("timedelta64[D]")
            exit_date = np.where(late, _BACKLOG_PROJECT + shortened, exit_date)
        frames.append((np.full(n, s_index, dtype=np.int16), unit, entered, exit_date, reason, age))

    service = np.concatenate([f[0] for f in frames])
    unit = np.concatenate([f[1] for f in frames])
    entered = np.concatenate([f[2] for f in frames])
    exit_date = np.concatenate([f[3] for f in frames])
    reason = np.concatenate([f[4] for f in frames])
    age = np.concatenate([f[5] for f in frames])
    order = np.argsort(entered, kind="stable")
    service, unit, entered, exit_date, reason, age = (
        a[order] for a in (service, unit, entered, exit_date, reason, age)
    )
    keys = _record_keys(seed, year, month, "queue_entries", len(service))
    if year < DATA_START.year:  # opening backlog: only what was still open at the start
        keep = exit_date >= np.datetime64(DATA_START, "D")
        service, unit, entered, exit_date, reason, age, keys = (
            a[keep] for a in (service, unit, entered, exit_date, reason, age, keys)
        )
    still_waiting = exit_date > np.datetime64(end, "D")
    exit_date = np.where(still_waiting, np.datetime64("NaT", "D"), exit_date)
    reason = np.where(still_waiting, -1, reason)
    n = len(service)
    df = pd.DataFrame(
        {
            "entry_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "service": _cat(service, QUEUE_SERVICES),
            "unit_id": _cat(unit, _QUEUE_UNIT_IDS),
            "entered_date": entered,
            "exit_date": exit_date,
            "exit_reason": _cat(reason, EXIT_REASONS),
            "age": age,
            "record_key": keys,
        }
    )
    return _frame(schema.queue_entries, df)


# --------------------------------------------------------------------------------------
# Small tables
# --------------------------------------------------------------------------------------


def targets_frame(path: Path = TARGETS_CSV) -> pd.DataFrame:
    """The rows of ``reporting/data/targets.csv`` (empty valid_to = NULL)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.reader(fh, delimiter=";") if row]
    header, body = rows[0], rows[1:]
    if any(len(row) != len(header) for row in body):
        raise ValueError(f"{path.name}: every row needs {len(header)} ';'-separated fields")
    df = pd.DataFrame(body, columns=header, dtype=str)
    out = pd.DataFrame(
        {
            "indicator_id": df["indicator_id"],
            "kind": df["kind"],
            "valid_from": pd.to_datetime(df["valid_from"], format="%Y-%m-%d"),
            "valid_to": pd.to_datetime(df["valid_to"].replace("", None), format="%Y-%m-%d"),
            "age_min": df["age_min"].astype(np.int16),
            "age_max": df["age_max"].astype(np.int16),
            "value": df["value"].astype(float),
            "comparison": df["comparison"],
            "source": df["source"],
        }
    )
    return _frame(schema.targets, out)


_INDICATOR_KEY_STREAMS = (
    "sahkoiset-lomakkeet-osuus",
    "palvelutarpeen-arviointi-90pv",
    "hoitotakuuseuranta-kattavuus",
    "omaolo-palvelut",
    "matalan-kynnyksen-ryhmat",
    "tk-vastaanotto-saatavuus",
    "mielenterveyspalvelujen-saatavuus",
    "paihdepalvelujen-saatavuus",
    "neuvola-laakarikaynnit-18kk-4v",
    "lene-maaraajassa",
    "tyottomien-tuki-asiakkaat",
)
_OMAOLO = {2022: 6, 2023: 21, 2024: 30, 2025: 33, 2026: 34}
_GROUPS = {2022: 4, 2023: 7, 2024: 10, 2025: 12, 2026: 13}
# The plan indicators charted later, moving toward their targets (reporting/data/
# targets.csv) without always reaching them: days to the third available appointment,
# the shares within the care guarantee and of the child health clinic's check-ups as
# probabilities, supported unemployed clients a year.
_T3_DAYS = [("2022-01", 34.0), ("2022-12", 25.0), ("2023-12", 13.0), ("2024-12", 8.0),
            ("2025-12", 6.5), ("2026-12", 6.0)]  # fmt: skip
_MENTAL_P = [("2022-01", 0.80), ("2023-12", 0.89), ("2024-12", 0.94), ("2026-06", 0.97)]
_SUBSTANCE_P = [("2022-01", 0.78), ("2023-12", 0.88), ("2024-12", 0.92), ("2026-06", 0.95)]
_CHECK_UP_P = [("2022-01", 0.78), ("2023-12", 0.90), ("2024-12", 0.94), ("2026-06", 0.97)]
_LENE_P = [("2022-01", 0.86), ("2023-12", 0.94), ("2024-12", 0.96), ("2026-06", 0.98)]
_SUPPORTED = {2022: 46, 2023: 83, 2024: 104, 2025: 131, 2026: 138}


def indicator_values_frame(*, seed: int, end: date) -> pd.DataFrame:
    """County-reported totals, each period from its own generator (stable as data grows)."""
    rows: list[dict[str, object]] = []

    def add(indicator, start, grain, value, numerator=None, denominator=None):
        # One key per stored row, from a generator of its own (indicator, period).
        stream = 20 + _INDICATOR_KEY_STREAMS.index(indicator)
        key = int(_rng(seed, start.year, start.month, stream).integers(0, schema.RECORD_KEY_RANGE))
        rows.append(
            {
                "indicator_id": indicator,
                "region_code": COUNTY_CODE,
                "period_start": start,
                "period_grain": grain,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "source": INDICATOR_SOURCE,
                "retrieved_on": None,
                "imported_at": None,
                "published": False,  # the county's own figures
                "record_key": key,
            }
        )

    for year, month in _months(DATA_START, end):
        mi = _month_index(year, month)
        start = date(year, month, 1)
        rng = _rng(seed, year, month, 4)
        # Electronic forms: numerator and denominator are whole counts of forms, as the
        # contract says (thousands with decimals summed to 16.308999999999997).
        t = (mi - _mi("2022-01")) / (_mi("2026-12") - _mi("2022-01"))
        share = max(min(8.0 + 40.0 * t, 55.0) + rng.normal(0.0, 0.8), 1.0)
        forms = round(22_000 * _SEASON[month - 1] * rng.uniform(0.95, 1.05))
        electronic = round(forms * share / 100.0)
        add("sahkoiset-lomakkeet-osuus", start, "month", round(100 * electronic / forms, 1),
            float(electronic), float(forms))  # fmt: skip
        # Child and family service-need assessments done within 90 days.
        p = min(0.85 + 0.14 * min(t * 1.1, 1.0), 0.995)
        completed = int(rng.integers(60, 121))
        in_time = int(rng.binomial(completed, p))
        add("palvelutarpeen-arviointi-90pv", start, "month", round(100 * in_time / completed, 1),
            float(in_time), float(completed))  # fmt: skip
        # Care-guarantee monitoring coverage, per complete quarter.
        if month % 3 == 0:
            quarter = (mi - _mi("2022-01")) // 3  # 0 = 2022Q1
            stations = min(12, 6 + (6 * quarter) // 15)
            add("hoitotakuuseuranta-kattavuus", date(year, month - 2, 1), "quarter",
                round(100 * stations / 12, 1), float(stations), 12.0)  # fmt: skip
        if month == 1:
            omaolo = _OMAOLO.get(year, _OMAOLO[max(_OMAOLO)])
            add("omaolo-palvelut", date(year, 1, 1), "year", float(omaolo))
            groups = _GROUPS.get(year, _GROUPS[max(_GROUPS)])
            participants = float(groups * 30 + int(_rng(seed, year, 0, 5).integers(-20, 21)))
            add("matalan-kynnyksen-ryhmat", date(year, 1, 1), "year", float(groups), participants)
        # The plan indicators charted later, from generators of their own (stream 6 for
        # the months, 7 for the quarters), so the figures above stay as they were.
        plan = _rng(seed, year, month, 6)
        t3 = _curve(_T3_DAYS, mi) * (1.15 if month in (6, 7, 8) else 1.0)
        add("tk-vastaanotto-saatavuus", start, "month",
            round(max(t3 + plan.normal(0.0, 0.8), 1.0), 1))  # fmt: skip
        for indicator, curve, low, high in (
            ("mielenterveyspalvelujen-saatavuus", _MENTAL_P, 280, 381),
            ("paihdepalvelujen-saatavuus", _SUBSTANCE_P, 50, 91),
        ):
            clients = int(plan.integers(low, high))
            in_time = int(plan.binomial(clients, _curve(curve, mi)))
            add(indicator, start, "month", round(100 * in_time / clients, 1),
                float(in_time), float(clients))  # fmt: skip
        if month % 3 == 0:
            quarter_rng = _rng(seed, year, month, 7)
            for indicator, curve in (
                ("neuvola-laakarikaynnit-18kk-4v", _CHECK_UP_P),
                ("lene-maaraajassa", _LENE_P),
            ):
                children = int(quarter_rng.integers(380, 461)) + int(quarter_rng.integers(380, 461))
                done = int(quarter_rng.binomial(children, _curve(curve, mi)))
                add(indicator, date(year, month - 2, 1), "quarter",
                    round(100 * done / children, 1), float(done), float(children))  # fmt: skip
        if month == 1:
            supported = _SUPPORTED.get(year, _SUPPORTED[max(_SUPPORTED)])
            add("tyottomien-tuki-asiakkaat", date(year, 1, 1), "year", float(supported))
    df = pd.DataFrame(rows)
    df["period_start"] = pd.to_datetime(df["period_start"])
    df["retrieved_on"] = pd.to_datetime(df["retrieved_on"])
    df["imported_at"] = pd.to_datetime(df["imported_at"])
    return _frame(schema.indicator_values, df)


# Synthetic national comparison figures in the shape Sotkanet publishes them (one
# yearly value per region), so the demo's national charts have a peer context
# (queries.peers). Invented, never attributed to THL: the source says so.
NATIONAL_SOURCE = "Synteettinen vertailuaineisto Sotkanetin muodossa"
# The official codes of the wellbeing services counties (Statistics Finland's
# classification: 01..21) and the City of Helsinki (90), which organises these services
# itself and is compared with them. (Åland, 91, is outside the reform.)
NATIONAL_REGIONS = tuple(f"{number:02d}" for number in range(1, 22)) + ("90",)
# Per chart: the middle of the counties in 2022 (%), its change a year (percentage
# points) and the spread of the counties' own levels around it.
_NATIONAL = {
    "hoitotakuu-7vrk": (58.0, 3.0, 7.0),
    "digiasiointi-osuus": (22.0, 5.0, 5.0),
}


def national_values_frame(*, seed: int, end: date) -> pd.DataFrame:
    """Synthetic yearly national figures of the charts with a national counterpart
    (``_NATIONAL``; ``ChartSpec.national``) for every whole year up to ``end``: one row
    per county of ``NATIONAL_REGIONS``, the demo county (``COUNTY_CODE``) and the
    whole country (``schema.COUNTRY_CODE``, the mean of the counties), value only
    (a share in %, one decimal), source ``NATIONAL_SOURCE``. Each county keeps its own
    level from year to year (a generator per county) with yearly noise (a generator
    per year), so the rows of a year do not change as the data grows."""
    rows: list[dict[str, object]] = []
    for year in range(DATA_START.year, end.year + 1):
        if date(year, 12, 31) > end:
            continue
        for index, (indicator, (level, step, spread)) in enumerate(_NATIONAL.items()):
            rng = _rng(seed, year, 0, 40 + index)
            middle = level + step * (year - DATA_START.year)
            values: dict[str, float] = {}
            for region in (*NATIONAL_REGIONS, COUNTY_CODE):
                own = _rng(seed, 0, int(region), 60 + index).normal(0.0, spread)
                values[region] = round(min(max(middle + own + rng.normal(0.0, 1.5), 0.0), 100.0), 1)
            values[schema.COUNTRY_CODE] = round(
                float(np.mean([values[region] for region in NATIONAL_REGIONS])), 1
            )
            keys = _rng(seed, year, 0, 50 + index).integers(0, schema.RECORD_KEY_RANGE, len(values))
            for (region, value), key in zip(values.items(), keys, strict=True):
                rows.append(
                    {
                        "indicator_id": indicator,
                        "region_code": region,
                        "period_start": date(year, 1, 1),
                        "period_grain": "year",
                        "value": value,
                        "numerator": None,
                        "denominator": None,
                        "source": NATIONAL_SOURCE,
                        "retrieved_on": None,
                        "imported_at": None,
                        # Stands for published national statistics (synthetic here,
                        # and its source says so): read by the peer context.
                        "published": True,
                        "record_key": int(key),
                    }
                )
    df = pd.DataFrame(rows, columns=[column.name for column in schema.indicator_values.columns])
    df["period_start"] = pd.to_datetime(df["period_start"])
    df["retrieved_on"] = pd.to_datetime(df["retrieved_on"])
    df["imported_at"] = pd.to_datetime(df["imported_at"])
    df["value"] = df["value"].astype(float)
    df["numerator"] = df["numerator"].astype(float)
    df["denominator"] = df["denominator"].astype(float)
    return _frame(schema.indicator_values, df)


_EVENTS = (
    (date(2023, 3, 1), "ennaltaehkaisy", None, "Hyvinvointilähete otettiin käyttöön",
     "Välfärdsremissen togs i bruk", "Wellbeing referral introduced"),
    (date(2023, 9, 1), "hoitoonpaasy", "suun-terveydenhuolto-odotus", "Jononpurkuhanke alkoi",
     "Köavvecklingsprojektet startade", "Backlog-clearing project started"),
    (date(2023, 9, 1), "hoitoonpaasy", None, "Hoitotakuu 14 vrk voimaan",
     "Vårdgaranti på 14 dygn trädde i kraft", "14-day care guarantee took effect"),
    (date(2024, 2, 1), "digipalvelut", None, "Chat-palvelu laajeni kaikille asemille",
     "Chattjänsten utvidgades till alla stationer", "Chat service extended to all stations"),
    (date(2025, 1, 1), "hoitoonpaasy", None, "Ikäporrastettu hoitotakuu voimaan",
     "Åldersgraderad vårdgaranti trädde i kraft", "Age-graded care guarantee took effect"),
)  # fmt: skip


def events_frame(end: date) -> pd.DataFrame:
    """Events on or before the end of the data (ids are stable)."""
    rows = [
        {
            "event_id": i,
            "event_date": when,
            "area": area,
            "chart_id": chart,
            "label_fi": fi,
            "label_sv": sv,
            "label_en": en,
        }
        for i, (when, area, chart, fi, sv, en) in enumerate(_EVENTS, start=1)
        if when <= end
    ]
    df = pd.DataFrame(rows, columns=[c.name for c in schema.events.columns])
    df["event_id"] = df["event_id"].astype(np.int32)
    df["event_date"] = pd.to_datetime(df["event_date"])
    return _frame(schema.events, df)


def meta_frame(*, seed: int, scale: float, end: date) -> pd.DataFrame:
    facts = {
        "data_as_of": end.isoformat(),
        "data_from": DATA_START.isoformat(),
        "synthetic": "true",
        "generator": GENERATOR,
        "seed": str(seed),
        "scale": f"{scale:g}",
        "county_code": COUNTY_CODE,
        "county_name_fi": COUNTY_NAME_FI,
        "county_name_sv": COUNTY_NAME_SV,
        "county_name_en": COUNTY_NAME_EN,
    }
    df = pd.DataFrame({"key": list(facts), "value": list(facts.values())})
    return _frame(schema.reporting_meta, df)


# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------


def check_args(scale: float, seed: int) -> None:
    if not (isinstance(scale, int | float) and math.isfinite(scale) and 0 < scale <= 100):
        raise ValueError(f"scale must be a number in (0, 100], got {scale!r}")
    if not (isinstance(seed, int) and 0 <= seed < 2**63):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def generate(
    *, scale: float = 1.0, until: str | date | None = None, seed: int = DEFAULT_SEED
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Yield ``(table_name, DataFrame)`` chunks for every contract table.

    Small tables come first, then the queue entries of 2021 still open at the start,
    then the event tables month by month (``event_months``: client contacts,
    referrals, queue entries), so a table may appear many times. Each DataFrame has
    the table's columns in contract order; string columns are categoricals, dates
    ``datetime64`` (NaT = NULL) or ``datetime.date``.
    """
    check_args(scale, seed)
    end = data_end(until)
    yield "units", units_frame()
    yield "targets", targets_frame()
    yield "indicator_values", indicator_values_frame(seed=seed, end=end)
    yield "indicator_values", national_values_frame(seed=seed, end=end)
    yield "events", events_frame(end)
    yield "reporting_meta", meta_frame(seed=seed, scale=scale, end=end)

    pros = _professionals(seed)
    next_entry = 1
    # Queue entries of 2021 that were still waiting at the start of the data.
    for year, month in _months(date(2021, 1, 1), date(2021, 12, 1)):
        df = queue_month(year, month, seed=seed, scale=scale, first_id=next_entry, end=end)
        next_entry += len(df)
        yield "queue_entries", df
    next_contact = next_referral = 1
    for year, month in event_months(end):
        df = contacts_month(year, month, seed=seed, scale=scale, first_id=next_contact)
        next_contact += len(df)
        yield "client_contacts", df
        df = referrals_month(year, month, seed=seed, scale=scale, first_id=next_referral, pros=pros)
        next_referral += len(df)
        yield "referrals", df
        df = queue_month(year, month, seed=seed, scale=scale, first_id=next_entry, end=end)
        next_entry += len(df)
        yield "queue_entries", df
