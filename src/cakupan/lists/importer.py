"""Import a partner's list (CSV, XLSX, Parquet): map its columns, normalise identities,
keep every row — usable rows in ``list_rows``, the rest in ``quarantine`` with the reason.

A row is usable when it carries a structurally valid NIK, or a name with a birth date (the
probabilistic matcher needs at least that). A bad NIK on a row that still has a name and a
birth date is kept, flagged with the NIK problem, so matching can try without it.
Each import of a source is a version; importing the same file again changes nothing.
Lines the reading layer cannot read (ragged, unbalanced quotes, control characters, an
over-long field) go to quarantine with their line number; blank and title lines are counted
as skipped: rows read = accepted + quarantined + skipped.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa

from cakupan.identity.names import name_key_expr
from cakupan.identity.nik import validate_nik_frame
from cakupan.ingest.dates import DATE_REASONS, YearRule, parse_dates
from cakupan.ingest.load import bad_line_rows, file_sha256
from cakupan.ingest.readers import ROW, IngestError, read_file
from cakupan.ingest.validate import SEX_SYNONYMS
from cakupan.lists.columns import guess_columns

LIST_ROWS = "list_rows"
LIST_IMPORTS = "list_imports"
SHEET = "_sheet"
SOURCE_MAX = 64
SOURCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def check_source(source: str) -> str:
    """A list's name as given to ``--source``: letters, digits, ``.``, ``_`` and ``-``,
    at most :data:`SOURCE_MAX` characters (it becomes part of file names)."""
    name = (source or "").strip()
    if not name:
        raise IngestError("beri nama daftar (--source), misalnya pasar-johar-2022")
    if len(name) > SOURCE_MAX:
        raise IngestError(f"nama daftar terlalu panjang ({len(name)} karakter, paling banyak {SOURCE_MAX}); "
                          "pakai nama pendek, misalnya pasar-johar-2022")
    if not SOURCE_RE.match(name):
        raise IngestError(f"nama daftar {name[:40]!r} hanya boleh berisi huruf, angka, titik, garis bawah "
                          "dan tanda hubung, diawali huruf atau angka; misalnya pasar-johar-2022")
    return name


def safe_file_part(text: str) -> str:
    """``text`` as part of a file name: only letters, digits, ``.``, ``_``, ``-``; bounded."""
    out = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "daftar"
    return out[:SOURCE_MAX]


@dataclass
class ListImport:
    source: str
    file: str
    sha256: str
    import_id: str = ""
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    skipped: int = 0
    already_imported: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    nik_problems: dict[str, int] = field(default_factory=dict)
    date_problems: dict[str, int] = field(default_factory=dict)
    """Rows whose birth date could not be read, per reason (``date_unreadable``...)."""
    date_rule: str = ""
    reasons: dict[str, int] = field(default_factory=dict)
    """Quarantined rows per reason code."""
    reading: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


def _text(df: pl.DataFrame, header: str | None) -> pl.Expr:
    if header is None:
        return pl.lit(None, pl.String)
    return pl.col(header).cast(pl.String).str.strip_chars().replace("", None)


def normalise(df: pl.DataFrame, cols: dict[str, str], segment: str | None,
              occupation: str | None, today: date | None = None) -> pl.DataFrame:
    """The list in canonical columns (strings in, typed identity columns out); the birth
    date's problem, if it cannot be read, in ``date_problem``."""
    place_date = _text(df, cols.get("birth_place_date"))
    date_text = pl.coalesce(_text(df, cols.get("birth_date")),
                            place_date.str.split(",").list.last().str.strip_chars())
    sex = _text(df, cols.get("sex")).str.to_uppercase().str.replace_all(r"[\s\-]+", "_")
    birth, date_problem = parse_dates(date_text, YearRule.birth(today))
    out = df.select(
        pl.col(ROW).cast(pl.Int64).alias("row_number"),
        (pl.col(SHEET) if SHEET in df.columns else pl.lit(None, pl.String)).alias("sheet"),
        _text(df, cols.get("nik")).alias("nik_raw"),
        _text(df, cols.get("name")).str.replace_all(r"\s+", " ").alias("name"),
        birth.alias("birth_date"), date_problem.alias("date_problem"),
        pl.when(sex.is_in(["L", "P"])).then(sex).otherwise(sex.replace_strict(SEX_SYNONYMS, default=None)).alias("sex"),
        *[_text(df, cols.get(f)).alias(f) for f in
          ("address", "village", "district", "regency", "village_code", "jkn_number")],
        _text(df, cols.get("phone")).str.replace_all(r"[^\d+]", "").str.replace(r"^\+?62", "0").alias("phone"),
        pl.coalesce(_text(df, cols.get("occupation")).str.to_lowercase(), pl.lit(occupation)).alias("occupation"),
        pl.lit(segment, pl.String).alias("segment"),
    )
    out = validate_nik_frame(out, "nik_raw", prefix="_n")
    out = out.with_columns(
        nik=pl.when(pl.col("_n_valid")).then(pl.col("_n_clean")),
        nik_birth_date=pl.when(pl.col("_n_valid")).then(pl.col("_n_birth_date")),
        nik_sex=pl.when(pl.col("_n_valid")).then(pl.col("_n_sex")),
        nik_problem=pl.col("_n_problem"), nik_warning=pl.col("_n_warning"),
        nik_conflict=(pl.col("_n_valid") & pl.col("birth_date").is_not_null()
                      & (pl.col("_n_birth_date") != pl.col("birth_date")))
        | (pl.col("_n_valid") & pl.col("sex").is_not_null() & (pl.col("_n_sex") != pl.col("sex"))),
    ).drop([c for c in out.columns if c.startswith("_n_")])
    return out.with_columns(row_key=row_key(out), name_key=name_key_expr(pl.col("name")))


