"""Write leads for field agents: XLSX (a summary sheet and one sheet per kind of lead) or
CSV (one file, a status column). Personal data is masked unless ``show_pii``."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from cakupan.matching.leads import LEAD_OUTCOMES, SHEETS
from cakupan.matching.outcomes import OUTCOMES, REASONS
from cakupan.reports.privacy import mask_name, mask_nik, mask_phone

HEADERS = {
    "regency": "Kabupaten/Kota", "district": "Kecamatan", "village": "Desa/Kelurahan",
    "name": "Nama", "nik": "NIK", "birth_date": "Tanggal lahir", "sex": "L/P",
    "occupation": "Pekerjaan", "phone": "No HP", "address": "Alamat", "outcome": "Status",
    "last_paid_month": "Terakhir bayar", "reason": "Keterangan", "match_weight": "Bobot kecocokan",
    "agreed": "Data yang sama", "row_number": "Baris di daftar",
}
PII_HIDDEN = ("birth_date", "address")


def prepare(table: pa.Table, show_pii: bool) -> list[dict]:
    """Lead rows as dicts with Indonesian status and reason; masked unless ``show_pii``."""
    out = []
    for r in table.to_pylist():
        if r["outcome"] not in LEAD_OUTCOMES:
            continue
        r["reason"] = REASONS.get(r.pop("reason_code") or "", "")
        r["status_code"] = r["outcome"]
        r["outcome"] = SHEETS.get(r["outcome"], OUTCOMES.get(r["outcome"], r["outcome"]))
        if not show_pii:
            r["nik"], r["name"], r["phone"] = mask_nik(r["nik"]), mask_name(r["name"]), mask_phone(r["phone"])
            for k in PII_HIDDEN:
                r[k] = None
        out.append(r)
    return out


def columns(show_pii: bool) -> list[str]:
    return [c for c in HEADERS if show_pii or c not in PII_HIDDEN]


def write_csv(rows: list[dict], path: Path, show_pii: bool) -> None:
    """UTF-8 with BOM, formula-safe cells, NIKs as text (:mod:`cakupan.reports.spreadsheet`)."""
    from cakupan.reports.spreadsheet import write_csv as write

    cols = columns(show_pii)
    write(path, [HEADERS[c] for c in cols], ([r.get(c) for c in cols] for r in rows),
          [i for i, c in enumerate(cols) if c == "nik"])


def write_xlsx(rows: list[dict], path: Path, show_pii: bool, summary: str,
               counts: dict[str, int]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from cakupan.reports.spreadsheet import append_row

    cols = columns(show_pii)
    nik = [i for i, c in enumerate(cols) if c == "nik"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    append_row(ws, [summary])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append(["Status", "Jumlah"])
    for code, label in OUTCOMES.items():
        append_row(ws, [label, counts.get(code, 0)])
    if not show_pii:
        ws.append([])
        ws.append(["NIK, nama dan nomor HP disamarkan; untuk petugas lapangan ekspor ulang dengan --show-pii."])
    ws.column_dimensions["A"].width = 48
    for code in LEAD_OUTCOMES:
        sheet = wb.create_sheet(SHEETS[code])
        sheet.append([HEADERS[c] for c in cols])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r in rows:
            if r["status_code"] == code:
                append_row(sheet, [r.get(c) for c in cols], nik)
        for i, c in enumerate(cols, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = 22 if c != "reason" else 48
        sheet.freeze_panes = "A2"
    wb.save(path)
