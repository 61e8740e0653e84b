"""``python -m cakupan.cli``: the same as the ``cakupan`` command."""

from cakupan.cli.main import app

app(prog_name="cakupan")
