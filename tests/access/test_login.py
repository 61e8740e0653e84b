"""Login, sessions, CSRF, lock-out and API tokens through the web app, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from cakupan.services import users
from cakupan.settings import load

PASSWORD = "sandi-uji-coba-123"


@pytest.fixture
def app(web_warehouse, tmp_path, db_url):
    from cakupan.store import Store
    from cakupan.web.app import create_app

    copy = tmp_path / "w.duckdb"
    shutil.copy(web_warehouse, copy)
    application = create_app(load("duckdb", copy), store=Store(db_url))
    users.add_user(application.state.store, "admin", "admin", password=PASSWORD)
    return application


@pytest.fixture
def anon(app):
    with TestClient(app) as c:
        yield c


def _login_form(client) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/masuk").text).group(1)


def _login(client, username="admin", password=PASSWORD, csrf=None):
    token = csrf or _login_form(client)
    return client.post("/masuk", data={"username": username, "password": password, "csrf": token, "next": "/"},
                       follow_redirects=False)


def _page_csrf(client) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/iuran").text).group(1)


@pytest.mark.parametrize("path", ["/", "/wilayah/33", "/daftar", "/api/v1/coverage", "/unduh/coverage.csv",
                                  "/openapi.json", "/docs", "/impor", "/admin/pengguna"])
def test_anonymous_reaches_only_the_login_page(anon, path):
    r = anon.get(path, follow_redirects=False)
    if path.startswith(("/api/", "/openapi")):
        assert r.status_code == 401 and "masuk" in r.json()["detail"]
    else:
        assert r.status_code == 303 and r.headers["location"].startswith("/masuk?next=")
    assert "Jawa Tengah" not in r.text
    assert anon.get("/masuk").status_code == 200
    assert anon.get("/static/cakupan.css").status_code == 200


def test_login_sets_a_hardened_cookie_and_logout_ends_the_session(anon, app):
    r = _login(anon)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "cakupan_sesi=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie                                   # plain http on loopback
    assert anon.get("/", follow_redirects=False).status_code == 200
    token = re.search(r"cakupan_sesi=([^;]+)", cookie).group(1)
    r = anon.post("/keluar", data={"csrf": _page_csrf(anon)}, follow_redirects=False)
    assert r.status_code == 303
    assert anon.get("/", follow_redirects=False).status_code == 303
    with TestClient(app, cookies={"cakupan_sesi": token}) as replay:  # the old cookie is dead
        assert replay.get("/", follow_redirects=False).status_code == 303


def test_secure_cookie_behind_https(app):
    with TestClient(app, base_url="https://cakupan.example") as c:
        r = _login(c)
        assert "Secure" in r.headers["set-cookie"]


def test_wrong_password_and_lock_out(anon, app):
    for _ in range(users.MAX_FAILURES):
        r = _login(anon, password="salah")
        assert r.status_code == 401 and "salah" in r.text
    r = _login(anon)                                                # locked now, even with the right one
    assert r.status_code == 401
    assert users.account(app.state.store, "admin").locked
    users.enable(app.state.store, "admin")
    assert _login(anon).status_code == 303


def test_login_needs_its_csrf_cookie(anon):
    _login_form(anon)
    r = _login(anon, csrf="palsu")
    assert r.status_code == 403


def test_session_fixation_a_planted_session_id_is_never_used(app):
    planted = "ditanam-oleh-penyerang"
    with TestClient(app, cookies={"cakupan_sesi": planted}) as victim:
        r = _login(victim)
        assert r.status_code == 303
        issued = re.search(r"cakupan_sesi=([^;]+)", r.headers["set-cookie"]).group(1)
        assert issued != planted
    with TestClient(app, cookies={"cakupan_sesi": planted}) as attacker:
        assert attacker.get("/", follow_redirects=False).status_code == 303
    with TestClient(app, cookies={"cakupan_sesi": issued}) as holder:
        assert holder.get("/", follow_redirects=False).status_code == 200


def test_every_post_without_the_csrf_token_is_refused(anon, app, partner_list):
    assert _login(anon).status_code == 303
    csrf = _page_csrf(anon)
    from cakupan.web.access import all_routes

    posts = [p for p, methods, _ in all_routes(app) if "POST" in methods and p != "/masuk"]
    assert len(posts) >= 7
    for path in posts:
        path = path.replace("{source}", "tidakada").replace("{job_id}", "0" * 12)
        for headers in ({}, {"X-CSRF-Token": "salah"}):
            r = anon.post(path, data={"csrf": "salah"} if headers else {}, headers=headers, follow_redirects=False)
            assert r.status_code == 403, (path, r.status_code)
    # the right token passes the check (the upload itself then runs)
    with open(partner_list, "rb") as f:
        r = anon.post("/daftar", data={"source": "csrf-ok", "csrf": csrf},
                      files={"file": ("pasar.csv", f, "text/csv")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/pekerjaan/")


def test_one_time_password_must_be_changed_first(anon, app):
    _, secret = users.add_user(app.state.store, "baru", "analis")
    r = _login(anon, "baru", secret)
    assert r.status_code == 303 and r.headers["location"] == "/akun/sandi"
    assert anon.get("/", follow_redirects=False).headers["location"] == "/akun/sandi"
    page = anon.get("/akun/sandi").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = anon.post("/akun/sandi", data={"old": secret, "new": "sandi-baru-panjang", "again": "sandi-baru-panjang",
                                       "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert anon.get("/", follow_redirects=False).status_code == 200


def test_api_token_is_scoped_like_its_user_and_revocable(anon, app):
    store = app.state.store
    users.add_user(store, "pemkab", "mitra", ["33.22"], password=PASSWORD)
    token = users.create_token(store, "pemkab", "skrip")
    h = {"Authorization": f"Bearer {token}"}
    rows = anon.get("/api/v1/coverage?by=regency", headers=h).json()["rows"]
    codes = {r["region_code"] for r in rows} - {"TOTAL"}
    assert codes == {"3322"}
    assert anon.get("/api/v1/coverage?region=33.74", headers=h).status_code == 404
    assert anon.get("/api/v1/coverage", headers={"Authorization": "Bearer ckp_palsu"}).status_code == 401
    users.revoke_token(store, users.tokens(store, "pemkab")[0].id)
    assert anon.get("/api/v1/coverage", headers=h).status_code == 401


def test_responses_carry_hardening_headers(anon):
    r = anon.get("/masuk")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(anon, target):
    token = _login_form(anon)
    r = anon.post("/masuk", data={"username": "admin", "password": PASSWORD, "csrf": token, "next": target},
                  follow_redirects=False)
    assert r.headers["location"] == "/"
