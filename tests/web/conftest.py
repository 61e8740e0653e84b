"""A small synthetic warehouse served by the web app (FastAPI's test client)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cakupan.cli import app as cli
from cakupan.regions import children
from cakupan.settings import load
from cakupan.synth.people import make_people

runner = CliRunner()


@pytest.fixture(scope="session")
def web_warehouse(tmp_path_factory):
    d = tmp_path_factory.mktemp("web")
    wh = d / "w.duckdb"
    result = runner.invoke(cli, ["synth", "--scale", "0.002", "--seed", "5", "-w", str(wh)])
    assert result.exit_code == 0, result.output
    return wh


@pytest.fixture(scope="session")
def partner_list(web_warehouse, tmp_path_factory):
    """A noisy 300-row street-vendor list drawn from the warehouse, with its truth."""
    d = tmp_path_factory.mktemp("list")
    out = d / "pasar.csv"
    result = runner.invoke(cli, ["synth", "list", "--kind", "pkl", "--size", "300", "--seed", "3",
                                 "--out", str(out), "-w", str(web_warehouse)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def candidates(tmp_path_factory):
    d = tmp_path_factory.mktemp("cand")
    rng = np.random.default_rng(2)
    villages = np.array(children("3322", 4))
    people = make_people(rng, villages[rng.integers(0, len(villages), 200)], np.array(children("3322", 3)))
    df = people.select(NIK="nik", NAMA="name", TGL_LAHIR=pl.col("birth_date").cast(pl.String),
                       KODE_DESA="village_code").with_columns(PEKERJAAN=pl.lit("nelayan"))
    path = d / "kandidat.csv"
    df.write_csv(path)
    return path


@pytest.fixture(scope="module")
def client(web_warehouse, tmp_path_factory):
    """A server on a copy of the warehouse, so that writes in one module do not leak."""
    import shutil

    from cakupan.web.app import create_app

    d = tmp_path_factory.mktemp("served")
    copy = d / "w.duckdb"
    shutil.copy(web_warehouse, copy)
    app = create_app(load("duckdb", copy))
    with TestClient(app) as c:
        yield c
