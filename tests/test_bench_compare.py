"""`make bench` results as JSON and `benchmarks/compare.py OLD NEW` (no timing here)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_DIR", str(tmp_path))
    monkeypatch.syspath_prepend(str(BENCH))
    for name in ("record", "compare"):
        sys.modules.pop(name, None)
    return importlib.import_module("record"), importlib.import_module("compare")


def _run(record, rows):
    record.start()
    for row in rows:
        record.record(*row[:5], **row[5] if len(row) > 5 else {})
    return json.loads(record.finish({"scale": 0.01}).read_text())


def test_results_json_holds_every_stage_with_machine_and_ratio(bench, capsys):
    record, _ = bench
    doc = _run(record, [("synth", "generate", 20.0, "DuckDB random table", 10.0),
                        ("cube", "query", 1.2, "hand-written SQL", 1.0, {"goal": 1.5})])
    assert [r["stage"] for r in doc["results"]] == ["synth", "cube"]
    assert doc["results"][0]["ratio"] == 2.0 and doc["results"][1]["ok"] is True
    assert doc["machine"]["cores"] >= 1 and doc["results"][0]["machine"]["memory_gib"] > 0
    out = capsys.readouterr().out
    assert "ratio 2.00x" in out and "cores" in out and "goal <= 1.5x: OK" in out


def test_compare_flags_a_ratio_that_got_worse_and_not_noise(bench, tmp_path, capsys):
    record, compare = bench
    old = _run(record, [("synth", "generate", 20.0, "floor", 10.0),
                        ("sponsor", "score", 110.0, "greedy", 100.0, {"lower_is_better": False})])
    new = json.loads(json.dumps(old))
    new["results"][0].update(ours=30.0, ratio=3.0)            # slower: worse
    new["results"][1].update(ours=111.0, ratio=1.11)          # within 10 %: same
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(old))
    b.write_text(json.dumps(new))
    assert compare.main([str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "worse" in out and "1 ratio(s) worse" in out
    assert compare.main([str(a), str(a)]) == 0


def test_compare_says_what_a_wrong_file_is(bench, tmp_path):
    _, compare = bench
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    with pytest.raises(SystemExit, match="make bench"):
        compare.main([str(bad), str(bad)])
