"""The audit log: append-only, hash-chained, verified; unmasked answers and exports recorded."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cakupan.services import audit


def _tamper(store, sql: str) -> None:
    """What someone with the database's own rights could do behind the app's back."""
    with store.engine.begin() as c:
        if store.engine.dialect.name == "sqlite":
            c.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            c.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            c.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        c.execute(text(sql))


def test_chain_verifies_and_detects_a_changed_record(store):
    for i in range(5):
        audit.record(store, "admin", "export-unmasked", "/daftar/x/prospek.xlsx", {"i": i}, 10 + i, b"isi")
    v = audit.verify(store)
    assert v.ok and v.records == 5
    _tamper(store, "UPDATE audit_log SET people = 1 WHERE seq = 3")
    v = audit.verify(store)
    assert not v.ok and v.seq == 3 and "diubah" in v.problem


def test_chain_detects_a_removed_record(store):
    for i in range(4):
        audit.record(store, "admin", "view-unmasked", "/daftar/x", {}, 1)
    _tamper(store, "DELETE FROM audit_log WHERE seq = 2")
    v = audit.verify(store)
    assert not v.ok and v.seq == 2 and "hilang" in v.problem


def test_the_database_refuses_update_and_delete(store):
    audit.record(store, "admin", "view-unmasked", "/x", {}, 1)
    for sql in ("UPDATE audit_log SET people = 2", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with store.engine.begin() as c:
                c.execute(text(sql))
    assert audit.verify(store).ok


def test_concurrent_writers_lose_no_record(store):
    def write(k):
        for i in range(15):
            audit.record(store, f"user{k}", "view-unmasked", "/x", {"i": i}, 1)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    v = audit.verify(store)
    assert v.ok and v.records == 150
    items, total = audit.entries(store, 1000)
    assert total == 150 and len({(e.username, e.filters["i"]) for e in items}) == 150


def test_csv_export_is_formula_safe(store):
    audit.record(store, "=cmd|' /C calc'!A0", "view-unmasked", "+x", {"q": "@SUM(1)"}, 1)
    body = audit.to_csv(audit.entries(store)[0])
    for cell in ("=cmd", "+x"):
        assert f",{cell}" not in body and f"\n{cell}" not in body
    assert "'=cmd" in body and "'+x" in body


def test_cli_audit_verify(tmp_path, monkeypatch):
    from cakupan.cli import app
    from cakupan.store import open_store

    monkeypatch.delenv("CAKUPAN_DATABASE_URL", raising=False)
    wh = tmp_path / "w.duckdb"
    store = open_store(wh)
    audit.record(store, "admin", "export-unmasked", "/x", {}, 3, b"abc")
    audit.record(store, "admin", "export-unmasked", "/y", {}, 4, b"def")
    r = CliRunner().invoke(app, ["audit", "verify", "-w", str(wh)])
    assert r.exit_code == 0 and "2 catatan" in r.output
    r = CliRunner().invoke(app, ["audit", "list", "-w", str(wh)])
    assert r.exit_code == 0 and "/y" in r.output
    _tamper(store, "UPDATE audit_log SET route = '/z' WHERE seq = 1")
    store.close()
    r = CliRunner().invoke(app, ["audit", "verify", "-w", str(wh)])
    assert r.exit_code == 1 and "rusak" in r.output


@pytest.fixture(scope="module")
def web_app(web_warehouse, tmp_path_factory):
    import shutil

    from cakupan.settings import load
    from cakupan.web.app import create_app
    from web.webtools import add_account

    copy = tmp_path_factory.mktemp("audited") / "w.duckdb"
    shutil.copy(web_warehouse, copy)
    app = create_app(load("duckdb", copy))
    add_account(app)
    return app


@pytest.fixture(scope="module")
def client(web_app):
    from fastapi.testclient import TestClient

    from web.webtools import login

    with TestClient(web_app) as c:
        login(c)
        yield c


def test_unmasked_downloads_and_pages_are_audited(client, partner_list, web_app):
    """Masked by default (no record); an unmasked download records who, route, filters, the
    number of people and the SHA-256 of the very bytes sent."""
    from web.webtools import wait

    from access.test_login import PASSWORD
    from cakupan.services import users

    with open(partner_list, "rb") as f:
        r = client.post("/daftar", data={"source": "audit-a", "match": "true"},
                        files={"file": ("pasar.csv", f, "text/csv")}, follow_redirects=False)
    assert wait(client, r.headers["location"])["status"] == "done"
    store = web_app.state.store
    before = audit.entries(store)[1]
    masked = client.get("/daftar/audit-a/prospek.csv")
    assert masked.status_code == 200 and audit.entries(store)[1] == before
    assert "*" in masked.text
    unmasked = client.get("/daftar/audit-a/prospek.csv?pii=true")
    items, total = audit.entries(store)
    assert total == before + 1
    e = items[0]
    assert e.username == "admin" and e.action == "export-unmasked" and e.route == "/daftar/audit-a/prospek.csv"
    assert e.filters["pii"] == "true" and e.filters["source"] == "audit-a" and e.people > 0
    assert e.file_hash == hashlib.sha256(unmasked.content).hexdigest()
    api = client.get("/api/v1/lists/audit-a/leads?pii=true")
    assert api.json()["personal_data"] and audit.entries(store)[1] == before + 2
    page = client.get("/daftar/audit-a?pii=true")
    assert page.status_code == 200 and audit.entries(store)[1] == before + 3
    assert audit.verify(store).ok
    html = client.get("/admin/audit").text
    assert "Rantai hash utuh" in html and "/daftar/audit-a/prospek.csv" in html
    # a partner asking for unmasked data gets masked data and leaves no unmask record
    users.add_user(store, "mitra.audit", "mitra", ["33.22"], password=PASSWORD)
    users.own_list(store, "audit-a", "mitra.audit")
    token = users.create_token(store, "mitra.audit", "t")
    r = client.get("/api/v1/lists/audit-a/leads?pii=true", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and not r.json()["personal_data"]
    assert audit.entries(store)[1] == before + 3
    assert client.get("/admin/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 404
