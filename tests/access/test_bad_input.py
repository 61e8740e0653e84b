"""Bad input at the web app's edges: path traversal in file names and paths, SQL injection in
filters, oversize uploads, content-type sniffing, formula injection in CSV and XLSX exports.
(CSRF, session fixation and brute force: test_login.py.)"""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from access.test_audit import client, web_app  # noqa: F401 - the app and its admin client
from web.webtools import wait

FORMULAS = ("=HYPERLINK(\"http://x\",\"klik\")", "+6281234", "-1+2", "@SUM(A1)")


def _upload(client, name: str, body: bytes, source: str, match: bool = False):
    r = client.post("/daftar", data={"source": source, "match": str(match).lower()},
                    files={"file": (name, body, "text/csv")}, follow_redirects=False)
    return r


@pytest.mark.parametrize("name", ["../../../etc/passwd.csv", "..\\..\\boot.csv", "/etc/cron.d/x.csv",
                                  "a/../../b.csv", "%2e%2e%2fx.csv"])
def test_uploaded_file_names_cannot_leave_the_uploads_folder(client, web_app, name):
    uploads = web_app.state.uploads
    before = set(uploads.parent.iterdir())
    r = _upload(client, name, b"NIK,NAMA\n3374010101900001,Budi\n", "jalan-" + str(abs(hash(name)) % 10**6))
    assert r.status_code == 303, r.text
    wait(client, r.headers["location"])
    new = {p for p in set(uploads.parent.iterdir()) - before if not p.name.endswith(("wal", "shm", "journal"))}
    assert not new                                                    # nothing written beside the warehouse
    for f in uploads.rglob("*"):
        assert f.resolve().is_relative_to(uploads.resolve())
        assert ".." not in f.name and "/" not in f.name and "\\" not in f.name


@pytest.mark.parametrize("path", ["/daftar/..%2F..%2Fetc%2Fpasswd", "/daftar/%2e%2e/prospek.csv",
                                  "/static/../app.py", "/static/..%2F..%2Fstore%2F__init__.py",
                                  "/unduh/..%2F..%2Fx.csv", "/api/v1/lists/..%2Fx/leads",
                                  "/sponsor/kohort/..%2F..%2Fx", "/pekerjaan/..%2Fjobs.sqlite"])
def test_path_traversal_in_urls_finds_nothing(client, path):
    r = client.get(path, follow_redirects=False)
    assert r.status_code in (400, 404, 422), (path, r.status_code)
    assert "import " not in r.text and "CREATE TABLE" not in r.text


@pytest.mark.parametrize("params", [
    {"reason": "' OR 1=1 --"}, {"table": "x'; DROP TABLE participants; --"},
    {"import_id": "1 OR 1=1"}, {"reason": "\"; DELETE FROM quarantine; --"},
])
def test_sql_injection_in_filters_is_just_text(client, params):
    r = client.get("/api/v1/quarantine", params=params)
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        assert r.json()["total_rows"] == 0
    page = client.get("/impor", params=params)
    assert page.status_code in (200, 422)
    assert client.get("/api/v1/coverage").status_code == 200             # the tables are all still there


@pytest.mark.parametrize("region", ["33' OR '1'='1", "33;DROP TABLE x", "33%", "3*", "../33"])
def test_region_filters_refuse_anything_but_codes(client, region):
    assert client.get("/api/v1/coverage", params={"region": region}).status_code == 422
    assert client.get("/wilayah/" + region.replace("/", "%2F")).status_code in (400, 404, 422)


def test_oversize_upload_is_refused(web_warehouse, tmp_path):
    from cakupan.settings import load
    from cakupan.web.app import create_app
    from web.webtools import add_account, login

    copy = tmp_path / "w.duckdb"
    shutil.copy(web_warehouse, copy)
    app = create_app(load("duckdb", copy), upload_limit=4096)
    add_account(app)
    with TestClient(app) as c:
        login(c)
        big = b"NIK,NAMA\n" + b"3374010101900001,Budi Santoso\n" * 1000
        r = c.post("/daftar", data={"source": "besar"}, files={"file": ("besar.csv", big, "text/csv")},
                   follow_redirects=False)
        assert r.status_code == 413 and "MB" in r.text
        assert not any(f.is_file() for f in app.state.uploads.rglob("*"))


def test_uploads_are_never_served_back_and_answers_say_nosniff(client, web_app):
    html = b"<html><script>alert(1)</script></html>"
    r = client.post("/daftar", data={"source": "html-palsu"}, files={"file": ("x.csv", html, "text/html")},
                    follow_redirects=False)
    assert r.status_code == 303
    wait(client, r.headers["location"])
    stored = [f for f in web_app.state.uploads.rglob("x.csv")]
    assert stored
    rel = stored[0].relative_to(web_app.state.uploads.parent)
    assert client.get("/static/" + str(rel)).status_code == 404
    for path in ("/", "/api/v1/coverage", "/unduh/coverage.csv", "/static/cakupan.js"):
        assert client.get(path).headers["x-content-type-options"] == "nosniff"
    r = client.post("/daftar", data={"source": "exe"}, files={"file": ("x.exe", b"MZ", "text/csv")},
                    follow_redirects=False)
    assert r.status_code == 400


def test_formula_injection_is_escaped_in_every_export(client, web_warehouse):
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["NIK", "NAMA", "TGL_LAHIR", "KODE_DESA"])
    for i, name in enumerate(FORMULAS, start=11):
        w.writerow([f"3374{i:02d}0101900{i:03d}", name, "01-01-1990", "3374010001"])
    body = out.getvalue().encode()
    r = _upload(client, "rumus.csv", body, "rumus", match=True)
    job = wait(client, r.headers["location"], timeout=300)
    assert job["status"] == "done", job.get("error")
    cells = []
    for pii in ("false", "true"):
        text = client.get(f"/daftar/rumus/prospek.csv?pii={pii}").content.decode("utf-8")
        cells += [c for row in csv.reader(io.StringIO(text)) for c in row]
        wb = load_workbook(io.BytesIO(client.get(f"/daftar/rumus/prospek.xlsx?pii={pii}").content))
        texts = [cell.value for ws in wb.worksheets for row in ws.iter_rows() for cell in row
                 if isinstance(cell.value, str)]
        assert any(t.startswith(("=HYPERLINK", "'=HYPERLINK")) for t in texts) or pii == "false"
        # in XLSX a formula-like text is a text cell: nothing a spreadsheet would run
        assert not any(ws.cell(r, c).data_type == "f" for ws in wb.worksheets
                       for r in range(1, ws.max_row + 1) for c in range(1, ws.max_column + 1))
    for table in ("imports", "quarantine"):
        cells += [c for row in csv.reader(io.StringIO(client.get(f"/unduh/{table}.csv").text)) for c in row]
    assert any(c.startswith("'=") for c in cells)                       # the names did reach the exports
    # ="3374…" is the exports' way of keeping a NIK text (a constant, nothing runs)
    dangerous = [c for c in cells if (c[:1] in ("=", "+", "@") and not re.fullmatch(r'="\d{16}"', c))
                 or (c[:1] == "-" and not _number(c))]
    assert dangerous == []


def _number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False
