"""The web app on a copy of the small synthetic warehouse (FastAPI's test client), logged in
as an admin through the login form."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cakupan.settings import load


@pytest.fixture(scope="module")
def client(web_warehouse, tmp_path_factory):
    """A server on a copy of the warehouse, so that writes in one module do not leak."""
    import shutil

    from cakupan.web.app import create_app

    d = tmp_path_factory.mktemp("served")
    copy = d / "w.duckdb"
    shutil.copy(web_warehouse, copy)
    from web.webtools import add_account, login

    app = create_app(load("duckdb", copy))
    add_account(app)
    with TestClient(app) as c:
        login(c)
        yield c
