"""``cakupan serve``: the web application on this warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cakupan.cli.common import WAREHOUSE_OPT, console, fail


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Start the web application: overview, regions, map, potential, performance, partner
    lists, sponsorship and imports in the browser, with a JSON API under /api/v1.

    Every page needs an account (cakupan users add); scripts use an API token (cakupan users
    token). The server holds the warehouse while it runs and does every write (uploads, matches,
    cohorts) itself, one at a time; stop it with Ctrl+C. Everything is served locally.
    """
    import uvicorn

    from cakupan.settings import load
    from cakupan.web.app import create_app

    settings = load("duckdb", warehouse)
    if not settings.warehouse.exists():
        fail(f"gudang data {settings.warehouse} belum ada: jalankan dulu `cakupan synth` atau `make demo`")
    from cakupan.services.users import has_admin
    from cakupan.store import StoreError, open_store

    try:
        store = open_store(settings.warehouse)
    except StoreError as e:
        fail(str(e))
    if not has_admin(store):
        console.print("Belum ada akun admin: buat dengan `cakupan users add admin --role admin` "
                      "(atau `make demo`), lalu masuk dengan kata sandi sekali pakai yang dicetaknya.")
    app = create_app(settings, store=store)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console.print(f"cakupan berjalan di http://{shown}:{port}/  (gudang data {settings.warehouse}; "
                  "hentikan dengan Ctrl+C)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
