"""Cells safe to open: every CSV and XLSX the project writes goes through here.

* A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
  neutralised (a leading apostrophe in CSV; a text cell, never a formula, in XLSX), so a
  spreadsheet never runs what a partner's file held (CSV/formula injection).
* A NIK (16 digits) stays text: in XLSX a text cell formatted ``@``; in CSV written as
  ``="3374014101900001"``, the form Excel opens as text instead of ``3.37401E+15``.
* CSV is UTF-8 with a byte-order mark, so Excel shows Indonesian names (``Ngadimin Â``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
_NIK = re.compile(r"^\d{16}$")


def neutralise(value: object) -> object:
    """A text that a spreadsheet would read as a formula, prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def csv_cell(value: object, text: bool = False) -> str:
    """One CSV field: empty for None, a NIK-like run of digits kept as text (``text``
    columns), otherwise neutralised."""
    if value is None:
        return ""
    if text and isinstance(value, str) and _NIK.match(value):
        return f'="{value}"'
    return str(neutralise(value))  # numbers (a negative one too) stay numbers


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], text_columns: Iterable[int] = (),
             bom: bool = False, lineterminator: str = "\r\n") -> str:
    """A whole CSV as a string (``bom`` to start it with the UTF-8 byte-order mark)."""
    keep = set(text_columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v, i in keep) for i, v in enumerate(row)])
    return (BOM if bom else "") + out.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]],
              text_columns: Iterable[int] = ()) -> None:
    """Write a CSV file: UTF-8 with BOM, CRLF lines, neutralised cells, NIKs as text."""
    Path(path).write_text(csv_text(header, rows, text_columns, bom=True), encoding="utf-8", newline="")


def append_row(ws, values: Sequence[object], text_columns: Iterable[int] = ()) -> None:
    """``ws.append(values)`` with every text a text cell (never a formula) and the
    ``text_columns`` (0-based) formatted as text (``@``), so a NIK is never a number."""
    keep = set(text_columns)
    ws.append(list(values))
    row = ws.max_row
    for i, value in enumerate(values):
        if isinstance(value, str) or i in keep:
            cell = ws.cell(row=row, column=i + 1)
            if isinstance(value, str):
                cell.data_type = "s"
            if i in keep:
                cell.number_format = "@"
