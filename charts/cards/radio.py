"""The one radio-group builder: every set of radio buttons in the app is made here.

A group of native radio buttons is one tab stop, with the arrow keys moving the choice
inside it, only when its inputs share a ``name``; ``dbc.RadioItems`` writes none unless
given one, and then every button is a tab stop of its own and the arrows do nothing.
The group is a ``fieldset`` whose ``legend`` names it, so a screen reader says what the
choice is about when focus enters it (WCAG 2.1 AA, 1.3.1 and 2.1.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html


def group_name(control_id: str | Mapping[str, object]) -> str:
    """The radio inputs' shared ``name`` for the control ``control_id``: the id itself,
    or a pattern-matching id's values joined by ``-`` in key order
    (``{"type": "chart-view", "chart": "x"}`` -> ``"x-chart-view"``)."""
    if isinstance(control_id, Mapping):
        return "-".join(str(control_id[key]) for key in sorted(control_id))
    return control_id


def radio_group(
    control_id: str | Mapping[str, object],
    legend: str,
    options: Sequence[Mapping[str, object]],
    value: object,
    *,
    legend_class: str = "visually-hidden",
    class_name: str | None = None,
    fieldset_class: str | None = None,
) -> html.Fieldset:
    """A ``fieldset`` named by ``legend`` (its classes: ``legend_class``) holding inline
    radio buttons ``options`` (``{"label", "value"}``) with ``value`` chosen. The
    ``dbc.RadioItems`` has the id ``control_id`` (callbacks read its ``value``) and
    the class ``class_name``; its inputs share one ``name`` (``group_name``)."""
    name = group_name(control_id)
    return html.Fieldset(
        [
            html.Legend(legend, className=legend_class),
            dbc.RadioItems(
                id=control_id,
                options=list(options),
                value=value,
                name=name,
                inline=True,
                class_name=class_name,
            ),
        ],
        className=fieldset_class,
    )
