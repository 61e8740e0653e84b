"""Split delimited text into records ourselves, one line at a time, so that one bad line
costs that line only.

Physical lines end in CR, LF or CRLF (old Mac exports, Unix, Windows: all read the same).
A line whose double quotes do not pair up may continue a quoted field on the next lines;
it is joined with them until the quotes pair up (at most :data:`MAX_JOINED` lines). Each
record is then parsed by the :mod:`csv` module (strict quoting). A record that cannot be
parsed, holds a NUL or another control character, a field longer than the field limit, or
more or fewer fields than the header, is returned as a problem with its line number and
its text; the next line is read as usual.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_JOINED = 50
"""Physical lines one record may span (a quoted field with line breaks)."""
DEFAULT_FIELD_LIMIT = 4096
"""Characters one field may hold (``CAKUPAN_FIELD_LIMIT`` or ``--field-limit`` change it)."""
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(slots=True)
class Record:
    line: int
    """Source line number (1 = the first line of the file) where the record starts."""
    text: str
    fields: list[str] | None
    problem: str | None = None
    """Reason code when the record cannot be used (see :data:`PROBLEMS`)."""
    detail: str = ""


PROBLEMS = {
    "bad_quote": "tanda kutip tidak berpasangan atau salah tempat{detail}; perbaiki tanda kutip di baris ini",
    "control_char": "berisi karakter kontrol ({detail}); hapus karakter itu lalu simpan ulang",
    "field_too_long": "ada nilai sepanjang {detail} karakter (batas {limit}); periksa isi baris ini",
    "ragged_line": "{detail}; periksa pemisah di dalam nilai (beri tanda kutip) atau kolom yang hilang",
}
"""Line problem -> Indonesian reason (what to fix)."""


def physical_lines(stream: Iterable[str]) -> Iterator[tuple[int, str]]:
    """``(line number, text without its terminator)`` from a text stream opened with
    ``newline=""`` (so CR, LF and CRLF all end a line and are returned untranslated)."""
    n = 0
    for n, line in enumerate(stream, 1):
        if line.endswith("\r\n"):
            line = line[:-2]
        elif line.endswith(("\n", "\r")):
            line = line[:-1]
        yield n, line


def split_text(text: str) -> Iterator[tuple[int, str]]:
    """:func:`physical_lines` of a string."""
    import io

    return physical_lines(io.StringIO(text, newline=""))


def _parse(text: str, sep: str) -> list[str] | None:
    if '"' not in text:
        return text.split(sep)
    try:
        return next(csv.reader([text], delimiter=sep, strict=True))
    except (csv.Error, StopIteration):
        return None


def _control_names(text: str) -> str:
    found = sorted({f"0x{ord(c):02X}" for c in CONTROL.findall(text)})
    return ", ".join(("NUL" if c == "0x00" else c) for c in found[:3])


class RecordReader:
    """Records of one delimited text; set :attr:`width` once the header is known, from
    then on a record with another number of fields is a ``ragged_line``."""

    def __init__(self, lines: Iterable[tuple[int, str]], sep: str,
                 field_limit: int = DEFAULT_FIELD_LIMIT):
        self.sep, self.field_limit, self.width = sep, field_limit, None
        self._lines = iter(lines)
        self._pending: list[tuple[int, str]] = []
        self.trimmed = 0
        """Records whose trailing empty fields (trailing separators) were dropped."""

    def _next_line(self) -> tuple[int, str] | None:
        if self._pending:
            return self._pending.pop()
        return next(self._lines, None)

    def __iter__(self) -> Iterator[Record]:
        while (first := self._next_line()) is not None:
            yield self._record(*first)


    def _fits(self, fields: list[str] | None) -> bool:
        return fields is not None and (self.width is None or len(self._trim(fields, False)) == self.width)

    def _record(self, line: int, text: str) -> Record:
        fields = _parse(text, self.sep)
        if text.count('"') % 2 and not self._fits(fields):
            joined = self._join(line, text)
            if joined is not None:
                return self._check(joined)
        if fields is None:
            return Record(line, text, None, "bad_quote")
        return self._check(Record(line, text, fields))

    def _join(self, line: int, text: str) -> Record | None:
        """The record that continues on the next lines until the quotes pair up; None (and
        the lines put back) when they never do or the result does not fit."""
        taken: list[tuple[int, str]] = []
        parts, quotes = [text], text.count('"')
        while len(taken) < MAX_JOINED and quotes % 2:
            nxt = self._next_line()
            if nxt is None:
                break
            taken.append(nxt)
            parts.append(nxt[1])
            quotes += nxt[1].count('"')
        if not quotes % 2:
            joined = "\n".join(parts)
            fields = _parse(joined, self.sep)
            if self._fits(fields):
                return Record(line, joined, fields)
        self._pending.extend(reversed(taken))
        return None

    def _trim(self, fields: list[str], count: bool = True) -> list[str]:
        if self.width is None or len(fields) <= self.width:
            return fields
        extra = fields[self.width:]
        if any(f.strip() for f in extra):
            return fields
        if count:
            self.trimmed += 1
        return fields[: self.width]

    def _check(self, rec: Record) -> Record:
        if CONTROL.search(rec.text):
            rec.problem, rec.detail = "control_char", _control_names(rec.text)
            return rec
        if len(rec.text) > self.field_limit:
            longest = max(len(f) for f in rec.fields)
            if longest > self.field_limit:
                rec.problem, rec.detail = "field_too_long", str(longest)
                return rec
        return self._check_width(rec)

    def _check_width(self, rec: Record) -> Record:
        fields = self._trim(rec.fields)
        rec.fields = fields
        if self.width is not None and len(fields) != self.width and any(f.strip() for f in fields):
            rec.problem = "ragged_line"
            rec.detail = f"baris ini punya {len(fields)} kolom, judul punya {self.width}"
        return rec

    def recheck(self, head: list[Record]) -> Iterator[Record]:
        """``head`` (records read before :attr:`width` was set) checked against the width,
        then the records that follow."""
        for rec in head:
            yield rec if rec.problem else self._check_width(rec)
        yield from self
