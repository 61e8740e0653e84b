"""Turn coverage results into a Report (titles, labels, notes naming the denominator)."""

from __future__ import annotations

from cakupan.coverage import TOTAL, CoverageRow, percent
from cakupan.reports.format import month_name
from cakupan.reports.tables import Report

REGION_COLUMNS = ["region_code", "region_name", "participants", "employed", "unemployed",
                  "labour_force", "coverage_pct", "coverage_lf_pct", "workforce_period",
                  "estimated"]
KINDS = {"region_code": "code", "region_name": "text", "participants": "int",
         "employed": "int", "unemployed": "int", "labour_force": "int", "coverage_pct": "pct",
         "coverage_lf_pct": "pct", "workforce_period": "text", "estimated": "bool",
         "segment": "text", "sub_segment": "text", "share_pct": "pct"}


def region_report(rows: list[CoverageRow], names: dict[str, str], period: str, level: str,
                  sources: dict[str, str], lang: str = "id") -> Report:
    """Coverage by province or regency with its total row and the denominators' sources."""
    out = []
    for r in rows:
        name = ("Total" if r.region_code == TOTAL else names.get(r.region_code, "?"))
        out.append({
            "region_code": r.region_code,
            "region_name": name, "participants": r.participants, "employed": r.employed,
            "unemployed": r.unemployed, "labour_force": r.labour_force,
            "coverage_pct": r.coverage_pct, "coverage_lf_pct": r.coverage_lf_pct,
            "workforce_period": r.workforce_period, "estimated": r.estimated,
        })
    what = {"province": ("provinsi", "province"), "regency": ("kabupaten/kota", "regency/city")}[level]
    if lang == "id":
        title = f"Cakupan kepesertaan aktif per {what[0]}, {month_name(period, lang)}"
        notes = ["Cakupan = peserta aktif (NIK unik) ÷ penduduk bekerja; "
                 "kolom kedua memakai angkatan kerja (bekerja + pengangguran) sebagai penyebut."]
    else:
        title = f"Active coverage by {what[1]}, {month_name(period, lang)}"
        notes = ["Coverage = active participants (distinct NIK) ÷ employed persons; "
                 "the second rate uses the labour force (employed + unemployed)."]
    notes += [f"{_dotted(code)}: {src}" for code, src in sorted(sources.items())
              if not src.startswith("estimated")]
    if any(r.estimated for r in rows):
        est = next(s for s in sources.values() if s.startswith("estimated"))
        notes.append(("* penyebut estimasi — " if lang == "id" else "* estimated denominator — ") + est)
    periods = sorted({r.workforce_period for r in rows if r.workforce_period})
    if periods:
        notes.insert(1, ("Periode data ketenagakerjaan: " if lang == "id" else "Labour-force period: ")
                     + ", ".join(periods))
    screen = ["region_code", "region_name", "participants", "employed", "unemployed",
              "coverage_pct", "coverage_lf_pct"]
    return Report(title, REGION_COLUMNS, KINDS, out, notes, screen)


def segment_report(records: list[dict], employed: int | None, period: str,
                   lang: str = "id") -> Report:
    """Active workers per segment and sub-segment, their share, and their part of coverage."""
    total = sum(r["participants"] for r in records)
    out = [{"segment": r["segment"], "sub_segment": r["sub_segment"],
            "participants": r["participants"], "share_pct": percent(r["participants"], total),
            "coverage_pct": percent(r["participants"], employed)} for r in records]
    out.append({"segment": "TOTAL", "sub_segment": None, "participants": total,
                "share_pct": percent(total, total), "coverage_pct": percent(total, employed)})
    if lang == "id":
        title = f"Peserta aktif per segmen, {month_name(period, lang)}"
        notes = ["Setiap orang dihitung sekali, pada segmen kepesertaan aktif yang terdaftar "
                 "paling akhir. Cakupan = peserta segmen ÷ seluruh penduduk bekerja wilayah."]
    else:
        title = f"Active participants by segment, {month_name(period, lang)}"
        notes = ["Each person is counted once, under their most recently registered active "
                 "membership. Coverage = segment participants ÷ all employed in the area."]
    return Report(title, ["segment", "sub_segment", "participants", "share_pct", "coverage_pct"],
                  KINDS, out, notes)


def _dotted(code: str) -> str:
    from cakupan.regions import dotted
    return dotted(code)
