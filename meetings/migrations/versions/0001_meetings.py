"""Meeting series, meetings, agenda items, decisions, information needs, change log.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _audit() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("members", sa.Text, nullable=False, server_default=""),
        sa.Column("rhythm", sa.String(200), nullable=False, server_default=""),
        sa.Column("is_example", sa.Boolean, nullable=False, server_default=sa.false()),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_series"),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("series_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("meeting_date", sa.Date, nullable=False),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_meetings"),
        sa.ForeignKeyConstraint(["series_id"], ["series.id"], name="fk_meetings_series_id"),
    )
    op.create_index("ix_meetings_series_id", "meetings", ["series_id"])
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("meeting_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("chart_id", sa.String(100), nullable=False),
        sa.Column("query", sa.String(2000), nullable=False, server_default=""),
        sa.Column("minutes", sa.Integer, nullable=False, server_default="10"),
        sa.Column("observations", sa.Text, nullable=False, server_default=""),
        sa.Column("snapshot", sa.Text, nullable=True),
        sa.Column("snapshot_as_of", sa.Date, nullable=True),
        sa.Column("snapshot_at", sa.DateTime(timezone=True), nullable=True),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_agenda_items"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name="fk_agenda_items_meeting_id"),
    )
    op.create_index("ix_agenda_items_meeting_id", "agenda_items", ["meeting_id"])
    op.create_index("ix_agenda_items_chart_id", "agenda_items", ["chart_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("chart_id", sa.String(100), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], name="fk_decisions_item_id"),
    )
    op.create_index("ix_decisions_item_id", "decisions", ["item_id"])
    op.create_index("ix_decisions_chart_id", "decisions", ["chart_id"])
    op.create_table(
        "information_needs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="new"),
        sa.Column("response", sa.Text, nullable=False, server_default=""),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_information_needs"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_items.id"], name="fk_information_needs_item_id"
        ),
    )
    op.create_index("ix_information_needs_item_id", "information_needs", ["item_id"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_changes"),
    )
    op.create_index("ix_changes_entity", "changes", ["entity", "entity_id"])


def downgrade() -> None:
    for table in ("changes", "information_needs", "decisions", "agenda_items", "meetings"):
        op.drop_table(table)
    op.drop_table("series")
