"""Potential and performance results as Reports, with the largest opportunities in words."""

from __future__ import annotations

from cakupan.coverage import percent
from cakupan.potential import SECTOR_NAMES
from cakupan.regions import region_name
from cakupan.reports import format as fmt
from cakupan.reports.format import month_name
from cakupan.reports.tables import Report

POOL_NAMES = {"PU": ("Penerima upah (status 3-4)", "Wage earners (status 3-4)"),
              "INFORMAL": ("Informal (status 1,2,5,6,7)", "Informal (status 1,2,5,6,7)")}
KINDS = {"region_code": "code", "region_name": "text", "pool": "text", "sector": "text",
         "employed": "int", "covered": "int", "potential": "int", "coverage_pct": "pct",
         "estimated": "bool", "period": "text", "active": "int", "new": "int", "lapsed": "int",
         "target": "int", "achievement_pct": "pct", "mom": "int", "yoy": "int",
         "projection": "int", "lower": "int", "upper": "int"}
def _i(lang: str) -> int:
    return 0 if lang == "id" else 1


def pool_name(pool: str, lang: str) -> str:
    return POOL_NAMES[pool][_i(lang)]


def sector_name(code: int, lang: str) -> str:
    return SECTOR_NAMES.get(code, (str(code),) * 2)[_i(lang)]


def potential_report(rows: list[dict], by: str, period: str, lang: str = "id") -> Report:
    """``rows`` from potential_by_pool (by region/segment) or potential_by_sector (by sector),
    ranked by potential, with a total row and the largest opportunities in words."""
    key = "sector" if by == "sector" else "pool"
    out = []
    for r in sorted(rows, key=lambda r: -r["potential"]):
        out.append({"region_code": r["region_code"], "region_name": region_name(r["region_code"]),
                    key: sector_name(r["sector"], lang) if key == "sector" else pool_name(r["pool"], lang),
                    "employed": r["employed"], "covered": r["covered"], "potential": r["potential"],
                    "coverage_pct": percent(r["covered"], r["employed"]), "estimated": r["estimated"]})
    employed = sum(r["employed"] for r in rows)
    covered = sum(r["covered"] for r in rows)
    out.append({"region_code": "TOTAL", "region_name": "Total", key: None, "employed": employed,
                "covered": covered, "potential": employed - covered,
                "coverage_pct": percent(covered, employed), "estimated": any(r["estimated"] for r in rows)})
    i = _i(lang)
    what = {"province": ("provinsi", "province"), "regency": ("kabupaten/kota", "regency/city"),
            "segment": ("kelompok pekerja", "worker pool"), "sector": ("sektor", "sector")}[by][i]
    title = (f"Potensi pekerja belum terlindungi per {what}, {month_name(period, lang)}" if i == 0
             else f"Unprotected potential by {what}, {month_name(period, lang)}")
    notes = [opportunities(rows, by, lang), method_note(lang)]
    columns = ["region_code", "region_name", key, "employed", "covered", "potential", "coverage_pct", "estimated"]
    return Report(title, columns, KINDS, out, notes, screen=columns[:-1])


def opportunities(rows: list[dict], by: str, lang: str) -> str:
    """``Potensi terbesar di sektor perdagangan …`` from the totals over regions."""
    n = lambda v: fmt.integer(v, lang)  # noqa: E731
    if by == "sector":
        totals: dict = {}
        for r in rows:
            if r["sector"] != 99:
                totals[r["sector"]] = totals.get(r["sector"], 0) + r["potential"]
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:2]
        names = [f"{sector_name(k, lang).lower()} ({n(v)} pekerja)" if lang == "id"
                 else f"{sector_name(k, lang).lower()} ({n(v)} workers)" for k, v in ranked]
        return (f"Potensi terbesar di sektor {' dan '.join(names)} di antara sektor yang dirinci."
                if lang == "id" else f"The largest potential is in {' and '.join(names)} among the sectors split out.")
    pools: dict = {}
    regions: dict = {}
    for r in rows:
        pools[r["pool"]] = pools.get(r["pool"], 0) + r["potential"]
        regions[r["region_code"]] = regions.get(r["region_code"], 0) + r["potential"]
    top_pool = max(pools, key=pools.get)
    top = sorted(regions.items(), key=lambda kv: -kv[1])[:3]
    where = ", ".join(f"{region_name(c)} ({n(v)})" for c, v in top)
    if lang == "id":
        return (f"Potensi terbesar ada pada kelompok {pool_name(top_pool, lang).lower()}: {n(pools[top_pool])} "
                f"pekerja belum terlindungi; wilayah dengan potensi terbesar: {where}.")
    return (f"The largest potential is among {pool_name(top_pool, lang).lower()}: {n(pools[top_pool])} "
            f"unprotected workers; regions with the most: {where}.")


def method_note(lang: str) -> str:
    if lang == "id":
        return ("Estimasi: penduduk bekerja per status dan sektor = total wilayah × porsi terbitan BPS "
                "(porsi informal provinsi; proporsi status dan sektor nasional bila angka provinsi tidak ada; "
                "sektor yang tidak dirinci digabung 'Sektor lain'); kabupaten/kota memakai porsi provinsinya. "
                "Peserta PU masuk kelompok penerima upah (sektor dari KBLI pemberi kerja); BPU dan Jakon masuk "
                "kelompok informal; PMI bekerja di luar negeri sehingga tidak dihitung.")
    return ("Estimated: employed by status and sector = the region's total × published BPS shares (the "
            "province's informal share; national status and sector proportions where no provincial figure "
            "exists; sectors not split out are grouped as 'Other sectors'); regencies use their province's "
            "shares. PU participants count in the wage-earner pool (sector from the employer's KBLI); BPU and "
            "Jakon in the informal pool; PMI work abroad and are left out.")
