"""Import one file into the DuckDB warehouse: read, validate, upsert, quarantine, log.

Everything one import writes -- the upserted rows, its quarantine rows and its line in
``imports`` -- happens in one DuckDB transaction: a failed import leaves the warehouse
exactly as it was. Importing the same file (same SHA-256, same table, same sheet choice)
again changes nothing and reports ``already_imported=True``.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import polars as pl
import pyarrow as pa

from cakupan.contracts import CONTRACTS, Contract
from cakupan.ingest.readers import ROW, FileRead, IngestError, read_file
from cakupan.ingest.validate import SHEET, check_columns, validate_frame
from cakupan.warehouse import fetch, quote

QUARANTINE_DDL = """CREATE TABLE IF NOT EXISTS quarantine (
    import_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, source_file VARCHAR NOT NULL,
    sheet VARCHAR, row_number BIGINT NOT NULL, reason_code VARCHAR NOT NULL,
    reason VARCHAR NOT NULL, raw VARCHAR NOT NULL)"""
IMPORTS_DDL = """CREATE TABLE IF NOT EXISTS imports (
    import_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, source_file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL, rows_read BIGINT NOT NULL, accepted BIGINT NOT NULL,
    inserted BIGINT NOT NULL, updated BIGINT NOT NULL, unchanged BIGINT NOT NULL,
    quarantined BIGINT NOT NULL, imported_at TIMESTAMP NOT NULL, sheet VARCHAR,
    skipped BIGINT DEFAULT 0)"""
COUNT_COLUMNS = ("rows_read", "accepted", "inserted", "updated", "unchanged", "quarantined", "skipped")


@dataclass
class ImportReport:
    """What one import did. ``rows_read == accepted + quarantined + skipped`` and
    ``accepted == inserted + updated + unchanged`` always hold."""

    table: str
    source: str
    sha256: str
    rows_read: int = 0
    accepted: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    skipped: int = 0
    """Blank lines and title lines above the header: counted, not rows."""
    import_id: str = ""
    already_imported: bool = False
    reasons: dict[str, int] = field(default_factory=dict)
    """Quarantined rows per reason code (a row with several problems counts under each)."""
    warnings: dict[str, int] = field(default_factory=dict)
    """Accepted rows with a warning, per code (``unknown_district``)."""
    sheets: list[str] = field(default_factory=list)
    replaced: str | None = None
    """With ``replace``: the earlier import of the same file that this one repeated."""
    reading: list[str] = field(default_factory=list)
    """How the file was read (encoding, delimiter, sheets, header row), in Indonesian."""


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_q = quote
_fetch = fetch


def table_ddl(contract: Contract) -> str:
    """``CREATE TABLE IF NOT EXISTS`` with exactly the contract's columns and types."""
    from ibis.backends.sql.datatypes import DuckDBType

    cols = ", ".join(
        f"{_q(name)} {DuckDBType.from_ibis(dtype).sql('duckdb')}{'' if dtype.nullable else ' NOT NULL'}"
        for name, dtype in contract.schema.items()
    )
    return f"CREATE TABLE IF NOT EXISTS {_q(contract.name)} ({cols})"


def _ensure_tables(raw, contract: Contract) -> None:
    for ddl in (table_ddl(contract), QUARANTINE_DDL, IMPORTS_DDL):
        _fetch(raw, ddl)
    _fetch(raw, "ALTER TABLE imports ADD COLUMN IF NOT EXISTS skipped BIGINT DEFAULT 0")
    have = {r[0] for r in _fetch(
        raw, "SELECT column_name FROM information_schema.columns "
             "WHERE table_name = ? AND table_schema = current_schema()", [contract.name])}
    missing = [c for c in contract.names if c not in have]
    if missing:
        raise IngestError(
            f"tabel {contract.name} di warehouse tidak punya kolom {', '.join(missing)}; "
            "buat ulang tabelnya (mis. `cakupan synth`) atau pakai warehouse baru"
        )


