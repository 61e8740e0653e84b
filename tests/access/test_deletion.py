"""Deleting a partner list: owner or admin only, rows/quarantine/outcomes/leads gone, counts
kept in the import history, the deletion audited; the same file can come back."""

from __future__ import annotations

import re

from access.test_audit import client, web_app  # noqa: F401 - the audited app and its admin client
from access.test_login import PASSWORD
from cakupan.services import audit, users
from web.webtools import wait


def _upload(client, path, source, headers=None):
    with open(path, "rb") as f:
        r = client.post("/daftar", data={"source": source, "match": "true"}, files={"file": ("pasar.csv", f, "text/csv")},
                        headers=headers or {}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return wait(client, r.headers["location"], timeout=300)


def test_owner_deletes_a_list_others_cannot(client, web_app, partner_list):
    store = web_app.state.store
    users.add_user(store, "pemilik", "mitra", ["33.22"], password=PASSWORD)
    users.add_user(store, "tetangga", "mitra", ["33.22"], password=PASSWORD)
    owner = {"Authorization": "Bearer " + users.create_token(store, "pemilik", "t")}
    other = {"Authorization": "Bearer " + users.create_token(store, "tetangga", "t")}
    job = _upload(client, partner_list, "hapus-saya", owner)
    assert job["status"] == "done", job
    read = job["result"]["rows_read"]
    # another partner: not found, whether it exists or not
    r = client.post("/daftar/hapus-saya/hapus", headers=other, follow_redirects=False)
    assert r.status_code == 404
    assert "delete-list" in client.get("/daftar/hapus-saya", headers=owner).text
    r = client.post("/daftar/hapus-saya/hapus", headers=owner, follow_redirects=False)
    assert r.status_code == 303
    done = wait(client, r.headers["location"])
    assert done["status"] == "done" and done["result"]["rows"] > 0, done
    assert client.get("/daftar/hapus-saya", headers=owner).status_code == 404
    assert client.get("/api/v1/lists/hapus-saya/leads").status_code == 404          # gone for the admin too
    names = [i["source"] for i in client.get("/api/v1/lists").json()["lists"]]
    assert "hapus-saya" not in names
    history = [h for h in client.get("/api/v1/imports").json()["imports"] if h["table"] == "list:hapus-saya"]
    assert history and history[0]["kind"] == "daftar (dihapus)" and history[0]["rows_read"] == read
    e = audit.entries(store, 1)[0][0]
    assert (e.username, e.action, e.filters["source"]) == ("pemilik", "delete-list", "hapus-saya")
    assert audit.verify(store).ok
    # the same file again brings the list back (not "already imported")
    again = _upload(client, partner_list, "hapus-saya", owner)
    assert again["status"] == "done" and not again["result"]["already_imported"]
    assert client.get("/daftar/hapus-saya", headers=owner).status_code == 200


def test_admin_deletes_any_list(client, web_app, partner_list):
    job = _upload(client, partner_list, "hapus-admin")
    assert job["status"] == "done"
    page = client.get("/daftar/hapus-admin").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = client.post("/daftar/hapus-admin/hapus", data={"csrf": csrf}, follow_redirects=False)
    assert wait(client, r.headers["location"])["status"] == "done"
    assert client.get("/daftar/hapus-admin").status_code == 404
