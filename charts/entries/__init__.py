"""Catalog entries, one module per investment area; each registers its charts with
``charts.spec.register`` when imported. ``charts.catalog`` imports them all."""
