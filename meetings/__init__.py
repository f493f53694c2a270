"""The data discussion: meeting series, meetings, agenda items, what was recorded in
them, and their history, in the app's own database (``TK_APP_DB_URL``).

``schema`` (tables), ``db`` (engine and Alembic migrations), ``store`` (every read and
write, with optimistic concurrency and a change log). Who is writing comes from the
top-level ``identity`` module, shared with access control (``access_control``).
"""
