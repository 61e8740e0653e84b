"""Uploads, matches, reviews, sponsorship and imports through the browser's forms, as jobs."""

from __future__ import annotations

import io
import time

import polars as pl
from web.webtools import wait
from markupsafe import escape
from openpyxl import load_workbook

from cakupan.reports.format import integer


def _upload_list(client, path, source, match=True):
    with open(path, "rb") as f:
        r = client.post("/daftar", data={"source": source, "segment": "BPU", "match": str(match).lower()},
                        files={"file": (path.name, f, "text/csv")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"]


def test_partner_list_upload_match_leads_and_download(client, partner_list):
    job = wait(client, _upload_list(client, partner_list, "pasar-web"))
    assert job["status"] == "done", job
    result = job["result"]
    assert result["rows_read"] == 300 and result["rows_read"] == result["accepted"] + result["quarantined"]
    assert sum(result["counts"].values()) == 300
    page = client.get("/pekerjaan/" + job["job_id"]).text
    assert f"dibaca {integer(result['rows_read'])} = diterima" in page and 'href="/daftar/pasar-web"' in page
    detail = client.get("/daftar/pasar-web").text
    assert "Dari 300 nama di daftar pasar-web" in detail
    api = client.get("/api/v1/lists/pasar-web/leads").json()
    assert api["counts"] == result["counts"] and not api["personal_data"]
    assert all("*" in (r["nik"] or "*") for r in api["rows"])          # masked by default
    xlsx = client.get("/daftar/pasar-web/prospek.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    lead_rows = sum(ws.max_row - 1 for ws in wb.worksheets[1:])
    assert lead_rows == api["total_rows"]
    truth = pl.read_csv(partner_list.with_name("pasar.truth.csv"))
    active = truth.filter(pl.col("status") == "ACTIVE").height
    assert abs(result["counts"].get("ACTIVE", 0) - active) <= 0.05 * 300


def test_same_list_again_changes_nothing_and_two_uploads_queue(client, partner_list):
    first = _upload_list(client, partner_list, "antrian-a", match=False)
    second = _upload_list(client, partner_list, "antrian-b", match=False)
    a, b = wait(client, first), wait(client, second)
    assert a["status"] == b["status"] == "done"
    assert a["finished_at"] <= b["started_at"]                       # one writer at a time
    again = wait(client, _upload_list(client, partner_list, "antrian-a", match=False))
    assert again["result"]["already_imported"]
    names = [i["source"] for i in client.get("/api/v1/lists").json()["lists"]]
    assert {"antrian-a", "antrian-b"} <= set(names)


def test_review_queue_decisions_are_kept(client, partner_list):
    wait(client, _upload_list(client, partner_list, "pasar-periksa"))
    pending = client.get("/api/v1/lists/pasar-periksa/review").json()["rows"]
    if not pending:
        return  # nothing to review on this list: the queue page says so
    row = pending[0]["row_number"]
    r = client.post("/daftar/pasar-periksa/periksa", data={"row": row, "decision": "reject"},
                    follow_redirects=False)
    job = wait(client, r.headers["location"])
    assert job["status"] == "done", job
    after = [p["row_number"] for p in client.get("/api/v1/lists/pasar-periksa/review").json()["rows"]]
    assert row not in after
    from cakupan.services import reviews                              # kept in the app store too
    kept = [d for d in reviews.decisions(client.app.state.store) if d["source"] == "pasar-periksa"]
    assert [(d["row_number"], d["decision"], d["reviewer"]) for d in kept] == [(row, "reject", "admin")]


def test_a_bad_upload_fails_in_words(client, tmp_path):
    bad = tmp_path / "kosong.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with open(bad, "rb") as f:
        r = client.post("/daftar", data={"source": "kosong"}, files={"file": ("kosong.csv", f, "text/csv")},
                        follow_redirects=False)
    job = wait(client, r.headers["location"])
    assert job["status"] == "failed" and "neither a NIK column nor a name column" in job["error"]
    assert job["error"] in client.get("/pekerjaan/" + job["job_id"]).text
    exe = tmp_path / "virus.exe"
    exe.write_bytes(b"MZ")
    with open(exe, "rb") as f:
        r = client.post("/daftar", data={"source": "x"}, files={"file": ("virus.exe", f)}, follow_redirects=False)
    assert r.status_code == 400 and "CSV" in r.text


def test_sponsor_plan_compare_commit_and_cohort_status(client, candidates):
    with open(candidates, "rb") as f:
        r = client.post("/sponsor", data={"budget": "10000000", "months": "12", "region": "33.22",
                                          "sponsor": "apbd", "months_b": "6"},
                        files={"candidates": (candidates.name, f, "text/csv")}, follow_redirects=False)
    job = wait(client, r.headers["location"])
    assert job["status"] == "done", job
    assert job["result"]["selected"] == 49 and job["result"]["left"] == 121_600   # 10,000,000 // 201,600
    page = client.get(job["result"]["next"]).text
    assert "Dari 200 kandidat, 49 dipilih" in page and 'id="compare"' in page and 'id="schedule"' in page
    assert "Rp 121.600" in page
    r = client.post(job["result"]["next"] + "/simpan", data={"name": "APBD uji"}, follow_redirects=False)
    done = wait(client, r.headers["location"])
    assert done["status"] == "done", done
    cohort = done["result"]["cohort_id"]
    st = client.get(f"/api/v1/cohorts/{cohort}").json()
    assert sum(st["counts"].values()) == 49
    assert "APBD uji" in client.get(f"/sponsor/kohort/{cohort}").text
    xlsx = client.get(job["result"]["next"] + "/rencana.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content))["Terpilih"].max_row == 50


def test_registry_import_with_quarantine_and_the_quarantine_browser(client, tmp_path):
    path = tmp_path / "pemberi_kerja.csv"
    path.write_text("npp,name,npwp,kbli_sector,size_class,regency_code,registered_date,status\n"
                    "99000001,PT Satu,,C,KECIL,3374,2020-01-01,AKTIF\n"
                    "99000002,PT Dua,,Z,RAKSASA,3374,2020-01-01,AKTIF\n", encoding="utf-8")
    with open(path, "rb") as f:
        r = client.post("/impor", data={"table": "employers"}, files={"file": (path.name, f, "text/csv")},
                        follow_redirects=False)
    job = wait(client, r.headers["location"])
    assert job["status"] == "done", job
    assert (job["result"]["rows_read"], job["result"]["accepted"], job["result"]["quarantined"]) == (2, 1, 1)
    q = client.get("/api/v1/quarantine").json()
    assert q["total_rows"] == 1 and q["rows"][0]["row_number"] >= 1
    html = client.get("/impor").text
    assert "pemberi_kerja.csv" in html and str(escape(q["rows"][0]["reason"])) in html
    assert client.get("/unduh/quarantine.csv").status_code == 200


def test_pages_keep_answering_while_a_job_writes(client, partner_list):
    url = _upload_list(client, partner_list, "sambil-baca")
    job_id = url.rsplit("/", 1)[-1]
    answered_while_running = 0
    end = time.time() + 120
    while time.time() < end:
        status = client.get(f"/api/v1/jobs/{job_id}").json()["status"]
        if status in ("done", "failed"):
            break
        r = client.get("/api/v1/coverage?period=2021-11")
        assert r.status_code == 200 and r.json()["rows"][-1]["employed"] == 20_037_280
        answered_while_running += status == "running"
    assert wait(client, url)["status"] == "done"
    assert answered_while_running >= 1


def test_a_cli_write_while_the_server_runs_says_what_holds_the_warehouse(client, tmp_path):
    import os
    import subprocess
    import sys

    path = tmp_path / "employers.csv"
    path.write_text("npp,name,npwp,kbli_sector,size_class,regency_code,registered_date,status\n"
                    "99000003,PT Tiga,,C,KECIL,3374,2020-01-01,AKTIF\n", encoding="utf-8")
    wh = client.app.state.settings.warehouse
    env = {**os.environ, "CAKUPAN_LOCK_WAIT": "1"}
    r = subprocess.run([sys.executable, "-m", "cakupan.cli", "import", "employers", str(path), "-w", str(wh)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2, r.stderr
    said = " ".join(r.stderr.split())
    assert "cakupan serve" in said and "Traceback" not in said
