"""Monthly performance against target as a Report, with the on-track verdict in words."""

from __future__ import annotations

from cakupan.regions import dotted, region_name
from cakupan.reports import format as fmt
from cakupan.reports.potential_report import KINDS
from cakupan.reports.tables import Report

STATUS_WORDS = {
    "ON_TRACK": ("sesuai jalur: batas bawah proyeksi mencapai target akhir tahun",
                 "on track: even the low end of the projection reaches the year-end target"),
    "AT_RISK": ("berisiko: proyeksi rata-rata mencapai target, batas bawahnya tidak",
                "at risk: the projected mean reaches the target, its low end does not"),
    "OFF_TRACK": ("tidak sesuai jalur: proyeksi di bawah target akhir tahun",
                  "off track: the projection falls short of the year-end target"),
    "ACHIEVED": ("target akhir tahun tercapai", "year-end target achieved"),
    "MISSED": ("target akhir tahun tidak tercapai", "year-end target missed"),
}
COLUMNS = ["period", "active", "new", "lapsed", "target", "achievement_pct", "mom", "yoy",
           "projection", "lower", "upper"]


def performance_report(rows: list[dict], status: str | None, projection: list, year: int,
                       region: str | None, segment: str | None, lang: str = "id") -> Report:
    i = 0 if lang == "id" else 1
    where = region_name(region) if region else ("Jawa Tengah & DIY" if i == 0 else "Central Java & DIY")
    seg = f", {segment.upper()}" if segment else ""
    title = (f"Kinerja kepesertaan {year}: {where}{seg}" if i == 0
             else f"Membership performance {year}: {where}{seg}")
    notes = []
    if status:
        notes.append(("Status: " if i == 0 else "Status: ") + STATUS_WORDS[status][i] + ".")
    elif not any(r["target"] for r in rows):
        notes.append("Belum ada target: impor dengan `cakupan targets import FILE`." if i == 0
                     else "No target yet: import one with `cakupan targets import FILE`.")
    if projection:
        last = projection[-1]
        notes.append((f"Proyeksi {last.period}: {fmt.integer(round(last.mean), lang)} "
                      f"(interval {int(last.level * 100)} %: {fmt.integer(round(last.lower), lang)} – "
                      f"{fmt.integer(round(last.upper), lang)}), model ETS tren teredam (statsmodels)."
                      if i == 0 else
                      f"Projection {last.period}: {fmt.integer(round(last.mean), lang)} "
                      f"({int(last.level * 100)} % interval {fmt.integer(round(last.lower), lang)} – "
                      f"{fmt.integer(round(last.upper), lang)}), ETS with damped trend (statsmodels)."))
    notes.append("Baru = kepesertaan terdaftar pada bulan itu; berhenti = kepesertaan yang bulan bayar "
                 "terakhirnya bulan sebelumnya." if i == 0 else
                 "New = memberships registered in the month; lapsed = memberships whose last paid month "
                 "was the month before.")
    if region:
        notes.append(f"{'Wilayah' if i == 0 else 'Region'}: {dotted(region)}")
    return Report(title, COLUMNS, KINDS, rows, notes, screen=COLUMNS[:-2])
