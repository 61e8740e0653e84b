"""Importing files: readers, validation reasons, atomic and idempotent loads."""

from __future__ import annotations

import json
import types
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cakupan.contracts import CONTRACTS
from cakupan.ingest import IngestError, import_file, normalise_header, read_table_file, validate, validate_frame
from cakupan.ingest import load as load_mod
from cakupan.settings import load
from cakupan.warehouse import open_warehouse

TODAY = date(2025, 6, 30)
DATA = Path(__file__).parent / "data" / "ingest"
REASONS_CSV = DATA / "participants_reasons.csv"
EXPECTED = {  # row number -> its one reason code (see tests/data/ingest/README.md)
    4: "required_missing", 5: "bad_nik", 6: "nik_mangled", 7: "nik_conflict", 8: "unknown_region",
    9: "future_date", 10: "bad_date", 11: "bad_month", 12: "unknown_value", 13: "bad_number",
    14: "pu_without_npp", 15: "paid_before_registered", 16: "duplicate_key",
}
HEADER = ("kpj,nik,name,birth_date,sex,village_code,segment,sub_segment,occupation,npp,wage,"
          "programmes,registered_date,last_paid_month,sponsor_type")


def row(kpj="10000000001", nik="3374014101900001", name="Siti Contoh", birth="1990-01-01", sex="P",
        village="3374011001", segment="BPU", npp="", wage="2500000", programmes="JKK",
        registered="2024-01-15", paid="2024-06", sponsor="SELF"):
    return [kpj, nik, name, birth, sex, village, segment, "", "", npp, wage, programmes, registered,
            paid, sponsor]


