"""The command line on a small synthetic warehouse."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cakupan.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def wh_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "w.duckdb"
    result = runner.invoke(app, ["synth", "--scale", "0.002", "--seed", "3", "-w", str(path)])
    assert result.exit_code == 0, result.output
    return path


def run(*args):
    result = runner.invoke(app, list(args))
    return result


def test_coverage_csv_by_province(wh_path):
    result = run("coverage", "--period", "2021-11", "--format", "csv", "-w", str(wh_path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["region_code"] for r in rows] == ["33", "34", "TOTAL"]
    assert [int(r["participants"]) for r in rows] == [6125, 826, 6951]
    assert [r["employed"] for r in rows] == ["17835770", "2201510", "20037280"]
    assert rows[0]["unemployed"] == "1128223"
    assert rows[0]["coverage_pct"] == "0.03"


def test_coverage_by_regency_json_and_xlsx(wh_path, tmp_path):
    result = run("coverage", "--by", "regency", "--region", "34", "-f", "json", "-w", str(wh_path))
    data = json.loads(result.stdout)
    assert [r["region_code"] for r in data["rows"]] == ["3401", "3402", "3403", "3404", "3471", "TOTAL"]
    assert data["rows"][-1]["participants"] == 826
    out = tmp_path / "c.xlsx"
    result = run("coverage", "--by", "segment", "-f", "xlsx", "-o", str(out), "-w", str(wh_path))
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    assert ws["A2"].value == "Segmen"
    assert "TOTAL" in [c.value for c in ws["A"]]


def test_table_and_brief_speak_indonesian(wh_path):
    result = run("coverage", "-w", str(wh_path))
    assert "Jawa Tengah" in result.stdout and "17.835.770" in result.stdout
    brief = run("brief", "-w", str(wh_path))
    assert "Hingga November 2021" in brief.stdout and "persen" in brief.stdout
    en = run("brief", "--lang", "en", "-w", str(wh_path))
    assert "As of November 2021" in en.stdout


def test_bad_input_gets_a_clear_message(wh_path, tmp_path):
    result = run("coverage", "--period", "2021-13", "-w", str(wh_path))
    assert result.exit_code == 2 and "01-12" in result.output
    empty = run("coverage", "-w", str(tmp_path / "empty.duckdb"))
    assert empty.exit_code == 2 and "cakupan synth" in empty.output
    xlsx = run("coverage", "-f", "xlsx", "-w", str(wh_path))
    assert xlsx.exit_code == 2 and "--output" in xlsx.output


def test_readme_documents_every_command():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [f"{g.name} {c.name or c.callback.__name__.removeprefix(g.name + '_')}"
              for g in app.registered_groups for c in g.typer_instance.registered_commands]
    missing = [n for n in names if f"cakupan {n}" not in readme]
    assert not missing, f"README does not mention: {missing}"


def test_import_prints_read_equals_accepted_plus_quarantined(tmp_path):
    from pathlib import Path

    wh = str(tmp_path / "imp.duckdb")
    src = Path(__file__).parent / "data" / "ingest" / "participants_reasons.csv"
    first = run("import", "participants", str(src), "-w", wh)
    assert first.exit_code == 0, first.output
    assert "dibaca 15 = diterima 2 + karantina 13" in first.stdout
    again = run("import", "participants", str(src), "-w", wh)
    assert "sudah pernah diimpor" in again.stdout
    shown = run("warehouse", "quarantine", "-w", wh)
    assert "NIK harus 16 digit" in shown.stdout
    info = run("warehouse", "info", "-w", wh)
    assert "participants" in info.stdout and "quarantine" in info.stdout


def test_command_help_is_written_paragraphs_not_the_docstrings_line_breaks():
    import re

    def commands(typer_app):
        for c in typer_app.registered_commands:
            yield c
        for g in typer_app.registered_groups:
            yield from commands(g.typer_instance)

    helps = [c.help for c in commands(app) if c.help]
    assert len(helps) > 25
    for text in helps:
        assert not re.search(r"[^\n]\n[^\n]", text), text
