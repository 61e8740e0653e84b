"""Coverage use cases: the table by province / regency / segment, the brief, the drill-down
from province to village, and the overview tiles."""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
from ibis import _

from cakupan import coverage as cov
from cakupan import regions
from cakupan.cohorts import registry_of
from cakupan.periods import shift
from cakupan.reports.tables import Report
from cakupan.services.common import NotFound, Result, Scope, ServiceError, check_period
from cakupan.warehouse import WarehouseError

BY = ("province", "regency", "segment")
DENOMINATOR = "penduduk bekerja (Sakernas)"


@dataclass
class CoverageResult(Result):
    rows: list[cov.CoverageRow] = field(default_factory=list)
    """Region rows followed by their total (province and regency views)."""
    by: str = "province"
    region: str | None = None


def registry(wh, scope: Scope) -> ibis.Table:
    """The registry (participants plus sponsored cohorts) the caller may see."""
    return scope.filter(registry_of(wh), "village_code")


def workforce(wh, scope: Scope) -> ibis.Table:
    return scope.filter(wh.table("workforce"), "region_code")


def _prefixes(scope: Scope, within: str | None, level: str) -> list[str | None]:
    """The region prefixes a coverage query runs over: the asked region, or the scope's
    regions cut to the level's length (whole provinces for a province table)."""
    if within or scope.regions is None:
        return [within]
    return sorted({r[: cov.LEVELS[level]] if len(r) > cov.LEVELS[level] else r for r in scope.regions})


def region_rows(wh, scope: Scope, period: str, level: str, within: str | None):
    """Coverage rows of ``level`` (with their total), region names and denominator sources."""
    p, w = registry(wh, scope), workforce(wh, scope)
    records: list[dict] = []
    for prefix in _prefixes(scope, within, level):
        records += wh.to_arrow(cov.coverage_by_region(p, w, period, level, prefix)).to_pylist()
    if not records:
        raise NotFound(f"no active participants or workforce figures for {period}"
                           + (f" in region {within}" if within else ""))
    rows = cov.with_total(cov.rows_from(sorted(records, key=lambda r: r["region_code"])))
    wf = wh.to_arrow(cov.latest_workforce(w, period, level)).to_pylist()
    src = wh.to_arrow(w.select("region_code", "period", "source")).to_pylist()
    by_key = {(s["region_code"], s["period"]): s["source"] for s in src}
    sources = {}
    for r in wf:
        match = by_key.get((r["region_code"], r["workforce_period"]))
        if match and (not within or r["region_code"].startswith(within)):
            sources[r["region_code"]] = match
    return rows, regions.names(), sources


def coverage(wh, scope: Scope, period: str, by: str = "province", region: str | None = None,
             lang: str = "id") -> CoverageResult:
    """Coverage of the employed and of the labour force by province, regency or segment."""
    from cakupan.reports.coverage_report import region_report, segment_report

    check_period(period)
    if by not in BY:
        raise ServiceError(f"--by {by!r}: pilih province, regency atau segment")
    within = scope.within(region)
    try:
        if by == "segment":
            rows, _, _ = region_rows(wh, scope, period, "province", within[:2] if within else None)
            records = wh.to_arrow(cov.coverage_by_segment(registry(wh, scope), period, within)).to_pylist()
            employed = rows[-1].employed if not within or len(within) == 2 else None
            report = segment_report(records, employed, period, lang)
        else:
            rows, names, sources = region_rows(wh, scope, period, by, within)
            report = region_report(rows, names, period, by, sources, lang)
    except WarehouseError as e:
        raise ServiceError(str(e)) from None
    estimated = any(r.estimated for r in rows)
    return CoverageResult(report, period, DENOMINATOR, estimated, rows=rows, by=by, region=within)


@dataclass
class BriefResult:
    period: str
    paragraphs: list[str]


