"""Sponsorship in the browser: a scenario form → selection summary, monthly costs, money left,
coverage before and after; two scenarios side by side; commit a cohort; cohort status."""

from __future__ import annotations

import io
from pathlib import Path as FsPath
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from cakupan.services import NotFound
from cakupan.services import sponsor as svc
from cakupan.web.access import declare
from cakupan.web.deps import WH, LangDep, ScopeDep, job_of, jobs_owner
from cakupan.web.routes.pages import page
from cakupan.web.routes.uploads import save_upload

router = APIRouter(include_in_schema=False)
JobP = Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")]


@router.get("/sponsor")
@declare("cohort")
def sponsor(request: Request, wh: WH, scope: ScopeDep, lang: LangDep):
    jobs = [j for j in request.app.state.jobs.recent(None, 30, jobs_owner(request)) if j.kind.startswith("sponsor")][:10]
    return page(request, "sponsor.html", "sponsor", lang, periods=[], cohorts=svc.cohorts(wh, scope), jobs=jobs)


def _params(budget, months, sponsor_, region, package, priority, quotas, start):
    return {"budget": budget, "months": months, "sponsor": sponsor_, "region": region, "package": package,
            "priority": priority or None, "quotas": [q.strip() for q in (quotas or "").splitlines() if q.strip()],
            "start": start or None}


def _plan(wh, scope, file: FsPath, p: dict, months: int | None = None, priority: str | None = "-"):
    return svc.plan(wh, scope, file, p["budget"], months or p["months"], p["sponsor"], p["region"], p["start"],
                    p["package"], p["priority"] if priority == "-" else priority, p["quotas"], None)


@router.post("/sponsor")
@declare("cohort")
def sponsor_plan(request: Request, scope: ScopeDep,
                 candidates: Annotated[UploadFile, File()],
                 budget: Annotated[int, Form(ge=1, le=10**15)],
                 region: Annotated[str, Form(pattern=r"^[0-9., ]{2,200}$")],
                 months: Annotated[int, Form(ge=1, le=60)] = 12,
                 sponsor_: Annotated[Literal["apbd", "apbn", "csr", "zakat"], Form(alias="sponsor")] = "apbd",
                 package: Annotated[Literal["jkk-jkm", "jkk-jkm-jht"], Form()] = "jkk-jkm",
                 priority: Annotated[str, Form(max_length=500)] = "",
                 quotas: Annotated[str, Form(max_length=5000)] = "",
                 start: Annotated[str, Form(pattern=r"^((19|2[01])\d{2}-(0[1-9]|1[0-2]))?$")] = "",
                 months_b: Annotated[int | None, Form(ge=1, le=60)] = None,
                 priority_b: Annotated[str, Form(max_length=500)] = ""):
    path = save_upload(request, candidates)
    params = _params(budget, months, sponsor_, region, package, priority, quotas, start)
    hub, plans = request.app.state.hub, request.app.state.plans
    second = bool(months_b or priority_b)

    def work(progress):
        progress(0.1, "menilai kandidat")
        with hub.reader() as wh:
            a = _plan(wh, scope, path, params)
            b = None
            if second:
                progress(0.6, "skenario kedua")
                b = _plan(wh, scope, path, params, months_b, priority_b or params["priority"])
        plans[job_id[0]] = (a, b)
        return {"next": f"/sponsor/rencana/{job_id[0]}", "file": str(path), "params": params,
                "second": {"months": months_b, "priority": priority_b or None} if second else None,
                "selected": len(a.selected), "cost": a.cost, "left": a.left}

    job_id = [None]
    job_id[0] = request.app.state.jobs.submit("sponsor-plan", f"Rencana sponsor {region}", work,
                                              request.state.account.username)
    return RedirectResponse(f"/pekerjaan/{job_id[0]}", status_code=303)


def _load(request: Request, wh, scope, job_id: str):
    job = job_of(request, job_id)
    if job.kind != "sponsor-plan" or job.status != "done":
        raise NotFound(f"rencana {job_id} tidak ditemukan")
    plans = request.app.state.plans
    if job_id not in plans:  # after a restart: the same plan again from the kept file and inputs
        res = job.result
        p, s = res["params"], res.get("second")
        a = _plan(wh, scope, FsPath(res["file"]), p)
        b = _plan(wh, scope, FsPath(res["file"]), p, s["months"], s["priority"] or p["priority"]) if s else None
        plans[job_id] = (a, b)
    return job, plans[job_id]


@router.get("/sponsor/rencana/{job_id}")
@declare("cohort")
def sponsor_result(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, job_id: JobP, pii: bool = False):
    from cakupan.reports import sponsor_report as rep

    job, (a, b) = _load(request, wh, scope, job_id)
    show = scope.show_pii(pii)
    return page(request, "sponsor_plan.html", "sponsor", lang, periods=[], job=job, a=a, b=b,
                summary=rep.summary(a, lang), summary_b=rep.summary(b, lang) if b else None,
                schedule=rep.schedule_rows(a), impact=rep.impact_rows(a),
                people=rep.people_rows(a, show, lang, True)[:200], pii=show)


@router.get("/sponsor/rencana/{job_id}/rencana.xlsx")
@declare("cohort")
def sponsor_xlsx(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, job_id: JobP, pii: bool = False):
    from cakupan.reports.sponsor_report import write_plan_xlsx

    _, (a, _b) = _load(request, wh, scope, job_id)
    buf = io.BytesIO()
    write_plan_xlsx(a, buf, lang, scope.show_pii(pii))
    return Response(buf.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="rencana-sponsor-{job_id}.xlsx"'})


@router.post("/sponsor/rencana/{job_id}/simpan")
@declare("cohort")
def sponsor_commit(request: Request, wh: WH, scope: ScopeDep, job_id: JobP,
                   name: Annotated[str, Form(min_length=1, max_length=200)]):
    _, (a, _b) = _load(request, wh, scope, job_id)
    hub, store, me = request.app.state.hub, request.app.state.store, request.state.account.username

    def work(progress):
        from cakupan.services import users

        with hub.writer() as w:
            done = svc.commit(w, scope, name, a)
        users.own_cohort(store, done.cohort_id, me)
        return {"next": f"/sponsor/kohort/{done.cohort_id}", "cohort_id": done.cohort_id,
                "members": len(a.selected)}

    job = request.app.state.jobs.submit("sponsor-commit", f"Kohort {name}", work, me)
    return RedirectResponse(f"/pekerjaan/{job}", status_code=303)


@router.get("/sponsor/kohort/{cohort_id}")
@declare("cohort")
def cohort(request: Request, wh: WH, scope: ScopeDep, lang: LangDep,
           cohort_id: Annotated[str, Path(pattern=r"^[0-9a-f]{8}$")],
           period: Annotated[str | None, Query(pattern=r"^(19|2[01])\d{2}-(0[1-9]|1[0-2])$")] = None, pii: bool = False):
    from cakupan.reports.privacy import mask_rows

    st = svc.cohort_status(wh, scope, cohort_id, period)
    follow = mask_rows(st.follow_up, scope.show_pii(pii))
    return page(request, "cohort.html", "sponsor", lang, periods=[], st=st, follow=follow,
                words=svc.STATUS_WORDS)
