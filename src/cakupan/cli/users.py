"""``cakupan users``: accounts of the web application (app store: CAKUPAN_DATABASE_URL, else
``<warehouse>.app.sqlite`` beside the warehouse)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from cakupan.cli.common import WAREHOUSE_OPT, call, console, fail

app = typer.Typer(help="Accounts of the web application: add, list, disable, reset a password, "
                       "API tokens. Roles: admin, analis, cabang, mitra, agen.", no_args_is_help=True)


def open_app_store(warehouse: Optional[Path]):
    """The app store for this command (migrated to the newest schema)."""
    from cakupan.store import StoreError, open_store
    from cakupan.settings import load

    try:
        return open_store(load("duckdb", warehouse).warehouse)
    except StoreError as e:
        fail(str(e))


@app.command("add")
def add(
    username: str = typer.Argument(..., help="User name, e.g. analis.semarang"),
    role: str = typer.Option(..., "--role", help="admin, analis, cabang, mitra or agen"),
    region: Optional[List[str]] = typer.Option(None, "--region", help="Region the user sees (repeatable), e.g. 33.74; "
                                                                   "mitra: its regencies; analis: instead of the office's 33, 34"),
    branch: Optional[str] = typer.Option(None, "--branch", help="cabang: the branch code (targets branches table)"),
    if_missing: bool = typer.Option(False, "--if-missing", help="Say so and succeed when an admin (for --role admin) "
                                                                 "or this user already exists."),
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Add an account and print its one-time password (changed at the first login)."""
    from cakupan.services import users as svc

    store = open_app_store(warehouse)
    try:
        if if_missing:
            if role == "admin" and svc.has_admin(store):
                console.print("Admin sudah ada; tidak ada yang dibuat (atur ulang sandinya dengan "
                              "cakupan users reset-password NAMA).")
                return
            if any(a.username == username.strip().lower() for a in svc.accounts(store)):
                console.print(f"Pengguna {username} sudah ada; tidak ada yang dibuat.")
                return
        acct, secret = call(svc.add_user, store, username, role, region, branch)
        console.print(f"Pengguna dibuat: {svc.describe(acct)}")
        console.print(f"Kata sandi sekali pakai: {secret}", markup=False)
        console.print("Ganti saat masuk pertama kali; kata sandi ini tidak disimpan dan tidak ditampilkan lagi.")
    finally:
        store.close()


@app.command("list")
def list_(warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Every account: role, regions, branch, state, last login."""
    from rich.table import Table

    from cakupan.regions import dotted
    from cakupan.services import users as svc

    store = open_app_store(warehouse)
    try:
        table = Table("pengguna", "peran", "wilayah", "cabang", "keadaan", "masuk terakhir")
        for a in svc.accounts(store):
            state = "nonaktif" if a.disabled else "dikunci" if a.locked else "aktif"
            table.add_row(a.username, a.role, ", ".join(dotted(c) for c in a.regions) or "-", a.branch or "-",
                          state, a.last_login.strftime("%d-%m-%Y %H:%M") if a.last_login else "-")
        console.print(table)
    finally:
        store.close()


@app.command("disable")
def disable(username: str = typer.Argument(...), warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Disable an account: no more logins, its sessions end, its API tokens are revoked."""
    from cakupan.services import users as svc

    store = open_app_store(warehouse)
    try:
        call(svc.disable, store, username)
        console.print(f"Pengguna {username} dinonaktifkan.")
    finally:
        store.close()


@app.command("enable")
def enable(username: str = typer.Argument(...), warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Enable a disabled or locked account again."""
    from cakupan.services import users as svc

    store = open_app_store(warehouse)
    try:
        call(svc.enable, store, username)
        console.print(f"Pengguna {username} aktif kembali.")
    finally:
        store.close()


@app.command("reset-password")
def reset_password(username: str = typer.Argument(...), warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Print a new one-time password; the lock is lifted and every session of the user ends."""
    from cakupan.services import users as svc

    store = open_app_store(warehouse)
    try:
        secret = call(svc.reset_password, store, username)
        console.print(f"Kata sandi sekali pakai baru untuk {username}: {secret}", markup=False)
    finally:
        store.close()


@app.command("token")
def token(username: str = typer.Argument(...),
          name: str = typer.Option("skrip", "--name", help="What the token is for."),
          revoke: Optional[int] = typer.Option(None, "--revoke", help="Revoke the token with this id instead."),
          warehouse: Optional[Path] = WAREHOUSE_OPT) -> None:
    """Create an API token for scripts (Authorization: Bearer …), scoped like its user; shown once.
    With --revoke ID, revoke one."""
    from cakupan.services import users as svc

    store = open_app_store(warehouse)
    try:
        if revoke is not None:
            call(svc.revoke_token, store, revoke, username)
            console.print(f"Token {revoke} dicabut.")
            return
        secret = call(svc.create_token, store, username, name)
        console.print(f"Token API untuk {username} (tampil sekali ini saja): {secret}", markup=False)
    finally:
        store.close()
