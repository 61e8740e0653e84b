"""The audit log: who saw or exported unmasked personal data, who deleted a list — append-only.

Each record carries the hash of the record before it, and its own hash over its fields and
that link, so a changed, removed or reordered record breaks the chain (``cakupan audit
verify``). The store itself refuses UPDATE and DELETE on the table (a trigger); there is no
code path that changes a record.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from cakupan.store import Store
from cakupan.store.models import AuditRecord

GENESIS = "0" * 64


def _digest(seq: int, at: datetime, username: str, action: str, route: str, filters: str, people: int,
            file_hash: str | None, prev: str) -> str:
    body = json.dumps([seq, at.isoformat(timespec="seconds"), username, action, route, filters, people,
                       file_hash, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Entry:
    seq: int
    at: datetime
    username: str
    action: str
    route: str
    filters: dict
    people: int
    file_hash: str | None


def record(store: Store, username: str, action: str, route: str, filters: dict | None = None,
           people: int = 0, data: bytes | None = None, at: datetime | None = None) -> int:
    """Append one record (``data``: the bytes sent, hashed); returns its sequence number.
    Concurrent writers retry on the sequence number, so none is lost."""
    text = json.dumps(filters or {}, ensure_ascii=False, sort_keys=True, default=str)
    digest = file_hash(data) if data is not None else None
    at = (at or datetime.now()).replace(microsecond=0)
    for attempt in range(50):
        try:
            with store.session() as s:
                if store.engine.dialect.name == "postgresql":  # one appender at a time keeps the chain
                    s.connection().exec_driver_sql("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
                last = s.execute(select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc())
                                 .limit(1)).first()
                seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
                s.add(AuditRecord(seq=seq, at=at, username=username, action=action, route=route[:300],
                                  filters=text, people=int(people), file_hash=digest, prev_hash=prev,
                                  hash=_digest(seq, at, username, action, route[:300], text, int(people),
                                               digest, prev)))
            return seq
        except (IntegrityError, OperationalError):
            time.sleep(0.01 * (attempt + 1))
    raise RuntimeError("catatan audit tidak bisa ditulis: basis data aplikasi sibuk")


def entries(store: Store, limit: int = 100, offset: int = 0, username: str | None = None,
            action: str | None = None) -> tuple[list[Entry], int]:
    """Newest first, with the total count."""
    with store.session() as s:
        q = select(AuditRecord)
        n = select(func.count()).select_from(AuditRecord)
        if username:
            q, n = q.where(AuditRecord.username == username), n.where(AuditRecord.username == username)
        if action:
            q, n = q.where(AuditRecord.action == action), n.where(AuditRecord.action == action)
        rows = s.scalars(q.order_by(AuditRecord.seq.desc()).limit(limit).offset(offset)).all()
        return [Entry(r.seq, r.at, r.username, r.action, r.route, json.loads(r.filters), r.people, r.file_hash)
                for r in rows], s.scalar(n)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    records: int
    problem: str | None = None
    seq: int | None = None


def verify(store: Store) -> Verdict:
    """Walk the chain from the first record: numbers without gaps, each record linked to the one
    before, each hash matching its fields."""
    prev, expected, count = GENESIS, 1, 0
    with store.session() as s:
        for r in s.scalars(select(AuditRecord).order_by(AuditRecord.seq)).yield_per(1000):
            count += 1
            if r.seq != expected:
                return Verdict(False, count, f"catatan {expected} hilang (berikutnya {r.seq})", expected)
            if r.prev_hash != prev:
                return Verdict(False, count, f"catatan {r.seq} tidak tersambung ke catatan sebelumnya", r.seq)
            if _digest(r.seq, r.at, r.username, r.action, r.route, r.filters, r.people, r.file_hash,
                       r.prev_hash) != r.hash:
                return Verdict(False, count, f"catatan {r.seq} sudah diubah", r.seq)
            prev, expected = r.hash, expected + 1
    return Verdict(True, count)


def to_csv(items: list[Entry]) -> str:
    """The log as CSV, formula-safe (a cell never starts with = + - @)."""
    from cakupan.reports.spreadsheet import csv_text

    return csv_text(["seq", "at", "username", "action", "route", "filters", "people", "file_hash"],
                    ([e.seq, e.at.isoformat(sep=" "), e.username, e.action, e.route,
                      json.dumps(e.filters, ensure_ascii=False), e.people, e.file_hash or ""] for e in items))
