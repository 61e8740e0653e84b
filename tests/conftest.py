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


# -- nothing the application logs during the suite carries personal data (NIK, phone) -------

import logging  # noqa: E402
import re  # noqa: E402

_PII = re.compile(r"(?<!\d)(\d{16}|(?:\+62|62|0)8\d{8,11})(?!\d)")


class _PiiSieve(logging.Handler):
    """Every log record of the run, checked for a NIK or a phone number."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.seen, self.found = 0, []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still scanned as written
            text = str(record.msg)
        text += "\n" + (self.format(record) if record.exc_info else "")
        self.seen += 1
        if _PII.search(text):
            self.found.append(f"{record.name}:{record.lineno}: {_PII.sub('<PII>', text)[:200]}")


def pytest_configure(config):
    sieve = _PiiSieve()
    root = logging.getLogger()
    root.addHandler(sieve)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    config._pii_sieve = sieve


def pytest_sessionfinish(session, exitstatus):
    sieve = getattr(session.config, "_pii_sieve", None)
    if sieve is None:
        return
    print(f"\nlog scan: {sieve.seen} log records, {len(sieve.found)} with a NIK or phone number")
    if sieve.found:
        print("\n".join(sieve.found[:20]))
        session.exitstatus = 1
