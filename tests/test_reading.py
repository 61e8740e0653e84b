"""The reading layer: encodings, delimiters, line endings, bad lines, sheets, dates -- and
the importers built on it keep every row they can read and account for the rest."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.ingest import IngestError, import_file
from cakupan.ingest.candidates import read_candidates
from cakupan.ingest.dates import YearRule, parse_dates
from cakupan.ingest.readers import read_csv_bytes, read_file
from cakupan.lists.importer import check_source, import_list
from cakupan.settings import load
from cakupan.warehouse import open_warehouse

runner = CliRunner()
TODAY = dt.date(2025, 6, 30)
LIST_HEADER = "NO;NAMA;NO KTP;TGL LAHIR;L/P;DESA;NO HP"
GOOD = [
    "1;Siti Aminah;3374014101900001;01-01-1990;P;Miroto;0812",
    "2;Djoko Santoso;3374011203800002;12-03-1980;L;Miroto;",
    "3;Ngadimin Âmat;;05-06-1975;L;Sekayu;",
    "4;Sri Wahyuni;3374014201900003;02-01-1990;P;Sekayu;",
]


@pytest.fixture
def wh(tmp_path):
    w = open_warehouse(load("duckdb", tmp_path / "w.duckdb"))
    yield w
    w.close()


def lines_of(got):
    return [(b.line, b.code) for _, b in got.bad_lines()]


# -- the messy Windows list of issue #12 ---------------------------------------------------
def test_messy_windows_list_imports_every_good_row(tmp_path):
    lines = [LIST_HEADER, *GOOD[:2], "3;Budi;3374011203800004;12-03-1980;L;Miroto;0813;ekstra", *GOOD[2:]]
    path = tmp_path / "pkl.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    w = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["lists", "import", str(path), "--source", "pasar", "-w", str(w)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "dibaca 5 = diterima 4 + karantina 1 + dilewati 0" in out
    assert "Windows-1252 (terdeteksi)" in out and "titik koma (;) (terdeteksi)" in out
    assert "(ragged_line): 1 baris" in out
    with open_warehouse(load("duckdb", w)) as wh:
        q = wh.con.con.execute("SELECT row_number, reason_code, reason, raw FROM quarantine").fetchall()
        names = sorted(r[0] for r in wh.con.con.execute("SELECT name FROM list_rows").fetchall())
    assert names == ["Djoko Santoso", "Ngadimin Âmat", "Siti Aminah", "Sri Wahyuni"]
    [(line, code, reason, raw)] = q
    assert (line, code) == (4, "ragged_line")
    assert "8 kolom, judul punya 7" in reason
    assert "337401******0004" in raw and "3374011203800004" not in raw  # NIK masked in the raw text


def test_encoding_and_delimiter_can_be_given(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("nama|kota\nÂmat|Kudus\n".encode("latin-1"))
    got = read_file(path, encoding="latin-1", delimiter="|")
    assert got.parts[0].frame["name"].to_list() == ["Âmat"]
    assert "Latin-1 (dipilih)" in got.describe()[0] and "(|) (dipilih)" in got.describe()[0]
    with pytest.raises(IngestError, match="--delimiter"):
        read_file(path, delimiter="x")
    with pytest.raises(IngestError, match="--encoding"):
        read_file(path, encoding="klingon")


@pytest.mark.parametrize("bom, enc", [(b"\xef\xbb\xbf", "utf-8"), (b"", "utf-8"), (b"", "cp1252"),
                                      (b"", "utf-16")])
def test_encodings_detected(bom, enc):
    raw = bom + "nama,kota\nNgadimin Â,Kudus\n".encode(enc)
    got = read_csv_bytes(raw)
    assert got.parts[0].frame["name"].to_list() == ["Ngadimin Â"]


# -- line endings (issue #16 case 1) -------------------------------------------------------
@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_cr_lf_and_crlf_read_the_same(tmp_path, wh, eol):
    path = tmp_path / "pkl.csv"
    path.write_bytes(eol.join([LIST_HEADER, *GOOD]).encode("utf-8") + eol.encode())
    report = import_list(wh, path, "pasar", today=TODAY)
    assert (report.rows_read, report.accepted, report.quarantined, report.skipped) == (4, 4, 0, 0)
    rows = wh.con.con.execute("SELECT row_number FROM list_rows ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == [2, 3, 4, 5]


def test_quoted_newlines_blank_lines_title_block_and_trailing_separators():
    raw = (b'DAFTAR PEDAGANG PASAR JOHAR;;;\n;;;\nnik;nama;alamat;desa\n'
           b'1;"Siti\nAminah";"Jl. Mawar; RT 1";Miroto\n\n2;Budi;Jl. Melati;Miroto;;\n;;;\n3;Ani;-;Sekayu\n')
    got = read_csv_bytes(raw)
    part = got.parts[0]
    assert part.header_row == 3
    assert part.frame["_row"].to_list() == [4, 7, 9]
    assert part.frame["name"].to_list() == ["Siti\nAminah", "Budi", "Ani"]
    assert part.frame["alamat"].to_list()[0] == "Jl. Mawar; RT 1"
    assert part.skipped == {"title": 1, "blank": 3}
    assert part.trimmed == 1
    assert part.read == 3 + 0 + 4


def test_each_bad_line_costs_that_line_only():
    raw = (b"nik,nama,desa\n1,A,x\n2,B\n3,\"C,x\n4,D\x00,x\n5,E,x\n6,\"F\"G,x\n7,G,x\n")
    got = read_csv_bytes(raw)
    assert got.parts[0].frame["_row"].to_list() == [2, 6, 8]
    assert lines_of(got) == [(3, "ragged_line"), (4, "bad_quote"), (5, "control_char"), (7, "bad_quote")]
    assert got.read == 7


def test_field_limit(tmp_path, wh, monkeypatch):
    path = tmp_path / "p.csv"
    path.write_text("nik,nama,desa\n3374014101900001,Siti,x\n3374011203800002," + "A" * 5000 + ",x\n")
    got = read_file(path)
    assert lines_of(got) == [(3, "field_too_long")]
    assert "5000 karakter (batas 4096)" in got.bad_lines()[0][1].reason
    assert len(got.bad_lines()[0][1].raw) < 1100
    assert lines_of(read_file(path, field_limit=10_000)) == []
    monkeypatch.setenv("CAKUPAN_FIELD_LIMIT", "10")
    assert len(lines_of(read_file(path))) == 2
    monkeypatch.setenv("CAKUPAN_FIELD_LIMIT", "3")
    with pytest.raises(IngestError, match="tidak ada baris judul kolom yang terbaca"):
        read_file(path)


# -- headers (issue #16 case 3) ------------------------------------------------------------
def test_duplicate_headers_are_found_before_any_renaming(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("NIK,NAMA,NAMA\n1,a,b\n")
    with pytest.raises(IngestError, match=r"'NAMA' muncul dua kali \(kolom ke-2 dan ke-3\)"):
        read_file(path)


# -- whole files that are not what they say --------------------------------------------------
@pytest.mark.parametrize("name, content, match", [
    ("p.csv", b"\x00\x01\x02\x03" * 100, "biner"),
    ("p.csv", b"PK\x03\x04....", "arsip zip"),
    ("p.csv", b"\n\n  \n", "kosong"),
    ("p.xlsx", b"PK\x03\x04 not really a zip", "Excel"),
    ("p.csv", b"\xef\xbb\xbfnik,nama\r\n", "tanpa baris data"),
])
def test_files_that_cannot_be_tables(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=match):
        read_file(path)


# -- XLSX ----------------------------------------------------------------------------------
def test_xlsx_title_block_formulas_numbers_and_sheets(tmp_path, wh):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "PKL"
    ws.append(["DAFTAR PEDAGANG KAKI LIMA"])
    ws.append(["Kecamatan Semarang Tengah"])
    ws.append([])
    ws.append(["NIK", "NAMA", "TGL LAHIR", "UPAH"])
    ws.append(["3374014101900001", "Siti", dt.datetime(1990, 1, 1), 2500000])
    ws.append([3374011203800000, "Budi", "12/03/1980", 2500000.0])  # Excel kept 15 digits
    ws.append([3374014201900003, "Ani", 32874, "=D5"])  # a program wrote all 16 digits
    wb.create_sheet("Kosong")
    path = tmp_path / "p.xlsx"
    wb.save(path)
    got = read_file(path)
    assert got.sheets == ["PKL", "Kosong"] and got.empty_sheets == ["Kosong"]
    part = got.parts[0]
    assert part.header_row == 4 and part.skipped == {"title": 2, "blank": 1}
    assert part.frame["_row"].to_list() == [5, 6, 7]
    assert part.frame["nik"].to_list() == ["3374014101900001", "3.37401120380000E+15", "3374014201900003"]
    assert part.frame["birth_date"].to_list() == ["1990-01-01", "12/03/1980", "32874"]
    assert part.frame["wage"].to_list()[:2] == ["2500000", "2500000"]
    assert any("sheet di berkas: PKL, Kosong" in s for s in got.describe())
    report = import_list(wh, path, "pkl-xlsx", today=TODAY)
    assert (report.rows_read, report.accepted, report.skipped) == (6, 3, 3)
    assert report.nik_problems == {"mangled": 1}
    with pytest.raises(IngestError, match="tidak ada sheet 'X'; sheet yang ada: PKL, Kosong"):
        read_file(path, sheet="X")


# -- dates (issue #16 case 2) --------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("12/03/80", dt.date(1980, 3, 12)), ("12/03/05", dt.date(2005, 3, 12)),
    ("12/03/15", dt.date(1915, 3, 12)), ("1980/03/12", dt.date(1980, 3, 12)),
    ("12.03.1980", dt.date(1980, 3, 12)), ("12 Maret 1980", dt.date(1980, 3, 12)),
    ("12-Mar-1980", dt.date(1980, 3, 12)), ("12 Agt 80", dt.date(1980, 8, 12)),
    ("12 Nopember 1980", dt.date(1980, 11, 12)), ("March 12, 1980", dt.date(1980, 3, 12)),
    ("19800312", dt.date(1980, 3, 12)), ("29350", dt.date(1980, 5, 9)),
    ("1990-01-01 00:00:00", dt.date(1990, 1, 1)), ("7/3/1980", dt.date(1980, 3, 7)),
    ("31/02/1990", "date_impossible"), ("1990-13-01", "date_impossible"),
    ("abc", "date_unreadable"), ("1980", "date_unreadable"), ("12 Marett 1980", "date_unreadable"),
])
def test_dates_every_office_form(text, expected):
    value, code = parse_dates(pl.col("s"), YearRule.birth(TODAY))
    got = pl.DataFrame({"s": [text]}).select(v=value, c=code).row(0)
    assert got == ((expected, None) if isinstance(expected, dt.date) else (None, expected))


def test_two_digit_year_rule_is_said():
    assert YearRule.birth(TODAY).describe() == "tahun dua digit 00-10 dibaca 20xx, 11-99 dibaca 19xx"


def test_unreadable_birth_dates_are_counted_and_kept_as_written(tmp_path, wh):
    path = tmp_path / "p.csv"
    path.write_text("nama,tgl lahir,nik\nSiti,31/02/1990,3374014101900001\nBudi,kemarin,\n"
                    "Ani,12 Maret 1980,\n")
    report = import_list(wh, path, "tanggal", today=TODAY)
    assert (report.accepted, report.quarantined) == (2, 1)
    assert report.date_problems == {"date_impossible": 1, "date_unreadable": 1}
    assert "19xx" in report.date_rule
    [(raw,)] = wh.con.con.execute("SELECT raw FROM quarantine").fetchall()
    assert json.loads(raw)["birth_date"] == "kemarin"  # the text the partner wrote
    result = runner.invoke(app, ["lists", "import", str(path), "--source", "tgl",
                                 "-w", str(tmp_path / "c.duckdb")])
    assert "tanggal lahir tidak terbaca sebagai tanggal: 1 baris" in result.stdout


def test_registry_dates_say_which_problem(tmp_path, wh):
    path = tmp_path / "p.csv"
    header = ("kpj,nik,name,birth_date,sex,village_code,segment,sub_segment,occupation,npp,wage,"
              "programmes,registered_date,last_paid_month,sponsor_type")
    path.write_text(header + "\n"
                    "10000000001,3374014101900001,Siti,01/01/90,P,3374011001,BPU,,,,,JKK,15 Jan 2024,,SELF\n"
                    "10000000002,3374014101900002,Ani,31/02/1990,P,3374011001,BPU,,,,,JKK,2024-01-15,,SELF\n")
    rep = import_file(wh, "participants", path, today=TODAY)
    assert (rep.accepted, rep.quarantined) == (1, 1)
    assert wh.con.con.execute("SELECT birth_date, registered_date FROM participants").fetchall() == [
        (dt.date(1990, 1, 1), dt.date(2024, 1, 15))]
    [(reason,)] = wh.con.con.execute("SELECT reason FROM quarantine").fetchall()
    assert "tidak ada di kalender" in reason


# -- the registry importer keeps bad lines too ----------------------------------------------
def test_registry_import_quarantines_bad_lines(tmp_path, wh):
    path = tmp_path / "w.csv"
    path.write_text("region_code;period;employed;unemployed;source;estimated\n"
                    "33;2021-08;17835770;1128223;BPS;tidak\n34;2021-08;2201510;BPS;tidak\n\n"
                    "3374;2021-08;1000;10;BPS;ya\n")
    rep = import_file(wh, "workforce", path)
    assert (rep.rows_read, rep.accepted, rep.quarantined, rep.skipped) == (4, 2, 1, 1)
    assert wh.con.con.execute("SELECT row_number, reason_code FROM quarantine").fetchall() == [(3, "ragged_line")]
    assert wh.con.con.execute("SELECT rows_read, skipped FROM imports").fetchall() == [(4, 1)]


# -- the sponsor candidate file (issue #16 case 5) ------------------------------------------
def test_candidate_file_never_loses_a_row(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("NIK,NAMA,KODE_DESA\n3374014101900001,Siti,3374011001\n3374011203800002,Budi,\n"
                    "123,Rusak,3374011001\n3374014201900003,Ani,33.74.01.1001\n3374014201900004,Ana,x,y\n")
    table, rejected = read_candidates(path, [])
    assert table.num_rows == 2
    assert dict(zip(rejected["row"].to_list(), rejected["reason"].to_list())) == {
        3: "kode desa kosong: isi kode desa 10 digit Kemendagri",
        4: "NIK harus 16 digit, tertulis 3 digit",
        6: "baris ini punya 4 kolom, judul punya 3; periksa pemisah di dalam nilai (beri tanda kutip) "
           "atau kolom yang hilang"}


# -- source names (issue #16 case 8) ---------------------------------------------------------
@pytest.mark.parametrize("bad", ["a/b", "x" * 500, "../etc", " ", "pasar johar"])
def test_source_names_are_checked(bad):
    with pytest.raises(IngestError):
        check_source(bad)


def test_source_name_error_is_a_sentence(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("nama,nik\nSiti,3374014101900001\n")
    result = runner.invoke(app, ["lists", "import", str(path), "--source", "a/b" * 200,
                                 "-w", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "terlalu panjang" in result.output


# -- warehouse info (issue #16 case 10) --------------------------------------------------------
def test_warehouse_info_lists_every_table(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("nama,nik\nSiti,3374014101900001\n")
    w = str(tmp_path / "w.duckdb")
    assert runner.invoke(app, ["lists", "import", str(path), "--source", "pasar", "-w", w]).exit_code == 0
    result = runner.invoke(app, ["warehouse", "info", "-w", w])
    assert result.exit_code == 0, result.output
    for table in ("list_imports", "list_rows"):
        assert table in result.stdout
