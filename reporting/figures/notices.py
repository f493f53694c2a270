"""Notices about imported figures that are not refusals, shared by the command line
(``python -m reporting import-figures``) and the upload page (``/tuonti``)."""

from __future__ import annotations

from collections.abc import Iterable


def uncharted_notices(indicators: Iterable[str], lang: str) -> list[str]:
    """One notice (in ``lang``) per indicator id of ``indicators`` that no chart draws,
    in the given order, naming the chart ids close to it
    (``charts.catalog.close_chart_ids``): a typo is stored under an id no chart reads.
    Not a refusal: figures without a chart are allowed (they are read back through the
    indicator API). Empty when every id has a chart."""
    # The catalog is imported only here: the CLI's other commands do not need the charts.
    from charts.catalog import CHARTS, close_chart_ids
    from translations import t

    notices = []
    for indicator in indicators:
        if indicator in CHARTS:
            continue
        close = close_chart_ids(indicator)
        if close:
            notices.append(
                t("figures.cli.uncharted", lang, indicator=indicator, close=", ".join(close))
            )
        else:
            notices.append(t("figures.cli.uncharted_alone", lang, indicator=indicator))
    return notices
