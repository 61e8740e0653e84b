"""The one place where an error becomes a sentence: no traceback reaches a user.

Every command runs inside :class:`SafeGroup`, the ``cakupan`` app's Click group. An error
the code raised for the user (``WarehouseError``, ``IngestError``, ...) prints its own
message, exit code 2; anything unexpected prints one Indonesian sentence naming the kind of
error and how to see more, exit code 1. ``--debug`` (or ``CAKUPAN_DEBUG=1``) lets the
exception through with its traceback. Messages never repeat an unexpected exception's text:
it may carry a row's personal data.
"""

from __future__ import annotations

import os
import sys

import typer
from typer import _click as click  # Typer 0.29 vendors Click: its exceptions and contexts
from typer.core import TyperGroup

# (module, class): errors whose message is written for the user (Indonesian, actionable)
USER_ERRORS = (
    ("cakupan.warehouse", "WarehouseError"),
    ("cakupan.services.common", "ServiceError"),
    ("cakupan.ingest.readers", "IngestError"),
    ("cakupan.lists.columns", "ColumnError"),
    ("cakupan.lists.matcher", "MatchError"),
    ("cakupan.lists.review", "ReviewError"),
)
DEBUG_HINT = "jalankan lagi dengan --debug untuk rinciannya"


def current_context():
    """The running command's context (None outside a command)."""
    return click.globals.get_current_context(silent=True)


def debug_enabled(ctx: click.Context | None = None) -> bool:
    if ctx is not None and ctx.find_root().params.get("debug"):
        return True
    return os.environ.get("CAKUPAN_DEBUG", "").strip().lower() in ("1", "true", "yes", "ya")


def _is_user_error(error: BaseException) -> bool:
    for module, name in USER_ERRORS:
        cls = getattr(sys.modules.get(module), name, None)  # not loaded: cannot be raised
        if cls is not None and isinstance(error, cls):
            return True
    return False


def explain(error: BaseException) -> tuple[str, int]:
    """The sentence for ``error`` and the exit code."""
    if _is_user_error(error):
        return str(error), 2
    if isinstance(error, MemoryError) or type(error).__name__ == "OutOfMemoryException":
        return ("memori tidak cukup untuk perintah ini; coba berkas yang lebih kecil atau tutup "
                f"program lain ({DEBUG_HINT})"), 1
    if isinstance(error, PermissionError):
        return f"tidak ada izin membuka {error.filename or 'berkas'}; periksa hak aksesnya", 2
    if isinstance(error, FileNotFoundError):
        return f"berkas {error.filename or ''} tidak ditemukan; periksa nama dan foldernya", 2
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return (f"berkas{where} tidak bisa dibaca atau ditulis ({error.strerror or type(error).__name__}); "
                "periksa ruang disk dan hak aksesnya"), 2
    return f"terjadi galat tak terduga ({type(error).__name__}); {DEBUG_HINT}", 1


class SafeGroup(TyperGroup):
    """The ``cakupan`` group: runs a command and turns any escaping exception into a sentence."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, typer.Exit, typer.Abort):
            raise
        except Exception as error:
            if debug_enabled(ctx):
                raise
            from rich.markup import escape

            from cakupan.cli.common import err

            message, code = explain(error)
            err.print(f"[bold red]Galat:[/] {escape(message)}")
            raise typer.Exit(code) from None
