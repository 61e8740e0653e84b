"""Reconciliation with BPJS Kesehatan (JKN): import an extract, run the reconciliation of a
period, read the ranked employers and the people behind them, export for the compliance team.

``run`` keeps its results as derived tables (``reconcile_people``, ``reconcile_employers``,
``reconcile_lines``; one period replaced at a time), which every reader filters by the
caller's scope (an employer by its regency, a person by theirs). Personal data is masked
unless asked for and allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ibis
import pyarrow as pa
from ibis import _

from cakupan.regions import dotted, region_name
from cakupan.reports import privacy
from cakupan.reports.format import integer
from cakupan.reports.tables import Report
from cakupan.services.common import NotFound, Result, Scope, ServiceError, check_period
from cakupan.warehouse import WarehouseError

PEOPLE, EMPLOYERS, LINES = "reconcile_people", "reconcile_employers", "reconcile_lines"
CASE_NAMES = {"PDS_TK": "PDS tenaga kerja", "PDS_UPAH": "PDS upah", "PTD": "belum terdaftar (PTD)",
              "BPU_LEAD": "calon peserta BPU", "PDS_TK;PDS_UPAH": "PDS tenaga kerja dan upah"}
EMPLOYER_COLUMNS = ["rank", "employer_regency", "employer_name", "npp", "link", "case", "size_class",
                    "workers_jkn", "workers_bpjs", "missing", "under_reported", "wage_gap", "JKK", "JKM",
                    "JHT", "JP", "uncollected"]
PEOPLE_COLUMNS = ["row_number", "nik", "name", "birth_date", "regency_code", "segment", "employer_name", "npp",
                  "case", "lead_kind", "wage_jkn", "wage_bpjs", "wage_gap", "uncollected", "link", "period"]
INT = {"rank", "workers_jkn", "workers_bpjs", "missing", "under_reported", "wage_gap", "JKK", "JKM", "JHT", "JP",
       "uncollected", "wage_jkn", "wage_bpjs", "row_number", "employer_share"}


def _errors():
    from cakupan.ingest.readers import IngestError

    return (IngestError, WarehouseError)


def import_extract(wh, scope: Scope, path: Path, sheet: str | None = None, replace: bool = False):
    """Store a JKN extract: every row accepted or quarantined with its reason (read =
    accepted + quarantined); the periods it holds replace their earlier rows."""
    from cakupan.ingest.jkn import import_extract as run

    if scope.regions is not None:
        raise NotFound("impor ekstrak JKN hanya untuk pengguna tingkat nasional/kanwil")
    try:
        return run(wh, path, sheet, replace)
    except _errors() as e:
        raise ServiceError(str(e)) from None


@dataclass
class RunSummary:
    period: str
    members: int
    counts: dict[str, int]
    employers: dict[str, int]
    uncollected: int
    links: dict[str, int] = field(default_factory=dict)
    regency: str | None = None

    def paragraph(self) -> str:
        """One paragraph for the brief, in Indonesian."""
        from cakupan.reports.format import month_name

        where = region_name(self.regency) if self.regency else "wilayah ini"
        n = self.counts
        workers = n.get("PDS_TK", 0) + n.get("PTD", 0)
        firms = sum(v for k, v in self.employers.items() if k in ("PDS_TK", "PTD", "PDS_TK;PDS_UPAH"))
        return (f"Hasil rekonsiliasi dengan data JKN BPJS Kesehatan {month_name(self.period, 'id')}: "
                f"{integer(firms)} perusahaan di {where} diperkirakan belum mendaftarkan "
                f"{integer(workers)} pekerja (termasuk {integer(self.employers.get('PTD', 0))} perusahaan yang "
                f"belum terdaftar sama sekali), {integer(n.get('PDS_UPAH', 0))} pekerja dilaporkan dengan upah "
                f"lebih rendah, potensi iuran Rp {integer(self.uncollected)} per bulan; "
                f"{integer(n.get('BPU_LEAD', 0))} pekerja informal peserta JKN mandiri menjadi calon peserta BPU.")


def _model(wh) -> dict:
    """The shipped probabilistic model (a model trained on a partner list is for that list)."""
    from cakupan.matching.probabilistic import default_model

    return default_model()


def _regions(wh) -> ibis.Table:
    if wh.has("regions"):
        return wh.table("regions")
    from cakupan.regions import region_master

    return ibis.memtable(region_master())


def _store(wh, name: str, table: pa.Table, period: str) -> None:
    if wh.engine == "duckdb":
        wh.replace_where(name, table, "period = ?", [period])
    else:
        wh.replace(name, table)


def run(wh, scope: Scope, period: str, threshold: float = 0.10) -> RunSummary:
    """Reconcile the JKN members of ``period`` with the registry and keep the results."""
    from cakupan.ingest.jkn import MEMBERS
    from cakupan.reconcile.run import reconcile

    check_period(period)
    if not 0 <= threshold <= 5:
        raise ServiceError("--threshold adalah selisih upah relatif, antara 0 dan 5 (0,10 = 10 %)")
    for t, hint in ((MEMBERS, "impor dulu: cakupan reconcile import FILE"),
                    ("participants", "jalankan dulu: cakupan synth atau cakupan import participants"),
                    ("employers", "impor dulu: cakupan import employers FILE")):
        if not wh.has(t):
            raise ServiceError(f"gudang data belum punya tabel {t}: {hint}")
    jkn = wh.table(MEMBERS)
    if not wh.to_arrow(jkn.filter(jkn.period == period).limit(1).select("row_number")).num_rows:
        raise ServiceError(f"ekstrak JKN tidak punya baris periode {period}: impor ekstrak periode itu")
    r = reconcile(wh.to_arrow, jkn, wh.table("participants"), wh.table("employers"), _regions(wh), period,
                  _model(wh), threshold)
    lines = wh.to_arrow(r.lines)
    _store(wh, LINES, lines, period)
    per_person = wh.table(LINES).filter(_.period == period).group_by("row_number").aggregate(
        uncollected=_.uncollected.sum())
    people = r.people.left_join(per_person, "row_number").drop("row_number_right")
    _store(wh, PEOPLE, wh.to_arrow(people), period)
    employers = wh.to_arrow(r.employers.mutate(period=ibis.literal(period)))
    _store(wh, EMPLOYERS, employers, period)
    return summary(wh, scope, period)


def _scoped(scope: Scope, t: ibis.Table, column: str) -> ibis.Table:
    return scope.filter(t, column)


def _need(wh, period: str) -> None:
    if not (wh.has(PEOPLE) and wh.has(EMPLOYERS)):
        raise ServiceError(f"rekonsiliasi belum dijalankan: cakupan reconcile run --period {period}")


def summary(wh, scope: Scope, period: str, regency: str | None = None) -> RunSummary:
    """Counts per case, employers per case and money, in the caller's scope (or a regency)."""
    check_period(period)
    _need(wh, period)
    code = scope.within(regency)
    people = _scoped(scope, wh.table(PEOPLE).filter(_.period == period), "regency_code")
    employers = _scoped(scope, wh.table(EMPLOYERS).filter(_.period == period), "employer_regency")
    if code:
        people = people.filter(people.regency_code.startswith(code))
        employers = employers.filter(employers.employer_regency.startswith(code))
    counts = {r["case"]: r["n"] for r in wh.to_arrow(people.group_by("case").aggregate(n=_.count())).to_pylist()}
    links = {str(r["link"]): r["n"] for r in wh.to_arrow(people.group_by("link").aggregate(n=_.count())).to_pylist()}
    per = {r["case"]: r["n"] for r in wh.to_arrow(employers.group_by("case").aggregate(n=_.count())).to_pylist()}
    money = wh.to_arrow(employers.aggregate(m=_.uncollected.sum())).column(0)[0].as_py() or 0
    total = sum(counts.values())
    if not total and (code or scope.regions is not None):
        if not wh.to_arrow(wh.table(PEOPLE).filter(_.period == period).limit(1).select("row_number")).num_rows:
            raise ServiceError(f"rekonsiliasi periode {period} belum dijalankan: cakupan reconcile run --period {period}")
    return RunSummary(period, total, {k: v for k, v in counts.items() if k != "NONE"}, per, int(money), links, code)


