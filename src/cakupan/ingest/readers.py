"""The one reading layer: CSV, TSV, XLSX and Parquet files into Polars frames of strings,
with every line accounted for.

Every column is read as text (no type inference: a NIK must never become a float), header
names are normalised and mapped to contract names, and a ``_row`` column carries the line
or row number a person sees in the source (CSV: the line where the record starts, counting
the header's line; XLSX: Excel's row number; Parquet: the first row is row 1).

What :func:`read_file` returns for each table (a CSV, or one sheet) adds up:
``read = rows + bad lines + skipped``. A line that cannot be used (ragged, unbalanced
quotes, a NUL or control character, a field over the size limit) is a :class:`BadLine`
with its number, a reason code, an Indonesian reason and its text (NIKs masked); blank
lines, separator-only lines and title lines above the header are skipped and counted.
Encoding and delimiter are detected (:mod:`cakupan.ingest.sniff`) and reported.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cakupan.ingest import sniff
from cakupan.ingest.errors import IngestError
from cakupan.ingest.lines import CONTROL, DEFAULT_FIELD_LIMIT, PROBLEMS, RecordReader, physical_lines, split_text


ROW = "_row"
SUPPORTED = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")
DELIMITERS = sniff.DELIMITERS
HEADER_SEARCH = 30
"""Rows at the top of a table among which the header is looked for (below a title block)."""
BATCH = 50_000
RAW_LIMIT = 1000
"""Characters of a bad line's text kept in quarantine."""

ALIASES: dict[str, str] = {
    # participants
    "no_kpj": "kpj", "nomor_kpj": "kpj", "kpj_no": "kpj", "no_peserta": "kpj",
    "no_nik": "nik", "nomor_nik": "nik", "no_ktp": "nik", "nik_ktp": "nik",
    "nama": "name", "nama_lengkap": "name", "nama_peserta": "name",
    "tgl_lahir": "birth_date", "tanggal_lahir": "birth_date", "tgllahir": "birth_date",
    "jenis_kelamin": "sex", "jk": "sex", "kelamin": "sex",
    "kode_desa": "village_code", "kode_kelurahan": "village_code", "kode_desa_kelurahan": "village_code",
    "segmen": "segment", "sub_segmen": "sub_segment", "pekerjaan": "occupation",
    "no_npp": "npp", "nomor_npp": "npp", "upah": "wage", "gaji": "wage", "penghasilan": "wage",
    "program": "programmes", "programs": "programmes",
    "tgl_daftar": "registered_date", "tanggal_daftar": "registered_date",
    "tgl_registrasi": "registered_date", "tanggal_registrasi": "registered_date",
    "bulan_bayar_terakhir": "last_paid_month", "bulan_terakhir_bayar": "last_paid_month",
    "penanggung_iuran": "sponsor_type", "sponsor": "sponsor_type", "jenis_sponsor": "sponsor_type",
    # employers
    "nama_perusahaan": "name", "no_npwp": "npwp", "kbli": "kbli_sector", "sektor_kbli": "kbli_sector",
    "skala_usaha": "size_class", "kode_kabupaten": "regency_code", "kode_kab": "regency_code",
    "kode_kab_kota": "regency_code", "kode_kabupaten_kota": "regency_code",
    # workforce
    "kode_wilayah": "region_code", "periode": "period", "bekerja": "employed",
    "pengangguran": "unemployed", "pengangguran_terbuka": "unemployed",
    "status_pekerjaan": "employment_status", "lapangan_usaha": "sector", "sumber": "source",
    "estimasi": "estimated", "perkiraan": "estimated",
}


def normalise_header(name: object) -> str:
    """``" Tgl Lahir "`` -> ``"tgl_lahir"``; then an alias maps it to a contract name."""
    key = re.sub(r"[\s\-]+", "_", str(name).strip().lower().lstrip("\ufeff"))
    key = re.sub(r"_+", "_", key).strip("_")
    return ALIASES.get(key, key)


