"""What a pre-aggregated table is: its contract definition and the SQL that fills it.

An aggregate table holds counts and cell-key sums of the contract's event tables per
month, unit and the coded columns the charts filter on (``docs/reporting-contract.md``).
Its rows are sums, so every grain the charts offer (month, quarter, year) and every
unit selection is a sum of its rows, and a cell key (the sum of the counted records'
``record_key`` mod 2**20, ``queries.privacy``) is the sum of the rows' key sums mod
2**20: the published numbers are the same as from the event rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

# The aggregate tables' own metadata: ``reporting.schema.metadata`` stays the event
# contract a county's loader fills; these are built from it (or provided as views).
metadata = sa.MetaData()


@dataclass(frozen=True)
class Aggregate:
    """One aggregate table.

    ``table`` is its contract definition (columns and types, in ``metadata``);
    ``select_sql`` a SELECT over the event tables returning the table's columns in
    the same order, the same text on DuckDB and PostgreSQL, with ``params`` bound;
    ``indexes`` the column tuples to index (PostgreSQL and DuckDB alike).
    """

    table: sa.Table
    select_sql: str
    params: Mapping[str, Any] = field(default_factory=dict)
    indexes: tuple[tuple[str, ...], ...] = ()
