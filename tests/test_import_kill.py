"""An import killed with SIGKILL at any moment leaves the warehouse as it was (or, if the
kill came after the commit, exactly as a finished import would); the file opens cleanly and
the same import then succeeds. Real subprocesses, real kills.

The kill points are spread over one calibrated run: the import prints its progress markers
to a pipe; a point is "marker M, then D seconds", so kills land inside reading, validating,
the upsert, the commit and the checkpoint on close, wherever the time goes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from cakupan.ingest.load import import_file
from cakupan.lists.importer import import_list
from cakupan.settings import load
from cakupan.synth import SynthConfig, generate
from cakupan.warehouse import open_warehouse
from cakupan.warehouse_check import check

SRC = str(Path(__file__).resolve().parents[1] / "src")
PARTICIPANT_KILLS = 20
LIST_KILLS = 4

DRIVER = r"""
import sys, time
from cakupan.settings import load
from cakupan.warehouse import open_warehouse
from cakupan.warehouse_check import check
kind, warehouse, path = sys.argv[1:4]
t0 = time.monotonic()
def mark(text):
    print(f"{time.monotonic() - t0:.4f} {text.split()[0]}", flush=True)
wh = open_warehouse(load(warehouse=warehouse), purpose="uji kill")
mark("opened")
if kind == "participants":
    from cakupan.ingest.load import import_file
    import_file(wh, "participants", path, progress=mark)
else:
    from cakupan.lists.importer import import_list
    mark("list")
    import_list(wh, path, "pasar-uji")
    mark("stored")
