"""`cakupan sponsor plan|compare` on a small synthetic warehouse and a candidate file."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.regions import children
from cakupan.synth.people import make_people

runner = CliRunner()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("sponsor")
    wh = d / "w.duckdb"
    assert runner.invoke(app, ["synth", "--scale", "0.002", "--seed", "5", "-w", str(wh)]).exit_code == 0
    rng = np.random.default_rng(2)
    villages = np.array(children("3322", 4))
    people = make_people(rng, villages[rng.integers(0, len(villages), 200)], np.array(children("3322", 3)))
    df = people.select(NIK="nik", NAMA="name", TGL_LAHIR=pl.col("birth_date").cast(pl.String),
                       KODE_DESA="village_code")
    df = df.with_columns(PEKERJAAN=pl.lit("nelayan"), MISKIN=pl.lit("tidak"))
    df = pl.concat([df, pl.DataFrame({"NIK": ["12345"], "NAMA": ["Rusak"], "TGL_LAHIR": ["1990-01-01"],
                                      "KODE_DESA": [villages[0]], "PEKERJAAN": [None], "MISKIN": ["ya"]})])
    path = d / "kandidat.csv"
    df.write_csv(path)
    return wh, path


def test_plan_selects_within_budget_masks_nik_and_writes_xlsx(setup, tmp_path):
    wh, path = setup
    out = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["sponsor", "plan", "--budget", "10000000", "--months", "12", "--region", "33.22",
                                 "--candidates", str(path), "-o", str(out), "-w", str(wh)])
    assert result.exit_code == 0, result.output
    assert "Dari 201 kandidat, 49 dipilih" in result.stdout      # 10,000,000 // 201,600 = 49
    assert "sisa Rp 121.600" in result.stdout
    assert "1 data tidak valid" in result.stdout
    assert "******" in result.stdout
    wb = load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Terpilih", "Semua kandidat", "Data ditolak", "Jadwal biaya",
                             "Dampak cakupan"]
    assert wb["Terpilih"].max_row == 50
    assert wb["Jadwal biaya"].cell(row=13, column=5).value == 49 * 201_600


def test_impossible_requests_get_clear_messages(setup):
    wh, path = setup
    low = runner.invoke(app, ["sponsor", "plan", "--budget", "1000", "--region", "33.22",
                              "--candidates", str(path), "-w", str(wh)])
    assert low.exit_code == 2 and "below the cost of protecting one person" in low.output
    bad = runner.invoke(app, ["sponsor", "plan", "--budget", "10000000", "--region", "99.99",
                              "--candidates", str(path), "-w", str(wh)])
    assert bad.exit_code == 2 and "unknown region" in bad.output


def test_compare_sets_scenarios_side_by_side(setup):
    wh, path = setup
    result = runner.invoke(app, ["sponsor", "compare", "--budget", "10000000", "--months", "6", "--months", "12",
                                 "--region", "33.22", "--candidates", str(path), "-w", str(wh)])
    assert result.exit_code == 0, result.output
    assert "Perbandingan skenario" in result.stdout
    assert "99" in result.stdout and "49" in result.stdout   # 6 months: 10,000,000 // 100,800


def test_commit_makes_a_cohort_counted_in_coverage_and_tracked_month_by_month(setup, tmp_path):
    import shutil

    wh, path = setup
    own = tmp_path / "w.duckdb"
    shutil.copy(wh, own)
    before = runner.invoke(app, ["coverage", "--period", "2021-12", "--by", "regency", "--region", "33.22",
                                 "-f", "csv", "-w", str(own)])
    result = runner.invoke(app, ["sponsor", "commit", "--name", "APBD uji", "--budget", "10000000",
                                 "--months", "3", "--start", "2021-12", "--region", "33.22",
                                 "--candidates", str(path), "-w", str(own)])
    assert result.exit_code == 0, result.output
    cohort = result.stdout.split("Kohort ")[1].split()[0]
    after = runner.invoke(app, ["coverage", "--period", "2021-12", "--by", "regency", "--region", "33.22",
                                "-f", "csv", "-w", str(own)])
    count = lambda out: int(out.stdout.splitlines()[1].split(",")[2])  # noqa: E731
    assert count(after) == count(before) + 198   # 10,000,000 // (3 x 16,800)
    paid = runner.invoke(app, ["sponsor", "status", "--cohort", cohort, "--period", "2021-12", "-w", str(own)])
    assert "dibayar sponsor 198" in paid.stdout
    renew = runner.invoke(app, ["sponsor", "status", "--cohort", cohort, "--period", "2022-01", "-w", str(own)])
    assert "daftar perpanjangan) 198" in renew.stdout
    lapsed = runner.invoke(app, ["sponsor", "status", "--cohort", cohort, "--period", "2022-03", "-w", str(own)])
    assert "tidak aktif setelah sponsor berakhir 198" in lapsed.stdout
    listing = runner.invoke(app, ["sponsor", "status", "-w", str(own)])
    assert cohort in listing.stdout and "APBD uji" in listing.stdout


def test_an_empty_or_unusable_list_is_explained(setup, tmp_path):
    wh, _ = setup
    empty = tmp_path / "empty.csv"
    empty.write_text("NIK,KODE_DESA\n")
    result = runner.invoke(app, ["sponsor", "plan", "--budget", "10000000", "--region", "33.22",
                                 "--candidates", str(empty), "-w", str(wh)])
    assert result.exit_code == 2 and "tanpa baris data" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("NIK,KODE_DESA\n123,3322012001\n")
    result = runner.invoke(app, ["sponsor", "plan", "--budget", "10000000", "--region", "33.22",
                                 "--candidates", str(bad), "-w", str(wh)])
    assert result.exit_code == 2 and "row 2" in result.output
