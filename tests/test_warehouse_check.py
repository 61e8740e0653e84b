"""`cakupan warehouse check`: a warehouse built by the real importers passes; each kind of
damage is reported in words (and exit code 1)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.ingest.load import import_file
from cakupan.lists.importer import import_list
from cakupan.lists.matcher import match_list
from cakupan.settings import load
from cakupan.warehouse import open_warehouse
from cakupan.warehouse_check import check
from tests.conftest import make_warehouse

DATA = Path(__file__).parent / "data"
LIST = ("NO;NAMA;NO KTP;TEMPAT/TGL LAHIR;L/P\n"
        "1;Siti Aminah;3374014101900001;Semarang, 01-01-1990;P\n"
        "2;;-;;L\n"
        "3;Djoko Santoso;3374011203800002;Semarang, 12-03-1980;L\n")
runner = CliRunner()


@pytest.fixture(scope="module")
def healthy(small_registry, tmp_path_factory) -> Path:
    """A warehouse filled by every importer: synth tables, a registry import with
    quarantined rows, a partner list (matched), a sponsored cohort."""
    d = tmp_path_factory.mktemp("check")
    wh = make_warehouse("duckdb", d, small_registry)
    import_file(wh, "participants", DATA / "ingest" / "participants_reasons.csv", today=dt.date(2022, 1, 1))
    import_file(wh, "targets", DATA / "targets" / "targets_reasons.csv")
    lst = d / "pkl.csv"
    lst.write_text(LIST, encoding="utf-8")
    import_list(wh, lst, "pasar")
    match_list(wh, "pasar", "2021-11")
    village = wh.to_arrow(wh.table("participants").select("village_code").limit(1))[0][0].as_py()
    wh.append({
        "sponsor_cohorts": pa.Table.from_pylist([{"cohort_id": "c1", "name": "uji", "sponsor": "apbd",
                                                  "start": "2022-01", "months": 12}]),
        "sponsor_cohort_members": pa.Table.from_pylist([{"cohort_id": "c1", "nik": "3374014101900001",
                                                         "village_code": village}]),
    })
    wh.close()
    return d / "w.duckdb"


def damaged(healthy: Path, tmp_path: Path, *sql: str) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copy(healthy, path)
    with open_warehouse(load(warehouse=path)) as wh:
        for statement in sql:
            wh.con.con.execute(statement).fetchall()
    return path


def breaches(path: Path) -> list[str]:
    with open_warehouse(load(warehouse=path), read_only=True) as wh:
        return [b.message for b in check(wh).breaches]


def test_a_warehouse_built_by_the_importers_is_healthy(healthy):
    with open_warehouse(load(warehouse=healthy), read_only=True) as wh:
        result = check(wh)
        assert wh.has("list_matches") and wh.has("quarantine") and wh.has("targets")
    assert result.breaches == [] and result.ok
    assert result.checks >= 60
    r = runner.invoke(app, ["warehouse", "check", "-w", str(healthy)])
    assert r.exit_code == 0 and f"Gudang data sehat: {result.checks} pemeriksaan lulus" in r.output


@pytest.mark.parametrize("sql, expected", [
    (["UPDATE imports SET accepted = accepted + 1 WHERE table_name = 'participants'"],
     ["1 impor dengan jumlah dibaca ≠ diterima + karantina + dilewati",
      "1 impor dengan jumlah diterima ≠ baru + diperbarui + sama"]),
    (["DELETE FROM quarantine WHERE import_id = (SELECT import_id FROM imports WHERE table_name = 'participants') "
      "AND row_number = (SELECT min(row_number) FROM quarantine)"],
     ["1 impor (imports) yang jumlah baris karantinanya tidak sama dengan yang dicatat"]),
    (["UPDATE list_imports SET rows_read = rows_read + 2"],
     ["1 impor daftar dengan jumlah dibaca ≠ diterima + karantina"]),
    (["INSERT INTO list_rows BY NAME SELECT * REPLACE ('lain' AS import_id) FROM list_rows LIMIT 1"],
     ["1 baris daftar tanpa catatan impornya di list_imports"]),
    (["DELETE FROM list_matches WHERE row_number = 4"],
     ["1 baris daftar yang sudah dicocokkan tanpa hasil pencocokan (tidak bisa jadi prospek); "
      "jalankan lagi cakupan lists match"]),
    (["UPDATE list_matches SET row_number = 99 WHERE row_number = 4"],
     ["1 hasil pencocokan tanpa baris daftarnya (list_rows atau karantina)",
      "1 baris daftar yang sudah dicocokkan tanpa hasil pencocokan (tidak bisa jadi prospek); "
      "jalankan lagi cakupan lists match"]),
    (["DELETE FROM sponsor_cohorts"], ["1 anggota kohort sponsor tanpa kohortnya di sponsor_cohorts"]),
    (["UPDATE participants SET segment = 'XX' WHERE kpj IN (SELECT kpj FROM participants LIMIT 3)"],
     ["tabel participants: 3 baris dengan segment di luar pilihan (PU, BPU, JAKON, PMI)"]),
    (["UPDATE participants SET programmes = 'JKK,JKN' WHERE kpj IN (SELECT kpj FROM participants LIMIT 2)"],
     ["tabel participants: 2 baris dengan programmes di luar pilihan (JKK, JKM, JHT, JP, JKP)"]),
    (["INSERT INTO participants SELECT * FROM participants LIMIT 2"],
     ["tabel participants: 2 kunci (kpj) muncul lebih dari sekali"]),
    (["UPDATE employers SET name = NULL WHERE npp IN (SELECT npp FROM employers LIMIT 1)"],
     ["tabel employers: 1 baris tanpa name (wajib)"]),
    (["UPDATE participants SET village_code = '3374019999' WHERE kpj IN (SELECT kpj FROM participants LIMIT 4)"],
     ["tabel participants: 4 baris dengan village_code yang bukan kode desa/kelurahan Kemendagri"]),
    (["UPDATE workforce SET region_code = '3374011001' WHERE region_code = '33' AND employment_status IS NULL "
      "AND sector IS NULL AND period = (SELECT min(period) FROM workforce)"],
     ["tabel workforce: 1 baris dengan region_code yang bukan kode provinsi atau kabupaten/kota Kemendagri"]),
    (["ALTER TABLE employers DROP COLUMN status"], ["tabel employers tidak punya kolom status"]),
    (["ALTER TABLE workforce ALTER employed TYPE VARCHAR"],
     ["tabel workforce: tipe kolom salah: employed (VARCHAR, seharusnya BIGINT)"]),
    (["DROP TABLE regions", "UPDATE employers SET regency_code = '3399' WHERE npp IN (SELECT npp FROM employers LIMIT 1)"],
     ["tabel employers: 1 baris dengan regency_code yang bukan kode kabupaten/kota Kemendagri"]),
])
def test_each_breach_is_said_in_words(healthy, tmp_path, sql, expected):
    path = damaged(healthy, tmp_path, *sql)
    assert breaches(path) == expected
    r = runner.invoke(app, ["warehouse", "check", "-w", str(path)])
    assert r.exit_code == 1
    text = " ".join(r.output.split())
    assert all(" ".join(e.split()) in text for e in expected)
    assert f"{len(expected)} pelanggaran dari" in text
