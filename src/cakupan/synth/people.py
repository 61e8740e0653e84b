"""Synthetic people: where they live, sex, birth date, name and a NIK consistent with them."""

from __future__ import annotations

import numpy as np
import polars as pl

from cakupan.periods import largest_remainder  # noqa: F401  (re-exported for synth)
from cakupan.synth.names import make_names

REFERENCE_DAY = np.datetime64("2021-11-15")


def place_people(rng: np.random.Generator, counts: np.ndarray, villages: pl.DataFrame,
                 regencies: list[str]) -> np.ndarray:
    """Village code for each person: ``counts[i]`` people in ``regencies[i]``, spread over
    its villages with uneven (gamma-distributed) village sizes."""
    out = []
    for regency, n in zip(regencies, counts):
        codes = villages.filter(pl.col("regency_code") == regency)["code"].to_numpy()
        size = rng.gamma(2.0, 1.0, len(codes))
        out.append(codes[rng.choice(len(codes), size=int(n), p=size / size.sum())])
    return np.concatenate(out) if out else np.array([], dtype=object)


def birth_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ages 17-64 on the reference day, most between 25 and 50: a normal distribution
    truncated by redrawing (clipping would pile thousands onto the same two birth dates)."""
    age = rng.normal(37.0, 10.5, n)
    out = (age < 17.0) | (age >= 65.0)
    while out.any():
        age[out] = rng.normal(37.0, 10.5, int(out.sum()))
        out = (age < 17.0) | (age >= 65.0)
    return REFERENCE_DAY - (age * 365.25).astype("timedelta64[D]")


def make_people(rng: np.random.Generator, village: np.ndarray, all_districts: np.ndarray,
                moved_share: float = 0.08, first_serial: int = 1) -> pl.DataFrame:
    """One row per person with a unique, structurally valid NIK.

    The NIK's district is where the card was issued: the home district for most people,
    another district for ``moved_share`` of them (people who moved keep their NIK).
    """
    n = len(village)
    female = rng.random(n) < 0.42
    born = birth_dates(rng, n)
    old = (born < np.datetime64("1972-01-01")) & (rng.random(n) < 0.5)
    frame = pl.DataFrame({"village_code": pl.Series(village, dtype=pl.String),
                          "female": female, "birth_date": born})
    frame = frame.with_columns(district=pl.col("village_code").str.slice(0, 6))
    moved = pl.Series(rng.random(n) < moved_share)
    elsewhere = pl.Series(all_districts, dtype=pl.String).gather(rng.integers(0, len(all_districts), n))
    frame = frame.with_columns(
        issued=pl.when(moved).then(elsewhere).otherwise(pl.col("district")),
        sex=pl.when(pl.col("female")).then(pl.lit("P")).otherwise(pl.lit("L")),
        name=make_names(rng, female, old),
    )
    return frame.with_columns(nik=_nik_expr(frame, first_serial)).drop("issued", "district", "female")


def _nik_expr(frame: pl.DataFrame, first_serial: int = 1) -> pl.Expr:
    """NIK = issuing district (6) + birth day, +40 for women (2) + month (2) + year (2) + a
    serial (4) counting the people with the same district, birth date and sex in row order.
    Built as one 16-digit number: the serial comes from a stable sort of one integer key."""
    bd = pl.col("birth_date")
    issued = pl.col("issued").cast(pl.Int64)
    key = frame.select((issued * 100_000 + bd.cast(pl.Int32).cast(pl.Int64) + 50_000) * 2
                       + pl.col("female").cast(pl.Int64)).to_series().to_numpy()
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    pos = np.arange(len(key))
    serial = np.empty(len(key), np.int64)
    serial[order] = pos - np.maximum.accumulate(np.where(starts, pos, 0)) + first_serial
    day = bd.dt.day().cast(pl.Int64) + pl.when(pl.col("female")).then(40).otherwise(0)
    number = (issued * 10**10 + day * 10**8 + bd.dt.month().cast(pl.Int64) * 10**6
              + (bd.dt.year() % 100).cast(pl.Int64) * 10**4 + pl.Series(serial))
    return number.cast(pl.String).str.zfill(16)
