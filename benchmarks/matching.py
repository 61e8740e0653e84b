"""Partner-list matching benchmark: a 1,000,000-row noisy list against the scale-1.0 registry.

cakupan: import -> normalise -> NIK stage -> probabilistic stage (shipped Splink model) ->
outcomes, as ``cakupan lists import`` + ``cakupan lists match`` run it. The registry's
people index is built once per registry and reported on its own line.

Baseline (same run): Splink alone — the same list and the same normalised identity columns,
no NIK stage: the NIK is one more comparison and one more blocking rule, and the model is
trained the standard way on this data (u by random sampling, m by EM), then predicts;
each row takes its best pair above the same threshold.

Quality for both: precision, recall and F1 of the row -> registry-NIK links against the
truth written beside the list (``cakupan synth list``). Goals: F1 >= 0.995, cakupan <= 60 s
end to end on 2 cores, >= 5x faster than Splink alone at equal or better F1.

Run by benchmarks/run.py (needs its warehouse) or alone: ``python benchmarks/matching.py``
with BENCH_DIR / BENCH_SCALE as in run.py; BENCH_LIST sets the list size.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import shutil
import time
from pathlib import Path

import polars as pl

SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
OUT = Path(os.environ.get("BENCH_DIR", Path(__file__).resolve().parent / "out"))
WAREHOUSE = OUT / f"bench-{SCALE}.duckdb"
SIZE = int(os.environ.get("BENCH_LIST", "1000000"))
LIST = OUT / f"list-pkl-{SIZE}.csv"
PERIOD = "2021-11"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_list() -> None:
    import duckdb

    from cakupan.synth.lists import make_list as build, write_list

    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    parts = pl.from_arrow(con.execute("SELECT nik, name, birth_date, sex, village_code, segment, sub_segment, "
                                      "occupation, registered_date, last_paid_month FROM participants").to_arrow_table())
    con.close()
    frame, truth = build(parts, "pkl", SIZE, seed=11, period=PERIOD)
    write_list(frame, truth, LIST, kind="pkl")


def quality(links: pl.DataFrame) -> dict:
    """``links``: row_number, nik (linked registry NIK or null)."""
    truth = pl.read_csv(LIST.with_name(LIST.stem + ".truth.csv"),
                        schema_overrides={"person_nik": pl.String, "nik": pl.String})
    j = truth.join(links, on="row_number", how="left")
    linked = j.filter(pl.col("nik").is_not_null())
    tp = linked.filter(pl.col("nik") == pl.col("person_nik")).height
    fp = linked.height - tp
    fn = int(truth["in_registry"].sum()) - tp
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-12)}


def _copy(tag: str):
    from cakupan.settings import load
    from cakupan.warehouse import open_warehouse

    path = OUT / f"match-{tag}.duckdb"
    shutil.copy(WAREHOUSE, path)
    wh = open_warehouse(load("duckdb", path))
    for t in ("list_rows", "list_imports", "list_matches", "match_links", "match_people", "match_state",
              "match_reviews", "match_models", "quarantine"):
        if wh.has(t):
            wh.con.con.execute(f"DROP TABLE {t}")
    return wh, path


def stage_cakupan(queue) -> None:
    from cakupan.lists.importer import import_list
    from cakupan.lists.matcher import match_list, people_index

    wh, path = _copy("cakupan")
    t = time.perf_counter()
    people_index(wh)
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    imp = import_list(wh, LIST, "bench", "BPU", "pkl")
    import_s = time.perf_counter() - t
    t = time.perf_counter()
    report = match_list(wh, "bench", PERIOD)
    match_s = time.perf_counter() - t
    links = pl.from_arrow(wh.con.con.execute(
        "SELECT row_number, CASE WHEN decision = 'MATCH' THEN nik END AS nik FROM list_matches").fetch_arrow_table())
    wh.close()
    path.unlink()
    queue.put({"index_s": index_s, "import_s": import_s, "match_s": match_s, "rows": imp.rows_read,
               "stages": report.seconds, "residual": report.probabilistic_input, "pairs": report.pairs,
               "counts": report.counts, "peak_mb": _peak_mb(), **quality(links)})


def stage_splink(queue) -> None:
    import ibis

    from cakupan.lists.importer import import_list
    from cakupan.lists.matcher import Thresholds, _regions, people_index
    from cakupan.matching import outcomes as oc, people as pp, probabilistic as prob

    wh, path = _copy("splink")
    people, _ = people_index(wh)
    right = wh.to_arrow(people.select(*pp.IDENTITY))
    t = time.perf_counter()
    import_list(wh, LIST, "bench", "BPU", "pkl")
    import_s = time.perf_counter() - t
    t = time.perf_counter()
    rows = wh.table("list_rows")
    left = wh.to_arrow(pp.list_identity(rows, _regions(wh)))
    model = prob.train(left, right, blocking=prob.BLOCKING + prob.NIK_BLOCKING)
    train_s = time.perf_counter() - t
    th = Thresholds()
    pairs = prob.score(left, right, model, th.lower, blocking=prob.BLOCKING + prob.NIK_BLOCKING, prefilter=False)
    empty = ibis.memtable(pairs.schema.empty_table()).select(unique_id="unique_id", nik="person",
                                                              reason_code=ibis.literal("x"))
    links = oc.decide(ibis.memtable(left), empty.filter(ibis.literal(False)), ibis.memtable(pairs),
                      ibis.memtable({"unique_id": ["-"], "nik": ["-"], "decision": ["-"]}),
                      th.upper, th.lower, th.margin)
    by_row = rows.select("row_number", "row_key").join(
        links.filter(ibis._.decision == oc.MATCH).select(row_key="unique_id", nik="nik"), "row_key", how="left")
    got = pl.from_arrow(wh.to_arrow(by_row.select("row_number", "nik")))
    match_s = time.perf_counter() - t
    wh.close()
    path.unlink()
    queue.put({"import_s": import_s, "train_s": train_s, "match_s": match_s, "pairs": len(pairs),
               "peak_mb": _peak_mb(), **quality(got)})


def _run(target) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(q,))
    p.start()
    result = q.get()
    p.join()
    return result


def main() -> dict:
    if not WAREHOUSE.exists():
        raise SystemExit(f"{WAREHOUSE} is missing: run benchmarks/run.py (it builds the registry first)")
    t = time.perf_counter()
    if not LIST.exists():
        make_list()
    print(f"list: {SIZE:,} rows of kind pkl ({time.perf_counter() - t:.1f} s to make or find)")
    ours = _run(stage_cakupan)
    base = _run(stage_splink)
    ours_total = ours["import_s"] + ours["match_s"]
    base_total = base["import_s"] + base["match_s"]
    print(f"cakupan  end to end {ours_total:6.1f} s (import {ours['import_s']:.1f}, match {ours['match_s']:.1f}: "
          + ", ".join(f"{k} {v:.1f}" for k, v in ours["stages"].items())
          + f"); to the probabilistic stage {ours['residual']:,} identities, {ours['pairs']:,} pairs; "
          f"peak {ours['peak_mb']:,.0f} MB; registry people index {ours['index_s']:.1f} s (once per registry)")
    print(f"          precision {ours['precision']:.4f} recall {ours['recall']:.4f} F1 {ours['f1']:.4f} "
          f"(TP {ours['tp']:,} FP {ours['fp']:,} FN {ours['fn']:,}); outcomes {ours['counts']}")
    print(f"Splink alone {base_total:6.1f} s (import {base['import_s']:.1f}, train {base['train_s']:.1f}, "
          f"train + predict + best link {base['match_s']:.1f}); {base['pairs']:,} pairs; peak {base['peak_mb']:,.0f} MB")
    print(f"          precision {base['precision']:.4f} recall {base['recall']:.4f} F1 {base['f1']:.4f} "
          f"(TP {base['tp']:,} FP {base['fp']:,} FN {base['fn']:,})")
    print(f"speed-up vs Splink alone: {base_total / ours_total:.1f}x (goal >= 5x); "
          f"F1 {ours['f1']:.4f} vs {base['f1']:.4f} (goal >= 0.995 and >= baseline); "
          f"end to end {ours_total:.1f} s (goal <= 60 s)")
    return {"cakupan": ours, "splink": base}


if __name__ == "__main__":
    main()
