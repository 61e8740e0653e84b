"""What every command shares: consoles, options, errors, the warehouse, output."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cakupan.settings import load
from cakupan.warehouse import WarehouseError, open_warehouse

# Piped output (files, CI logs) gets 120 columns instead of Rich's default 80.
console = Console() if sys.stdout.isatty() else Console(width=120)
err = Console(stderr=True)


class Engine(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


class Fmt(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class Lang(str, Enum):
    id = "id"
    en = "en"


ENGINE_OPT = typer.Option(None, "--engine", "-e", help="duckdb (default) or spark; env CAKUPAN_ENGINE.")
WAREHOUSE_OPT = typer.Option(None, "--warehouse", "-w", help="DuckDB file; env CAKUPAN_WAREHOUSE.")
PERIOD_OPT = typer.Option("2021-11", "--period", "-p", help="Month YYYY-MM.")
LANG_OPT = typer.Option(Lang.id, "--lang", help="id (Indonesian, default) or en.")
ENCODING_OPT = typer.Option(None, "--encoding", help="Text encoding of a CSV (default: detected; utf-8, cp1252, latin-1, utf-16).")
DELIMITER_OPT = typer.Option(None, "--delimiter", help="Field separator of a CSV (default: detected among , ; tab |).")
FIELD_LIMIT_OPT = typer.Option(None, "--field-limit", min=1, help="Characters one field may hold; a longer one sends its line to quarantine (default 4096, env CAKUPAN_FIELD_LIMIT).")


def fail(message: str, code: int = 2) -> None:
    from rich.markup import escape

    err.print(f"[bold red]Galat:[/] {escape(message)}")
    raise typer.Exit(code)


def open_wh(engine: Optional[Engine], warehouse: Optional[Path], read_only: bool = False,
            purpose: Optional[str] = None):
    """Open the warehouse for this command; it is closed when the command ends, however it
    ends. ``read_only`` for commands that only read. While another process holds the file,
    say so on stderr and wait (``CAKUPAN_LOCK_WAIT`` seconds)."""
    from cakupan.cli.errors import current_context

    ctx = current_context()
    if purpose is None and ctx is not None:
        purpose = "cakupan " + " ".join(ctx.command_path.split()[1:])
    try:
        wh = open_warehouse(load(engine.value if engine else None, warehouse), read_only=read_only,
                            purpose=purpose, on_wait=lambda text: err.print(text, markup=False, soft_wrap=True))
    except (ValueError, WarehouseError) as e:
        fail(str(e))
    if ctx is not None:
        ctx.call_on_close(wh.close)
    return wh


@contextmanager
def warehouse_for(engine: Optional[Engine], warehouse: Optional[Path], read_only: bool = False):
    """The warehouse for one command, closed whatever happens."""
    wh = open_wh(engine, warehouse, read_only=read_only)
    try:
        yield wh
    finally:
        wh.close()


def call(service, *args, **kwargs):
    """Run a service function; a problem the user can fix ends the command with its sentence."""
    from cakupan.services import ServiceError

    try:
        return service(*args, **kwargs)
    except (ServiceError, WarehouseError) as e:
        fail(str(e))


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description:<16}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                    TimeElapsedColumn(), console=err, transient=False)


def check_period(period: str) -> None:
    from cakupan.services.common import check_period as check

    call(check, period)


def emit(report, fmt: Fmt, output: Optional[Path], lang: str) -> None:
    from cakupan.reports import tables

    if fmt is Fmt.xlsx:
        if output is None:
            fail("--format xlsx needs --output FILE.xlsx")
        tables.to_xlsx(report, output, lang)
        console.print(f"Ditulis: {output}")
        return
    if fmt is Fmt.table:
        console.print(tables.to_rich(report, lang))
        return
    text = tables.to_csv(report) if fmt is Fmt.csv else tables.to_json(report)
    if output:  # a CSV file gets the UTF-8 byte-order mark, for Excel
        output.write_text(text, encoding="utf-8-sig" if fmt is Fmt.csv else "utf-8")
        console.print(f"Ditulis: {output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def print_import(file: Path, report) -> None:
    """Rows read = accepted + quarantined + skipped, what changed, how the file was read and
    the reasons for quarantine."""
    from cakupan.ingest.reasons import reason_label
    from cakupan.reports.format import integer as n

    if report.already_imported:
        console.print(f"Berkas ini sudah pernah diimpor (impor {report.import_id[:8]}); tidak ada perubahan "
                      "(--replace untuk mengimpor ulang).")
    elif getattr(report, "replaced", None):
        console.print(f"Berkas ini diimpor ulang (impor sebelumnya {report.replaced[:8]} tetap tercatat).")
    console.print(
        f"{file.name}: dibaca {n(report.rows_read)} = diterima {n(report.accepted)} "
        f"+ karantina {n(report.quarantined)} + dilewati {n(getattr(report, 'skipped', 0))} "
        f"(baru {n(report.inserted)}; diperbarui {n(report.updated)}; sama {n(report.unchanged)})")
    for line in getattr(report, "reading", []):
        console.print(f"  {line}")
    for code, count in sorted(report.reasons.items(), key=lambda kv: -kv[1]):
        console.print(f"  karantina {reason_label(code)}: {n(count)} baris")
    if report.quarantined:
        console.print("Lihat alasannya: cakupan warehouse quarantine")
