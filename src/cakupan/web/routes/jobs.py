"""A job's page: its progress bar (updated by a small local script, or by reloading), its
result or why it failed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from cakupan.web.access import declare
from cakupan.web.deps import LangDep, job_of
from cakupan.web.routes.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/pekerjaan/{job_id}")
@declare("job")
def pekerjaan(request: Request, lang: LangDep, job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")]):
    job = job_of(request, job_id)
    return page(request, "job.html", None, lang, periods=[], job=job)
