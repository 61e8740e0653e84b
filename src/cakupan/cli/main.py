"""The ``cakupan`` command: parse, call the core, render. Indonesian by default."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from cakupan import __version__
from cakupan.cli.common import (DELIMITER_OPT, ENCODING_OPT, ENGINE_OPT, FIELD_LIMIT_OPT, LANG_OPT, PERIOD_OPT,
                                WAREHOUSE_OPT, Engine, Fmt, Lang, call,
                                check_period, console, emit, err, fail, open_wh, print_import, warehouse_for)
from cakupan.cli.errors import SafeGroup
from cakupan.services import EVERYONE
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
    from cakupan.cli import serve as cli_serve
    from cakupan.cli import targets as cli_targets
    from cakupan.cli import users as cli_users

    app.add_typer(cli_synth.app, name="synth")
    app.command("potential")(cli_analysis.potential)
    app.command("performance")(cli_analysis.performance)
    app.add_typer(cli_iuran.app, name="iuran")
    app.add_typer(cli_sponsor.app, name="sponsor")
    app.add_typer(cli_targets.app, name="targets")
    app.add_typer(cli_lists.app, name="lists")
    from cakupan.cli import reconcile as cli_reconcile; app.add_typer(cli_reconcile.app, name="reconcile")  # noqa: E702
    app.command("serve")(cli_serve.serve)
    app.add_typer(cli_users.app, name="users")
    app.add_typer(cli_users.audit_app, name="audit")


_register_subcommands()


def _reflow(text: str | None) -> str | None:
    """A docstring as written paragraphs: single line breaks joined, blank lines kept."""
    if not text:
        return text
    import inspect

    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _reflow_help(typer_app: typer.Typer) -> None:
    """Command help renders as paragraphs instead of the docstrings' hard line breaks."""
    import inspect

    for cmd in typer_app.registered_commands:
        cmd.help = _reflow(cmd.help or inspect.getdoc(cmd.callback))
    if typer_app.registered_callback is not None:
        cb = typer_app.registered_callback
        cb.help = _reflow(cb.help or inspect.getdoc(cb.callback))
    for group in typer_app.registered_groups:
        group.help = _reflow(group.help)
        _reflow_help(group.typer_instance)
        info = group.typer_instance.info
        info.help = _reflow(info.help) if isinstance(info.help, str) else info.help


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
    encoding: Optional[str] = ENCODING_OPT,
    delimiter: Optional[str] = DELIMITER_OPT,
    field_limit: Optional[int] = FIELD_LIMIT_OPT,
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Import a file: valid rows into the table, the rest into quarantine with reasons (a
    line that cannot be read too, with its line number).

    Prints rows read = accepted + quarantined + skipped (blank and title lines), and the
    encoding and delimiter found. A failed or interrupted import changes nothing; importing
    the same file again changes nothing (unless --replace).
    """
    from cakupan.services import imports as svc

    with warehouse_for(Engine.duckdb, warehouse) as wh, err.status(f"Mengimpor {file.name} ...") as status:
        report = call(svc.import_table, wh, EVERYONE, table.value, file, sheet,
                      progress=lambda msg: status.update(f"{file.name}: {msg}"), replace=replace,
                      encoding=encoding, delimiter=delimiter, field_limit=field_limit)
    print_import(file, report)


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
    from cakupan.services import coverage as svc

    check_period(period)
    with warehouse_for(engine, warehouse, read_only=True) as wh:
        result = call(svc.coverage, wh, EVERYONE, period, by.value, region, lang.value)
    emit(result.report, fmt, output, lang.value)
    if chart and by is not By.segment:
        from cakupan.cli.analysis import coverage_chart

        coverage_chart(result.report, chart, lang.value)


@app.command()
def brief(period: str = PERIOD_OPT, lang: Lang = LANG_OPT, engine: Optional[Engine] = ENGINE_OPT,
          warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """A press-ready paragraph on coverage, in Indonesian (--lang en for English)."""
    from cakupan.services import coverage as svc

    check_period(period)
    with warehouse_for(engine, warehouse, read_only=True) as wh:
        result = call(svc.brief, wh, EVERYONE, period, lang.value)
    for i, paragraph in enumerate(result.paragraphs):
        if i:
            console.print()
        console.print(paragraph, soft_wrap=False)


@warehouse_app.command("info")
def warehouse_info(engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Tables and their row counts."""
    from cakupan.services import imports as svc

    with warehouse_for(engine, warehouse, read_only=True) as wh:
        counts = call(svc.table_counts, wh, EVERYONE)
    for name, n in counts.items():
        console.print(f"  {name:<14} {n:>12,}".replace(",", "."))