def _previous(raw, table: str, sha: str, sheet: str | None) -> tuple | None:
    if not _fetch(raw, "SELECT 1 FROM information_schema.tables WHERE table_name = 'imports' "
                       "AND table_schema = current_schema()"):
        return None
    cols = {r[0] for r in _fetch(raw, "SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'imports' AND table_schema = current_schema()")}
    counts = [c if c in cols else "0" for c in COUNT_COLUMNS]
    rows = _fetch(
        raw, f"SELECT import_id, {', '.join(counts)} FROM imports "
             "WHERE table_name = ? AND sha256 = ? AND sheet IS NOT DISTINCT FROM ? "
             "ORDER BY imported_at DESC LIMIT 1", [table, sha, sheet])
    return rows[0] if rows else None


def _reason_counts(raw, import_id: str) -> dict[str, int]:
    rows = _fetch(raw, "SELECT code, count(*) FROM (SELECT unnest(string_split(reason_code, ',')) "
                       "AS code FROM quarantine WHERE import_id = ?) GROUP BY code ORDER BY code",
                  [import_id])
    return {code: int(n) for code, n in rows}


def _upsert(wh, contract: Contract, incoming: str) -> tuple[int, int, int]:
    """Insert new keys, replace changed rows, leave identical rows; returns the counts
    (inserted, updated, unchanged). Keys compare with IS NOT DISTINCT FROM (nullable
    workforce keys: empty = all)."""
    c = wh.upsert(contract.name, incoming, contract.key, contract.names)
    return c.inserted, c.updated, c.unchanged


def _write_quarantine(raw, view: str) -> None:
    _fetch(raw, f"INSERT INTO quarantine SELECT import_id, table_name, source_file, sheet, "
                f"row_number, reason_code, reason, raw FROM {view}")


def _write_import(raw, report: ImportReport, sheet: str | None) -> None:
    now_utc = datetime.now(timezone.utc).replace(tzinfo=None)  # imported_at is UTC
    cols = ("import_id", "table_name", "source_file", "sha256", *COUNT_COLUMNS, "imported_at", "sheet")
    _fetch(raw, f"INSERT INTO imports ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
           [report.import_id, report.table, report.source, report.sha256,
            *[getattr(report, c) for c in COUNT_COLUMNS], now_utc, sheet])


def _read(path: Path, contract: Contract, sheet: str | None,
          **how) -> tuple[pl.DataFrame, list[str], FileRead]:
    """The file's rows (every table concatenated, ``_sheet`` added for sheets), the sheet
    names, and the whole reading (bad lines, skipped counts, how it was read)."""
    got = read_file(path, sheet, **how)
    frames, names = [], []
    for part in got.parts:
        df = part.frame
        where = path.name if part.sheet is None else f"{path.name}, sheet '{part.sheet}'"
        check_columns(contract, df, where)
        if part.sheet is not None:
            df = df.with_columns(pl.lit(part.sheet).alias(SHEET))
            names.append(part.sheet)
        frames.append(df)
    df = frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal", rechunk=True)
    return df, names, got


