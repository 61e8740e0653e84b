"""Import speed and peak memory: a registry snapshot (participants CSV) and a partner list,
each through cakupan's importer against DuckDB's own ``read_csv`` of the same file into a
table (the floor: no validation, no quarantine, no line accounting), as ratios.

Each measurement runs in a fresh process (its peak RSS is its own). Sizes: IMPORT_REGISTRY_ROWS
(default 1,000,000; the issue's goal is 6,000,000 under 2 GB) and IMPORT_LIST_ROWS (default
1,000,000, goal under 1 GB). Files are made once in BENCH_DIR by DuckDB (synthetic rows:
valid NIKs whose birth date and sex agree, villages of Central Java).

    python benchmarks/import_speed.py
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import record  # noqa: E402

OUT = Path(os.environ.get("BENCH_DIR", Path(__file__).resolve().parent / "out"))
REGISTRY_ROWS = int(os.environ.get("IMPORT_REGISTRY_ROWS", "1000000"))
LIST_ROWS = int(os.environ.get("IMPORT_LIST_ROWS", "1000000"))
GOALS_MB = {"registry": 2000, "list": 1000}

PEOPLE = """
create or replace table people as
with v as (select row_number() over () - 1 as k, code from villages),
p as (
  select i, (select code from v where k = hash(i, 0) % (select count(*) from v)) as village_code,
         date '1960-01-01' + cast(hash(i, 1) % 16000 as int) as birth_date,
         case when hash(i, 2) % 100 < 45 then 'P' else 'L' end as sex
  from range({n}) r(i))
select i, village_code, birth_date, sex,
       substr(village_code, 1, 6)
       || lpad(cast(day(birth_date) + case when sex = 'P' then 40 else 0 end as varchar), 2, '0')
       || strftime(birth_date, '%m%y') || lpad(cast(1 + i % 9999 as varchar), 4, '0') as nik,
       list_extract(['Agus','Sri','Budi','Siti','Joko','Dewi','Ngadimin','Sukirno'], 1 + (hash(i, 3) % 8)::int)
       || ' ' || list_extract(['Santoso','Lestari','Wibowo','Rahayu','Prasetyo'], 1 + (hash(i, 4) % 5)::int) as name
from p
"""
REGISTRY = """
copy (select cast(10000000000 + i as varchar) as kpj, nik, name, strftime(birth_date, '%Y-%m-%d') as birth_date,
             sex, village_code, 'BPU' as segment, '' as sub_segment, 'pedagang' as occupation, '' as npp,
             cast(1000000 + hash(i, 5) % 4000000 as varchar) as wage, 'JKK,JKM' as programmes,
             '2019-03-15' as registered_date, '2021-10' as last_paid_month, 'SELF' as sponsor_type
      from people) to '{path}' (header, delimiter ',')
"""
LIST = """
copy (select cast(i + 1 as varchar) as "NO", name as "NAMA", nik as "NO KTP",
             strftime(birth_date, '%d-%m-%Y') as "TGL LAHIR", sex as "L/P", 'Miroto' as "DESA/KELURAHAN",
             '08' || lpad(cast(hash(i, 6) % 1000000000 as varchar), 10, '0') as "NO HP"
      from people) to '{path}' (header, delimiter ';')
"""


def make_files() -> tuple[Path, Path]:
    import duckdb

    from cakupan.regions import names

    OUT.mkdir(parents=True, exist_ok=True)
    reg, lst = OUT / f"import-registry-{REGISTRY_ROWS}.csv", OUT / f"import-list-{LIST_ROWS}.csv"
    con = duckdb.connect()
    villages = sorted(c for c in names() if len(c) == 10 and c.startswith("33"))[::20]
    con.execute("create table villages(code varchar)")
    con.executemany("insert into villages values (?)", [[c] for c in villages])
    for path, n, sql in ((reg, REGISTRY_ROWS, REGISTRY), (lst, LIST_ROWS, LIST)):
        if not path.exists():
            con.execute(PEOPLE.format(n=n))
            con.execute(sql.format(path=path))
    con.close()
    return reg, lst


def measure(queue, kind: str, how: str, path: str) -> None:
    t = time.perf_counter()
    if how == "duckdb":
        import duckdb

        con = duckdb.connect(str(OUT / f"floor-{kind}.duckdb"))
        con.execute(f"create or replace table t as select * from read_csv('{path}', all_varchar = true)")
        rows = con.execute("select count(*) from t").fetchone()[0]
        con.close()
    else:
        from cakupan.settings import load
        from cakupan.warehouse import open_warehouse

        target = OUT / f"import-{kind}.duckdb"
        target.unlink(missing_ok=True)
        with open_warehouse(load("duckdb", target)) as wh:
            if kind == "registry":
                from cakupan.ingest.load import import_file

                r = import_file(wh, "participants", path, replace=True)
            else:
                from cakupan.lists.importer import import_list

                r = import_list(wh, path, "bench", replace=True)
        rows = r.rows_read
        assert r.rows_read == r.accepted + r.quarantined + r.skipped
    seconds = time.perf_counter() - t
    queue.put({"rows": rows, "seconds": seconds, "peak_mb": record.peak_mb()})


def run(kind: str, how: str, path: Path) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=measure, args=(queue, kind, how, str(path)))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def main() -> None:
    reg, lst = make_files()
    for kind, path in (("registry", reg), ("list", lst)):
        ours, floor = run(kind, "cakupan", path), run(kind, "duckdb", path)
        rate, floor_rate = ours["rows"] / ours["seconds"], floor["rows"] / floor["seconds"]
        print(f"\n[import {kind}] {ours['rows']:,} rows: cakupan {ours['seconds']:.1f} s "
              f"({rate:,.0f} rows/s), peak {ours['peak_mb']:,.0f} MB (goal <= {GOALS_MB[kind]:,} MB: "
              f"{'OK' if ours['peak_mb'] <= GOALS_MB[kind] else 'MISSED'}); DuckDB read_csv into a table "
              f"{floor['seconds']:.1f} s ({floor_rate:,.0f} rows/s), peak {floor['peak_mb']:,.0f} MB")
        record.record(f"import-{kind}", "rows per second", rate, "DuckDB read_csv into a table", floor_rate,
                      unit="rows/s", lower_is_better=False, extra={"rows": ours["rows"]})
        record.record(f"import-{kind}", "peak memory", ours["peak_mb"], "DuckDB read_csv into a table",
                      floor["peak_mb"], unit="MB", extra={"goal_mb": GOALS_MB[kind]})


if __name__ == "__main__":
    main()