wh.close()
mark("closed")
"""


def signature(wh) -> dict[str, tuple]:
    """Row count and an order-free content hash of every table (ids and clock times left out:
    they differ between two runs of the same import)."""
    raw, out = wh.con.con, {}
    for (name,) in raw.execute("SELECT table_name FROM information_schema.tables "
                               "WHERE table_schema = current_schema() ORDER BY 1").fetchall():
        cols = [c for (c,) in raw.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema() ORDER BY ordinal_position", [name]).fetchall()
            if c not in ("import_id", "imported_at")]
        args = ", ".join(f'"{c}"' for c in cols)
        out[name] = tuple(raw.execute(f'SELECT count(*), sum(hash({args})::HUGEINT) FROM "{name}"').fetchall()[0])
    return out


def state(path: Path) -> dict[str, tuple]:
    with open_warehouse(load(warehouse=path)) as wh:
        return signature(wh)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A warehouse holding file A; file B (overlaps A, changes some rows, adds rows, has
    invalid rows) to import into it; a partner list."""
    d = tmp_path_factory.mktemp("kill")
    people = pl.from_arrow(generate(SynthConfig(scale=0.002, seed=21))["participants"])
    n = people.height
    a, b = d / "a.csv", d / "b.csv"
    people.head(n * 2 // 3).write_csv(a)
    changed = people.slice(n // 3).with_row_index("_i").with_columns(
        name=pl.when(pl.col("_i") % 5 == 0).then(pl.col("name") + " B").otherwise(pl.col("name")),
        kpj=pl.when(pl.col("_i") % 97 == 0).then(pl.lit("bukan-kpj")).otherwise(pl.col("kpj")),
    ).drop("_i")
    changed.write_csv(b)
    lst = d / "daftar.csv"
    people.select(NIK="nik", NAMA="name", TGL_LAHIR="birth_date").head(3000).write_csv(lst, separator=";")
    base = d / "base.duckdb"
    with open_warehouse(load(warehouse=base)) as wh:
        import_file(wh, "participants", a)
    assert not Path(str(base) + ".wal").exists()
    return {"dir": d, "base": base, "b": b, "list": lst}


def start(kind: str, warehouse: Path, path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC, "CAKUPAN_LOCK_WAIT": "0"}
    return subprocess.Popen([sys.executable, "-c", DRIVER, kind, str(warehouse), str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def fresh_copy(files, name: str) -> Path:
    target = files["dir"] / name
    for suffix in ("", ".wal", ".lock"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy(files["base"], target)
    return target


def calibrate(files, kind: str, path: Path) -> tuple[list[tuple[float, str]], dict]:
    target = fresh_copy(files, f"calibrate-{kind}.duckdb")
    proc = start(kind, target, path)
    out, errout = proc.communicate(timeout=120)
    assert proc.returncode == 0, errout
    marks = [(float(t), m) for t, m in (line.split(" ", 1) for line in out.splitlines())]
    assert marks[-1][1] == "closed"
    return marks, state(target)


def kill_points(marks: list[tuple[float, str]], count: int) -> list[tuple[int, float]]:
    """``count`` moments spread over the run, each as (index of the last marker before it,
    delay after that marker): every stretch between two markers gets its share (at least
    one), placed evenly inside it, so short stretches (the commit) are hit as well as long
    ones (validation)."""
    gaps = len(marks) - 1
    shares = [count // gaps + (1 if i < count % gaps else 0) for i in range(gaps)]
    points = []
    for i, share in enumerate(shares):
        span = marks[i + 1][0] - marks[i][0]
        points += [(i, span * (k + 0.5) / share) for k in range(share)]
    return points


def kill_at(kind: str, target: Path, path: Path, marks, index: int, delay: float) -> str:
    """Run the import, SIGKILL it ``delay`` s after its ``index``-th marker; where it died."""
    proc = start(kind, target, path)
    seen = 0
    for line in proc.stdout:
        if seen == index:
            break
        seen += 1
    time.sleep(delay)
    phase = marks[index][1]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return phase if proc.returncode == -signal.SIGKILL else "finished"


def run_kills(files, kind: str, path: Path, count: int, rerun) -> dict[str, int]:
    before = state(files["base"])
    marks, after = calibrate(files, kind, path)
    if kind == "participants":
        files["calibrated"] = (marks, after)
    assert after != before
    outcomes = {"before": 0, "after": 0}
    phases: dict[str, int] = {}
    for k, (index, delay) in enumerate(kill_points(marks, count)):
        target = fresh_copy(files, f"kill-{kind}-{k}.duckdb")
        phase = kill_at(kind, target, path, marks, index, delay)
        phases[phase] = phases.get(phase, 0) + 1
        with open_warehouse(load(warehouse=target)) as wh:  # opens cleanly, WAL replayed
            now = signature(wh)
            assert now in (before, after), f"kill {k} after marker {marks[index][1]} +{delay:.2f}s: half-written"
            outcomes["before" if now == before else "after"] += 1
            rerun(wh, path)  # the same import then succeeds
            assert signature(wh) == after
            assert check(wh).breaches == []  # its counts add up, nothing orphaned
        for suffix in ("", ".wal", ".lock"):
            Path(str(target) + suffix).unlink(missing_ok=True)
    print(f"\n{kind}: run {marks[-1][0]:.2f} s, markers {[m for _, m in marks]}; {count} kills, phases {phases}, left as before {outcomes['before']}, "
          f"as after {outcomes['after']}")
    assert sum(outcomes.values()) == count
    assert phases.get("finished", 0) <= count // 4, phases  # the kills landed inside the run
    return phases


def test_killed_participant_import_leaves_the_warehouse_as_before(files):
    phases = run_kills(files, "participants", files["b"], PARTICIPANT_KILLS,
                       lambda wh, path: import_file(wh, "participants", path))
    # kills landed while reading/validating and while writing (upsert, quarantine, commit)
    assert {"memeriksa", "menyimpan", "memperbarui"} & phases.keys()
    assert len(phases) >= 4


def test_killed_list_import_leaves_the_warehouse_as_before(files):
    run_kills(files, "list", files["list"], LIST_KILLS,
              lambda wh, path: import_list(wh, path, "pasar-uji"))


def test_killed_import_then_the_command_succeeds_and_says_so_twice(files):
    """After a kill the real CLI command runs to the end; run again it changes nothing."""
    marks, _ = files["calibrated"]
    target = fresh_copy(files, "kill-cli.duckdb")
    index = next(i for i, (_, m) in enumerate(marks) if m == "memperbarui")
    assert kill_at("participants", target, files["b"], marks, index, 0.0) == "memperbarui"
    assert Path(str(target) + ".lock").exists()  # the killed writer's record is left behind
    env = {**os.environ, "PYTHONPATH": SRC}
    cmd = [sys.executable, "-m", "cakupan.cli", "import", "participants", str(files["b"]), "-w", str(target)]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "dibaca" in first.stdout and "sudah pernah" not in first.stdout
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 0 and "sudah pernah diimpor" in second.stdout
    assert not Path(str(target) + ".lock").exists()  # released on close