def field_limit_default() -> int:
    """Characters one field may hold: ``CAKUPAN_FIELD_LIMIT`` or 4096."""
    try:
        return max(1, int(os.environ.get("CAKUPAN_FIELD_LIMIT", DEFAULT_FIELD_LIMIT)))
    except ValueError:
        return DEFAULT_FIELD_LIMIT


@dataclass
class BadLine:
    """A line (or spreadsheet row) that could not be read as a row of the table."""

    line: int
    code: str
    reason: str
    raw: str
    """The line's text, NIKs masked, at most :data:`RAW_LIMIT` characters."""


SKIP_REASONS = {"blank": "baris kosong", "title": "baris judul di atas tabel"}


@dataclass
class TablePart:
    """One table of a file (a CSV, or one sheet): ``read = rows + bad + skipped``."""

    sheet: str | None
    frame: pl.DataFrame
    bad: list[BadLine] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    header_row: int = 1
    trimmed: int = 0
    """Rows whose trailing separators (empty fields past the last column) were dropped."""
    rows: int = 0
    """Good rows read (those in ``frame`` when the file was read whole)."""

    @property
    def read(self) -> int:
        return self.rows + len(self.bad) + sum(self.skipped.values())


@dataclass
class FileRead:
    """What reading one file found, and how it was read."""

    name: str
    kind: str
    parts: list[TablePart]
    encoding: str | None = None
    encoding_given: bool = False
    delimiter: str | None = None
    delimiter_given: bool = False
    sheets: list[str] = field(default_factory=list)
    """Every sheet in the workbook (XLSX)."""
    empty_sheets: list[str] = field(default_factory=list)
    field_limit: int = DEFAULT_FIELD_LIMIT

    @property
    def read(self) -> int:
        return sum(p.read for p in self.parts)

    @property
    def skipped(self) -> int:
        return sum(sum(p.skipped.values()) for p in self.parts)

    def bad_lines(self) -> list[tuple[str | None, BadLine]]:
        return [(p.sheet, b) for p in self.parts for b in p.bad]

    def describe(self) -> list[str]:
        """How the file was read, in Indonesian (for the import summary)."""
        out = []
        if self.kind == "csv":
            how = lambda given: "dipilih" if given else "terdeteksi"
            out.append(f"pengodean {sniff.ENCODING_NAMES.get(self.encoding, self.encoding)} "
                       f"({how(self.encoding_given)}), pemisah "
                       f"{sniff.DELIMITER_NAMES.get(self.delimiter, self.delimiter)} ({how(self.delimiter_given)})")
        if self.kind == "xlsx":
            read = [p.sheet for p in self.parts]
            out.append(f"sheet di berkas: {', '.join(self.sheets)}; dibaca: {', '.join(read)}"
                       + ("" if len(self.sheets) == 1 else " (pilih satu dengan --sheet)"))
            if self.empty_sheets:
                out.append(f"sheet kosong dilewati: {', '.join(self.empty_sheets)}")
        for p in self.parts:
            where = f"sheet {p.sheet}: " if p.sheet else ""
            if p.header_row > 1:
                out.append(f"{where}judul kolom di baris {p.header_row}")
            if p.trimmed:
                out.append(f"{where}pemisah berlebih di akhir {p.trimmed} baris diabaikan")
        return out


def mask_text(text: str) -> str:
    """A line's text for quarantine: NIK-like runs of 16 digits masked, length bounded."""
    text = re.sub(r"(?<!\d)(\d{6})\d{6}(\d{4})(?!\d)", r"\1******\2", text)
    text = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > RAW_LIMIT:
        text = text[:RAW_LIMIT] + f"… (dipotong; panjang asli {len(text)} karakter)"
    return text


