"""Uncovered potential: employed minus active distinct workers, by pool and by sector.

Pools follow BPS employment status: the *wage-earner pool* is statuses 3 and 4 (employers
with paid workers, and employees); the *informal pool* is statuses 1, 2, 5, 6 and 7. Active
workers are placed in a pool and a sector by their primary membership:

- PU (wage earners) -> wage-earner pool; sector from their employer's KBLI section;
- BPU (non-wage earners) -> informal pool; sector from their occupation;
- JAKON (construction-project workers, mostly casual: status 6) -> informal pool; sector F;
- PMI (migrant workers) work abroad and are not among the employed of a region: left out.

Potential = employed − covered, for every row; pools and sectors add up to the employed.
Where the split of the employed is estimated (see cakupan.reference), the row says so.
"""

from __future__ import annotations

import ibis
from ibis import _

from cakupan import coverage as cov
from cakupan.reference import INFORMAL_STATUSES, OTHER_SECTORS, WAGE_STATUSES

POOLS = ("PU", "INFORMAL")
KBLI_SECTOR = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "I": 9, "J": 10,
               "K": 11, "L": 12, "M": 13, "N": 13, "O": 14, "P": 15, "Q": 16,
               "R": 17, "S": 17, "T": 17, "U": 17}
OCCUPATION_SECTOR = {"pedagang": 7, "pkl": 7, "petani": 1, "buruh_tani": 1, "nelayan": 1,
                     "ojek": 8, "tukang_becak": 8, "perajin": 3, "pemulung": 5, "seniman": 17,
                     "marbot": 17}
SECTOR_NAMES = {
    1: ("Pertanian, kehutanan dan perikanan", "Agriculture, forestry and fishing"),
    2: ("Pertambangan dan penggalian", "Mining and quarrying"),
    3: ("Industri pengolahan", "Manufacturing"),
    4: ("Listrik dan gas", "Electricity and gas"),
    5: ("Pengadaan air, sampah dan daur ulang", "Water supply, waste and recycling"),
    6: ("Konstruksi", "Construction"),
    7: ("Perdagangan", "Wholesale and retail trade"),
    8: ("Transportasi dan pergudangan", "Transportation and storage"),
    9: ("Akomodasi dan makan minum", "Accommodation and food service"),
    10: ("Informasi dan komunikasi", "Information and communication"),
    11: ("Jasa keuangan", "Financial services"),
    12: ("Real estat", "Real estate"),
    13: ("Jasa perusahaan", "Business services"),
    14: ("Administrasi pemerintahan", "Public administration"),
    15: ("Jasa pendidikan", "Education"),
    16: ("Jasa kesehatan", "Health and social work"),
    17: ("Jasa lainnya", "Other services"),
    OTHER_SECTORS: ("Sektor lain (tidak dirinci)", "Other sectors (not split)"),
}


def _pool_of_status(status: ibis.Value) -> ibis.Value:
    return ibis.cases((status.isin(WAGE_STATUSES), "PU"), (status.isin(INFORMAL_STATUSES), "INFORMAL"))


def covered_people(participants: ibis.Table, employers: ibis.Table, period: str,
                   known_sectors: list[int]) -> ibis.Table:
    """Active distinct workers with region, pool and sector (PMI left out).

    A worker whose sector is not among ``known_sectors`` (those the employed are split
    into) falls into :data:`OTHER_SECTORS`.
    """
    people = cov.active_people(participants, period).filter(_.segment != "PMI")
    emp = employers.select(npp="npp", kbli="kbli_sector")
    people = people.left_join(emp, "npp").drop("npp_right")
    kbli = ibis.cases(*[(people.kbli == k, v) for k, v in KBLI_SECTOR.items()], else_=None)
    occ = ibis.cases(*[(people.occupation == k, v) for k, v in OCCUPATION_SECTOR.items()], else_=None)
    sector = ibis.cases((people.segment == "JAKON", 6), (people.segment == "PU", kbli), else_=occ)
    sector = ibis.ifelse(sector.isin(known_sectors), sector, OTHER_SECTORS)
    return people.mutate(
        pool=ibis.ifelse(people.segment == "PU", "PU", "INFORMAL"),
        sector=sector.cast("int64"),
    )


def _employed_by(workforce: ibis.Table, period: str, level: str, column: str) -> ibis.Table:
    """Latest estimated employed per region and status (or sector) at or before ``period``."""
    wf = workforce.filter(workforce[column].notnull(), _.period <= period,
                          _.region_code.length() == cov.LEVELS[level])
    latest = wf.group_by("region_code").agg(_wp=_.period.max())
    wf = wf.join(latest, [wf.region_code == latest.region_code, wf.period == latest._wp])
    return wf.select(region_code=wf.region_code, key=wf[column], employed=wf.employed,
                     estimated=wf.estimated, workforce_period=wf.period)


def potential_by_pool(participants: ibis.Table, employers: ibis.Table, workforce: ibis.Table,
                      period: str, level: str = "province") -> ibis.Table:
    """Per region and pool: employed, covered, potential (= employed − covered)."""
    wf = _employed_by(workforce, period, level, "employment_status")
    wf = (wf.mutate(pool=_pool_of_status(wf.key))
          .group_by("region_code", "pool")
          .agg(employed=_.employed.sum(), estimated=_.estimated.any(), workforce_period=_.workforce_period.max()))
    people = covered_people(participants, employers, period, [])
    covered = (people.group_by(region_code=people[f"{level}_code"], pool=people.pool)
               .agg(covered=_.nik.count()))
    return _potential(wf, covered, ["region_code", "pool"])


def potential_by_sector(participants: ibis.Table, employers: ibis.Table, workforce: ibis.Table,
                        period: str, known_sectors: list[int], level: str = "province") -> ibis.Table:
    """Per region and sector group: employed, covered, potential."""
    wf = _employed_by(workforce, period, level, "sector").rename(sector="key")
    wf = wf.select("region_code", "sector", "employed", "estimated", "workforce_period")
    people = covered_people(participants, employers, period, known_sectors)
    covered = (people.group_by(region_code=people[f"{level}_code"], sector=people.sector)
               .agg(covered=_.nik.count()))
    return _potential(wf, covered, ["region_code", "sector"])


def _potential(wf: ibis.Table, covered: ibis.Table, keys: list[str]) -> ibis.Table:
    j = wf.left_join(covered, keys)
    j = j.drop(*[f"{k}_right" for k in keys if f"{k}_right" in j.columns])
    return j.mutate(covered=j.covered.fill_null(0),
                    potential=j.employed - j.covered.fill_null(0)).order_by(keys)
