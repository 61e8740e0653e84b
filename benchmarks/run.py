"""`make bench`: cakupan against named baselines, measured in the same run.

1. Synthetic generation of the scale-1.0 registry (goal <= 30 s, peak <= 3 GB) against DuckDB
   filling a random table of the same rows and columns in one SQL statement.
2. Coverage cube (regency x segment x month, 2019-01..2021-11) through cakupan (Ibis on
   DuckDB) against one hand-written DuckDB SQL query over the same tables (goal <= 1.5x).
3. Coverage by province for 2021-11, the same way.
4. Potential by regency and pool, and the monthly registrations/lapses behind the
   performance report, against hand-written SQL (the realisation series is the cube).
5. Sponsorship plan for 1,000,000 candidates with quotas for all 40 regencies against a
   list-order greedy baseline (benchmarks/sponsorship.py).
6. The web application under 50 concurrent clients (p50/p95/p99, throughput, warm and cold
   cache, first page after an import) against the overview's in-process service call
   (benchmarks/web_load.py).
7. A 1,000,000-row noisy partner list matched end to end against Splink alone, with
   precision, recall and F1 against the list's truth (benchmarks/matching.py).
8. Matching quality on lists our generator did not make (a second noise model, FEBRL 1-4):
   precision, recall, F1 and blocking recall of cakupan against plain Splink, per corpus
   (benchmarks/matching_quality.py).
9. A 1,000,000-row registry snapshot and a 1,000,000-row partner list imported, rows per
   second and peak memory against DuckDB's read_csv into a table (benchmarks/import_speed.py).

8. The person-level NIK stage of the JKN reconciliation at national size (BENCH_NATIONAL=small
   by default, 6M x 23M; full = 60M x 230M) against a hand-written DuckDB anti-join and on
   Spark local[2], with a scaling series (benchmarks/reconcile_national.py).

Each stage runs in a fresh process so its peak memory (max RSS) is its own. Every stage
prints its ratio against its baseline with the machine's cores and memory
(benchmarks/record.py), and the run is written as JSON to benchmarks/out/bench-<time>.json
and latest.json: `python benchmarks/compare.py OLD.json NEW.json` compares two runs.
Environment: BENCH_SCALE (default 1.0), BENCH_REPEAT (default 3), BENCH_DIR (default
benchmarks/out).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import record  # noqa: E402  (benchmarks/record.py, beside this file)

SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
OUT = Path(os.environ.get("BENCH_DIR", Path(__file__).resolve().parent / "out"))
WAREHOUSE = OUT / f"bench-{SCALE}.duckdb"
FIRST, LAST = "2019-01", "2021-11"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


RANDOM_TABLE = """
create or replace table t as
select 10000000000 + i * 7919 as kpj_n, cast(kpj_n as varchar) as kpj,
       lpad(cast(3300000000000000 + (hash(i) % 999999999999) as varchar), 16, '0') as nik,
       list_extract(['Agus','Sri','Budi','Siti','Joko','Dewi'], 1 + (hash(i, 1) % 6)::int) || ' ' ||
       list_extract(['Santoso','Lestari','Wibowo','Rahayu'], 1 + (hash(i, 2) % 4)::int) as name,
       date '1957-01-01' + cast(hash(i, 3) % 17000 as int) as birth_date,
       case when hash(i, 4) % 100 < 42 then 'P' else 'L' end as sex,
       cast(3301000000 + hash(i, 5) % 99999999 as varchar) as village_code,
       list_extract(['PU','BPU','JAKON','PMI'], 1 + (hash(i, 6) % 4)::int) as segment,
       list_extract(['UMKM','INFORMAL','PROYEK'], 1 + (hash(i, 7) % 3)::int) as sub_segment,
       case when hash(i, 8) % 4 = 0 then 'pedagang' end as occupation,
       cast(10000000 + hash(i, 9) % 216000 as varchar) as npp,
       cast(1000000 + hash(i, 10) % 4000000 as bigint) as wage,
       'JKK,JKM' as programmes,
       date '2008-01-01' + cast(hash(i, 11) % 5000 as int) as registered_date,
       '2021-' || lpad(cast(1 + hash(i, 12) % 11 as varchar), 2, '0') as last_paid_month,
       'EMPLOYER' as sponsor_type
