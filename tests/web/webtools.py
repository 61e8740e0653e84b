"""Helpers of the web tests."""

from __future__ import annotations


def wait(client, job_url: str, timeout: float = 120) -> dict:
    """Follow a job page's id to its end through the API."""
    import time

    job_id = job_url.rstrip("/").rsplit("/", 1)[-1]
    end = time.time() + timeout
    while time.time() < end:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise TimeoutError(job_url)
