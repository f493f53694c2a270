"""The data behind a chart as files analysts open in Excel or refresh in Power BI.

Both formats carry exactly the plotted, published numbers of ``charts.payload``'s
``chart_data`` (a withheld value reads ".."; its counts are shown as published), one
row per period and series:

- CSV for Finnish Excel: ``;`` separator, decimal comma, UTF-8 with BOM, CRLF, dates
  as ``d.m.yyyy`` — a double-click opens it with the right columns and numbers; values
  written with the places the chart states (``StatedValue``: "7,0", not "7");
- XLSX: the same rows as typed cells (values with a number format of the stated
  places) on sheet "Tiedot" and a sheet "Metatiedot" with
  the definition, filters, source, data date and a link back to the chart.

Text that starts like a formula (``= + - @``, tab, CR) is neutralised against
spreadsheet formula injection: prefixed with ``'`` in CSV, stored as a plain string
cell in XLSX.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from charts.catalog import CHARTS
from charts.filter_text import describe_filters
from charts.payload import (
    chart_data,
    chart_peers,
    effective_filters,
    partial_note,
    series_labels,
)
from charts.summary import (
    SUPPRESSED_MARK,
    TARGET_KINDS,
    comparison_sign,
    format_value,
    period_label,
    reason_text,
)
from queries import last_good
from queries.filters import Filters
from queries.peers import peer_credit, stated_peers
from queries.reference import data_as_of, is_synthetic
from queries.results import export_count, export_value
from translations import format_clock, format_date, format_time, t

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class StatedValue(float):
    """A chart value as the chart states it: the number and its ``decimals`` places.
    CSV writes it with exactly that many places and a decimal comma (a share of 7 %
    stated with one decimal is "7,0", not "7"); XLSX stores the number with a number
    format of that many places. Equal to the float it holds."""

    decimals: int

    def __new__(cls, value: float, decimals: int) -> StatedValue:
        stated = super().__new__(cls, value)
        stated.decimals = decimals
        return stated

    def __reduce__(self):
        return (StatedValue, (float(self), self.decimals))

    def text(self) -> str:
        """The value with ``decimals`` places and a decimal comma, e.g. ``"7,0"``."""
        return f"{float(self):.{self.decimals}f}".replace(".", ",")

    def number_format(self) -> str:
        """The spreadsheet number format of ``decimals`` places, e.g. ``"0.0"``."""
        return "0." + "0" * self.decimals if self.decimals else "0"


def stated_cell(value: float, decimals: int) -> int | StatedValue | None:
    """The cell of a chart value: None when missing, an ``int`` when the chart states
    whole numbers, else a ``StatedValue`` with the chart's places."""
    exported = export_value(value, decimals)
    if exported is None or isinstance(exported, int):
        return exported
    return StatedValue(exported, decimals)


@dataclass(frozen=True)
class DataExport:
    """One chart's data ready for a file: typed ``rows`` under ``columns``, and the
    ``metadata`` as ordered (label, value) pairs."""

    chart_id: str
    columns: list[str]
    rows: list[list[Any]]
    metadata: list[tuple[str, str]]


def safe_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def describe_targets(targets: pd.DataFrame, unit: str, lang: str) -> str:
    """The chart's programme targets and legal requirements (``TARGET_KINDS``) as text,
    from the targets data (never copied into a
    catalog text, where it would go stale), e.g. "> 10 % 1.1.2022–31.12.2022; ≥ 45 %
    1.1.2025 alkaen"; "" when the chart has none."""
    if targets.empty:
        return ""
    parts = []
    for row in targets[targets["kind"].isin(TARGET_KINDS)].itertuples(index=False):
        value = format_value(row.value, unit, 0 if float(row.value).is_integer() else 1, lang)
        start = format_date(pd.Timestamp(row.valid_from).date(), lang)
        period = (
            t("export.target_from", lang, start=start)
            if pd.isna(row.valid_to)
            else f"{start}–{format_date(pd.Timestamp(row.valid_to).date(), lang)}"
        )
        parts.append(f"{comparison_sign(row.comparison)} {value} {period}")
    return "; ".join(parts)