def _header_names(fields: list[str], where: str) -> list[str]:
    """Normalised column names; duplicates (before any renaming) and alias collisions are
    one clear error naming the columns."""
    seen: dict[str, int] = {}
    for i, name in enumerate(fields):
        key = name.strip().lstrip("\ufeff").casefold()
        if key and key in seen:
            raise IngestError(f"{where}: judul kolom '{name.strip()}' muncul dua kali (kolom ke-"
                              f"{seen[key] + 1} dan ke-{i + 1}); ganti nama atau hapus salah satunya")
        seen[key] = i
    new = [normalise_header(c) for c in fields]
    meaning: dict[str, str] = {}
    for old, n in zip(fields, new):
        if n == ROW:
            raise IngestError(f"{where}: kolom bernama '{old}' tidak boleh dipakai; ganti namanya")
        if n and n in meaning:
            raise IngestError(f"{where}: kolom '{meaning[n]}' dan '{old.strip()}' sama-sama berarti "
                              f"'{n}'; hapus salah satunya")
        meaning[n] = old.strip()
    # unnamed columns (empty header) and names a dataframe library would read as a pattern
    # ("*", "^…$") get a stable placeholder, so their values still reach `raw` unchanged
    out: list[str] = []
    for i, n in enumerate(new):
        if not n or _is_pattern(n):
            n = f"kolom_{i + 1}"
            while n in meaning or n in out:
                n += "_"
        out.append(n)
    return out


def _is_pattern(name: str) -> bool:
    """True for a column name polars would expand (``*``) or read as a regex (``^…$``)."""
    return name == "*" or (name.startswith("^") and name.endswith("$"))


def _nonempty(fields: list[str] | None) -> int:
    return sum(1 for f in fields or () if f.strip())


