"""Who may come in: login and server-side sessions, API tokens, CSRF on every form, and the
scope declaration every route carries.

Anonymous requests reach only the login page, static assets and ``/health``; everything else
needs a session cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS) or an
``Authorization: Bearer`` API token. A state-changing request from a session must carry the
session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from cakupan.services import ServiceError
from cakupan.services import users as svc

log = logging.getLogger("cakupan.web.access")
SESSION_COOKIE = "cakupan_sesi"
LOGIN_COOKIE = "cakupan_masuk"
OPEN = ("/masuk", "/health", "/favicon.ico")
OPEN_PREFIXES = ("/static/",)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CHANGE_PASSWORD = "/akun/sandi"

SCOPE_KINDS = {
    "open": "no login needed, no data (login page, health)",
    "account": "the caller's own account (password, tokens, logout)",
    "region": "figures and people filtered to the caller's regions",
    "list": "a partner list: only those the caller may see, rows inside its regions",
    "cohort": "a sponsored cohort or plan: only those the caller may see",
    "job": "a background job: only the caller's own (admins: all)",
    "admin": "user management and the audit log: admins only (others: 404)",
    "none": "no data of any region (the contribution calculator)",
    "leads": "the leads assigned to the caller (a field agent sees nothing else)",
}


def declare(kind: str):
    """Mark a route with the scope kind it enforces; the route sweep refuses undeclared routes."""
    if kind not in SCOPE_KINDS:
        raise ValueError(f"unknown scope kind {kind!r}")

    def mark(fn):
        fn.scope_kind = kind
        return fn
    return mark


def all_routes(app):
    """(path, methods, endpoint) of every route the app answers, included routers flattened."""
    def walk(routes):
        for route in routes:
            if hasattr(route, "effective_candidates"):  # FastAPI's included router
                yield from walk(route.effective_candidates())
                continue
            path, methods = getattr(route, "path", None), getattr(route, "methods", None)
            endpoint = getattr(route, "endpoint", None)
            if path is not None and methods:
                yield path, frozenset(methods), endpoint
    yield from walk(app.routes)


def _is_open(path: str) -> bool:
    return path in OPEN or path.startswith(OPEN_PREFIXES)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=_secure(request),
                        path="/")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def install(app) -> None:
    """The login middleware, the CSRF check on every route, and the login/account routes."""

    @app.middleware("http")
    async def authenticate(request: Request, call_next):
        request.state.account = request.state.csrf = request.state.via = None
        path = request.url.path
        if not _is_open(path):
            denied = await _identify(request)
            if denied is not None:
                return _harden(denied)
        return _harden(await call_next(request))

    app.include_router(router)
    for route in app.routes:  # FastAPI's own pages: the API description, no data, behind the login
        if getattr(route, "path", None) in ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"):
            route.endpoint.scope_kind = "account"


def _harden(response):
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    return response


async def _identify(request: Request):
    """Put the caller's account on ``request.state``; a response when it may not come in."""
    store = request.app.state.store
    path = request.url.path
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        acct = await run_in_threadpool(svc.token_account, store, auth[7:].strip())
        if acct is None:
            return JSONResponse({"detail": "token API tidak berlaku atau sudah dicabut"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        request.state.account, request.state.via = acct, "token"
        return None
    found = await run_in_threadpool(svc.session_account, store, request.cookies.get(SESSION_COOKIE))
    if found is None:
        if path.startswith("/api/") or path == "/openapi.json":
            return JSONResponse({"detail": "masuk dulu (atau kirim Authorization: Bearer TOKEN)"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        target = path + (("?" + request.url.query) if request.url.query else "")
        return RedirectResponse("/masuk?next=" + quote(target, safe=""), status_code=303)
    acct, csrf = found
    request.state.account, request.state.csrf, request.state.via = acct, csrf, "session"
    if acct.must_change and path not in (CHANGE_PASSWORD, "/keluar") and request.method in SAFE_METHODS:
        return RedirectResponse(CHANGE_PASSWORD, status_code=303)
    if acct.scope_kind == "leads" and path == "/":
        return RedirectResponse("/prospek", status_code=303)
    return None


async def csrf_guard(request: Request) -> None:
    """Every state-changing request from a browser session carries that session's token."""
    if request.method in SAFE_METHODS or request.state.via == "token":
        return
    expected = request.cookies.get(LOGIN_COOKIE) if request.url.path == "/masuk" else request.state.csrf
    sent = request.headers.get("x-csrf-token")
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # already parsed for the route: FastAPI keeps it
            value = form.get("csrf")
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "token formulir (CSRF) tidak cocok: muat ulang halaman lalu kirim lagi")


# -- the login and account pages --------------------------------------------------------------

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, lang: str, status: int = 200, **context):
    from fastapi.responses import HTMLResponse

    ctx = {"request": request, "lang": lang, "nav": None, "q": dict(request.query_params),
           "path": request.url.path, "me": request.state.account, "csrf": request.state.csrf, **context}
    return HTMLResponse(request.app.state.templates.get_template(template).render(ctx), status_code=status)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang")
    return lang if lang in ("id", "en") else "id"


@router.get("/masuk")
@declare("open")
def login_page(request: Request, next: str = "/"):
    token = secrets.token_urlsafe(32)
    response = _render(request, "masuk.html", _lang(request), login_csrf=token, next=_safe_next(next), problem=None)
    set_cookie(response, request, LOGIN_COOKIE, token, 3600)
    return response


@router.post("/masuk")
@declare("open")
def login(request: Request, username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=256)], next: Annotated[str, Form(max_length=2000)] = "/"):
    store = request.app.state.store
    try:
        acct = svc.authenticate(store, username, password)
    except svc.LoginFailed as e:
        log.info("login refused")  # never the name typed: it may be a password typed in the wrong box
        token = secrets.token_urlsafe(32)
        response = _render(request, "masuk.html", _lang(request), 401, login_csrf=token, next=_safe_next(next),
                           problem=str(e))
        set_cookie(response, request, LOGIN_COOKIE, token, 3600)
        return response
    # a new session every time: a session id planted before the login is never promoted
    svc.end_session(store, request.cookies.get(SESSION_COOKIE))
    token, _csrf = svc.start_session(store, acct.id)
    response = RedirectResponse(CHANGE_PASSWORD if acct.must_change else _safe_next(next), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, token, svc.SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/keluar")
@declare("account")
def logout(request: Request):
    svc.end_session(request.app.state.store, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get(CHANGE_PASSWORD)
@declare("account")
def password_page(request: Request):
    return _render(request, "akun_sandi.html", _lang(request), problem=None)


@router.post(CHANGE_PASSWORD)
@declare("account")
def change_password(request: Request, old: Annotated[str, Form(max_length=256)],
                    new: Annotated[str, Form(max_length=256)], again: Annotated[str, Form(max_length=256)]):
    lang = _lang(request)
    acct = request.state.account
    if new != again:
        return _render(request, "akun_sandi.html", lang, 400, problem="kedua kata sandi baru tidak sama")
    try:
        svc.change_password(request.app.state.store, acct.username, old, new)
    except ServiceError as e:
        return _render(request, "akun_sandi.html", lang, 400, problem=str(e))
    # the password changed: every other session ends, this one starts again
    store = request.app.state.store
    for_user = acct.id
    svc.end_sessions_of(store, for_user)
    token, _ = svc.start_session(store, for_user)
    response = RedirectResponse("/", status_code=303)
    set_cookie(response, request, SESSION_COOKIE, token, svc.SESSION_HOURS * 3600)
    return response