def brief(wh, scope: Scope, period: str, lang: str = "id") -> BriefResult:
    """Press-ready paragraphs: coverage, the uncovered potential, and the year so far."""
    from cakupan.reports.brief import coverage_brief, performance_brief, potential_brief
    from cakupan.services import analysis

    check_period(period)
    try:
        rows, names, _ = region_rows(wh, scope, period, "province", None)
    except WarehouseError as e:
        raise ServiceError(str(e)) from None
    out = [coverage_brief(rows, names, period, lang)]
    if wh.has("employers"):
        try:
            pools = analysis.potential_rows(wh, scope, period, "segment")
            sectors = analysis.potential_rows(wh, scope, period, "sector")
            out.append(potential_brief(pools, sectors, lang))
        except ServiceError:
            pass
    try:
        perf = analysis.performance_rows(wh, scope, int(period[:4]), None, None)
    except ServiceError:
        perf = None
    if perf is not None:
        seen = [r for r in perf.rows if r["period"] <= period]
        text = performance_brief(seen, perf.status if seen and seen[-1]["period"][5:] == "12" else None, lang)
        if text:
            out.append(text)
    return BriefResult(period, out)


# -- drill-down -------------------------------------------------------------------------------

LEVEL_LENGTH = {1: 2, 2: 4, 3: 6, 4: 10}
LEVEL_NAMES = {1: ("Provinsi", "Province"), 2: ("Kabupaten/kota", "Regency/city"),
               3: ("Kecamatan", "District"), 4: ("Desa/kelurahan", "Village")}


@dataclass
class DrillResult(Result):
    """One region and its children: coverage where a denominator exists, active workers and
    the segment split everywhere."""

    code: str | None = None
    name: str = ""
    level: int = 0
    """0 = the whole scope (all provinces), 1 province, 2 regency, 3 district, 4 village."""
    trail: list[tuple[str, str]] = field(default_factory=list)
    """(code, name) from the province down to this region: the breadcrumb."""
    total: dict = field(default_factory=dict)
    segments: list[dict] = field(default_factory=list)


def _segment_split(people: ibis.Table, key: ibis.Value | None) -> ibis.Table:
    by = {"region_code": key} if key is not None else {}
    return people.group_by(**by, segment=people.segment).agg(n=_.nik.count())


