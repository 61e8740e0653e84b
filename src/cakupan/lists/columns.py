"""Which column of a partner's list holds what: guessed from common Indonesian headers,
overridable with ``--columns nik=NO_KTP,name=NAMA``."""

from __future__ import annotations

from cakupan.ingest.readers import normalise_header

FIELDS = ("nik", "name", "birth_date", "birth_place_date", "sex", "address", "village",
          "district", "regency", "village_code", "phone", "occupation", "jkn_number")
"""What a list row can tell about a person. ``birth_place_date`` is a combined
TEMPAT/TGL LAHIR column (``"Rembang, 12-03-1980"``)."""

GUESSES: dict[str, tuple[str, ...]] = {
    # headers as normalise_header leaves them (the readers already map some aliases)
    "nik": ("nik", "no_nik", "nik_ktp", "noktp", "ktp", "nomor_induk_kependudukan"),
    "name": ("name", "nama", "nama_lengkap", "nama_pekerja", "nama_anggota"),
    "birth_date": ("birth_date", "tgl_lahir", "tanggal_lahir", "tgl_lhr", "lahir"),
    "birth_place_date": ("tempat/tgl_lahir", "tempat_tgl_lahir", "tempat_tanggal_lahir", "ttl",
                         "tempat/tanggal_lahir", "tempat,_tgl_lahir"),
    "sex": ("sex", "l/p", "l_p", "gender", "jenis_kel"),
    "address": ("alamat", "alamat_lengkap", "address", "alamat_rumah", "rt/rw", "rt_rw", "dusun/alamat",
                "dusun", "alamat/dusun"),
    "village": ("desa/kelurahan", "desa_kelurahan", "desa", "kelurahan", "kel/desa", "kel_desa",
                "desa/kel"),
    "district": ("kecamatan", "kec", "kec."),
    "regency": ("kab/kota", "kab_kota", "kabupaten", "kota", "kabupaten/kota"),
    "village_code": ("village_code", "kd_desa", "kode_desa", "kode_kel"),
    "phone": ("no_hp", "hp", "no_telp", "telepon", "telp", "nomor_hp", "no_hp/wa", "wa", "phone"),
    "occupation": ("occupation", "pekerjaan", "jabatan", "profesi", "jenis_usaha", "jenis_dagangan",
                   "dagangan", "usaha"),
    "jkn_number": ("noka", "no_kartu", "no_jkn", "nomor_kartu", "no_bpjs_kesehatan"),
}


class ColumnError(ValueError):
    """The list's columns cannot be used as they stand; the message says what to do."""


def parse_overrides(text: str | None) -> dict[str, str]:
    """``"nik=NO_KTP,name=NAMA"`` -> ``{"nik": "no_ktp", "name": "nama"}`` (normalised headers)."""
    out: dict[str, str] = {}
    for item in filter(None, (s.strip() for s in (text or "").split(","))):
        field, sep, header = item.partition("=")
        field = field.strip().lower()
        if not sep or field not in FIELDS:
            raise ColumnError(f"--columns {item!r}: write FIELD=HEADER with FIELD one of {', '.join(FIELDS)}")
        out[field] = normalise_header(header)
    return out


def guess_columns(headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Field -> header of the list (headers as the readers normalised them)."""
    overrides = overrides or {}
    missing = [h for h in overrides.values() if h not in headers]
    if missing:
        raise ColumnError(f"--columns names headers the list does not have: {', '.join(missing)}; "
                          f"the list has: {', '.join(h for h in headers if not h.startswith('_'))}")
    found = dict(overrides)
    used = set(found.values())
    for field in FIELDS:
        if field in found:
            continue
        header = next((h for h in GUESSES[field] if h in headers and h not in used), None)
        if header:
            found[field] = header
            used.add(header)
    if "nik" not in found and "name" not in found:
        raise ColumnError("the list has neither a NIK column nor a name column that could be "
                          f"recognised; name them with --columns nik=HEADER,name=HEADER "
                          f"(headers: {', '.join(h for h in headers if not h.startswith('_'))})")
    return found
