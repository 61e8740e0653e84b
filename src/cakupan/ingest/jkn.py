"""Import a BPJS Kesehatan (JKN) membership extract: nothing lost, every row accounted for.

The file is read by the shared reading layer (:func:`cakupan.ingest.readers.read_table_file`:
CSV, XLSX, Parquet, every value as text, ``_row`` the row number a person sees); headers
in Indonesian or English are mapped to :data:`FIELDS`. :func:`normalise` is pure (a frame
of strings in, accepted rows and quarantined rows out, ``read = accepted + quarantined``);
:func:`import_extract` stores both in one transaction. A usable row has a JKN segment, a
period, a status, an identity (a valid NIK, or a name with a birth date) and, for a PPU
wage earner, an employer and a wage. A bad NIK on an otherwise usable row is kept with
the NIK set aside (``nik_raw``), so the reconciliation can find the person by name and
birth date. NPWPs are checked with python-stdnum (old 15-digit and new 16-digit forms);
an invalid one is kept raw and not used to link employers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa

from cakupan.identity.nik import validate_nik_frame
from cakupan.ingest.readers import ROW, IngestError, normalise_header, read_table_file

MEMBERS = "jkn_members"
IMPORTS = "jkn_imports"
FIELDS = ("jkn_number", "nik", "name", "birth_date", "sex", "village_code", "segment", "class",
          "employer_id", "employer_name", "employer_npwp", "employer_regency", "wage", "status", "period")
SEGMENTS = ("PPU", "PBPU", "PBI", "BP")
STATUSES = ("AKTIF", "NONAKTIF")
HEADERS = {
    # after normalise_header (which already maps nama, tgl_lahir, jenis_kelamin, kode_desa,
    # segmen, gaji/upah and periode to the English field names)
    "no_kartu": "jkn_number", "nomor_kartu": "jkn_number", "no_kartu_jkn": "jkn_number",
    "no_jkn": "jkn_number", "card_number": "jkn_number", "jkn_card": "jkn_number",
    "kelas": "class", "kelas_rawat": "class", "hak_kelas": "class",
    "kode_badan_usaha": "employer_id", "kode_bu": "employer_id", "kd_bu": "employer_id",
    "employer_code": "employer_id",
    "nama_badan_usaha": "employer_name", "nama_bu": "employer_name", "employer": "employer_name",
    "npwp_badan_usaha": "employer_npwp", "npwp_bu": "employer_npwp", "npwp": "employer_npwp",
    "employer_tax_id": "employer_npwp",
    "kab/kota_badan_usaha": "employer_regency", "kab_kota_badan_usaha": "employer_regency",
    "kab/kota_bu": "employer_regency", "kab_kota_bu": "employer_regency", "kode_kab_bu": "employer_regency",
    "employer_regency_code": "employer_regency",
    "status_peserta": "status", "status_kepesertaan": "status", "membership_status": "status",
    "gender": "sex", "date_of_birth": "birth_date", "salary": "wage", "reported_wage": "wage",
    "jkn_segment": "segment", "segmen_peserta": "segment", "month": "period", "bulan": "period",
}
SEX_WORDS = {"L": "L", "LAKI_LAKI": "L", "LAKI": "L", "PRIA": "L", "M": "L", "MALE": "L",
             "P": "P", "PEREMPUAN": "P", "WANITA": "P", "F": "P", "FEMALE": "P"}
SEGMENT_WORDS = {"PPU": "PPU", "PEKERJA_PENERIMA_UPAH": "PPU", "PBPU": "PBPU",
                 "PEKERJA_BUKAN_PENERIMA_UPAH": "PBPU", "MANDIRI": "PBPU", "PBI": "PBI", "PBI_JK": "PBI",
                 "PBI_APBN": "PBI", "PBI_APBD": "PBI", "PEMDA": "PBI", "BP": "BP",
                 "BUKAN_PEKERJA": "BP"}
STATUS_WORDS = {"AKTIF": "AKTIF", "ACTIVE": "AKTIF", "NONAKTIF": "NONAKTIF", "NON_AKTIF": "NONAKTIF",
                "TIDAK_AKTIF": "NONAKTIF", "INACTIVE": "NONAKTIF"}
REASONS = {
    "bad_segment": "segmen JKN kosong atau tidak dikenal; isi PPU, PBPU, PBI atau BP",
    "bad_period": "periode kosong atau bukan bulan; tulis YYYY-MM, misalnya 2021-11",
    "bad_status": "status kosong atau tidak dikenal; isi AKTIF atau NONAKTIF",
    "no_identity": "tanpa NIK yang valid dan tanpa nama + tanggal lahir; lengkapi NIK atau nama dan tanggal lahir",
    "ppu_no_employer": "peserta PPU tanpa kode badan usaha; isi kode badan usaha pemberi kerja",
    "ppu_bad_wage": "peserta PPU tanpa gaji yang bisa dibaca; isi gaji bulanan dalam rupiah (angka)",
    "bad_regency": "kab/kota badan usaha bukan kode Kemendagri 4 angka (33.74 atau 3374)",
}


@dataclass
class JknImport:
    file: str
    import_id: str = ""
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    bad_nik: int = 0
    bad_npwp: int = 0
    already_imported: bool = False


def map_headers(df: pl.DataFrame) -> pl.DataFrame:
    """Rename the reader's normalised headers to :data:`FIELDS` (Indonesian or English)."""
    names = {c: c if c == ROW else HEADERS.get(normalise_header(c), normalise_header(c)) for c in df.columns}
    seen: dict[str, str] = {}
    for old, new in names.items():
        if new in FIELDS and new in seen:
            raise IngestError(f"kolom '{seen[new]}' dan '{old}' sama-sama berarti '{new}'; hapus salah satunya")
        seen[new] = old
    df = df.rename(names)
    if "nik" not in df.columns and "name" not in df.columns:
        raise IngestError("ekstrak JKN tanpa kolom NIK maupun NAMA: periksa baris judulnya")
    return df.with_columns([pl.lit(None, pl.String).alias(f) for f in FIELDS if f not in df.columns])


