"""The probabilistic stage: a Fellegi–Sunter model with Splink for people a NIK did not find.

Both sides arrive as Arrow tables with the same identity columns (see :data:`COLUMNS`);
the list side is the residue of the NIK stage, the registry side is one row per person.
Candidate pairs come from blocking rules that do not need a NIK — first or last name
word with the birth date (or with the day and month swapped), the whole name with the
district or village — so a near-miss NIK (one digit or a transposition off) is still
found when the name and birth date agree, and the NIK comparison then scores it.

The model is a Splink settings dictionary with trained m and u probabilities: the one
shipped in ``matching/data/model.json`` (trained by :func:`train` on a synthetic list
against the synthetic registry) unless the warehouse holds one trained on its own data.
Splink runs on a private in-memory DuckDB; nothing is downloaded.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

COLUMNS = ("unique_id", "nik", "name_key", "name_first", "name_last", "birth_date", "birth_alt",
           "sex", "village_key", "district_key")
_SAME_YEAR = "coalesce(year(l.birth_date) = year(r.birth_date), true)"
BLOCKING = [
    "l.name_key = r.name_key AND l.birth_date = r.birth_date",
    # one word of the name (the other abbreviated or misspelt) with the birth date, in the
    # same district; the whole name with day and month swapped
    "l.name_first = r.name_first AND l.birth_date = r.birth_date AND l.district_key = r.district_key",
    "l.name_last = r.name_last AND l.birth_date = r.birth_date AND l.district_key = r.district_key",
    "l.name_key = r.name_key AND l.birth_alt = r.birth_date",
    # a missing or mistyped birth date: the whole name in the same place, same year or unknown
    f"l.name_key = r.name_key AND l.district_key = r.district_key AND {_SAME_YEAR}",
    f"l.name_key = r.name_key AND l.village_key = r.village_key AND {_SAME_YEAR}",
]
# the fields of a pair that agreed: the comparisons that added weight for a match
AGREEMENT = [("nik", "nik"), ("name", "nama"), ("birth_date", "tgl_lahir"), ("sex", "jk"),
             ("place", "tempat")]
# a standard model for the comparison benchmark also blocks on the NIK
NIK_BLOCKING = ["l.nik = r.nik"]


def comparisons() -> list:
    import splink.comparison_level_library as cll
    from splink import comparison_library as cl

    return [
        cl.CustomComparison(output_column_name="nik", comparison_levels=[
            cll.NullLevel("nik"), cll.ExactMatchLevel("nik"),
            cll.DamerauLevenshteinLevel("nik", 1), cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="name", comparison_levels=[
            cll.NullLevel("name_key"), cll.ExactMatchLevel("name_key"),
            cll.JaroWinklerLevel("name_key", 0.92),
            cll.Or(cll.ExactMatchLevel("name_first"), cll.ExactMatchLevel("name_last")),
            cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="birth_date", comparison_levels=[
            cll.NullLevel("birth_date"), cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel('"birth_alt_l" = "birth_date_r"', "day and month swapped"),
            cll.CustomLevel('year("birth_date_l") = year("birth_date_r")', "same year"),
            cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="sex", comparison_levels=[
            cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="place", comparison_levels=[
            cll.And(cll.NullLevel("village_key"), cll.NullLevel("district_key")),
            cll.ExactMatchLevel("village_key"), cll.ExactMatchLevel("district_key"),
            cll.ElseLevel()]),
    ]


def settings(blocking: list[str] | None = None, prior: float = 1e-7) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="link_only", unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        blocking_rules_to_generate_predictions=list(blocking or BLOCKING),
        comparisons=comparisons(), retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def default_model() -> dict:
    """The shipped model (trained on synthetic data by ``cakupan lists train``)."""
    text = resources.files("cakupan.matching").joinpath("data/model.json").read_text("utf-8")
    return json.loads(text)


def _linker(left: pa.Table, right: pa.Table, model: Any, blocking: list[str] | None = None):
    """A Splink linker on a private DuckDB. With ``blocking``, only the rows that share a
    blocking key with the other side are handed to Splink (the pairs are the same; Splink's
    own preparation of millions of registry rows that cannot pair is skipped)."""
    from splink import Linker
    from splink.backends.duckdb import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.WARNING)
    con = duckdb.connect(":memory:")
    left, right = left.select(list(COLUMNS)), right.select(list(COLUMNS))
    if blocking:
        con.register("l_in", left)
        con.register("r_in", right)
        for side, table in (("l", "l_in"), ("r", "r_in")):
            keys = " UNION ".join(f"SELECT {side}.unique_id FROM l_in l JOIN r_in r ON {b}" for b in blocking)
            con.execute(f"CREATE TEMP TABLE {side}_ids AS {keys}")
        left = con.execute("SELECT * FROM l_in SEMI JOIN l_ids USING (unique_id)").fetch_arrow_table()
        right = con.execute("SELECT * FROM r_in SEMI JOIN r_ids USING (unique_id)").fetch_arrow_table()
    api = DuckDBAPI(con)
    dfs = [api.register(left, dataset_display_name="daftar", table_name="daftar"),
           api.register(right, dataset_display_name="registri", table_name="registri")]
    return Linker(dfs, model, log_level=logging.WARNING)


def train(left: pa.Table, right: pa.Table, seed: int = 1, max_pairs: float = 2e6,
          blocking: list[str] | None = None) -> dict:
    """Estimate u by random sampling and m by expectation maximisation on this data."""
    from splink import block_on

    prior = max(len(left), 1) * 0.5 / max(len(left) * len(right), 1)
    linker = _linker(left, right, settings(blocking, prior=prior))
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    # each session estimates the comparisons its blocking columns do not touch
    for rule in (block_on("birth_date", "village_key"), block_on("name_first", "birth_date"),
                 block_on("name_key", "district_key")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    return regularise(linker.misc.save_model_to_json())


def regularise(model: dict, u_floor: float = 1e-9, m_floor: float = 1e-3) -> dict:
    """Random sampling never sees two people share a NIK (u is missing), and EM on clean
    data can find a level never used by a match (m = 0, an infinite penalty for one typo
    in the sex column): floor both so every disagreement costs a finite weight."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            level["u_probability"] = max(level.get("u_probability") or 0.0, u_floor)
            level["m_probability"] = max(level.get("m_probability") or 0.0, m_floor)
    return model