# The peer context's columns (``queries.peers``), after the chart's own when asked for.
# ``source``: the period's credit (``queries.peers.peer_credit`` of its row), on every
# row: a CSV file has no metadata sheet, and CC BY asks for the attribution with the
# figures.
PEER_EXPORT_COLUMNS = ("country", "own", "minimum", "q1", "q3", "maximum", "counties", "source")


def peer_rows(peers: pd.DataFrame, unit: str, decimals: int, lang: str) -> list[list[Any]]:
    """One row per period of ``peers`` (stated, ``queries.peers.stated_peers``) in the
    layout of ``build_export``: period, start, the comparison's name, no value of the
    chart's own, the unit, no counts, then the peer columns (``PEER_EXPORT_COLUMNS``:
    values with the chart's ``decimals`` places, ``stated_cell``; the counties an
    int; the source the period's credit, ``peer_credit``)."""
    rows = []
    for index, row in enumerate(peers.itertuples(index=False)):
        values = [
            export_count(float(row.counties))
            if column == "counties"
            else peer_credit(peers.iloc[index : index + 1])
            if column == "source"
            else stated_cell(getattr(row, column), decimals)
            for column in PEER_EXPORT_COLUMNS
        ]
        rows.append(
            [
                period_label(pd.Timestamp(row.period), row.grain),
                pd.Timestamp(row.period).date(),
                t("peers.export_series", lang),
                None,
                unit,
                None,
                None,
                None,
                *values,
            ]
        )
    return rows


def build_export(
    chart_id: str, filters: Filters, lang: str, link: str, peers: bool = False
) -> DataExport:
    """The rows and metadata of one chart under ``filters``; ``link`` points back to
    the chart in the dashboard. With ``peers`` (a national chart only,
    ``ChartSpec.national``) every row gets the peer columns (``PEER_EXPORT_COLUMNS``,
    empty on the chart's own rows), one row per stored period of the peer context
    follows the chart's rows (``peer_rows``, each with its period's credit), and the
    metadata names the sources of them all. ``link`` should then ask for the peers too
    (``api.chart_page_url``)."""
    spec = CHARTS[chart_id]
    filters = effective_filters(spec, filters)
    peers = peers and spec.national
    with last_good.watch() as parts:
        frame, targets = chart_data(chart_id, filters)
        shown_peers = chart_peers(spec, filters, frame["period"]) if peers else None
    labels = series_labels(spec, frame, lang)
    unit = t(f"unit.{spec.unit}", lang) if spec.unit != "count" else t("export.unit_count", lang)
    columns = [
        t("export.col.period", lang),
        t("export.col.period_start", lang),
        t("export.col.series", lang),
        t("export.col.value", lang),
        t("export.col.unit", lang),
        t("export.col.numerator", lang),
        t("export.col.denominator", lang),
        t("export.col.suppression_reason", lang),
    ]
    if peers:
        columns += [t(f"peers.col.{column}", lang) for column in PEER_EXPORT_COLUMNS]
    rows = []
    # Within a period, the series in the chart's own order (the classes 0-7, 8-14,
    # 15-90 ... days as drawn, not alphabetically by key).
    order = {key: index for index, key in enumerate(labels)}
    ordered = frame.assign(_order=frame["series"].map(order).fillna(len(order)))
    ordered = ordered.sort_values(["period", "_order"], kind="stable").drop(columns="_order")
    for row in ordered.itertuples(index=False):
        hidden = bool(row.suppressed)
        reason = reason_text(row.suppression_reason, lang) if hidden else None
        rows.append(
            [
                period_label(pd.Timestamp(row.period), filters.grain),
                pd.Timestamp(row.period).date(),
                labels.get(row.series, row.series),
                SUPPRESSED_MARK if hidden else stated_cell(row.value, spec.decimals),
                unit,
                # Counts are never withheld: a withheld share shows its published
                # counts (its denominator 0), as the data API does.
                export_count(row.numerator),
                export_count(row.denominator),
                reason[:1].upper() + reason[1:] if reason else None,
                *([None] * len(PEER_EXPORT_COLUMNS) if peers else []),
            ]
        )
    if shown_peers is not None:
        rows += peer_rows(stated_peers(shown_peers, spec.decimals), unit, spec.decimals, lang)
    as_of = data_as_of()
    metadata = [
        (t("export.meta.title", lang), t(spec.text_key("title"), lang)),
        (t("export.meta.id", lang), spec.id),
        (t("export.meta.definition", lang), spec.definition(lang)),
        (t("export.meta.filters", lang), describe_filters(filters, lang)),
        (t("export.meta.source", lang), t(spec.text_key("source"), lang)),
        (t("export.meta.targets", lang), describe_targets(targets, spec.unit, lang)),
        (t("export.meta.data_as_of", lang), format_date(as_of, lang) if as_of else ""),
        (t("export.meta.created", lang), _date_and_clock(datetime.now(), lang)),
        (t("export.meta.link", lang), link),
    ]
    if shown_peers is not None:
        credit = peer_credit(shown_peers) or t("peers.none", lang)
        metadata.append((t("peers.meta.source", lang), credit))
    left_out = partial_note(spec, filters, lang)
    if left_out:
        metadata.append((t("export.meta.left_out", lang), left_out))
    if is_synthetic():
        metadata.append((t("export.meta.note", lang), t("shell.synthetic_banner", lang)))
    if parts.stale:  # the database was away: the file says whose numbers these are
        when = format_time(parts.fetched, lang)
        metadata.append((t("export.meta.note", lang), t("stale.export", lang, when=when)))
    metadata = [(label, value) for label, value in metadata if value]
    return DataExport(chart_id, columns, rows, metadata)


