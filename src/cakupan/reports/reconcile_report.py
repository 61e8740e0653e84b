"""The reconciliation workbook for the compliance team: summary, ranked employers, people, evidence."""

from __future__ import annotations

from pathlib import Path

from cakupan.reports import format as fmt
from cakupan.reports.tables import Report

LABELS = {
    "rank": "Peringkat", "employer_regency": "Kab/Kota", "employer_name": "Pemberi kerja (JKN)",
    "npp": "NPP", "link": "Dikaitkan lewat", "case": "Kasus", "size_class": "Skala usaha",
    "workers_jkn": "Pekerja di JKN", "workers_bpjs": "Pekerja di BPJamsostek", "missing": "Belum didaftarkan",
    "under_reported": "Upah dilaporkan lebih rendah", "wage_gap": "Selisih upah (Rp)",
    "JKK": "JKK (Rp/bulan)", "JKM": "JKM (Rp/bulan)", "JHT": "JHT (Rp/bulan)", "JP": "JP (Rp/bulan)",
    "uncollected": "Potensi iuran (Rp/bulan)", "row_number": "Baris ekstrak", "nik": "NIK", "name": "Nama",
    "birth_date": "Tgl lahir", "regency_code": "Kab/Kota", "segment": "Segmen JKN", "lead_kind": "Jenis calon",
    "wage_jkn": "Upah JKN (Rp)", "wage_bpjs": "Upah BPJamsostek (Rp)", "period": "Bulan",
    "employer_id": "Kode badan usaha", "programme": "Program", "payer": "Pembayar", "risk_group": "Kelompok risiko",
    "wage_due": "Upah seharusnya (Rp)", "wage_paid": "Upah dilaporkan (Rp)", "due": "Iuran seharusnya (Rp)",
    "paid": "Iuran dibayar (Rp)", "regulation": "Regulasi", "status": "Status aturan",
}
TEXT_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A text cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(TEXT_START):
        return "'" + value
    return value


def _sheet(wb, title: str, columns: list[str], rows: list[dict]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append([LABELS.get(c, c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([safe(r.get(c)) for c in columns])
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 14 if c != "employer_name" else 30
        if c in ("wage_gap", "JKK", "JKM", "JHT", "JP", "uncollected", "wage_jkn", "wage_bpjs", "wage_due",
                 "wage_paid", "due", "paid"):
            for row in range(2, ws.max_row + 1):
                ws.cell(row=row, column=i).number_format = "#,##0"
    ws.freeze_panes = "A2"


def write_xlsx(path: Path, summary, employers: Report, people: Report, evidence: list[dict]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    ws.append([f"Rekonsiliasi JKN - BPJamsostek, {fmt.month_name(summary.period, 'id')}"])
    ws.append([summary.paragraph()])
    ws.append([])
    ws.append(["Anggota JKN aktif dicocokkan", summary.members])
    for case, n in sorted(summary.counts.items()):
        ws.append([f"Pekerja kasus {case}", n])
    for case, n in sorted(summary.employers.items()):
        ws.append([f"Pemberi kerja kasus {case}", n])
    ws.append(["Potensi iuran belum tertagih (Rp/bulan)", summary.uncollected])
    ws.append([])
    for note in employers.notes + people.notes:
        ws.append([note])
    ws.column_dimensions["A"].width = 48
    _sheet(wb, "Pemberi kerja", employers.columns, employers.rows)
    _sheet(wb, "Pekerja", people.columns, people.rows)
    cols = list(evidence[0]) if evidence else ["employer_id", "row_number", "programme", "uncollected"]
    _sheet(wb, "Bukti iuran", cols, evidence)
    wb.save(path)
