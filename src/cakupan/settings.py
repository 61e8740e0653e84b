"""Where the warehouse lives and which engine runs it (``CAKUPAN_*`` environment variables)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Settings:
    """Runtime settings; every field can be set by an environment variable."""

    warehouse: Path
    """DuckDB warehouse file (``CAKUPAN_WAREHOUSE``, default ``./cakupan.duckdb``)."""
    engine: str
    """``duckdb`` (default) or ``spark`` (``CAKUPAN_ENGINE``)."""
    spark_dir: Path
    """Parquet directory the Spark engine reads and writes (``CAKUPAN_SPARK_DIR``,
    default: the warehouse path with ``.parquet`` instead of ``.duckdb``)."""
    spark_master: str
    """Spark master URL (``CAKUPAN_SPARK_MASTER``, default ``local[2]``)."""
    spark_memory: str
    """Spark driver memory (``CAKUPAN_SPARK_MEMORY``, default ``4g``)."""
    lock_wait: float = 30.0
    """Seconds a command waits for another process that holds the DuckDB warehouse before
    it stops with a sentence naming that process (``CAKUPAN_LOCK_WAIT``, default 30)."""


def load(engine: str | None = None, warehouse: str | Path | None = None) -> Settings:
    """Settings from explicit arguments, then the environment, then defaults."""
    wh = Path(warehouse or os.environ.get("CAKUPAN_WAREHOUSE", "cakupan.duckdb"))
    eng = (engine or os.environ.get("CAKUPAN_ENGINE", "duckdb")).lower()
    if eng not in ENGINES:
        raise ValueError(f"unknown engine {eng!r}: choose one of {', '.join(ENGINES)}")
    spark_dir = Path(os.environ.get("CAKUPAN_SPARK_DIR", wh.with_suffix(".parquet")))
    return Settings(
        warehouse=wh,
        engine=eng,
        spark_dir=spark_dir,
        spark_master=os.environ.get("CAKUPAN_SPARK_MASTER", "local[2]"),
        spark_memory=os.environ.get("CAKUPAN_SPARK_MEMORY", "4g"),
        lock_wait=_seconds(os.environ.get("CAKUPAN_LOCK_WAIT")),
    )


def _seconds(text: str | None, default: float = 30.0) -> float:
    if not text:
        return default
    try:
        return max(0.0, float(text.replace(",", ".")))
    except ValueError:
        raise ValueError(f"CAKUPAN_LOCK_WAIT harus berupa detik (mis. 30), bukan {text!r}") from None
