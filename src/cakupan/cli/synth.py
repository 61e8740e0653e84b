"""``cakupan synth``: the synthetic registry (no subcommand) and synthetic partner lists."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from cakupan.cli.common import (ENGINE_OPT, PERIOD_OPT, WAREHOUSE_OPT, Engine, check_period, console,
                                fail, open_wh, progress_bar)
from cakupan.reports.format import integer as n

app = typer.Typer(help="Synthetic data (never real people): the participant registry and employers "
                       "(without a subcommand), or a partner's list of people with its truth.")


class Kind(str, Enum):
    """The partner lists ``cakupan synth list`` makes (see :data:`cakupan.synth.lists.KINDS`)."""

    pkl = "pkl"
    nelayan = "nelayan"
    non_asn = "non-asn"
    village = "village"
    jkn = "jkn"


@app.callback(invoke_without_command=True)
def synth(
    ctx: typer.Context,
    scale: float = typer.Option(1.0, help="1.0 = the full Nov-2021 registry of Jateng & DIY "
                                          "(3,475,262 active workers); 0.01 = 1 %."),
    seed: int = typer.Option(7, help="Random seed; the same seed gives the same registry."),
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Generate a synthetic participant registry and employers, calibrated to Nov 2021.

    Replaces the participants and employers tables; keeps existing workforce figures
    (the shipped reference figures are loaded when the table is missing).
    `cakupan synth list` makes a partner's list instead.
    """
    if ctx.invoked_subcommand is not None:
        return
    from cakupan.synth import SynthConfig, build_warehouse

    if scale <= 0 or scale > 20:
        fail("--scale must be above 0 and at most 20 (1.0 = full size)")
    wh = open_wh(engine, warehouse)
    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task("sintesis", total=1.0)
        written = build_warehouse(wh, SynthConfig(scale=scale, seed=seed),
                                  progress=lambda step, frac: bar.update(task, completed=frac, description=step))
        bar.update(task, completed=1.0, description="selesai")
    for name, count in written.items():
        console.print(f"  {name:<14} {count:>12,} baris".replace(",", "."))
    console.print(f"Gudang data: {wh.settings.warehouse if wh.engine == 'duckdb' else wh.settings.spark_dir}"
                  f" ({time.perf_counter() - started:.1f} detik)")
    wh.close()


@app.command("list")
def synth_list(
    kind: Kind = typer.Option(..., "--kind", help="pkl (street vendors), nelayan (fishermen), "
                                  "non-asn (honorary staff), village (a village's informal workers) or jkn "
                                  "(a health-insurance extract)."),
    size: int = typer.Option(1000, "--size", min=1, help="Rows in the list (within-list duplicates included)."),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed and registry give the same list."),
    out: Path = typer.Option(..., "--out", "-o", dir_okay=False,
                             help="List file: .csv, .xlsx or .parquet; the truth goes beside it "
                                  "as <stem>.truth.csv."),
    period: str = PERIOD_OPT,
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """A synthetic partner list with its truth, drawn from the warehouse's participants.

    Some people on it are in the registry (active or lapsed), the rest are new; names, NIKs,
    dates and sexes carry realistic noise. The truth says who each row really is and their
    status in the period, to measure matching precision and recall.
    """
    from cakupan.synth.lists import PARTICIPANT_COLUMNS, make_list, noise_counts, write_list

    check_period(period)
    if out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        fail(f"--out {out.name}: write the list as .csv, .xlsx or .parquet")
    wh = open_wh(Engine.duckdb, warehouse, read_only=True)
    if not wh.has("participants"):
        wh.close()
        fail("gudang data belum berisi peserta; jalankan dulu: cakupan synth")
    table = wh.table("participants")
    participants = wh.to_arrow(table.select(*[c for c in PARTICIPANT_COLUMNS if c in table.columns]))
    wh.close()
    if participants.num_rows == 0:
        fail("tabel peserta kosong; jalankan dulu: cakupan synth")
    try:
        frame, truth = make_list(participants, kind.value, size, seed, period)
        out.parent.mkdir(parents=True, exist_ok=True)
        list_path, truth_path = write_list(frame, truth, out, kind.value)
    except ValueError as e:
        fail(str(e))
    in_registry = truth.filter("in_registry")
    status = dict(truth.group_by("status").len().iter_rows())
    duplicates = truth["duplicate_of"].is_not_null().sum()
    console.print(f"Daftar {kind.value}: {n(truth.height)} baris; {n(in_registry.height)} dari registri "
                  f"(aktif {n(status.get('ACTIVE', 0))}, tidak aktif {n(status.get('LAPSED', 0))}), "
                  f"{n(status.get('NOT_REGISTERED', 0))} belum terdaftar; {n(duplicates)} baris ganda")
    counts = noise_counts(truth)
    if counts:
        console.print("Derau: " + ", ".join(f"{k} {n(v)}" for k, v in counts.items()))
    console.print(f"Daftar:    {list_path}")
    console.print(f"Kebenaran: {truth_path}")


@app.command("jkn")
def synth_jkn(
    out: Path = typer.Option(..., "--out", "-o", dir_okay=False,
                             help="Extract file: .csv, .xlsx or .parquet; the truth goes beside it "
                                  "as <stem>.truth.csv."),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed and registry give the same extract."),
    period: str = PERIOD_OPT,
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """A synthetic BPJS Kesehatan (JKN) extract consistent with the warehouse's registry.

    Planted cases with their truth: employers registering part of their workers (PDS-TK) or
    of their wages (PDS-upah), employers not registered at all (PTD), informal PBPU members
    not in BPJamsostek (BPU leads), and rows without a usable NIK.
    """
    from cakupan.synth.jkn import CASES, case_counts, make_extract, write_extract

    check_period(period)
    if out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        fail(f"--out {out.name}: tulis ekstrak sebagai .csv, .xlsx atau .parquet")
    wh = open_wh(Engine.duckdb, warehouse, read_only=True)
    if not (wh.has("participants") and wh.has("employers")):
        wh.close()
        fail("gudang data belum berisi peserta dan pemberi kerja; jalankan dulu: cakupan synth")
    cols = ("kpj", "nik", "name", "birth_date", "sex", "village_code", "segment", "npp", "wage",
            "registered_date", "last_paid_month")
    participants = wh.to_arrow(wh.table("participants").select(*cols))
    employers = wh.to_arrow(wh.table("employers").select("npp", "name", "npwp", "regency_code"))
    wh.close()
    try:
        extract, truth = make_extract(participants, employers, period, seed)
        out.parent.mkdir(parents=True, exist_ok=True)
        path, truth_path = write_extract(extract, truth, out)
    except ValueError as e:
        fail(str(e))
    counts = case_counts(truth)
    console.print(f"Ekstrak JKN {period}: {n(truth.height)} baris; kasus: "
                  + ", ".join(f"{c} {n(counts[c])}" for c in CASES)
                  + f"; {n(int((~truth['nik_usable']).sum()))} baris tanpa NIK yang bisa dipakai")
    console.print(f"Ekstrak:   {path}")
    console.print(f"Kebenaran: {truth_path}")