def find_header(rows: list[tuple[int, list[str] | None]]) -> int | None:
    """Index in ``rows`` of the header: the first row holding at least half as many filled
    cells as the fullest of these rows (and two, when any row has two); None if all empty.
    Rows above it are a title block."""
    counts = [_nonempty(f) for _, f in rows]
    most = max(counts, default=0)
    if most == 0:
        return None
    need = 1 if most == 1 else max(2, (most + 1) // 2)
    return next(i for i, c in enumerate(counts) if c >= need)


def _frame(names: list[str], rows: list[list[str]], lines: list[int]) -> pl.DataFrame:
    cols = list(zip(*rows)) if rows else [()] * len(names)
    df = pl.DataFrame({n: pl.Series(n, c, dtype=pl.String) for n, c in zip(names, cols)})
    return df.with_columns(pl.Series(ROW, lines, dtype=pl.Int64)).select([ROW, *names])


def _table(head: list, reader: RecordReader, where: str, sheet: str | None,
           parts: list[TablePart], batch: int = BATCH) -> Iterator[tuple[TablePart, pl.DataFrame]]:
    """One table from its first records (``head``) and the reader of the rest, as frames of
    at most ``batch`` rows (at least one, maybe empty, once a header is found); the table's
    :class:`TablePart` is appended to ``parts`` first and complete when the frames end."""
    idx = find_header([(r.line, r.fields if r.problem is None else None) for r in head])
    if idx is None:
        bad = next((r for r in head if r.problem), None)
        if bad is not None:
            reason = PROBLEMS[bad.problem].format(detail=bad.detail, limit=reader.field_limit)
            raise IngestError(f"{where}: tidak ada baris judul kolom yang terbaca (baris {bad.line}: {reason})")
        return
    skipped = {"title": sum(1 for r in head[:idx] if _nonempty(r.fields) or r.problem),
               "blank": sum(1 for r in head[:idx] if not _nonempty(r.fields) and not r.problem)}
    header = list(head[idx].fields)
    while header and not header[-1].strip():
        header.pop()
    names = _header_names(header, where)
    reader.width = width = len(names)
    part = TablePart(sheet, _frame(names, [], []), header_row=head[idx].line)
    parts.append(part)
    rows, lines, sent = [], [], False
    for rec in reader.recheck(head[idx + 1:]):
        if rec.problem:
            reason = PROBLEMS[rec.problem].format(detail=rec.detail, limit=reader.field_limit)
            part.bad.append(BadLine(rec.line, rec.problem, reason, mask_text(rec.text)))
        elif not "".join(rec.fields).strip():
            skipped["blank"] += 1
        else:
            fields = rec.fields
            rows.append(fields if len(fields) == width else fields + [""] * (width - len(fields)))
            lines.append(rec.line)
            if len(rows) >= batch:
                part.rows += len(rows)
                yield part, _frame(names, rows, lines)
                rows, lines, sent = [], [], True
    part.skipped = {k: v for k, v in skipped.items() if v}
    part.trimmed = reader.trimmed
    if rows or not sent:
        part.rows += len(rows)
        yield part, _frame(names, rows, lines)


def _csv_records(lines: Iterator[tuple[int, str]], sep: str | None, limit: int):
    """(the first records, the reader of the rest, the delimiter)."""
    first = [item for _, item in zip(range(HEADER_SEARCH), lines)]
    sep = sep or sniff.sniff_delimiter([t for _, t in first])
    reader = RecordReader(itertools.chain(first, lines), sep, limit)
    head = [rec for _, rec in zip(range(HEADER_SEARCH), reader)]
    return head, reader, sep


def _text_stream(lines: Iterable[tuple[int, str]], info: FileRead, delimiter: str | None,
                 batch: int = BATCH) -> Iterator[tuple[TablePart, pl.DataFrame]]:
    head, reader, info.delimiter = _csv_records(iter(lines), delimiter, info.field_limit)
    yield from _table(head, reader, info.name, None, info.parts, batch)
    if not info.parts:
        raise IngestError(f"{info.name}: berkas kosong; isi baris judul kolom lalu data")


def _csv_stream(path: Path, info: FileRead, encoding: str | None, delimiter: str | None,
                batch: int = BATCH) -> Iterator[tuple[TablePart, pl.DataFrame]]:
    with open(path, "rb") as f:
        sniff.check_text(f.read(8192), path.name)
        info.encoding = sniff.normalise_encoding(encoding) if encoding else sniff.detect_encoding(f)
    sep = sniff.normalise_delimiter(delimiter) if delimiter else None
    try:
        with open(path, encoding=info.encoding, newline="") as stream:
            yield from _text_stream(physical_lines(stream), info, sep, batch)
    except UnicodeDecodeError:
        raise IngestError(f"{path.name}: ada byte yang tidak bisa dibaca sebagai "
                          f"{sniff.ENCODING_NAMES.get(info.encoding, info.encoding)}; simpan ulang berkasnya "
                          "sebagai UTF-8, atau coba tanpa --encoding atau dengan --encoding cp1252") from None


def _collect(info: FileRead, stream: Iterator[tuple[TablePart, pl.DataFrame]]) -> FileRead:
    frames: dict[int, list[pl.DataFrame]] = {}
    for part, frame in stream:
        frames.setdefault(id(part), []).append(frame)
    for part in info.parts:
        got = frames.get(id(part), [])
        if got:
            part.frame = pl.concat(got, rechunk=True) if len(got) > 1 else got[0]
    return info


def read_csv_bytes(raw: bytes, name: str = "CSV", encoding: str | None = None,
                   delimiter: str | None = None, field_limit: int | None = None) -> FileRead:
    """:func:`read_file` of CSV content already in memory."""
    info = FileRead(name, "csv", [], encoding_given=bool(encoding), delimiter_given=bool(delimiter),
                    field_limit=field_limit or field_limit_default())
    sniff.check_text(raw[:8192], name)
    text, info.encoding = sniff.decode(raw, encoding, name)
    sep = sniff.normalise_delimiter(delimiter) if delimiter else None
    return _collect(info, _text_stream(split_text(text), info, sep))


def read_csv_text(text: str, where: str = "CSV") -> pl.DataFrame:
    """The rows of CSV text as a frame (every line must be good; for small fixed inputs)."""
    got = read_csv_bytes(text.encode("utf-8"), where)
    _no_bad(got)
    return got.parts[0].frame


def _xlsx_stream(path: Path, info: FileRead, sheet: str | None,
                 batch: int = BATCH) -> Iterator[tuple[TablePart, pl.DataFrame]]:
    from cakupan.ingest.xlsx import SheetRecords, open_book

    book = open_book(path)
    try:
        info.sheets = names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise IngestError(f"{path.name}: tidak ada sheet '{sheet}'; sheet yang ada: {', '.join(names)}")
        for name in [sheet] if sheet is not None else names:
            where = f"{path.name}, sheet '{name}'"
            before = len(info.parts)
            try:
                records = SheetRecords(book[name], info.field_limit)
                head = [rec for _, rec in zip(range(HEADER_SEARCH), records)]
                yield from _table(head, records, where, name, info.parts, batch)
            except IngestError:
                raise
            except Exception as err:  # a damaged sheet inside a readable workbook
                raise IngestError(f"{where}: tidak bisa dibaca ({type(err).__name__}); "
                                  "buka dan simpan ulang di Excel") from None
            if len(info.parts) == before:
                info.empty_sheets.append(name)
    finally:
        book.close()
    if not info.parts:
        raise IngestError(f"{path.name}: " + (f"sheet '{sheet}' kosong" if sheet else "semua sheet kosong"))


def _parquet_stream(path: Path, info: FileRead, batch: int = BATCH) -> Iterator[tuple[TablePart, pl.DataFrame]]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as err:
        raise IngestError(f"{path.name}: bukan file Parquet yang bisa dibaca ({type(err).__name__})") from None
    names = _header_names([str(c) for c in pf.schema_arrow.names], path.name)
    part = TablePart(None, _frame(names, [], []), header_row=0)
    info.parts.append(part)
    offset, blank, sent = 1, 0, False
    for chunk in pf.iter_batches(batch_size=batch):
        df = pl.from_arrow(chunk)
        df = df.rename(dict(zip(df.columns, names))).with_columns(pl.all().cast(pl.String))
        df = df.with_columns(pl.int_range(offset, offset + df.height, dtype=pl.Int64).alias(ROW))
        offset += df.height
        df, bad, n_blank = screen_frame(df.select([ROW, *names]), info.field_limit)
        part.bad += bad
        blank += n_blank
        part.rows += df.height
        part.skipped = {"blank": blank} if blank else {}
        sent = True
        yield part, df
    if not sent:
        yield part, part.frame


def screen_frame(df: pl.DataFrame, limit: int) -> tuple[pl.DataFrame, list[BadLine], int]:
    """Rows of a frame of strings that hold a control character or an over-long field are
    bad lines; empty rows are counted and dropped: ``(good rows, bad, blank count)``."""
    data = [c for c in df.columns if c != ROW]
    if not data:
        return df, [], 0
    control = pl.any_horizontal([pl.col(c).str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]").fill_null(False)
                                 for c in data])
    long = pl.any_horizontal([(pl.col(c).str.len_chars() > limit).fill_null(False) for c in data])
    blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in data])
    marked = df.with_columns(_control=control, _long=long, _blank=blank)
    bad = []
    for r in marked.filter(pl.col("_control") | pl.col("_long")).iter_rows(named=True):
        text = "\t".join("" if r[c] is None else r[c] for c in data)
        code = "control_char" if r["_control"] else "field_too_long"
        detail = ("karakter tak terlihat" if code == "control_char"
                  else str(max(len(r[c] or "") for c in data)))
        bad.append(BadLine(r[ROW], code, PROBLEMS[code].format(detail=detail, limit=limit), mask_text(text)))
    good = marked.filter(~pl.col("_control") & ~pl.col("_long") & ~pl.col("_blank"))
    n_blank = marked.filter(pl.col("_blank") & ~pl.col("_control") & ~pl.col("_long")).height
    return good.drop("_control", "_long", "_blank"), bad, n_blank


