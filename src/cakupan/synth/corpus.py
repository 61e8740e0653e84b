"""A quality corpus: a registry, a partner's list as written, and the truth row by row.

Made by :mod:`cakupan.synth.febrl` (public FEBRL data mapped into a registry and a list),
:mod:`cakupan.synth.alt_noise` (a second noise model, independent of our generator's) and
from :func:`cakupan.synth.lists.make_list`. The benchmark writes the list as a CSV, imports
it and matches it as a user would, and scores the links against ``truth``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

FIRST_ROW = 2
"""The importer's number of the first data row of a CSV (the header is row 1)."""


@dataclass
class Corpus:
    name: str
    participants: pl.DataFrame
    """Registry memberships in the ``participants`` contract's columns."""
    rows: pl.DataFrame
    """The list as its partner wrote it (strings, partner-style headers)."""
    truth: pl.DataFrame
    """``row_number`` (the importer's, CSV) and ``person_nik`` (NULL: not in the registry)."""
    kind: str = "pkl"
    """The list kind the import is told (segment BPU)."""

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        self.rows.write_csv(path)
        return path


def memberships(people: pl.DataFrame, registered: date = date(2020, 1, 1)) -> pl.DataFrame:
    """One BPU membership per person (``nik``, ``name``, ``birth_date``, ``sex``,
    ``village_code``), paid up to 2021-11, in the ``participants`` columns."""
    n = people.height
    return people.select("nik", "name", "birth_date", "sex", "village_code").with_columns(
        kpj=pl.format("9{}", pl.int_range(n).cast(pl.String).str.zfill(10)),
        segment=pl.lit("BPU"), sub_segment=pl.lit("INFORMAL"), occupation=pl.lit(None, pl.String),
        npp=pl.lit(None, pl.String), wage=pl.lit(1_000_000, pl.Int64), programmes=pl.lit("JKK,JKM"),
        registered_date=pl.lit(registered), last_paid_month=pl.lit("2021-11"), sponsor_type=pl.lit("SELF"),
    ).select("kpj", "nik", "name", "birth_date", "sex", "village_code", "segment", "sub_segment",
             "occupation", "npp", "wage", "programmes", "registered_date", "last_paid_month", "sponsor_type")


def nik_of(district: pl.Expr, born: pl.Expr, female: pl.Expr, serial: pl.Expr) -> pl.Expr:
    """A structurally valid NIK: district, birth day (+40 for women), month, year, serial."""
    day = born.dt.day() + pl.when(female).then(40).otherwise(0)
    return pl.concat_str([district, day.cast(pl.String).str.zfill(2), born.dt.month().cast(pl.String).str.zfill(2),
                          (born.dt.year() % 100).cast(pl.String).str.zfill(2),
                          serial.cast(pl.String).str.zfill(4)])
