"""The reporting contract: every table the app reads, defined once in SQLAlchemy Core.

The app never reflects the reporting database (duckdb-engine's reflection is unreliable
on SQLAlchemy 2.1); these definitions are the contract. A production county maps its
warehouse onto them with views of the same names and columns; see
``docs/reporting-contract.md``. The demo generator and the test fixtures create them
with ``metadata.create_all``.
"""

from __future__ import annotations

import sqlalchemy as sa

# units.unit_type: the kinds of unit the contract knows (docs/reporting-contract.md).
UNIT_TYPES = ("health_station", "oral_health", "family_centre", "mental_health", "substance_abuse")

metadata = sa.MetaData()

# Record keys for disclosure control (``queries.privacy``, docs/privacy.md): an integer
# drawn uniformly from 0 .. RECORD_KEY_RANGE - 1 once when a record is loaded and
# stable across loads. The keys never leave the server.
RECORD_KEY_RANGE = 2**20


def record_key_column(name: str = "record_key") -> sa.Column:
    """A NOT NULL record-key column with its range checked by the database."""
    return sa.Column(
        name,
        sa.Integer,
        sa.CheckConstraint(f"{name} >= 0 AND {name} < {RECORD_KEY_RANGE}"),
        nullable=False,
    )


# Integer keys come from the loader; autoincrement=False keeps DDL portable (DuckDB has
# no SERIAL types).

units = sa.Table(
    "units",
    metadata,
    sa.Column("unit_id", sa.String(32), primary_key=True),
    sa.Column("name_fi", sa.String(200), nullable=False),
    sa.Column("name_sv", sa.String(200), nullable=False),
    # health_station | oral_health | family_centre | mental_health | substance_abuse
    sa.Column("unit_type", sa.String(32), nullable=False),
    sa.Column("service_area", sa.String(100), nullable=False),
    sa.Column("municipality_code", sa.String(3), nullable=False),
    sa.Column("municipality_fi", sa.String(100), nullable=False),
    sa.Column("municipality_sv", sa.String(100), nullable=False),
    sa.Column("county_code", sa.String(2), nullable=False),
)

