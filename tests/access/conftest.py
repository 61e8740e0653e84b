"""The app store on both databases: a SQLite file, and a fresh schema on the PostgreSQL server
at 127.0.0.1:5432 (trust authentication, database ``test``), dropped afterwards."""

from __future__ import annotations

import os
import uuid

import pytest

PG_SERVER = os.environ.get("CAKUPAN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_schema():
    """A fresh schema and a URL whose connections use it; the schema is dropped at the end."""
    from sqlalchemy import create_engine, text

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_SERVER)
    try:
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as e:  # noqa: BLE001
        admin.dispose()
        pytest.fail(f"PostgreSQL does not answer at {PG_SERVER} ({type(e).__name__}): start it, or set "
                    "CAKUPAN_TEST_POSTGRES")
    url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    return url, lambda: _drop(admin, schema)


def _drop(admin, schema: str) -> None:
    from sqlalchemy import text

    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.sqlite'}"
        return
    url, drop = _pg_schema()
    yield url
    drop()


@pytest.fixture
def store(db_url):
    from cakupan.store import Store

    s = Store(db_url)
    yield s
    s.close()