def drilldown(wh, scope: Scope, period: str, code: str | None = None, lang: str = "id") -> DrillResult:
    """A region's children with active workers per segment, and coverage where the
    labour-force figures reach (provinces and regencies)."""
    from cakupan.reports import format as fmt

    check_period(period)
    within = scope.within(code)
    level = regions.level_of(within) if within else 0
    if within and regions.region_name(within) is None:
        raise NotFound(f"wilayah {regions.dotted(within)} tidak ditemukan")
    i = 0 if lang == "id" else 1
    people = cov.active_people(registry(wh, scope), period)
    if within:
        people = people.filter(people.village_code.startswith(within))
    child_level = level + 1
    names = regions.names()
    if child_level <= 4:
        key = people.village_code.substr(0, LEVEL_LENGTH[child_level])
        counts = wh.to_arrow(_segment_split(people, key)).to_pylist()
    else:
        counts = []
    seg_total = wh.to_arrow(_segment_split(people, None)).to_pylist()
    children: dict[str, dict] = {}
    for r in counts:
        row = children.setdefault(r["region_code"], {"region_code": r["region_code"], "participants": 0,
                                                     "PU": 0, "BPU": 0, "JAKON": 0, "PMI": 0})
        row[r["segment"]] = r["n"]
        row["participants"] += r["n"]
    if child_level <= 4:
        for c in regions.children(within, child_level) if within else _scope_provinces(scope):
            if scope.allows(c):
                children.setdefault(c, {"region_code": c, "participants": 0, "PU": 0, "BPU": 0,
                                        "JAKON": 0, "PMI": 0})
    denominators = {}
    if child_level in (1, 2):
        lvl = "province" if child_level == 1 else "regency"
        wf = wh.to_arrow(cov.latest_workforce(workforce(wh, scope), period, lvl)).to_pylist()
        denominators = {r["region_code"]: r for r in wf if not within or r["region_code"].startswith(within)}
    rows = []
    for c, row in sorted(children.items()):
        d = denominators.get(c)
        row["region_name"] = names.get(c, "?")
        row["employed"] = d["employed"] if d else None
        row["coverage_pct"] = cov.percent(row["participants"], row["employed"])
        row["estimated"] = d["estimated"] if d else None
        row["workforce_period"] = d["workforce_period"] if d else None
        rows.append(row)
    rows.sort(key=lambda r: -r["participants"])
    total = {"participants": sum(r["n"] for r in seg_total)}
    if within and level in (1, 2):
        lvl = "province" if level == 1 else "regency"
        wf = wh.to_arrow(cov.latest_workforce(workforce(wh, scope), period, lvl)).to_pylist()
        mine = next((r for r in wf if r["region_code"] == within), None)
        total["employed"] = mine["employed"] if mine else None
        total["estimated"] = mine["estimated"] if mine else None
    elif not within and denominators:
        total["employed"] = sum(r["employed"] for r in denominators.values())
        total["estimated"] = any(r["estimated"] for r in denominators.values())
    total["coverage_pct"] = cov.percent(total["participants"], total.get("employed"))
    what = LEVEL_NAMES.get(child_level, ("", ""))[i]
    here = names.get(within, "") if within else ("Semua wilayah" if i == 0 else "All regions")
    title = (f"{here}: peserta aktif per {what.lower()}, " if i == 0
             else f"{here}: active workers by {what.lower()}, ") + fmt.month_name(period, lang)
    notes = [("Cakupan dihitung hanya sampai kabupaten/kota: di bawahnya tidak ada data penduduk bekerja."
              if i == 0 else "Coverage stops at regency level: there are no employment figures below it.")]
    columns = ["region_code", "region_name", "participants", "PU", "BPU", "JAKON", "PMI",
               "employed", "coverage_pct", "estimated"]
    kinds = {"region_code": "code", "region_name": "text", "participants": "int", "PU": "int", "BPU": "int",
             "JAKON": "int", "PMI": "int", "employed": "int", "coverage_pct": "pct", "estimated": "bool"}
    report = Report(title, columns, kinds, rows, notes)
    trail = [(within[:n], names.get(within[:n], within[:n])) for n in (2, 4, 6, 10) if within and len(within) >= n]
    return DrillResult(report, period, DENOMINATOR if denominators else None,
                       any(bool(r["estimated"]) for r in rows), code=within, name=here, level=level,
                       trail=trail, total=total,
                       segments=sorted(({"segment": r["segment"], "participants": r["n"]} for r in seg_total),
                                       key=lambda r: -r["participants"]))


def _scope_provinces(scope: Scope) -> list[str]:
    if scope.regions is None:
        return []
    return sorted({r[:2] for r in scope.regions})


# -- overview ---------------------------------------------------------------------------------

@dataclass
class Overview:
    period: str
    active: int
    employed: int | None
    coverage_pct: object
    change_on_month: int | None
    previous_period: str
    estimated: bool
    table: CoverageResult
    brief: BriefResult
    performance: object | None


def overview(wh, scope: Scope, period: str, lang: str = "id") -> Overview:
    """The tiles (active workers, employed, coverage, change on the month), the province
    table with the brief, and the year's trend against target."""
    from cakupan.services import analysis

    table = coverage(wh, scope, period, "province", None, lang)
    total = table.rows[-1]
    prev = shift(period, -1)
    prev_active = wh.to_arrow(cov.active_people(registry(wh, scope), prev).count().as_table()).column(0)[0].as_py()
    try:
        perf = analysis.performance(wh, scope, int(period[:4]), None, None, lang)
    except ServiceError:
        perf = None
    return Overview(period, total.participants, total.employed, total.coverage_pct,
                    total.participants - prev_active if prev_active else None, prev,
                    table.estimated, table, brief(wh, scope, period, lang), perf)
