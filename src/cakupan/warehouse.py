"""The only module that knows DuckDB or Spark: open a warehouse, read and write its tables.

One class per engine behind one interface, chosen by name (``ENGINES``):

- :class:`DuckDBWarehouse` (default) keeps every table in one file. Only one process may
  open it for writing (several may read when nobody writes); a second one waits a bounded
  time, naming the holder, then stops with :class:`WarehouseBusy` (see
  :mod:`cakupan.warehouse_lock`). Writes happen in transactions: :meth:`transaction` and
  :meth:`upsert` are the one implementation every importer uses.
- :class:`SparkWarehouse` reads and writes a directory of Parquet tables (one
  sub-directory per table); ``export_parquet`` on DuckDB copies a warehouse there.

A warehouse is a context manager: ``with open_warehouse(settings) as wh: ...`` closes it
whatever happens inside.
"""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from cakupan import warehouse_lock as lock
from cakupan.settings import Settings

_spark_session = None


class WarehouseError(RuntimeError):
    """A problem the user can fix (missing table, wrong path); the message says how."""


class WarehouseBusy(WarehouseError):
    """Another process holds the DuckDB file; the message names it and says what to do."""


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    """Incoming rows whose key matched a protected row (``protect``), left as it was."""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fetch(raw, sql: str, params: list | None = None) -> list[tuple]:
    """Execute and fetch everything (DuckDB 2.0 refuses a new execute() before that)."""
    return raw.execute(sql, params or []).fetchall()


def _no_table(name: str, hint: str) -> WarehouseError:
    return WarehouseError(f"gudang data belum punya tabel {name!r}: {hint}")


