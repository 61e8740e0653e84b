"""Admin pages: accounts (add, disable, reset a password) and the audit log (browse, verify,
export). Anyone else is told these pages do not exist."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from cakupan.services import ServiceError
from cakupan.services import audit as audit_svc
from cakupan.services import users as svc
from cakupan.web.access import declare
from cakupan.web.deps import AdminDep, LangDep
from cakupan.web.routes.pages import page

router = APIRouter(include_in_schema=False)
Name = Annotated[str, Form(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")]


def _users_page(request: Request, lang: str, problem: str | None = None, created: tuple | None = None,
                status: int = 200):
    store = request.app.state.store
    response = page(request, "admin_users.html", "admin", lang, periods=[], accounts=svc.accounts(store),
                    roles=svc.roles(store), problem=problem, created=created)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/admin/pengguna")
@declare("admin")
def users_page(request: Request, me: AdminDep, lang: LangDep):
    return _users_page(request, lang)


@router.post("/admin/pengguna")
@declare("admin")
def add_user(request: Request, me: AdminDep, lang: LangDep, username: Name,
             role: Annotated[Literal["admin", "analis", "cabang", "mitra", "agen"], Form()],
             region: Annotated[str, Form(max_length=200)] = "", branch: Annotated[str, Form(max_length=40)] = ""):
    try:
        acct, secret = svc.add_user(request.app.state.store, username, role, [region] if region else None,
                                    branch or None)
    except ServiceError as e:
        return _users_page(request, lang, str(e), status=400)
    return _users_page(request, lang, created=(acct.username, secret))


@router.post("/admin/pengguna/{username}/nonaktifkan")
@declare("admin")
def disable_user(request: Request, me: AdminDep, username: str):
    svc.disable(request.app.state.store, username)
    return RedirectResponse("/admin/pengguna", status_code=303)


@router.post("/admin/pengguna/{username}/sandi")
@declare("admin")
def reset_user(request: Request, me: AdminDep, lang: LangDep, username: str):
    secret = svc.reset_password(request.app.state.store, username)
    return _users_page(request, lang, created=(username, secret))


@router.get("/admin/audit")
@declare("admin")
def audit_page(request: Request, me: AdminDep, lang: LangDep,
               user: Annotated[str | None, Query(max_length=64)] = None,
               offset: Annotated[int, Query(ge=0, le=10**9)] = 0):
    store = request.app.state.store
    items, total = audit_svc.entries(store, 100, offset, user or None)
    return page(request, "admin_audit.html", "admin", lang, periods=[], items=items, total=total,
                offset=offset, verdict=audit_svc.verify(store), user=user or "")


@router.get("/admin/audit.csv")
@declare("admin")
def audit_csv(request: Request, me: AdminDep, user: Annotated[str | None, Query(max_length=64)] = None):
    items, _ = audit_svc.entries(request.app.state.store, 10**7, 0, user or None)
    body = ("\ufeff" + audit_svc.to_csv(items)).encode("utf-8")
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="cakupan-audit.csv"'})
