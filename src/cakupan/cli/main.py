"""The ``cakupan`` command: parse, call the core, render. Indonesian by default."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from cakupan import __version__
from cakupan import coverage as cov
from cakupan.cli.common import (ENGINE_OPT, LANG_OPT, PERIOD_OPT, WAREHOUSE_OPT, Engine, Fmt, Lang,
                                check_period, console, emit, err, fail, open_wh, print_import)
from cakupan.cli.errors import SafeGroup
from cakupan.warehouse import WarehouseError

app = typer.Typer(cls=SafeGroup,
    help="cakupan: cakupan kepesertaan BPJS Ketenagakerjaan — coverage of employment social "
         "security by region, segment and month. Warehouse: CAKUPAN_WAREHOUSE "
         "(default ./cakupan.duckdb); engine: --engine duckdb|spark.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
warehouse_app = typer.Typer(help="Inspect the warehouse or copy it for the Spark engine.",
                            no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")


def _register_subcommands() -> None:
    from cakupan.cli import analysis as cli_analysis
    from cakupan.cli import iuran as cli_iuran
    from cakupan.cli import lists as cli_lists
    from cakupan.cli import sponsor as cli_sponsor
    from cakupan.cli import synth as cli_synth
    from cakupan.cli import targets as cli_targets

    app.add_typer(cli_synth.app, name="synth")
    app.command("potential")(cli_analysis.potential)
    app.command("performance")(cli_analysis.performance)
    app.add_typer(cli_iuran.app, name="iuran")
    app.add_typer(cli_sponsor.app, name="sponsor")
    app.add_typer(cli_targets.app, name="targets")
    app.add_typer(cli_lists.app, name="lists")


_register_subcommands()


class By(str, Enum):
    province = "province"
    regency = "regency"
    segment = "segment"


class Table(str, Enum):
    participants = "participants"
    employers = "employers"
    workforce = "workforce"


@app.callback(invoke_without_command=True)
def main(version: bool = typer.Option(False, "--version", help="Show the version."),
         debug: bool = typer.Option(False, "--debug", envvar="CAKUPAN_DEBUG",
                                    help="Show the full traceback of an unexpected error.")) -> None:
    if version:
        console.print(f"cakupan {__version__}")
        raise typer.Exit()


@app.command("import")
def import_(
    table: Table = typer.Argument(..., help="participants, employers or workforce"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, XLSX or Parquet file"),
    sheet: Optional[str] = typer.Option(None, help="XLSX: only this sheet (default: every sheet)."),
    replace: bool = typer.Option(False, "--replace", help="Import again even if this file was imported before."),
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Import a file: valid rows into the table, the rest into quarantine with reasons.

    Prints rows read = accepted + quarantined. A failed or interrupted import changes
    nothing; importing the same file again changes nothing (unless --replace).
    """
    from cakupan.ingest.load import IngestError, import_file

    wh = open_wh(Engine.duckdb, warehouse)
    with err.status(f"Mengimpor {file.name} ...") as status:
        try:
            report = import_file(wh, table.value, file, sheet=sheet, replace=replace,
                                 progress=lambda msg: status.update(f"{file.name}: {msg}"))
        except IngestError as e:
            fail(str(e))
    print_import(file, report)
    wh.close()


def registry(wh):
    """Participants plus committed sponsored cohorts (decision tables), when there are any."""
    from cakupan.cohorts import registry_of

    return registry_of(wh)


def _region_rows(wh, period: str, level: str, within: Optional[str]):
    from cakupan import regions

    p, w = registry(wh), wh.table("workforce")
    records = wh.to_arrow(cov.coverage_by_region(p, w, period, level, within)).to_pylist()
    if not records:
        fail(f"no active participants or workforce figures for {period}"
             + (f" in region {within}" if within else ""))
    rows = cov.with_total(cov.rows_from(records))
    wf = wh.to_arrow(cov.latest_workforce(w, period, level)).to_pylist()
    sources = {}
    src = wh.to_arrow(w.select("region_code", "period", "source")).to_pylist()
    for r in wf:
        match = next((s["source"] for s in src if s["region_code"] == r["region_code"]
                      and s["period"] == r["workforce_period"]), None)
        if match and (not within or r["region_code"].startswith(within)):
            sources[r["region_code"]] = match
    return rows, regions.names(), sources


