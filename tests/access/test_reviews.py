"""Review decisions in the app store: many reviewers at once lose none; decisions of an older
warehouse are migrated, not dropped — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime

import pyarrow as pa

from cakupan.services import reviews


def test_ten_concurrent_reviewers_lose_no_decision(store):
    errors = []

    def reviewer(k: int) -> None:
        try:
            for i in range(20):
                reviews.keep(store, f"id-{k}-{i}", f"33740{k:02d}{i:09d}", "accept" if i % 2 else "reject",
                             None, "pasar", i + 1, f"pemeriksa{k}")
            # everyone also decides the same shared identity: one accept survives
            reviews.keep(store, "id-bersama", f"3374{k:012d}", "accept", None, "pasar", 999, f"pemeriksa{k}")
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=reviewer, args=(k,)) for k in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    kept = reviews.decisions(store)
    own = [d for d in kept if d["unique_id"] != "id-bersama"]
    assert len(own) == 200 and len({(d["unique_id"], d["nik"]) for d in own}) == 200
    shared = [d for d in kept if d["unique_id"] == "id-bersama"]
    assert len(shared) == 1 and shared[0]["decision"] == "accept"


def test_warehouse_decisions_are_migrated_and_the_copy_rebuilt(store, tmp_path):
    from cakupan.lists.matcher import REVIEWS
    from cakupan.settings import load
    from cakupan.warehouse import open_warehouse

    wh = open_warehouse(load("duckdb", tmp_path / "w.duckdb"))
    try:
        wh.replace(REVIEWS, pa.table({
            "unique_id": ["a", "b"], "nik": ["3374010101900001", "3374010101900002"],
            "decision": ["accept", "reject"], "note": [None, "bukan orangnya"], "source": ["lama", "lama"],
            "row_number": pa.array([3, 7], pa.int64()),
            "reviewed_at": pa.array([datetime(2022, 1, 5), datetime(2022, 1, 6)], pa.timestamp("us"))}))
        reviews.keep(store, "c", "3374010101900003", "accept", None, "baru", 1, "admin")
        migrated, kept = reviews.reconcile(store, wh)
        assert (migrated, kept) == (2, 3)
        assert {d["unique_id"]: d["reviewer"] for d in reviews.decisions(store)} == \
            {"a": "gudang-data", "b": "gudang-data", "c": "admin"}
        copy = wh.to_arrow(wh.table(REVIEWS)).to_pylist()
        assert {r["unique_id"] for r in copy} == {"a", "b", "c"}
        assert next(r for r in copy if r["unique_id"] == "b")["note"] == "bukan orangnya"
        assert reviews.reconcile(store, wh) == (0, 3)                  # idempotent
    finally:
        wh.close()
