"""The app store: what people write (users, roles, sessions, API tokens, the audit chain,
review decisions, list ownership), in SQLAlchemy tables migrated by Alembic.

``CAKUPAN_DATABASE_URL`` names it (``postgresql+psycopg://…`` on a shared server); without
it, a SQLite file ``<warehouse stem>.app.sqlite`` beside the warehouse.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(RuntimeError):
    """The app store cannot be opened or migrated; the message says what to do."""


def store_url(warehouse: Path | str | None = None) -> str:
    """``CAKUPAN_DATABASE_URL``, else the SQLite file beside the warehouse."""
    url = os.environ.get("CAKUPAN_DATABASE_URL", "").strip()
    if url:
        return url
    wh = Path(warehouse or os.environ.get("CAKUPAN_WAREHOUSE", "cakupan.duckdb"))
    return f"sqlite:///{wh.parent / (wh.stem + '.app.sqlite')}"


class Store:
    """One app store: an engine, sessions, and its schema kept at the newest migration."""

    def __init__(self, url: str, migrate: bool = True):
        self.url = url
        kwargs: dict = {"future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except Exception as e:  # noqa: BLE001 - a malformed URL: say which variable
            raise StoreError(f"CAKUPAN_DATABASE_URL tidak bisa dipakai ({type(e).__name__}): "
                             "tulis misalnya postgresql+psycopg://user@host/db") from None
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except Exception as e:  # noqa: BLE001
            if isinstance(e, StoreError):
                raise
            raise StoreError(f"basis data aplikasi {self.safe_url} tidak bisa dibuka atau dimigrasi "
                             f"({type(e).__name__}); periksa CAKUPAN_DATABASE_URL") from None

    @property
    def safe_url(self) -> str:
        """The URL without a password."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self):
        """A unit of work: committed when the block ends, rolled back if it raises."""
        s: Session = self._sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def open_store(warehouse: Path | str | None = None, url: str | None = None) -> Store:
    return Store(url or store_url(warehouse))
