"""Long work as background jobs: a list import, a match, a sponsorship plan over a large pool.

Jobs run one at a time on a worker thread (so two uploads are queued, never interleaved),
while the server keeps answering other requests. Each job is a row in a small SQLite file
beside the warehouse, so a page reload finds it again; a job that was running when the
server stopped is marked failed at the next start (its warehouse transaction was rolled
back by the engine, so the warehouse is as it was).
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

log = logging.getLogger("cakupan.web.jobs")

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0, message TEXT, result TEXT, error TEXT,
    created_at REAL NOT NULL, started_at REAL, finished_at REAL, owner TEXT)
"""
STATUS_WORDS = {"queued": ("menunggu giliran", "queued"), "running": ("berjalan", "running"),
                "done": ("selesai", "done"), "failed": ("gagal", "failed")}


@dataclass
class Job:
    job_id: str
    kind: str
    title: str
    status: str
    progress: float
    message: str | None
    result: dict | None
    error: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    owner: str | None = None
    """The user who started it; only they (and admins) see it."""

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class JobFailed(Exception):
    """A job that failed for a reason the user can act on (the message says it)."""


class Jobs:
    def __init__(self, path: Path, run: Callable[[Callable], object] | None = None):
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(SCHEMA)
        if "owner" not in [r[1] for r in self._db.execute("PRAGMA table_info(jobs)")]:  # a file of before accounts
            self._db.execute("ALTER TABLE jobs ADD COLUMN owner TEXT")
        self._db.execute(
            "UPDATE jobs SET status='failed', finished_at=?, error=? WHERE status IN ('queued','running')",
            [time.time(), "server berhenti sebelum pekerjaan ini selesai; gudang data tidak berubah — "
                          "jalankan lagi"])
        self._queue: queue.Queue = queue.Queue()
        self._work: dict[str, Callable] = {}
        self._thread = threading.Thread(target=self._loop, name="cakupan-jobs", daemon=True)
        self._thread.start()

    # -- records ---------------------------------------------------------------------------
    def _set(self, job_id: str, **fields) -> None:
        cols = ", ".join(f"{k} = ?" for k in fields)
        with self._lock:
            self._db.execute(f"UPDATE jobs SET {cols} WHERE job_id = ?", [*fields.values(), job_id])

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE job_id = ?", [job_id]).fetchone()
        return self._job(row) if row else None

    def recent(self, kind: str | None = None, limit: int = 20, owner: str | None = None) -> list[Job]:
        """The newest jobs (of one kind, of one owner when given)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM jobs WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR owner = ?) "
                "ORDER BY created_at DESC LIMIT ?", [kind, kind, owner, owner, limit]).fetchall()
        return [self._job(r) for r in rows]

    @staticmethod
    def _job(row) -> Job:
        job = Job(*row)
        job.result = json.loads(job.result) if job.result else None
        return job

    # -- running ---------------------------------------------------------------------------
    def submit(self, kind: str, title: str, work: Callable[[Callable[[float, str], None]], dict],
               owner: str | None = None) -> str:
        """Queue ``work(progress)``; it returns a JSON-able dict kept as the job's result."""
        job_id = uuid.uuid4().hex[:12]
        with self._lock:
            self._db.execute("INSERT INTO jobs (job_id, kind, title, status, created_at, message, owner) "
                             "VALUES (?, ?, ?, 'queued', ?, ?, ?)",
                             [job_id, kind, title, time.time(), "menunggu giliran", owner])
        self._work[job_id] = work
        self._queue.put(job_id)
        return job_id

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            work = self._work.pop(job_id)
            self._set(job_id, status="running", started_at=time.time(), message="mulai")

            def progress(fraction: float, message: str, _id=job_id) -> None:
                self._set(_id, progress=max(0.0, min(1.0, float(fraction))), message=message)

            try:
                result = work(progress)
                self._set(job_id, status="done", progress=1.0, message="selesai", finished_at=time.time(),
                          result=json.dumps(result or {}, default=str, ensure_ascii=False))
            except Exception as e:  # a job never takes the server down
                from cakupan.services import ServiceError
                from cakupan.warehouse import WarehouseError

                if isinstance(e, (ServiceError, WarehouseError, JobFailed)):
                    reason = str(e)
                else:
                    # the type and where it happened, never the message (it may quote a person's data)
                    where = traceback.extract_tb(e.__traceback__)[-1]
                    log.error("job %s failed: %s at %s:%s", job_id, type(e).__name__,
                              where.filename.rsplit("/", 1)[-1], where.lineno)
                    self.last_error = e
                    reason = ("terjadi kesalahan tak terduga; gudang data tidak berubah. Periksa berkasnya "
                              "atau hubungi pengelola sistem")
                self._set(job_id, status="failed", finished_at=time.time(), error=reason, message=None)

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """For tests and scripts: block until the job ended."""
        end = time.time() + timeout
        while time.time() < end:
            job = self.get(job_id)
            if job and job.status in ("done", "failed"):
                return job
            time.sleep(0.05)
        raise TimeoutError(job_id)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)
        with self._lock:
            self._db.close()
