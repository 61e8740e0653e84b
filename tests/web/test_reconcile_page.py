"""The reconciliation page: ranked employers per regency, drill-down to masked people."""

from __future__ import annotations

import re

import polars as pl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cakupan.cli import app as cli
from cakupan.reports.format import integer
from cakupan.settings import load

runner = CliRunner()


@pytest.fixture(scope="module")
def jkn_client(tmp_path_factory):
    from cakupan.web.app import create_app

    d = tmp_path_factory.mktemp("jknweb")
    wh = d / "w.duckdb"
    for args in (["synth", "--scale", "0.002", "--seed", "11"], ["synth", "jkn", "--out", str(d / "j.csv")],
                 ["reconcile", "import", str(d / "j.csv")], ["reconcile", "run"]):
        result = runner.invoke(cli, [*args, "-w", str(wh)])
        assert result.exit_code == 0, result.output
    from web.webtools import add_account, login

    app = create_app(load("duckdb", wh))
    add_account(app)
    with TestClient(app) as c:
        login(c)
        yield c, d


def test_ranked_employers_per_regency_and_drill_down(jkn_client):
    client, d = jkn_client
    html = client.get("/rekonsiliasi?period=2021-11").text
    assert "diperkirakan belum mendaftarkan" in html and 'href="/rekonsiliasi"' in html
    money = [int(v.replace(".", "")) for v in re.findall(r'data-col="uncollected">([\d.]+)<', html)]
    assert len(money) > 20 and money == sorted(money, reverse=True)
    semarang = client.get("/rekonsiliasi?period=2021-11&regency=33.74").text
    regencies = re.findall(r'<tr data-code="\d+"><td class="num">\d+</td><td>([\d.]+)</td>', semarang)
    assert regencies and set(regencies) == {"33.74"}
    first = re.search(r'href="/rekonsiliasi/pemberi-kerja/(\d+)\?period=2021-11"', html).group(1)
    page = client.get(f"/rekonsiliasi/pemberi-kerja/{first}?period=2021-11").text
    truth = pl.read_csv(d / "j.truth.csv", infer_schema=False).filter(
        (pl.col("employer_id") == first) & (pl.col("case") != "NONE"))
    assert truth.height and f"{integer(truth.height)}" in page
    niks = truth["person_nik"].to_list()
    assert not any(n in page for n in niks)
    shown = client.get(f"/rekonsiliasi/pemberi-kerja/{first}?period=2021-11&pii=true").text
    usable = truth.filter(pl.col("nik_usable") == "true")["person_nik"].to_list()
    assert all(n in shown for n in usable)
    assert client.get("/rekonsiliasi/pemberi-kerja/99999999?period=2021-11").status_code == 404
