"""``cakupan lists``: partner lists of people, imported for matching against the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cakupan.cli_common import WAREHOUSE_OPT, Engine, console, fail, open_wh
from cakupan.reports.format import integer as n

app = typer.Typer(help="Partner lists (street vendors, fishermen, honorary staff, village lists, "
                       "JKN extracts): import them for matching against the participant registry.",
                  no_args_is_help=True)

NIK_PROBLEMS = {
    "empty": "NIK kosong", "mangled": "NIK rusak oleh spreadsheet (notasi ilmiah / .0)",
    "not_digits": "NIK bukan angka", "bad_length": "NIK bukan 16 digit",
    "unknown_province": "kode provinsi NIK tidak dikenal", "bad_regency": "kode kabupaten NIK 00",
    "bad_district": "kode kecamatan NIK 00", "bad_day": "tanggal lahir pada NIK salah",
    "bad_month": "bulan lahir pada NIK salah", "bad_date": "tanggal lahir pada NIK tidak ada",
    "bad_serial": "nomor urut NIK 0000",
}


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV (any delimiter, UTF-8 or Windows-1252), XLSX (every sheet) or Parquet"),
    source: str = typer.Option(..., "--source", help="A name for the list, e.g. pasar-johar-2022; a new file under the same name is a new version."),
    segment: Optional[str] = typer.Option(None, help="Segment the people would join, e.g. BPU."),
    occupation: Optional[str] = typer.Option(None, help="Occupation when the list has no column for it, e.g. nelayan."),
    columns: Optional[str] = typer.Option(None, help="Override the guessed columns: nik=NO_KTP,name=NAMA,birth_date=TGL_LAHIR,..."),
    sheet: Optional[str] = typer.Option(None, help="XLSX: only this sheet."),
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Import a partner's list: every row kept (usable ones for matching, the rest in quarantine
    with the reason); NIKs cleaned and checked, dates and sexes normalised."""
    from cakupan.ingest.readers import IngestError
    from cakupan.lists.columns import ColumnError, parse_overrides
    from cakupan.lists.importer import import_list

    wh = open_wh(Engine.duckdb, warehouse)
    try:
        report = import_list(wh, file, source, segment.upper() if segment else None, occupation,
                             parse_overrides(columns), sheet)
    except (IngestError, ColumnError) as e:
        fail(str(e))
    if report.already_imported:
        console.print(f"Berkas ini sudah pernah diimpor untuk daftar '{source}'; tidak ada perubahan.")
    console.print(f"{file.name} ({source}): dibaca {n(report.rows_read)} = diterima {n(report.accepted)} "
                  f"+ karantina {n(report.quarantined)}")
    if report.columns:
        console.print("Kolom: " + ", ".join(f"{k} ← {v}" for k, v in report.columns.items()))
    for code, count in sorted(report.nik_problems.items(), key=lambda kv: -kv[1]):
        console.print(f"  {NIK_PROBLEMS.get(code, code)}: {n(count)} baris (tetap disimpan; NIK-nya tidak dipakai)")
    if report.quarantined:
        console.print("Lihat alasannya: cakupan warehouse quarantine")
    wh.close()
