"""Shared fixtures: a small synthetic registry, and warehouses on both engines."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from cakupan.reference_tables import load_reference
from cakupan.settings import load
from cakupan.synth import SynthConfig, generate
from cakupan.warehouse import open_warehouse

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]
SMALL = SynthConfig(scale=0.002, seed=11)


@pytest.fixture(scope="session")
def small_registry() -> dict[str, pa.Table]:
    return generate(SMALL)


def make_warehouse(engine: str, path, tables: dict[str, pa.Table], reference: bool = True):
    settings = load(engine=engine, warehouse=path / "w.duckdb")
    settings = type(settings)(**{**settings.__dict__, "spark_dir": path / "w.parquet"})
    wh = open_warehouse(settings)
    for name, table in tables.items():
        wh.replace(name, table)
    if reference:
        load_reference(wh)
    return wh


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture
def small_warehouse(engine, small_registry, tmp_path):
    wh = make_warehouse(engine, tmp_path, small_registry)
    yield wh
    wh.close()


# -- the web app's warehouse, partner list and sponsor candidates (tests/web, tests/browser) --

@pytest.fixture(scope="session")
def web_warehouse(tmp_path_factory):
    from cakupan.cli import app as cli

    d = tmp_path_factory.mktemp("web")
    wh = d / "w.duckdb"
    result = CliRunner().invoke(cli, ["synth", "--scale", "0.002", "--seed", "5", "-w", str(wh)])
    assert result.exit_code == 0, result.output
    return wh


@pytest.fixture(scope="session")
def partner_list(web_warehouse, tmp_path_factory):
    """A noisy 300-row street-vendor list drawn from the warehouse, with its truth."""
    from cakupan.cli import app as cli

    d = tmp_path_factory.mktemp("list")
    out = d / "pasar.csv"
    result = CliRunner().invoke(cli, ["synth", "list", "--kind", "pkl", "--size", "300", "--seed", "3",
                                 "--out", str(out), "-w", str(web_warehouse)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def candidates(tmp_path_factory):
    from cakupan.regions import children
    from cakupan.synth.people import make_people

    d = tmp_path_factory.mktemp("cand")
    rng = np.random.default_rng(2)
    villages = np.array(children("3322", 4))
    people = make_people(rng, villages[rng.integers(0, len(villages), 200)], np.array(children("3322", 3)))
    df = people.select(NIK="nik", NAMA="name", TGL_LAHIR=pl.col("birth_date").cast(pl.String),
                       KODE_DESA="village_code").with_columns(PEKERJAAN=pl.lit("nelayan"))
    path = d / "kandidat.csv"
    df.write_csv(path)
    return path
