"""``cakupan lists``: partner lists of people, imported for matching against the registry."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from cakupan.cli.common import (DELIMITER_OPT, ENCODING_OPT, FIELD_LIMIT_OPT, PERIOD_OPT, WAREHOUSE_OPT, Engine,
                                call, check_period, console, fail, progress_bar, warehouse_for)
from cakupan.reports.format import integer as n
from cakupan.services import EVERYONE
from cakupan.services import lists as svc

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
    source: str = typer.Option(..., "--source", help="A name for the list, e.g. pasar-johar-2022 (letters, digits, . _ -; at most 64); a new file under the same name is a new version."),
    segment: str | None = typer.Option(None, help="Segment the people would join, e.g. BPU."),
    occupation: str | None = typer.Option(None, help="Occupation when the list has no column for it, e.g. nelayan."),
    columns: str | None = typer.Option(None, help="Override the guessed columns: nik=NO_KTP,name=NAMA,birth_date=TGL_LAHIR,..."),
    sheet: str | None = typer.Option(None, help="XLSX: only this sheet (default: every sheet)."),
    encoding: str | None = ENCODING_OPT,
    delimiter: str | None = DELIMITER_OPT,
    field_limit: int | None = FIELD_LIMIT_OPT,
    replace: bool = typer.Option(False, "--replace", help="Import again as a new version even if this file was imported before."),
    warehouse: Path | None = WAREHOUSE_OPT,
) -> None:
    """Import a partner's list: every row kept (usable ones for matching, the rest in quarantine
    with the reason, a line that cannot be read too, with its line number); NIKs cleaned and
    checked, dates and sexes normalised. Prints rows read = accepted + quarantined + skipped."""
    with warehouse_for(Engine.duckdb, warehouse) as wh:
        report = call(svc.import_list, wh, EVERYONE, file, source, segment, occupation, columns, sheet, replace,
                      encoding, delimiter, field_limit)
    print_list_import(file, source, report)


def print_list_import(file: Path, source: str, report) -> None:
    """The summary of a list import: the counts that add up, how the file was read, the
    columns used, and each problem counted."""
    from cakupan.ingest.dates import DATE_REASONS
    from cakupan.ingest.reasons import reason_label

    if report.already_imported:
        console.print(f"Berkas ini sudah pernah diimpor untuk daftar '{source}'; tidak ada perubahan "
                      "(--replace untuk mengimpor ulang sebagai versi baru).")
    console.print(f"{file.name} ({source}): dibaca {n(report.rows_read)} = diterima {n(report.accepted)} "
                  f"+ karantina {n(report.quarantined)} + dilewati {n(report.skipped)}")
    for line in report.reading:
        console.print(f"  {line}")
    if report.columns:
        console.print("Kolom: " + ", ".join(f"{k} ← {v}" for k, v in report.columns.items()))
    for code, count in sorted(report.nik_problems.items(), key=lambda kv: -kv[1]):
        console.print(f"  {NIK_PROBLEMS.get(code, code)}: {n(count)} baris (tetap disimpan; NIK-nya tidak dipakai)")
    for code, count in report.date_problems.items():
        console.print(f"  tanggal lahir {DATE_REASONS.get(code, code).split(':')[0]}: {n(count)} baris")
    if report.date_rule:
        console.print(f"  Tanggal: hari dulu (DD-MM-YYYY); {report.date_rule}")
    for code, count in sorted(report.reasons.items(), key=lambda kv: -kv[1]):
        console.print(f"  karantina {reason_label(code)}: {n(count)} baris")
    if report.quarantined:
        console.print("Lihat alasannya: cakupan warehouse quarantine")


class LeadFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"


SOURCE_OPT = typer.Option(..., "--source", help="The list's name, as given to `lists import`.")


def _print_match(report) -> None:
    from cakupan.reports.leads_report import summary
    from cakupan.matching.outcomes import OUTCOMES

    console.print(summary(report.counts, report.source))
    for code, label in OUTCOMES.items():
        if report.counts.get(code):
            console.print(f"  {code:<18} {n(report.counts[code]):>10}  {label}")
    console.print(f"Identitas unik {n(report.identities)}: dipakai ulang {n(report.reused)}, "
                  f"cocok lewat NIK {n(report.nik_stage)}, ke tahap probabilistik "
                  f"{n(report.probabilistic_input)} ({n(report.pairs)} pasangan calon)")
    console.print("Waktu: " + ", ".join(f"{k} {v:.1f} dtk" for k, v in report.seconds.items()))


@app.command("match")
def match(
    source: str = SOURCE_OPT,
    period: str = PERIOD_OPT,
    upper: float = typer.Option(4.0, help="Match weight from which a probabilistic pair is a match."),
    lower: float = typer.Option(0.0, help="Match weight from which a pair goes to review."),
    model: str | None = typer.Option(None, "--model", help="Model to apply: an id from `lists train` or 'shipped' (default: the latest "
                                     "trained on this list; a list of 300 identities or more without one gets one "
                                     "trained on itself)."),
    warehouse: Path | None = WAREHOUSE_OPT,
) -> None:
    """Match the latest version of a list against the registry: NIK first (checked against
    name and birth date), then a Splink model for the rest; only new or changed rows are
    matched again. Every row gets ACTIVE, LAPSED, NOT_REGISTERED, NEEDS_REVIEW, INVALID or
    DUPLICATE_IN_LIST with a reason."""
    check_period(period)
    if lower > upper:
        fail("--lower must not be above --upper")
    with warehouse_for(Engine.duckdb, warehouse) as wh, progress_bar() as bar:
        task = bar.add_task("pencocokan", total=None)
        report = call(svc.match, wh, EVERYONE, source, period, upper, lower, model=model,
                      progress=lambda step: bar.update(task, description=step))
        bar.update(task, total=1, completed=1, description="selesai")
    _print_match(report)
    console.print(f"Berikutnya: cakupan lists leads --source {source} --format xlsx")


@app.command("leads")
def leads(
    source: str = SOURCE_OPT,
    format: LeadFormat = typer.Option(LeadFormat.xlsx, "--format", help="xlsx (a sheet per kind of lead) or csv."),
    out: Path | None = typer.Option(None, "--out", "-o", help="File to write (default: leads-SOURCE.xlsx|csv)."),
    show_pii: bool = typer.Option(False, "--show-pii", help="Write NIK, names, phones, birth dates and addresses unmasked (for field agents)."),
    warehouse: Path | None = WAREHOUSE_OPT,
) -> None:
    """Export the leads of a matched list — new registrations, reactivations, cases to
    review and rows to complete — grouped by regency, district and village."""
    from cakupan.lists import leads_export as ex

    with warehouse_for(Engine.duckdb, warehouse) as wh:
        result = call(svc.leads, wh, EVERYONE, source, show_pii)
    from cakupan.lists.importer import safe_file_part

    path = out or Path(f"leads-{safe_file_part(source)}.{format.value}")
    if format is LeadFormat.xlsx:
        ex.write_xlsx(result.rows, path, result.personal_data, result.summary, result.counts)
    else:
        ex.write_csv(result.rows, path, result.personal_data)
    console.print(result.summary)
    console.print(f"Ditulis: {path} ({n(len(result.rows))} baris prospek"
                  + ("" if result.personal_data else "; data pribadi disamarkan, tambahkan --show-pii untuk petugas") + ")")


@app.command("review")
def review(
    source: str = SOURCE_OPT,
    row: int | None = typer.Option(None, "--row", help="Row number in the list (as in the leads file)."),
    accept: bool = typer.Option(False, "--accept", help="Accept the proposed participant (or --nik) for this row."),
    reject: bool = typer.Option(False, "--reject", help="Never match this row to the proposed participant (or --nik)."),
    nik: str | None = typer.Option(None, "--nik", help="The participant's NIK, when not the proposed one."),
    note: str | None = typer.Option(None, "--note", help="Why (kept with the decision)."),
    warehouse: Path | None = WAREHOUSE_OPT,
) -> None:
    """Without --row: the rows waiting for review. With --row and --accept or --reject: a
    decision that every later run honours, then the list is matched again."""
    if row is None and (accept or reject):
        fail("--accept/--reject need --row N")
    if row is not None and accept == reject:
        fail("choose one: --accept or --reject")
    with warehouse_for(Engine.duckdb, warehouse) as wh:
        if row is None:
            _show_pending(call(svc.pending, wh, EVERYONE, source))
            return
        decided = call(svc.decide, wh, EVERYONE, source, row, accept, nik, note)
    console.print(f"Baris {row}: {'diterima' if accept else 'ditolak'} "
                  f"(NIK {mask(decided.nik)}); keputusan disimpan dan selalu dipakai.")
    _print_match(decided.rematch)


def mask(nik: str | None) -> str:
    from cakupan.reports.privacy import mask_nik
    return mask_nik(nik) or "-"


def _show_pending(rows: list[dict]) -> None:
    from rich.table import Table

    from cakupan.matching.outcomes import REASONS
    from cakupan.reports.privacy import mask_name

    if not rows:
        console.print("Tidak ada baris yang menunggu pemeriksaan.")
        return
    t = Table(title="Perlu diperiksa")
    for h in ("Baris", "Nama di daftar", "NIK calon", "Nama di registri", "Bobot", "Data yang sama", "Alasan"):
        t.add_column(h)
    for r in rows:
        t.add_row(str(r["row_number"]), mask_name(r["name"]) or "-", mask(r["nik"]),
                  mask_name(r["registry_name"]) or "-",
                  "-" if r["match_weight"] is None else f"{r['match_weight']:.1f}".replace(".", ","),
                  r["agreed"] or "-", REASONS.get(r["reason_code"], r["reason_code"] or ""))
    console.print(t)
    console.print("Putuskan: cakupan lists review --source NAMA --row N --accept | --reject")


@app.command("train")
def train(
    source: str = SOURCE_OPT,
    warehouse: Path | None = WAREHOUSE_OPT,
) -> None:
    """Train the probabilistic model on this list and the registry (u by random sampling,
    m by expectation maximisation) and keep it in the warehouse for later matches of this
    list; fields the list does not have (NIK, sex) keep the shipped model's weights."""
    with warehouse_for(Engine.duckdb, warehouse) as wh:
        model_id = call(svc.train, wh, EVERYONE, source)
    console.print(f"Model {model_id} disimpan di gudang data; pencocokan daftar {source} berikutnya memakainya "
                  f"(daftar lain: cakupan lists match --source NAMA --model {model_id}).")
