"""A real server (uvicorn on a free port) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CAKUPAN_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USER, PASSWORD = "admin", "sandi-uji-coba-123"
SCREENSHOTS = Path(os.environ.get("CAKUPAN_SCREENSHOTS", Path(__file__).resolve().parents[2] / "out" / "screenshots"))


@pytest.fixture(scope="module")
def server(web_warehouse, tmp_path_factory):
    import uvicorn

    from cakupan.settings import load
    from cakupan.web.app import create_app

    d = tmp_path_factory.mktemp("browser")
    copy = d / "w.duckdb"
    shutil.copy(web_warehouse, copy)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from cakupan.services import users

    app = create_app(load("duckdb", copy))
    users.add_user(app.state.store, USER, "admin", password=PASSWORD)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    end = time.time() + 30
    while not srv.started and time.time() < end:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (bash .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server, tmp_path):
    """A browser tab logged in through the login page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="id-ID")
    pg = context.new_page()
    pg.goto(server + "/")
    assert pg.url.startswith(server + "/masuk")               # anonymous: only the login page
    pg.fill("#login input[name=username]", USER)
    pg.fill("#login input[name=password]", PASSWORD)
    pg.click("#login button")
    pg.wait_for_url(server + "/")
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
