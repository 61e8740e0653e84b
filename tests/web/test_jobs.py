"""The job queue: one job at a time, failures in words, a restart marks unfinished jobs failed."""

from __future__ import annotations

import sqlite3
import threading
import time

from cakupan.services import ServiceError
from cakupan.web.jobs import Jobs


def test_jobs_run_one_at_a_time_in_order_and_keep_their_results(tmp_path):
    jobs = Jobs(tmp_path / "jobs.sqlite")
    running = []
    overlap = threading.Event()

    def work(name):
        def run(progress):
            running.append(name)
            if len(running) > 1:
                overlap.set()
            progress(0.5, f"{name} separuh")
            time.sleep(0.05)
            running.remove(name)
            return {"name": name}
        return run

    ids = [jobs.submit("uji", f"job {i}", work(i)) for i in range(4)]
    done = [jobs.wait(i) for i in ids]
    assert [d.result["name"] for d in done] == [0, 1, 2, 3] and not overlap.is_set()
    assert all(a.finished_at <= b.started_at for a, b in zip(done, done[1:]))
    assert [j.job_id for j in jobs.recent("uji")] == ids[::-1]
    jobs.close()


def test_a_failed_job_says_why_and_an_unexpected_error_never_leaks_its_message(tmp_path):
    jobs = Jobs(tmp_path / "jobs.sqlite")

    def refused(progress):
        raise ServiceError("berkas kosong: unggah daftar yang berisi baris")

    def crashed(progress):
        raise KeyError("3374010101800001 Budi Santoso")      # personal data in an exception

    a = jobs.wait(jobs.submit("uji", "ditolak", refused))
    b = jobs.wait(jobs.submit("uji", "rusak", crashed))
    assert a.status == "failed" and a.error == "berkas kosong: unggah daftar yang berisi baris"
    assert b.status == "failed" and "3374" not in b.error and "Budi" not in b.error
    assert "gudang data tidak berubah" in b.error
    jobs.close()


def test_a_job_running_when_the_server_stopped_is_marked_failed_at_the_next_start(tmp_path):
    path = tmp_path / "jobs.sqlite"
    Jobs(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO jobs (job_id, kind, title, status, progress, created_at) "
                   "VALUES ('abcdef012345', 'list-import', 'Impor daftar x', 'running', 0.4, 1.0)")
    jobs = Jobs(path)
    job = jobs.get("abcdef012345")
    assert job.status == "failed" and "server berhenti" in job.error and "jalankan lagi" in job.error
    jobs.close()