class FileStream:
    """A file read as it streams: iterate ``(part, frame of at most BATCH rows)``; once the
    iteration ends, :attr:`info` (a :class:`FileRead`) holds every table's counts, bad lines
    and how the file was read (its frames stay empty: the rows went to the caller).

    Raises :class:`IngestError` (one sentence) for a file that cannot be read as a table at
    all: missing, of another kind than its name says, empty, or a header without data."""

    def __init__(self, path: str | Path, sheet: str | None = None, encoding: str | None = None,
                 delimiter: str | None = None, field_limit: int | None = None, batch: int = BATCH):
        self.path = path = Path(path)
        if not path.is_file():
            raise IngestError(f"file {path} tidak ditemukan; periksa nama dan foldernya")
        self.ext = ext = path.suffix.lower()
        if sheet is not None and ext not in (".xlsx", ".xlsm"):
            raise IngestError(f"{path.name}: pilihan sheet hanya untuk file Excel .xlsx")
        if (encoding or delimiter) and ext not in (".csv", ".txt", ".tsv"):
            raise IngestError(f"{path.name}: --encoding dan --delimiter hanya untuk berkas teks CSV")
        if ext == ".xls":
            raise IngestError(
                f"{path.name}: format Excel lama (.xls) tidak didukung; simpan ulang sebagai .xlsx atau CSV")
        if ext not in SUPPORTED:
            raise IngestError(f"{path.name}: jenis file '{ext or '(tanpa ekstensi)'}' tidak didukung; "
                              f"gunakan {', '.join(SUPPORTED)}")
        kind = {".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}.get(ext, "csv")
        self.info = FileRead(path.name, kind, [], encoding_given=bool(encoding),
                             delimiter_given=bool(delimiter), field_limit=field_limit or field_limit_default())
        self.sheet, self.encoding, self.delimiter, self.batch = sheet, encoding, delimiter, batch

    def __iter__(self) -> Iterator[tuple[TablePart, pl.DataFrame]]:
        info = self.info
        if info.kind == "csv":
            yield from _csv_stream(self.path, info, self.encoding, self.delimiter, self.batch)
        elif info.kind == "xlsx":
            yield from _xlsx_stream(self.path, info, self.sheet, self.batch)
        else:
            yield from _parquet_stream(self.path, info, self.batch)
        if info.read == 0:
            raise IngestError(f"{self.path.name}: hanya berisi judul kolom, tanpa baris data")


def read_file(path: str | Path, sheet: str | None = None, encoding: str | None = None,
              delimiter: str | None = None, field_limit: int | None = None) -> FileRead:
    """Read one file whole: every table in it (a CSV, each non-empty sheet or only
    ``sheet``, a Parquet file) with its rows in ``frame``, every line accounted for (see
    :class:`TablePart`); :class:`FileStream` reads it in batches instead."""
    stream = FileStream(path, sheet, encoding, delimiter, field_limit)
    return _collect(stream.info, iter(stream))


def _no_bad(got: FileRead) -> None:
    bad = got.bad_lines()
    if bad:
        sheet, first = bad[0]
        where = f"{got.name}" + (f", sheet '{sheet}'" if sheet else "")
        raise IngestError(f"{where}: baris {first.line} {first.reason} ({len(bad)} baris bermasalah)")


def read_table_file(path: str | Path, sheet: str | None = None) -> list[tuple[str | None, pl.DataFrame]]:
    """``[(sheet name or None, frame of strings with _row)]`` of a file whose every line is
    good (else :class:`IngestError` naming the first bad line). Importers use
    :func:`read_file`, which keeps the bad lines for quarantine."""
    got = read_file(path, sheet)
    _no_bad(got)
    return [(p.sheet, p.frame) for p in got.parts]
