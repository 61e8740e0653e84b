"""Numbers and labels in Indonesian (default) or English, via Babel."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

LOCALES = {"id": "id_ID", "en": "en_US"}

MONTHS_ID = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober "
             "November Desember").split()
MONTHS_EN = ("January February March April May June July August September October "
             "November December").split()

LABELS = {
    "region_code": ("Kode", "Code"),
    "region_name": ("Wilayah", "Region"),
    "participants": ("Peserta aktif", "Active participants"),
    "employed": ("Penduduk bekerja", "Employed"),
    "unemployed": ("Pengangguran", "Unemployed"),
    "labour_force": ("Angkatan kerja", "Labour force"),
    "coverage_pct": ("Cakupan (% bekerja)", "Coverage (% of employed)"),
    "coverage_lf_pct": ("Cakupan (% angkatan kerja)", "Coverage (% of labour force)"),
    "workforce_period": ("Periode Sakernas", "Labour-force period"),
    "estimated": ("Estimasi", "Estimated"),
    "segment": ("Segmen", "Segment"),
    "sub_segment": ("Sub-segmen", "Sub-segment"),
    "share_pct": ("Porsi (%)", "Share (%)"),
    "TOTAL": ("Total", "Total"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    # contribution breakdown columns (cakupan.reports.contributions_report)
    "programme": ("Program", "Programme"),
    "payer": ("Pembayar", "Payer"),
    "basis": ("Dasar perhitungan", "Basis"),
    "base": ("Dasar (Rp)", "Base (Rp)"),
    "amount": ("Iuran (Rp)", "Amount (Rp)"),
    "regulation": ("Regulasi", "Regulation"),
    "status": ("Status", "Status"),
    # potential and performance (cakupan.reports.potential_report, performance_report)
    "pool": ("Kelompok", "Pool"), "sector": ("Sektor", "Sector"), "covered": ("Terlindungi", "Covered"),
    "potential": ("Potensi (belum terlindungi)", "Potential (unprotected)"),
    "period": ("Bulan", "Month"), "active": ("Peserta aktif", "Active"), "new": ("Baru", "New"),
    "lapsed": ("Berhenti", "Lapsed"), "target": ("Target peserta aktif", "Target (active workers)"),
    "achievement_pct": ("Capaian (%)", "Achievement (%)"), "mom": ("Δ bulan lalu", "Δ month"),
    "yoy": ("Δ tahun lalu", "Δ year"), "projection": ("Proyeksi", "Projection"),
    "lower": ("Batas bawah", "Lower"), "upper": ("Batas atas", "Upper"),
    "uncovered": ("Belum terlindungi", "Unprotected"),
    # targets (cakupan targets show)
    "level": ("Tingkat", "Level"), "area_code": ("Kode", "Code"), "area_name": ("Nama", "Name"),
    "source": ("Sumber", "Source"), "cascaded_from": ("Diturunkan dari", "Cascaded from"),
    "PROVINCE": ("Provinsi", "Province"), "REGENCY": ("Kab/Kota", "Regency/city"),
    "BRANCH": ("Cabang", "Branch"), "ALL": ("Semua", "All"),
    # reconciliation with JKN (cakupan.services.reconcile)
    "rank": ("Peringkat", "Rank"), "employer_regency": ("Kab/Kota", "Regency/city"),
    "employer_name": ("Pemberi kerja", "Employer"), "npp": ("NPP", "NPP"), "link": ("Dikaitkan lewat", "Linked by"),
    "case": ("Kasus", "Case"), "size_class": ("Skala", "Size"), "workers_jkn": ("Pekerja JKN", "Workers (JKN)"),
    "workers_bpjs": ("Pekerja BPJamsostek", "Workers (BPJamsostek)"), "missing": ("Belum didaftarkan", "Missing"),
    "under_reported": ("Upah lebih rendah", "Wage under-reported"), "wage_gap": ("Selisih upah", "Wage gap"),
    "uncollected": ("Potensi iuran/bulan", "Uncollected/month"), "row_number": ("Baris", "Row"),
    "nik": ("NIK", "NIK"), "name": ("Nama", "Name"), "birth_date": ("Tgl lahir", "Birth date"),
    "regency_code": ("Kab/Kota", "Regency/city"), "lead_kind": ("Jenis calon", "Lead kind"),
    "wage_jkn": ("Upah JKN", "Wage (JKN)"), "wage_bpjs": ("Upah BPJamsostek", "Wage (BPJamsostek)"),
}

SEGMENT_NAMES = {
    "PU": ("Penerima Upah (PU)", "Wage earners (PU)"),
    "BPU": ("Bukan Penerima Upah (BPU)", "Non-wage earners (BPU)"),
    "JAKON": ("Jasa Konstruksi (Jakon)", "Construction (Jakon)"),
    "PMI": ("Pekerja Migran Indonesia (PMI)", "Migrant workers (PMI)"),
    "UMKM": ("Pekerja UMKM", "MSME wage earners"),
    "USAHA_BESAR": ("Pekerja usaha besar", "Large-enterprise wage earners"),
    "NON_ASN": ("Non-ASN / honorer", "Non-civil-servant government workers"),
    "INFORMAL": ("Pekerja informal mandiri", "Self-paying informal workers"),
    "RENTAN": ("Pekerja rentan (disponsori)", "Sponsored vulnerable workers"),
    "PROYEK": ("Pekerja proyek konstruksi", "Construction-project workers"),
}


def check_lang(lang: str) -> str:
    if lang not in LOCALES:
        raise ValueError(f"unknown language {lang!r}: use 'id' (Indonesian) or 'en' (English)")
    return lang


def label(key: str, lang: str = "id") -> str:
    pair = LABELS.get(key) or SEGMENT_NAMES.get(key)
    return pair[0 if lang == "id" else 1] if pair else key


SHORT = {
    "participants": ("Peserta aktif", "Active"),
    "employed": ("Bekerja", "Employed"),
    "unemployed": ("Penganggur", "Unemployed"),
    "labour_force": ("Angkatan kerja", "Labour force"),
    "coverage_pct": ("% bekerja", "% employed"),
    "coverage_lf_pct": ("% AK", "% LF"),
}


def short_label(key: str, lang: str = "id") -> str:
    """A narrow column header for terminal tables."""
    pair = SHORT.get(key)
    return pair[0 if lang == "id" else 1] if pair else label(key, lang)


def integer(value: int | None, lang: str = "id") -> str:
    """``3062280`` -> ``3.062.280`` (id) or ``3,062,280`` (en); None -> ``-``."""
    return "-" if value is None else format_decimal(value, locale=LOCALES[lang])


def decimal(value: Decimal | float | None, lang: str = "id", places: int = 2) -> str:
    """``Decimal('17.17')`` -> ``17,17`` (id) or ``17.17`` (en)."""
    if value is None:
        return "-"
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def pct(value: Decimal | None, lang: str = "id", places: int = 2) -> str:
    """``17,17 %`` (id) or ``17.17%`` (en)."""
    if value is None:
        return "-"
    return f"{decimal(value, lang, places)} %" if lang == "id" else f"{decimal(value, lang, places)}%"


def month_name(period: str, lang: str) -> str:
    year, month = period.split("-")
    names = MONTHS_ID if lang == "id" else MONTHS_EN
    return f"{names[int(month) - 1]} {year}"
