"""Sponsorship plan views: selected people (masked), monthly cost schedule, coverage impact.

The same views go to the terminal (Rich) and to an XLSX workbook, one sheet per view.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from cakupan.coverage import percent
from cakupan.regions import dotted, region_name
from cakupan.reports import format as fmt
from cakupan.reports.privacy import mask_rows
from cakupan.sponsorship import STATUSES

PEOPLE = ["rank", "nik", "name", "village_code", "occupation", "phone", "score", "village_coverage", "status"]
HEAD = {
    "rank": ("Peringkat", "Rank"), "nik": ("NIK", "NIK"), "name": ("Nama", "Name"),
    "village_code": ("Desa", "Village"), "occupation": ("Pekerjaan", "Occupation"),
    "phone": ("No HP", "Phone"), "score": ("Skor", "Score"),
    "village_coverage": ("Cakupan desa", "Village coverage"), "status": ("Status", "Status"),
    "row": ("Baris", "Row"), "reason": ("Alasan", "Reason"),
}


def _h(key: str, lang: str) -> str:
    return HEAD[key][0 if lang == "id" else 1]


def people_rows(plan, show_pii: bool, lang: str, only_selected: bool) -> list[dict]:
    rows = plan.selected if only_selected else plan.candidates
    out = []
    for r in mask_rows(rows, show_pii):
        out.append({**r, "village_code": dotted(r["village_code"]),
                    "status": STATUSES.get(r["status"], (r["status"],) * 2)[0 if lang == "id" else 1],
                    "score": round(r["score"], 2), "village_coverage": round(r["village_coverage"] or 0, 3)})
    return out


def schedule_rows(plan) -> list[dict]:
    heads, total, rows = len(plan.selected), 0, []
    for month, cost in plan.monthly:
        total += heads * cost
        rows.append({"month": month, "people": heads, "cost_per_person": cost,
                     "cost": heads * cost, "cumulative": total})
    return rows


def impact_rows(plan) -> list[dict]:
    out = []
    for r in plan.impact:
        out.append({"region_code": r["region_code"], "region_name": region_name(r["region_code"]),
                    "employed": r["employed"], "before": r["participants"], "added": r["added"],
                    "after": r["after"], "coverage_before": percent(r["participants"], r["employed"]),
                    "coverage_after": percent(r["after"], r["employed"])})
    return out


SCHEDULE_HEAD = {"month": ("Bulan", "Month"), "people": ("Orang", "People"),
                 "cost_per_person": ("Iuran/orang", "Cost/person"), "cost": ("Biaya", "Cost"),
                 "cumulative": ("Kumulatif", "Cumulative")}
IMPACT_HEAD = {"region_code": ("Kode", "Code"), "region_name": ("Wilayah", "Region"),
               "employed": ("Bekerja", "Employed"), "before": ("Peserta sebelum", "Before"),
               "added": ("Tambahan", "Added"), "after": ("Sesudah", "After"),
               "coverage_before": ("% sebelum", "% before"), "coverage_after": ("% sesudah", "% after")}


def render_plan(console, plan, lang: str, show_pii: bool, limit: int) -> None:
    i = 0 if lang == "id" else 1
    people = people_rows(plan, show_pii, lang, only_selected=True)[:limit]
    t = Table(title=("Peserta terpilih (teratas)" if lang == "id" else "Selected (top)"))
    cols = [c for c in PEOPLE if c != "status"]
    for c in cols:
        t.add_column(_h(c, lang), justify="right" if c in ("rank", "score", "village_coverage") else "left")
    for r in people:
        t.add_row(*[("-" if r.get(c) is None else str(r.get(c))) for c in cols])
    console.print(t)
    s = Table(title="Jadwal biaya bulanan" if lang == "id" else "Monthly cost schedule")
    for key, pair in SCHEDULE_HEAD.items():
        s.add_column(pair[i], justify="left" if key == "month" else "right")
    for r in schedule_rows(plan):
        s.add_row(r["month"], *[fmt.integer(r[k], lang) for k in ("people", "cost_per_person", "cost", "cumulative")])
    console.print(s)
    m = Table(title="Cakupan per kabupaten/kota sebelum dan sesudah" if lang == "id"
              else "Coverage per regency before and after")
    for key, pair in IMPACT_HEAD.items():
        m.add_column(pair[i], justify="left" if key in ("region_code", "region_name") else "right")
    for r in impact_rows(plan):
        areas = plan.request.areas
        if r["added"] or any(a.startswith(r["region_code"]) or r["region_code"].startswith(a) for a in areas):
            m.add_row(dotted(r["region_code"]), r["region_name"] or "?",
                      *[fmt.integer(r[k], lang) for k in ("employed", "before", "added", "after")],
                      fmt.decimal(r["coverage_before"], lang), fmt.decimal(r["coverage_after"], lang))
    console.print(m)


def write_plan_xlsx(plan, path: Path, lang: str, show_pii: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from cakupan.reports.spreadsheet import append_row

    i = 0 if lang == "id" else 1
    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan" if lang == "id" else "Summary"
    append_row(ws, [summary(plan, lang)])
    r = plan.request
    for label, value in ((("Anggaran", "Budget"), r.budget), (("Bulan", "Months"), r.months),
                         (("Mulai", "Start"), r.start), (("Wilayah", "Region"), dotted(r.region)),
                         (("Biaya per orang", "Cost per person"), r.cost_per_person),
                         (("Dipilih", "Selected"), len(plan.selected)), (("Total biaya", "Total cost"), plan.cost),
                         (("Sisa anggaran", "Budget left"), plan.left)):
        append_row(ws, [label[i], value])

    def sheet(title: str, head: dict, rows: list[dict]) -> None:
        sh = wb.create_sheet(title[:31])
        sh.append([pair[i] for pair in head.values()])
        for cell in sh[1]:
            cell.font = Font(bold=True)
        nik = [j for j, k in enumerate(head) if k == "nik"]
        for row in rows:
            append_row(sh, [float(v) if v.__class__.__name__ == "Decimal" else v for v in (row.get(k) for k in head)],
                       nik)

    people_head = {k: HEAD[k] for k in PEOPLE}
    sheet("Terpilih" if lang == "id" else "Selected", people_head, people_rows(plan, show_pii, lang, True))
    sheet("Semua kandidat" if lang == "id" else "All candidates", {"row": HEAD["row"], **people_head},
          people_rows(plan, show_pii, lang, False))
    sheet("Data ditolak" if lang == "id" else "Rejected rows", {"row": HEAD["row"], "reason": HEAD["reason"]},
          plan.rejected)
    sheet("Jadwal biaya" if lang == "id" else "Cost schedule", SCHEDULE_HEAD, schedule_rows(plan))
    sheet("Dampak cakupan" if lang == "id" else "Coverage impact", IMPACT_HEAD, impact_rows(plan))
    wb.save(path)


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
