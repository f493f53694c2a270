"""Monthly aggregates of ``client_contacts`` (filled in by the pre-aggregate work)."""

from __future__ import annotations

from reporting.aggregates.base import Aggregate

AGGREGATES: tuple[Aggregate, ...] = ()
