"""The route sweep: every route of the app × every role × a region (and list, cohort, job)
inside and outside the role's scope, on SQLite and PostgreSQL. No answer carries a region or
a person outside the scope; outside objects answer 404; a route without a scope declaration
fails the sweep."""

from __future__ import annotations

import inspect
import itertools
import re
import shutil
import time

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from access.leaks import leaks
from cakupan.services import users
from cakupan.settings import load
from cakupan.web.access import all_routes

PASSWORD = "sandi-uji-coba-123"
# role -> (user name, add_user arguments, regions it may see: None = all)
ROLES = {
    "admin": ("admin", dict(role="admin"), None),
    "analis": ("analis", dict(role="analis", regions=["33"]), ("33",)),
    "cabang": ("kc.smg", dict(role="cabang", branch="KC-SMG"), ("3322", "3374")),
    "mitra_a": ("pemkab.semarang", dict(role="mitra", regions=["33.22"]), ("3322",)),
    "mitra_b": ("pemkot.yogya", dict(role="mitra", regions=["34.71"]), ("3471",)),
    "agen": ("agen.satu", dict(role="agen"), ()),
}
# a region inside / outside each role's scope (None: the role has none)
REGIONS = {"admin": ("3374", None), "analis": ("3374", "3471"), "cabang": ("3374", "3471"),
           "mitra_a": ("3322", "3374"), "mitra_b": ("3471", "3322"), "agen": (None, "3374")}


def _wait(client, headers, location: str) -> dict:
    job_id = location.rsplit("/", 1)[-1]
    end = time.time() + 300
    while time.time() < end:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            assert job["status"] == "done", job
            return job
        time.sleep(0.1)
    raise TimeoutError(location)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, web_warehouse, partner_list, candidates, tmp_path_factory):
    """A served warehouse with a branch table, one account per role, partner lists of two
    partners and of the admin, cohorts and plans of a partner and of the admin."""
    from access.conftest import _pg_schema
    from cakupan.store import Store
    from cakupan.warehouse import open_warehouse
    from cakupan.web.app import create_app

    d = tmp_path_factory.mktemp("sweep")
    copy = d / "w.duckdb"
    shutil.copy(web_warehouse, copy)
    wh = open_warehouse(load("duckdb", copy))
    wh.replace("branches", pa.table({"branch_code": ["KC-SMG", "KC-SMG", "KC-YK"],
                                     "branch_name": ["Semarang", "Semarang", "Yogyakarta"],
                                     "regency_code": ["3374", "3322", "3471"]}))
    wh.close()
    if request.param == "sqlite":
        url, drop = f"sqlite:///{d / 'app.sqlite'}", (lambda: None)
    else:
        url, drop = _pg_schema()
    app = create_app(load("duckdb", copy), store=Store(url))
    store = app.state.store
    headers = {}
    for role, (name, kwargs, _allowed) in ROLES.items():
        users.add_user(store, name, password=PASSWORD, **kwargs)
        headers[role] = {"Authorization": "Bearer " + users.create_token(store, name, "sweep")}
    w = {"app": app, "headers": headers, "lists": {}, "jobs": {}, "plans": {}, "cohorts": {}}
    with TestClient(app) as client:
        w["client"] = client
        for role, source, match in (("mitra_a", "daftar-a", True), ("mitra_b", "daftar-b", True),
                                    ("admin", "daftar-admin", False)):
            with open(partner_list, "rb") as f:
                r = client.post("/daftar", data={"source": source, "segment": "BPU", "match": str(match).lower()},
                                files={"file": ("pasar.csv", f, "text/csv")}, headers=headers[role],
                                follow_redirects=False)
            assert r.status_code == 303, r.text
            w["jobs"][role] = _wait(client, headers[role], r.headers["location"])["job_id"]
            w["lists"][role] = source
        for role in ("mitra_a", "admin"):
            with open(candidates, "rb") as f:
                r = client.post("/sponsor", data={"budget": "10000000", "region": "33.22", "months": "12"},
                                files={"candidates": ("kandidat.csv", f, "text/csv")}, headers=headers[role],
                                follow_redirects=False)
            assert r.status_code == 303, r.text
            plan = _wait(client, headers[role], r.headers["location"])["job_id"]
            w["plans"][role] = plan
            r = client.post(f"/sponsor/rencana/{plan}/simpan", data={"name": f"kohort {role}"},
                            headers=headers[role], follow_redirects=False)
            assert r.status_code == 303, r.text
            w["cohorts"][role] = _wait(client, headers[role], r.headers["location"])["result"]["cohort_id"]
        yield w
    store.close()
    drop()