@warehouse_app.command("check")
def warehouse_check(warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Check the warehouse's invariants: import counts add up, no orphan rows, every table
    keeps its contract, region codes resolve. Each breach in words; exit code 1 if any."""
    from cakupan.warehouse_check import check

    with warehouse_for(Engine.duckdb, warehouse, read_only=True) as wh:
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


@warehouse_app.command("boundaries")
def warehouse_boundaries(
    file: Optional[Path] = typer.Argument(None, help="GeoJSON FeatureCollection keyed by Kemendagri code."),
    attribution: str = typer.Option("", "--attribution", help="Source and licence line shown under the map."),
    code_property: Optional[str] = typer.Option(
        None, "--code-property", help="Feature property holding the code (default: code, kode, kode_kab, …)."),
    clear: bool = typer.Option(False, "--clear", help="Remove every loaded boundary (the map goes back to the tile grid)."),
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Load region boundaries for the choropleth map; the rows of the same codes are replaced.
    A file with an unknown or duplicated code is refused whole."""
    from cakupan.regions import LEVELS
    from cakupan.reports.format import integer as n
    from cakupan.services import maps as svc

    if clear == (file is not None):
        fail("berikan satu berkas GeoJSON, atau --clear untuk menghapus semua batas wilayah")
    with warehouse_for(Engine.duckdb, warehouse) as wh:
        if clear:
            removed = call(svc.clear_boundaries, wh, EVERYONE)
            console.print(f"{n(removed)} batas wilayah dihapus; peta kembali ke petak (tile grid).")
            return
        loaded = call(svc.load_boundaries, wh, EVERYONE, file, attribution, code_property)
    console.print(f"{loaded.file}: {n(loaded.regions)} wilayah dimuat ("
                  + ", ".join(f"{n(k)} {LEVELS[lv]}" for lv, k in loaded.levels.items()) + ").")
    if attribution:
        console.print(f"Atribusi: {attribution}")
    else:
        console.print("Tanpa atribusi: tambahkan --attribution \"…\" bila lisensi sumbernya memintanya.")


@warehouse_app.command("quarantine")
def warehouse_quarantine(limit: int = typer.Option(50, help="Rows to show."),
                         import_id: Optional[str] = typer.Option(
                             None, "--import", help="Import id (or its first characters); default: the latest import with quarantined rows."),
                         warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Quarantined rows of one import with their source sheet, row and reason."""
    from rich.table import Table as RichTable

    from cakupan.services import imports as svc

    with warehouse_for(Engine.duckdb, warehouse, read_only=True) as wh:
        page = call(svc.quarantine, wh, EVERYONE, import_id, limit=limit)
    if not page.rows:
        console.print("Karantina kosong.")
        return
    t = RichTable("impor", "tabel", "berkas", "lembar", "baris", "alasan",
                  title=f"Karantina impor {page.import_id[:8] if page.import_id else ''}")
    for r in page.rows:
        t.add_row(r["import_id"][:8], r["table_name"], r["source_file"],
                  r.get("sheet") or "-", str(r["row_number"]), r["reason"])
    console.print(t)


_reflow_help(app)

if __name__ == "__main__":  # pragma: no cover
    app()
