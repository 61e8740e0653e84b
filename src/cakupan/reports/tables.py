"""Render a result (rows of plain values) as a Rich table, CSV, JSON or XLSX.

CSV and JSON keep machine-readable English column keys and plain numbers (``17.17``);
the terminal table and XLSX carry Indonesian (or English) labels and id-ID formatting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rich.table import Table

from cakupan.regions import dotted
from cakupan.reports import format as fmt

FORMATS = ("table", "csv", "json", "xlsx")


@dataclass
class Report:
    title: str
    columns: list[str]
    kinds: dict[str, str]
    """column -> ``int``, ``pct``, ``text`` or ``bool``."""
    rows: list[dict]
    notes: list[str] = field(default_factory=list)
    screen: list[str] | None = None
    """Columns shown in the terminal table (default: all); files always get all."""


def _cell(value, kind: str, lang: str) -> str:
    if kind == "int":
        return fmt.integer(value, lang)
    if kind == "pct":
        return fmt.decimal(value, lang)
    if kind == "code":
        return fmt.label(value, lang) if value == "TOTAL" else dotted(value)
    if kind == "bool":
        return "-" if value is None else fmt.label("yes" if value else "no", lang)
    return "-" if value is None else fmt.label(str(value), lang) if value in fmt.LABELS else str(value)


def to_rich(report: Report, lang: str = "id") -> Table:
    table = Table(title=report.title, caption="\n".join(report.notes) or None,
                  caption_justify="left", header_style="bold")
    columns = report.screen or report.columns
    for c in columns:
        numeric = report.kinds[c] in ("int", "pct")
        table.add_column(fmt.short_label(c, lang), justify="right" if numeric else "left",
                         no_wrap=numeric or report.kinds[c] == "code" or c == "period",
                         min_width=7 if c == "period" else None)
    for i, row in enumerate(report.rows):
        last = row.get("region_code") == "TOTAL"
        cells = [_cell(row.get(c), report.kinds[c], lang) for c in columns]
        if row.get("estimated") and not last and "region_name" in columns:
            cells[columns.index("region_name")] += " *"
        table.add_row(*cells,
                      end_section=(i == len(report.rows) - 2 and last is False
                                   and report.rows[-1].get("region_code") == "TOTAL"),
                      style="bold" if last else None)
    return table


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _text_columns(report: Report) -> list[int]:
    return [i for i, c in enumerate(report.columns) if c == "nik"]


def to_csv(report: Report) -> str:
    """The report as CSV text, formula-safe (:mod:`cakupan.reports.spreadsheet`); whoever
    writes it to a file or a download adds the UTF-8 byte-order mark."""
    from cakupan.reports.spreadsheet import csv_text

    return csv_text(report.columns, ([row.get(c) for c in report.columns] for row in report.rows),
                    _text_columns(report), lineterminator="\n")


def plain_rows(report: Report) -> list[dict]:
    """The rows with their machine keys and plain values (Decimals as floats)."""
    return [{c: _plain(row.get(c)) for c in report.columns} for row in report.rows]


def to_json(report: Report) -> str:
    rows = plain_rows(report)
    return json.dumps({"title": report.title, "notes": report.notes, "rows": rows},
                      ensure_ascii=False, indent=2)


def to_xlsx(report: Report, path: Path, lang: str = "id") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from cakupan.reports.spreadsheet import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = "cakupan"
    append_row(ws, [report.title])
    ws["A1"].font = Font(bold=True)
    append_row(ws, [fmt.label(c, lang) for c in report.columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in report.rows:
        append_row(ws, [_plain(row.get(c)) if report.kinds[c] != "bool" else
                        (None if row.get(c) is None else fmt.label("yes" if row.get(c) else "no", lang))
                        for c in report.columns], _text_columns(report))
    for col, c in enumerate(report.columns, start=1):
        number_format = {"int": "#,##0", "pct": "0.00"}.get(report.kinds[c])
        if number_format:
            for r in range(3, ws.max_row + 1):
                ws.cell(row=r, column=col).number_format = number_format
        ws.column_dimensions[ws.cell(row=2, column=col).column_letter].width = 18
    ws.append([])
    for note in report.notes:
        append_row(ws, [note])
    wb.save(path)