def _visible(world, role: str, kind: str) -> tuple[list[str], list[str]]:
    """(ids the role may open, ids it may not) of lists, cohorts, plans or jobs."""
    objects = world[kind]
    own = {"mitra_a": ["mitra_a"], "mitra_b": ["mitra_b"]}.get(role)
    if role == "agen":
        return [], list(objects.values())
    if role == "admin":
        return list(objects.values()), []
    if kind == "lists":
        mine = own if own else list(objects)        # analis and cabang see every list (rows in their regions)
    elif kind == "cohorts":
        # cohorts are in 33.22: inside for analis and cabang; a partner sees only its own
        mine = own if own else (list(objects) if role in ("analis", "cabang") else [])
    else:  # plans and jobs: only one's own
        mine = own or []
    return [objects[k] for k in objects if k in mine], [objects[k] for k in objects if k not in mine]


SLOW: list = []
PARAMS = {"source": "lists", "cohort_id": "cohorts", "job_id": "jobs"}


def _cases(world, role: str):
    """(method, url, expectation) for every route: 'ok' (answers, no leak), 'hidden' (404)."""
    inside, outside = REGIONS[role]
    for path, methods, endpoint in all_routes(world["app"]):
        if "GET" not in methods:
            continue
        kind = getattr(endpoint, "scope_kind", None)
        params = inspect.signature(endpoint).parameters if endpoint else {}
        if role == "agen" and kind not in ("open", "account", "leads"):
            yield "GET", _fill(path, world, "agen", None), "hidden", kind
            continue
        if kind == "admin" and role != "admin":
            yield "GET", _fill(path, world, role, None), "hidden", kind
            continue
        names = re.findall(r"{(\w+)}", path)
        objects = [n for n in names if n in PARAMS]
        for obj in objects:
            kind_of = "plans" if path.startswith("/sponsor/rencana") else PARAMS[obj]
            ins, outs = _visible(world, role, kind_of)
            for value in ins:
                yield "GET", _fill(path, world, role, {obj: value}), "ok", kind
                if "pii" in params:
                    yield "GET", _fill(path, world, role, {obj: value}) + "?pii=true", "ok", kind
            for value in outs + ["tidak-ada" if obj == "source" else "0" * (8 if obj == "cohort_id" else 12)]:
                yield "GET", _fill(path, world, role, {obj: value}), "hidden", kind
        if objects:
            continue
        base = _fill(path, world, role, None)
        yield "GET", base, "ok", kind
        region_param = "code" if "code" in names else ("region" if "region" in params else None)
        if region_param is None:
            continue
        province_only = path in ("/peta", "/api/v1/map")
        for code, expect in ((inside, "ok"), (outside, "hidden")):
            if code is None:
                continue
            code = code[:2] if province_only else code
            if province_only and expect == "ok" and role not in ("admin", "analis"):
                continue  # a regency-bound role has no province of its own
            if province_only and expect == "hidden" and role == "analis":
                code = "34"
            url = path.replace("{code}", code) if region_param == "code" else f"{base}?region={code}"
            yield "GET", url, expect, kind


def _fill(path: str, world, role: str, values: dict | None) -> str:
    out = path
    for name, value in (values or {}).items():
        out = out.replace("{" + name + "}", value)
    defaults = {"{code}": "33", "{name}.{kind}": "coverage.csv", "{kind}": "bpu"}
    if path.startswith("/daftar/"):
        defaults["{kind}"] = "csv"
    for k, v in defaults.items():
        out = out.replace(k, v)
    for leftover in re.findall(r"{(\w+)}", out):  # an object param no role owns: a made-up id
        out = out.replace("{" + leftover + "}", "0" * 12)
    return out


def test_every_route_declares_its_scope(world):
    undeclared = [p for p, _m, e in all_routes(world["app"]) if getattr(e, "scope_kind", None) is None]
    assert undeclared == [], f"routes without a scope declaration: {undeclared}"


def test_a_new_route_without_a_declaration_fails_the_sweep(world):
    from cakupan.store import Store
    from cakupan.web.app import create_app

    app = create_app(world["app"].state.settings, store=Store("sqlite://"))

    @app.get("/rahasia")
    def secret():
        return {"x": 1}

    undeclared = [p for p, _m, e in all_routes(app) if getattr(e, "scope_kind", None) is None]
    assert undeclared == ["/rahasia"]
    app.state.store.close()


