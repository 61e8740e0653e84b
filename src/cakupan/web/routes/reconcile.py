"""Reconciliation with JKN in the browser: per regency the ranked employers, and per
employer the people behind the findings (masked unless asked for and allowed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from cakupan.services import ServiceError
from cakupan.services import reconcile as svc
from cakupan.web.access import declare
from cakupan.web.deps import WH, LangDep, ScopeDep
from cakupan.web.routes.pages import page

router = APIRouter(include_in_schema=False)
PeriodQ = Annotated[str, Query(pattern=r"^(19|2[01])\d{2}-(0[1-9]|1[0-2])$")]
RegencyQ = Annotated[str | None, Query(pattern=r"^\d{2}(\.?\d{2})?$")]


def _regencies(wh, scope, period: str) -> list[tuple[str, str]]:
    from cakupan.regions import dotted, region_name

    if not wh.has(svc.EMPLOYERS):
        return []
    t = scope.filter(wh.table(svc.EMPLOYERS).filter(wh.table(svc.EMPLOYERS).period == period), "employer_regency")
    codes = sorted(r["employer_regency"] for r in wh.to_arrow(t.select("employer_regency").distinct()).to_pylist()
                   if r["employer_regency"])
    return [(dotted(c), region_name(c) or dotted(c)) for c in codes]


@router.get("/rekonsiliasi")
@declare("region")
def rekonsiliasi(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = "2021-11",
                 regency: RegencyQ = None):
    try:
        summary = svc.summary(wh, scope, period, regency)
        employers = svc.employers(wh, scope, period, regency, limit=100)
    except ServiceError as e:
        if not isinstance(e, svc.NotFound):
            return page(request, "reconcile.html", "rekonsiliasi", lang, period=period, regency=regency,
                        missing=str(e), regencies=[])
        raise
    return page(request, "reconcile.html", "rekonsiliasi", lang, period=period, regency=regency, missing=None,
                summary=summary, rows=employers.report.rows, notes=employers.report.notes,
                regencies=_regencies(wh, scope, period))


@router.get("/rekonsiliasi/pemberi-kerja/{employer_id}")
@declare("region")
def rekonsiliasi_employer(request: Request, wh: WH, scope: ScopeDep, lang: LangDep,
                          employer_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,40}$")],
                          period: PeriodQ = "2021-11", pii: bool = False):
    found = [r for r in svc.employers(wh, scope, period, limit=None).report.rows if r["employer_id"] == employer_id]
    if not found:
        raise svc.NotFound(f"pemberi kerja {employer_id} tidak ditemukan")
    people = svc.people(wh, scope, period, employer_id=employer_id, show_pii=pii, limit=None)
    return page(request, "reconcile_employer.html", "rekonsiliasi", lang, period=period, employer=found[0],
                rows=people.report.rows, notes=people.report.notes, pii=scope.show_pii(pii))
