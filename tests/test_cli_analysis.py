"""`cakupan potential`, `performance`, charts and the longer brief on a small synthetic warehouse."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from cakupan.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    path = tmp_path_factory.mktemp("analysis") / "w.duckdb"
    assert runner.invoke(app, ["synth", "--scale", "0.002", "--seed", "4", "-w", str(path)]).exit_code == 0
    return str(path)


def rows(result):
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_potential_pools_add_up_to_the_employed(wh):
    out = rows(runner.invoke(app, ["potential", "--by", "segment", "-f", "csv", "-w", wh]))
    total = out[-1]
    assert total["region_code"] == "TOTAL" and int(total["employed"]) == 20_037_280
    body = out[:-1]
    assert sum(int(r["employed"]) for r in body) == 20_037_280
    for r in out:
        assert int(r["potential"]) == int(r["employed"]) - int(r["covered"])
    assert [int(r["potential"]) for r in body] == sorted((int(r["potential"]) for r in body), reverse=True)


def test_potential_by_regency_and_sector_name_the_opportunities(wh, tmp_path):
    reg = runner.invoke(app, ["potential", "--by", "regency", "-w", wh])
    assert "Potensi terbesar ada pada kelompok" in reg.stdout and "Estimasi" in reg.stdout
    sec = runner.invoke(app, ["potential", "--by", "sector", "--chart", str(tmp_path / "p.png"), "-w", wh])
    assert "Potensi terbesar di sektor" in sec.stdout
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_performance_shows_the_slowdown_and_recovery_and_projects_december(wh, tmp_path):
    out = rows(runner.invoke(app, ["performance", "--year", "2021", "-f", "csv", "-w", wh]))
    active = {r["period"]: int(r["active"]) for r in out if r["active"]}
    assert active["2021-08"] < active["2021-01"]      # slowdown in early 2021
    assert active["2021-11"] > active["2021-08"]      # recovery from September
    dec = out[-1]
    assert dec["period"] == "2021-12" and not dec["active"] and float(dec["lower"]) <= float(dec["projection"]) <= float(dec["upper"])
    html = tmp_path / "perf.html"
    result = runner.invoke(app, ["performance", "--year", "2021", "--region", "34", "--chart", str(html), "-w", wh])
    assert result.exit_code == 0 and "Belum ada target" in result.stdout and html.exists()
    bad = runner.invoke(app, ["performance", "--segment", "XYZ", "-w", wh])
    assert bad.exit_code == 2 and "unknown segment" in bad.output


def test_coverage_chart_and_the_brief_with_potential_and_performance(wh, tmp_path):
    result = runner.invoke(app, ["coverage", "--by", "regency", "--chart", str(tmp_path / "c.html"), "-w", wh])
    assert result.exit_code == 0 and "https://" not in (tmp_path / "c.html").read_text()[:5000]
    brief = runner.invoke(app, ["brief", "-w", wh])
    assert "belum terlindungi" in brief.stdout and "titik terendah terjadi pada Agustus 2021" in brief.stdout


def test_targets_give_achievement_and_a_verdict(wh, tmp_path):
    from pathlib import Path

    own = tmp_path / "t.duckdb"
    own.write_bytes(Path(wh).read_bytes())
    example = Path(__file__).resolve().parents[1] / "examples" / "targets_2021.csv"
    result = runner.invoke(app, ["targets", "import", str(example), "--cascade", "employed", "-w", str(own)])
    assert result.exit_code == 0, result.output
    assert "dibaca 24 = diterima 24 + karantina 0" in result.stdout
    assert "480 target kabupaten/kota dari 24 target provinsi" in result.stdout
    out = rows(runner.invoke(app, ["performance", "--year", "2021", "--region", "33", "-f", "csv", "-w", str(own)]))
    jan = out[0]
    assert jan["target"] == "3020000" and jan["achievement_pct"]
    perf = runner.invoke(app, ["performance", "--year", "2021", "--region", "33", "-w", str(own)])
    assert "Status:" in perf.stdout


@pytest.mark.parametrize("year", ["1900", "2200"])
def test_performance_for_a_year_without_a_year_before_is_a_sentence(wh, year):
    # schemathesis found /api/v1/performance?period=1900-01 raising a ValueError
    result = runner.invoke(app, ["performance", "--year", year, "-w", wh])
    assert result.exit_code == 2, result.output
    assert "1901-2199" in result.output and "Traceback" not in result.output
