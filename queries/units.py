"""The unit hierarchy a view may be restricted to, and the check of a chosen node.

Unit selections are limited to the nodes of one fixed hierarchy, read from the
``units`` table: the whole county ⊃ service areas ⊃ municipalities ⊃ units. A view of
an arbitrary set of units is never computed: with any set allowed, the query space is
unbounded, and many overlapping sums reveal their parts (differencing, and
reconstruction from many noisy subset sums: Dinur & Nissim 2003). The hierarchy bounds
what can be asked to a few dozen fixed groups (docs/privacy.md).

Node ids, the ``unit`` URL parameter's one value:

- a unit id, e.g. ``TA11``;
- ``municipality-<code>``, e.g. ``municipality-901`` (``units.municipality_code``);
- ``area-<slug>``, e.g. ``area-keskinen-palvelualue``: the service area's name
  lower-cased, ä → a, ö → o, å → a, every other character outside ``[a-z0-9]`` → ``-``
  (``area_slug``);
- no ``unit`` parameter: the whole county (node id ``""``).

``Filters.from_query`` checks only the form of the id and that there is one at most (it
stays pure: no database). ``resolve_selection`` is the second step, shared by pages,
the data API and the callbacks: it looks the node up and puts its member units in
``Filters.units``, the ids the queries filter on. So two nodes with the same members
(a municipality with one unit, and that unit) give the same ``units`` and, once
``charts.payload.effective_filters`` drops the node id, share one cache key. It reads
only the cached unit list.

When the unit list cannot be read (the reporting DB is down) it raises, and each
caller does what the rest of its surface does when the database is down: a page keeps
the node unchecked and renders (its cards report the database), the data API answers
503, a card callback shows its database notice without querying.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from queries.cache import cache
from queries.filters import BAD_SERVICE, BAD_UNIT, SEVERAL_SERVICES, SEVERAL_UNITS, Filters
from queries.reference import reporting_meta, units

log = logging.getLogger(__name__)

UNKNOWN_UNIT = "notice.unknown_unit"
# Every notice that refuses a unit or service selection: callbacks answer a request
# carrying one with a refusal, the data API with 400.
REFUSED_SELECTION = (BAD_UNIT, SEVERAL_UNITS, UNKNOWN_UNIT, BAD_SERVICE, SEVERAL_SERVICES)

COUNTY, AREA, MUNICIPALITY, UNIT = "county", "area", "municipality", "unit"
KINDS = (COUNTY, AREA, MUNICIPALITY, UNIT)  # from the widest to the narrowest

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a"})


@dataclass(frozen=True)
class Node:
    """One node of the unit hierarchy.

    ``id``: the node id (``""`` for the county); ``kind``: one of ``KINDS``;
    ``label_fi``, ``label_sv``: its name (a unit: "municipality – unit"; the county:
    ``reporting_meta.county_name_fi``/``_sv``, ``""`` when the load does not say);
    ``units``: the ids of its member units, sorted.
    """

    id: str
    kind: str
    label_fi: str
    label_sv: str
    units: tuple[str, ...]

    def label(self, lang: str) -> str:
        """The node's name in ``lang`` (Swedish for ``"sv"``, else Finnish)."""
        return self.label_sv if lang == "sv" else self.label_fi


def area_slug(name: str) -> str:
    """The slug of a service area's name: lower-cased, ä/å → a, ö → o, and every other
    character outside ``[a-z0-9]`` → ``-`` (``"Keskinen palvelualue"`` →
    ``"keskinen-palvelualue"``)."""
    return re.sub(r"[^a-z0-9]", "-", name.lower().translate(_FOLD))


@cache.memoize()
def hierarchy_nodes() -> tuple[Node, ...]:
    """Every node of the hierarchy, read from the ``units`` table: the county first,
    then the service areas, the municipalities and the units, each kind sorted by its
    Finnish label.

    A node id that another node already has (two area names with one slug, a unit id
    spelled like a municipality node) is left out with a warning in the log, so an id
    always means one node. Raises one of ``queries.engine.DATABASE_ERRORS`` when the
    unit list cannot be read.
    """
    frame = units()
    meta = reporting_meta()
    every = tuple(sorted(str(unit) for unit in frame["unit_id"]))
    nodes = [
        Node("", COUNTY, meta.get("county_name_fi", ""), meta.get("county_name_sv", ""), every)
    ]

    def members(rows) -> tuple[str, ...]:
        return tuple(sorted(str(unit) for unit in rows["unit_id"]))

    areas = [
        Node(f"{AREA}-{area_slug(str(name))}", AREA, str(name), str(name), members(rows))
        for name, rows in frame.groupby("service_area", sort=False)
    ]
    municipalities = [
        Node(
            f"{MUNICIPALITY}-{code}",
            MUNICIPALITY,
            str(rows["municipality_fi"].iloc[0]),
            str(rows["municipality_sv"].iloc[0]),
            members(rows),
        )
        for code, rows in frame.groupby("municipality_code", sort=False)
    ]
    leaves = [
        Node(
            str(row.unit_id),
            UNIT,
            f"{row.municipality_fi} – {row.name_fi}",
            f"{row.municipality_sv} – {row.name_sv}",
            (str(row.unit_id),),
        )
        for row in frame.itertuples(index=False)
    ]
    seen = {""}
    for group in (areas, municipalities, leaves):
        for node in sorted(group, key=lambda n: (n.label_fi, n.id)):
            if node.id in seen:
                log.warning("unit hierarchy: node id %r is taken; %s left out", node.id, node)
                continue
            seen.add(node.id)
            nodes.append(node)
    return tuple(nodes)


def resolve_node(node_id: str) -> Node | None:
    """The node whose id is ``node_id`` (``""``: the county), or None when there is
    none. Raises one of ``queries.engine.DATABASE_ERRORS`` when the unit list cannot
    be read."""
    for node in hierarchy_nodes():
        if node.id == node_id:
            return node
    return None


def node_of_units(unit_ids: tuple[str, ...]) -> Node | None:
    """The narrowest node whose members are exactly ``unit_ids`` (``()``: the county),
    or None when no node has them. Names the selection of filters whose node id was
    dropped for the cache key (``charts.payload.effective_filters``)."""
    if not unit_ids:
        return resolve_node("")
    wanted = tuple(sorted(unit_ids))
    found = [node for node in hierarchy_nodes() if node.kind != COUNTY and node.units == wanted]
    return max(found, key=lambda node: KINDS.index(node.kind)) if found else None


def resolve_selection(filters: Filters) -> tuple[Filters, tuple[str, ...]]:
    """``filters`` with ``units`` set to the member units of its node, and the notice
    keys: ``(UNKNOWN_UNIT,)`` when no node has that id (then the whole county:
    ``node=""``, ``units=()``), else ``()``. The county is ``units=()`` (no unit filter
    at all), whatever ``units`` held before.

    Raises one of ``queries.engine.DATABASE_ERRORS`` when the unit list cannot be read.
    """
    if not filters.node:
        return replace(filters, units=()), ()
    node = resolve_node(filters.node)
    if node is None:
        return replace(filters, node="", units=()), (UNKNOWN_UNIT,)
    return replace(filters, units=node.units), ()


def refused(notices: tuple[str, ...]) -> tuple[str, ...]:
    """The notices among ``notices`` that refuse a unit or service selection."""
    return tuple(key for key in notices if key in REFUSED_SELECTION)
