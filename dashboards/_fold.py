"""Panels that fold away, so a projector's first screen shows charts, not controls.

A foldable panel (the filter bar, the PowerPoint panel) has a heading whose text is a
button: ``aria-expanded`` says whether the panel is open, ``aria-controls`` names its
body (the WAI-ARIA disclosure pattern; Enter and Space work as on any button). The
button's ``aria-expanded`` is the only state: the stylesheet hides the body that
follows a heading whose button says ``false`` (``assets/10-style.css``), a click flips
it in the browser (``callbacks.keyboard``) and ``callbacks.address`` writes the folded
panels into the address (``fold=``, ``charts.address.FOLDABLE``).

A native ``<details>`` would need no script, but Dash does not report its ``open``
state back (only clicks, and clicks inside the body count too), so the address could
not follow it.
"""

from __future__ import annotations

from dash import html

FOLD = "fold"  # the pattern-matching id type of a panel's fold button


def fold_id(panel: str) -> dict[str, str]:
    """The pattern-matching id of ``panel``'s fold button (``charts.address.FOLDABLE``)."""
    return {"type": FOLD, "panel": panel}


def fold_heading(
    panel: str, title: str, body_id: str, folded: bool, heading_id: str, class_name: str
) -> html.H2:
    """The panel's heading: an ``h2`` with ``heading_id`` holding the fold button
    (``title`` as its text), which opens and closes the element ``body_id``. The heading
    stays a heading, so it is found in a screen reader's list of headings."""
    return html.H2(
        html.Button(
            title,
            id=fold_id(panel),
            type="button",
            className="fold-toggle",
            **{"aria-expanded": "false" if folded else "true", "aria-controls": body_id},
        ),
        id=heading_id,
        className=f"fold-heading {class_name}".strip(),
    )