def bad_line_rows(got: FileRead) -> pl.DataFrame:
    """The file's bad lines as quarantine rows (``_row``, ``_sheet``, code, reason, raw)."""
    rows = [{ROW: b.line, SHEET: sheet, "reason_code": b.code, "reason": b.reason, "raw": b.raw}
            for sheet, b in got.bad_lines()]
    schema = {ROW: pl.Int64, SHEET: pl.String, "reason_code": pl.String, "reason": pl.String,
              "raw": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def import_file(wh, table: str, path: str | Path, sheet: str | None = None,
                progress: Callable[[str], None] | None = None,
                today: date | None = None, replace: bool = False, encoding: str | None = None,
                delimiter: str | None = None, field_limit: int | None = None) -> ImportReport:
    """Validate ``path`` against contract ``table`` and load it into the DuckDB warehouse.

    Accepted rows are upserted by the contract key into table ``table`` (created from the
    contract when missing), quarantined rows go to ``quarantine`` and one row per import to
    ``imports`` -- all in one transaction. ``progress`` receives short status lines.
    A file imported before (same SHA-256, table and sheet choice) changes nothing unless
    ``replace``: then it is imported again as a new import (``replaced`` names the earlier
    one, which stays in the log with its quarantine rows). ``encoding``, ``delimiter`` and
    ``field_limit`` override what the reading layer would detect or default to.
    """
    say = progress or (lambda _msg: None)
    if getattr(wh, "engine", None) != "duckdb":
        raise IngestError(
            "import writes the DuckDB warehouse only: import without --engine spark, "
            "then run `cakupan warehouse export` to give the tables to Spark"
        )
    if table not in CONTRACTS:
        raise IngestError(f"tabel '{table}' tidak dikenal; pilihan: {', '.join(CONTRACTS)}")
    contract = CONTRACTS[table]
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"file {path} tidak ditemukan; periksa nama dan foldernya")
    sha = file_sha256(path)
    report = ImportReport(table=table, source=str(path), sha256=sha)
    raw = wh.con.con

    prev = _previous(raw, table, sha, sheet)
    if prev is not None and replace:
        report.replaced = prev[0]
    elif prev is not None:
        report.import_id, report.already_imported = prev[0], True
        for name, value in zip(COUNT_COLUMNS, prev[1:]):
            setattr(report, name, int(value))
        report.reasons = _reason_counts(raw, report.import_id)
        say(f"{path.name} sudah pernah diimpor ({report.import_id}); tidak ada yang berubah")
        return report

    say(f"membaca {path.name}")
    df, report.sheets, got = _read(path, contract, sheet, encoding=encoding, delimiter=delimiter,
                                   field_limit=field_limit)
    report.rows_read, report.skipped, report.reading = got.read, got.skipped, got.describe()
    say(f"memeriksa {df.height} baris")
    result = validate_frame(contract, df, today=today)
    q = result.quarantined
    bad = bad_line_rows(got)
    if bad.height:
        if SHEET not in q.columns:
            q = q.with_columns(pl.lit(None, dtype=pl.String).alias(SHEET))
        q = pl.concat([q.select(bad.columns), bad], how="vertical")
    report.accepted, report.quarantined = result.accepted.num_rows, q.height
    report.warnings = result.warnings
    if report.rows_read != report.accepted + report.quarantined + report.skipped:
        raise AssertionError(f"rows read {report.rows_read} != accepted {report.accepted} "
                             f"+ quarantined {report.quarantined} + skipped {report.skipped}")
    report.import_id = uuid.uuid4().hex
    quarantine: pa.Table = q.select(
        pl.lit(report.import_id).alias("import_id"), pl.lit(table).alias("table_name"),
        pl.lit(report.source).alias("source_file"),
        (pl.col(SHEET) if SHEET in q.columns else pl.lit(None, dtype=pl.String)).alias("sheet"),
        pl.col(ROW).cast(pl.Int64).alias("row_number"), "reason_code", "reason", "raw",
    ).to_arrow()
    report.reasons = dict(sorted(
        q.select(pl.col("reason_code").str.split(",").explode()).to_series().value_counts()
        .iter_rows()))

    incoming, qview = f"_cakupan_in_{report.import_id}", f"_cakupan_q_{report.import_id}"
    say(f"menyimpan {report.accepted} baris diterima, {report.quarantined} dikarantina")
    try:
        with wh.transaction({incoming: result.accepted, qview: quarantine}) as raw:
            again = _previous(raw, table, sha, sheet)  # another process may have won the race
            if again is not None and again[0] != report.replaced:
                raise _Again()
            _ensure_tables(raw, contract)
            say(f"memperbarui tabel {table}")
            report.inserted, report.updated, report.unchanged = _upsert(wh, contract, incoming)
            if report.inserted + report.updated + report.unchanged != report.accepted:
                raise AssertionError(
                    f"accepted {report.accepted} != inserted {report.inserted} + updated "
                    f"{report.updated} + unchanged {report.unchanged} (duplicate keys in "
                    f"table {table}?)")
            say("menulis karantina")
            _write_quarantine(raw, qview)
            _write_import(raw, report, sheet)
            say("menyelesaikan transaksi")
    except _Again:
        return import_file(wh, table, path, sheet, progress, today, encoding=encoding,
                           delimiter=delimiter, field_limit=field_limit)
    say(f"selesai: {report.inserted} baru, {report.updated} diperbarui, "
        f"{report.unchanged} sama, {report.quarantined} dikarantina")
    return report


class _Again(Exception):
    """The same file was imported by another writer meanwhile (raised to roll back)."""
