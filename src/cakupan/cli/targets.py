"""``cakupan targets``: import targets of active workers and the branch -> regency mapping,
cascade a provincial target to regencies, show the targets.

The use cases (import with cascade, writing cascaded rows) live in
:mod:`cakupan.services.targets`.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from cakupan import targets as tg
from cakupan.cli.common import (
    DELIMITER_OPT,
    ENCODING_OPT,
    ENGINE_OPT,
    LANG_OPT,
    WAREHOUSE_OPT,
    Engine,
    Fmt,
    Lang,
    call,
    console,
    emit,
    err,
    fail,
    open_wh,
    print_import,
    warehouse_for,
)
from cakupan.ingest.load import ImportReport, IngestError
from cakupan.reports import format as fmt
from cakupan.services import EVERYONE
from cakupan.services.targets import import_branches, import_targets
from cakupan.warehouse import WarehouseError

app = typer.Typer(help="Targets of active workers (target peserta aktif) per province, regency "
                       "or branch, segment and month: import, cascade to regencies, show.",
                  no_args_is_help=True)

class CascadeKey(str, Enum):
    employed = "employed"
    uncovered = "uncovered"


# -- commands --------------------------------------------------------------------------------

def _print_import(file: Path, report: ImportReport) -> None:
    print_import(file, report)
    if report.already_imported and report.reasons.get("unknown_branch"):
        console.print("Baris dengan cabang yang belum dikenal tetap di karantina: setelah "
                      "`cakupan targets branches FILE`, simpan baris itu sebagai berkas baru lalu impor.")


def _open(warehouse: Path | None):
    return open_wh(Engine.duckdb, warehouse)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, XLSX or Parquet file"),
    sheet: str | None = typer.Option(None, help="XLSX: only this sheet (default: every sheet)."),
    cascade: CascadeKey | None = typer.Option(
        None, "--cascade", help="Also split each PROVINCE target over its regencies by the share "
                                "of employed, or of uncovered (employed - active last month)."),
    encoding: str | None = ENCODING_OPT,
    delimiter: str | None = DELIMITER_OPT,
    warehouse: Path | None = WAREHOUSE_OPT,
) -> None:
    """Import targets: level (province/regency/branch), area_code, segment (ALL or PU, BPU,
    JAKON, PMI), period YYYY-MM, target active workers, optional source.

    Valid rows are upserted by (level, area_code, segment, period), the rest quarantined
    with reasons; prints rows read = accepted + quarantined. Branch targets need the branch
    in the branches table (`cakupan targets branches FILE`). Importing the same file again
    changes nothing.
    """
    wh = _open(warehouse)
    with err.status(f"Mengimpor {file.name} ...") as status:
        try:
            report, cascaded = import_targets(
                wh, file, sheet=sheet, cascade=cascade.value if cascade else None,
                progress=lambda msg: status.update(f"{file.name}: {msg}"), encoding=encoding,
                delimiter=delimiter)
        except (IngestError, WarehouseError, ValueError) as e:
            wh.close()
            fail(str(e))
    _print_import(file, report)
    if cascaded is not None:
        n = fmt.integer
        label = tg.KEY_LABELS[cascaded.key][0]
        console.print(
            f"Kaskade ({label}): {n(cascaded.rows)} target kabupaten/kota dari "
            f"{n(cascaded.provinces)} target provinsi (baru {n(cascaded.inserted)}; diperbarui "
            f"{n(cascaded.updated)}; sama {n(cascaded.unchanged)}; target impor dipertahankan "
            f"{n(cascaded.kept)})")
        for item in cascaded.skipped:
            console.print(f"  tidak diturunkan: provinsi {item} tidak punya bobot per kabupaten/kota")
    wh.close()


@app.command("branches")
def branches(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, XLSX or Parquet file"),
    sheet: str | None = typer.Option(None, help="XLSX: only this sheet (default: every sheet)."),
    encoding: str | None = ENCODING_OPT,
    delimiter: str | None = DELIMITER_OPT,
    warehouse: Path | None = WAREHOUSE_OPT,
) -> None:
    """Import the branch offices and the regencies each serves: branch_code (kode_cabang),
    branch_name (nama_cabang), regency_code; one row per branch and regency."""
    wh = _open(warehouse)
    with err.status(f"Mengimpor {file.name} ...") as status:
        try:
            report = import_branches(wh, file, sheet=sheet, encoding=encoding, delimiter=delimiter,
                                     progress=lambda msg: status.update(f"{file.name}: {msg}"))
        except IngestError as e:
            wh.close()
            fail(str(e))
    _print_import(file, report)
    wh.close()


@app.command("show")
def show(
    level: str | None = typer.Option(None, "--level", help="province/provinsi, regency/kabupaten, branch/cabang."),
    segment: str | None = typer.Option(None, "--segment", help="ALL (semua), PU, BPU, JAKON or PMI."),
    year: int | None = typer.Option(None, "--year", help="Only months of this year, e.g. 2021."),
    fmt_: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table, csv, json or xlsx"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file (xlsx needs it)."),
    lang: Lang = LANG_OPT, engine: Engine | None = ENGINE_OPT,
    warehouse: Path | None = WAREHOUSE_OPT,
) -> None:
    """Show the targets (imported and cascaded) with area names."""
    from cakupan.services import targets as svc

    with warehouse_for(engine, warehouse, read_only=True) as wh:
        result = call(svc.show, wh, EVERYONE, level, segment, year, lang.value)
    emit(result.report, fmt_, output, lang.value)
