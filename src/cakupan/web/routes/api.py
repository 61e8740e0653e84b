"""``/api/v1``: every figure a page shows, as JSON, with the same filters (period, region,
segment) and pagination. The OpenAPI document is FastAPI's own (``/openapi.json``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from cakupan.services import NotFound
from cakupan.services import coverage as cov_svc
from cakupan.services import imports as imports_svc
from cakupan.services import lists as lists_svc
from cakupan.services import sponsor as sponsor_svc
from cakupan.web import tables as tb
from cakupan.web.access import declare
from cakupan.web.deps import WH, LangDep, ScopeDep, job_of
from cakupan.web.render import plain

class Problem(BaseModel):
    detail: str


router = APIRouter(tags=["cakupan"], responses={
    400: {"model": Problem, "description": "The request cannot be answered as asked; `detail` says why"},
    404: {"model": Problem, "description": "No such region, list, cohort or job, or no figures for it"},
    409: {"model": Problem, "description": "The warehouse cannot answer now (a table is missing)"},
    422: {"model": Problem, "description": "A parameter is malformed; `detail` names it"}})
PeriodQ = Annotated[str | None, Query(pattern=r"^(19|2[01])\d{2}-(0[1-9]|1[0-2])$", description="Month YYYY-MM (default: the registry's latest)")]
RegionQ = Annotated[str | None, Query(pattern=r"^\d{2}(\.?\d{2}(\.?\d{2}(\.?\d{4})?)?)?$", description="Kemendagri code, e.g. 33 or 33.74")]
Limit = Annotated[int, Query(ge=1, le=10000)]
Offset = Annotated[int, Query(ge=0, le=10**9)]


def _period(request: Request, wh, period: str | None) -> str:
    return period or tb.latest_period(request.app.state.hub, wh)


def _page(result, limit: int, offset: int) -> dict:
    body = result.to_dict()
    rows = body["rows"]
    body.update(total_rows=len(rows), limit=limit, offset=offset, rows=rows[offset:offset + limit])
    return body


@router.get("/coverage", summary="Coverage by province, regency or segment")
@declare("region")
def coverage(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None,
             by: Literal["province", "regency", "segment"] = "province", region: RegionQ = None,
             limit: Limit = 1000, offset: Offset = 0) -> dict:
    p = {"period": _period(request, wh, period), "by": by, "region": region}
    return _page(tb.TABLES["coverage"](request.app.state.hub, wh, scope, p, lang), limit, offset)


@router.get("/wilayah", summary="A region and its children (drill-down)")
@declare("region")
def wilayah(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None,
            region: RegionQ = None, limit: Limit = 1000, offset: Offset = 0) -> dict:
    p = {"period": _period(request, wh, period), "region": region}
    d = tb.TABLES["wilayah"](request.app.state.hub, wh, scope, p, lang)
    body = _page(d, limit, offset)
    body.update(code=d.code, name=d.name, level=d.level, trail=d.trail,
                total={k: plain(v) for k, v in d.total.items()}, segments=d.segments)
    return body


@router.get("/map", summary="Regencies by coverage or unprotected workers (the map's figures)")
@declare("region")
def map_(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None,
         metric: Literal["coverage", "uncovered"] = "coverage",
         region: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None, svg: bool = False) -> dict:
    p = {"period": _period(request, wh, period), "metric": metric, "region": region}
    m = tb.TABLES["map"](request.app.state.hub, wh, scope, p, lang)
    body = {"period": m.period, "metric": m.metric, "kind": m.kind, "estimated": m.estimated,
            "attributions": m.attributions, "rows": [{k: plain(v) for k, v in r.items()} for r in m.rows]}
    if svg:
        body["svg"] = m.svg
    return body


@router.get("/overview", summary="The overview tiles")
@declare("region")
def overview(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None) -> dict:
    period = _period(request, wh, period)
    ov = request.app.state.hub.cached(("overview", scope, period, lang),
                                      lambda: cov_svc.overview(wh, scope, period, lang))
    return {"period": ov.period, "active": ov.active, "employed": ov.employed,
            "coverage_pct": plain(ov.coverage_pct), "change_on_month": ov.change_on_month,
            "previous_period": ov.previous_period, "estimated": ov.estimated,
            "brief": ov.brief.paragraphs}


@router.get("/brief", summary="Press-ready paragraphs")
@declare("region")
def brief(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None) -> dict:
    period = _period(request, wh, period)
    b = request.app.state.hub.cached(("brief", scope, period, lang), lambda: cov_svc.brief(wh, scope, period, lang))
    return {"period": b.period, "paragraphs": b.paragraphs}


@router.get("/potential", summary="Uncovered potential by pool or sector")
@declare("region")
def potential(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None,
              by: Literal["province", "regency", "segment", "sector"] = "regency",
              limit: Limit = 1000, offset: Offset = 0) -> dict:
    p = {"period": _period(request, wh, period), "by": by}
    return _page(tb.TABLES["potential"](request.app.state.hub, wh, scope, p, lang), limit, offset)


@router.get("/performance", summary="Targets against realisation per month, with the projection")
@declare("region")
def performance(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None,
                year: Annotated[int | None, Query(ge=2000, le=2100)] = None, region: RegionQ = None,
                segment: Literal["PU", "BPU", "JAKON", "PMI"] | None = None) -> dict:
    p = {"period": _period(request, wh, period), "year": year, "region": region, "segment": segment}
    r = tb.TABLES["performance"](request.app.state.hub, wh, scope, p, lang)
    body = r.to_dict()
    body.update(status=r.status, year=r.year)
    return body


@router.get("/lists", summary="Partner lists: latest version, counts, outcomes")
@declare("list")
def lists(wh: WH, scope: ScopeDep) -> dict:
    return {"lists": [{**i.__dict__, "imported_at": str(i.imported_at)} for i in lists_svc.lists(wh, scope)]}


SourceP = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")]


@router.get("/lists/{source}/leads", summary="Leads of a matched list (masked unless pii=true)")
@declare("list")
def leads(wh: WH, scope: ScopeDep, source: SourceP, pii: bool = False, limit: Limit = 1000,
          offset: Offset = 0) -> dict:
    if not any(i.source == source for i in lists_svc.lists(wh, scope)):
        raise NotFound(f"tidak ada daftar bernama '{source}'")
    r = lists_svc.leads(wh, scope, source, pii)
    return {"source": source, "summary": r.summary, "counts": r.counts, "personal_data": r.personal_data,
            "total_rows": len(r.rows), "limit": limit, "offset": offset,
            "rows": [{k: plain(v) if not hasattr(v, "isoformat") else v.isoformat() for k, v in row.items()}
                     for row in r.rows[offset:offset + limit]]}


@router.get("/lists/{source}/review", summary="Rows waiting for review (masked)")
@declare("list")
def review(wh: WH, scope: ScopeDep, source: SourceP) -> dict:
    from cakupan.reports.privacy import mask_name, mask_nik

    if not any(i.source == source and i.matched for i in lists_svc.lists(wh, scope)):
        raise NotFound(f"tidak ada daftar bernama '{source}' yang sudah dicocokkan")
    rows = lists_svc.pending(wh, scope, source)
    return {"source": source, "rows": [{**r, "name": mask_name(r["name"]), "nik": mask_nik(r["nik"]),
                                        "registry_name": mask_name(r["registry_name"])} for r in rows]}


@router.get("/imports", summary="Import history")
@declare("list")
def imports(wh: WH, scope: ScopeDep, limit: Limit = 100) -> dict:
    return {"imports": [{**r.__dict__, "imported_at": str(r.imported_at)}
                        for r in imports_svc.history(wh, scope, limit)]}


@router.get("/quarantine", summary="Quarantined rows with their reasons")
@declare("list")
def quarantine(wh: WH, scope: ScopeDep,
               import_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{1,32}$")] = None,
               reason: Annotated[str | None, Query(max_length=60)] = None,
               table: Annotated[str | None, Query(max_length=120)] = None,
               limit: Limit = 100, offset: Offset = 0) -> dict:
    q = imports_svc.quarantine(wh, scope, import_id, reason, table, limit, offset)
    return {"import_id": q.import_id, "total_rows": q.total, "reasons": q.reasons, "limit": limit,
            "offset": offset, "rows": q.rows}


@router.get("/cohorts", summary="Sponsored cohorts")
@declare("cohort")
def cohorts(wh: WH, scope: ScopeDep) -> dict:
    return {"cohorts": [{**c, "created_at": str(c["created_at"])} for c in sponsor_svc.cohorts(wh, scope)]}


@router.get("/cohorts/{cohort_id}", summary="A cohort's members' status in a month (masked)")
@declare("cohort")
def cohort(wh: WH, scope: ScopeDep, cohort_id: Annotated[str, Path(pattern=r"^[0-9a-f]{8}$")],
           period: PeriodQ = None) -> dict:
    from cakupan.reports.privacy import mask_rows

    if not any(c["cohort_id"] == cohort_id for c in sponsor_svc.cohorts(wh, scope)):
        raise NotFound(f"kohort {cohort_id} tidak ditemukan")
    st = sponsor_svc.cohort_status(wh, scope, cohort_id, period)
    return {"cohort": {**st.cohort, "created_at": str(st.cohort["created_at"])}, "period": st.period,
            "counts": st.counts, "follow_up": mask_rows(st.follow_up, False)}


@router.get("/jobs/{job_id}", summary="A background job's progress and result")
@declare("job")
def job(request: Request, job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")]) -> dict:
    return job_of(request, job_id).to_dict()


@router.get("/iuran/{kind}", summary="Contribution calculator")
@declare("none")
def iuran(scope: ScopeDep, lang: LangDep, kind: Literal["pu", "bpu", "jakon", "pmi"],
          period: Annotated[str, Query(pattern=r"^(19|2[01])\d{2}-(0[1-9]|1[0-2])$")] = "2021-11",
          wage: Annotated[int, Query(ge=0, le=10**12)] = 5_000_000, risk: Annotated[int, Query(ge=1, le=5)] = 1,
          size: Literal["mikro", "kecil", "menengah", "besar"] = "kecil",
          income: Annotated[int, Query(ge=0, le=10**12)] = 1_000_000, jht: bool = False,
          sponsor: Literal["self", "apbd", "apbn", "csr", "zakat"] = "self",
          contract: Annotated[int, Query(ge=0, le=10**15)] = 1_000_000_000,
          months: Annotated[int, Query(ge=1, le=120)] = 24) -> dict:
    from cakupan.services.contributions import calculate

    args = {"pu": dict(wage=wage, risk=risk, size=size, period=period),
            "bpu": dict(income=income, period=period, jht=jht, sponsor=sponsor),
            "jakon": dict(contract=contract, period=period), "pmi": dict(months=months, period=period)}[kind]
    return calculate(scope, kind, lang, None, **args).to_dict()
