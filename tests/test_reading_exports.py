"""Every CSV and XLSX the project writes is safe to open: formula-like cells neutralised,
NIKs kept as text, CSV in UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from cakupan.lists import leads_export as ex
from cakupan.reports.spreadsheet import DANGEROUS, csv_cell, neutralise
from cakupan.reports.tables import Report, to_csv, to_xlsx

HOSTILE = ["=HYPERLINK(\"http://x\",\"klik\")", "+62 812", "-1+1", "@SUM(A1)", "\tTab", "\rCR"]
NIK = "3374014101900001"


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text and csv_cell(text) == "'" + text


def test_numbers_and_plain_text_stay():
    assert csv_cell(-5) == "-5" and csv_cell(2.5) == "2.5" and csv_cell(None) == ""
    assert neutralise("Siti") == "Siti" and csv_cell(NIK) == NIK
    assert csv_cell(NIK, text=True) == f'="{NIK}"' and csv_cell("337401******0001", text=True) == "337401******0001"


def lead_rows():
    base = {"regency": "Kota Semarang", "district": "Semarang Tengah", "village": "Miroto", "nik": NIK,
            "birth_date": None, "sex": "P", "occupation": "pkl", "address": None, "outcome": "Belum terdaftar",
            "status_code": "NOT_REGISTERED", "reason": "-"}
    return [{**base, "name": name, "phone": phone, "row_number": i}
            for i, (name, phone) in enumerate(zip(HOSTILE, ["+6281234"] * len(HOSTILE)), 2)]


def test_leads_csv_is_bom_utf8_with_safe_cells_and_nik_as_text(tmp_path):
    path = tmp_path / "leads.csv"
    ex.write_csv(lead_rows() + [{**lead_rows()[0], "name": "Ngadimin Âmat"}], path, show_pii=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Ngadimin Âmat".encode() in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    nik_col = rows[0].index("NIK")
    for row in rows[1:]:
        assert row[nik_col] == f'="{NIK}"'
        assert not any(cell.startswith(DANGEROUS) for i, cell in enumerate(row) if i != nik_col)


def test_leads_xlsx_has_no_formula_and_nik_is_text(tmp_path):
    path = tmp_path / "leads.xlsx"
    ex.write_xlsx(lead_rows(), path, True, "=1+1 ringkasan", {"NOT_REGISTERED": len(HOSTILE)})
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    niks = [c for c in cells if c.value == NIK]
    assert niks and all(c.data_type == "s" and c.number_format == "@" for c in niks)
    assert {c.value for c in cells} >= set(HOSTILE) - {"\rCR"}  # kept as written, as text (XML drops a CR)


def test_report_csv_and_xlsx(tmp_path):
    report = Report("=judul", ["nik", "name", "n"], {"nik": "text", "name": "text", "n": "int"},
                    [{"nik": NIK, "name": "@cmd", "n": -3}], notes=["+catatan"])
    assert list(csv.reader(to_csv(report).splitlines()))[1] == [f'="{NIK}"', "'@cmd", "-3"]
    path = tmp_path / "r.xlsx"
    to_xlsx(report, path)
    ws = openpyxl.load_workbook(path).active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row if c.value is not None)
    assert ws["A3"].value == NIK and ws["A3"].number_format == "@" and ws["C3"].value == -3