class Warehouse:
    """Tables by name on one engine, as Ibis expressions. Subclasses: one per engine."""

    engine: str = ""
    settings: Settings
    con: ibis.BaseBackend

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------
    def has(self, name: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def table(self, name: str) -> ibis.Table:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_arrow(self, expr: ibis.Expr) -> pa.Table:
        return self.con.to_pyarrow(expr)

    # -- writing -----------------------------------------------------------------------
    def replace(self, name: str, data: pa.Table) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _duckdb_only(self, what: str) -> WarehouseError:
        return WarehouseError(f"{what} ada di gudang DuckDB: jalankan tanpa --engine spark")

    def replace_where(self, name: str, data: pa.Table, where: str, params: list | None = None) -> None:
        raise self._duckdb_only("keputusan")

    def append(self, tables: dict[str, pa.Table]) -> None:
        raise self._duckdb_only("keputusan")

    def export_parquet(self, names: list[str] | None = None) -> list[str]:
        raise WarehouseError("ekspor membaca gudang DuckDB: jalankan tanpa --engine spark")

    def close(self) -> None:
        pass


class DuckDBWarehouse(Warehouse):
    """Every table in one DuckDB file; writes in transactions; one writing process."""

    engine = "duckdb"

    def __init__(self, settings: Settings, read_only: bool = False, purpose: str | None = None,
                 on_wait: Callable[[str], None] | None = None):
        self.settings = settings
        self.read_only = read_only
        path = Path(settings.warehouse)
        self._closed = True
        if read_only and not path.exists():
            # nothing to read yet: an empty in-memory warehouse, so each command says which
            # table is missing, without creating the file
            self.con = ibis.duckdb.connect(":memory:")
            self._closed = False
            return
        path.parent.mkdir(parents=True, exist_ok=True)

        def connect():
            return ibis.duckdb.connect(str(path), read_only=read_only)

        try:
            self.con = lock.retry_until(connect, path, settings.lock_wait, on_wait, WarehouseBusy)
        except WarehouseBusy:
            raise
        except Exception as e:  # a file DuckDB cannot open: say which and why, not how
            if type(e).__module__.split(".")[0] not in ("duckdb", "_duckdb"):
                raise
            raise WarehouseError(f"gudang data {path} tidak bisa dibuka: {str(e).splitlines()[0]}; "
                                 "periksa --warehouse (berkas DuckDB milik cakupan)") from e
        self._closed = False
        if not read_only:
            self._what = purpose or f"proses {Path(sys.argv[0]).name or 'python'}"
            lock.acquire(path, self._what)

    @classmethod
    def on_connection(cls, settings: Settings, con) -> "DuckDBWarehouse":
        """A warehouse over an Ibis connection the caller opened and owns (for example on a
        cursor of the database one server shares between its threads: each cursor reads a
        consistent snapshot while another writes). Closing it closes only that connection."""
        wh = cls.__new__(cls)
        wh.settings, wh.read_only, wh.con, wh._closed, wh._view = settings, False, con, False, True
        return wh

    @property
    def raw(self):
        """The DuckDB connection under Ibis (for SQL the warehouse layer does not cover)."""
        return self.con.con

    def has(self, name: str) -> bool:
        return name in self.con.list_tables()

    def table(self, name: str) -> ibis.Table:
        if not self.has(name):
            raise _no_table(name, "jalankan `cakupan synth` atau `cakupan import`")
        return self.con.table(name)

    # -- the one transaction and the one upsert ----------------------------------------
    @contextmanager
    def transaction(self, views: dict[str, pa.Table] | None = None) -> Iterator:
        """The raw DuckDB connection inside one transaction, with ``views`` registered;
        committed at the end, rolled back on any error (or interruption), views
        unregistered either way. A process killed inside it leaves nothing behind: DuckDB
        replays only committed transactions from its write-ahead log."""
        if self.read_only:
            raise WarehouseError("gudang data dibuka hanya untuk dibaca; perintah ini menulis")
        raw = self.raw
        views = views or {}
        for view, data in views.items():
            raw.register(view, data)
        try:
            fetch(raw, "BEGIN TRANSACTION")
            try:
                yield raw
                fetch(raw, "COMMIT")
            except BaseException:
                fetch(raw, "ROLLBACK")
                raise
        finally:
            for view in views:
                raw.unregister(view)

    def upsert(self, name: str, incoming: str, key: Sequence[str], columns: Sequence[str],
               protect: str | None = None) -> UpsertCounts:
        """Upsert view ``incoming`` into table ``name`` by ``key``, inside a transaction:
        new keys inserted, changed rows replaced, identical rows left. Rows of the table
        matching SQL predicate ``protect`` (on alias ``t``) are never replaced; incoming rows
        that meet one are counted as ``kept``. Keys compare with IS NOT DISTINCT FROM (empty
        key parts mean "all")."""
        raw, t = self.raw, quote(name)
        keymatch = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM i.{quote(k)}" for k in key)
        same = " AND ".join(f"t.{quote(c)} IS NOT DISTINCT FROM i.{quote(c)}"
                            for c in columns if c not in key) or "TRUE"
        free = f"NOT ({protect})" if protect else "TRUE"
        cols = ", ".join(quote(c) for c in columns)
        inserted, updated, unchanged, kept = fetch(raw, f"""
            SELECT count(*) FILTER (WHERE t._hit IS NULL),
                   count(*) FILTER (WHERE t._hit AND {free} AND NOT ({same})),
                   count(*) FILTER (WHERE t._hit AND {free} AND ({same})),
                   count(*) FILTER (WHERE t._hit AND NOT ({free}))
            FROM {incoming} i LEFT JOIN (SELECT *, TRUE AS _hit FROM {t}) t ON {keymatch}""")[0]
        fetch(raw, f"DELETE FROM {t} t USING {incoming} i WHERE {keymatch} AND {free} AND NOT ({same})")
        fetch(raw, f"INSERT INTO {t} ({cols}) SELECT {', '.join('i.' + quote(c) for c in columns)} "
                   f"FROM {incoming} i WHERE NOT EXISTS (SELECT 1 FROM {t} t WHERE {keymatch})")
        return UpsertCounts(int(inserted), int(updated), int(unchanged), int(kept))

    # -- writing -----------------------------------------------------------------------
    def replace(self, name: str, data: pa.Table) -> None:
        """Replace a whole table atomically with ``data``."""
        with self.transaction({"_cakupan_incoming": data}) as raw:
            fetch(raw, f"CREATE OR REPLACE TABLE {quote(name)} AS SELECT * FROM _cakupan_incoming")

    def replace_where(self, name: str, data: pa.Table, where: str, params: list | None = None) -> None:
        """Delete the rows of table ``name`` that match ``where`` and insert ``data`` (by
        column name), in one transaction; create the table from ``data`` if missing.
        ``where`` may name the incoming rows as ``incoming``."""
        if not self.has(name):
            self.replace(name, data)
            return
        with self.transaction({"incoming": data}) as raw:
            fetch(raw, f"DELETE FROM {quote(name)} WHERE {where}", params)
            fetch(raw, f"INSERT INTO {quote(name)} BY NAME SELECT * FROM incoming")

    def append(self, tables: dict[str, pa.Table]) -> None:
        """Append rows to several tables (created on first use) in one transaction."""
        views = {name: f"_cakupan_append_{i}" for i, name in enumerate(tables)}
        with self.transaction({view: tables[name] for name, view in views.items()}) as raw:
            for name, view in views.items():
                fetch(raw, f"CREATE TABLE IF NOT EXISTS {quote(name)} AS SELECT * FROM {view} LIMIT 0")
                fetch(raw, f"INSERT INTO {quote(name)} SELECT * FROM {view}")

    def export_parquet(self, names: list[str] | None = None) -> list[str]:
        """Copy tables to the Parquet directory the Spark engine reads."""
        out = self.settings.spark_dir
        out.mkdir(parents=True, exist_ok=True)
        done = []
        for name in names or self.con.list_tables():
            target = out / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            fetch(self.raw, f"COPY {quote(name)} TO '{(target / 'part-0.parquet').as_posix()}' "
                            "(FORMAT parquet)")
            done.append(name)
        return done

    def close(self) -> None:
        """Release the holder record and the file; safe to call twice."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        if not self.read_only and not getattr(self, "_view", False):
            lock.let_go(self.settings.warehouse)
        self.con.disconnect()


class SparkWarehouse(Warehouse):
    """A directory of Parquet tables read and written by a local Spark session."""

    engine = "spark"

    def __init__(self, settings: Settings, read_only: bool = False, purpose: str | None = None,
                 on_wait: Callable[[str], None] | None = None):
        self.settings = settings
        self.read_only = read_only
        session = spark_session(settings)
        self.con = ibis.pyspark.connect(session)
        settings.spark_dir.mkdir(parents=True, exist_ok=True)
        self._loaded: set[str] = set()

    def has(self, name: str) -> bool:
        return (self.settings.spark_dir / name).is_dir()

    def table(self, name: str) -> ibis.Table:
        if not self.has(name):
            raise _no_table(name, "jalankan `cakupan synth --engine spark` atau `cakupan warehouse export`")
        if name not in self._loaded:
            self.con.read_parquet(str(self.settings.spark_dir / name), table_name=name)
            self._loaded.add(name)
        return self.con.table(name)

    def replace(self, name: str, data: pa.Table) -> None:
        """Write ``data`` beside the table, then swap directories."""
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
        self._loaded.discard(name)  # the next read registers the new files


ENGINES: dict[str, type[Warehouse]] = {"duckdb": DuckDBWarehouse, "spark": SparkWarehouse}

SPARK_MISSING = ('Spark belum terpasang: pasang dengan `pip install -e ".[spark]"` '
                 "(atau `make install-dev`), lalu jalankan lagi")


def spark_session(settings: Settings):
    """One local Spark session per process (Spark cannot run two in one JVM)."""
    global _spark_session
    if _spark_session is None:
        try:
            import ibis.backends.pyspark  # noqa: F401 - the Ibis backend needs pyspark too
            from pyspark.sql import SparkSession
        except ImportError as err:
            raise WarehouseError(SPARK_MISSING) from err
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


def open_warehouse(settings: Settings, read_only: bool = False, purpose: str | None = None,
                   on_wait: Callable[[str], None] | None = None) -> Warehouse:
    """The warehouse of ``settings.engine``.

    DuckDB: ``read_only`` for commands that only read (several may run at once while
    nobody writes); ``purpose`` describes this process to others waiting for the file
    (e.g. ``"cakupan serve"``); while another process holds the file, ``on_wait`` gets one
    "menunggu…" sentence, and after ``settings.lock_wait`` seconds :class:`WarehouseBusy`
    says who holds it.
    """
    try:
        cls = ENGINES[settings.engine]
    except KeyError:
        raise WarehouseError(f"mesin {settings.engine!r} tidak dikenal: pilih {', '.join(ENGINES)}") from None
    return cls(settings, read_only=read_only, purpose=purpose, on_wait=on_wait)
