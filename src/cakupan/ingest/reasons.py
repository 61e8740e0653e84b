"""Indonesian names of every quarantine reason code, for summaries (the full sentence saying
what to fix is in each quarantined row's ``reason``)."""

from __future__ import annotations

REASON_LABELS = {
    # lines the reading layer could not read
    "ragged_line": "jumlah kolom baris tidak sama dengan judul",
    "bad_quote": "tanda kutip tidak berpasangan",
    "control_char": "karakter kontrol (mis. NUL) di dalam nilai",
    "field_too_long": "nilai melebihi batas panjang",
    # rows that break a table's contract
    "required_missing": "kolom wajib kosong",
    "bad_nik": "NIK tidak sah",
    "nik_mangled": "NIK rusak oleh spreadsheet/Excel",
    "nik_conflict": "NIK tidak cocok dengan tanggal lahir/jenis kelamin",
    "bad_id": "nomor KPJ/NPP/NPWP tidak sah",
    "unknown_region": "kode wilayah tidak dikenal",
    "unknown_branch": "kode cabang belum dikenal",
    "bad_date": "tanggal tidak terbaca",
    "future_date": "tanggal di masa depan",
    "bad_month": "bulan tidak terbaca",
    "unknown_value": "nilai tidak dikenal",
    "bad_number": "bukan bilangan bulat",
    "implausible_target": "target tidak masuk akal",
    "pu_without_npp": "segmen PU tanpa NPP",
    "paid_before_registered": "bulan bayar sebelum pendaftaran",
    "duplicate_key": "kunci ganda",
    # partner lists
    "unusable_identity": "tanpa NIK sah dan tanpa nama + tanggal lahir",
}


def reason_label(code: str) -> str:
    """``"ragged_line"`` -> ``"jumlah kolom baris tidak sama dengan judul (ragged_line)"``."""
    return f"{REASON_LABELS[code]} ({code})" if code in REASON_LABELS else code
