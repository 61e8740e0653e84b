"""Who is asking, once: the warehouse snapshot, the caller's account, scope and language, as
typed dependencies every route declares in its signature."""

from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, Query, Request

from cakupan.services import NotFound, Scope
from cakupan.services import users as users_svc
from cakupan.warehouse import Warehouse


def get_wh(request: Request) -> Iterator[Warehouse]:
    with request.app.state.hub.reader() as wh:
        yield wh


def get_account(request: Request) -> users_svc.Account:
    """The logged-in account (the access middleware put it there; no route runs without one)."""
    acct = getattr(request.state, "account", None)
    if acct is None:
        raise NotFound("halaman tidak ditemukan")
    return acct


def get_scope(request: Request) -> Scope:
    """The caller's scope, derived from its account: role, regions, branch, own lists and
    cohorts. Computed once per request."""
    cached = getattr(request.state, "scope", None)
    if cached is not None:
        return cached
    acct = get_account(request)
    hub = request.app.state.hub
    if acct.scope_kind == "branch":
        with hub.reader() as wh:
            scope = users_svc.scope_of(request.app.state.store, acct, wh)
    else:
        scope = users_svc.scope_of(request.app.state.store, acct)
    if scope.leads_only:  # a field agent sees its own leads page and nothing else
        raise NotFound("halaman tidak ditemukan")
    request.state.scope = scope
    return scope


def get_admin(request: Request) -> users_svc.Account:
    """An account that manages users; anyone else is told the page does not exist."""
    acct = get_account(request)
    if not acct.manages_users:
        raise NotFound("halaman tidak ditemukan")
    return acct


def get_lang(request: Request, lang: Annotated[str | None, Query(pattern="^(id|en)$")] = None) -> str:
    if lang:
        request.state.set_lang = lang
        return lang
    cookie = request.cookies.get("lang")
    return cookie if cookie in ("id", "en") else "id"


WH = Annotated[Warehouse, Depends(get_wh)]
ScopeDep = Annotated[Scope, Depends(get_scope)]
LangDep = Annotated[str, Depends(get_lang)]
AccountDep = Annotated[users_svc.Account, Depends(get_account)]
AdminDep = Annotated[users_svc.Account, Depends(get_admin)]


def jobs_owner(request: Request) -> str | None:
    """Whose jobs the caller sees: its own (admins: everyone's, None)."""
    acct = get_account(request)
    return None if acct.manages_users else acct.username


def job_of(request: Request, job_id: str):
    """A job the caller may see (its own; admins: any); any other id is not found."""
    job = request.app.state.jobs.get(job_id)
    owner = jobs_owner(request)
    if job is None or (owner is not None and job.owner != owner):
        raise NotFound(f"pekerjaan {job_id} tidak ditemukan")
    return job
