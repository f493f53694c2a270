"""Aggregates of ``queue_entries`` and ``referrals`` (filled in by the pre-aggregate work)."""

from __future__ import annotations

from reporting.aggregates.base import Aggregate

AGGREGATES: tuple[Aggregate, ...] = ()
