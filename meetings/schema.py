"""Tables of the app's own database (SQLAlchemy Core). Alembic migrations in
``meetings/migrations/versions`` create and change them; this module is what the code
reads and writes through, and a test checks that the migrated database matches it.

Every editable row has ``version`` (starts at 1, +1 per change: optimistic concurrency,
``meetings.store.Conflict``), ``created_by``/``created_at`` and ``updated_by``/
``updated_at`` (UTC). Every change is also a row of ``changes`` (who, when, what).
Dates are ``DATE``; free texts are plain text (the forms ask not to write personal data).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
    }
)


def _audit() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


# A recurring meeting, e.g. "Järjestäjän johtoryhmä": its members (one per line) and
# rhythm (free text such as "kuukausittain"), and the unit node its charts default to.
series = sa.Table(
    "series",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("members", sa.Text, nullable=False, server_default=""),
    sa.Column("rhythm", sa.String(200), nullable=False, server_default=""),
    sa.Column("is_example", sa.Boolean, nullable=False, server_default=sa.false()),
    *_audit(),
)

meetings = sa.Table(
    "meetings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("series_id", sa.Integer, sa.ForeignKey("series.id"), nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("meeting_date", sa.Date, nullable=False),
    *_audit(),
)

# One chart of the agenda: a catalog chart id and the canonical query string of its
# address (filters, view, phase starts: ``charts.address.Address.search`` without "?"),
# the minutes it is given, its place, and what was observed. ``snapshot`` is the served
# (protected) data the item showed in the meeting, as JSON (``meetings.snapshots``),
# with its "data as of" date.
agenda_items = sa.Table(
    "agenda_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("chart_id", sa.String(100), nullable=False, index=True),
    sa.Column("query", sa.String(2000), nullable=False, server_default=""),
    sa.Column("minutes", sa.Integer, nullable=False, server_default="10"),
    sa.Column("observations", sa.Text, nullable=False, server_default=""),
    sa.Column("snapshot", sa.Text, nullable=True),
    sa.Column("snapshot_as_of", sa.Date, nullable=True),
    sa.Column("snapshot_at", sa.DateTime(timezone=True), nullable=True),
    *_audit(),
)

# A decision or an action ("kind") taken on an agenda item. An action has an owner and
# a due date; either may state the expected effect on the indicator: "up", "down" or
# "stable", by ``effect_by``. ``decided_on`` is the meeting's date (the marker's place on
# the chart). ``status``: "open", "done" or "cancelled".
decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("agenda_items.id"), nullable=False, index=True),
    sa.Column("chart_id", sa.String(100), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("details", sa.Text, nullable=False, server_default=""),
    sa.Column("owner", sa.String(200), nullable=False, server_default=""),
    sa.Column("due_date", sa.Date, nullable=True),
    sa.Column("effect_direction", sa.String(20), nullable=False, server_default=""),
    sa.Column("effect_by", sa.Date, nullable=True),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, server_default="open"),
    *_audit(),
)

# "We would need to see X" (tietotarve): raised on an agenda item, worked on by the
# analysts. ``status``: "new", "in_progress", "done" or "declined".
information_needs = sa.Table(
    "information_needs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("agenda_items.id"), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, server_default="new"),
    sa.Column("response", sa.Text, nullable=False, server_default=""),
    *_audit(),
)

# The change log: one row per create, update or delete of any row above, with the
# row as it was after the change (JSON; for a delete, as it was before).
changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("entity_id", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Index("ix_changes_entity", "entity", "entity_id"),
)

ENTITIES = {
    "series": series,
    "meetings": meetings,
    "agenda_items": agenda_items,
    "decisions": decisions,
    "information_needs": information_needs,
}
