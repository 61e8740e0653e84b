"""Rows of an Excel workbook as text, one sheet at a time, without loading it whole.

openpyxl in read-only mode with cached values (``data_only``): a formula gives the value
Excel last computed. Every cell becomes text the way a person reads it: whole numbers
without ``.0``, dates as ``YYYY-MM-DD``. A number of 16 digits or more is what Excel makes
of a NIK typed into a number cell: Excel keeps 15 significant digits, so such a value is
written in scientific form (``3.37401410190000E+15``) when its digits past the 15th are
zero, for the NIK check to call it destroyed, never a guess at the lost digits.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

from cakupan.ingest.errors import IngestError
from cakupan.ingest.lines import Record, RecordReader


def open_book(path: Path):
    import openpyxl

    if not zipfile.is_zipfile(path):
        raise IngestError(f"{path.name}: bukan berkas Excel .xlsx (isinya bukan arsip xlsx); "
                          "simpan ulang dari Excel sebagai .xlsx atau CSV")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # a zip that is not a workbook, or a damaged one
        raise IngestError(f"{path.name}: bukan berkas Excel .xlsx yang bisa dibaca "
                          f"({type(err).__name__}); buka dan simpan ulang di Excel") from None


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, int):
        return _long_number(value) if abs(value) >= 10**15 else str(value)
    if isinstance(value, float):
        if value.is_integer():
            return _long_number(int(value)) if abs(value) >= 1e15 else str(int(value))
        return repr(value)
    return str(value)


def _long_number(value: int) -> str:
    """A number cell of 16+ digits. Excel keeps 15 significant digits, so one whose digits
    past the 15th are all zero may have lost them: written in scientific form, for the NIK
    check to quarantine it. A number with digits past the 15th was written by a program and
    is exact."""
    text = str(abs(value))
    if set(text[15:]) <= {"0"}:
        return f"{value:.14E}"
    return str(value)


def sheet_rows(ws) -> Iterator[tuple[int, list[str]]]:
    """``(row number in Excel, cell texts)`` of one sheet; trailing empty cells dropped."""
    for n, row in enumerate(ws.iter_rows(values_only=True), 1):
        cells = [cell_text(v) for v in row]
        while cells and not cells[-1].strip():
            cells.pop()
        yield n, cells


class SheetRecords(RecordReader):
    """The rows of one sheet as :class:`~cakupan.ingest.lines.Record` (the same checks as
    a CSV line: control characters, field size, filled cells past the last titled column;
    a row may end early, its missing cells are empty)."""

    def __init__(self, ws, field_limit: int):
        super().__init__((), "\t", field_limit)
        self._rows = sheet_rows(ws)

    def __iter__(self) -> Iterator[Record]:
        for n, cells in self._rows:
            yield self._check(Record(n, "\t".join(cells), cells))

    def _check_width(self, rec: Record) -> Record:
        if self.width is not None and len(rec.fields) < self.width:  # empty cells at the end
            rec.fields = rec.fields + [""] * (self.width - len(rec.fields))
        return super()._check_width(rec)
