"""Uploads kept beside the warehouse, and the Impor page: import history, the quarantine
browser, registry snapshot uploads."""

from __future__ import annotations

import re
import uuid
from pathlib import Path as FsPath
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from cakupan.services import imports as svc
from cakupan.web.access import declare
from cakupan.web.deps import WH, LangDep, ScopeDep, jobs_owner
from cakupan.web.routes.pages import page

router = APIRouter(include_in_schema=False)
ALLOWED = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")


def save_upload(request: Request, upload: UploadFile) -> FsPath:
    """Stream an uploaded file into the uploads folder under a safe name; refuse other types
    and files over the size limit."""
    name = FsPath(upload.filename or "berkas").name
    suffix = FsPath(name).suffix.lower()
    if suffix not in ALLOWED:
        raise HTTPException(400, f"berkas {name!r}: unggah CSV, TSV, XLSX atau Parquet")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", FsPath(name).stem)[:60] or "berkas"
    folder = request.app.state.uploads / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True)
    target = folder / f"{stem}{suffix}"
    limit, size = request.app.state.upload_limit, 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise HTTPException(413, f"berkas lebih dari {limit // (1024 * 1024)} MB")
            out.write(chunk)
    if size == 0:
        target.unlink(missing_ok=True)
        raise HTTPException(400, f"berkas {name!r} kosong")
    return target


@router.get("/impor")
@declare("list")
def impor(request: Request, wh: WH, scope: ScopeDep, lang: LangDep,
          import_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{1,32}$")] = None,
          reason: Annotated[str | None, Query(max_length=60)] = None,
          table: Annotated[str | None, Query(max_length=120)] = None,
          offset: Annotated[int, Query(ge=0)] = 0):
    history = svc.history(wh, scope, limit=200)
    q = svc.quarantine(wh, scope, import_id, reason, table, limit=50, offset=offset)
    jobs = request.app.state.jobs.recent("import", 10, jobs_owner(request))
    return page(request, "impor.html", "impor", lang, periods=[], history=history, qpage=q, jobs=jobs,
                offset=offset, filters={"import_id": q.import_id, "reason": reason, "table": table})


@router.post("/impor")
@declare("list")
def impor_upload(request: Request, scope: ScopeDep, lang: LangDep,
                 file: Annotated[UploadFile, File()],
                 table: Annotated[Literal["participants", "employers", "workforce"], Form()],
                 sheet: Annotated[str | None, Form(max_length=100)] = None):
    path = save_upload(request, file)
    hub = request.app.state.hub

    def work(progress):
        progress(0.05, f"membaca {file.filename}")
        with hub.writer() as wh:
            report = svc.import_table(wh, scope, table, path, sheet or None,
                                      progress=lambda msg: progress(0.5, msg))
        return {"next": f"/impor?import_id={report.import_id}", "rows_read": report.rows_read,
                "accepted": report.accepted, "quarantined": report.quarantined,
                "already_imported": report.already_imported}

    job = request.app.state.jobs.submit("import", f"Impor {table}: {file.filename}", work,
                                        request.state.account.username)
    return RedirectResponse(f"/pekerjaan/{job}", status_code=303)
