"""Pre-aggregated tables of the reporting contract and the command that builds them.

``refresh`` (``python -m reporting refresh-aggregates --url URL``) rebuilds every
table of ``ALL`` from the event tables after a data load, writes the load's
``data_version`` into ``reporting_meta`` (the cache keys carry it, so a new load is
never answered from an older one's cache), and on PostgreSQL runs
``VACUUM (ANALYZE)`` on them.
"""

from __future__ import annotations

from reporting.aggregates import contacts, queues
from reporting.aggregates.base import Aggregate, metadata

ALL: tuple[Aggregate, ...] = contacts.AGGREGATES + queues.AGGREGATES

__all__ = ["ALL", "Aggregate", "metadata"]
