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


def add_account(app, username: str = "admin", role: str = "admin", password: str = "sandi-uji-coba-123",
                **kwargs) -> str:
    """An account with a known password (not a one-time one) in the app's store."""
    from cakupan.services import users

    users.add_user(app.state.store, username, role, password=password, **kwargs)
    return password


def login(client, username: str = "admin", password: str = "sandi-uji-coba-123") -> str:
    """Log ``client`` in through the login form, as a browser does; the session's CSRF token
    is then sent with every request (as the page's script does). Returns the token."""
    import re

    form = client.get("/masuk").text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    r = client.post("/masuk", data={"username": username, "password": password, "csrf": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/iuran").text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    client.headers["X-CSRF-Token"] = csrf
    return csrf
