"""Partner lists in the browser: upload → import summary with quarantine → match → outcome
summary → leads per regency / district / village with downloads; the review queue."""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from cakupan.services import NotFound
from cakupan.services import imports as imports_svc
from cakupan.services import lists as svc
from cakupan.web.access import declare
from cakupan.web.deps import WH, LangDep, ScopeDep, jobs_owner
from cakupan.web.routes.pages import page
from cakupan.web.routes.uploads import save_upload

router = APIRouter(include_in_schema=False)
SourceP = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")]
SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$"
MATCH_STEPS = {"indeks registri": 0.15, "tahap NIK": 0.35, "tahap probabilistik": 0.55, "keputusan": 0.85}


def _claim(request: Request, wh, scope, source: str):
    """The uploader owns a new list name; a name another caller's list already has is refused
    without saying whose it is. Returns the scope that now includes the list."""
    import dataclasses

    from cakupan.services import EVERYONE, ServiceError
    from cakupan.services import users

    store, me = request.app.state.store, request.state.account.username
    exists = any(i.source == source for i in svc.lists(wh, EVERYONE))
    owners = users.list_owners(store, source)
    if scope.sources is not None and source not in scope.sources and (exists or owners):
        raise ServiceError(f"nama daftar '{source}' sudah dipakai: pilih nama lain")
    if not exists or me in owners or not owners:
        users.own_list(store, source, me)
    if scope.sources is not None and source not in scope.sources:
        scope = dataclasses.replace(scope, sources=scope.sources | {source})
    return scope


def _info(wh, scope, source: str):
    found = [i for i in svc.lists(wh, scope) if i.source == source]
    if not found:
        raise NotFound(f"tidak ada daftar bernama '{source}'")
    return found[0]


@router.get("/daftar")
@declare("list")
def daftar(request: Request, wh: WH, scope: ScopeDep, lang: LangDep):
    jobs = [j for j in request.app.state.jobs.recent(None, 30, jobs_owner(request)) if j.kind.startswith("list")][:10]
    return page(request, "daftar.html", "daftar", lang, periods=[], lists=svc.lists(wh, scope), jobs=jobs)


def _match_work(hub, scope, source: str, period: str):
    def work(progress):
        with hub.writer() as wh:
            report = svc.match(wh, scope, source, period,
                               progress=lambda step: progress(MATCH_STEPS.get(step, 0.5), step))
        return {"next": f"/daftar/{source}", "counts": report.counts, "rows": report.rows}
    return work


@router.post("/daftar")
@declare("list")
def daftar_upload(request: Request, wh: WH, scope: ScopeDep, lang: LangDep,
                  file: Annotated[UploadFile, File()],
                  source: Annotated[str, Form(pattern=SOURCE_PATTERN)],
                  segment: Annotated[Literal["", "PU", "BPU", "JAKON", "PMI"], Form()] = "",
                  occupation: Annotated[str, Form(max_length=60)] = "",
                  match: Annotated[bool, Form()] = False,
                  period: Annotated[str, Form(pattern=r"^(19|2[01])\d{2}-(0[1-9]|1[0-2])$")] = "2021-11"):
    scope = _claim(request, wh, scope, source)
    path = save_upload(request, file)
    hub = request.app.state.hub
    name = file.filename

    def work(progress):
        progress(0.05, f"membaca {name}")
        with hub.writer() as wh:
            report = svc.import_list(wh, scope, path, source, segment or None, occupation or None)
        result = {"next": f"/daftar/{source}", "rows_read": report.rows_read, "accepted": report.accepted,
                  "quarantined": report.quarantined, "already_imported": report.already_imported}
        if match:
            progress(0.3, "pencocokan")
            result.update(_match_work(hub, scope, source, period)(
                lambda f, m: progress(0.3 + 0.7 * f, m)))
        return result

    job = request.app.state.jobs.submit("list-import", f"Impor daftar {source}: {name}", work,
                                        request.state.account.username)
    return RedirectResponse(f"/pekerjaan/{job}", status_code=303)


@router.get("/daftar/{source}")
@declare("list")
def daftar_detail(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, source: SourceP,
                  pii: bool = False, offset: Annotated[int, Query(ge=0)] = 0):
    info = _info(wh, scope, source)
    quarantine = imports_svc.quarantine(wh, scope, info.import_id, limit=50)
    leads = svc.leads(wh, scope, source, pii) if info.matched else None
    from cakupan.reports.privacy import mask_name

    pending = [{**r, "name_masked": mask_name(r["name"]) or "-", "registry_masked": mask_name(r["registry_name"]) or "-"}
               for r in (svc.pending(wh, scope, source) if info.matched else [])]
    jobs = [j for j in request.app.state.jobs.recent(None, 30, jobs_owner(request)) if source in j.title][:5]
    return page(request, "daftar_detail.html", "daftar", lang, periods=[], info=info, quarantine=quarantine,
                leads=leads, pending=pending, jobs=jobs, offset=offset, source=source, pii=pii)


@router.post("/daftar/{source}/cocokkan")
@declare("list")
def daftar_match(request: Request, wh: WH, scope: ScopeDep, source: SourceP,
                 period: Annotated[str, Form(pattern=r"^(19|2[01])\d{2}-(0[1-9]|1[0-2])$")] = "2021-11"):
    _info(wh, scope, source)
    job = request.app.state.jobs.submit("list-match", f"Pencocokan daftar {source}",
                                        _match_work(request.app.state.hub, scope, source, period),
                                        request.state.account.username)
    return RedirectResponse(f"/pekerjaan/{job}", status_code=303)


@router.post("/daftar/{source}/periksa")
@declare("list")
def daftar_review(request: Request, wh: WH, scope: ScopeDep, source: SourceP,
                  row: Annotated[int, Form(ge=1)], decision: Annotated[Literal["accept", "reject"], Form()],
                  note: Annotated[str, Form(max_length=500)] = ""):
    _info(wh, scope, source)
    hub = request.app.state.hub

    def work(progress):
        progress(0.1, "menyimpan keputusan")
        with hub.writer() as w:
            d = svc.decide(w, scope, source, row, decision == "accept", None, note or None)
        return {"next": f"/daftar/{source}#periksa", "row": row, "decision": decision,
                "counts": d.rematch.counts}

    job = request.app.state.jobs.submit("list-review", f"Pemeriksaan baris {row} daftar {source}", work,
                                        request.state.account.username)
    return RedirectResponse(f"/pekerjaan/{job}", status_code=303)


@router.get("/daftar/{source}/prospek.{kind}")
@declare("list")
def daftar_leads(request: Request, wh: WH, scope: ScopeDep, source: SourceP, kind: Literal["csv", "xlsx"],
                 pii: bool = False):
    from cakupan.lists import leads_export as ex

    result = svc.leads(wh, scope, source, pii)
    with tempfile.TemporaryDirectory() as tmp:
        path = FsPath(tmp) / f"prospek.{kind}"
        if kind == "xlsx":
            ex.write_xlsx(result.rows, path, result.personal_data, result.summary, result.counts)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            ex.write_csv(result.rows, path, result.personal_data)
            media = "text/csv; charset=utf-8"
        body = path.read_bytes()
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="prospek-{source}.{kind}"'})