IDENTITY_FIELDS = ("nik_raw", "name", "birth_date", "sex", "village", "district", "regency",
                   "village_code")


def row_key(df: pl.DataFrame) -> pl.Series:
    """A stable key of a row's identity fields: the same person written the same way gets
    the same key in any version of any list, so earlier matching decisions are reused."""
    text = df.select(pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in IDENTITY_FIELDS],
                                   separator="\x1f")).to_series()
    return pl.Series("row_key", [hashlib.blake2b(t.encode(), digest_size=10).hexdigest() for t in text],
                     dtype=pl.String)


def usable() -> pl.Expr:
    return pl.col("nik").is_not_null() | (pl.col("name").is_not_null() & pl.col("birth_date").is_not_null())


def import_list(wh, path: str | Path, source: str, segment: str | None = None,
                occupation: str | None = None, columns: dict[str, str] | None = None,
                sheet: str | None = None, replace: bool = False, encoding: str | None = None,
                delimiter: str | None = None, field_limit: int | None = None,
                today: date | None = None) -> ListImport:
    """Read, map, normalise and store one version of a partner's list, atomically.
    The same file again changes nothing unless ``replace`` (then it is a new version)."""
    if wh.engine != "duckdb":
        raise IngestError("daftar diimpor ke gudang DuckDB: jalankan tanpa --engine spark")
    source = check_source(source)
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"file {path} tidak ditemukan; periksa nama dan foldernya")
    report = ListImport(source=source, file=str(path), sha256=file_sha256(path))
    raw = wh.con.con
    if LIST_IMPORTS in wh.con.list_tables() and not replace:
        cols = {r[0] for r in raw.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema()", [LIST_IMPORTS]).fetchall()}
        skipped = "skipped" if "skipped" in cols else "0"
        prev = raw.execute(f"SELECT import_id, rows_read, accepted, quarantined, {skipped} FROM {LIST_IMPORTS} "
                           "WHERE source = ? AND sha256 = ?", [source, report.sha256]).fetchall()
        if prev:
            (report.import_id, report.rows_read, report.accepted, report.quarantined,
             report.skipped) = prev[0]
            report.already_imported = True
            return report
    got = read_file(path, sheet, encoding=encoding, delimiter=delimiter, field_limit=field_limit)
    report.reading, report.sheets = got.describe(), [p.sheet for p in got.parts if p.sheet]
    frames = [p.frame.with_columns(pl.lit(p.sheet).alias(SHEET)) if p.sheet else p.frame for p in got.parts]
    df = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    report.columns = guess_columns(df.columns, columns)
    rows = normalise(df, report.columns, segment, occupation, today)
    keep = rows.select(usable().alias("_ok"))["_ok"]
    ok, bad = rows.filter(keep), rows.filter(~keep)
    report.skipped = got.skipped
    report.rows_read = got.read
    lines = bad_line_rows(got)
    report.accepted, report.quarantined = ok.height, bad.height + lines.height
    if report.rows_read != report.accepted + report.quarantined + report.skipped:
        raise AssertionError(f"list rows lost: read {report.rows_read}, accepted {report.accepted}, "
                             f"quarantined {report.quarantined}, skipped {report.skipped}")
    if "nik" in report.columns:  # a list without a NIK column has no NIK problems to tell
        report.nik_problems = dict(ok.filter(pl.col("nik_problem").is_not_null())
                                   .group_by("nik_problem").len().iter_rows())
    report.date_problems = dict(sorted(rows.filter(pl.col("date_problem").is_not_null())
                                       .group_by("date_problem").len().iter_rows()))
    if "birth_date" in report.columns or "birth_place_date" in report.columns:
        report.date_rule = YearRule.birth(today).describe()
    report.import_id = uuid.uuid4().hex
    stored = ok.drop("date_problem").with_columns(pl.lit(source).alias("source"),
                                                  pl.lit(report.import_id).alias("import_id"))
    source_data = [c for c in df.columns if c not in (ROW, SHEET)]
    raw_text = df.filter(~keep).select(pl.struct([pl.col(c) for c in source_data]).struct.json_encode())
    unusable = bad.select(
        pl.col("sheet"), pl.col("row_number"),
        pl.lit("unusable_identity").alias("reason_code"),
        pl.when(pl.col("date_problem").is_not_null())
        .then(pl.lit("tanpa NIK yang valid, dan tanggal lahirnya tidak terbaca: lengkapi NIK "
                     "atau tulis tanggal lahir DD-MM-YYYY"))
        .otherwise(pl.lit("tanpa NIK yang valid dan tanpa nama + tanggal lahir: tidak bisa dicocokkan; "
                          "lengkapi NIK atau nama dan tanggal lahir")).alias("reason"),
    ).with_columns(raw_text.to_series().alias("raw"))
    lines = lines.select(pl.col(SHEET).alias("sheet"), pl.col(ROW).alias("row_number"),
                         "reason_code", "reason", "raw")
    quarantine = pl.concat([unusable, lines]).select(
        pl.lit(report.import_id).alias("import_id"), pl.lit(f"list:{source}").alias("table_name"),
        pl.lit(str(path)).alias("source_file"), "sheet", "row_number", "reason_code", "reason", "raw")
    report.reasons = dict(sorted(quarantine.group_by("reason_code").len().iter_rows()))
    meta = pa.Table.from_pylist([{
        "import_id": report.import_id, "source": source, "file": str(path), "sha256": report.sha256,
        "rows_read": report.rows_read, "accepted": report.accepted, "quarantined": report.quarantined,
        "imported_at": datetime.now(UTC).replace(tzinfo=None), "skipped": report.skipped}])
    if LIST_IMPORTS in wh.con.list_tables():
        raw.execute(f"ALTER TABLE {LIST_IMPORTS} ADD COLUMN IF NOT EXISTS skipped BIGINT DEFAULT 0").fetchall()
    tables = {LIST_ROWS: stored.to_arrow(), LIST_IMPORTS: meta}
    if quarantine.height:
        tables["quarantine"] = quarantine.to_arrow()
    wh.append(tables)
    return report
