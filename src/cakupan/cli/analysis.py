"""``cakupan potential`` and ``cakupan performance``: where the unprotected are, and whether
the year's targets will be met."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from cakupan import coverage as cov
from cakupan import performance as pf
from cakupan import potential as pot
from cakupan.cli.common import (ENGINE_OPT, LANG_OPT, PERIOD_OPT, WAREHOUSE_OPT, Engine, Fmt, Lang,
                                check_period, console, emit, fail, open_wh)
from cakupan.reports.tables import Report
from cakupan.warehouse import WarehouseError

CHART_OPT = typer.Option(None, "--chart", help="Also draw a chart: out.png or out.html (offline).")


class PotentialBy(str, Enum):
    province = "province"
    regency = "regency"
    segment = "segment"
    sector = "sector"


def potential_rows(wh, period: str, by: str) -> list[dict]:
    from cakupan.reference import sector_shares

    p, e, w = wh.table("participants"), wh.table("employers"), wh.table("workforce")
    if by == "sector":
        known = sorted({s for prov in ("33", "34") for s in sector_shares(prov)})
        expr = pot.potential_by_sector(p, e, w, period, known, "province")
    else:
        expr = pot.potential_by_pool(p, e, w, period, "regency" if by == "regency" else "province")
    rows = wh.to_arrow(expr).to_pylist()
    if not rows:
        fail("the warehouse has no split of the employed by status and sector for this period: "
             "reload the shipped reference figures with `cakupan warehouse reference`")
    return rows


def potential(
    period: str = PERIOD_OPT,
    by: PotentialBy = typer.Option(PotentialBy.regency, "--by", help="province, regency, segment (pools) or sector"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"), output: Optional[Path] = typer.Option(None, "--output", "-o"),
    chart: Optional[Path] = CHART_OPT, lang: Lang = LANG_OPT,
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Uncovered potential: employed minus active workers, by wage-earner and informal pool
    or by sector, ranked, with the largest opportunities named. Estimated splits say so."""
    from cakupan.reports.potential_report import potential_report

    check_period(period)
    wh = open_wh(engine, warehouse, read_only=True)
    try:
        rows = potential_rows(wh, period, by.value)
    except WarehouseError as e:
        fail(str(e))
    report = potential_report(rows, by.value, period, lang.value)
    emit(report, fmt, output, lang.value)
    if chart:
        _chart(lambda charts: charts.potential_chart(
            [{"label": r["region_name"] if by.value != "sector" else r["sector"],
              "pool": "ALL" if by.value == "sector" else _pool_key(r), "uncovered": r["potential"],
              "estimated": r["estimated"]}
             for r in report.rows if r["region_code"] != "TOTAL"],
            lang=lang.value, by="sector" if by.value == "sector" else "region", title=report.title), chart)
    wh.close()


def _pool_key(row: dict) -> str:
    from cakupan.reports.potential_report import POOL_NAMES

    name = row.get("pool")
    return next((k for k, v in POOL_NAMES.items() if name in v), "INFORMAL")


def _chart(build, path: Path) -> None:
    from cakupan.reports import charts

    try:
        charts.save(build(charts), path)
    except ValueError as e:
        fail(str(e))
    console.print(f"Grafik: {path}")


def targets_by_month(wh, year: int, region: Optional[str], segment: Optional[str]) -> dict[str, int]:
    """Target per month for the region (a province or regency code) and segment; summed over
    provinces when no region is given. Empty when no target was imported."""
    if not wh.has("targets"):
        return {}
    t = wh.table("targets")
    t = t.filter(t.period.startswith(f"{year}-"), t.segment == (segment or "ALL"))
    if region:
        t = t.filter(t.area_code == region, t.level == ("PROVINCE" if len(region) == 2 else "REGENCY"))
    else:
        t = t.filter(t.level == "PROVINCE")
    rows = wh.to_arrow(t.group_by("period").agg(target=t.target.sum())).to_pylist()
    return {r["period"]: int(r["target"]) for r in rows}


def performance_rows(wh, year: int, region: Optional[str], segment: Optional[str]):
    p = wh.table("participants")
    last = wh.to_arrow(p.last_paid_month.max().as_table()).column(0)[0].as_py()
    first = f"{year - 1}-01"
    end = min(f"{year}-12", last)
    if end < f"{year}-01":
        fail(f"the registry ends in {last}: no data for {year}")
    cube = cov.coverage_cube(p, pf.HISTORY_START if pf.HISTORY_START < first else first, end)
    real = {r["period"]: r["active"] for r in wh.to_arrow(pf.realisation(cube, region, segment)).to_pylist()}
    flows = {r["period"]: r for r in wh.to_arrow(pf.monthly_flows(p, f"{year}-01", end, region, segment)).to_pylist()}
    targets = targets_by_month(wh, year, region, segment)
    history = [real[m] for m in sorted(real) if m <= end]
    projection = pf.project(history, end, f"{year}-12")
    rows = []
    for m in cov.months_between(f"{year}-01", f"{year}-12"):
        active = real.get(m)
        prev = real.get(pf.period_of(pf.month_index(m) - 1))
        year_ago = real.get(pf.period_of(pf.month_index(m) - 12))
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
    return rows, status, projection


def performance(
    year: int = typer.Option(2021, "--year", help="Calendar year."),
    region: Optional[str] = typer.Option(None, "--region", help="Province or regency, e.g. 33 or 33.74 (default: all)."),
    segment: Optional[str] = typer.Option(None, "--segment", help="PU, BPU, JAKON or PMI (default: all)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"), output: Optional[Path] = typer.Option(None, "--output", "-o"),
    chart: Optional[Path] = CHART_OPT, lang: Lang = LANG_OPT,
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Per month: active workers, new registrations, lapses, target, achievement, change on
    the month and on the year; the year-end projection with its interval and an on-track flag."""
    from cakupan.regions import undotted
    from cakupan.reports.performance_report import performance_report

    from cakupan.contracts import SEGMENTS

    if segment and segment.upper() not in SEGMENTS:
        fail(f"unknown segment {segment!r}: choose one of {', '.join(SEGMENTS)}")
    code = undotted(region) if region else None
    wh = open_wh(engine, warehouse, read_only=True)
    try:
        rows, status, projection = performance_rows(wh, year, code, segment.upper() if segment else None)
    except WarehouseError as e:
        fail(str(e))
    report = performance_report(rows, status, projection, year, code, segment, lang.value)
    emit(report, fmt, output, lang.value)
    if chart:
        _chart(lambda charts: charts.performance_chart(
            [{"period": r["period"], "realisation": r["active"], "target": r["target"]}
             for r in rows if r["active"] is not None or r["target"] is not None],
            projection=[{"period": x.period, "mean": x.mean, "lower": x.lower, "upper": x.upper}
                        for x in projection] or None, lang=lang.value, title=report.title), chart)
    wh.close()


def coverage_chart(report: Report, path: Path, lang: str) -> None:
    _chart(lambda charts: charts.coverage_chart(
        [{"region_code": r["region_code"], "region_name": r["region_name"], "coverage_pct": r["coverage_pct"],
          "participants": r["participants"], "estimated": r.get("estimated")} for r in report.rows],
        lang=lang, title=report.title), path)
