"""The contribution BPJamsostek should have received for a worker, from the project's rules.

:func:`rate_table` turns the contribution rules in force in a month
(:func:`cakupan.contributions.pu`: JKK by risk group, JKM, JHT, JP with its wage cap,
the JKP recomposition, programmes mandatory by employer size, PP 49/2020 relief) into data:
one row per employer size, risk group, programme and payer with the rate as an exact
integer in millionths of the wage and the wage cap. :func:`amounts` applies it to a table
of workers in the engine (no Python per person): each line rounded half up to whole rupiah
once, as the calculator does, so a worker's figure equals ``pu(wage, risk, size, period)``.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import ibis
import pyarrow as pa

from cakupan.contracts import SIZE_CLASSES

RISK_GROUPS = (1, 2, 3, 4, 5)
MICRO = Decimal(1_000_000)
"""Rates are held in millionths of the wage (percent x 10,000)."""
PROBE_WAGE = 10**12
"""A wage above every cap, to read the caps off the calculator's lines."""
NO_CAP = 10**15
"""The ``cap`` of a line without a wage cap (tables handed to an engine carry no nulls)."""


@lru_cache(maxsize=None)
def kbli_risk() -> dict[str, int]:
    """KBLI section -> assumed JKK risk group (``reconcile/data/kbli_risk.csv``, estimates)."""
    text = resources.files("cakupan.reconcile").joinpath("data/kbli_risk.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    return {r["kbli_sector"]: int(r["risk_group"]) for r in rows}


def size_for_headcount(workers: ibis.Value) -> ibis.Value:
    """Employer size from its number of workers (BPS: micro 1-4, small 5-19, medium 20-99,
    large 100+), for employers BPJamsostek does not know."""
    return ibis.cases((workers < 5, "MIKRO"), (workers < 20, "KECIL"), (workers < 100, "MENENGAH"),
                      else_="BESAR")


@lru_cache(maxsize=64)
def rate_table(period: str) -> pa.Table:
    """Per size, risk group, programme and payer: ``rate_micro`` (int), ``cap`` (int,
    :data:`NO_CAP` for none), ``regulation`` and ``status`` of the rules in force on the period's first day."""
    from cakupan.contributions import pu

    rows = []
    for size in SIZE_CLASSES:
        for risk in RISK_GROUPS:
            b = pu(PROBE_WAGE, risk, size, period)
            for line in b.lines:
                if line.payer == "government" or line.rate_pct is None:
                    continue  # JKP: nothing payable by employer or worker
                micro = line.rate_pct * line.factor * MICRO / 100
                if micro != micro.to_integral_value():
                    raise ValueError(f"rate {line.rate_pct} % x {line.factor} is finer than a millionth")
                cap = int(line.base) if line.base < PROBE_WAGE else NO_CAP
                rows.append({"size_class": size, "risk_group": risk, "programme": line.programme,
                             "payer": line.payer, "rate_micro": int(micro), "cap": cap,
                             "regulation": line.regulation, "status": line.status})
    schema = pa.schema([("size_class", pa.string()), ("risk_group", pa.int64()), ("programme", pa.string()),
                        ("payer", pa.string()), ("rate_micro", pa.int64()), ("cap", pa.int64()),
                        ("regulation", pa.string()), ("status", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


def line_amount(wage: ibis.Value, rate_micro: ibis.Value, cap: ibis.Value) -> ibis.Value:
    """One line in whole rupiah, rounded half up: ``min(wage, cap) x rate``; 0 for no wage."""
    base = ibis.ifelse(wage < cap, wage, cap).fill_null(0).cast("int64")
    return ((base * rate_micro.cast("int64") + 500_000) // 1_000_000).cast("int64")


def amounts(workers: ibis.Table, rates: ibis.Table) -> ibis.Table:
    """Per worker (``workers``: ``size_class``, ``risk_group``, ``wage_due``, ``wage_paid``
    and any other columns) and programme line: ``due``, ``paid`` and ``uncollected``
    (= due - paid) in rupiah per month."""
    j = workers.inner_join(rates, [workers.size_class == rates.size_class,
                                   workers.risk_group == rates.risk_group])
    due = line_amount(j.wage_due, j.rate_micro, j.cap)
    paid = line_amount(j.wage_paid, j.rate_micro, j.cap)
    return j.mutate(due=due, paid=paid, uncollected=due - paid).drop("rate_micro", "cap")