client_contacts = sa.Table(
    "client_contacts",
    metadata,
    sa.Column("contact_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("contact_date", sa.Date, nullable=False),
    # Date of the care-need assessment that preceded the visit; NULL when none recorded.
    sa.Column("assessment_date", sa.Date),
    sa.Column("unit_id", sa.String(32), nullable=False),
    sa.Column("service_form", sa.String(3), nullable=False),  # Avohilmo T-code, e.g. T11
    sa.Column("nature", sa.String(2), nullable=False),  # SH sairaanhoito | TH terveydenhoito
    sa.Column("urgent", sa.Boolean, nullable=False),
    sa.Column("first_visit", sa.Boolean, nullable=False),  # first visit of the episode
    sa.Column("cancelled", sa.Boolean, nullable=False),
    sa.Column("contact_type", sa.String(3), nullable=False),  # Avohilmo R-code, e.g. R52
    sa.Column("channel", sa.String(16)),  # local: phone | video | chat | NULL if unknown
    sa.Column("booked_via", sa.String(16)),  # electronic | phone | desk | NULL
    sa.Column("age", sa.SmallInteger, nullable=False),  # age in years on the contact date
    sa.Column("profession", sa.String(16), nullable=False),  # doctor | nurse | other
    record_key_column(),
)

referrals = sa.Table(
    "referrals",
    metadata,
    sa.Column("referral_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("referral_date", sa.Date, nullable=False),
    sa.Column("source_unit_id", sa.String(32), nullable=False),
    # specialised | wellbeing | exercise | other
    sa.Column("referral_type", sa.String(16), nullable=False),
    sa.Column("specialty", sa.String(64)),  # for specialised care, e.g. "sisätaudit"
    sa.Column("target", sa.String(200)),  # receiving service or organisation
    sa.Column("referrer_id", sa.String(32), nullable=False),  # pseudonymous professional id
    record_key_column(),
    # One key per referring professional: the same on every referral of one referrer_id.
    record_key_column("referrer_key"),
)

queue_entries = sa.Table(
    "queue_entries",
    metadata,
    sa.Column("entry_id", sa.BigInteger, primary_key=True, autoincrement=False),
    # oral_health | mental_health | substance_abuse | family_centre | primary_care
    sa.Column("service", sa.String(32), nullable=False),
    sa.Column("unit_id", sa.String(32), nullable=False),
    sa.Column("entered_date", sa.Date, nullable=False),
    sa.Column("exit_date", sa.Date),  # NULL while still waiting
    sa.Column("exit_reason", sa.String(32)),  # treated | cancelled | moved | NULL
    sa.Column("age", sa.SmallInteger, nullable=False),
    record_key_column(),
)

# Date-versioned targets and legal deadlines. A row is in force on dates
# valid_from <= d <= valid_to (valid_to NULL = open-ended) for ages age_min..age_max.
targets = sa.Table(
    "targets",
    metadata,
    sa.Column("indicator_id", sa.String(64), nullable=False),
    # programme_target | legal_requirement | legal_deadline
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date),
    sa.Column("age_min", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("age_max", sa.SmallInteger, nullable=False, server_default="150"),
    sa.Column("value", sa.Double, nullable=False),  # in the indicator's unit (%, days, count)
    sa.Column("comparison", sa.String(2), nullable=False),  # >= | <= | > | <
    sa.Column("source", sa.String(300), nullable=False),
)

# Region code of the whole country (Statistics Finland's code, as in Sotkanet's
# /regions): national figures are stored under it beside the counties' own codes.
COUNTRY_CODE = "SSS"


def _figure_columns() -> list[sa.Column]:
    """The columns of one stored figure (``indicator_values`` and its history)."""
    return [
        sa.Column("indicator_id", sa.String(64), nullable=False),
        # official county code ("01".."99"), municipality code ("091"), COUNTRY_CODE or a
        # units.unit_id
        sa.Column("region_code", sa.String(32), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_grain", sa.String(8), nullable=False),  # month | quarter | year
        sa.Column("value", sa.Double),  # NULL: suppressed or missing at the source
        sa.Column("numerator", sa.Double),
        sa.Column("denominator", sa.Double),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("retrieved_on", sa.Date),  # when the source was retrieved; NULL if unknown
        sa.Column("imported_at", sa.DateTime),  # UTC; NULL for rows the county's load wrote
        # True: a published statistic (national figures imported from Sotkanet), served
        # exactly and the only rows the peer context reads; false for the county's own
        # figures, which are protected like every count of people (docs/privacy.md).
        sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
    ]


# Figures that exist only as totals (reported by the county or imported from published
# statistics, not derivable from events): one row per indicator, region, period and grain.
indicator_values = sa.Table(
    "indicator_values",
    metadata,
    *_figure_columns(),
    record_key_column(),  # one key per stored row, kept when an import corrects the row
)

# Earlier values of corrected figures: the row as it was before an import replaced it.
indicator_value_history = sa.Table(
    "indicator_value_history",
    metadata,
    *_figure_columns(),
    sa.Column("replaced_at", sa.DateTime, nullable=False),  # UTC
)

# Tables that only figure imports write (reporting.figures.store): a load or a demo
# build creates them empty.
IMPORT_TABLES = ("indicator_value_history", "figure_imports")

# One row per import that changed something (the audit trail of reported figures).
figure_imports = sa.Table(
    "figure_imports",
    metadata,
    sa.Column("imported_at", sa.DateTime, primary_key=True),  # UTC
    sa.Column("file_name", sa.String(300), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("imported_by", sa.String(200)),  # the signed-in user; NULL from the CLI
    sa.Column("rows_added", sa.Integer, nullable=False),
    sa.Column("rows_replaced", sa.Integer, nullable=False),
    sa.Column("rows_unchanged", sa.Integer, nullable=False),
)

# Interventions marked on the time axis of the charts they concern (e.g. a backlog project).
events = sa.Table(
    "events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("event_date", sa.Date, nullable=False),
    sa.Column("area", sa.String(32), nullable=False),  # investment area slug
    sa.Column("chart_id", sa.String(64)),  # NULL = every chart of the area
    sa.Column("label_fi", sa.String(200), nullable=False),
    sa.Column("label_sv", sa.String(200), nullable=False),
    sa.Column("label_en", sa.String(200), nullable=False),
)

# Key/value facts about the load: data_as_of (ISO date), synthetic (true/false), ...
reporting_meta = sa.Table(
    "reporting_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(500), nullable=False),
)
