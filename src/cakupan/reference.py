"""Reference figures shipped with cakupan, each with its source and period.

- ``data/workforce.csv``: published labour-force figures (province; a regency where found).
- ``data/population_sp2020.csv``: BPS SP2020 population per regency, the allocation proxy.
- ``data/umk.csv``: regency minimum wages 2021 and 2022.

Regency denominators that no publication gives are allocated from their province: the
province's employed (and unemployed) minus the published regencies, split by SP2020
population share with the largest-remainder method, so regencies sum exactly to the
province. Those rows carry ``estimated = true`` and say so in ``source``.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import pyarrow as pa

from cakupan.contracts import WORKFORCE
from cakupan.periods import largest_remainder

ALLOCATION_NOTE = ("estimated: {what} of province {prov} ({source_period}) minus published "
                   "regencies, allocated by BPS SP2020 population share (largest remainder)")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("cakupan").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines))


@lru_cache(maxsize=None)
def population() -> dict[str, int]:
    """Regency code -> SP2020 population."""
    return {r["regency_code"]: int(r["population_sp2020"]) for r in _rows("population_sp2020.csv")}


@lru_cache(maxsize=None)
def umk(year: int = 2021) -> dict[str, int]:
    """Regency code -> UMK of ``year`` in whole rupiah (rounded half up)."""
    col = f"umk_{year}"
    return {r["regency_code"]: int(Decimal(r[col]).quantize(Decimal(1), "ROUND_HALF_UP"))
            for r in _rows("umk.csv")}


def published_workforce() -> list[dict]:
    out = []
    for r in _rows("workforce.csv"):
        out.append({
            "region_code": r["region_code"], "period": r["period"],
            "employed": int(r["employed"]), "unemployed": int(r["unemployed"]),
            "employment_status": None, "sector": None,
            "source": r["source"], "estimated": r["estimated"].strip().lower() == "true",
        })
    return out


def allocate_regencies(published: list[dict], pop: dict[str, int]) -> list[dict]:
    """Estimated regency rows for every province row whose regencies are in ``pop``."""
    out = []
    have = {(r["region_code"], r["period"]) for r in published}
    for prov in (r for r in published if len(r["region_code"]) == 2):
        code, period = prov["region_code"], prov["period"]
        regencies = sorted(c for c in pop if c.startswith(code))
        todo = [c for c in regencies if (c, period) not in have]
        if not todo:
            continue
        done = [r for r in published if r["period"] == period and r["region_code"] in regencies]
        weights = [pop[c] for c in todo]
        rest = {k: prov[k] - sum(r[k] for r in done) for k in ("employed", "unemployed")}
        split = {k: largest_remainder(v, weights) for k, v in rest.items()}
        for i, c in enumerate(todo):
            out.append({
                "region_code": c, "period": period,
                "employed": int(split["employed"][i]), "unemployed": int(split["unemployed"][i]),
                "employment_status": None, "sector": None,
                "source": ALLOCATION_NOTE.format(what="employed and unemployed", prov=code,
                                                 source_period=period),
                "estimated": True,
            })
    return out


WAGE_STATUSES = (3, 4)
INFORMAL_STATUSES = (1, 2, 5, 6, 7)
OTHER_SECTORS = 99
"""Sector code for the employed in the 12 groups no found publication splits out."""
SPLIT_NOTE = ("estimated: {what} of {code} split by {basis}; see data/sakernas_splits.csv "
              "(cakupan.reference.split_rows)")


@lru_cache(maxsize=None)
def splits() -> list[dict]:
    return [{**r, "value": Decimal(r["value"])} for r in _rows("sakernas_splits.csv")]


def _share(dimension: str, region: str) -> dict[int, Decimal]:
    """Category -> percent for a region, falling back to the national (00) figure."""
    out: dict[int, Decimal] = {}
    for scope in ("00", region):  # regional figures override national ones
        for r in splits():
            if r["dimension"] == dimension and r["region_code"] == scope:
                out[int(r["category"])] = r["value"]
    return out


def status_shares(province: str) -> dict[int, Decimal]:
    """Percent of employed by the 7 statuses: the province's informal share split over the
    informal statuses, the rest over statuses 3 and 4, in national proportions."""
    informal = next(r["value"] for r in splits()
                    if r["dimension"] == "informal" and r["region_code"] == province)
    national = _share("status", province)
    out = {}
    for group, total in ((WAGE_STATUSES, 100 - informal), (INFORMAL_STATUSES, informal)):
        weight = sum(national[s] for s in group)
        out.update({s: total * national[s] / weight for s in group})
    return out


def sector_shares(province: str) -> dict[int, Decimal]:
    """Percent of employed by the sector groups found, the remainder as OTHER_SECTORS."""
    found = _share("sector", province)
    return {**found, OTHER_SECTORS: 100 - sum(found.values())}


def split_rows(totals: list[dict]) -> list[dict]:
    """Workforce rows by employment status and by sector for every total row of provinces
    with a published informal share; each region's rows add up to its employed exactly."""
    provinces = {r["region_code"] for r in splits() if r["dimension"] == "informal"}
    out = []
    for row in totals:
        prov = row["region_code"][:2]
        if prov not in provinces or row["employment_status"] is not None or row["sector"] is not None:
            continue
        for column, shares, basis in (
                ("employment_status", status_shares(prov), f"informal share of province {prov} and national status proportions"),
                ("sector", sector_shares(prov), "published sector shares (province where found, else national)")):
            codes = sorted(shares)
            counts = largest_remainder(row["employed"], [float(shares[c]) for c in codes])
            for code, n in zip(codes, counts):
                out.append({**row, "employment_status": None, "sector": None, column: code,
                            "employed": int(n), "unemployed": None, "estimated": True,
                            "source": SPLIT_NOTE.format(what="employed", code=row["region_code"], basis=basis)})
    return out


def workforce_reference() -> pa.Table:
    """Published rows, estimated regency rows, and estimated splits by status and sector,
    typed as the workforce contract."""
    published = published_workforce()
    totals = published + allocate_regencies(published, population())
    return pa.Table.from_pylist(totals + split_rows(totals), schema=WORKFORCE.schema.to_pyarrow())
