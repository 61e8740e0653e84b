"""Read a list of candidate people (for sponsorship) from CSV, XLSX or Parquet.

Columns are matched by name (``nik``/``no_ktp``, ``nama``, ``tgl_lahir``, ``desa``/
``village_code``, ``pekerjaan``/``occupation``, and any flag columns such as ``miskin``).
Rows whose NIK or village code cannot be used, and lines the reading layer could not read,
are returned separately with the reason, so nothing is lost: rows read = candidates +
rejected (+ blank lines skipped).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

from cakupan.identity.nik import validate_nik_frame
from cakupan.ingest.dates import YearRule, parse_date
from cakupan.ingest.readers import ROW, IngestError, read_file

ALIASES = {
    "nik": ("nik", "no_ktp", "nomor_ktp", "no_nik"),
    "name": ("name", "nama", "nama_lengkap"),
    "birth_date": ("birth_date", "tgl_lahir", "tanggal_lahir"),
    "village_code": ("village_code", "kode_desa", "kode_kelurahan", "desa_kode"),
    "occupation": ("occupation", "pekerjaan", "profesi"),
    "phone": ("phone", "no_hp", "hp", "telepon"),
}
TRUE = ("1", "true", "ya", "y", "yes", "benar", "v", "x")
SCHEMA = pa.schema([("row", pa.int64()), ("nik", pa.string()), ("name", pa.string()),
                    ("birth_date", pa.date32()), ("sex", pa.string()), ("village_code", pa.string()),
                    ("occupation", pa.string()), ("phone", pa.string())])


def _pick(df: pl.DataFrame, want: str) -> str | None:
    return next((c for c in ALIASES[want] if c in df.columns), None)


def read_candidates(path: str | Path, flags: list[str]) -> tuple[pa.Table, pl.DataFrame]:
    """(usable candidates typed by SCHEMA plus one boolean column per flag found,
    rejected rows with ``row`` and ``reason``); every row read is in exactly one."""
    got = read_file(path)
    frames = [p.frame for p in got.parts]
    df = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    cols = {k: _pick(df, k) for k in ALIASES}
    if not cols["nik"] or not cols["village_code"]:
        raise IngestError(f"{Path(path).name}: daftar kandidat perlu kolom NIK (nik / no_ktp) dan kolom "
                          f"kode desa (village_code / kode_desa); kolom yang ada: "
                          f"{', '.join(c for c in df.columns if c != ROW)}")
    lf = df.lazy().select(
        pl.col(ROW).alias("row"), pl.col(cols["nik"]).alias("nik_raw"),
        *[(pl.col(cols[k]) if cols[k] else pl.lit(None, pl.String)).alias(k)
          for k in ("name", "birth_date", "occupation", "phone")],
        pl.col(cols["village_code"]).str.replace_all(r"[.\s]", "").replace("", None).alias("village_code"),
        *[pl.col(f).str.strip_chars().str.to_lowercase().is_in(TRUE).fill_null(False).alias(f)
          for f in flags if f in df.columns],
    )
    out = validate_nik_frame(lf, "nik_raw", prefix="_n").collect()
    village_ok = pl.col("village_code").str.contains(r"^\d{10}$").fill_null(False)
    bad = out.filter(~pl.col("_n_valid")).select("row", reason=pl.col("_n_message"))
    bad = bad.vstack(out.filter(pl.col("_n_valid") & pl.col("village_code").is_null())
                     .select("row", reason=pl.lit("kode desa kosong: isi kode desa 10 digit Kemendagri")))
    bad = bad.vstack(out.filter(pl.col("_n_valid") & pl.col("village_code").is_not_null() & ~village_ok)
                     .select("row", reason=pl.lit("kode desa harus 10 digit Kemendagri")))
    lines = pl.DataFrame([{"row": b.line, "reason": b.reason} for _, b in got.bad_lines()],
                         schema={"row": pl.Int64, "reason": pl.String}, orient="row")
    bad = pl.concat([bad.with_columns(pl.col("row").cast(pl.Int64)), lines]).sort("row")
    good = out.filter(pl.col("_n_valid") & village_ok)
    if good.height + bad.height + got.skipped != got.read:
        raise AssertionError(f"candidates lost rows: read {got.read}, usable {good.height}, "
                             f"rejected {bad.height}, skipped {got.skipped}")
    typed = good.select(
        "row", pl.col("_n_clean").alias("nik"), "name",
        pl.coalesce(parse_date(pl.col("birth_date"), YearRule.birth()), pl.col("_n_birth_date")).alias("birth_date"),
        pl.col("_n_sex").alias("sex"), "village_code",
        pl.col("occupation").str.strip_chars().str.to_lowercase(), "phone",
        *[f for f in flags if f in df.columns],
    )
    return typed.to_arrow().cast(pa.schema(list(SCHEMA) + [
        pa.field(f, pa.bool_()) for f in flags if f in df.columns])), bad
