"""cakupan reconcile: import with nothing lost, run, employers, people (masked), export, scope."""

import polars as pl
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.services import Scope
from cakupan.services import reconcile as svc
from cakupan.services.common import NotFound
from cakupan.settings import load
from cakupan.warehouse import open_warehouse

runner = CliRunner()


def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory):
    d = tmp_path_factory.mktemp("jkn")
    wh = d / "w.duckdb"
    cli("synth", "--scale", "0.002", "--seed", "11", "-w", wh)
    out = cli("synth", "jkn", "--out", d / "jkn.csv", "-w", wh)
    assert "PDS_TK" in out and "jkn.truth.csv" in out
    out = cli("reconcile", "import", d / "jkn.csv", "-w", wh)
    assert "karantina 0" in out
    out = cli("reconcile", "run", "--period", "2021-11", "-w", wh)
    return d, wh, out


def test_import_keeps_every_row_and_reads_english_headers(reconciled, tmp_path):
    d, wh, _ = reconciled
    frame = pl.read_csv(d / "jkn.csv", infer_schema=False).head(40)
    english = {"NO KARTU": "card_number", "NIK": "nik", "NAMA": "name", "TGL LAHIR": "date_of_birth",
               "JENIS KELAMIN": "gender", "KODE DESA": "village_code", "SEGMEN": "jkn_segment", "KELAS": "class",
               "KODE BADAN USAHA": "employer_code", "NAMA BADAN USAHA": "employer_name",
               "NPWP BADAN USAHA": "employer_tax_id", "KAB/KOTA BADAN USAHA": "employer_regency",
               "GAJI": "salary", "STATUS": "membership_status", "PERIODE": "period"}
    frame = frame.rename(english).with_columns(period=pl.lit("2021-10"))
    broken = frame.head(3).with_columns(
        jkn_segment=pl.Series(["XYZ", "PPU", "PBPU"]), employer_code=pl.Series([None, None, None], dtype=pl.String),
        nik=pl.Series([None, None, "123"], dtype=pl.String), name=pl.Series(["A", "B", None], dtype=pl.String))
    path = tmp_path / "english.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    both = pl.concat([frame, broken])
    sheet.append(both.columns)
    for row in both.iter_rows():
        sheet.append(list(row))
    book.save(path)
    out = cli("reconcile", "import", path, "-w", wh)
    assert "dibaca 43 = diterima 40 + karantina 3" in out
    assert "karantina bad_segment: 1" in out and "karantina ppu_no_employer: 1" in out
    assert "karantina no_identity: 1" in out
    again = cli("reconcile", "import", path, "-w", wh)
    assert "sudah pernah diimpor" in again
    with open_warehouse(load(warehouse=wh), read_only=True) as w:
        q = w.to_arrow(w.table("quarantine").filter(w.table("quarantine").table_name == "jkn_members")).to_pylist()
        kept = w.to_arrow(w.table("jkn_members").filter(w.table("jkn_members").period == "2021-10")).num_rows
    assert kept == 40
    assert sorted(r["row_number"] for r in q) == [42, 43, 44]
    assert all(r["reason"] and r["raw"] for r in q)


def test_run_prints_the_paragraph_in_indonesian(reconciled):
    out = " ".join(reconciled[2].split())
    assert "perusahaan di wilayah ini diperkirakan belum mendaftarkan" in out
    assert "potensi iuran Rp " in out and "per bulan" in out
    assert "lewat NIK" in out and "probabilistik" in out


def test_employers_ranked_and_people_masked(reconciled, tmp_path):
    d, wh, _ = reconciled
    out = cli("reconcile", "employers", "-w", wh, "--format", "csv", "--limit", "0")
    rows = pl.read_csv(out.encode(), infer_schema=False)
    money = rows["uncollected"].cast(pl.Int64)
    assert rows.height > 50 and money.is_sorted(descending=True)
    top = rows["rank"][0]
    assert top == "1"
    truth = pl.read_csv(d / "jkn.truth.csv", infer_schema=False)
    masked = cli("reconcile", "people", "-w", wh, "--format", "csv", "--limit", "0", "--case", "PDS_TK")
    shown = cli("reconcile", "people", "-w", wh, "--format", "csv", "--limit", "0", "--case", "PDS_TK", "--show-pii")
    niks = set(truth.filter((pl.col("case") == "PDS_TK") & (pl.col("nik_usable") == "true"))["person_nik"].to_list())
    assert len(niks) > 100
    assert not any(nik in masked for nik in niks)
    assert all(nik in shown for nik in niks)


def test_export_xlsx_for_the_compliance_team(reconciled):
    d, wh, _ = reconciled
    path = d / "kepatuhan.xlsx"
    out = cli("reconcile", "export", "-o", path, "-w", wh)
    assert "Ditulis" in out
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Ringkasan", "Pemberi kerja", "Pekerja", "Bukti iuran"]
    assert "diperkirakan belum mendaftarkan" in book["Ringkasan"]["A2"].value
    truth = pl.read_csv(d / "jkn.truth.csv", infer_schema=False)
    niks = set(truth.filter(pl.col("case") != "NONE")["person_nik"].to_list())
    cells = {c for row in book["Pekerja"].iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert not (cells & niks)


def test_scope_sees_only_its_regency(reconciled):
    _, wh, _ = reconciled
    scope = Scope(regions=("3374",), personal_data=False)
    with open_warehouse(load(warehouse=wh), read_only=True) as w:
        result = svc.employers(w, scope, "2021-11", limit=None)
        assert result.report.rows and all(r["employer_regency"] == "33.74" for r in result.report.rows)
        people = svc.people(w, scope, "2021-11", show_pii=True, limit=None)
        assert all(r["regency_code"] == "33.74" for r in people.report.rows)
        assert all(r["nik"] is None or "*" in r["nik"] for r in people.report.rows)  # may not see personal data
        with pytest.raises(NotFound):
            svc.employers(w, scope, "2021-11", regency="33.22")