def _date_and_clock(moment: datetime, lang: str) -> str:
    """A moment's date and wall-clock time as written in ``lang``: "24.11.2026 9.05"."""
    return f"{format_date(moment.date(), lang)} {format_clock(moment, lang)}"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.day}.{value.month}.{value.year}"
    if isinstance(value, StatedValue):
        return value.text()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Plain digits with a decimal comma: Finnish Excel reads it as a number. The
        # values are rounded as the chart states them (queries.results.as_stated), so
        # the shortest text of the float is that number.
        return repr(value).replace(".", ",").removesuffix(",0")
    return safe_text(str(value))


def to_csv(export: DataExport) -> bytes:
    """The rows as a Finnish-Excel CSV file (UTF-8 with BOM, ``;``, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(column) for column in export.columns])
    for row in export.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text_cell(sheet, row: int, column: int, value: str):
    cell = sheet.cell(row=row, column=column, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


def to_xlsx(export: DataExport, lang: str) -> bytes:
    """The rows on sheet "Tiedot" (typed cells) and the metadata on "Metatiedot"."""
    book = Workbook()
    data = book.active
    data.title = t("export.sheet.data", lang)
    for column, header in enumerate(export.columns, start=1):
        _text_cell(data, 1, column, header).font = Font(bold=True)
    for row_index, row in enumerate(export.rows, start=2):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                _text_cell(data, row_index, column, value)
            else:
                cell = data.cell(row=row_index, column=column, value=value)
                if isinstance(value, date):
                    cell.number_format = "d.m.yyyy"
                elif isinstance(value, StatedValue):
                    cell.value = float(value)
                    cell.number_format = value.number_format()
    data.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (12, 12, 34, 10, 8, 12, 12, 40), strict=True):
        data.column_dimensions[letter].width = width
    for column in range(9, len(export.columns) + 1):  # the peer columns, when there
        data.column_dimensions[get_column_letter(column)].width = 14
    meta = book.create_sheet(t("export.sheet.meta", lang))
    for row_index, (label, value) in enumerate(export.metadata, start=1):
        _text_cell(meta, row_index, 1, label).font = Font(bold=True)
        cell = _text_cell(meta, row_index, 2, value)
        if value.startswith(("http://", "https://")):
            cell.hyperlink = value
    meta.column_dimensions["A"].width = 28
    meta.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
