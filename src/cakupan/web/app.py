"""``create_app``: the FastAPI application over one warehouse (pages, /api/v1, jobs)."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from cakupan import __version__
from cakupan.services import NotFound, ServiceError
from cakupan.settings import Settings
from cakupan.warehouse import WarehouseError
from cakupan.web.hub import Hub
from cakupan.web.i18n import word
from cakupan.web.jobs import Jobs
from cakupan.web.render import make_templates

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("cakupan.web")


def create_app(settings: Settings, upload_limit: int = 200 * 1024 * 1024, store=None) -> FastAPI:
    """The web app on ``settings``' DuckDB warehouse and its app store (``store``, default:
    CAKUPAN_DATABASE_URL or the SQLite file beside the warehouse). The server process holds
    the warehouse for as long as it runs; every write goes through its job queue. Every page
    but the login page needs an account."""
    from cakupan.store import open_store
    from cakupan.web import access

    store = store or open_store(settings.warehouse)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import os

        app.state.hub = Hub(settings, cache_size=int(os.environ.get("CAKUPAN_WEB_CACHE", "512")))
        data_dir = settings.warehouse.parent
        app.state.uploads = data_dir / (settings.warehouse.stem + ".uploads")
        app.state.uploads.mkdir(parents=True, exist_ok=True)
        app.state.jobs = Jobs(data_dir / (settings.warehouse.stem + ".jobs.sqlite"))
        from cakupan.services import reviews

        with app.state.hub.writer() as wh:  # decisions of a warehouse from before the app store: migrated
            migrated, kept = reviews.reconcile(store, wh)
        if migrated:
            log.info("%d review decisions migrated from the warehouse into the app store", migrated)
        try:
            yield
        finally:
            app.state.jobs.close()
            app.state.hub.close()
            store.close()

    app = FastAPI(title="cakupan", version=__version__, lifespan=lifespan,
                  description="Cakupan kepesertaan BPJS Ketenagakerjaan: coverage, potential, performance, "
                              "partner lists and sponsorship. Every figure a page shows, as JSON. "
                              "Send an API token: `Authorization: Bearer ckp_…` (cakupan users token).",
                  dependencies=[Depends(access.csrf_guard)])
    app.state.settings = settings
    app.state.store = store
    app.state.templates = make_templates()
    app.state.upload_limit = upload_limit
    app.state.plans = {}
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    from cakupan.web.routes import admin, api, jobs, leads, lists, pages, sponsor, uploads

    for module in (pages, lists, sponsor, uploads, jobs, leads, admin):
        app.include_router(module.router)
    from cakupan.web.routes import reconcile; app.include_router(reconcile.router)  # noqa: E702
    app.include_router(api.router, prefix="/api/v1")
    access.install(app)

    @app.middleware("http")
    async def remember_language(request: Request, call_next):
        response = await call_next(request)
        chosen = getattr(request.state, "set_lang", None)
        if chosen:
            response.set_cookie("lang", chosen, max_age=365 * 86400, samesite="lax", httponly=True)
        return response

    def _lang(request: Request) -> str:
        lang = request.query_params.get("lang") or request.cookies.get("lang")
        return lang if lang in ("id", "en") else "id"

    def _problem(request: Request, status: int, message: str):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        lang = _lang(request)
        title = word("not_found" if status == 404 else "error", lang)
        return app.state.templates.TemplateResponse(
            request, "error.html", {"lang": lang, "title": title, "message": message, "status": status,
                                    "nav": None, "q": {}, "me": getattr(request.state, "account", None),
                                    "csrf": getattr(request.state, "csrf", None)}, status_code=status)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return _problem(request, 404, str(exc))

    @app.exception_handler(ServiceError)
    async def bad_request(request: Request, exc: ServiceError):
        return _problem(request, 400, str(exc))

    @app.exception_handler(WarehouseError)
    async def warehouse_problem(request: Request, exc: WarehouseError):
        return _problem(request, 409, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(request: Request, exc: StarletteHTTPException):
        return _problem(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ())[1:]) or "input"
            parts.append(f"{where}: {e.get('msg')}")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "; ".join(parts)}, status_code=422)
        return _problem(request, 422, "; ".join(parts))

    @app.get("/health", include_in_schema=False)
    @access.declare("open")
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    @app.get("/favicon.ico", include_in_schema=False)
    @access.declare("open")
    def favicon():
        return HTMLResponse(status_code=204)

    return app
