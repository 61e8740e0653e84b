"""The person-level NIK stage of the JKN reconciliation at national size.

Synthetic Parquet, written in chunks by DuckDB (never held in memory) and cached under
``<BENCH_DIR>/national-<size>/``: BPJamsostek participants and JKN members whose NIKs
overlap as nationally (most formal workers are in both). ``BENCH_NATIONAL`` picks the size:
``small`` (default) 6,000,000 x 23,000,000, ``full`` 60,000,000 x 230,000,000 (about
20 GB of disk and an hour on 2 cores; only when asked), ``tiny`` 600,000 x 2,300,000.

Measured, each in a fresh process: cakupan's person-level stage
(:func:`cakupan.reconcile.people.cases` on an exact NIK link, through Ibis on DuckDB), a
hand-written DuckDB anti-join of the same files (the baseline), and the same Ibis code on
Spark local[2]; all three must count the same cases. Then a scaling series at 1/8, 1/4,
1/2 and the whole size on both engines, printed as seconds per 10 M JKN rows.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import record  # noqa: E402

SIZES = {"tiny": (600_000, 2_300_000), "small": (6_000_000, 23_000_000), "full": (60_000_000, 230_000_000)}
SIZE = os.environ.get("BENCH_NATIONAL", "small")
OUT = Path(os.environ.get("BENCH_DIR", Path(__file__).resolve().parent / "out"))
PERIOD = "2021-11"
CHUNK = 5_000_000
FRACTIONS = (8, 4, 2, 1)
"""The scaling series: 1/8, 1/4, 1/2 and the whole of the JKN members (and participants)."""

PARTICIPANTS_SQL = """
select lpad(cast(3100000000000000 + i * 7 as varchar), 16, '0') as nik,
       case when hash(i, 1) % 100 < 64 then 'PU' when hash(i, 1) % 100 < 80 then 'BPU' else 'JAKON' end as segment,
       cast(10000000 + hash(i, 2) % 2000000 as varchar) as npp,
       cast(1800000 + hash(i, 3) % 6000000 as bigint) as wage,
       date '2010-01-01' + cast(hash(i, 4) % 4000 as int) as registered_date,
       case when hash(i, 5) % 100 < 62 then '2021-12' else '2020-' || lpad(cast(1 + hash(i, 6) % 12 as varchar), 2, '0') end
         as last_paid_month,
       (hash(i, 7) % 16)::int as part
from range({a}, {b}) r(i)
"""
# JKN member j: the first share are registry people (every 7th integer), the rest others
JKN_SQL = """
select j as row_number, cast(1000000000000 + j as varchar) as jkn_number,
       case when hash(j, 1) % 100 < {overlap} then lpad(cast(3100000000000000 + (hash(j, 2) % {p}) * 7 as varchar), 16, '0')
            else lpad(cast(9100000000000000 + j as varchar), 16, '0') end as nik,
       nik as nik_raw, 'NAMA' as name, date '1960-01-01' + cast(hash(j, 3) % 20000 as int) as birth_date,
       case when hash(j, 4) % 2 = 0 then 'L' else 'P' end as sex, '3374011001' as village_code,
       case when hash(j, 5) % 100 < 25 then 'PPU' when hash(j, 5) % 100 < 40 then 'PBPU'
            when hash(j, 5) % 100 < 90 then 'PBI' else 'BP' end as segment,
       case when segment = 'PPU' then cast(10000000 + hash(j, 6) % 2000000 as varchar) end as employer_id,
       'PT CONTOH' as employer_name, case when segment = 'PPU' then '3374' end as employer_regency,
       case when segment = 'PPU' then cast(1800000 + hash(j, 7) % 9000000 as bigint) end as wage,
       case when hash(j, 8) % 100 < 95 then 'AKTIF' else 'NONAKTIF' end as status, '{period}' as period,
       (hash(j, 9) % 16)::int as part
from range({a}, {b}) r(j)
"""


def data_dir() -> Path:
    return OUT / f"national-{SIZE}"


def generate() -> tuple[Path, float]:
    """Write (once) the two tables as Parquet, chunk by chunk, partitioned in 16 parts so
    that 1/8, 1/4 and 1/2 of them are whole files. Returns the directory and seconds."""
    import duckdb

    d = data_dir()
    if (d / "done").exists():
        return d, 0.0
    n_p, n_j = SIZES[SIZE]
    d.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    for name, sql, n in (("participants", PARTICIPANTS_SQL, n_p), ("jkn", JKN_SQL, n_j)):
        for k, a in enumerate(range(0, n, CHUNK)):
            q = sql.format(a=a, b=min(a + CHUNK, n), p=n_p, overlap=22, period=PERIOD)
            con.execute(f"COPY ({q}) TO '{d / name}' (FORMAT parquet, PARTITION_BY (part), "
                        f"FILENAME_PATTERN 'chunk{k}_{{i}}', OVERWRITE_OR_IGNORE)")
    (d / "done").write_text(f"{n_p} {n_j}\n")
    return d, time.perf_counter() - started


def files(table: str, fraction: int) -> list[str]:
    parts = [f"part={i}" for i in range(16 // fraction)]
    return sorted(str(f) for p in parts for f in (data_dir() / table / p).glob("*.parquet"))


def cakupan_counts(con, participants, jkn) -> dict:
    """The reconciliation's own person-level code on an exact NIK link: cases per type."""
    import ibis

    from cakupan.reconcile import people as ppl

    m = ppl.members(jkn, PERIOD)
    linked = m.select(unique_id=m.row_number.cast("string"), p_nik=m.nik, link=ibis.literal("nik"))
    employers = m.filter(m.employer_id.notnull()).select("employer_id").distinct()
    employers = employers.mutate(npp=employers.employer_id)
    people = ppl.cases(m, linked, employers, participants, PERIOD)
    out = con.to_pyarrow(people.group_by("case").aggregate(n=people.count())).to_pylist()
    return {r["case"]: r["n"] for r in out}