def parse_date(s: pl.Expr) -> pl.Expr:
    """``1990-01-31``, ``31/01/1990`` or ``31-01-1990`` (a time part is ignored)."""
    t = s.str.strip_chars().str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
    return pl.coalesce(t.str.to_date("%Y-%m-%d", strict=False), t.str.to_date("%d/%m/%Y", strict=False),
                       t.str.to_date("%d-%m-%Y", strict=False))


def _word(col: str, words: dict[str, str]) -> pl.Expr:
    key = pl.col(col).str.strip_chars().str.to_uppercase().str.replace_all(r"[\s\-]+", "_")
    return key.replace_strict(words, default=None, return_dtype=pl.String)


def npwp_check(values: pl.Series) -> pl.Series:
    """The NPWP as digits when python-stdnum accepts it (15 digits, or 16 starting with 0,
    or a resident's NIK as 16 digits), else null; checked once per distinct value."""
    from stdnum.id import npwp

    def valid(v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        try:
            return npwp.validate(v)
        except Exception:
            return None

    uniq = values.drop_nulls().unique()
    good = {v: valid(v) for v in uniq.to_list()}
    return values.replace_strict(good, default=None, return_dtype=pl.String)


def normalise(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(accepted, quarantined)`` from a frame of strings with ``_row`` (the reader's).

    Accepted rows have typed fields, ``nik`` only when valid (the value written in
    ``nik_raw``), ``npwp_valid``; quarantined rows keep ``row_number``, ``reason_code``,
    an Indonesian ``reason`` and the raw values as JSON.
    """
    df = map_headers(df)
    df = df.with_columns([pl.col(c).str.strip_chars().replace("", None) for c in FIELDS])
    raw_json = pl.struct([c for c in df.columns if c != ROW]).struct.json_encode()
    t = df.with_columns(raw=raw_json, nik_raw=pl.col("nik"))
    t = validate_nik_frame(t.with_columns(pl.col("nik").fill_null("")), "nik", prefix="n")
    digits = pl.col("employer_regency").str.replace_all(r"\D", "")
    wage = pl.col("wage").str.strip_chars().str.replace_all(r"[.\s]|,00$", "").cast(pl.Int64, strict=False)
    t = t.with_columns(
        nik=pl.when("n_valid").then(pl.col("n_clean")),
        name=pl.col("name").str.strip_chars().replace("", None),
        birth_date=parse_date(pl.col("birth_date")),
        sex=_word("sex", SEX_WORDS),
        segment=_word("segment", SEGMENT_WORDS), status=_word("status", STATUS_WORDS),
        period=pl.col("period").str.strip_chars().str.extract(r"^(\d{4}-(0[1-9]|1[0-2]))$", 1),
        employer_id=pl.col("employer_id").str.strip_chars().replace("", None),
        employer_name=pl.col("employer_name").str.strip_chars().replace("", None),
        employer_regency=pl.when(digits.str.len_chars() == 4).then(digits),
        regency_bad=pl.col("employer_regency").is_not_null() & (digits.str.len_chars() != 4),
        wage=wage, village_code=pl.col("village_code").str.replace_all(r"\D", "").replace("", None),
        jkn_number=pl.col("jkn_number").str.strip_chars(), klass=pl.col("class").str.strip_chars(),
    )
    t = t.with_columns(birth_date=pl.coalesce("birth_date", "n_birth_date"), sex=pl.coalesce("sex", "n_sex"))
    ppu = pl.col("segment") == "PPU"
    problems = [
        ("bad_segment", pl.col("segment").is_null()),
        ("bad_period", pl.col("period").is_null()),
        ("bad_status", pl.col("status").is_null()),
        ("no_identity", pl.col("nik").is_null() & (pl.col("name").is_null() | pl.col("birth_date").is_null())),
        ("ppu_no_employer", ppu & pl.col("employer_id").is_null()),
        ("ppu_bad_wage", ppu & (pl.col("wage").is_null() | (pl.col("wage") < 0))),
        ("bad_regency", pl.col("regency_bad")),
    ]
    t = t.with_columns(reason_code=pl.coalesce([pl.when(cond.fill_null(False)).then(pl.lit(code))
                                                for code, cond in problems]))
    bad = t.filter(pl.col("reason_code").is_not_null()).select(
        row_number=ROW, reason_code="reason_code",
        reason=pl.col("reason_code").replace_strict(REASONS, return_dtype=pl.String), raw="raw")
    ok = t.filter(pl.col("reason_code").is_null())
    ok = ok.with_columns(employer_npwp_raw=pl.col("employer_npwp"),
                         employer_npwp=npwp_check(ok["employer_npwp"]))
    accepted = ok.select(
        row_number=ROW, jkn_number="jkn_number", nik="nik",
        nik_raw=pl.col("nik_raw"), name="name", birth_date="birth_date", sex="sex",
        village_code="village_code", segment="segment", jkn_class="klass", employer_id="employer_id",
        employer_name="employer_name", employer_npwp="employer_npwp",
        employer_npwp_raw="employer_npwp_raw", employer_regency="employer_regency", wage="wage",
        status="status", period="period")
    return accepted, bad


def import_extract(wh, path: str | Path, sheet: str | None = None, replace: bool = False) -> JknImport:
    """Read, check and store one JKN extract atomically (accepted rows in ``jkn_members``,
    the rest in ``quarantine``). The same file again changes nothing unless ``replace``;
    rows of the periods the file holds replace that period's earlier rows."""
    from cakupan.ingest.load import QUARANTINE_DDL, file_sha256

    if wh.engine != "duckdb":
        raise IngestError("ekstrak JKN diimpor ke gudang DuckDB: jalankan tanpa --engine spark")
    path = Path(path)
    report = JknImport(file=str(path))
    sha = file_sha256(path)
    raw = wh.con.con
    if wh.has(IMPORTS) and not replace:
        prev = raw.execute(f"SELECT import_id, rows_read, accepted, quarantined FROM {IMPORTS} "
                           "WHERE sha256 = ?", [sha]).fetchall()
        if prev:
            report.import_id, report.rows_read, report.accepted, report.quarantined = prev[0]
            report.already_imported = True
            return report
    parts = read_table_file(path, sheet)
    frames = [df for _, df in parts]
    df = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    accepted, bad = normalise(df)
    report.rows_read, report.accepted, report.quarantined = df.height, accepted.height, bad.height
    assert report.rows_read == report.accepted + report.quarantined
    report.reasons = dict(bad.group_by("reason_code").len().sort("reason_code").iter_rows())
    report.periods = sorted(accepted["period"].unique().to_list())
    report.bad_nik = int((accepted["nik"].is_null() & accepted["nik_raw"].is_not_null()).sum())
    report.bad_npwp = int((accepted["employer_npwp"].is_null() & accepted["employer_npwp_raw"].is_not_null()).sum())
    report.import_id = uuid.uuid4().hex
    stored = accepted.with_columns(import_id=pl.lit(report.import_id))
    quarantine = bad.select(
        import_id=pl.lit(report.import_id), table_name=pl.lit(MEMBERS), source_file=pl.lit(str(path)),
        sheet=pl.lit(sheet, pl.String), row_number="row_number", reason_code="reason_code", reason="reason",
        raw="raw")
    meta = pa.Table.from_pylist([{
        "import_id": report.import_id, "file": str(path), "sha256": sha, "rows_read": report.rows_read,
        "accepted": report.accepted, "quarantined": report.quarantined,
        "periods": ",".join(report.periods), "imported_at": datetime.now(UTC).replace(tzinfo=None)}])
    tables = {"_jkn_rows": stored.to_arrow(), "_jkn_meta": meta, "_jkn_q": quarantine.to_arrow()}
    with wh.transaction(tables) as con:
        con.execute(f"CREATE TABLE IF NOT EXISTS {MEMBERS} AS SELECT * FROM _jkn_rows LIMIT 0")
        con.execute(f"CREATE TABLE IF NOT EXISTS {IMPORTS} AS SELECT * FROM _jkn_meta LIMIT 0")
        con.execute(f"DELETE FROM {MEMBERS} WHERE period IN (SELECT DISTINCT period FROM _jkn_rows)")
        con.execute(f"INSERT INTO {MEMBERS} BY NAME SELECT * FROM _jkn_rows")
        con.execute(f"INSERT INTO {IMPORTS} BY NAME SELECT * FROM _jkn_meta")
        if quarantine.height:
            con.execute(QUARANTINE_DDL)
            con.execute("INSERT INTO quarantine BY NAME SELECT * FROM _jkn_q")
    return report