def score(left: pa.Table, right: pa.Table, model: dict, threshold_weight: float,
          blocking: list[str] | None = None, prefilter: bool = True) -> pa.Table:
    """Candidate pairs scoring at least ``threshold_weight``: list ``unique_id``, registry
    ``unique_id`` (``person``), match weight and probability and which fields agreed."""
    rules = blocking or BLOCKING
    model = dict(model, retain_intermediate_calculation_columns=True)
    model["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": b, "sql_dialect": "duckdb"} for b in rules]
    if not len(left) or not len(right):
        return empty_pairs()
    linker = _linker(left, right, model, rules if prefilter else None)
    pairs = linker.inference.predict(threshold_match_weight=threshold_weight)
    agreed = " || ".join(f"CASE WHEN mw_{f} > 0 THEN '{label},' ELSE '' END" for f, label in AGREEMENT)
    sql = f"""
        SELECT CASE WHEN source_dataset_l = 'daftar' THEN unique_id_l ELSE unique_id_r END AS unique_id,
               CASE WHEN source_dataset_l = 'daftar' THEN unique_id_r ELSE unique_id_l END AS person,
               match_weight, match_probability, rtrim({agreed}, ',') AS agreed
        FROM {{this}}"""
    return pairs.query_sql(sql).as_pyarrow_table()


def empty_pairs() -> pa.Table:
    return pa.table({"unique_id": pa.array([], pa.string()), "person": pa.array([], pa.string()),
                     "match_weight": pa.array([], pa.float64()),
                     "match_probability": pa.array([], pa.float64()),
                     "agreed": pa.array([], pa.string())})
