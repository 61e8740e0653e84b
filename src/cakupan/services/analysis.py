"""Where the unprotected are (potential) and whether the year's targets will be met
(performance)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cakupan import coverage as cov
from cakupan import performance as pf
from cakupan import potential as pot
from cakupan.contracts import SEGMENTS
from cakupan.periods import month_index, period_of
from cakupan.services.common import NotFound, Result, Scope, ServiceError, check_period, scalar
from cakupan.warehouse import WarehouseError

POTENTIAL_BY = ("province", "regency", "segment", "sector")


def _tables(wh, scope: Scope):
    try:
        return (scope.filter(wh.table("participants")), wh.table("employers"),
                scope.filter(wh.table("workforce"), "region_code"))
    except WarehouseError as e:
        raise ServiceError(str(e)) from None


def potential_rows(wh, scope: Scope, period: str, by: str) -> list[dict]:
    """Employed, covered and potential per region and pool (or sector)."""
    from cakupan.reference import sector_shares

    p, e, w = _tables(wh, scope)
    if by == "sector":
        provinces = wh.to_arrow(w.filter(w.region_code.length() == 2).select("region_code").distinct())
        known = sorted({s for prov in provinces["region_code"].to_pylist() for s in sector_shares(prov)})
        expr = pot.potential_by_sector(p, e, w, period, known, "province")
    else:
        expr = pot.potential_by_pool(p, e, w, period, "regency" if by == "regency" else "province")
    rows = wh.to_arrow(expr).to_pylist()
    if not rows:
        raise NotFound("the warehouse has no split of the employed by status and sector for this period: "
                           "reload the shipped reference figures with `cakupan warehouse reference`")
    return rows


@dataclass
class PotentialResult(Result):
    by: str = "regency"
    raw: list[dict] = field(default_factory=list)


def potential(wh, scope: Scope, period: str, by: str = "regency", lang: str = "id") -> PotentialResult:
    """Employed minus active workers by wage-earner and informal pool or by sector, ranked,
    with the largest opportunities named; estimated splits say so."""
    from cakupan.reports.potential_report import potential_report

    check_period(period)
    if by not in POTENTIAL_BY:
        raise ServiceError(f"--by {by!r}: pilih {', '.join(POTENTIAL_BY)}")
    rows = potential_rows(wh, scope, period, by)
    report = potential_report(rows, by, period, lang)
    return PotentialResult(report, period, "penduduk bekerja menurut status dan sektor (estimasi)",
                           any(r["estimated"] for r in rows), by=by, raw=rows)


def targets_by_month(wh, scope: Scope, year: int, region: str | None, segment: str | None) -> dict[str, int]:
    """Target per month for the region (a province or regency code) and segment; summed over
    the provinces the caller may see when no region is given. Empty without targets."""
    if not wh.has("targets"):
        return {}
    t = wh.table("targets")
    t = t.filter(t.period.startswith(f"{year}-"), t.segment == (segment or "ALL"))
    if region:
        t = t.filter(t.area_code == region, t.level == ("PROVINCE" if len(region) == 2 else "REGENCY"))
    else:
        t = scope.filter(t.filter(t.level == "PROVINCE"), "area_code")
    rows = wh.to_arrow(t.group_by("period").agg(target=t.target.sum())).to_pylist()
    return {r["period"]: int(r["target"]) for r in rows}


@dataclass
class PerformanceResult(Result):
    rows: list[dict] = field(default_factory=list)
    status: str | None = None
    projection: list = field(default_factory=list)
    year: int = 0
    region: str | None = None
    segment: str | None = None


def performance_rows(wh, scope: Scope, year: int, region: str | None, segment: str | None) -> PerformanceResult:
    """Per month of ``year``: active workers, flows, target, achievement, changes, projection."""
    p = _tables(wh, scope)[0]
    last = scalar(wh, p.last_paid_month.max())
    if last is None:
        raise NotFound("registri kosong: belum ada peserta")
    first = f"{year - 1}-01"
    end = min(f"{year}-12", last)
    if end < f"{year}-01":
        raise NotFound(f"the registry ends in {last}: no data for {year}")
    cube = cov.coverage_cube(p, pf.HISTORY_START if pf.HISTORY_START < first else first, end)
    real = {r["period"]: r["active"] for r in wh.to_arrow(pf.realisation(cube, region, segment)).to_pylist()}
    flows = {r["period"]: r for r in wh.to_arrow(pf.monthly_flows(p, f"{year}-01", end, region, segment)).to_pylist()}
    targets = targets_by_month(wh, scope, year, region, segment)
    history = [real[m] for m in sorted(real) if m <= end]
    projection = pf.project(history, end, f"{year}-12")
    rows = []
    for m in cov.months_between(f"{year}-01", f"{year}-12"):
        active = real.get(m)
        prev = real.get(period_of(month_index(m) - 1))
        year_ago = real.get(period_of(month_index(m) - 12))
        proj = next((x for x in projection if x.period == m), None)
        rows.append({
            "period": m, "active": active, "new": flows.get(m, {}).get("new") if active is not None else None,
            "lapsed": flows.get(m, {}).get("lapsed") if active is not None else None,
            "target": targets.get(m), "achievement_pct": cov.percent(active, targets.get(m)),
            "mom": active - prev if active is not None and prev is not None else None,
            "yoy": active - year_ago if active is not None and year_ago is not None else None,
            "projection": round(proj.mean) if proj else None,
            "lower": round(proj.lower) if proj else None, "upper": round(proj.upper) if proj else None,
        })
    dec = f"{year}-12"
    status = pf.on_track(targets.get(dec) or (targets[max(targets)] if targets else None),
                         projection[-1] if projection else None, real.get(dec))
    return PerformanceResult(None, end, "target peserta aktif", bool(projection), rows=rows, status=status,
                             projection=projection, year=year, region=region, segment=segment)


def performance(wh, scope: Scope, year: int, region: str | None = None, segment: str | None = None,
                lang: str = "id") -> PerformanceResult:
    """Monthly realisation against target with the year-end projection and an on-track verdict."""
    from cakupan.reports.performance_report import performance_report

    if segment and segment.upper() not in SEGMENTS:
        raise ServiceError(f"unknown segment {segment!r}: choose one of {', '.join(SEGMENTS)}")
    if not 1901 <= year <= 2199:
        # the report compares with the year before: 1900 has none cakupan can count
        raise ServiceError(f"tahun {year}: kinerja dapat dihitung untuk tahun 1901-2199")
    code = scope.within(region)
    seg = segment.upper() if segment else None
    try:
        result = performance_rows(wh, scope, year, code, seg)
    except WarehouseError as e:
        raise ServiceError(str(e)) from None
    result.report = performance_report(result.rows, result.status, result.projection, year, code, segment, lang)
    return result
