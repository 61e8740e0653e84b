"""Accounts, roles as rows, passwords, lock-out, sessions, tokens and scope — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cakupan.services import ServiceError
from cakupan.services import users as svc


def test_roles_are_rows_with_regions_and_unmask_flag(store):
    roles = {r.name: r for r in svc.roles(store)}
    assert set(roles) == {"admin", "analis", "cabang", "mitra", "agen"}
    assert roles["analis"].regions == "33,34" and roles["admin"].manages_users
    assert roles["admin"].may_unmask and not roles["mitra"].may_unmask


def test_migration_is_idempotent(db_url):
    from cakupan.store import Store

    a = Store(db_url)
    a.close()
    b = Store(db_url)  # a second open migrates nothing and keeps the roles once
    assert len(svc.roles(b)) == 5
    b.close()


def test_add_user_hashes_password_with_argon2(store):
    acct, secret = svc.add_user(store, "Ana.Smg", "mitra", ["33.74"])
    assert acct.username == "ana.smg" and acct.regions == ("3374",) and acct.must_change
    with store.engine.connect() as c:
        stored = c.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and secret not in stored
    assert svc.authenticate(store, "ana.smg", secret).username == "ana.smg"


@pytest.mark.parametrize("args, word", [
    (("x", "admin"), "nama pengguna"),
    (("budi", "raja"), "peran"),
    (("budi", "mitra"), "--region"),
    (("budi", "cabang"), "--branch"),
    (("budi", "mitra", ["99.99"]), "wilayah"),
])
def test_add_user_refuses_bad_input(store, args, word):
    with pytest.raises(ServiceError, match=word):
        svc.add_user(store, *args)


def test_duplicate_user_refused(store):
    svc.add_user(store, "budi", "analis")
    with pytest.raises(ServiceError, match="sudah ada"):
        svc.add_user(store, "BUDI", "analis")


def test_lock_out_after_repeated_failures(store):
    _, secret = svc.add_user(store, "citra", "analis")
    t0 = svc.now()
    for _ in range(svc.MAX_FAILURES):
        with pytest.raises(svc.LoginFailed):
            svc.authenticate(store, "citra", "salah", at=t0)
    with pytest.raises(svc.LoginFailed):  # locked: even the right password is refused
        svc.authenticate(store, "citra", secret, at=t0 + timedelta(minutes=1))
    assert svc.account(store, "citra").locked
    later = t0 + timedelta(minutes=svc.LOCK_MINUTES, seconds=1)
    assert svc.authenticate(store, "citra", secret, at=later).username == "citra"


def test_unknown_user_and_wrong_password_say_the_same(store):
    svc.add_user(store, "dewi", "analis")
    with pytest.raises(svc.LoginFailed) as a:
        svc.authenticate(store, "dewi", "salah")
    with pytest.raises(svc.LoginFailed) as b:
        svc.authenticate(store, "tidakada", "salah")
    assert str(a.value) == str(b.value)


def test_disable_ends_sessions_and_tokens(store):
    acct, secret = svc.add_user(store, "eko", "analis")
    token, _csrf = svc.start_session(store, acct.id)
    api = svc.create_token(store, "eko", "skrip")
    assert svc.session_account(store, token)[0].username == "eko"
    assert svc.token_account(store, api).username == "eko"
    svc.disable(store, "eko")
    assert svc.session_account(store, token) is None
    assert svc.token_account(store, api) is None
    with pytest.raises(svc.LoginFailed):
        svc.authenticate(store, "eko", secret)


def test_reset_password_gives_new_one_time_password(store):
    acct, old = svc.add_user(store, "fajar", "analis")
    token, _ = svc.start_session(store, acct.id)
    new = svc.reset_password(store, "fajar")
    assert new != old and svc.session_account(store, token) is None
    with pytest.raises(svc.LoginFailed):
        svc.authenticate(store, "fajar", old)
    assert svc.authenticate(store, "fajar", new).must_change


def test_change_password(store):
    _, secret = svc.add_user(store, "gita", "analis")
    with pytest.raises(ServiceError, match="minimal"):
        svc.change_password(store, "gita", secret, "pendek")
    svc.change_password(store, "gita", secret, "sandi-baru-yang-panjang")
    acct = svc.authenticate(store, "gita", "sandi-baru-yang-panjang")
    assert not acct.must_change


def test_session_expires_and_tokens_are_stored_hashed(store):
    acct, _ = svc.add_user(store, "hana", "analis")
    token, csrf = svc.start_session(store, acct.id)
    found, found_csrf = svc.session_account(store, token)
    assert found.username == "hana" and found_csrf == csrf
    late = svc.now() + timedelta(hours=svc.SESSION_HOURS, minutes=1)
    assert svc.session_account(store, token, at=late) is None
    api = svc.create_token(store, "hana", "laporan")
    with store.engine.connect() as c:
        stored = [r[0] for r in c.execute(text("SELECT token_hash FROM api_tokens"))]
        sessions = [r[0] for r in c.execute(text("SELECT token_hash FROM sessions"))]
    assert api not in stored and token not in sessions
    info = svc.tokens(store, "hana")[0]
    svc.revoke_token(store, info.id, "hana")
    assert svc.token_account(store, api) is None


def test_scope_follows_the_role(store):
    from cakupan.services import Scope

    admin, _ = svc.add_user(store, "root", "admin")
    analis, _ = svc.add_user(store, "ana", "analis")
    mitra, _ = svc.add_user(store, "pemkab", "mitra", ["33.22"])
    agen, _ = svc.add_user(store, "agus", "agen")
    svc.own_list(store, "pasar-ungaran", "pemkab")
    assert svc.scope_of(store, admin).regions is None
    s = svc.scope_of(store, analis)
    assert s.regions == ("33", "34") and not s.personal_data and s.allows("3374") and not s.allows("3101")
    m = svc.scope_of(store, mitra)
    assert m.regions == ("3322",) and m.sources == frozenset({"pasar-ungaran"}) and m.cohorts == frozenset()
    assert m.may_see_source("pasar-ungaran") and not m.may_see_source("pasar-johar")
    a = svc.scope_of(store, agen)
    assert a.regions == () and not a.allows("33") and a.leads_only
    assert isinstance(a, Scope)


def test_cabang_scope_from_branches_table(store, tmp_path):
    import pyarrow as pa

    from cakupan.settings import load
    from cakupan.warehouse import open_warehouse

    wh = open_warehouse(load("duckdb", tmp_path / "w.duckdb"))
    try:
        wh.replace("branches", pa.table({"branch_code": ["KC-SMG", "KC-SMG", "KC-SLO"],
                                         "branch_name": ["Semarang", "Semarang", "Solo"],
                                         "regency_code": ["3374", "3322", "3372"]}))
        acct, _ = svc.add_user(store, "kc.smg", "cabang", branch="KC-SMG")
        s = svc.scope_of(store, acct, wh)
    finally:
        wh.close()
    assert s.regions == ("3322", "3374") and s.allows("3374010001") and not s.allows("3372")


def test_cli_users(tmp_path, monkeypatch):
    from cakupan.cli import app

    monkeypatch.delenv("CAKUPAN_DATABASE_URL", raising=False)
    wh = tmp_path / "demo.duckdb"
    run = CliRunner()
    r = run.invoke(app, ["users", "add", "admin", "--role", "admin", "--if-missing", "-w", str(wh)])
    assert r.exit_code == 0, r.output
    assert "sekali pakai" in r.output and (tmp_path / "demo.app.sqlite").exists()
    r = run.invoke(app, ["users", "add", "admin2", "--role", "admin", "--if-missing", "-w", str(wh)])
    assert r.exit_code == 0 and "sudah ada" in r.output
    r = run.invoke(app, ["users", "add", "pemkab", "--role", "mitra", "--region", "33.22", "-w", str(wh)])
    assert r.exit_code == 0, r.output
    r = run.invoke(app, ["users", "add", "pemkab", "--role", "mitra", "--region", "33.22", "-w", str(wh)])
    assert r.exit_code == 2 and "sudah ada" in r.output and "Traceback" not in r.output
    r = run.invoke(app, ["users", "list", "-w", str(wh)])
    assert "pemkab" in r.output and "33.22" in r.output
    r = run.invoke(app, ["users", "reset-password", "pemkab", "-w", str(wh)])
    assert r.exit_code == 0 and "sekali pakai" in r.output
    r = run.invoke(app, ["users", "disable", "pemkab", "-w", str(wh)])
    assert r.exit_code == 0
    r = run.invoke(app, ["users", "list", "-w", str(wh)])
    assert "nonaktif" in r.output
    r = run.invoke(app, ["users", "disable", "tidakada", "-w", str(wh)])
    assert r.exit_code == 2
