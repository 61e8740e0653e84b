"""``cakupan reconcile``: reconciliation with BPJS Kesehatan (JKN) — import, run, read, export."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cakupan.cli.common import (ENGINE_OPT, PERIOD_OPT, WAREHOUSE_OPT, Engine, Fmt, call, console, emit,
                                warehouse_for)
from cakupan.reports.format import integer as n
from cakupan.services import EVERYONE
from cakupan.services import reconcile as svc

app = typer.Typer(help="Reconciliation with BPJS Kesehatan (JKN): employers that register only part of "
                       "their workers (PDS-TK) or of their wages (PDS-upah), employers not registered (PTD), "
                       "informal JKN members not protected (BPU leads).", no_args_is_help=True)

REGENCY_OPT = typer.Option(None, "--regency", "-r", help="Only this regency/city, e.g. 33.74.")
PII_OPT = typer.Option(False, "--show-pii", help="Show NIK, names and birth dates unmasked.")
FORMAT_OPT = typer.Option(Fmt.table, "--format", "-f", help="table, csv, json or xlsx.")
OUTPUT_OPT = typer.Option(None, "--output", "-o", help="Write to this file.")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JKN extract: CSV, XLSX or Parquet."),
    sheet: Optional[str] = typer.Option(None, help="XLSX: only this sheet."),
    replace: bool = typer.Option(False, "--replace", help="Import again even if this file was imported before."),
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Import a JKN extract (Indonesian or English headers): every row accepted or quarantined
    with its reason; NIKs and NPWPs checked; the periods it holds replace earlier rows."""
    with warehouse_for(Engine.duckdb, warehouse) as wh:
        r = call(svc.import_extract, wh, EVERYONE, file, sheet, replace)
    if r.already_imported:
        console.print("Berkas ini sudah pernah diimpor; tidak ada perubahan (--replace untuk mengimpor ulang).")
    console.print(f"{file.name}: dibaca {n(r.rows_read)} = diterima {n(r.accepted)} + karantina {n(r.quarantined)}"
                  + (f"; periode {', '.join(r.periods)}" if r.periods else ""))
    if r.bad_nik:
        console.print(f"  NIK tidak valid: {n(r.bad_nik)} baris (tetap disimpan; dicocokkan lewat nama dan tanggal lahir)")
    if r.bad_npwp:
        console.print(f"  NPWP tidak valid: {n(r.bad_npwp)} baris (tidak dipakai untuk mengaitkan pemberi kerja)")
    for code, count in r.reasons.items():
        console.print(f"  karantina {code}: {n(count)}")
    if r.quarantined:
        console.print("Lihat alasannya: cakupan warehouse quarantine")


def _print_summary(s) -> None:
    console.print(s.paragraph())
    console.print(f"Anggota JKN aktif {n(s.members)}; pekerja per kasus: "
                  + ", ".join(f"{k} {n(v)}" for k, v in sorted(s.counts.items()))
                  + "; pemberi kerja per kasus: " + ", ".join(f"{k} {n(v)}" for k, v in sorted(s.employers.items())))
    console.print("Dicocokkan: " + ", ".join(f"{ {'nik': 'lewat NIK', 'probabilistic': 'probabilistik', 'None': 'tidak ada di registri'}.get(k, k)} {n(v)}"
                                            for k, v in sorted(s.links.items())))


@app.command("run")
def run(
    period: str = PERIOD_OPT,
    threshold: float = typer.Option(0.10, help="A JKN wage more than this share above the BPJamsostek wage "
                                               "is under-reported (0.10 = 10 %)."),
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Reconcile the JKN members of a period with the registry: person level (NIK, then the
    probabilistic matcher), employers linked (NPWP, name + regency, workers), uncollected
    contribution per month by programme; results kept in the warehouse."""
    with warehouse_for(engine, warehouse) as wh:
        s = call(svc.run, wh, EVERYONE, period, threshold)
    _print_summary(s)


@app.command("employers")
def employers(
    period: str = PERIOD_OPT, regency: Optional[str] = REGENCY_OPT,
    case: Optional[str] = typer.Option(None, help="Only PDS_TK, PDS_UPAH or PTD."),
    limit: int = typer.Option(50, help="At most this many employers (0 = all)."),
    fmt: Fmt = FORMAT_OPT, output: Optional[Path] = OUTPUT_OPT,
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Employers ranked by estimated uncollected contribution per month."""
    with warehouse_for(engine, warehouse, read_only=True) as wh:
        result = call(svc.employers, wh, EVERYONE, period, regency, case, limit or None)
    emit(result.report, fmt, output, "id")


@app.command("people")
def people(
    period: str = PERIOD_OPT, regency: Optional[str] = REGENCY_OPT,
    employer: Optional[str] = typer.Option(None, "--employer", help="One employer's JKN code (KODE BADAN USAHA)."),
    case: Optional[str] = typer.Option(None, help="Only PDS_TK, PDS_UPAH, PTD or BPU_LEAD."),
    limit: int = typer.Option(200, help="At most this many people (0 = all)."),
    show_pii: bool = PII_OPT, fmt: Fmt = FORMAT_OPT, output: Optional[Path] = OUTPUT_OPT,
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """The people behind the findings, masked unless --show-pii."""
    with warehouse_for(engine, warehouse, read_only=True) as wh:
        result = call(svc.people, wh, EVERYONE, period, employer, case, regency, show_pii, limit or None)
    emit(result.report, fmt, output, "id")


@app.command("export")
def export(
    output: Path = typer.Option(..., "--output", "-o", dir_okay=False, help="XLSX file for the compliance team."),
    period: str = PERIOD_OPT, regency: Optional[str] = REGENCY_OPT, show_pii: bool = PII_OPT,
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """XLSX: summary paragraph, ranked employers, people (masked unless --show-pii) and the
    evidence of every rupiah (per person and programme line, with its regulation)."""
    from cakupan.cli.common import fail

    if output.suffix.lower() != ".xlsx":
        fail(f"--output {output.name}: tulis sebagai .xlsx")
    with warehouse_for(engine, warehouse, read_only=True) as wh:
        counts = call(svc.export, wh, EVERYONE, period, output, regency, show_pii)
    console.print(f"Ditulis: {output} (pemberi kerja {n(counts['employers'])}, pekerja {n(counts['people'])}, "
                  f"baris bukti iuran {n(counts['lines'])})")
