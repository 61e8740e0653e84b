"""The same file twice changes nothing and says so; --replace imports it again."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.settings import load
from cakupan.warehouse import open_warehouse
from cakupan.warehouse_check import check

DATA = Path(__file__).parent / "data"
REASONS = DATA / "ingest" / "participants_reasons.csv"
LIST = ("NO;NAMA;NO KTP;TEMPAT/TGL LAHIR;L/P\n"
        "1;Siti Aminah;3374014101900001;Semarang, 01-01-1990;P\n"
        "2;;-;;L\n")
runner = CliRunner()


def q(path: Path, sql: str) -> list[tuple]:
    with open_warehouse(load(warehouse=path), read_only=True) as wh:
        return wh.con.con.execute(sql).fetchall()


def text(result) -> str:
    return " ".join(result.output.split())


def test_registry_import_twice_then_replace(tmp_path):
    w = str(tmp_path / "w.duckdb")
    first = runner.invoke(app, ["import", "participants", str(REASONS), "-w", w])
    assert first.exit_code == 0, first.output
    before = q(tmp_path / "w.duckdb", "SELECT count(*) FROM participants"), \
        q(tmp_path / "w.duckdb", "SELECT count(*), count(DISTINCT import_id) FROM quarantine")
    again = runner.invoke(app, ["import", "participants", str(REASONS), "-w", w])
    assert again.exit_code == 0
    assert "sudah pernah diimpor" in text(again) and "--replace untuk mengimpor ulang" in text(again)
    assert (q(tmp_path / "w.duckdb", "SELECT count(*) FROM participants"),
            q(tmp_path / "w.duckdb", "SELECT count(*), count(DISTINCT import_id) FROM quarantine")) == before
    assert q(tmp_path / "w.duckdb", "SELECT count(*) FROM imports") == [(1,)]

    redo = runner.invoke(app, ["import", "participants", str(REASONS), "--replace", "-w", w])
    assert redo.exit_code == 0, redo.output
    assert "diimpor ulang" in text(redo)
    # the rows are upserted again (all unchanged), the import and its quarantine logged anew
    (accepted, quarantined), = q(tmp_path / "w.duckdb", "SELECT accepted, quarantined FROM imports "
                                                          "ORDER BY imported_at DESC LIMIT 1")
    assert f"sama {accepted}" in text(redo)
    assert q(tmp_path / "w.duckdb", "SELECT count(*) FROM participants") == before[0]
    assert q(tmp_path / "w.duckdb", "SELECT count(*), count(DISTINCT import_id) FROM quarantine") == [
        (2 * quarantined, 2)]
    after = runner.invoke(app, ["import", "participants", str(REASONS), "-w", w])  # the latest counts
    assert "sudah pernah diimpor" in text(after)
    with open_warehouse(load(warehouse=w), read_only=True) as wh:
        assert check(wh).breaches == []


def test_list_import_twice_then_replace_is_a_new_version(tmp_path):
    w = str(tmp_path / "w.duckdb")
    path = tmp_path / "pkl.csv"
    path.write_text(LIST, encoding="utf-8")
    args = ["lists", "import", str(path), "--source", "pasar", "-w", w]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert "sudah pernah diimpor untuk daftar 'pasar'" in text(again)
    assert q(tmp_path / "w.duckdb", "SELECT count(*) FROM list_imports") == [(1,)]
    redo = runner.invoke(app, args + ["--replace"])
    assert redo.exit_code == 0 and "sudah pernah" not in text(redo)
    assert q(tmp_path / "w.duckdb", "SELECT count(*), count(DISTINCT import_id) FROM list_rows") == [(2, 2)]
    assert q(tmp_path / "w.duckdb", "SELECT count(*) FROM list_imports") == [(2,)]
    with open_warehouse(load(warehouse=w), read_only=True) as wh:
        assert check(wh).breaches == []
