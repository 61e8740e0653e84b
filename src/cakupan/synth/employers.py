"""Synthetic employers (pemberi kerja) and the assignment of wage earners to them."""

from __future__ import annotations

import numpy as np
import polars as pl

from cakupan.synth.calendar import first_day

SIZE_CLASSES = np.array(["MIKRO", "KECIL", "MENENGAH", "BESAR"])
SIZE_SHARE = np.array([0.80, 0.13, 0.05, 0.02])
"""Share of employers by size; Feb 2025 677.82 k of 839,937 registered employers were
micro (FACTS.md section 7): 0.81."""
SIZE_WORKERS = np.array([4.0, 25.0, 120.0, 600.0])
"""Relative number of registered workers per employer of each size."""

SECTORS = np.array(list("ACGFHIOPQSMNJKLBDER"))
SECTOR_SHARE = np.array([0.05, 0.22, 0.30, 0.06, 0.05, 0.09, 0.008, 0.04, 0.03,
                         0.04, 0.015, 0.015, 0.015, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005])
"""Employers by KBLI section: trade (G) and manufacturing (C) lead, as in Sakernas."""

WORDS = ("Maju Jaya Sejahtera Makmur Abadi Sentosa Mandiri Karya Sumber Rejeki Berkah Mulia "
         "Lancar Utama Sinar Mitra Indah Agung Bumi Tirta Sari Putra Rahayu Santosa").split()
FORMS = np.array(["PT", "CV", "UD", "Koperasi", "Toko", "PT"])


def _luhn_check(digits: np.ndarray) -> np.ndarray:
    """Luhn check digit for each row of a digit matrix (rightmost digit doubled first)."""
    d = digits[:, ::-1].copy()
    d[:, 0::2] *= 2
    d = np.where(d > 9, d - 9, d)
    return (10 - d.sum(axis=1) % 10) % 10


def make_npwp(rng: np.random.Generator, n: int) -> np.ndarray:
    """15-digit NPWP: 2 taxpayer type, 6 serial, Luhn check digit over the first 8,
    3 tax office, 000 (head office) — FACTS.md section 3."""
    body = rng.integers(0, 10, (n, 8))
    body[:, 0] = 0
    body[:, 1] = rng.choice([1, 2, 3], n)
    check = _luhn_check(body)
    office = rng.integers(500, 540, n)
    serial = body @ (10 ** np.arange(7, -1, -1))
    number = ((serial * 10 + check) * 1000 + office) * 1000
    return pl.Series(number).cast(pl.String).str.zfill(15).to_numpy()


def make_employers(rng: np.random.Generator, pu_per_regency: dict[str, int],
                   first_npp: int = 10_000_000) -> pl.DataFrame:
    """Employers per regency, about one per 20 registered wage earners."""
    regency = np.concatenate([np.repeat(r, max(1, round(n / 20))) for r, n in pu_per_regency.items()])
    n = len(regency)
    size = rng.choice(len(SIZE_CLASSES), n, p=SIZE_SHARE)
    sector = rng.choice(SECTORS, n, p=SECTOR_SHARE / SECTOR_SHARE.sum())
    size = np.where((sector == "O") & (rng.random(n) < 0.5), 3, size)
    w = rng.integers(0, len(WORDS), (n, 2))
    name = [f"{f} {WORDS[a]} {WORDS[b]}" for f, (a, b) in zip(FORMS[rng.integers(0, len(FORMS), n)], w)]
    name = np.where(sector == "O", [f"Pemerintah Kab/Kota {r}" for r in regency], name)
    months = rng.integers(2000 * 12, 2021 * 12 + 10, n)
    return pl.DataFrame({
        "npp": (first_npp + rng.permutation(n) * 7 % (n * 7 + 1)).astype(str) if False
        else (first_npp + np.arange(n)).astype(str),
        "name": name,
        "npwp": make_npwp(rng, n),
        "kbli_sector": sector,
        "size_class": SIZE_CLASSES[size],
        "regency_code": regency,
        "registered_date": first_day(months, rng),
        "size_idx": size,
    })


def assign_employers(rng: np.random.Generator, employers: pl.DataFrame,
                     regency: np.ndarray) -> np.ndarray:
    """Row index into ``employers`` for each wage earner, larger employers drawing more;
    ``regency`` holds each wage earner's regency code as a number (3374)."""
    out = np.empty(len(regency), dtype=np.int64)
    emp_reg = employers["regency_code"].cast(pl.Int32).to_numpy()
    weight = SIZE_WORKERS[employers["size_idx"].to_numpy()]
    for r in np.unique(regency):
        who = np.flatnonzero(regency == r)
        rows = np.flatnonzero(emp_reg == r)
        cum = np.cumsum(weight[rows])
        pick = np.searchsorted(cum, rng.random(len(who)) * cum[-1], side="right")
        out[who] = rows[np.minimum(pick, len(rows) - 1)]
    return out