def write_csv(path: Path, rows, sep=",", encoding="utf-8") -> Path:
    lines = [HEADER.replace(",", sep)] + [sep.join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def wh(tmp_path):
    w = open_warehouse(load(engine="duckdb", warehouse=tmp_path / "w.duckdb"))
    yield w
    w.close()


def q(wh, sql):
    return wh.con.con.execute(sql).fetchall()


def counts(wh):
    return {t: (q(wh, f"SELECT count(*) FROM {t}")[0][0] if wh.has(t) else None)
            for t in ("participants", "quarantine", "imports")}


def check_invariants(rep):
    assert rep.rows_read == rep.accepted + rep.quarantined
    assert rep.accepted == rep.inserted + rep.updated + rep.unchanged


# -- validation --------------------------------------------------------------------------
def test_every_reason_code_on_its_row():
    [(sheet, df)] = read_table_file(REASONS_CSV)
    accepted, quarantined = validate(CONTRACTS["participants"], df, today=TODAY)
    assert sheet is None
    assert accepted.num_rows + quarantined.height == df.height == 15
    assert accepted.schema == CONTRACTS["participants"].schema.to_pyarrow()
    assert accepted["kpj"].to_pylist() == ["10000000001", "10000000002"]
    got = dict(zip(quarantined["_row"].to_list(), quarantined["reason_code"].to_list()))
    assert got == EXPECTED
    reasons = dict(zip(quarantined["_row"].to_list(), quarantined["reason"].to_list()))
    assert reasons[4] == "kolom name kosong"
    assert reasons[5] == "NIK harus 16 digit, tertulis 15 digit"
    assert reasons[6] == "NIK rusak oleh spreadsheet (3.37401E+15): ekspor ulang kolom sebagai teks"
    assert reasons[16] == "KPJ 10000000001 sudah ada di baris 2"
    assert "SELF, EMPLOYER" in reasons[12]
    raw = json.loads(quarantined.filter(pl.col("_row") == 13)["raw"][0])
    assert raw["wage"] == "-5" and raw["kpj"] == "10000000012"


def test_values_are_normalised():
    [(_, df)] = read_table_file(REASONS_CSV)
    accepted, _ = validate(CONTRACTS["participants"], df, today=TODAY)
    budi = accepted.to_pylist()[1]
    assert budi["sex"] == "L" and budi["birth_date"] == date(1985, 5, 15)
    assert budi["wage"] == 2_500_000 and budi["programmes"] == "JKK,JKM,JHT,JP"
    assert budi["sub_segment"] == "USAHA_BESAR" and budi["sponsor_type"] == "EMPLOYER"
    assert budi["registered_date"] == date(2023, 2, 15)


def test_several_problems_in_one_row_are_all_reported():
    df = pl.DataFrame([row(nik="123", wage="abc", sponsor="BANK", village="99")],
                      schema=HEADER.split(","), orient="row")
    _, quarantined = validate(CONTRACTS["participants"], df, today=TODAY)
    assert quarantined["reason_code"][0] == "bad_nik,unknown_region,unknown_value,bad_number"
    assert quarantined["reason"][0].count("; ") == 3
    assert quarantined["_row"][0] == 1  # no _row column: rows count from 1


def test_nik_conflict_on_birth_date_and_unknown_district_warning():
    df = pl.DataFrame([row(birth="1991-01-01"), row(kpj="10000000002", nik="3399014101900001")],
                      schema=HEADER.split(","), orient="row")
    r = validate_frame(CONTRACTS["participants"], df, today=TODAY)
    assert r.quarantined["reason"].to_list() == [
        "NIK menunjukkan tanggal lahir 01-01-90, kolom birth_date 1991-01-01"]
    assert r.accepted["nik"].to_pylist() == ["3399014101900001"]
    assert r.warnings == {"unknown_district": 1}


def test_missing_required_column_raises_for_the_whole_file():
    df = pl.DataFrame({"kpj": ["1"], "nama": ["x"]})
    with pytest.raises(IngestError, match="nik") as err:
        validate(CONTRACTS["participants"], df)
    assert "kpj" in str(err.value) and "birth_date" in str(err.value)


def test_employers():
    df = pl.DataFrame({
        "npp": ["15070955", "15070956", "1507x", "15070955"],
        "name": ["PT Contoh", "CV Contoh", "UD Contoh", "PT Lagi"],
        "npwp": ["01.234.567.8-901.000", "", "", ""],
        "kbli_sector": ["c", "G", "Z", "C"], "size_class": ["besar", "MIKRO", "KECIL", "BESAR"],
        "regency_code": ["33.74", "3399", "3374", "3374"],
        "registered_date": ["2020-01-01"] * 4, "status": ["aktif", "AKTIF", "AKTIF", "AKTIF"],
    })
    accepted, quarantined = validate(CONTRACTS["employers"], df, today=TODAY)
    assert accepted.to_pylist()[0]["npwp"] == "012345678901000"
    assert accepted.to_pylist()[0]["regency_code"] == "3374"
    assert quarantined["reason_code"].to_list() == ["unknown_region", "bad_id,unknown_value", "duplicate_key"]
    assert quarantined["reason"][2] == "NPP 15070955 sudah ada di baris 1"


def test_workforce():
    df = pl.DataFrame({
        "region_code": ["33", "3374", "33", "337401", "33", "33"],
        "period": ["2021-08", "2021-08", "2021-08", "2021-08", "2021-8x", "2021-08"],
        "employed": ["17.835.770", "900000", "1", "1", "1", "-1"],
        "unemployed": ["1128223", "", "", "", "", ""],
        "employment_status": ["", "4", "9", "", "", ""],
        "sector": ["", "17", "", "", "", "18"],
        "source": ["BPS Sakernas"] * 6,
        "estimated": ["tidak", "Ya", "1", "0", "maybe", "false"],
    })
    accepted, quarantined = validate(CONTRACTS["workforce"], df, today=TODAY)
    assert accepted.schema == CONTRACTS["workforce"].schema.to_pyarrow()
    rows = accepted.to_pylist()
    assert [r["employed"] for r in rows] == [17_835_770, 900_000]
    assert [r["estimated"] for r in rows] == [False, True]
    assert rows[0]["employment_status"] is None and rows[1]["sector"] == 17
    assert quarantined["reason_code"].to_list() == [
        "unknown_value", "unknown_region", "bad_month,unknown_value", "unknown_value,bad_number"]


def test_workforce_duplicate_key_with_empty_parts():
    df = pl.DataFrame({
        "region_code": ["33", "33"], "period": ["2021-08", "2021-08"], "employed": ["1", "2"],
        "employment_status": ["", ""], "sector": ["", ""], "source": ["x", "x"], "estimated": ["0", "0"],
    })
    accepted, quarantined = validate(CONTRACTS["workforce"], df)
    assert accepted.num_rows == 1
    assert quarantined["reason"][0] == (
        "kombinasi region_code/period/employment_status/sector (33/2021-08/-/-) sudah ada di baris 1")


# -- readers -----------------------------------------------------------------------------
def test_header_aliases():
    assert normalise_header(" No KPJ ") == "kpj"
    assert normalise_header("Tgl-Lahir") == "birth_date"
    assert normalise_header("Tanggal Lahir") == "birth_date"
    assert normalise_header("JENIS KELAMIN") == "sex"
    assert normalise_header("kode_desa") == "village_code"
    assert normalise_header("Nama") == "name"
    assert normalise_header("Village Code") == "village_code"


def test_csv_semicolon_cp1252(tmp_path, wh):
    path = write_csv(tmp_path / "p.csv", [
        row(name="Ngadimin Â", wage="2.500.000", programmes="JKK,JKM"),
        row(kpj="10000000002", nik="3374011505850002", name="Ngadimin Ñ", birth="15-05-1985", sex="L"),
    ], sep=";", encoding="cp1252")
    [(_, df)] = read_table_file(path)
    assert df["name"].to_list() == ["Ngadimin Â", "Ngadimin Ñ"]
    assert df["_row"].to_list() == [2, 3]
    rep = import_file(wh, "participants", path, today=TODAY)
    check_invariants(rep)
    assert (rep.accepted, rep.quarantined) == (2, 0)
    assert q(wh, "SELECT name, wage, programmes FROM participants ORDER BY kpj")[0] == (
        "Ngadimin Â", 2500000, "JKK,JKM")


def test_csv_utf8_bom_tab_and_blank_lines(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_bytes(b"\xef\xbb\xbfNama\tNIK\nA\t'3374014101900001\n\n\t\nB\t3.37401E+15\n")
    [(_, df)] = read_table_file(path)
    assert df.columns == ["_row", "name", "nik"]
    assert df["_row"].to_list() == [2, 5]  # blank lines are not rows but keep the numbering
    assert df["nik"].to_list() == ["'3374014101900001", "3.37401E+15"]


def test_xlsx_two_sheets(tmp_path, wh):
    wb = openpyxl.Workbook()
    for title, rows in (("Semarang", [row(), row(kpj="10000000002", wage="abc")]),
                        ("Kendal", [row(kpj="10000000003"), row(kpj="10000000004"), row(kpj="10000000001")])):
        ws = wb.active if title == "Semarang" else wb.create_sheet(title)
        ws.title = title
        ws.append(HEADER.split(","))
        for r in rows:
            r = list(r)
            r[1] = int(r[1])  # NIK typed as a number: still exact below 2**53
            ws.append(r)
    wb.create_sheet("Kosong")
    path = tmp_path / "p.xlsx"
    wb.save(path)
    parts = read_table_file(path)
    assert [s for s, _ in parts] == ["Semarang", "Kendal"]
    assert [df["_row"].to_list() for _, df in parts] == [[2, 3], [2, 3, 4]]
    assert parts[0][1]["nik"][0] == "3374014101900001"
    rep = import_file(wh, "participants", path, today=TODAY)
    check_invariants(rep)
    assert (rep.rows_read, rep.accepted, rep.quarantined) == (5, 3, 2)
    assert rep.sheets == ["Semarang", "Kendal"]
    got = q(wh, "SELECT sheet, row_number, reason_code, reason FROM quarantine ORDER BY sheet")
    assert got == [("Kendal", 4, "duplicate_key", "KPJ 10000000001 sudah ada di baris 2 (sheet Semarang)"),
                   ("Semarang", 3, "bad_number",
                    "wage 'abc' harus bilangan bulat tidak negatif, mis. 2500000 atau 2.500.000")]
    only = read_table_file(path, sheet="Kendal")
    assert [s for s, _ in only] == ["Kendal"]
    with pytest.raises(IngestError, match="Semarang, Kendal, Kosong"):
        read_table_file(path, sheet="Batang")


def test_parquet_rows_from_one_and_floats_flagged(tmp_path, wh):
    names = HEADER.split(",")
    cols = {n: [row()[i], row(kpj="10000000002")[i]] for i, n in enumerate(names)}
    cols["nik"] = pa.array([3374014101900001, None], pa.int64())
    cols["wage"] = pa.array([2500000.0, 2500000.5], pa.float64())
    cols["registered_date"] = pa.array([date(2024, 1, 15), date(2024, 1, 15)])
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table(cols), path)
    [(_, df)] = read_table_file(path)
    assert df["_row"].to_list() == [1, 2]
    assert all(dt == pl.String for c, dt in df.schema.items() if c != "_row")
    rep = import_file(wh, "participants", path, today=TODAY)
    check_invariants(rep)
    assert (rep.accepted, rep.quarantined) == (1, 1)
    assert q(wh, "SELECT row_number, reason_code FROM quarantine") == [(2, "required_missing,bad_number")]
    assert q(wh, "SELECT nik, wage, registered_date FROM participants") == [
        ("3374014101900001", 2500000, date(2024, 1, 15))]


def test_float_nik_in_parquet_is_mangled(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"nik": pa.array([3374014101900001.0])}), path)
    [(_, df)] = read_table_file(path)
    from cakupan.identity.nik import parse_nik

    assert parse_nik(df["nik"][0]).problem == "mangled"


