"""The export panel: the page, or the charts chosen from it, as a PowerPoint deck.

Cheap like every layout part (no database). The deck is built by the background
callback in ``callbacks.exports_pptx``; while it runs the buttons are disabled, a
progress bar shows how many charts are done and the status line says what happens.
The request store carries the page, its charts and a token unique to this page load,
so two people exporting the same page at the same moment get separate jobs.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from charts.catalog import CHARTS
from dashboards._fold import fold_heading
from response_cache import page_token
from translations import t

IDS = {
    "page": "export-pptx-page",
    "selected": "export-pptx-selected",
    "charts": "export-pptx-charts",
    "request": "export-pptx-request",
    "progress": "export-pptx-progress",
    "status": "export-pptx-status",
    "download": "export-pptx-download",
}
BODY = "export-pptx-body"  # what the panel's fold button opens and closes


def export_panel(
    page_slug: str, chart_ids: tuple[str, ...], lang: str, folded: bool = False
) -> html.Section:
    """A "download as PowerPoint" button for the whole page and, folded away, a
    checklist of the page's charts with a button for the chosen ones; the heading folds
    the whole panel away (``dashboards._fold``), and ``folded`` builds it folded."""
    heading_id = "export-pptx-heading"
    choose = html.Details(
        [
            html.Summary(t("export.pptx.choose", lang), className="small"),
            html.Fieldset(
                [
                    html.Legend(t("export.pptx.charts", lang), className="small fw-semibold"),
                    dbc.Checklist(
                        id=IDS["charts"],
                        options=[
                            {
                                "label": t(CHARTS[chart_id].text_key("title"), lang),
                                "value": chart_id,
                            }
                            for chart_id in chart_ids
                        ],
                        value=list(chart_ids),
                        className="small",
                    ),
                ],
                className="mt-2",
            ),
            html.Button(
                t("export.pptx.selected", lang),
                id=IDS["selected"],
                type="button",
                className="btn btn-outline-primary btn-sm mt-1",
            ),
        ],
        className="mt-2",
    )
    body = html.Div(
        [
            html.P(t("export.pptx.intro", lang), className="small text-muted mt-1 mb-2"),
            html.Div(
                [
                    html.Button(
                        t("export.pptx.page", lang),
                        id=IDS["page"],
                        type="button",
                        className="btn btn-primary btn-sm me-3",
                    ),
                    html.Progress(
                        id=IDS["progress"],
                        value="0",
                        max=str(max(len(chart_ids), 1)),
                        hidden=True,
                        className="me-2 align-middle",
                        **{"aria-label": t("export.pptx.progress_label", lang)},
                    ),
                    html.Span(id=IDS["status"], className="small", role="status"),
                ],
                className="d-flex flex-wrap align-items-center",
            ),
            choose,
        ],
        id=BODY,
        className="fold-body",
    )
    return html.Section(
        [
            fold_heading("pptx", t("export.pptx.title", lang), BODY, folded, heading_id, "h6 mb-0"),
            body,
            dcc.Store(
                id=IDS["request"],
                data={
                    "page": page_slug,
                    "charts": list(chart_ids),
                    "lang": lang,
                    "token": page_token(),
                },
            ),
            dcc.Download(id=IDS["download"]),
        ],
        className="export-panel card card-body mb-3",
        **{"aria-labelledby": heading_id},
    )
