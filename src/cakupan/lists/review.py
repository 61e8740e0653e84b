"""Review decisions and model training: the human side of matching.

A decision is kept per list identity (``row_key``) and NIK in ``match_reviews``: it holds
for every later version of the list and for any other list with the same person written
the same way. Recording one drops the cached link of that identity, so the next match
recomputes it with the decision applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import ibis
import pyarrow as pa

from cakupan.lists.importer import LIST_ROWS
from cakupan.lists.matcher import (
    LINKS,
    MATCHES,
    MIN_TRAIN,
    MODELS,
    PEOPLE,
    REVIEWS,
    MatchError,
    _regions,
    latest_import,
    people_index,
)
from cakupan.matching import people as pp
from cakupan.matching import probabilistic as prob


class ReviewError(ValueError):
    """A review that cannot be recorded as asked; the message says what to do."""


@dataclass
class Decided:
    nik: str
    period: str


def _row(wh, source: str, row: int) -> dict:
    import_id = latest_import(wh, source)
    if not wh.has(MATCHES):
        raise ReviewError(f"daftar '{source}' belum dicocokkan: jalankan dulu cakupan lists match --source {source}")
    got = wh.con.con.execute(
        f"SELECT m.row_key, m.nik, m.period, m.outcome FROM {MATCHES} m "
        "WHERE m.import_id = ? AND m.row_number = ?", [import_id, row]).fetchone()
    if not got:
        raise ReviewError(f"baris {row} tidak ada di versi terakhir daftar '{source}'")
    if got[0] is None:
        raise ReviewError(f"baris {row} ada di karantina (tanpa identitas yang bisa dicocokkan); "
                          "perbaiki di berkasnya lalu impor ulang")
    return {"row_key": got[0], "nik": got[1], "period": got[2], "outcome": got[3]}


def record(wh, source: str, row: int, decision: str, nik: str | None, note: str | None) -> Decided:
    """Keep ``accept`` or ``reject`` for list row ``row`` and a NIK (default: the one the
    last match linked or proposed)."""
    found = _row(wh, source, row)
    target = nik or found["nik"]
    if not target:
        raise ReviewError(f"baris {row} tidak punya calon peserta; sebutkan --nik")
    if decision == "accept":
        people_index(wh)
        if not wh.con.con.execute(f"SELECT count(*) FROM {PEOPLE} WHERE nik = ?", [target]).fetchone()[0]:
            raise ReviewError(f"NIK {target[:6]}… tidak ada di registri; periksa --nik")
    entry = pa.table({
        "unique_id": [found["row_key"]], "nik": [target], "decision": [decision], "note": [note],
        "source": [source], "row_number": pa.array([row], pa.int64()),
        "reviewed_at": pa.array([datetime.now(UTC).replace(tzinfo=None)], pa.timestamp("us")),
    })
    with wh.transaction({"_review": entry}) as raw:
        if wh.has(REVIEWS):
            raw.execute(f"DELETE FROM {REVIEWS} WHERE unique_id = ? AND nik = ?", [found["row_key"], target])
            if decision == "accept":  # one accepted participant per identity
                raw.execute(f"DELETE FROM {REVIEWS} WHERE unique_id = ? AND decision = 'accept'", [found["row_key"]])
            raw.execute(f"INSERT INTO {REVIEWS} BY NAME SELECT * FROM _review")
        else:
            raw.execute(f"CREATE TABLE {REVIEWS} AS SELECT * FROM _review")
        if wh.has(LINKS):
            raw.execute(f"DELETE FROM {LINKS} WHERE unique_id = ?", [found["row_key"]])
    return Decided(target, found["period"])


def pending(wh, source: str) -> list[dict]:
    """Rows of the latest version waiting for review, with the proposed participant."""
    import_id = latest_import(wh, source)
    if not wh.has(MATCHES):
        raise ReviewError(f"daftar '{source}' belum dicocokkan: jalankan dulu cakupan lists match --source {source}")
    return [dict(zip(("row_number", "name", "nik", "registry_name", "match_weight", "agreed", "reason_code"), r))
            for r in wh.con.con.execute(
                f"SELECT m.row_number, l.name, m.nik, p.name, m.match_weight, m.agreed, m.reason_code "
                f"FROM {MATCHES} m JOIN {LIST_ROWS} l ON l.import_id = m.import_id AND l.row_number = m.row_number "
                "LEFT JOIN (SELECT nik, name FROM participants QUALIFY row_number() OVER "
                "(PARTITION BY nik ORDER BY registered_date DESC, kpj DESC) = 1) p ON p.nik = m.nik "
                "WHERE m.import_id = ? AND m.outcome = 'NEEDS_REVIEW' ORDER BY m.row_number",
                [import_id]).fetchall()]


def train_model(wh, source: str, auto: bool = False) -> str:
    """EM-train the probabilistic model on ``source`` against the registry; keep it for
    this list (other lists use it only when asked: ``lists match --model ID``). Fields the
    list does not have keep the shipped model's weights. The id is a hash of the model, so
    training twice on the same data gives the same id (and one stored row). ``auto``: the
    training ``lists match`` does on its own for a list without a model."""
    import_id = latest_import(wh, source)
    people, _ = people_index(wh)
    rows = wh.table(LIST_ROWS).filter(ibis._.import_id == import_id)
    left = wh.to_arrow(pp.list_identity(rows, _regions(wh)))
    if len(left) < MIN_TRAIN:
        raise MatchError(f"daftar '{source}' terlalu kecil untuk melatih model ({len(left)} identitas; perlu ≥ {MIN_TRAIN})")
    right = wh.to_arrow(people.select(*pp.IDENTITY))
    sample_left, sample_right = prob.training_sample(left, right)
    model = prob.train(sample_left, sample_right, registry_size=len(right))
    model_id = prob.model_id(model)
    entry = pa.table({
        "model_id": [model_id], "source": [source], "model": [json.dumps(model, sort_keys=True)],
        "trained_at": pa.array([datetime.now(UTC).replace(tzinfo=None)], pa.timestamp("us")),
        "automatic": [auto]})
    with wh.transaction({"_model": entry}) as raw:
        if wh.has(MODELS):
            raw.execute(f"ALTER TABLE {MODELS} ADD COLUMN IF NOT EXISTS automatic BOOLEAN")
            raw.execute(f"DELETE FROM {MODELS} WHERE model_id = ? AND source = ?", [model_id, source])
            raw.execute(f"INSERT INTO {MODELS} BY NAME SELECT * FROM _model")
        else:
            raw.execute(f"CREATE TABLE {MODELS} AS SELECT * FROM _model")
    return model_id
