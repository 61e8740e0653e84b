"""Every importer over every file of the malformed corpus (``tests/data/malformed``, made by
its ``make_corpus.py``): the counts add up and match the manifest, the reason codes are the
expected ones, a file that is no table is one sentence (exit code 2 from the CLI, no
traceback)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.ingest import IngestError, import_file
from cakupan.ingest.candidates import read_candidates
from cakupan.ingest.readers import read_file
from cakupan.lists.importer import import_list
from cakupan.settings import load
from cakupan.warehouse import open_warehouse

CORPUS = Path(__file__).parent / "data" / "malformed"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
TODAY = dt.date(2025, 6, 30)
CASES = [pytest.param(e, imp, id=f"{imp}-{e['file']}") for e in MANIFEST for imp in e["importers"]]
runner = CliRunner()


def test_corpus_has_thirty_classes_and_every_file_is_listed():
    assert len(MANIFEST) >= 30
    files = {p.name for p in CORPUS.iterdir()} - {"make_corpus.py", "manifest.json", "README.md"}
    assert files == {e["file"] for e in MANIFEST}


@pytest.fixture
def wh(tmp_path):
    w = open_warehouse(load("duckdb", tmp_path / "w.duckdb"))
    yield w
    w.close()


def _quarantine(wh) -> list[tuple[int, str]]:
    if not wh.has("quarantine"):
        return []
    return wh.con.con.execute("SELECT row_number, reason_code FROM quarantine ORDER BY 1").fetchall()


def _run(importer: str, wh, path: Path):
    """(read, accepted, quarantined, skipped, reasons, lines, report) of one importer."""
    if importer == "list":
        r = import_list(wh, path, "korpus", today=TODAY)
        q = _quarantine(wh)
        return r.rows_read, r.accepted, r.quarantined, r.skipped, r.reasons, [n for n, c in q
                                                                              if c != "unusable_identity"], r
    if importer == "participants":
        r = import_file(wh, "participants", path, today=TODAY)
        assert r.accepted == r.inserted + r.updated + r.unchanged
        q = _quarantine(wh)
        return r.rows_read, r.accepted, r.quarantined, r.skipped, r.reasons, [n for n, _ in q], r
    table, rejected = read_candidates(path, [])
    got = read_file(path)
    return got.read, table.num_rows, rejected.height, got.skipped, None, rejected["row"].to_list(), None


@pytest.mark.parametrize("entry, importer", CASES)
def test_importer_over_corpus_file(entry, importer, wh, tmp_path):
    path = tmp_path / entry["file"]
    shutil.copy(CORPUS / entry["file"], path)
    want = entry["expect"]
    if "error" in want:
        with pytest.raises(IngestError) as err:
            _run(importer, wh, path)
        assert want["error"] in str(err.value)
        assert "\n" not in str(err.value) and "3374014101900001" not in str(err.value)
        assert not wh.has("imports") and not wh.has("list_imports")
        return
    read, accepted, quarantined, skipped, reasons, lines, report = _run(importer, wh, path)
    assert read == accepted + quarantined + skipped
    assert (read, accepted, quarantined, skipped) == (want["read"], want["accepted"], want["quarantined"],
                                                       want["skipped"])
    if reasons is not None:
        assert reasons == want.get("reasons", {})
    if "lines" in want or importer == "candidates":
        assert lines == want.get("lines", [])
    if importer == "list":
        assert report.nik_problems == want.get("nik_problems", {})
        assert report.date_problems == want.get("date_problems", {})
        rows = wh.con.con.execute("SELECT count(*) FROM list_rows").fetchall()[0][0]
        assert rows == accepted
        if "rows" in want:
            got = [r[0] for r in wh.con.con.execute("SELECT row_number FROM list_rows ORDER BY 1").fetchall()]
            assert got == want["rows"]
    got = read_file(path)
    for key in ("encoding", "delimiter"):
        if key in want:
            assert getattr(got, key) == want[key]
    if "header_row" in want:
        assert got.parts[0].header_row == want["header_row"]
    if "sheets" in want:
        assert [p.sheet for p in got.parts] == want["sheets"]
    for _, bad in got.bad_lines():
        assert "3374014101900005" not in bad.raw and "\x00" not in bad.raw


ERRORS = [e for e in MANIFEST if "error" in e["expect"]]


@pytest.mark.parametrize("entry", ERRORS, ids=[e["file"] for e in ERRORS])
def test_cli_says_one_sentence_with_exit_code_2(entry, tmp_path):
    path = tmp_path / entry["file"]
    shutil.copy(CORPUS / entry["file"], path)
    w = str(tmp_path / "w.duckdb")
    for args in (["lists", "import", str(path), "--source", "korpus", "-w", w],
                 ["import", "participants", str(path), "-w", w]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert entry["expect"]["error"] in " ".join(result.output.split())
