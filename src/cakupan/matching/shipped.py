"""How the shipped model (``matching/data/model.json``) is made: trained, as ``cakupan lists
train`` trains, on synthetic lists of three kinds (street vendors, fishermen, a village
list) against a synthetic registry — never on the corpora the quality benchmark scores.

Run ``python -m cakupan.matching.shipped`` after changing the comparisons; the previous
shipped model is the prior for what the data cannot tell (see :func:`probabilistic.regularise`).
"""

from __future__ import annotations

import json
import sys
from importlib import resources

import ibis
import polars as pl
import pyarrow as pa

KINDS = (("pkl", 3000, 31), ("nelayan", 2000, 32), ("village", 3000, 33))


def training_data(scale: float = 0.01, seed: int = 3) -> tuple[pa.Table, pa.Table]:
    """(list identities, registry people) in the identity shape."""
    from cakupan.lists.importer import normalise  # noqa: F401  (the importer's name keys)
    from cakupan.matching import people as pp
    from cakupan.regions import region_master
    from cakupan.synth import SynthConfig, generate
    from cakupan.synth.lists import kind_of, make_list

    parts = generate(SynthConfig(scale=scale, seed=seed))["participants"]
    regions = ibis.memtable(region_master())
    con = ibis.duckdb.connect()
    people = con.to_pyarrow(pp.registry_people(ibis.memtable(parts), regions).select(*pp.IDENTITY))
    lefts = []
    for kind, size, s in KINDS:
        frame, truth = make_list(pl.from_arrow(parts), kind, size, seed=s)
        spec = dict((h, f) for h, f in kind_of(kind).columns)
        rows = frame.rename({h: f for h, f in spec.items() if h in frame.columns})
        rows = rows.with_columns(row_key=pl.format(f"{kind}{{}}", pl.int_range(pl.len())))
        lefts.append(con.to_pyarrow(pp.list_identity(ibis.memtable(_as_list_rows(rows).to_arrow()), regions)))
    return pa.concat_tables(lefts), people


def _as_list_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """The columns ``list_identity`` reads, from a generated list (valid NIKs only)."""
    from cakupan.ingest.validate import _parse_date

    nik = pl.col("nik").cast(pl.String).str.replace_all(r"[^0-9]", "") if "nik" in rows.columns else pl.lit(None, pl.String)
    born = (_parse_date(pl.col("birth_date")) if "birth_date" in rows.columns
            else _parse_date(pl.col("birth_place_date").str.split(",").list.last().str.strip_chars()))
    sex = pl.col("sex").str.slice(0, 1).str.to_uppercase().replace({"-": None}) if "sex" in rows.columns else pl.lit(None)
    out = rows.with_columns(
        nik=pl.when(nik.str.len_chars() == 16).then(nik), nik_raw=nik, nik_problem=pl.lit(None, pl.String),
        birth_date=born, nik_birth_date=pl.lit(None, pl.Date), nik_sex=pl.lit(None, pl.String), sex=sex)
    for c in ("village", "district", "regency", "village_code"):
        if c not in out.columns:
            out = out.with_columns(pl.lit(None, pl.String).alias(c))
    return out.select("row_key", "name", "nik", "nik_raw", "nik_problem", "birth_date", "nik_birth_date",
                      "sex", "nik_sex", "village", "district", "regency", "village_code")


def main(out: str | None = None) -> dict:
    from cakupan.matching import probabilistic as prob

    left, right = training_data()
    model = prob.train(left, right, prior=prob.default_model())
    text = json.dumps(model, indent=1, sort_keys=True)
    path = out or str(resources.files("cakupan.matching").joinpath("data/model.json"))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(f"{path}: trained on {len(left):,} list identities against {len(right):,} registry people")
    return model


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
