"""Read CSV, XLSX and Parquet files into Polars frames of strings.

Every column is read as text (no type inference: a NIK must never become a float), header
names are normalised and mapped to contract names, and a ``_row`` column carries the row
number a person sees in the source (CSV/XLSX: the header is row 1, so the first data row
is row 2; Parquet: the first row is row 1).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl


class IngestError(RuntimeError):
    """A problem with a whole file that the user can fix (the message says how)."""


ROW = "_row"
SUPPORTED = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")
DELIMITERS = (",", ";", "|", "\t")

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


def _normalise_columns(df: pl.DataFrame, where: str) -> pl.DataFrame:
    new = [normalise_header(c) for c in df.columns]
    seen: dict[str, str] = {}
    for old, n in zip(df.columns, new):
        if n == ROW:
            raise IngestError(f"{where}: kolom bernama '{old}' tidak boleh dipakai; ganti namanya")
        if n and n in seen:
            raise IngestError(
                f"{where}: kolom '{seen[n]}' dan '{old}' sama-sama berarti '{n}'; hapus salah satunya"
            )
        seen[n] = old
    # unnamed columns (empty header) get a stable placeholder so they still reach `raw`
    new = [n or f"kolom_{i + 1}" for i, n in enumerate(new)]
    return df.rename(dict(zip(df.columns, new)))


def _finish(df: pl.DataFrame, first_row: int, where: str) -> pl.DataFrame:
    """Normalise headers, add ``_row``, cast to text and drop rows that are entirely empty."""
    df = _normalise_columns(df, where)
    df = df.with_columns(pl.all().cast(pl.String)).with_row_index(ROW, offset=first_row)
    df = df.with_columns(pl.col(ROW).cast(pl.Int64))
    data = [c for c in df.columns if c != ROW]
    if not data:
        return df
    blank = pl.all_horizontal(
        [pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in data]
    )
    return df.filter(~blank)


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" as Windows-1252; latin-1 never fails (last resort).
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """The delimiter among ``, ; | tab`` that splits the header line into the most columns.

    The header decides because column names hold no delimiters, while values often do
    (``JKK,JKM`` in a ``;`` file); quoted parts of the header are ignored.
    """
    header = re.sub(r'"[^"]*"', "", text.lstrip("\ufeff").split("\n", 1)[0])
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the earlier in DELIMITERS
    return best if counts[best] else ","


def read_csv_text(text: str, where: str = "CSV") -> pl.DataFrame:
    if not text.strip():
        raise IngestError(f"{where}: file kosong; isi baris judul kolom lalu data")
    sep = sniff_delimiter(text)
    try:
        df = pl.read_csv(
            io.BytesIO(text.encode("utf-8")), separator=sep, infer_schema=False,
            has_header=True, raise_if_empty=False,
        )
    except Exception as err:  # polars raises ComputeError/ShapeError with positions
        raise IngestError(
            f"{where}: tidak bisa dibaca sebagai CSV (pemisah '{sep}'): {err}. "
            "Periksa tanda kutip dan jumlah kolom tiap baris."
        ) from err
    return _finish(df, 2, where)


def _read_csv(path: Path) -> list[tuple[str | None, pl.DataFrame]]:
    return [(None, read_csv_text(_decode(path.read_bytes()), path.name))]


def _read_xlsx(path: Path, sheet: str | None) -> list[tuple[str | None, pl.DataFrame]]:
    import fastexcel

    try:
        book = fastexcel.read_excel(str(path))
    except Exception as err:
        raise IngestError(f"{path.name}: bukan file Excel .xlsx yang bisa dibaca ({err})") from err
    names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        raise IngestError(
            f"{path.name}: tidak ada sheet '{sheet}'; sheet yang ada: {', '.join(names)}"
        )
    out = []
    for name in [sheet] if sheet is not None else names:
        try:
            df = book.load_sheet(name, dtypes="string").to_polars()
        except Exception as err:
            raise IngestError(f"{path.name}, sheet '{name}': tidak bisa dibaca ({err})") from err
        if sheet is None and df.width == 0:
            continue  # an empty sheet in a workbook is not a table
        out.append((name, _finish(df, 2, f"{path.name}, sheet '{name}'")))
    if not out:
        raise IngestError(f"{path.name}: semua sheet kosong")
    return out


def _read_parquet(path: Path) -> list[tuple[str | None, pl.DataFrame]]:
    try:
        df = pl.read_parquet(path)
    except Exception as err:
        raise IngestError(f"{path.name}: bukan file Parquet yang bisa dibaca ({err})") from err
    df = df.with_columns(pl.col(c).cast(pl.String) for c in df.columns)
    return [(None, _finish(df, 1, path.name))]


def read_table_file(path: str | Path, sheet: str | None = None) -> list[tuple[str | None, pl.DataFrame]]:
    """Read one file into ``[(sheet name or None, frame of strings with _row)]``.

    CSV (delimiter sniffed among ``, ; | tab``; UTF-8 with or without BOM, else
    Windows-1252), XLSX (every non-empty sheet, or only ``sheet``) and Parquet.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"file {path} tidak ditemukan; periksa nama dan foldernya")
    ext = path.suffix.lower()
    if sheet is not None and ext not in (".xlsx", ".xlsm"):
        raise IngestError(f"{path.name}: pilihan sheet hanya untuk file Excel .xlsx")
    if ext in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if ext in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if ext in (".parquet", ".pq"):
        return _read_parquet(path)
    if ext == ".xls":
        raise IngestError(
            f"{path.name}: format Excel lama (.xls) tidak didukung; simpan ulang sebagai .xlsx atau CSV"
        )
    raise IngestError(
        f"{path.name}: jenis file '{ext or '(tanpa ekstensi)'}' tidak didukung; "
        f"gunakan {', '.join(SUPPORTED)}"
    )