@pytest.mark.parametrize("name, content, match", [
    ("p.xls", b"junk", "xlsx"),
    ("p.json", b"{}", "tidak didukung"),
    ("p.xlsx", b"not a zip", "Excel"),
    ("p.parquet", b"not parquet", "Parquet"),
    ("p.csv", b"", "kosong"),
    ("p.csv", b"a,b\n1,2,3\n", "baris 2 baris ini punya 3 kolom"),  # read_table_file wants every line good
    ("p.csv", b"nik,nama\n", "judul kolom, tanpa baris data"),
    ("p.csv", b"PK\x03\x04rest", "arsip zip"),
])
def test_unreadable_files(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=match):
        read_table_file(path)


def test_duplicate_headers_after_aliasing(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("nama,name\na,b\n")
    with pytest.raises(IngestError, match="sama-sama"):
        read_table_file(path)


# -- loading -----------------------------------------------------------------------------
def test_import_reasons_file(wh):
    rep = import_file(wh, "participants", REASONS_CSV, today=TODAY)
    check_invariants(rep)
    assert (rep.rows_read, rep.accepted, rep.inserted, rep.quarantined) == (15, 2, 2, 13)
    assert rep.reasons == {code: 1 for code in EXPECTED.values()}
    assert counts(wh) == {"participants": 2, "quarantine": 13, "imports": 1}
    imp = q(wh, "SELECT table_name, sha256, rows_read, accepted, inserted, updated, unchanged, quarantined "
                "FROM imports")[0]
    assert imp == ("participants", rep.sha256, 15, 2, 2, 0, 0, 13)
    types_ = dict(q(wh, "SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_name = 'participants'"))
    assert types_["birth_date"] == "DATE" and types_["wage"] == "BIGINT" and len(types_) == 15


def test_same_file_twice_changes_nothing(wh):
    first = import_file(wh, "participants", REASONS_CSV, today=TODAY)
    before = (q(wh, "SELECT * FROM participants ORDER BY kpj"), q(wh, "SELECT * FROM quarantine ORDER BY row_number"),
              q(wh, "SELECT * FROM imports"))
    again = import_file(wh, "participants", REASONS_CSV, today=TODAY)
    after = (q(wh, "SELECT * FROM participants ORDER BY kpj"), q(wh, "SELECT * FROM quarantine ORDER BY row_number"),
             q(wh, "SELECT * FROM imports"))
    assert again.already_imported and not first.already_imported
    assert before == after
    assert again.import_id == first.import_id
    assert (again.rows_read, again.accepted, again.quarantined) == (first.rows_read, first.accepted, first.quarantined)
    assert again.reasons == first.reasons


def test_second_file_updates_changed_rows(tmp_path, wh):
    a = write_csv(tmp_path / "a.csv", [row(), row(kpj="10000000002"), row(kpj="10000000003")])
    b = write_csv(tmp_path / "b.csv", [row(name="Siti Baru"), row(kpj="10000000002"), row(kpj="10000000009"),
                                       row(kpj="10000000010", wage="-1")])
    ra = import_file(wh, "participants", a, today=TODAY)
    rb = import_file(wh, "participants", b, today=TODAY)
    check_invariants(ra)
    check_invariants(rb)
    assert (rb.inserted, rb.updated, rb.unchanged, rb.quarantined) == (1, 1, 1, 1)
    assert q(wh, "SELECT kpj, name FROM participants ORDER BY kpj") == [
        ("10000000001", "Siti Baru"), ("10000000002", "Siti Contoh"), ("10000000003", "Siti Contoh"),
        ("10000000009", "Siti Contoh")]
    assert counts(wh) == {"participants": 4, "quarantine": 1, "imports": 2}


@pytest.mark.parametrize("step", ["_upsert", "_write_quarantine", "_write_import"])
def test_failed_import_leaves_warehouse_unchanged(tmp_path, wh, monkeypatch, step):
    a = write_csv(tmp_path / "a.csv", [row(), row(kpj="10000000002", wage="x")])
    import_file(wh, "participants", a, today=TODAY)
    before = (counts(wh), q(wh, "SELECT * FROM participants ORDER BY kpj"))
    b = write_csv(tmp_path / "b.csv", [row(name="Siti Baru"), row(kpj="10000000003"), row(kpj="1x")])
    real = getattr(load_mod, step)

    def boom(*args, **kwargs):
        real(*args, **kwargs)  # do the work, then fail: the rollback must undo it
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_mod, step, boom)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(wh, "participants", b, today=TODAY)
    assert (counts(wh), q(wh, "SELECT * FROM participants ORDER BY kpj")) == before
    monkeypatch.undo()
    rep = import_file(wh, "participants", b, today=TODAY)  # the file was not marked as imported
    assert not rep.already_imported and (rep.inserted, rep.updated, rep.quarantined) == (1, 1, 1)


