"""Alembic environment of the app database. ``meetings.db.migrate`` runs it with an open
connection in ``config.attributes["connection"]``; the command line
(``python -m meetings migrate``) does the same."""

from alembic import context

from meetings.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
)
with context.begin_transaction():
    context.run_migrations()
