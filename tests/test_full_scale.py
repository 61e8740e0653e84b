"""The scale-1.0 registry reproduces the published Nov-2021 figures exactly (about 1 min, 6 GB)."""

import csv
import io

import pytest
from typer.testing import CliRunner

from cakupan.cli import app

pytestmark = pytest.mark.slow


def test_full_scale_province_csv_matches_the_regional_release(tmp_path):
    runner = CliRunner()
    wh = str(tmp_path / "full.duckdb")
    assert runner.invoke(app, ["synth", "--scale", "1.0", "--seed", "7", "-w", wh]).exit_code == 0
    result = runner.invoke(app, ["coverage", "--period", "2021-11", "--by", "province",
                                 "--format", "csv", "-w", wh])
    rows = {r["region_code"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    got = {k: (r["participants"], r["employed"], r["unemployed"], r["coverage_pct"]) for k, r in rows.items()}
    assert got == {
        "33": ("3062280", "17835770", "1128223", "17.17"),
        "34": ("412982", "2201510", "106432", "18.76"),
        "TOTAL": ("3475262", "20037280", "1234655", "17.34"),
    }
