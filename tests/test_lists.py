"""Partner-list import: column guessing, identity normalisation, nothing lost, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.lists.columns import ColumnError, guess_columns, parse_overrides
from cakupan.lists.importer import import_list
from cakupan.settings import load
from cakupan.warehouse import open_warehouse

runner = CliRunner()
CSV = ("NO;NAMA;NO KTP;TEMPAT/TGL LAHIR;L/P;DESA/KELURAHAN;KECAMATAN;NO HP\n"
       "1;Hj. Siti Aminah;3374014101900001;Semarang, 01-01-1990;P;Miroto;Semarang Tengah;+62 812-3456-7890\n"
       "2;Djoko Santoso;3.37401E+15;Semarang, 12-03-1980;L;Miroto;Semarang Tengah;\n"
       "3;;-;;L;;;\n"
       "4;Ngadimin Âmat;;Kudus, 05-06-1975;LAKI-LAKI;;;0812\n"
       "5;Sri Wahyuni;3374014101900001;Semarang, 02-01-1990;P;;;\n")


@pytest.fixture
def wh(tmp_path):
    w = open_warehouse(load("duckdb", tmp_path / "w.duckdb"))
    yield w
    w.close()


def rows(wh):
    return {r["row_number"]: r for r in wh.to_arrow(wh.table("list_rows")).to_pylist()}


def test_semicolon_cp1252_list_is_mapped_and_normalised(wh, tmp_path):
    path = tmp_path / "pkl.csv"
    path.write_bytes(CSV.encode("cp1252"))
    report = import_list(wh, path, "pasar", "BPU", "pkl")
    assert (report.rows_read, report.accepted, report.quarantined) == (5, 4, 1)
    got = rows(wh)
    assert got[2]["nik"] == "3374014101900001" and got[2]["birth_date"] == dt.date(1990, 1, 1)
    assert got[2]["phone"] == "081234567890" and got[2]["sex"] == "P" and got[2]["occupation"] == "pkl"
    assert got[3]["nik"] is None and got[3]["nik_problem"] == "mangled" and got[3]["name"] == "Djoko Santoso"
    assert got[5]["sex"] == "L" and got[5]["name"] == "Ngadimin Âmat"
    assert got[6]["nik_conflict"] is True       # NIK says 1 Jan, the list says 2 Jan
    assert 4 not in got
    q = wh.con.con.execute("select row_number, reason_code from quarantine").fetchall()
    assert q == [(4, "unusable_identity")]


def test_same_file_twice_changes_nothing_and_a_new_version_is_added(wh, tmp_path):
    path = tmp_path / "pkl.csv"
    path.write_bytes(CSV.encode("cp1252"))
    first = import_list(wh, path, "pasar")
    again = import_list(wh, path, "pasar")
    assert again.already_imported and again.import_id == first.import_id
    assert len(rows(wh)) == 4
    path.write_bytes((CSV + "6;Budi;;10-10-1970;L;;;\n").encode("cp1252"))
    import_list(wh, path, "pasar")
    n = wh.con.con.execute("select count(*), count(distinct import_id) from list_rows").fetchall()[0]
    assert n == (9, 2)


def test_xlsx_sheets_keep_their_row_numbers(wh, tmp_path):
    wb = Workbook()
    a = wb.active
    a.title = "Dinas A"
    a.append(["NIK", "NAMA LENGKAP", "TGL_LAHIR"])
    a.append(["3374014101900001", "Siti", "1990-01-01"])
    b = wb.create_sheet("Dinas B")
    b.append(["NIK", "NAMA LENGKAP", "TGL_LAHIR"])
    b.append(["", "Tanpa Tanggal", ""])
    b.append(["", "Budi S.Pd.", "1985-05-05"])
    path = tmp_path / "honorer.xlsx"
    wb.save(path)
    report = import_list(wh, path, "honorer")
    assert (report.accepted, report.quarantined) == (2, 1)
    got = sorted((r["sheet"], r["row_number"], r["name"]) for r in rows(wh).values())
    assert got == [("Dinas A", 2, "Siti"), ("Dinas B", 3, "Budi S.Pd.")]
    assert wh.con.con.execute("select sheet, row_number from quarantine").fetchall() == [("Dinas B", 2)]


def test_column_guessing_and_overrides():
    assert guess_columns(["nik", "name", "tempat/tgl_lahir", "l/p"]) == {
        "nik": "nik", "name": "name", "birth_place_date": "tempat/tgl_lahir", "sex": "l/p"}
    assert parse_overrides("nik=Nomor Identitas, name=NAMA") == {"nik": "nomor_identitas", "name": "name"}
    with pytest.raises(ColumnError, match="neither a NIK column nor a name"):
        guess_columns(["a", "b"])
    with pytest.raises(ColumnError, match="FIELD=HEADER"):
        parse_overrides("umur=UMUR")


def test_cli_prints_read_equals_accepted_plus_quarantined(tmp_path):
    path = tmp_path / "pkl.csv"
    path.write_bytes(CSV.encode("cp1252"))
    result = runner.invoke(app, ["lists", "import", str(path), "--source", "pasar", "-w", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 0, result.output
    assert "dibaca 5 = diterima 4 + karantina 1" in result.stdout
    assert "NIK rusak oleh spreadsheet" in result.stdout
