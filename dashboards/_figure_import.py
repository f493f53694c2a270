"""What the upload page of reported figures (``dashboards.figure_import``) and its
callbacks (``callbacks.figure_import``) share: the component ids, the limits of an
upload, and the parts the callbacks render into the page (the preview's table and the
lists of problems). Dash Pages skips this module (its name starts with ``_``).

The canonical layout of a file is ``reporting.figures.layout``'s; the texts that
describe it are the ``figure_import.*`` keys of ``translations/<lang>/figure-import.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dash import html

from reporting.figures.rows import Figure
from reporting.figures.store import PreviewRow
from reporting.schema import COUNTRY_CODE
from translations import format_number, t, t_plural

IDS = {
    "form": "figure-import-form",  # carries the page's lang for the callbacks
    "upload": "figure-import-upload",
    "status": "figure-import-status",
    "preview": "figure-import-preview",
    "save": "figure-import-save",
    "summary": "figure-import-summary",
    # What the preview showed: the digest of the file's name and contents, which the
    # save must match (a file changed after its preview is not written unseen).
    "previewed": "figure-import-previewed",
}

MAX_MEGABYTES = 5
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
# The largest request body the server reads at all (Flask's MAX_CONTENT_LENGTH, set in
# app.create_app): larger ones are answered 413 before Dash parses them. An upload of
# MAX_BYTES travels as base64 in a callback's JSON (4/3 of it, 6.7 MB, plus the ids and
# the file name); 16 MB leaves room, so a file a little over MAX_BYTES still gets the
# page's own "too large" message. Dash would parse any body otherwise: 300 MB of JSON
# took a worker from 263 MB to 1.2 GB before any callback could check a size.
MAX_REQUEST_MEGABYTES = 16
MAX_REQUEST_BYTES = MAX_REQUEST_MEGABYTES * 1024 * 1024
assert MAX_REQUEST_BYTES > 2 * MAX_BYTES, "an upload of MAX_BYTES must fit in a request"
# The example file the page offers (assets/; it imports as it is: tests check it).
EXAMPLE_FILE = "figure-import-example.csv"
# Rows and problems shown at most: a file of thousands of rows is summarised by its
# counts, and the first rows show what the import makes of it.
MAX_SHOWN_ROWS = 200
MAX_SHOWN_PROBLEMS = 100

# The canonical columns (reporting.figures.layout), required first.
REQUIRED_COLUMNS = ("indicator", "region", "period", "value")
OPTIONAL_COLUMNS = ("numerator", "denominator", "source")
# Examples the layout text cites, passed in as placeholders (no number is written into
# a catalog text: tests/test_catalog_texts.py).
EXAMPLES = {
    "year": "2024",
    "quarter": "2024-Q3",
    "month": "2024-07",
    "county": "06",
    "municipality": "837",
    "country": COUNTRY_CODE,
    "comma": "12,5",
    "point": "12.5",
    "encoding": "UTF-8",
    "header_line": 1,
    "mb": MAX_MEGABYTES,
    "percent": 100,
}
SUPPRESSED = ".."  # a value missing or suppressed at the source, as the charts show it
NOTHING = "–"  # no previous value


def period_label(start: date, grain: str) -> str:
    """A stored period as the layout writes it: ``2024`` (year), ``2024-Q3``
    (quarter starting 1 July 2024), ``2024-07`` (month)."""
    if grain == "year":
        return f"{start.year}"
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _number(number: float | None, lang: str) -> str:
    """A number as written in ``lang`` with as many decimals as it has (up to four);
    ``..`` for None (suppressed or not given)."""
    if number is None:
        return SUPPRESSED
    text = f"{number:.4f}".rstrip("0").rstrip(".")
    return format_number(number, len(text.partition(".")[2]), lang)


def _cells(figure: Figure | None, lang: str) -> list[html.Td]:
    """A figure's value, numerator, denominator and source cells; ``–`` in each
    without a figure (a new row's previous one), ``..`` for a number not given."""
    if figure is None:
        return [html.Td(NOTHING, className="text-end") for _ in range(3)] + [html.Td(NOTHING)]
    numbers = (figure.value, figure.numerator, figure.denominator)
    return [html.Td(_number(n, lang), className="text-end") for n in numbers] + [
        html.Td(figure.source)
    ]


COLUMNS = (
    "line", "indicator", "region", "period",
    "value", "numerator", "denominator", "source",
    "previous", "previous_numerator", "previous_denominator", "previous_source",
    "status",
)  # fmt: skip


def preview_table(rows: Sequence[PreviewRow], lang: str) -> list:
    """The preview's table (at most ``MAX_SHOWN_ROWS`` rows, in file order; a note
    says so when there are more): line, indicator, region, period, the value,
    numerator, denominator and source to be stored, the stored ones (previous) and
    the status of each row — so a changed row shows what changes. A region with a
    caption, focusable so a keyboard can scroll it sideways."""
    shown = list(rows)[:MAX_SHOWN_ROWS]
    header = html.Thead(
        html.Tr([html.Th(t(f"figure_import.column_head.{c}", lang), scope="col") for c in COLUMNS])
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td("" if row.figure.line is None else str(row.figure.line)),
                    html.Th(row.figure.indicator_id, scope="row"),
                    html.Td(row.figure.region_code),
                    html.Td(period_label(row.figure.period_start, row.figure.period_grain)),
                    *_cells(row.figure, lang),
                    *_cells(row.previous, lang),
                    html.Td(
                        t(f"figure_import.row_status.{row.status}", lang),
                        className=f"figure-status figure-status-{row.status}",
                    ),
                ]
            )
            for row in shown
        ]
    )
    caption_id = "figure-import-table-caption"
    parts: list = [
        html.Div(
            html.Table(
                [html.Caption(t("figure_import.table_caption", lang), id=caption_id), header, body],
                className="table table-sm table-striped figure-import-table",
            ),
            className="table-responsive",
            tabIndex="0",
            role="region",
            **{"aria-labelledby": caption_id},
        )
    ]
    if len(rows) > len(shown):
        parts.append(
            html.P(
                t("figure_import.table_more", lang, shown=len(shown), total=len(rows)),
                className="small",
            )
        )
    return parts


def problem_list(texts: Sequence[str], lang: str) -> html.Ul:
    """The line-numbered problems of a refused file (``ImportRefused.texts``), at most
    ``MAX_SHOWN_PROBLEMS`` and a line saying how many more."""
    items = [html.Li(text) for text in texts[:MAX_SHOWN_PROBLEMS]]
    if len(texts) > MAX_SHOWN_PROBLEMS:
        more = len(texts) - MAX_SHOWN_PROBLEMS
        keys = {"one": "figure_import.problems_more_one", "other": "figure_import.problems_more"}
        items.append(html.Li(t_plural(more, lang, **keys, more=more)))
    return html.Ul(items, className="figure-import-problems mb-0")
