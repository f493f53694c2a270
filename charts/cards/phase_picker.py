"""The run chart's phase picker: where the user starts a new phase of the process limits.

A click on a point of the run chart starts a phase at that period, or removes the phase
that starts there (``callbacks.chart_cards.pick_phase``); for keyboard users a select of
the chart's periods with a button does the same, and another button removes every
picked phase. A decision or action of the data discussions drawn on the chart whose
date has passed gets a button that starts a phase at its period, so the next meeting
sees whether the line really moved after it. The picked months live in the card's
``chart-phases`` store and in the page's address (``phase=<chart id>:<YYYY-MM>``, see
``charts.address``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from charts.cards.chart import card_id
from charts.catalog import ChartSpec
from charts.payload import chart_data, effective_filters
from charts.summary import period_label
from queries.filters import Filters
from queries.periods import period_start
from translations import t


def month_of(period: pd.Timestamp) -> str:
    """The ``YYYY-MM`` of a period's first month (the form of a phase start)."""
    return f"{period.year:04d}-{period.month:02d}"


def phase_choices(spec: ChartSpec, filters: Filters) -> list[dict[str, str]]:
    """The periods of the chart's headline series where a new phase can start (all but
    the first, which starts the baseline anyway), as select options: ``label`` is the
    period as the chart names it, ``value`` its first month ``YYYY-MM``."""
    filters = effective_filters(spec, filters)
    frame, _targets = chart_data(spec.id, filters)
    periods = sorted(
        pd.Timestamp(p) for p in frame.loc[frame["series"] == spec.series[0], "period"]
    )
    return [
        {"label": period_label(period, filters.grain), "value": month_of(period)}
        for period in periods[1:]
    ]


def decision_splits(
    decisions: Iterable[Mapping[str, Any]],
    choices: list[dict[str, str]],
    grain: str,
    today: date,
) -> list[dict[str, Any]]:
    """The decisions (``charts.decisions.card_items``: ``id``, ``on``, ``date``,
    ``title``) at which the run chart can split: decided before ``today`` and inside a
    period where a phase can start (``phase_choices``), each with ``month``, the
    ``YYYY-MM`` phase start of its period at ``grain``."""
    months = {choice["value"] for choice in choices}
    found = []
    for decision in decisions:
        on = date.fromisoformat(decision["on"])
        month = month_of(period_start(on, grain))
        if on < today and month in months:
            found.append({**decision, "month": month})
    return found


def _decision_buttons(
    spec: ChartSpec, splits: list[dict[str, Any]], phases: tuple[str, ...], lang: str
) -> html.Div | None:
    """One button per decision in ``splits`` adding its month as a phase start
    (disabled when a phase already starts there); the id carries the month
    (``callbacks.chart_cards``)."""
    if not splits:
        return None
    return html.Div(
        [
            html.P(t("meetings.trend.phase_split_help", lang), className="small mb-1"),
            html.Div(
                [
                    html.Button(
                        t(
                            "meetings.trend.phase_split",
                            lang,
                            title=split["title"],
                            date=split["date"],
                        ),
                        id={
                            "type": "phase-decision",
                            "chart": spec.id,
                            "decision": split["id"],
                            "month": split["month"],
                        },
                        type="button",
                        disabled=split["month"] in phases,
                        className="btn btn-outline-primary btn-sm me-2 mb-1 phase-decision-button",
                    )
                    for split in splits
                ],
                className="d-flex flex-wrap",
            ),
        ],
        className="phase-decisions mt-2",
    )


def phase_picker(
    spec: ChartSpec,
    filters: Filters,
    phases: tuple[str, ...],
    lang: str,
    decisions: Iterable[Mapping[str, Any]] = (),
    today: date | None = None,
) -> html.Div | None:
    """The picker under a run chart: what is picked, a select of periods with an "add"
    button and a "clear" button, and a button per passed decision of ``decisions``
    (the payload's, ``decision_splits``; ``today`` defaults to the date). None when
    the chart has too few periods to split."""
    choices = phase_choices(spec, filters)
    if not choices:
        return None
    grain = effective_filters(spec, filters).grain
    splits = decision_splits(decisions, choices, grain, today or date.today())
    picked = ", ".join(period_label(pd.Timestamp(month + "-01"), grain) for month in phases)
    return html.Div(
        [
            html.P(
                t("card.phase.current", lang, phases=picked)
                if phases
                else t("card.phase.none", lang),
                className="small mb-1 phase-current",
            ),
            html.Div(
                [
                    html.Label(
                        [
                            html.Span(t("card.phase.month", lang), className="me-2"),
                            dbc.Select(
                                id=card_id("phase-month", spec.id),
                                options=choices,
                                value=choices[0]["value"],
                                size="sm",
                                className="d-inline-block w-auto",
                            ),
                        ],
                        className="small me-2",
                    ),
                    html.Button(
                        t("card.phase.add", lang),
                        id=card_id("phase-add", spec.id),
                        type="button",
                        className="btn btn-outline-primary btn-sm me-2",
                    ),
                    html.Button(
                        t("card.phase.clear", lang),
                        id=card_id("phase-clear", spec.id),
                        type="button",
                        disabled=not phases,
                        className="btn btn-outline-secondary btn-sm",
                    ),
                ],
                className="d-flex flex-wrap align-items-center",
            ),
            html.P(t("card.phase.help", lang), className="small text-muted mb-0 mt-1"),
            _decision_buttons(spec, splits, phases, lang),
        ],
        className="phase-picker mb-2",
    )
