"""``cakupan potential`` and ``cakupan performance``: where the unprotected are, and whether
the year's targets will be met."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from cakupan.cli.common import (ENGINE_OPT, LANG_OPT, PERIOD_OPT, WAREHOUSE_OPT, Engine, Fmt, Lang, call,
                                check_period, console, emit, fail, warehouse_for)
from cakupan.reports.tables import Report
from cakupan.services import EVERYONE

CHART_OPT = typer.Option(None, "--chart", help="Also draw a chart: out.png or out.html (offline).")


class PotentialBy(str, Enum):
    province = "province"
    regency = "regency"
    segment = "segment"
    sector = "sector"


def potential(
    period: str = PERIOD_OPT,
    by: PotentialBy = typer.Option(PotentialBy.regency, "--by", help="province, regency, segment (pools) or sector"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"), output: Optional[Path] = typer.Option(None, "--output", "-o"),
    chart: Optional[Path] = CHART_OPT, lang: Lang = LANG_OPT,
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Uncovered potential: employed minus active workers, by wage-earner and informal pool
    or by sector, ranked, with the largest opportunities named. Estimated splits say so."""
    from cakupan.services import analysis as svc

    check_period(period)
    with warehouse_for(engine, warehouse, read_only=True) as wh:
        report = call(svc.potential, wh, EVERYONE, period, by.value, lang.value).report
    emit(report, fmt, output, lang.value)
    if chart:
        _chart(lambda charts: charts.potential_chart(
            [{"label": r["region_name"] if by.value != "sector" else r["sector"],
              "pool": "ALL" if by.value == "sector" else _pool_key(r), "uncovered": r["potential"],
              "estimated": r["estimated"]}
             for r in report.rows if r["region_code"] != "TOTAL"],
            lang=lang.value, by="sector" if by.value == "sector" else "region", title=report.title), chart)


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
    from cakupan.services import analysis as svc

    with warehouse_for(engine, warehouse, read_only=True) as wh:
        result = call(svc.performance, wh, EVERYONE, year, region, segment, lang.value)
    report, rows, projection = result.report, result.rows, result.projection
    emit(report, fmt, output, lang.value)
    if chart:
        _chart(lambda charts: charts.performance_chart(
            [{"period": r["period"], "realisation": r["active"], "target": r["target"]}
             for r in rows if r["active"] is not None or r["target"] is not None],
            projection=[{"period": x.period, "mean": x.mean, "lower": x.lower, "upper": x.upper}
                        for x in projection] or None, lang=lang.value, title=report.title), chart)


def coverage_chart(report: Report, path: Path, lang: str) -> None:
    _chart(lambda charts: charts.coverage_chart(
        [{"region_code": r["region_code"], "region_name": r["region_name"], "coverage_pct": r["coverage_pct"],
          "participants": r["participants"], "estimated": r.get("estimated")} for r in report.rows],
        lang=lang, title=report.title), path)
