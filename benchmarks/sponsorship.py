"""Sponsorship planner benchmark: 1,000,000 candidates against the scale-1.0 registry,
quotas for all 40 regencies of Central Java and DIY.

Baseline (same run): a simple greedy in list order — take each eligible candidate as they
come in the file, skipping those whose regency quota is full, until the budget runs out.
The objective is the total priority score of the people protected; the plan must score at
least as much as the baseline and never spend more than the budget.

Run by benchmarks/run.py (needs its scale-1.0 warehouse) or alone:
``python benchmarks/sponsorship.py`` with BENCH_DIR / BENCH_SCALE as in run.py.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
from record import record

SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
OUT = Path(os.environ.get("BENCH_DIR", Path(__file__).resolve().parent / "out"))
WAREHOUSE = OUT / f"bench-{SCALE}.duckdb"
POOL = int(os.environ.get("BENCH_POOL", "1000000"))
BUDGET = 50_000_000_000  # Rp 50 billion: about 248,000 people for 12 months
MONTHS = 12


def candidate_pool(con, n: int, seed: int = 3) -> pa.Table:
    """90 % new people across both provinces, 10 % already-active registry members."""
    from cakupan.ingest.candidates import SCHEMA
    from cakupan.regions import children
    from cakupan.synth.people import make_people

    rng = np.random.default_rng(seed)
    villages = np.array(children("33", 4) + children("34", 4))
    districts = np.array(children("33", 3) + children("34", 3))
    fresh = make_people(rng, villages[rng.integers(0, len(villages), n - n // 10)], districts)
    known = pl.from_arrow(con.execute(
        f"select nik, name, birth_date, sex, village_code from participants "
        f"where last_paid_month = '2021-11' using sample {n // 10} rows (reservoir, 7)").to_arrow_table())
    df = pl.concat([fresh.select(known.columns), known]).sample(fraction=1.0, shuffle=True, seed=seed)
    occ = np.array(["pemulung", "nelayan", "buruh_tani", "pkl", "pedagang", "petani", "ojek", ""], dtype=object)
    df = df.with_columns(
        row=pl.int_range(pl.len(), dtype=pl.Int64) + 2,
        occupation=pl.Series(occ[rng.integers(0, len(occ), df.height)]).replace("", None),
        phone=pl.lit(None, pl.String),
        miskin=pl.Series(rng.random(df.height) < 0.2),
        disabilitas=pl.Series(rng.random(df.height) < 0.03),
    )
    return df.select([f.name for f in SCHEMA] + ["miskin", "disabilitas"]).to_arrow()


def main() -> None:
    import duckdb
    import ibis

    from cakupan import sponsorship as sp
    from cakupan.settings import load
    from cakupan.warehouse import open_warehouse

    raw = duckdb.connect(str(WAREHOUSE), read_only=True)
    pool = candidate_pool(raw, POOL)
    raw.close()
    wh = open_warehouse(load("duckdb", WAREHOUSE))
    regencies = sorted({v[:4] for v in pool["village_code"].to_pylist()})
    req = sp.PlanRequest(budget=BUDGET, months=MONTHS, start="2021-12", region="33,34",
                         cost_per_person=16_800 * MONTHS,
                         quotas={r: 9_000 for r in regencies})
    t = time.perf_counter()
    chosen = sp.select(sp.assess(ibis.memtable(pool), wh.table("participants"), req, "2021-11"), req)
    result = pl.from_arrow(wh.to_arrow(chosen.select("row", "nik", "village_code", "status", "score")))
    ours_s = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # baseline: list order, same eligibility and scores, quotas and budget honoured
    t = time.perf_counter()
    eligible = result.filter(~pl.col("status").is_in(["ACTIVE", "REGION", "AGE", "DUPLICATE"])).sort("row")
    taken, per_area, capacity = [], {}, req.capacity
    for row, village, score in eligible.select("row", "village_code", "score").iter_rows():
        if len(taken) == capacity:
            break
        area = village[:4]
        if per_area.get(area, 0) >= req.quotas.get(area, capacity):
            continue
        per_area[area] = per_area.get(area, 0) + 1
        taken.append(score)
    base_s = time.perf_counter() - t

    selected = result.filter(pl.col("status") == "SELECTED")
    ours_score, base_score = selected["score"].sum(), sum(taken)
    spent = selected.height * req.cost_per_person
    worst_area = selected.group_by(pl.col("village_code").str.slice(0, 4)).len()["len"].max()
    print(f"\n[sponsor] {POOL:,} candidates, {len(regencies)} regency quotas of 9,000, budget Rp {BUDGET:,}")
    print(f"[sponsor] cakupan plan: {ours_s:.2f} s (assess + select on DuckDB), peak {peak:,.0f} MB; "
          f"{selected.height:,} selected, Rp {spent:,} spent, largest regency {worst_area:,}")
    print(f"[sponsor] baseline: list-order greedy {base_s:.2f} s (after the same eligibility and scoring); "
          f"{len(taken):,} selected")
    print(f"[sponsor] objective (total priority score): cakupan {ours_score:,.1f} vs baseline "
          f"{base_score:,.1f} = {ours_score / base_score:.3f}x "
          f"({'OK' if ours_score >= base_score - 1e-6 else 'WORSE'}); budget respected: {spent <= BUDGET}")
    record("sponsor", "plan time", ours_s, "list-order greedy", base_s,
           extra={"candidates": POOL, "selected": selected.height, "peak_mb": peak})
    record("sponsor", "priority score", ours_score, "list-order greedy", base_score, unit="points",
           lower_is_better=False, goal=1.0, extra={"budget_respected": spent <= BUDGET})
    wh.close()


if __name__ == "__main__":
    main()
