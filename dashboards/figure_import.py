"""``/tuonti``: the upload page of reported figures (issue 14), for signed-in editors.

An editor picks a CSV or XLSX file in the canonical layout; the page shows a preview
before anything is written (how many figures are new, changed or unchanged, a table of
the rows with their previous values, or the file's problems by line), and "Tallenna"
writes it (``callbacks.figure_import``). Everyone else — no identity, or a reader —
sees why they cannot import, and no upload control; the callbacks refuse them too.
The file layout is documented on the page, with an example file to download.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, get_asset_url, html, register_page

from charts.cards.chart import alert
from dashboards._figure_import import (
    EXAMPLE_FILE,
    EXAMPLES,
    IDS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
)
from dashboards._frame import FIGURE_IMPORT_PATH, framed, joined_title, query_language
from meetings.components import can_write
from meetings.messages import read_only_text
from reporting.figures.rows import SOTKANET_CREDIT
from translations import t

register_page(
    __name__,
    path=FIGURE_IMPORT_PATH,
    name=t("figure_import.title"),
    title=joined_title("figure_import.title", "app.title"),
)


def _section(key: str, children: list, lang: str) -> html.Section:
    """A section headed by an ``<h2>`` (id ``figure-import-<key>-heading``) that labels it."""
    heading_id = f"figure-import-{key}-heading"
    heading = html.H2(t(f"figure_import.{key}_heading", lang), id=heading_id, className="h4")
    return html.Section(
        [heading, *children],
        className="mb-4",
        **{"aria-labelledby": heading_id},
    )


def upload_form(lang: str) -> list:
    """The file picker (a label around ``dcc.Upload``: its file input is named by the
    label and reachable by Tab; clicking opens the file dialog, and a file can be
    dropped on it), the status line, the preview, the save button and the summary."""
    picker = html.Label(
        dcc.Upload(
            html.Div(
                [
                    html.Span(t("figure_import.choose", lang), className="fw-semibold"),
                    " ",
                    html.Span(t("figure_import.limits", lang, **EXAMPLES)),
                ]
            ),
            id=IDS["upload"],
            # No ``accept`` and no ``max_size``: the browser would drop a file of another
            # kind or size without a word. Every file reaches the server, which says in
            # the page's language why it is refused (a .xls: save it as .xlsx or CSV; over
            # MAX_BYTES: too large; callbacks.figure_import).
            # The label opens the dialog; the drop zone's own click would open it twice.
            disable_click=True,
            className="figure-upload",
            className_active="figure-upload-active",
        ),
        className="d-block",
    )
    return [
        picker,
        html.Div(id=IDS["status"], className="mt-3", **{"aria-live": "polite"}),
        html.Div(id=IDS["preview"]),
        dbc.Button(
            t("figure_import.save", lang),
            id=IDS["save"],
            color="primary",
            disabled=True,
            className="mt-2",
        ),
        html.Div(id=IDS["summary"], className="mt-3", **{"aria-live": "polite"}),
        dcc.Store(id=IDS["previewed"]),
    ]


def layout_help(lang: str) -> list:
    """The canonical layout in words: the columns (required and optional) and what
    each holds, the rules of a file, and the example file."""
    rows = [
        html.Tr(
            [
                html.Th(html.Code(name), scope="row"),
                html.Td(t(f"figure_import.{kind}", lang)),
                html.Td(t(f"figure_import.column.{name}", lang, **EXAMPLES)),
            ]
        )
        for names, kind in ((REQUIRED_COLUMNS, "required"), (OPTIONAL_COLUMNS, "optional"))
        for name in names
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"figure_import.layout_head.{key}", lang), scope="col")
                for key in ("column", "needed", "content")
            ]
        )
    )
    return [
        html.P(t("figure_import.layout_intro", lang, **EXAMPLES)),
        html.Table(
            [html.Caption(t("figure_import.layout_caption", lang)), head, html.Tbody(rows)],
            className="table table-sm figure-import-layout",
        ),
        html.P(t("figure_import.layout_rules", lang, **EXAMPLES)),
        html.P(t("figure_import.layout_refusals", lang, credit=SOTKANET_CREDIT)),
        html.P(t("figure_import.layout_sotkanet", lang), id="figure-import-sotkanet"),
        html.P(
            html.A(
                t("figure_import.example", lang),
                href=get_asset_url(EXAMPLE_FILE),
                download=EXAMPLE_FILE,
                id="figure-import-example",
            )
        ),
    ]


@framed(active=None)
def layout(**query: object) -> html.Div:
    """The page in the language of its ``lang`` parameter: for an editor the upload
    form, for anyone else why not; the layout documentation for both."""
    lang = query_language(query)
    if can_write():
        form = upload_form(lang)
    else:
        form = [
            alert(
                [t("figure_import.editors_only", lang), " ", read_only_text(lang)],
                "info",
                "read-only-notice",
            )
        ]
    return html.Div(
        [
            html.H1(t("figure_import.title", lang)),
            html.P(t("figure_import.intro", lang), className="lead"),
            _section("upload", form, lang),
            _section("layout", layout_help(lang), lang),
        ],
        id=IDS["form"],
        lang=lang,
    )
