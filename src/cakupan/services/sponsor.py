"""Sponsored protection: plan whom a budget protects, compare scenarios, commit a cohort,
follow a cohort month by month."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import pyarrow as pa

from cakupan import sponsorship as sp
from cakupan.cohorts import COHORTS, MEMBER_STATUSES, MEMBERS, member_status
from cakupan.coverage import percent
from cakupan.periods import month_index, period_of
from cakupan.regions import region_name
from cakupan.services.common import NotFound, Scope, ServiceError, check_period, scalar
from cakupan.warehouse import WarehouseError

SPONSORS = ("apbd", "apbn", "csr", "zakat")
PACKAGES = ("jkk-jkm", "jkk-jkm-jht")


@dataclass
class Plan:
    request: sp.PlanRequest
    sponsor: str
    package: str
    as_of: str
    monthly: list[tuple[str, int]]
    """(month, package cost per person) for each month of the plan."""
    candidates: list[dict]
    rejected: list[dict]
    impact: list[dict]

    @property
    def selected(self) -> list[dict]:
        return [c for c in self.candidates if c["status"] == "SELECTED"]

    @property
    def cost(self) -> int:
        return len(self.selected) * self.request.cost_per_person

    @property
    def left(self) -> int:
        return self.request.budget - self.cost

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.candidates:
            out[c["status"]] = out.get(c["status"], 0) + 1
        if self.rejected:
            out["INVALID"] = len(self.rejected)
        return out

    @property
    def score(self) -> float:
        return sum(c["score"] for c in self.selected)

    def coverage_after(self):
        before = sum(r["participants"] for r in self.impact)
        employed = sum(r["employed"] or 0 for r in self.impact)
        return percent(before + len(self.selected), employed)


def package_costs(start: str, months: int, package: str, sponsor: str) -> list[tuple[str, int]]:
    """Cost of the BPU package for one person in each month (cheapest income value)."""
    from cakupan.contributions import bpu

    first = month_index(start)
    return [(period_of(m), bpu(1_000_000, period_of(m), jht=package == "jkk-jkm-jht",
                               sponsor=sponsor.upper()).total)
            for m in range(first, first + months)]


def parse_quotas(items: list[str] | None) -> dict[str, int]:
    from cakupan.regions import undotted

    out = {}
    for item in items or []:
        area, sep, n = item.partition("=")
        if not sep or not n.strip().isdigit():
            raise ServiceError(f"--quota {item!r}: write AREA=MAX, e.g. 33.22=500")
        out[undotted(area)] = int(n)
    return out


def _regions(scope: Scope, region: str) -> str:
    from cakupan.regions import undotted

    codes = [undotted(r) for r in region.split(",") if r.strip()]
    if not codes:
        raise ServiceError("give the sponsor's region, e.g. 33.22 (several: 33,34)")
    for code in codes:
        if region_name(code) is None:
            raise ServiceError(f"unknown region {code!r}: give a Kemendagri code such as 33, 33.22 or "
                               "33.22.01 (several: 33,34)")
        scope.within(code)
    return ",".join(codes)


def plan(wh, scope: Scope, candidates_file: Path, budget: int, months: int = 12, sponsor: str = "apbd",
         region: str = "", start: str | None = None, package: str = "jkk-jkm", priority: str | None = None,
         quotas: list[str] | None = None, as_of: str | None = None) -> Plan:
    """Whom a sponsor protects: eligibility with reasons, priority, quotas, budget; the cost per
    month and the coverage per regency before and after."""
    from cakupan.ingest.candidates import read_candidates
    from cakupan.ingest.readers import IngestError

    if sponsor not in SPONSORS:
        raise ServiceError(f"sponsor {sponsor!r}: choose one of {', '.join(SPONSORS)}")
    if package not in PACKAGES:
        raise ServiceError(f"package {package!r}: choose one of {', '.join(PACKAGES)}")
    code = _regions(scope, region)
    try:
        participants = wh.table("participants")
        as_of = as_of or scalar(wh, participants.last_paid_month.max())
        if start:
            check_period(start)
        start = start or period_of(month_index(as_of) + 1)
        pri = sp.Priority.parse(priority)
        monthly = package_costs(start, months, package, sponsor)
        req = sp.PlanRequest(budget=budget, months=months, start=start, region=code,
                             cost_per_person=sum(c for _, c in monthly), quotas=parse_quotas(quotas),
                             priority=pri)
        req.check()
        table, rejected = read_candidates(candidates_file, list(pri.flags))
    except (ValueError, IngestError, WarehouseError) as e:
        if isinstance(e, ServiceError):
            raise
        raise ServiceError(str(e)) from None
    name = Path(candidates_file).name
    if table.num_rows == 0 and rejected.height == 0:
        raise ServiceError(f"{name}: the candidate list is empty")
    if table.num_rows == 0:
        raise ServiceError(f"{name}: no usable candidate: all {rejected.height} rows have an "
                           f"unusable NIK or village code (first: row {rejected['row'][0]}, {rejected['reason'][0]})")
    assessed = sp.assess(ibis.memtable(table), participants, req, as_of)
    chosen = sp.select(assessed, req)
    rows = wh.to_arrow(chosen.order_by(["rank", "row"])).to_pylist()
    impact = wh.to_arrow(sp.coverage_impact(participants, wh.table("workforce"),
                                            chosen.filter(chosen.status == "SELECTED"), as_of, code)).to_pylist()
    return Plan(req, sponsor, package, as_of, monthly, rows, rejected.to_dicts(), impact)


@dataclass
class Scenario:
    months: int
    priority: str | None
    plan: Plan


def compare(wh, scope: Scope, candidates_file: Path, budget: int, months: list[int], sponsor: str = "apbd",
            region: str = "", priorities: list[str | None] | None = None, package: str = "jkk-jkm",
            start: str | None = None) -> list[Scenario]:
    """Scenarios side by side: each duration × each priority rule."""
    out = []
    for m in months:
        for rule in priorities or [None]:
            out.append(Scenario(m, rule, plan(wh, scope, candidates_file, budget, m, sponsor, region, start,
                                              package, rule, None, None)))
    return out


@dataclass
class Committed:
    cohort_id: str
    plan: Plan


def commit(wh, scope: Scope, name: str, plan_: Plan) -> Committed:
    """Keep a plan's selected people as a sponsored cohort (decision tables, one transaction);
    from its start month they count in coverage as sponsored BPU participants."""
    if not name.strip():
        raise ServiceError("give the cohort a name, e.g. 'APBD Kab. Semarang 2022'")
    cohort_id = uuid.uuid4().hex[:8]
    r = plan_.request
    cohort = pa.Table.from_pylist([{
        "cohort_id": cohort_id, "name": name, "sponsor": plan_.sponsor, "region": r.region, "start": r.start,
        "months": r.months, "package": plan_.package, "cost_per_person": r.cost_per_person,
        "budget": r.budget, "created_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)}])
    members = pa.Table.from_pylist([{
        "cohort_id": cohort_id, "nik": c["nik"], "name": c["name"], "birth_date": c["birth_date"],
        "sex": c["sex"], "village_code": c["village_code"], "occupation": c["occupation"],
        "score": float(c["score"])} for c in plan_.selected])
    try:
        wh.append({COHORTS: cohort, MEMBERS: members})
    except WarehouseError as e:
        raise ServiceError(str(e)) from None
    return Committed(cohort_id, plan_)


def cohorts(wh, scope: Scope) -> list[dict]:
    """The committed cohorts the caller may see, oldest first."""
    if not wh.has(COHORTS):
        return []
    rows = wh.to_arrow(wh.table(COHORTS).order_by("created_at")).to_pylist()
    return [c for c in rows if scope.may_see_cohort(c["cohort_id"])
            and all(scope.allows(code) for code in c["region"].split(","))]


@dataclass
class CohortStatus:
    cohort: dict
    period: str
    members: list[dict]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def follow_up(self) -> list[dict]:
        """Who ends next month (renewal list) or lapsed after sponsorship."""
        return [r for r in self.members if r["status"] in ("ENDS_NEXT_MONTH", "LAPSED")]


def cohort_status(wh, scope: Scope, cohort_id: str, period: str | None = None) -> CohortStatus:
    """Per member in ``period``: paid, ends next month, continuing or lapsed."""
    if not wh.has(COHORTS):
        raise ServiceError("no sponsored cohort yet: create one with `cakupan sponsor commit`")
    match = [c for c in cohorts(wh, scope) if c["cohort_id"] == cohort_id]
    if not match:
        raise NotFound(f"unknown cohort {cohort_id!r}: run `cakupan sponsor status` to list them")
    period = check_period(period) if period else match[0]["start"]
    rows = wh.to_arrow(member_status(wh.table(COHORTS), wh.table(MEMBERS), wh.table("participants"),
                                     cohort_id, period)).to_pylist()
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return CohortStatus(match[0], period, rows, counts)


STATUS_WORDS = MEMBER_STATUSES