BASELINE_SQL = """
with m as (select * from jkn where period = '{period}' and status = 'AKTIF'),
act as (select * from participants where registered_date < date '{end}' and last_paid_month >= '{period}'),
pu as (select nik, max(wage) as w from act where segment = 'PU' and npp is not null group by nik),
pu_at as (select nik, npp, max(wage) as w from act where segment = 'PU' and npp is not null group by nik, npp),
c as (
  select case
    when m.segment = 'PPU' and not exists (select 1 from pu where pu.nik = m.nik) then 'PDS_TK'
    when m.segment = 'PPU' and m.wage > coalesce((select w from pu_at where pu_at.nik = m.nik and pu_at.npp = m.employer_id),
                                                 (select w from pu where pu.nik = m.nik)) * 1.1 then 'PDS_UPAH'
    when m.segment = 'PBPU' and m.birth_date <= date '2006-11-01' and m.birth_date > date '1956-11-01'
         and not exists (select 1 from act where act.nik = m.nik) then 'BPU_LEAD'
    else 'NONE' end as "case"
  from m)
select "case", count(*) as n from c group by 1
"""


def _measure(queue, engine: str, fraction: int) -> None:
    import ibis

    p_files, j_files = files("participants", fraction), files("jkn", fraction)
    started = time.perf_counter()
    if engine == "sql":
        import duckdb

        con = duckdb.connect()
        con.execute(f"CREATE VIEW participants AS SELECT * FROM read_parquet({p_files})")
        con.execute(f"CREATE VIEW jkn AS SELECT * FROM read_parquet({j_files})")
        rows = con.execute(BASELINE_SQL.format(period=PERIOD, end="2021-12-01")).fetchall()
        counts = dict(rows)
    elif engine == "duckdb":
        con = ibis.duckdb.connect()
        counts = cakupan_counts(con, con.read_parquet(p_files), con.read_parquet(j_files))
    else:
        from cakupan.settings import load
        from cakupan.warehouse import spark_session

        settings = load(engine="spark")
        session = spark_session(settings)
        con = ibis.pyspark.connect(session)
        load_s = time.perf_counter()
        session.read.parquet(*[f"file://{f}" for f in p_files]).createOrReplaceTempView("participants")
        session.read.parquet(*[f"file://{f}" for f in j_files]).createOrReplaceTempView("jkn")
        participants, jkn = con.table("participants"), con.table("jkn")
        started += time.perf_counter() - load_s  # registering the files is not the stage
        counts = cakupan_counts(con, participants, jkn)
    seconds = time.perf_counter() - started
    rows = sum(counts.values())
    queue.put({"seconds": seconds, "counts": {k: v for k, v in sorted(counts.items())}, "rows": rows,
               "peak_mb": record.peak_mb()})


def measure(engine: str, fraction: int = 1) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(queue, engine, fraction))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def _same(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "PTD"} == {k: v for k, v in b.items() if k != "PTD"}


def main() -> None:
    n_p, n_j = SIZES[SIZE]
    path, gen = generate()
    print(f"[reconcile national] size {SIZE}: {n_p:,} participants x {n_j:,} JKN members "
          f"({'generated in %.0f s' % gen if gen else 'cached'}, {path})")
    ours = measure("duckdb")
    base = measure("sql")
    spark = measure("spark")
    same = ours["counts"] == spark["counts"] and _same(ours["counts"], base["counts"])
    print(f"  cases: {ours['counts']}; identical on DuckDB, Spark and the SQL baseline: {same}")
    goal = 30.0 if SIZE == "full" else None
    record.record("reconcile_national", f"NIK stage {SIZE} on DuckDB", ours["seconds"],
                  "hand-written DuckDB anti-join", base["seconds"],
                  extra={"size": SIZE, "participants": n_p, "jkn": n_j, "peak_mb": ours["peak_mb"],
                         "baseline_peak_mb": base["peak_mb"], "identical": same, "goal_s": goal})
    record.record("reconcile_national", f"NIK stage {SIZE} on Spark local[2]", spark["seconds"],
                  "the same stage on DuckDB", ours["seconds"],
                  extra={"size": SIZE, "peak_mb_driver": spark["peak_mb"], "identical": same})
    if not same:
        sys.exit("reconcile national: DuckDB, Spark and the SQL baseline disagree")
    print("  scaling (seconds per 10 M JKN rows):")
    for fraction in FRACTIONS:
        rows = n_j // fraction
        row = {}
        for engine in ("duckdb", "spark"):
            got = ours if (fraction == 1 and engine == "duckdb") else spark if fraction == 1 else measure(engine, fraction)
            row[engine] = got["seconds"] / (rows / 1e7)
        print(f"    1/{fraction:<2} {rows:>12,} rows: DuckDB {row['duckdb']:6.2f} s, Spark {row['spark']:6.2f} s")
        record.record("reconcile_national", f"scaling 1/{fraction} {SIZE}", row["duckdb"],
                      "Spark local[2] per 10M rows", row["spark"], unit="s/10M rows", quiet=True,
                      extra={"rows": rows})


if __name__ == "__main__":
    main()
