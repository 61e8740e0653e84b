"""``cakupan sponsor``: plan sponsored protection for vulnerable workers, compare scenarios."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Optional

import ibis
import typer

from cakupan import sponsorship as sp
from cakupan.cli.common import ENGINE_OPT, LANG_OPT, WAREHOUSE_OPT, Engine, Lang, console, fail, open_wh
from cakupan.reports import format as fmt

app = typer.Typer(help="Sponsored protection (APBD, CSR, zakat): whom to protect with a budget, "
                       "for how long, what it costs month by month, and the coverage it adds.",
                  no_args_is_help=True)


class SponsorType(str, Enum):
    apbd = "apbd"
    apbn = "apbn"
    csr = "csr"
    zakat = "zakat"


class Package(str, Enum):
    jkk_jkm = "jkk-jkm"
    jkk_jkm_jht = "jkk-jkm-jht"


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


def package_costs(start: str, months: int, package: str, sponsor: str) -> list[tuple[str, int]]:
    """Cost of the BPU package for one person in each month (cheapest income value)."""
    from cakupan.contributions import bpu
    from cakupan.synth.calendar import month_index, period_of

    first = month_index(start)
    return [(period_of(m), bpu(1_000_000, period_of(m), jht=package == "jkk-jkm-jht",
                               sponsor=sponsor.upper()).total)
            for m in range(first, first + months)]


def make_plan(wh, candidates_file: Path, budget: int, months: int, sponsor: str, region: str,
              start: Optional[str], package: str, priority: Optional[str],
              quotas: Optional[list[str]], as_of: Optional[str]) -> Plan:
    from cakupan.ingest.candidates import read_candidates
    from cakupan.regions import region_name, undotted
    from cakupan.synth.calendar import month_index, period_of

    codes = [undotted(r) for r in region.split(",") if r.strip()]
    for code in codes:
        if region_name(code) is None:
            raise ValueError(f"unknown region {code!r}: give a Kemendagri code such as 33, 33.22 or "
                             "33.22.01 (several: 33,34)")
    code = ",".join(codes)
    participants = wh.table("participants")
    as_of = as_of or wh.to_arrow(participants.last_paid_month.max().as_table()).column(0)[0].as_py()
    start = start or period_of(month_index(as_of) + 1)
    pri = sp.Priority.parse(priority)
    monthly = package_costs(start, months, package, sponsor)
    req = sp.PlanRequest(budget=budget, months=months, start=start, region=code,
                         cost_per_person=sum(c for _, c in monthly), quotas=_quotas(quotas),
                         priority=pri)
    req.check()
    table, rejected = read_candidates(candidates_file, list(pri.flags))
    if table.num_rows == 0 and rejected.height == 0:
        raise ValueError(f"{candidates_file.name}: the candidate list is empty")
    if table.num_rows == 0:
        raise ValueError(f"{candidates_file.name}: no usable candidate: all {rejected.height} rows have an "
                         f"unusable NIK or village code (first: row {rejected['row'][0]}, {rejected['reason'][0]})")
    assessed = sp.assess(ibis.memtable(table), participants, req, as_of)
    chosen = sp.select(assessed, req)
    rows = wh.to_arrow(chosen.order_by(["rank", "row"])).to_pylist()
    impact = wh.to_arrow(sp.coverage_impact(participants, wh.table("workforce"),
                                            chosen.filter(chosen.status == "SELECTED"), as_of, code)).to_pylist()
    return Plan(req, sponsor, package, as_of, monthly, rows, rejected.to_dicts(), impact)


def _quotas(items: Optional[list[str]]) -> dict[str, int]:
    from cakupan.regions import undotted

    out = {}
    for item in items or []:
        area, sep, n = item.partition("=")
        if not sep or not n.strip().isdigit():
            raise ValueError(f"--quota {item!r}: write AREA=MAX, e.g. 33.22=500")
        out[undotted(area)] = int(n)
    return out


def summary(plan: Plan, lang: str) -> str:
    n = lambda v: fmt.integer(v, lang)  # noqa: E731
    c = plan.counts()
    total = sum(c.values())
    r = plan.request
    if lang == "id":
        return (f"Dari {n(total)} kandidat, {n(c.get('SELECTED', 0))} dipilih untuk dilindungi "
                f"{r.months} bulan mulai {r.start} (paket {plan.package.upper()}, sponsor {plan.sponsor.upper()}): "
                f"Rp {n(r.cost_per_person)} per orang, total Rp {n(plan.cost)} dari anggaran Rp {n(r.budget)}, "
                f"sisa Rp {n(plan.left)}. Tidak dipilih: {n(c.get('ACTIVE', 0))} sudah peserta aktif "
                f"(per {plan.as_of}), {n(c.get('REGION', 0))} di luar wilayah, {n(c.get('AGE', 0))} di luar "
                f"usia kerja, {n(c.get('DUPLICATE', 0))} NIK ganda, {n(c.get('INVALID', 0))} data tidak valid, "
                f"{n(c.get('QUOTA', 0))} terbentur kuota, {n(c.get('BUDGET', 0))} tidak tertampung anggaran.")
    return (f"Of {n(total)} candidates, {n(c.get('SELECTED', 0))} are selected for {r.months} months from "
            f"{r.start} (package {plan.package.upper()}, sponsor {plan.sponsor.upper()}): Rp {n(r.cost_per_person)} "
            f"per person, Rp {n(plan.cost)} of a Rp {n(r.budget)} budget, Rp {n(plan.left)} left. Not selected: "
            f"{n(c.get('ACTIVE', 0))} already active (as of {plan.as_of}), {n(c.get('REGION', 0))} outside the "
            f"region, {n(c.get('AGE', 0))} outside working age, {n(c.get('DUPLICATE', 0))} repeated NIK, "
            f"{n(c.get('INVALID', 0))} unusable rows, {n(c.get('QUOTA', 0))} over a quota, "
            f"{n(c.get('BUDGET', 0))} beyond the budget.")


@app.command()
def plan(
    budget: int = typer.Option(..., "--budget", help="Total budget, rupiah."),
    months: int = typer.Option(12, "--months", help="Months of protection per person."),
    sponsor: SponsorType = typer.Option(SponsorType.apbd, "--sponsor", help="apbd, apbn, csr or zakat."),
    region: str = typer.Option(..., "--region", help="Sponsor's area, e.g. 33.22 (regency), 33, or several: 33,34."),
    candidates: Path = typer.Option(..., "--candidates", exists=True, dir_okay=False,
                                    help="CSV/XLSX/Parquet list: nik, village_code, and optionally "
                                         "name, birth_date, occupation, phone, miskin, disabilitas, ..."),
    start: Optional[str] = typer.Option(None, help="First sponsored month YYYY-MM (default: after the registry's last month)."),
    package: Package = typer.Option(Package.jkk_jkm, help="jkk-jkm (Rp 16.800/month) or jkk-jkm-jht."),
    priority: Optional[str] = typer.Option(None, help="Weights on top of the defaults, e.g. "
                                                      "'occupation.nelayan=5,flag.miskin=6,low_coverage=1'."),
    quota: Optional[list[str]] = typer.Option(None, "--quota", help="AREA=MAX people, repeatable, e.g. 33.22.01=200."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Registry month deciding who is already active (default: latest)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the plan to an XLSX workbook."),
    show_pii: bool = typer.Option(False, "--show-pii", help="Show NIK, names and phones unmasked."),
    limit: int = typer.Option(20, help="Selected people to list on screen."),
    lang: Lang = LANG_OPT, engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Choose whom to protect with a budget; report cost per month and coverage before/after."""
    from cakupan.ingest.readers import IngestError
    from cakupan.reports.sponsor_report import render_plan, write_plan_xlsx
    from cakupan.warehouse import WarehouseError

    wh = open_wh(engine, warehouse, read_only=True)
    try:
        p = make_plan(wh, candidates, budget, months, sponsor.value, region, start, package.value,
                      priority, quota, as_of)
    except (ValueError, IngestError, WarehouseError) as e:
        fail(str(e))
    console.print(summary(p, lang.value))
    render_plan(console, p, lang.value, show_pii, limit)
    if output:
        write_plan_xlsx(p, output, lang.value, show_pii)
        console.print(f"Ditulis: {output}")
    wh.close()