from range({n}) r(i) order by registered_date
"""


def stage_synth_baseline(queue, n: int) -> None:
    """The floor for generating the registry: DuckDB filling a table of the same rows and
    columns with hash-random values in one SQL statement (no calibration, no consistency
    between NIK, birth date and sex), sorted by registration date as the registry is."""
    import duckdb

    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    t = time.perf_counter()
    con.execute(RANDOM_TABLE.format(n=n))
    seconds = time.perf_counter() - t
    queue.put({"seconds": seconds, "peak_mb": _peak_mb(), "rows": con.execute("select count(*) from t").fetchone()[0]})


def stage_synth(queue) -> None:
    from cakupan.reference_tables import load_reference
    from cakupan.settings import load
    from cakupan.synth import SynthConfig, generate
    from cakupan.warehouse import open_warehouse

    t = time.perf_counter()
    tables = generate(SynthConfig(scale=SCALE, seed=7))
    gen = time.perf_counter() - t
    peak = _peak_mb()
    WAREHOUSE.unlink(missing_ok=True)
    wh = open_warehouse(load("duckdb", WAREHOUSE))
    t = time.perf_counter()
    for name, table in tables.items():
        wh.replace(name, table)
    load_reference(wh, replace=True)
    wh.close()
    queue.put({"generate_s": gen, "write_s": time.perf_counter() - t, "generate_peak_mb": peak,
               "rows": tables["participants"].num_rows})


def _time(fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEAT):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def stage_query(queue, which: str, how: str) -> None:
    import duckdb

    from coverage_sql import CUBE, FLOWS, POTENTIAL, PROVINCE

    from cakupan import coverage as cv
    from cakupan import performance as pf
    from cakupan import potential as pot
    from cakupan.settings import load
    from cakupan.synth.calendar import month_index
    from cakupan.warehouse import open_warehouse

    keys = {
        "cube": lambda r: (r["regency_code"], r["segment"], r["period"], r["participants"]),
        "province": lambda r: (r["region_code"], r["participants"], r["employed"]),
        "potential": lambda r: (r["region_code"], r["pool"], r["employed"], r["covered"], r["potential"]),
        "flows": lambda r: (r["period"], r["new"], r["lapsed"]),
    }
    if how == "cakupan":
        wh = open_warehouse(load("duckdb", WAREHOUSE))
        p, w, e = wh.table("participants"), wh.table("workforce"), wh.table("employers")
        expr = {"cube": lambda: cv.coverage_cube(p, FIRST, LAST),
                "province": lambda: cv.coverage_by_region(p, w, LAST, "province"),
                "potential": lambda: pot.potential_by_pool(p, e, w, LAST, "regency"),
                "flows": lambda: pf.monthly_flows(p, FIRST, LAST)}[which]()
        seconds, table = _time(lambda: wh.to_arrow(expr))
        rows = [keys[which](r) for r in table.to_pylist()]
    else:
        con = duckdb.connect(str(WAREHOUSE), read_only=True)
        lo, hi = month_index(FIRST), month_index(LAST)
        sql = {"cube": CUBE.format(lo=lo, hi=hi, first=FIRST),
               "province": PROVINCE.format(period=LAST, next_start=cv.next_month_start(LAST)),
               "potential": POTENTIAL.format(period=LAST, next_start=cv.next_month_start(LAST)),
               "flows": FLOWS.format(first=FIRST, last=LAST)}[which]
        seconds, rows = _time(lambda: con.execute(sql).fetchall())
        if which == "cube":
            rows = [(r[0], r[1], f"{r[2] // 12:04d}-{r[2] % 12 + 1:02d}", r[3]) for r in rows]
        elif which == "province":
            rows = [(r[0], r[1], r[2]) for r in rows]
        rows = [tuple(r) for r in rows]
    key = None
    result = sorted(map(key, rows)) if key else sorted(rows)
    queue.put({"seconds": seconds, "peak_mb": _peak_mb(), "result": result})


def stage_sponsor(queue) -> None:
    import sponsorship

    sponsorship.main()
    queue.put({})


def run(target, *args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(queue, *args))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cpus = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {cpus} cores, {mem:.0f} GiB, Python {platform.python_version()}; "
          f"scale {SCALE}, median of {REPEAT} runs")
    record.start()
    synth = run(stage_synth)
    floor = run(stage_synth_baseline, synth["rows"])
    print(f"\n[synth] {synth['rows']:,} memberships generated in {synth['generate_s']:.1f} s "
          f"(goal <= 30 s: {'OK' if synth['generate_s'] <= 30 else 'MISSED'}), "
          f"written in {synth['write_s']:.1f} s; peak memory {synth['generate_peak_mb']:,.0f} MB "
          f"(goal <= 3,000 MB: {'OK' if synth['generate_peak_mb'] <= 3000 else 'MISSED'})")
    record.record("synth", "generate", synth["generate_s"], "DuckDB random table of the same shape",
                  floor["seconds"], extra={"rows": synth["rows"], "peak_mb": synth["generate_peak_mb"],
                                           "write_s": synth["write_s"], "goal_s": 30,
                                           "baseline_peak_mb": floor["peak_mb"]})
    for which, goal in (("cube", 1.5), ("province", 1.5), ("potential", 1.5), ("flows", 1.5)):
        ours = run(stage_query, which, "cakupan")
        base = run(stage_query, which, "sql")
        same = ours["result"] == base["result"]
        print(f"\n[{which}] cakupan (Ibis on DuckDB) {ours['seconds']:.2f} s, peak {ours['peak_mb']:,.0f} MB; "
              f"baseline: hand-written DuckDB SQL {base['seconds']:.2f} s, peak {base['peak_mb']:,.0f} MB; "
              f"identical results: {same}")
        record.record(which, "query", ours["seconds"], "hand-written DuckDB SQL", base["seconds"], goal=goal,
                      extra={"identical": same, "peak_mb": ours["peak_mb"]})
        if not same:
            sys.exit(f"{which}: cakupan and the SQL baseline disagree")
    run(stage_sponsor)
    print("\n[web]")
    import web_load

    web_load.main(WAREHOUSE)
    print("\n[matching]")
    import matching

    matching.main()
    print("\n[matching quality]")
    import matching_quality

    matching_quality.main()
    print("\n[import]")
    import import_speed

    import_speed.main()
    print("\n[reconcile national]")
    import reconcile_national

    reconcile_national.main()
    path = record.finish({"scale": SCALE, "repeat": REPEAT})
    print(f"\nresults: {path} (compare two runs: python benchmarks/compare.py OLD NEW)")


if __name__ == "__main__":
    main()
