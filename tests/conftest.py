"""Shared fixtures: a small synthetic registry, and warehouses on both engines."""

from __future__ import annotations

import pyarrow as pa
import pytest

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