def employers(wh, scope: Scope, period: str, regency: str | None = None, case: str | None = None,
              limit: int | None = 50) -> Result:
    """Employers with findings, ranked by estimated uncollected contribution per month."""
    check_period(period)
    _need(wh, period)
    code = scope.within(regency)
    t = _scoped(scope, wh.table(EMPLOYERS).filter(_.period == period), "employer_regency")
    if code:
        t = t.filter(t.employer_regency.startswith(code))
    if case:
        t = t.filter(t.case.contains(case.upper()))
    t = t.order_by("rank")
    if limit:
        t = t.limit(limit)
    rows = wh.to_arrow(t).to_pylist()
    for r in rows:
        r["employer_regency"] = dotted(r["employer_regency"]) if r["employer_regency"] else None
        r["case"] = CASE_NAMES.get(r["case"], r["case"])
    report = Report(f"Pemberi kerja menurut potensi iuran belum tertagih, {period}", EMPLOYER_COLUMNS,
                    {c: "int" if c in INT else "text" for c in EMPLOYER_COLUMNS}, rows,
                    notes=["Iuran per bulan (Rp) dari aturan iuran yang berlaku pada bulan itu; ukuran usaha "
                           "dan kelompok risiko JKK pemberi kerja yang belum terdaftar adalah perkiraan."],
                    screen=["rank", "employer_regency", "employer_name", "case", "workers_jkn", "workers_bpjs",
                            "missing", "under_reported", "uncollected"])
    return Result(report, period=period, estimated=True)


