"""Targets: import with reasons, branches, cascade to regencies, weights on both engines, CLI."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from conftest import make_warehouse
from typer.testing import CliRunner

from cakupan import targets as tg
from cakupan.cli.targets import app
from cakupan.services.targets import import_targets, write_cascaded
from cakupan.contracts import CONTRACTS
from cakupan.ingest import IngestError, import_file
from cakupan.reference import workforce_reference
from cakupan.settings import load
from cakupan.warehouse import open_warehouse

TODAY = date(2025, 6, 30)
DATA = Path(__file__).parent / "data" / "targets"
REASONS = DATA / "targets_reasons.csv"
BRANCHES = DATA / "branches.csv"
CASCADE = DATA / "targets_cascade.csv"
EXPECTED = {  # row number -> its reason code (tests/data/targets/README.md)
    5: "unknown_value", 6: "unknown_region", 7: "unknown_region", 8: "unknown_branch",
    9: "bad_month", 10: "bad_number", 11: "duplicate_key", 12: "unknown_value",
    13: "required_missing",
}
runner = CliRunner()


@pytest.fixture
def wh(tmp_path):
    w = open_warehouse(load(engine="duckdb", warehouse=tmp_path / "w.duckdb"))
    yield w
    w.close()


def q(wh, sql):
    return wh.con.con.execute(sql).fetchall()


def quarantine(wh, import_id):
    return {r: (code, reason) for r, code, reason in q(
        wh, f"SELECT row_number, reason_code, reason FROM quarantine WHERE import_id = '{import_id}'")}


def targets_rows(wh):
    return q(wh, "SELECT level, area_code, segment, period, target, source, cascaded_from "
                 "FROM targets ORDER BY ALL")


# -- contracts -------------------------------------------------------------------------------
def test_contracts_are_registered():
    t, b = CONTRACTS["targets"], CONTRACTS["branches"]
    assert t.key == ("level", "area_code", "segment", "period")
    assert t.names == ("level", "area_code", "segment", "period", "target", "source", "cascaded_from")
    assert [c.name for c in t.columns if not c.required] == ["source", "cascaded_from"]
    assert b.key == ("branch_code", "regency_code")
    assert str(t.schema["target"]) == "!int64"


# -- import ----------------------------------------------------------------------------------
def test_branches_import(wh):
    rep = import_file(wh, "branches", BRANCHES, today=TODAY)
    assert (rep.rows_read, rep.accepted, rep.quarantined) == (7, 5, 2)
    assert rep.reasons == {"duplicate_key": 1, "unknown_region": 1}
    assert set(quarantine(wh, rep.import_id)) == {7, 8}
    rows = wh.to_arrow(tg.branch_regencies(wh.table("branches"))).to_pylist()
    assert [(r["branch_code"], r["regency_code"]) for r in rows] == [
        ("KC-SLO", "3311"), ("KC-SLO", "3372"),
        ("KC-SMG", "3321"), ("KC-SMG", "3322"), ("KC-SMG", "3374")]  # kc-smg, 33.22 normalised


def test_every_reason_code_and_read_equals_accepted_plus_quarantined(wh):
    import_file(wh, "branches", BRANCHES, today=TODAY)
    rep, cascaded = import_targets(wh, REASONS, today=TODAY)
    assert cascaded is None
    assert rep.rows_read == rep.accepted + rep.quarantined == 12
    assert (rep.accepted, rep.quarantined) == (3, 9)
    got = quarantine(wh, rep.import_id)
    assert {r: code for r, (code, _) in got.items()} == EXPECTED
    assert "cabang KC-XYZ belum ada di tabel branches" in got[8][1]
    assert "cakupan targets branches FILE" in got[8][1]
    assert "sudah ada di baris 2" in got[11][1]
    assert targets_rows(wh) == [
        ("BRANCH", "KC-SMG", "ALL", "2021-12", 400000, "RKAT 2021", None),
        ("PROVINCE", "33", "ALL", "2021-12", 3100000, "RKAT 2021", None),
        ("REGENCY", "3374", "PU", "2021-12", 250000, "RKAT 2021", None),
    ]


def test_branch_rows_need_the_branches_table(wh):
    rep, _ = import_targets(wh, REASONS, today=TODAY)  # no branches table yet
    got = quarantine(wh, rep.import_id)
    assert got[4][0] == "unknown_branch" and got[8][0] == "unknown_branch"
    assert "impor dulu `cakupan targets branches FILE`" in got[4][1]
    assert rep.reasons["unknown_branch"] == 2
    assert rep.rows_read == rep.accepted + rep.quarantined


def test_reimport_is_idempotent(wh):
    import_file(wh, "branches", BRANCHES, today=TODAY)
    first, _ = import_targets(wh, REASONS, today=TODAY)
    before = (targets_rows(wh), q(wh, "SELECT count(*) FROM quarantine"))
    again, _ = import_targets(wh, REASONS, today=TODAY)
    assert again.already_imported and again.import_id == first.import_id
    assert (again.rows_read, again.accepted, again.quarantined) == (12, 3, 9)
    assert (targets_rows(wh), q(wh, "SELECT count(*) FROM quarantine")) == before
    assert q(wh, "SELECT count(*) FROM imports WHERE table_name = 'targets'") == [(1,)]


def test_xlsx_sheets_with_different_header_aliases(wh, tmp_path):
    path = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    a = book.active
    a.title = "Jateng"
    a.append(["Tingkat", "Kode Wilayah", "Segmen", "Bulan", "Target"])
    a.append(["Provinsi", "33", "Semua", "2022-01", "3.200.000"])
    a.append(["Kab.", "3374", "BPU", "2022-01", "12000"])
    b = book.create_sheet("DIY")
    b.append(["level", "area_code", "segment", "periode", "target_peserta", "sumber"])
    b.append(["PROVINCE", "34", "ALL", "2022-01-01", "420000", "RKAT 2022"])
    b.append(["PROVINCE", "34", "ALL", "2022-01", "1", "again"])
    book.save(path)
    rep = import_file(wh, "targets", path, today=TODAY)
    assert rep.rows_read == rep.accepted + rep.quarantined == 4
    assert rep.reasons == {"duplicate_key": 1}
    assert q(wh, "SELECT sheet, row_number FROM quarantine") == [("DIY", 3)]
    assert targets_rows(wh) == [
        ("PROVINCE", "33", "ALL", "2022-01", 3200000, None, None),
        ("PROVINCE", "34", "ALL", "2022-01", 420000, "RKAT 2022", None),
        ("REGENCY", "3374", "BPU", "2022-01", 12000, None, None),
    ]


def test_two_headers_for_one_column_filled_together_are_refused(wh, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("level,area_code,segment,bulan,periode,target\n"
                    "PROVINCE,33,ALL,2021-12,2021-12,5\n", encoding="utf-8")
    with pytest.raises(IngestError, match="'bulan' dan 'period'"):
        import_file(wh, "targets", path, today=TODAY)
    assert not wh.has("targets")


# -- cascade (pure) --------------------------------------------------------------------------
def prov(code, target, period="2021-12", segment="ALL", source="RKAT"):
    return {"level": "PROVINCE", "area_code": code, "segment": segment, "period": period,
            "target": target, "source": source}


def test_cascade_follows_weights_and_sums_exactly():
    weights = {"3301": 600, "3302": 300, "3303": 100, "3401": 999}
    rows = tg.cascade([prov("33", 1000)], weights, "employed", "2021-08")
    assert [(r["area_code"], r["target"]) for r in rows] == [("3301", 600), ("3302", 300), ("3303", 100)]
    assert {r["level"] for r in rows} == {"REGENCY"}
    assert rows[0]["cascaded_from"] == "PROVINCE 33 × share of employed (2021-08)"
    assert rows[0]["source"] == "RKAT" and rows[0]["period"] == "2021-12"
    # 7 -> 4.2, 2.1, 0.7: floors 4, 2, 0 and the one left goes to the largest remainder
    assert [r["target"] for r in tg.cascade([prov("33", 7)], weights, "employed")] == [4, 2, 1]
    # equal weights: ties go to the lower code
    assert [r["target"] for r in tg.cascade([prov("33", 10)], {"3301": 1, "3302": 1, "3303": 1},
                                            "uncovered")] == [4, 3, 3]
    # zero weight -> zero target; other levels are ignored
    other = {"level": "REGENCY", "area_code": "3301", "segment": "ALL", "period": "2021-12", "target": 5}
    rows = tg.cascade([prov("34", 9, segment="PU"), other], {"3401": 0, "3402": 3}, "employed")
    assert [(r["area_code"], r["segment"], r["target"]) for r in rows] == [("3401", "PU", 0), ("3402", "PU", 9)]


def test_cascade_random_totals_are_exact_and_within_one():
    rng = random.Random(5)
    for _ in range(200):
        n = rng.randint(1, 40)
        weights = {f"33{i:02d}": rng.randint(0, 2_000_000) for i in range(1, n + 1)}
        weights["3301"] += 1
        total = rng.randint(0, 5_000_000)
        rows = tg.cascade([prov("33", total)], weights, "employed")
        assert sum(r["target"] for r in rows) == total
        whole = sum(weights.values())
        for r in rows:
            assert abs(r["target"] - total * weights[r["area_code"]] / whole) < 1


def test_cascade_without_weights_fails_clearly():
    with pytest.raises(ValueError, match="provinsi 31"):
        tg.cascade([prov("31", 10)], {"3301": 5}, "employed")
    with pytest.raises(ValueError, match="tidak negatif"):
        tg.cascade([prov("33", 10)], {"3301": -5}, "employed")


# -- weights as Ibis expressions, on both engines ---------------------------------------------
def expected_employed(period):
    latest = {}
    for r in workforce_reference().to_pylist():
        total = len(r["region_code"]) == 4 and r["employment_status"] is None and r["sector"] is None
        if total and r["period"] <= period and r["period"] > latest.get(r["region_code"], (0, ""))[1]:
            latest[r["region_code"]] = (r["employed"], r["period"])
    return latest


def expected_active(participants, period):
    """Distinct NIKs active in ``period``, by the regency of their latest-registered membership."""
    end = date(int(period[:4]) + (period[5:] == "12"), int(period[5:]) % 12 + 1, 1)
    best = {}
    for r in participants.to_pylist():
        if r["registered_date"] < end and r["last_paid_month"] and r["last_paid_month"] >= period:
            k = (r["registered_date"], r["kpj"])
            if r["nik"] not in best or k > best[r["nik"]][0]:
                best[r["nik"]] = (k, r["village_code"][:4])
    counts = {}
    for _, regency in best.values():
        counts[regency] = counts.get(regency, 0) + 1
    return counts


def test_cascade_weights_on_each_engine(engine, small_registry, tmp_path):
    wh = make_warehouse(engine, tmp_path, small_registry)
    try:
        p, w = wh.table("participants"), wh.table("workforce")
        employed = wh.to_arrow(tg.cascade_weights("employed", "2021-12", w)).to_pylist()
        uncovered = wh.to_arrow(tg.cascade_weights("uncovered", "2021-12", w, p)).to_pylist()
        within = wh.to_arrow(tg.cascade_weights("employed", "2021-12", w, within="34")).to_pylist()
        before = wh.to_arrow(tg.cascade_weights("employed", "2021-07", w)).to_pylist()
    finally:
        wh.close()
    emp = expected_employed("2021-12")
    assert len(emp) == 40
    assert [(r["regency_code"], r["weight"], r["workforce_period"], r["activity_period"])
            for r in employed] == [(c, e, per, None) for c, (e, per) in sorted(emp.items())]
    active = expected_active(small_registry["participants"], "2021-11")
    assert sum(active.values()) > 1000
    assert [(r["regency_code"], r["weight"], r["activity_period"]) for r in uncovered] == [
        (c, max(e - active.get(c, 0), 0), "2021-11") for c, (e, _) in sorted(emp.items())]
    assert any(r["weight"] < emp[r["regency_code"]][0] for r in uncovered)
    assert [r["regency_code"] for r in within] == ["3401", "3402", "3403", "3404", "3471"]
    assert before == []  # no labour-force figure at or before 2021-07
    assert tg.weights_basis(uncovered) == "active 2021-11, workforce 2021-08"
    assert tg.weights_basis(employed) == "2021-08"


def test_targets_for_keeps_each_level(wh):
    import_file(wh, "branches", BRANCHES, today=TODAY)
    import_targets(wh, REASONS, today=TODAY)
    t = wh.table("targets")
    assert wh.to_arrow(tg.targets_for(t, "cabang", "semua")).to_pylist() == [
        {"period": "2021-12", "area_code": "KC-SMG", "target": 400000}]
    assert wh.to_arrow(tg.targets_for(t, "REGENCY", "PU")).to_pylist() == [
        {"period": "2021-12", "area_code": "3374", "target": 250000}]
    assert wh.to_arrow(tg.targets_for(t, "kabupaten")).to_pylist() == []
    with pytest.raises(ValueError, match="kecamatan"):
        tg.targets_for(t, "kecamatan")


def test_write_cascaded_never_replaces_imported_rows(wh):
    import_file(wh, "targets", CASCADE, today=TODAY)
    rows = tg.cascade([prov("34", 100)], {"3401": 1, "3471": 1}, "employed", "2021-08")
    r1 = write_cascaded(wh, rows, "employed")
    assert (r1.inserted, r1.updated, r1.unchanged, r1.kept) == (1, 0, 0, 1)
    r2 = write_cascaded(wh, rows, "employed")
    assert (r2.inserted, r2.updated, r2.unchanged, r2.kept) == (0, 0, 1, 1)
    rows = tg.cascade([prov("34", 100)], {"3401": 3, "3471": 1}, "uncovered")
    r3 = write_cascaded(wh, rows, "uncovered")
    assert (r3.inserted, r3.updated, r3.unchanged, r3.kept) == (0, 1, 0, 1)
    got = {r[1]: (r[4], r[6]) for r in targets_rows(wh) if r[0] == "REGENCY"}
    assert got == {"3401": (75, "PROVINCE 34 × share of uncovered"), "3471": (50000, None)}


# -- command line ----------------------------------------------------------------------------
@pytest.fixture
def wh_path(small_registry, tmp_path):
    w = make_warehouse("duckdb", tmp_path, small_registry)
    w.close()
    return str(tmp_path / "w.duckdb")


class Run:
    def __init__(self, result):
        self.exit_code, self.stdout = result.exit_code, result.stdout
        self.output = " ".join(result.output.split())  # Rich wraps long lines


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result)


def read_table(path, sql):
    import duckdb

    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_cli_import_cascade_and_show(wh_path, tmp_path):
    r = run("import", REASONS, "-w", wh_path)
    assert r.exit_code == 0, r.output
    assert "dibaca 12 = diterima 2 + karantina 10" in r.output
    assert "(unknown_branch): 2 baris" in r.output
    r = run("branches", BRANCHES, "-w", wh_path)
    assert r.exit_code == 0 and "dibaca 7 = diterima 5 + karantina 2" in r.output
    r = run("import", REASONS, "-w", wh_path)  # same file: nothing changes, and says what to do
    assert "sudah pernah diimpor" in r.output and "simpan baris itu sebagai berkas baru" in r.output
    fixed = tmp_path / "cabang.csv"
    fixed.write_text("tingkat;kode_wilayah;segmen;bulan;target\ncabang;KC-SMG;semua;2021-12;400000\n",
                     encoding="utf-8")
    r = run("import", fixed, "-w", wh_path)
    assert "dibaca 1 = diterima 1 + karantina 0" in r.output

    r = run("import", CASCADE, "--cascade", "employed", "-w", wh_path)
    assert r.exit_code == 0, r.output
    assert "dibaca 3 = diterima 3 + karantina 0" in r.output
    assert "40 target kabupaten/kota dari 2 target provinsi (baru 39; diperbarui 0; sama 0; " \
           "target impor dipertahankan 1)" in r.output
    cascaded = read_table(wh_path, "SELECT area_code, target, cascaded_from FROM targets "
                                   "WHERE level = 'REGENCY' AND segment = 'ALL' ORDER BY 1")
    assert len(cascaded) == 40
    by = {c: (t, f) for c, t, f in cascaded}
    assert sum(t for c, (t, _) in by.items() if c.startswith("33")) == 1_000_000
    assert by["3471"] == (50000, None)  # the imported regency target stays
    assert by["3374"][1] == "PROVINCE 33 × share of employed (2021-08)"
    emp = expected_employed("2021-12")
    codes = sorted(c for c in emp if c.startswith("33"))
    shares = tg.largest_remainder(1_000_000, np.array([emp[c][0] for c in codes]))
    assert [by[c][0] for c in codes] == [int(s) for s in shares]

    before = read_table(wh_path, "SELECT * FROM targets ORDER BY ALL")
    r = run("import", CASCADE, "--cascade", "employed", "-w", wh_path)
    assert "(baru 0; diperbarui 0; sama 39; target impor dipertahankan 1)" in r.output
    assert read_table(wh_path, "SELECT * FROM targets ORDER BY ALL") == before

    r = run("import", CASCADE, "--cascade", "uncovered", "-w", wh_path)
    assert "(baru 0; diperbarui 39; sama 0; target impor dipertahankan 1)" in r.output
    sums = read_table(wh_path, "SELECT left(area_code, 2), sum(target), count(*) FROM targets "
                               "WHERE cascaded_from LIKE '%uncovered (active 2021-11, workforce 2021-08)' "
                               "GROUP BY 1 ORDER BY 1")
    assert sums[0] == ("33", 1_000_000, 35)

    r = run("show", "--level", "provinsi", "--year", "2021", "-f", "csv", "-w", wh_path)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["area_code"], x["area_name"], x["target"]) for x in rows] == [
        ("33", "Jawa Tengah", "1000000"), ("34", "DI Yogyakarta", "200000")]
    r = run("show", "--level", "cabang", "-f", "json", "-w", wh_path)
    data = json.loads(r.stdout)
    assert data["rows"][0]["area_name"] == "Semarang Pemuda" and data["rows"][0]["target"] == 400000
    r = run("show", "--level", "kab", "--segment", "semua", "-w", wh_path)
    assert "Target peserta aktif" in r.stdout and "Kab. Cilacap" in r.stdout and "Diturunkan dari" in r.stdout
    out = tmp_path / "t.xlsx"
    r = run("show", "-f", "xlsx", "-o", out, "-w", wh_path)
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out).active
    assert ws["A2"].value == "Tingkat" and ws.max_row >= 2 + 44
    assert run("show", "--year", "2030", "-w", wh_path).stdout.count("Tidak ada target") == 1


def test_cli_errors_are_indonesian(tmp_path, wh_path):
    empty = str(tmp_path / "empty.duckdb")
    r = run("show", "-w", empty)
    assert r.exit_code == 2 and "belum ada target" in r.output
    r = run("show", "--level", "kecamatan", "-w", wh_path)
    assert r.exit_code == 2 and "tidak dikenal" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("level,segment,period,target\nPROVINCE,ALL,2021-12,5\n", encoding="utf-8")
    r = run("import", bad, "-w", wh_path)
    assert r.exit_code == 2 and "kolom wajib tidak ada: area_code" in r.output
    r = run("import", CASCADE, "--cascade", "sideways", "-w", wh_path)
    assert r.exit_code != 0
