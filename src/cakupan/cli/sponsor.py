"""``cakupan sponsor``: plan sponsored protection for vulnerable workers, compare scenarios."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from cakupan.cli.common import ENGINE_OPT, LANG_OPT, WAREHOUSE_OPT, Engine, Lang, call, console, warehouse_for
from cakupan.reports import format as fmt
from cakupan.services import EVERYONE
from cakupan.services import sponsor as svc

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
    from cakupan.reports.sponsor_report import render_plan, summary, write_plan_xlsx

    with warehouse_for(engine, warehouse, read_only=True) as wh:
        p = call(svc.plan, wh, EVERYONE, candidates, budget, months, sponsor.value, region, start,
                 package.value, priority, quota, as_of)
    show = EVERYONE.show_pii(show_pii)
    console.print(summary(p, lang.value))
    render_plan(console, p, lang.value, show, limit)
    if output:
        write_plan_xlsx(p, output, lang.value, show)
        console.print(f"Ditulis: {output}")


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

    with warehouse_for(engine, warehouse, read_only=True) as wh:
        scenarios = call(svc.compare, wh, EVERYONE, candidates, budget, months, sponsor.value, region,
                         priority or [None], package.value, start)
    t = Table(title="Perbandingan skenario" if lang.value == "id" else "Scenarios")
    for col in (("Bulan", "Months"), ("Prioritas", "Priority"), ("Dipilih", "Selected"),
                ("Biaya/orang", "Cost/person"), ("Total biaya", "Total cost"), ("Sisa", "Left"),
                ("Skor total", "Total score"), ("Cakupan sesudah", "Coverage after")):
        t.add_column(col[0] if lang.value == "id" else col[1], justify="right")
    n = lambda v: fmt.integer(v, lang.value)  # noqa: E731
    for sc in scenarios:
        p = sc.plan
        t.add_row(str(sc.months), sc.priority or "default", n(len(p.selected)), n(p.request.cost_per_person),
                  n(p.cost), n(p.left), fmt.decimal(p.score, lang.value), fmt.pct(p.coverage_after(), lang.value))
    console.print(t)


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
    from cakupan.reports.sponsor_report import summary

    with warehouse_for(Engine.duckdb, warehouse) as wh:
        p = call(svc.plan, wh, EVERYONE, candidates, budget, months, sponsor.value, region, start,
                 package.value, priority, quota, None)
        cohort_id = call(svc.commit, wh, EVERYONE, name, p).cohort_id
    console.print(summary(p, lang.value))
    console.print(f"Kohort {cohort_id} disimpan: {fmt.integer(len(p.selected), lang.value)} orang, "
                  f"{p.request.start} selama {p.request.months} bulan. "
                  f"Pantau: cakupan sponsor status --cohort {cohort_id} --period {p.request.start}")


@app.command()
def status(
    cohort: Optional[str] = typer.Option(None, "--cohort", help="Cohort id (default: list cohorts)."),
    period: Optional[str] = typer.Option(None, "--period", "-p", help="Month YYYY-MM (default: the cohort's start)."),
    show_pii: bool = typer.Option(False, "--show-pii"), lang: Lang = LANG_OPT,
    warehouse: Optional[Path] = WAREHOUSE_OPT,
) -> None:
    """Per month: who is paid, who ends next month (renewal list), who lapsed afterwards."""
    from rich.table import Table

    from cakupan.cohorts import MEMBER_STATUSES
    from cakupan.reports.privacy import mask_rows

    with warehouse_for(Engine.duckdb, warehouse, read_only=True) as wh:
        if cohort is None:
            if not wh.has("sponsor_cohorts"):
                call(svc.cohort_status, wh, EVERYONE, "", None)
            rows = call(svc.cohorts, wh, EVERYONE)
        else:
            st = call(svc.cohort_status, wh, EVERYONE, cohort, period)
    if cohort is None:
        t = Table("kohort", "nama", "sponsor", "wilayah", "mulai", "bulan")
        for c in rows:
            t.add_row(c["cohort_id"], c["name"], c["sponsor"].upper(), c["region"], c["start"], str(c["months"]))
        console.print(t)
        return
    i = 0 if lang.value == "id" else 1
    console.print(f"Kohort {cohort} ({st.cohort['name']}), {st.period}: " + "; ".join(
        f"{MEMBER_STATUSES[k][i]} {fmt.integer(v, lang.value)}" for k, v in st.counts.items()))
    renew = st.follow_up
    if renew:
        t = Table("NIK", "Nama", "Desa", "Pekerjaan", "Bulan terakhir", "Status",
                  title="Perlu tindak lanjut" if i == 0 else "Needs follow-up")
        for r in mask_rows(renew, EVERYONE.show_pii(show_pii)):
            t.add_row(r["nik"], r["name"] or "-", r["village_code"], r["occupation"] or "-",
                      r["last_month"], MEMBER_STATUSES[r["status"]][i])
        console.print(t)