def people(wh, scope: Scope, period: str, employer_id: str | None = None, case: str | None = None,
           regency: str | None = None, show_pii: bool = False, limit: int | None = 200) -> Result:
    """The people behind the findings (one employer's, or one case type's), masked unless
    personal data is asked for and allowed."""
    check_period(period)
    _need(wh, period)
    code = scope.within(regency)
    t = _scoped(scope, wh.table(PEOPLE).filter(_.period == period), "regency_code")
    t = t.filter(t.case != "NONE")
    if code:
        t = t.filter(t.regency_code.startswith(code))
    if employer_id:
        t = t.filter(t.employer_id == employer_id)
        if not wh.to_arrow(t.limit(1).select("row_number")).num_rows:
            raise NotFound(f"pemberi kerja {employer_id} tidak ditemukan")
    if case:
        t = t.filter(t.case == case.upper())
    t = t.order_by([ibis.desc(t.uncollected.fill_null(0)), "row_number"])
    if limit:
        t = t.limit(limit)
    rows = wh.to_arrow(t).to_pylist()
    show = scope.show_pii(show_pii)
    if not show:
        rows = [{**r, "nik": privacy.mask_nik(r["nik"]), "name": privacy.mask_name(r["name"]),
                 "birth_date": None} for r in rows]
    for r in rows:
        r["regency_code"] = dotted(r["regency_code"]) if r["regency_code"] else None
    report = Report(f"Pekerja di balik temuan rekonsiliasi JKN, {period}", PEOPLE_COLUMNS,
                    {c: "int" if c in INT else "text" for c in PEOPLE_COLUMNS}, rows,
                    notes=[] if show else ["NIK dan nama disamarkan (--show-pii untuk menampilkan)."],
                    screen=["row_number", "nik", "name", "regency_code", "employer_name", "case", "wage_jkn",
                            "wage_bpjs", "uncollected"])
    return Result(report, period=period, estimated=True)


def export(wh, scope: Scope, period: str, path: Path, regency: str | None = None,
           show_pii: bool = False) -> dict[str, int]:
    """An XLSX for the compliance team: summary, ranked employers, people, and the money's
    evidence per person and programme line. Returns rows written per sheet."""
    from cakupan.reports.reconcile_report import write_xlsx

    s = summary(wh, scope, period, regency)
    emp = employers(wh, scope, period, regency, limit=None)
    ppl = people(wh, scope, period, regency=regency, show_pii=show_pii, limit=None)
    lines = wh.table(LINES).filter(_.period == period)
    scoped_people = _scoped(scope, wh.table(PEOPLE).filter(_.period == period), "regency_code")
    if s.regency:
        scoped_people = scoped_people.filter(scoped_people.regency_code.startswith(s.regency))
    lines = lines.semi_join(scoped_people, "row_number").order_by(["employer_id", "row_number", "programme", "payer"])
    evidence = wh.to_arrow(lines.select("employer_id", "row_number", "case", "programme", "payer", "size_class",
                                        "risk_group", "wage_due", "wage_paid", "due", "paid", "uncollected",
                                        "regulation", "status", "period")).to_pylist()
    write_xlsx(path, s, emp.report, ppl.report, evidence)
    return {"employers": len(emp.report.rows), "people": len(ppl.report.rows), "lines": len(evidence)}