def test_route_role_region_sweep(world):
    import json

    from access import leaks as lk

    lk.API_DESCRIPTION[:] = [json.dumps(world["app"].openapi(), ensure_ascii=False)]
    lk.boilerplate.cache_clear()
    lk.forbidden_names.cache_clear()
    client, counts, problems = world["client"], {}, []
    routes = {p for p, _m, _e in all_routes(world["app"])}
    for role in ROLES:
        allowed = ROLES[role][2]
        headers = world["headers"][role]
        for method, url, expect, kind in _cases(world, role):
            t0 = time.perf_counter()
            r = client.get(url, headers=headers, follow_redirects=False)
            SLOW.append((time.perf_counter() - t0, role, url))
            counts[role] = counts.get(role, 0) + 1
            if r.status_code >= 500:
                problems.append(f"{role} {url}: {r.status_code}")
            elif expect == "hidden" and r.status_code != 404:
                problems.append(f"{role} {url}: expected 404, got {r.status_code}")
            elif expect == "ok" and r.status_code == 404 and not _unmatched(world, url) and any(p in url for p in ("/daftar/", "/lists/", "/kohort/",
                                                                                   "/cohorts/", "/rencana/",
                                                                                   "/pekerjaan/", "/jobs/")):
                problems.append(f"{role} {url}: its own object answered 404")
            if r.status_code < 400:
                found = leaks(r, allowed)
                if found:
                    problems.append(f"{role} {url}: outside its scope: {found[:3]}")
    total = sum(counts.values())
    import os
    if os.environ.get("SWEEP_PROFILE"):
        for dt, role, url in sorted(SLOW, reverse=True)[:25]:
            print(f"{dt:6.2f}s {role} {url}")
    print(f"\nroute sweep: {len(routes)} routes × {len(ROLES)} roles: {total} cases "
          f"({', '.join(f'{k} {v}' for k, v in counts.items())}), {len(problems)} problems")
    assert not problems, "\n".join(problems[:40])
    assert total > 300


def _unmatched(world, url: str) -> bool:
    """The admin's list is imported, not matched: its review queue does not exist."""
    return world["lists"]["admin"] in url and url.endswith("/review")


def test_posts_on_outside_objects_are_refused(world):
    client, lists, plans = world["client"], world["lists"], world["plans"]
    cases = 0
    for role, target in itertools.product(("mitra_a", "mitra_b", "analis", "cabang", "agen"), ("cocokkan", "periksa")):
        _ins, outs = _visible(world, role, "lists")
        for source in outs:
            data = {"period": "2021-11"} if target == "cocokkan" else {"row": "1", "decision": "accept"}
            r = client.post(f"/daftar/{source}/{target}", data=data, headers=world["headers"][role],
                            follow_redirects=False)
            assert r.status_code == 404, (role, source, target, r.status_code)
            cases += 1
    for role in ("mitra_b", "analis", "cabang", "agen"):  # seeing a list is not owning it
        r = client.post(f"/daftar/{lists['mitra_a']}/hapus", headers=world["headers"][role], follow_redirects=False)
        assert r.status_code == 404, (role, r.status_code)
        cases += 1
    for role in ("mitra_b", "analis", "cabang", "agen"):
        r = client.post(f"/sponsor/rencana/{plans['mitra_a']}/simpan", data={"name": "curian"},
                        headers=world["headers"][role], follow_redirects=False)
        assert r.status_code == 404
        cases += 1
    # a partner cannot take over another's list by uploading under its name
    r = client.post("/daftar", data={"source": lists["mitra_a"]}, files={"file": ("x.csv", b"NIK,NAMA\n1,a\n")},
                    headers=world["headers"]["mitra_b"], follow_redirects=False)
    assert r.status_code == 400 and "sudah dipakai" in r.text
    # registry imports only for callers who see every region
    r = client.post("/impor", data={"table": "participants"}, files={"file": ("p.csv", b"NIK\n1\n")},
                    headers=world["headers"]["mitra_a"], follow_redirects=False)
    job = _wait_any(client, world["headers"]["mitra_a"], r)
    assert job["status"] == "failed" and "semua wilayah" in job["error"]
    print(f"\nPOST sweep: {cases + 2} refused writes on outside objects")


def _wait_any(client, headers, r):
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    end = time.time() + 60
    while time.time() < end:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise TimeoutError(job_id)


def test_a_partner_total_is_its_regency_only(world):
    client, h = world["client"], world["headers"]
    admin = client.get("/api/v1/coverage?by=regency&region=33", headers=h["admin"]).json()["rows"]
    semarang = next(r for r in admin if r["region_code"] == "3322")
    mine = client.get("/api/v1/coverage?by=regency", headers=h["mitra_a"]).json()["rows"]
    assert {r["region_code"] for r in mine} == {"3322", "TOTAL"}
    total = next(r for r in mine if r["region_code"] == "TOTAL")
    assert total["participants"] == semarang["participants"]
    overview = client.get("/api/v1/overview", headers=h["mitra_a"]).json()
    assert overview["active"] == semarang["participants"]
    from cakupan.regions import region_name

    source = world["lists"]["mitra_a"]
    every = client.get(f"/api/v1/lists/{source}/leads", headers=h["admin"]).json()["rows"]
    mine = client.get(f"/api/v1/lists/{source}/leads", headers=h["mitra_a"]).json()["rows"]
    name = region_name("3322")
    assert len({r["regency"] for r in every}) > 5                     # the list spans many regencies
    assert all(r["regency"] == name for r in mine)
    assert len(mine) == sum(r["regency"] == name for r in every)
