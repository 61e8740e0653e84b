"""The web app's own words, Indonesian first; numbers and dates through Babel's id-ID."""

from __future__ import annotations

from babel.dates import format_datetime

from cakupan.reports import format as fmt

WORDS = {
    "app": ("cakupan — cakupan kepesertaan BPJS Ketenagakerjaan", "cakupan — BPJS Ketenagakerjaan coverage"),
    "ringkasan": ("Ringkasan", "Overview"), "wilayah": ("Wilayah", "Regions"), "peta": ("Peta", "Map"),
    "potensi": ("Potensi", "Potential"), "kinerja": ("Kinerja", "Performance"),
    "daftar": ("Daftar mitra", "Partner lists"), "sponsor": ("Sponsor", "Sponsorship"),
    "impor": ("Impor", "Imports"), "iuran": ("Iuran", "Contributions"),
    "rekonsiliasi": ("Rekonsiliasi JKN", "JKN reconciliation"),
    "admin": ("Pengguna & audit", "Users & audit"), "prospek": ("Prospek saya", "My leads"),
    "my_leads": ("Prospek saya", "My leads"), "logout": ("Keluar", "Log out"),
    "login": ("Masuk", "Log in"), "username": ("Nama pengguna", "User name"),
    "password": ("Kata sandi", "Password"), "change_password": ("Ganti kata sandi", "Change password"),
    "period": ("Periode", "Period"), "show": ("Tampilkan", "Show"), "download": ("Unduh", "Download"),
    "active": ("Peserta aktif", "Active workers"), "employed": ("Penduduk bekerja", "Employed"),
    "coverage": ("Cakupan", "Coverage"), "change_month": ("Perubahan sebulan", "Change on the month"),
    "vs": ("dibanding", "vs"), "estimated": ("estimasi", "estimated"),
    "estimated_note": ("* angka estimasi (lihat catatan)", "* estimated figure (see notes)"),
    "trend": ("Tren bulanan terhadap target", "Monthly trend against target"),
    "brief": ("Siaran pers", "Press paragraphs"), "all_regions": ("Semua wilayah", "All regions"),
    "segments": ("Menurut segmen", "By segment"), "children": ("Wilayah di bawahnya", "Regions below"),
    "up": ("Naik satu tingkat", "Up one level"), "no_data": ("tidak ada data", "no data"),
    "metric_coverage": ("Cakupan (% penduduk bekerja)", "Coverage (% of employed)"),
    "metric_uncovered": ("Pekerja belum terlindungi", "Unprotected workers"),
    "lists": ("Daftar yang sudah diimpor", "Imported lists"), "upload": ("Unggah", "Upload"),
    "upload_list": ("Unggah daftar mitra (CSV/XLSX)", "Upload a partner list (CSV/XLSX)"),
    "source": ("Nama daftar", "List name"), "segment": ("Segmen", "Segment"),
    "occupation": ("Pekerjaan", "Occupation"), "file": ("Berkas", "File"),
    "match": ("Cocokkan dengan registri", "Match against the registry"),
    "leads": ("Prospek", "Leads"), "review": ("Perlu diperiksa", "To review"),
    "accept": ("Terima", "Accept"), "reject": ("Tolak", "Reject"),
    "quarantine": ("Karantina", "Quarantine"), "history": ("Riwayat impor", "Import history"),
    "job": ("Pekerjaan", "Job"), "jobs": ("Pekerjaan terakhir", "Recent jobs"),
    "rows_read": ("dibaca", "read"), "accepted": ("diterima", "accepted"),
    "quarantined": ("karantina", "quarantined"), "reason": ("Alasan", "Reason"),
    "row": ("Baris", "Row"), "sheet": ("Lembar", "Sheet"), "table": ("Tabel", "Table"),
    "budget": ("Anggaran (Rp)", "Budget (Rp)"), "months": ("Bulan", "Months"),
    "region": ("Wilayah", "Region"), "package": ("Paket", "Package"),
    "priority": ("Bobot prioritas", "Priority weights"), "quotas": ("Kuota per wilayah", "Area quotas"),
    "candidates": ("Berkas kandidat (CSV/XLSX)", "Candidate file (CSV/XLSX)"),
    "plan": ("Susun rencana", "Make the plan"), "compare": ("Bandingkan skenario", "Compare scenarios"),
    "commit": ("Simpan sebagai kohort", "Commit as a cohort"), "cohorts": ("Kohort", "Cohorts"),
    "schedule": ("Jadwal biaya per bulan", "Monthly cost schedule"),
    "impact": ("Cakupan per kabupaten/kota, sebelum dan sesudah", "Coverage per regency, before and after"),
    "selected": ("Terpilih", "Selected"), "follow_up": ("Perlu tindak lanjut", "Needs follow-up"),
    "show_pii": ("Tampilkan data pribadi", "Show personal data"),
    "masked": ("Data pribadi disamarkan.", "Personal data is masked."),
    "lang_other": ("English", "Bahasa Indonesia"), "home": ("Beranda", "Home"),
    "not_found": ("Tidak ditemukan", "Not found"), "error": ("Tidak bisa diproses", "Cannot be processed"),
    "attribution": ("Batas wilayah", "Boundaries"), "calculate": ("Hitung", "Calculate"),
    "targets": ("Target", "Targets"), "verdict": ("Status akhir tahun", "Year-end status"),
    "wait_job": ("Halaman ini diperbarui sendiri sampai pekerjaan selesai.",
                 "This page updates itself until the job ends."),
}


def word(key: str, lang: str) -> str:
    pair = WORDS.get(key)
    return pair[0 if lang == "id" else 1] if pair else key


def when(value, lang: str) -> str:
    """A timestamp in the id-ID (or en) medium style."""
    if value is None:
        return "-"
    import datetime as dt

    if isinstance(value, (int, float)):
        value = dt.datetime.fromtimestamp(value)
    return format_datetime(value, "d MMM y HH:mm", locale=fmt.LOCALES[lang])
