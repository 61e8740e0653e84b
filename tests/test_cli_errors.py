"""No traceback reaches a user: one sentence and an exit code; --debug shows the traceback."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cakupan.cli.errors import DEBUG_HINT, explain
from cakupan.ingest.readers import IngestError
from cakupan.warehouse import WarehouseBusy

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run(*args, extra_env: dict | None = None, code: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CAKUPAN_DEBUG"}
    env.update({"PYTHONPATH": SRC, **(extra_env or {})})
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "cakupan.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=180)


@pytest.fixture(scope="module")
def broken_warehouse(tmp_path_factory) -> Path:
    """A warehouse whose participants table is not what the code expects (a foreign file)."""
    path = tmp_path_factory.mktemp("broken") / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE participants (x INTEGER)")
    con.execute("CREATE TABLE workforce (y INTEGER)")
    con.close()
    return path


def test_an_unexpected_error_is_one_sentence_without_traceback(broken_warehouse):
    r = run("coverage", "--period", "2021-11", "-w", str(broken_warehouse))
    assert r.returncode == 1
    text = " ".join(r.stderr.split())
    assert text.startswith("Galat: terjadi galat tak terduga (")
    assert text.endswith(DEBUG_HINT)
    assert "Traceback" not in r.stderr + r.stdout


@pytest.mark.parametrize("how", ["option", "env"])
def test_debug_shows_the_traceback(broken_warehouse, how):
    if how == "option":
        r = run("--debug", "coverage", "--period", "2021-11", "-w", str(broken_warehouse))
    else:
        r = run("coverage", "--period", "2021-11", "-w", str(broken_warehouse),
                extra_env={"CAKUPAN_DEBUG": "1"})
    assert r.returncode == 1
    assert "Traceback (most recent call last)" in r.stderr
    assert "terjadi galat tak terduga" not in r.stderr


def test_spark_engine_without_the_spark_extra_says_how_to_install(tmp_path):
    code = ("import sys; sys.modules['pyspark'] = None\n"  # as if the extra were not installed
            "from cakupan.cli.main import app\n"
            "app(sys.argv[1:], prog_name='cakupan')\n")
    r = run("coverage", "--engine", "spark", "-w", str(tmp_path / "w.duckdb"), code=code)
    text = " ".join(r.stderr.split())
    assert r.returncode == 2, r.stderr
    assert 'pip install -e ".[spark]"' in text and "make install-dev" in text
    assert "Traceback" not in r.stderr and "conda" not in text


def test_errors_meant_for_users_keep_their_words_and_code_2():
    assert explain(IngestError("file x.csv kosong; periksa isinya")) == ("file x.csv kosong; periksa isinya", 2)
    busy = WarehouseBusy("gudang data sedang dipakai oleh cakupan serve (pid 7) sejak 10:42; "
                         "tunggu sampai selesai atau hentikan prosesnya")
    assert explain(busy) == (str(busy), 2)


def test_system_errors_become_sentences_without_their_text():
    full = OSError(errno.ENOSPC, "No space left on device", "/data/w.duckdb")
    message, code = explain(full)
    assert code == 2 and "/data/w.duckdb" in message and "ruang disk" in message
    assert explain(PermissionError(errno.EACCES, "denied", "/x.csv"))[0] == \
        "tidak ada izin membuka /x.csv; periksa hak aksesnya"
    # the text of an unexpected error may carry a row's data: only its kind is named
    message, code = explain(KeyError("3374015507900001"))
    assert code == 1 and "3374015507900001" not in message and "KeyError" in message
    assert "memori tidak cukup" in explain(MemoryError())[0]
