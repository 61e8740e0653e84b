"""Review decisions in the app store: the durable home of what reviewers decide, safe for many
reviewers at once (SQLite or PostgreSQL). The warehouse keeps a derived copy
(``match_reviews``) that matching reads; :func:`reconcile` brings the two together, so
decisions made in a warehouse before the app store existed are migrated, not dropped."""

from __future__ import annotations

import time
from datetime import datetime

import pyarrow as pa
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from cakupan.store import Store
from cakupan.store.models import ReviewDecision

COLUMNS = ("unique_id", "nik", "decision", "note", "source", "row_number", "reviewed_at")


def keep(store: Store, unique_id: str, nik: str, decision: str, note: str | None, source: str,
         row_number: int, reviewer: str, at: datetime | None = None) -> None:
    """One decision for a list identity and a NIK; an accept replaces any earlier accept of the
    identity. Retried when another reviewer writes the same identity at the same moment."""
    at = at or datetime.now().replace(microsecond=0)
    for attempt in range(50):
        try:
            with store.session() as s:
                if store.engine.dialect.name == "postgresql":  # one writer per identity at a time
                    s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "review:" + unique_id})
                s.execute(delete(ReviewDecision).where(ReviewDecision.unique_id == unique_id,
                                                       ReviewDecision.nik == nik))
                if decision == "accept":
                    s.execute(delete(ReviewDecision).where(ReviewDecision.unique_id == unique_id,
                                                           ReviewDecision.decision == "accept"))
                s.add(ReviewDecision(unique_id=unique_id, nik=nik, decision=decision, note=note, source=source,
                                     row_number=row_number, reviewer=reviewer, reviewed_at=at))
            return
        except (IntegrityError, OperationalError):
            time.sleep(0.01 * (attempt + 1))
    raise RuntimeError("keputusan pemeriksaan tidak bisa disimpan: basis data aplikasi sibuk")


def decisions(store: Store) -> list[dict]:
    with store.session() as s:
        return [{"unique_id": d.unique_id, "nik": d.nik, "decision": d.decision, "note": d.note,
                 "source": d.source, "row_number": d.row_number, "reviewed_at": d.reviewed_at,
                 "reviewer": d.reviewer} for d in s.scalars(select(ReviewDecision).order_by(ReviewDecision.id))]


def reconcile(store: Store, wh) -> tuple[int, int]:
    """Decisions only the warehouse has go into the store (reviewer ``gudang-data``); then the
    warehouse's copy is rebuilt from the store. Returns (migrated, kept). Idempotent."""
    from cakupan.lists.matcher import LINKS, REVIEWS

    have = {(d["unique_id"], d["nik"]) for d in decisions(store)}
    migrated = 0
    if wh.has(REVIEWS):
        for r in wh.to_arrow(wh.table(REVIEWS)).to_pylist():
            if (r["unique_id"], r["nik"]) in have:
                continue
            keep(store, r["unique_id"], r["nik"], r["decision"], r.get("note"), r.get("source") or "",
                 int(r.get("row_number") or 0), "gudang-data", r.get("reviewed_at"))
            migrated += 1
    rows = decisions(store)
    if not rows:
        return migrated, 0
    copy = pa.table({"unique_id": [r["unique_id"] for r in rows], "nik": [r["nik"] for r in rows],
                     "decision": [r["decision"] for r in rows], "note": [r["note"] for r in rows],
                     "source": [r["source"] for r in rows],
                     "row_number": pa.array([r["row_number"] for r in rows], pa.int64()),
                     "reviewed_at": pa.array([r["reviewed_at"] for r in rows], pa.timestamp("us"))})
    before = set()
    if wh.has(REVIEWS):
        before = {(r["unique_id"], r["nik"], r["decision"])
                  for r in wh.to_arrow(wh.table(REVIEWS).select("unique_id", "nik", "decision")).to_pylist()}
    changed = {r["unique_id"] for r in rows if (r["unique_id"], r["nik"], r["decision"]) not in before}
    with wh.transaction({"_reviews": copy}) as raw:
        raw.execute(f"CREATE OR REPLACE TABLE {REVIEWS} AS SELECT * FROM _reviews")
        if changed and wh.has(LINKS):  # links cached before a decision the warehouse did not know
            for uid in changed:
                raw.execute(f"DELETE FROM {LINKS} WHERE unique_id = ?", [uid])
    return migrated, len(rows)
