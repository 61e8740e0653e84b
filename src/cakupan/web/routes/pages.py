"""The analyst's pages: overview, drill-down, potential, performance, contributions, and the
CSV/XLSX download of every table."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from cakupan.web import tables as tb
from cakupan.web.access import declare
from cakupan.web.deps import WH, LangDep, ScopeDep
from cakupan.web.render import download

router = APIRouter(include_in_schema=False)
CSRF_SLOT = "__cakupan_csrf_slot__"

PeriodQ = Annotated[str | None, Query(pattern=r"^(19|2[01])\d{2}-(0[1-9]|1[0-2])$")]
RegionQ = Annotated[str | None, Query(pattern=r"^[0-9.]{2,13}$")]


def page(request: Request, template: str, nav: str | None, lang: str, cache: bool = False, **context):
    """Render a page; with ``cache`` the HTML itself is kept until the next write (pages whose
    content depends only on the URL, the language and the warehouse)."""
    q = dict(request.query_params)
    me = request.state.account
    ctx = {"request": request, "lang": lang, "nav": nav, "q": q, "path": request.url.path, "me": me,
           "csrf": CSRF_SLOT, **context}
    render = lambda: request.app.state.templates.get_template(template).render(ctx)  # noqa: E731
    if cache:  # one copy per URL, language and caller's scope; the session's CSRF token goes in afterwards
        scope = getattr(request.state, "scope", None)
        key = ("html", template, str(request.url), lang, scope, me.username if me else None)
        html = request.app.state.hub.cached(key, render)
    else:
        html = render()
    return HTMLResponse(html.replace(CSRF_SLOT, request.state.csrf or ""))


def _period(request: Request, wh, period: str | None) -> tuple[str, list[str]]:
    latest = tb.latest_period(request.app.state.hub, wh)
    return period or latest, tb.periods(latest)


@router.get("/")
@declare("region")
def ringkasan(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None):
    from cakupan.services import coverage as svc

    hub = request.app.state.hub
    period, periods = _period(request, wh, period)
    ov = hub.cached(("overview", scope, period, lang), lambda: svc.overview(wh, scope, period, lang))
    chart = None
    if ov.performance is not None:
        chart = hub.cached(("overview-chart", scope, period, lang), lambda: _trend_svg(ov.performance, lang))
    return page(request, "ringkasan.html", "ringkasan", lang, cache=True, period=period, periods=periods, ov=ov,
                chart=chart, report=ov.table.report)


def _trend_svg(perf, lang: str) -> str | None:
    from cakupan.reports import charts
    from cakupan.web.render import svg_chart

    rows = [{"period": r["period"], "realisation": r["active"], "target": r["target"]}
            for r in perf.rows if r["active"] is not None or r["target"] is not None]
    if not rows:
        return None
    proj = [{"period": x.period, "mean": x.mean, "lower": x.lower, "upper": x.upper} for x in perf.projection]
    return svg_chart(charts.performance_chart(rows, projection=proj or None, lang=lang, title=perf.report.title))


@router.get("/wilayah")
@declare("region")
def wilayah_all(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None):
    return _wilayah(request, wh, scope, lang, period, None)


@router.get("/wilayah/{code}")
@declare("region")
def wilayah(request: Request, wh: WH, scope: ScopeDep, lang: LangDep,
            code: Annotated[str, Path(pattern=r"^[0-9.]{2,13}$")], period: PeriodQ = None):
    return _wilayah(request, wh, scope, lang, period, code)


def _wilayah(request: Request, wh, scope, lang: str, period: str | None, code: str | None):
    hub = request.app.state.hub
    period, periods = _period(request, wh, period)
    result = tb.TABLES["wilayah"](hub, wh, scope, {"period": period, "region": code}, lang)
    top = max((r["participants"] for r in result.report.rows), default=0) or 1
    return page(request, "wilayah.html", "wilayah", lang, cache=True, period=period, periods=periods, d=result,
                report=result.report, top=top, download_params={"region": result.code})


@router.get("/peta")
@declare("region")
def peta(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None,
         metric: Literal["coverage", "uncovered"] = "coverage",
         region: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None):
    hub = request.app.state.hub
    period, periods = _period(request, wh, period)
    result = tb.TABLES["map"](hub, wh, scope, {"period": period, "metric": metric, "region": region}, lang)
    return page(request, "peta.html", "peta", lang, cache=True, period=period, periods=periods, m=result, metric=metric,
                report=result.report)


@router.get("/potensi")
@declare("region")
def potensi(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None,
            by: Literal["province", "regency", "segment", "sector"] = "regency"):
    hub = request.app.state.hub
    period, periods = _period(request, wh, period)
    result = tb.TABLES["potential"](hub, wh, scope, {"period": period, "by": by}, lang)
    return page(request, "potensi.html", "potensi", lang, cache=True, period=period, periods=periods, r=result,
                report=result.report, by=by)


@router.get("/kinerja")
@declare("region")
def kinerja(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, period: PeriodQ = None,
            region: RegionQ = None, segment: Literal["PU", "BPU", "JAKON", "PMI"] | None = None):
    hub = request.app.state.hub
    period, periods = _period(request, wh, period)
    result = tb.TABLES["performance"](hub, wh, scope, {"period": period, "region": region,
                                                       "segment": segment}, lang)
    chart = hub.cached(("perf-chart", scope, period, region, segment, lang), lambda: _trend_svg(result, lang))
    return page(request, "kinerja.html", "kinerja", lang, cache=True, period=period, periods=periods, r=result,
                report=result.report, chart=chart)


@router.get("/iuran")
@declare("none")
def iuran(request: Request, scope: ScopeDep, lang: LangDep,
          kind: Literal["pu", "bpu", "jakon", "pmi"] = "bpu",
          period: PeriodQ = None, wage: Annotated[int | None, Query(ge=0, le=10**12)] = None,
          risk: Annotated[int | None, Query(ge=1, le=5)] = None,
          size: Literal["mikro", "kecil", "menengah", "besar"] | None = None,
          income: Annotated[int | None, Query(ge=0, le=10**12)] = None, jht: bool = False,
          sponsor: Literal["self", "apbd", "apbn", "csr", "zakat"] = "self",
          contract: Annotated[int | None, Query(ge=0, le=10**15)] = None,
          months: Annotated[int | None, Query(ge=1, le=120)] = None):
    from cakupan.services import ServiceError
    from cakupan.services.contributions import calculate

    period = period or "2021-11"
    args = {"pu": dict(wage=wage or 5_000_000, risk=risk or 1, size=size or "kecil", period=period),
            "bpu": dict(income=income or 1_000_000, period=period, jht=jht, sponsor=sponsor),
            "jakon": dict(contract=contract or 1_000_000_000, period=period),
            "pmi": dict(months=months or 24, period=period)}[kind]
    try:
        result, problem = calculate(scope, kind, lang, None, **args), None
    except ServiceError as e:
        result, problem = None, str(e)
    return page(request, "iuran.html", "iuran", lang, period=period, periods=[], kind=kind, args=args,
                result=result, problem=problem, report=result.report if result else None)


@router.get("/unduh/{name}.{kind}")
@declare("region")
def unduh(request: Request, wh: WH, scope: ScopeDep, lang: LangDep, name: str,
          kind: Literal["csv", "xlsx"], period: PeriodQ = None):
    params = dict(request.query_params)
    params["period"], _ = _period(request, wh, period)
    report = tb.report_of(name, request.app.state.hub, wh, scope, params, lang)
    return download(report, f"cakupan-{name}-{params['period']}", kind, lang)