def test_failed_first_import_creates_no_tables(tmp_path, wh, monkeypatch):
    monkeypatch.setattr(load_mod, "_write_import", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        import_file(wh, "participants", REASONS_CSV, today=TODAY)
    assert counts(wh) == {"participants": None, "quarantine": None, "imports": None}


def test_missing_column_file_raises_and_writes_nothing(tmp_path, wh):
    path = tmp_path / "p.csv"
    path.write_text("kpj,nama\n1,a\n")
    with pytest.raises(IngestError, match="kolom wajib tidak ada: nik"):
        import_file(wh, "participants", path)
    assert counts(wh)["imports"] is None


def test_import_refuses_spark_and_unknown_tables(tmp_path, wh):
    with pytest.raises(IngestError, match="cakupan warehouse export"):
        import_file(types.SimpleNamespace(engine="spark"), "participants", REASONS_CSV)
    with pytest.raises(IngestError, match="employers"):
        import_file(wh, "pegawai", REASONS_CSV)


def test_workforce_upsert_with_null_key_parts(tmp_path, wh):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    head = "region_code,period,employed,employment_status,sector,source,estimated\n"
    a.write_text(head + "33,2021-08,100,,,BPS,tidak\n33,2021-08,40,4,,BPS,ya\n")
    b.write_text(head + "33,2021-08,100,,,BPS,tidak\n33,2021-08,41,4,,BPS,ya\n34,2021-08,5,,,BPS,0\n")
    import_file(wh, "workforce", a)
    rep = import_file(wh, "workforce", b)
    assert (rep.inserted, rep.updated, rep.unchanged) == (1, 1, 1)
    assert q(wh, "SELECT region_code, employed, employment_status FROM workforce ORDER BY ALL") == [
        ("33", 40 + 1, 4), ("33", 100, None), ("34", 5, None)]


def test_any_month_is_a_month_including_january(tmp_path):
    """Regression: '2010-01' was once read as a date and rejected."""
    import polars as pl

    from cakupan.ingest.validate import _parse_month

    got = pl.select(_parse_month(pl.Series(["2010-01", "2021-11-01", "2021/03", "2021-13"]))).to_series()
    assert got.to_list() == ["2010-01", "2021-11", "2021-03", None]
