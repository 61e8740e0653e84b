"""Two processes, one DuckDB file: the second waits a bounded time naming the first, then
goes on or stops with one Indonesian sentence; readers run side by side. Real subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cakupan import warehouse_lock as lock
from cakupan.ingest.load import import_file
from cakupan.settings import load
from cakupan.warehouse import WarehouseBusy, WarehouseError, open_warehouse

SRC = str(Path(__file__).resolve().parents[1] / "src")
ROW = ("kpj,nik,name,birth_date,sex,village_code,segment,programmes,registered_date,sponsor_type,"
       "npp\n")

HOLDER = r"""
import sys
from cakupan.settings import load
from cakupan.warehouse import open_warehouse
path, mode, purpose = sys.argv[1:4]
wh = open_warehouse(load(warehouse=path), read_only=(mode == "read"), purpose=purpose)
print("ready", flush=True)
sys.stdin.readline()   # hold the file until told to let go
wh.close()
print("released", flush=True)
"""


def env(**extra) -> dict:
    return {**os.environ, "PYTHONPATH": SRC, **extra}


@pytest.fixture
def warehouse(tmp_path) -> Path:
    path = tmp_path / "w.duckdb"
    csv = tmp_path / "first.csv"
    csv.write_text(ROW + "10000000001,3374015507900001,Siti Contoh,1990-07-15,P,3374011001,BPU,"
                   "\"JKK,JKM\",2020-01-02,SELF,\n")
    with open_warehouse(load(warehouse=path)) as wh:
        import_file(wh, "participants", csv)
    return path


@pytest.fixture
def second_file(tmp_path) -> Path:
    csv = tmp_path / "second.csv"
    csv.write_text(ROW + "10000000002,3374011203850002,Budi Contoh,1985-03-12,L,3374011001,BPU,"
                   "\"JKK,JKM\",2021-01-02,SELF,\n")
    return csv


def hold(path: Path, mode: str = "write", purpose: str = "cakupan serve") -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), mode, purpose],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env())
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def let_go(proc: subprocess.Popen) -> None:
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "released"
    proc.wait(timeout=30)


def cakupan(*args, wait: str = "30", **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cakupan.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env(CAKUPAN_LOCK_WAIT=wait), **popen)


def participants(path: Path) -> list[str]:
    with open_warehouse(load(warehouse=path), read_only=True) as wh:
        return [r[0] for r in wh.con.con.execute("SELECT kpj FROM participants ORDER BY 1").fetchall()]


def test_a_second_writer_stops_with_one_sentence_naming_the_holder(warehouse, second_file):
    holder = hold(warehouse)
    try:
        since = time.strftime("%H:%M")
        proc = cakupan("import", "participants", str(second_file), "-w", str(warehouse), wait="1")
        out, errout = proc.communicate(timeout=120)
        text = " ".join(errout.split())  # Rich wraps long lines
        assert proc.returncode == 2
        assert "menunggu…" in text  # it waited, saying for whom
        m = re.search(r"gudang data sedang dipakai oleh cakupan serve \(pid (\d+)\) sejak (\d\d:\d\d); "
                      r"tunggu sampai selesai atau hentikan prosesnya", text)
        assert m and int(m.group(1)) == holder.pid, text
        assert m.group(2) in (since, time.strftime("%H:%M"))
        assert "Traceback" not in errout and "Could not set lock" not in errout and "IO Error" not in errout
    finally:
        let_go(holder)
    assert participants(warehouse) == ["10000000001"]  # nothing half-written
    assert not lock.lock_path(warehouse).exists()  # the holder removed its record


def test_a_second_writer_waits_then_goes_on(warehouse, second_file):
    holder = hold(warehouse, purpose="impor daftar pasar-johar")
    proc = cakupan("import", "participants", str(second_file), "-w", str(warehouse), wait="60")
    first = proc.stderr.readline()  # blocks until it says it waits
    assert "impor daftar pasar-johar" in first and f"pid {holder.pid}" in first
    let_go(holder)
    out, errout = proc.communicate(timeout=120)
    assert proc.returncode == 0, errout
    assert "dibaca 1 = diterima 1" in " ".join(out.split())
    assert participants(warehouse) == ["10000000001", "10000000002"]


def test_readers_run_side_by_side_and_a_writer_names_them(warehouse, second_file):
    reader = hold(warehouse, mode="read")
    try:
        info = cakupan("warehouse", "info", "-w", str(warehouse), wait="0")
        out, errout = info.communicate(timeout=120)
        assert info.returncode == 0, errout
        assert re.search(r"participants\s+1\b", out)
        writer = cakupan("import", "participants", str(second_file), "-w", str(warehouse), wait="0")
        _, errout = writer.communicate(timeout=120)
        text = " ".join(errout.split())
        assert writer.returncode == 2
        assert f"gudang data sedang dipakai oleh pembaca lain (pid {reader.pid}); tunggu sampai selesai" in text
        assert "menunggu" not in text  # CAKUPAN_LOCK_WAIT=0: no wait
    finally:
        let_go(reader)
    assert participants(warehouse) == ["10000000001"]


def test_in_process_busy_error_and_wait_callback(warehouse):
    holder = hold(warehouse, purpose="cakupan synth")
    told: list[str] = []
    try:
        settings = load(warehouse=warehouse)
        settings = type(settings)(**{**settings.__dict__, "lock_wait": 0.5})
        with pytest.raises(WarehouseBusy) as caught:
            open_warehouse(settings, on_wait=told.append)
        assert isinstance(caught.value, WarehouseError)
        assert str(caught.value).startswith(f"gudang data sedang dipakai oleh cakupan synth (pid {holder.pid}) sejak ")
        assert len(told) == 1 and told[0].endswith("menunggu… (paling lama 0.5 detik)")
    finally:
        let_go(holder)


def test_a_stale_record_is_ignored_and_replaced(warehouse):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lock.lock_path(warehouse).write_text(json.dumps(
        {"pid": gone.pid, "what": "cakupan import", "since": "2026-01-01T10:42:00+00:00"}))
    assert lock.read_holder(warehouse) is None
    assert lock.who(warehouse) == "proses lain"
    with open_warehouse(load(warehouse=warehouse), purpose="cakupan uji") as wh:
        record = json.loads(lock.lock_path(warehouse).read_text())
        assert record["pid"] == os.getpid() and record["what"] == "cakupan uji"
        holder = lock.read_holder(warehouse)
        assert holder is not None and holder.pid == os.getpid()
        assert wh.has("participants")
    assert not lock.lock_path(warehouse).exists()


def test_read_only_open_refuses_writes_and_a_missing_file_is_not_created(tmp_path, warehouse):
    with open_warehouse(load(warehouse=warehouse), read_only=True) as wh:
        with pytest.raises(WarehouseError, match="hanya untuk dibaca"):
            wh.append({"x": __import__("pyarrow").table({"a": [1]})})
    assert not lock.lock_path(warehouse).exists()  # readers leave no record
    missing = tmp_path / "nothing.duckdb"
    with open_warehouse(load(warehouse=missing), read_only=True) as wh:
        assert not wh.has("participants")
        with pytest.raises(WarehouseError, match="belum punya tabel 'participants'"):
            wh.table("participants")
    assert not missing.exists()


def test_not_a_duckdb_file_gets_a_sentence(tmp_path):
    bad = tmp_path / "w.duckdb"
    bad.write_text("this is not a database\n" * 100)
    with pytest.raises(WarehouseError, match="tidak bisa dibuka"):
        open_warehouse(load(warehouse=bad))
    assert not lock.lock_path(bad).exists()


def test_two_writers_in_one_process_keep_the_record_until_the_last_closes(warehouse):
    first = open_warehouse(load(warehouse=warehouse), purpose="cakupan serve")
    second = open_warehouse(load(warehouse=warehouse), purpose="tugas impor")
    first.close()
    holder = lock.read_holder(warehouse)
    assert holder is not None and holder.what == "cakupan serve" and holder.pid == os.getpid()
    second.close()
    assert not lock.lock_path(warehouse).exists()
