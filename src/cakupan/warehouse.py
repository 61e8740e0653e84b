"""The only module that knows DuckDB or Spark: open a warehouse, read and write its tables.

DuckDB (default) keeps every table in one file. Spark reads and writes a directory of
Parquet tables (one sub-directory per table); ``export_parquet`` copies a DuckDB warehouse
there so the same figures can be computed on Spark.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from cakupan.settings import Settings

_spark_session = None


class WarehouseError(RuntimeError):
    """A problem the user can fix (missing table, wrong path)."""


class Warehouse:
    """Tables by name on one engine, as Ibis expressions."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = settings.engine
        if self.engine == "duckdb":
            settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
            self.con = ibis.duckdb.connect(str(settings.warehouse))
        else:
            self.con = ibis.pyspark.connect(spark_session(settings))
            settings.spark_dir.mkdir(parents=True, exist_ok=True)
        self._spark_loaded: set[str] = set()

    @classmethod
    def on_connection(cls, settings: Settings, con) -> "Warehouse":
        """A DuckDB warehouse over an Ibis connection the caller opened (for example on a
        cursor of a database shared by the threads of one server: each cursor reads a
        consistent snapshot while another writes)."""
        wh = cls.__new__(cls)
        wh.settings, wh.engine, wh.con, wh._spark_loaded = settings, "duckdb", con, set()
        return wh

    # -- reading -------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        if self.engine == "duckdb":
            return name in self.con.list_tables()
        return (self.settings.spark_dir / name).is_dir()

    def table(self, name: str) -> ibis.Table:
        if not self.has(name):
            hint = "run `cakupan synth` or `cakupan import`"
            if self.engine == "spark":
                hint += " with --engine spark, or `cakupan warehouse export`"
            raise WarehouseError(f"the warehouse has no table {name!r}: {hint}")
        if self.engine == "duckdb":
            return self.con.table(name)
        if name not in self._spark_loaded:
            self.con.read_parquet(str(self.settings.spark_dir / name), table_name=name)
            self._spark_loaded.add(name)
        return self.con.table(name)

    def to_arrow(self, expr: ibis.Expr) -> pa.Table:
        return self.con.to_pyarrow(expr)

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def _transaction(self, views: dict[str, pa.Table]):
        """The raw DuckDB connection inside one transaction, with ``views`` registered;
        rolled back on any error, views unregistered either way."""
        raw = self.con.con
        for view, data in views.items():
            raw.register(view, data)
        try:
            raw.execute("BEGIN TRANSACTION")
            yield raw
            raw.execute("COMMIT")
        except Exception:
            raw.execute("ROLLBACK")
            raise
        finally:
            for view in views:
                raw.unregister(view)

    def replace(self, name: str, data: pa.Table) -> None:
        """Replace a whole table atomically with ``data``."""
        if self.engine == "duckdb":
            with self._transaction({"_cakupan_incoming": data}) as raw:
                raw.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _cakupan_incoming')
            return
        target = self.settings.spark_dir / name
        tmp = self.settings.spark_dir / f".{name}.incoming"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        pq.write_table(data, tmp / "part-0.parquet")
        old = self.settings.spark_dir / f".{name}.old"
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        self._spark_loaded.discard(name)  # the next read registers the new files

    def replace_where(self, name: str, data: pa.Table, where: str, params: list | None = None) -> None:
        """Delete the rows of DuckDB table ``name`` that match ``where`` and insert ``data``
        (by column name), in one transaction; create the table from ``data`` if missing.
        ``where`` may name the incoming rows as ``incoming``."""
        if self.engine != "duckdb":
            raise WarehouseError("decisions live in the DuckDB warehouse: run without --engine spark")
        if not self.has(name):
            self.replace(name, data)
            return
        with self._transaction({"incoming": data}) as raw:
            raw.execute(f'DELETE FROM "{name}" WHERE {where}', params or [])
            raw.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM incoming')

    def append(self, tables: dict[str, pa.Table]) -> None:
        """Append rows to several DuckDB tables (created on first use) in one transaction."""
        if self.engine != "duckdb":
            raise WarehouseError("decisions live in the DuckDB warehouse: run without --engine spark")
        views = {name: f"_cakupan_append_{i}" for i, name in enumerate(tables)}
        with self._transaction({view: tables[name] for name, view in views.items()}) as raw:
            for name, view in views.items():
                raw.execute(f'CREATE TABLE IF NOT EXISTS "{name}" AS SELECT * FROM {view} LIMIT 0').fetchall()
                raw.execute(f'INSERT INTO "{name}" SELECT * FROM {view}').fetchall()

    def export_parquet(self, names: list[str] | None = None) -> list[str]:
        """Copy DuckDB tables to the Parquet directory the Spark engine reads."""
        if self.engine != "duckdb":
            raise WarehouseError("export reads the DuckDB warehouse: run it without --engine spark")
        out = self.settings.spark_dir
        out.mkdir(parents=True, exist_ok=True)
        done = []
        for name in names or self.con.list_tables():
            target = out / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            self.con.con.execute(
                f"COPY \"{name}\" TO '{(target / 'part-0.parquet').as_posix()}' (FORMAT parquet)"
            )
            done.append(name)
        return done

    def close(self) -> None:
        if self.engine == "duckdb":
            self.con.disconnect()


def spark_session(settings: Settings):
    """One local Spark session per process (Spark cannot run two in one JVM)."""
    global _spark_session
    if _spark_session is None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as err:  # pragma: no cover - depends on the install
            raise WarehouseError(
                "the Spark engine needs the 'spark' extra: pip install 'cakupan[spark]'"
            ) from err
        _spark_session = (
            SparkSession.builder.master(settings.spark_master)
            .appName("cakupan")
            .config("spark.driver.memory", settings.spark_memory)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate()
        )
        _spark_session.sparkContext.setLogLevel("ERROR")
    return _spark_session


def open_warehouse(settings: Settings) -> Warehouse:
    return Warehouse(settings)