@app.command()
def compare(
    budget: int = typer.Option(..., "--budget", help="Total budget, rupiah."),
    months: list[int] = typer.Option([6, 12], "--months", help="Scenario durations; repeat to compare, e.g. --months 6 --months 12."),
    sponsor: SponsorType = typer.Option(SponsorType.apbd, "--sponsor"),
    region: str = typer.Option(..., "--region"),
    candidates: Path = typer.Option(..., "--candidates", exists=True, dir_okay=False),
    priority: Optional[list[str]] = typer.Option(None, "--priority", help="Scenario priority rules; repeat to compare."),
    package: Package = typer.Option(Package.jkk_jkm),
    start: Optional[str] = typer.Option(None), lang: Lang = LANG_OPT,
    engine: Optional[Engine] = ENGINE_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Scenarios side by side: each duration x each priority rule."""
    from rich.table import Table

    from cakupan.ingest.readers import IngestError
    from cakupan.warehouse import WarehouseError

    wh = open_wh(engine, warehouse, read_only=True)
    rules = priority or [None]
    t = Table(title="Perbandingan skenario" if lang.value == "id" else "Scenarios")
    for col in (("Bulan", "Months"), ("Prioritas", "Priority"), ("Dipilih", "Selected"),
                ("Biaya/orang", "Cost/person"), ("Total biaya", "Total cost"), ("Sisa", "Left"),
                ("Skor total", "Total score"), ("Cakupan sesudah", "Coverage after")):
        t.add_column(col[0] if lang.value == "id" else col[1], justify="right")
    n = lambda v: fmt.integer(v, lang.value)  # noqa: E731
    for m in months:
        for rule in rules:
            try:
                p = make_plan(wh, candidates, budget, m, sponsor.value, region, start, package.value, rule, None, None)
            except (ValueError, IngestError, WarehouseError) as e:
                fail(str(e))
            score = sum(c["score"] for c in p.selected)
            before = sum(r["participants"] for r in p.impact)
            employed = sum(r["employed"] or 0 for r in p.impact)
            after = fmt.pct(sp_percent(before + len(p.selected), employed), lang.value)
            t.add_row(str(m), rule or "default", n(len(p.selected)), n(p.request.cost_per_person),
                      n(p.cost), n(p.left), fmt.decimal(score, lang.value), after)
    console.print(t)
    wh.close()


def sp_percent(part: int, whole: int):
    from cakupan.coverage import percent
    return percent(part, whole)


def _save_cohort(wh, p: Plan, name: str) -> str:
    """Store the plan's selected people as a cohort (decision tables), in one transaction."""
    import datetime as dt
    import uuid

    import pyarrow as pa

    from cakupan.cohorts import COHORTS, MEMBERS

    cohort_id = uuid.uuid4().hex[:8]
    r = p.request
    cohort = pa.Table.from_pylist([{
        "cohort_id": cohort_id, "name": name, "sponsor": p.sponsor, "region": r.region, "start": r.start,
        "months": r.months, "package": p.package, "cost_per_person": r.cost_per_person,
        "budget": r.budget, "created_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)}])
    members = pa.Table.from_pylist([{
        "cohort_id": cohort_id, "nik": c["nik"], "name": c["name"], "birth_date": c["birth_date"],
        "sex": c["sex"], "village_code": c["village_code"], "occupation": c["occupation"],
        "score": float(c["score"])} for c in p.selected])
    wh.append({COHORTS: cohort, MEMBERS: members})
    return cohort_id


@app.command()
def commit(
    name: str = typer.Option(..., "--name", help="A name for the cohort, e.g. 'APBD Kab. Semarang 2022'."),
    budget: int = typer.Option(..., "--budget"), months: int = typer.Option(12, "--months"),
    sponsor: SponsorType = typer.Option(SponsorType.apbd, "--sponsor"),
    region: str = typer.Option(..., "--region"),
    candidates: Path = typer.Option(..., "--candidates", exists=True, dir_okay=False),
    start: Optional[str] = typer.Option(None), package: Package = typer.Option(Package.jkk_jkm),
    priority: Optional[str] = typer.Option(None), quota: Optional[list[str]] = typer.Option(None, "--quota"),
    lang: Lang = LANG_OPT, warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Make a plan (same options as `plan`) and keep its selected people as a sponsored cohort.

    From its start month the members count in coverage as sponsored BPU participants.
    """
    from cakupan.ingest.readers import IngestError
    from cakupan.warehouse import WarehouseError

    wh = open_wh(Engine.duckdb, warehouse)
    try:
        p = make_plan(wh, candidates, budget, months, sponsor.value, region, start, package.value,
                      priority, quota, None)
        cohort_id = _save_cohort(wh, p, name)
    except (ValueError, IngestError, WarehouseError) as e:
        fail(str(e))
    console.print(summary(p, lang.value))
    console.print(f"Kohort {cohort_id} disimpan: {fmt.integer(len(p.selected), lang.value)} orang, "
                  f"{p.request.start} selama {p.request.months} bulan. "
                  f"Pantau: cakupan sponsor status --cohort {cohort_id} --period {p.request.start}")
    wh.close()


@app.command()
def status(
    cohort: Optional[str] = typer.Option(None, "--cohort", help="Cohort id (default: list cohorts)."),
    period: Optional[str] = typer.Option(None, "--period", "-p", help="Month YYYY-MM (default: the cohort's start)."),
    show_pii: bool = typer.Option(False, "--show-pii"), lang: Lang = LANG_OPT,
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Per month: who is paid, who ends next month (renewal list), who lapsed afterwards."""
    from rich.table import Table

    from cakupan.cohorts import COHORTS, MEMBER_STATUSES, MEMBERS, member_status
    from cakupan.reports.privacy import mask_rows

    wh = open_wh(Engine.duckdb, warehouse, read_only=True)
    if not wh.has(COHORTS):
        fail("no sponsored cohort yet: create one with `cakupan sponsor commit`")
    cohorts = wh.to_arrow(wh.table(COHORTS).order_by("created_at")).to_pylist()
    if cohort is None:
        t = Table("kohort", "nama", "sponsor", "wilayah", "mulai", "bulan")
        for c in cohorts:
            t.add_row(c["cohort_id"], c["name"], c["sponsor"].upper(), c["region"], c["start"], str(c["months"]))
        console.print(t)
        return
    match = [c for c in cohorts if c["cohort_id"] == cohort]
    if not match:
        fail(f"unknown cohort {cohort!r}: run `cakupan sponsor status` to list them")
    period = period or match[0]["start"]
    rows = wh.to_arrow(member_status(wh.table(COHORTS), wh.table(MEMBERS), wh.table("participants"),
                                     cohort, period)).to_pylist()
    i = 0 if lang.value == "id" else 1
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    console.print(f"Kohort {cohort} ({match[0]['name']}), {period}: " + "; ".join(
        f"{MEMBER_STATUSES[k][i]} {fmt.integer(v, lang.value)}" for k, v in counts.items()))
    renew = [r for r in rows if r["status"] in ("ENDS_NEXT_MONTH", "LAPSED")]
    if renew:
        t = Table("NIK", "Nama", "Desa", "Pekerjaan", "Bulan terakhir", "Status",
                  title="Perlu tindak lanjut" if i == 0 else "Needs follow-up")
        for r in mask_rows(renew, show_pii):
            t.add_row(r["nik"], r["name"] or "-", r["village_code"], r["occupation"] or "-",
                      r["last_month"], MEMBER_STATUSES[r["status"]][i])
        console.print(t)
    wh.close()
