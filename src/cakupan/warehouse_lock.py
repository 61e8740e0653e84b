"""Who holds the warehouse: a sidecar holder record beside the DuckDB file.

DuckDB lets one process open its file for writing (or several for reading, when no writer
holds it) and refuses every other with "Could not set lock on file". The engine's lock is the
truth; this module only says *who* holds it, so a second command can wait for it and then
say, in one sentence, what it waited for:

    gudang data sedang dipakai oleh cakupan import (pid 4242) sejak 10:42; tunggu sampai
    selesai atau hentikan prosesnya

A writing process writes ``<warehouse>.lock`` (JSON: pid, what, since, the process start
time) right after DuckDB gave it the file and removes it when it closes the warehouse. A
record whose process is gone (killed, crashed) is stale and ignored: the next writer simply
overwrites it.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

_PID_IN_ERROR = re.compile(r"\(PID (\d+)\)")


@dataclass(frozen=True)
class Holder:
    pid: int
    what: str
    since: datetime
    """When the holder opened the warehouse (local time, timezone-aware)."""
    started: str | None = None
    """The holder process's start time (Linux ``/proc``), to tell a reused pid apart."""


def lock_path(warehouse: str | Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".lock")


def _process_start(pid: int) -> str | None:
    """Start time of ``pid`` in clock ticks since boot (Linux), or None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()  # after "pid (comm) "
    return fields[19] if len(fields) > 19 else None


def pid_alive(pid: int, started: str | None = None) -> bool:
    """True when process ``pid`` runs (not a zombie) and, if given, started at ``started``."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): the signal check is all there is
    if stat[stat.rfind(")") + 2:].split()[:1] == ["Z"]:
        return False
    return started is None or _process_start(pid) == started


_open_here: dict[Path, int] = {}
"""Writers open in this process, per warehouse (a server may open it more than once)."""


def acquire(warehouse: str | Path, what: str) -> None:
    """This process opened ``warehouse`` for writing: record it (the first time)."""
    key = Path(warehouse).resolve()
    _open_here[key] = _open_here.get(key, 0) + 1
    if _open_here[key] == 1:
        write_holder(warehouse, what)


def let_go(warehouse: str | Path) -> None:
    """One writer of this process closed ``warehouse``: remove the record after the last."""
    key = Path(warehouse).resolve()
    _open_here[key] = _open_here.get(key, 1) - 1
    if _open_here[key] <= 0:
        _open_here.pop(key, None)
        release(warehouse)


def write_holder(warehouse: str | Path, what: str) -> Holder:
    """Record this process as the warehouse's writer (atomically: temp file + rename)."""
    holder = Holder(os.getpid(), what, datetime.now().astimezone(), _process_start(os.getpid()))
    path = lock_path(warehouse)
    tmp = path.with_name(f"{path.name}.{holder.pid}.tmp")
    tmp.write_text(json.dumps({"pid": holder.pid, "what": holder.what,
                               "since": holder.since.isoformat(timespec="seconds"),
                               "started": holder.started}), encoding="utf-8")
    os.replace(tmp, path)
    return holder


def read_holder(warehouse: str | Path) -> Holder | None:
    """The recorded writer, or None when there is none, it is unreadable or it is stale."""
    try:
        data = json.loads(lock_path(warehouse).read_text(encoding="utf-8"))
        holder = Holder(int(data["pid"]), str(data["what"]), datetime.fromisoformat(data["since"]),
                        data.get("started"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return holder if pid_alive(holder.pid, holder.started) else None


def release(warehouse: str | Path) -> None:
    """Remove the holder record if this process wrote it."""
    path = lock_path(warehouse)
    try:
        if int(json.loads(path.read_text(encoding="utf-8"))["pid"]) == os.getpid():
            path.unlink()
    except (OSError, ValueError, KeyError, TypeError):
        pass


def is_lock_conflict(error: BaseException) -> bool:
    return "Could not set lock on file" in str(error)


def _clock(since: datetime) -> str:
    local = since.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%d-%m-%Y %H:%M")


def who(warehouse: str | Path, error: BaseException | None = None) -> str:
    """"<what> (pid N) sejak HH:MM" for the process DuckDB says holds the file."""
    found = _PID_IN_ERROR.search(str(error)) if error is not None else None
    engine_pid = int(found.group(1)) if found else None
    holder = read_holder(warehouse)
    if holder is not None and engine_pid in (None, holder.pid):
        return f"{holder.what} (pid {holder.pid}) sejak {_clock(holder.since)}"
    # "you would be able to open this database in read-only mode": readers hold it
    what = "pembaca lain" if "read-only mode" in str(error) else "proses lain"
    return f"{what} (pid {engine_pid})" if engine_pid else what


def busy_sentence(warehouse: str | Path, error: BaseException | None = None) -> str:
    return (f"gudang data sedang dipakai oleh {who(warehouse, error)}; "
            "tunggu sampai selesai atau hentikan prosesnya")


def waiting_sentence(warehouse: str | Path, error: BaseException | None, seconds: float) -> str:
    return (f"gudang data sedang dipakai oleh {who(warehouse, error)}; "
            f"menunggu… (paling lama {seconds:g} detik)")


def retry_until(connect: Callable[[], object], warehouse: str | Path, seconds: float,
                on_wait: Callable[[str], None] | None, busy: Callable[[str], Exception]):
    """``connect()`` until DuckDB gives the file or ``seconds`` pass. Lock conflicts are
    retried (``on_wait`` is told once, with the holder); the last one raises ``busy(sentence)``."""
    deadline = time.monotonic() + seconds
    told = False
    pause = 0.1
    while True:
        try:
            return connect()
        except Exception as error:  # noqa: BLE001 - only lock conflicts are retried
            if not is_lock_conflict(error):
                raise
            left = deadline - time.monotonic()
            if left <= 0:
                raise busy(busy_sentence(warehouse, error)) from None
            if not told and on_wait is not None:
                on_wait(waiting_sentence(warehouse, error, seconds))
                told = True
            time.sleep(min(pause, left))
            pause = min(pause * 2, 1.0)