@app.command()
def coverage(
    period: str = PERIOD_OPT,
    by: By = typer.Option(By.province, "--by", help="province, regency or segment"),
    region: Optional[str] = typer.Option(None, help="Only this province or regency, e.g. 33 or 33.74."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table, csv, json or xlsx"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (xlsx needs it)."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Also draw a ranked bar chart: out.png or out.html."),
    lang: Lang = LANG_OPT, engine: Optional[Engine] = ENGINE_OPT,
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Coverage: active distinct workers ÷ employed (and ÷ labour force), with a total row."""
    from cakupan.regions import undotted
    from cakupan.reports.coverage_report import region_report, segment_report

    check_period(period)
    within = undotted(region) if region else None
    wh = open_wh(engine, warehouse, read_only=True)
    try:
        if by is By.segment:
            rows, _, _ = _region_rows(wh, period, "province", within[:2] if within else None)
            records = wh.to_arrow(cov.coverage_by_segment(registry(wh), period, within)).to_pylist()
            employed = rows[-1].employed if not within or len(within) == 2 else None
            report = segment_report(records, employed, period, lang.value)
        else:
            rows, names, sources = _region_rows(wh, period, by.value, within)
            report = region_report(rows, names, period, by.value, sources, lang.value)
    except WarehouseError as e:
        fail(str(e))
    emit(report, fmt, output, lang.value)
    if chart and by is not By.segment:
        from cakupan.cli.analysis import coverage_chart

        coverage_chart(report, chart, lang.value)
    wh.close()


@app.command()
def brief(period: str = PERIOD_OPT, lang: Lang = LANG_OPT, engine: Optional[Engine] = ENGINE_OPT,
          warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """A press-ready paragraph on coverage, in Indonesian (--lang en for English)."""
    from cakupan.reports.brief import coverage_brief

    check_period(period)
    wh = open_wh(engine, warehouse, read_only=True)
    try:
        rows, names, _ = _region_rows(wh, period, "province", None)
    except WarehouseError as e:
        fail(str(e))
    console.print(coverage_brief(rows, names, period, lang.value), soft_wrap=False)
    for paragraph in _more_paragraphs(wh, period, lang.value):
        console.print()
        console.print(paragraph, soft_wrap=False)
    wh.close()


def _more_paragraphs(wh, period: str, lang: str) -> list[str]:
    """Potential and performance paragraphs, when the warehouse has what they need."""
    from cakupan.cli import analysis as cli_analysis
    from cakupan.reports.brief import performance_brief, potential_brief

    out = []
    if wh.has("employers"):
        try:
            pools = cli_analysis.potential_rows(wh, period, "segment")
            sectors = cli_analysis.potential_rows(wh, period, "sector")
            out.append(potential_brief(pools, sectors, lang))
        except typer.Exit:
            pass
    rows, status, _ = cli_analysis.performance_rows(wh, int(period[:4]), None, None)
    rows = [r for r in rows if r["period"] <= period]
    text = performance_brief(rows, status if rows and rows[-1]["period"][5:] == "12" else None, lang)
    return out + ([text] if text else [])


@warehouse_app.command("info")
def warehouse_info(engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Tables and their row counts."""
    wh = open_wh(engine, warehouse, read_only=True)
    for name in ("participants", "employers", "workforce", "regions", "quarantine", "imports"):
        if wh.has(name):
            n = wh.to_arrow(wh.table(name).count().as_table()).column(0)[0].as_py()
            console.print(f"  {name:<14} {n:>12,}".replace(",", "."))
    wh.close()


@warehouse_app.command("check")
def warehouse_check(warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Check the warehouse's invariants: import counts add up, no orphan rows, every table
    keeps its contract, region codes resolve. Each breach in words; exit code 1 if any."""
    from cakupan.warehouse_check import check

    wh = open_wh(Engine.duckdb, warehouse, read_only=True)
    result = check(wh)
    for breach in result.breaches:
        console.print(f"  [red]✗[/] {breach.message}", highlight=False)
    if result.ok:
        console.print(f"Gudang data sehat: {result.checks} pemeriksaan lulus.")
        return
    console.print(f"{len(result.breaches)} pelanggaran dari {result.checks} pemeriksaan.")
    raise typer.Exit(1)


@warehouse_app.command("reference")
def warehouse_reference(warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Reload the shipped reference figures (regions, workforce and its estimated splits),
    replacing the regions and workforce tables."""
    from cakupan.reference_tables import load_reference

    wh = open_wh(Engine.duckdb, warehouse)
    for name, n in load_reference(wh, replace=True).items():
        console.print(f"  {name:<14} {n:>12,}".replace(",", "."))
    wh.close()


@warehouse_app.command("export")
def warehouse_export(warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Copy the DuckDB warehouse to the Parquet directory the Spark engine reads
    (CAKUPAN_SPARK_DIR, default: the warehouse path with .parquet)."""
    wh = open_wh(Engine.duckdb, warehouse, read_only=True)
    done = wh.export_parquet()
    console.print(f"{len(done)} tabel -> {wh.settings.spark_dir}: {', '.join(done)}")
    wh.close()


@warehouse_app.command("quarantine")
def warehouse_quarantine(limit: int = typer.Option(50, help="Rows to show."),
                         import_id: Optional[str] = typer.Option(
                             None, "--import", help="Import id (or its first characters); default: the latest import with quarantined rows."),
                         warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Quarantined rows of one import with their source sheet, row and reason."""
    from rich.table import Table as RichTable

    wh = open_wh(Engine.duckdb, warehouse, read_only=True)
    if not wh.has("quarantine"):
        console.print("Karantina kosong.")
        return
    q, imports = wh.table("quarantine"), wh.table("imports")
    if import_id is None:
        latest = wh.to_arrow(imports.filter(imports.quarantined > 0)
                             .order_by(imports.imported_at.desc()).limit(1)).to_pylist()
        if not latest:
            console.print("Karantina kosong.")
            return
        import_id = latest[0]["import_id"]
    rows = wh.to_arrow(q.filter(q.import_id.startswith(import_id))
                       .order_by([q.sheet, q.row_number]).limit(limit)).to_pylist()
    t = RichTable("impor", "tabel", "berkas", "lembar", "baris", "alasan",
                  title=f"Karantina impor {import_id[:8]}")
    for r in rows:
        t.add_row(r["import_id"][:8], r["table_name"], Path(r["source_file"]).name,
                  r.get("sheet") or "-", str(r["row_number"]), r["reason"])
    console.print(t)
    wh.close()


if __name__ == "__main__":  # pragma: no cover
    app()
