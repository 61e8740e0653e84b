"""The ``cakupan`` command line: thin Typer commands, one module per command group."""

from cakupan.cli.main import app

__all__ = ["app"]
