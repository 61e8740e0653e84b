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
from cakupan.synth.people import largest_remainder

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


def workforce_reference() -> pa.Table:
    """Published rows plus estimated regency rows, typed as the workforce contract."""
    published = published_workforce()
    rows = published + allocate_regencies(published, population())
    return pa.Table.from_pylist(rows, schema=WORKFORCE.schema.to_pyarrow())
