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

import copy
import hashlib
import json
import logging
import math
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

COLUMNS = ("unique_id", "nik", "name_key", "name_first", "name_last", "name_rest", "name_sorted",
           "name_phon", "name_pre", "birth_date", "birth_alt", "sex", "village_key", "district_key",
           "regency_key")
_REG = "l.regency_key = r.regency_key"
_DIS = "l.district_key = r.district_key"
_YEAR_OR_DAY = ("(year(l.birth_date) = year(r.birth_date) OR (month(l.birth_date) = month(r.birth_date) "
                "AND day(l.birth_date) = day(r.birth_date)))")
BLOCKING = [
    # 0-1 the whole name (as written, or its words in any order) and the birth date
    "l.name_key = r.name_key AND l.birth_date = r.birth_date",
    "l.name_sorted = r.name_sorted AND l.birth_date = r.birth_date",
    # 2-5 one word of the name with the birth date, in the same regency: the other word
    # missing, abbreviated or misspelt; given and family name swapped; a single name
    f"l.name_first = r.name_first AND l.birth_date = r.birth_date AND {_REG}",
    f"l.name_last = r.name_last AND l.birth_date = r.birth_date AND {_REG}",
    f"l.name_first = r.name_last AND l.birth_date = r.birth_date AND {_REG}",
    f"l.name_last = r.name_first AND l.birth_date = r.birth_date AND {_REG}",
    # 6 the whole name with day and month swapped
    "l.name_key = r.name_key AND l.birth_alt = r.birth_date",
    # 7 the birth date in the same district, whatever the name (typos in every word)
    f"l.birth_date = r.birth_date AND {_DIS}",
    # 8-9 a mistyped or missing birth date: the name's words in the same district or village
    f"l.name_sorted = r.name_sorted AND {_DIS}",
    "l.name_sorted = r.name_sorted AND l.village_key = r.village_key",
    # 10 the phonetic key of both words in the same regency, with the birth year or day and month
    f"l.name_phon = r.name_phon AND {_REG} AND {_YEAR_OR_DAY}",
    # 11 the first three letters of both words in the same district
    f"l.name_pre = r.name_pre AND {_DIS}",
    # 12 one word with the birth year and month in the same district (the day mistyped)
    (f"l.name_first = r.name_first AND {_DIS} AND year(l.birth_date) = year(r.birth_date) "
     "AND month(l.birth_date) = month(r.birth_date)"),
    # 13-14 a typo in a word and the place moved: the first letters, or the phonetic key, of
    # both words with the birth date, anywhere
    "l.name_pre = r.name_pre AND l.birth_date = r.birth_date",
    "l.name_phon = r.name_phon AND l.birth_date = r.birth_date",
    # 15 the birth date wrong and the place moved within the regency: the name's words
    f"l.name_sorted = r.name_sorted AND {_REG}",
]
RULE_LABELS = [
    "nama + tanggal lahir", "kata nama (urutan bebas) + tanggal lahir", "nama depan + tanggal lahir + kabupaten",
    "nama belakang + tanggal lahir + kabupaten", "nama depan = belakang + tanggal lahir + kabupaten",
    "nama belakang = depan + tanggal lahir + kabupaten", "nama + tanggal dan bulan tertukar",
    "tanggal lahir + kecamatan", "kata nama (urutan bebas) + kecamatan", "kata nama (urutan bebas) + desa",
    "bunyi nama + kabupaten + tahun atau hari-bulan lahir", "3 huruf awal kedua kata + kecamatan",
    "nama depan + kecamatan + tahun dan bulan lahir", "3 huruf awal kedua kata + tanggal lahir",
    "bunyi nama + tanggal lahir", "kata nama (urutan bebas) + kabupaten",
]
# the fields of a pair that agreed: the comparisons that added weight for a match
AGREEMENT = [("nik", "nik"), ("given", "nama depan"), ("family", "nama belakang"), ("birth_date", "tgl_lahir"),
             ("sex", "jk"), ("place", "tempat")]
# a standard model for the comparison benchmark also blocks on the NIK
NIK_BLOCKING = ["l.nik = r.nik"]
# columns whose exact agreement is weighed by how common the value is in the registry
TF_COLUMNS = ("name_first", "name_rest")
_DATE = "strftime({}, '%Y%m%d')"


def comparisons() -> list:
    import splink.comparison_level_library as cll
    from splink import comparison_library as cl

    sorted_same = cll.CustomLevel('"name_sorted_l" = "name_sorted_r"', "same words in any order")
    date_l, date_r = _DATE.format('"birth_date_l"'), _DATE.format('"birth_date_r"')
    return [
        cl.CustomComparison(output_column_name="nik", comparison_levels=[
            cll.NullLevel("nik"), cll.ExactMatchLevel("nik"),
            cll.DamerauLevenshteinLevel("nik", 1), cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="given", comparison_levels=[
            cll.NullLevel("name_first"), sorted_same,
            cll.ExactMatchLevel("name_first", term_frequency_adjustments=True),
            cll.CustomLevel('"name_first_l" = "name_last_r" OR "name_last_l" = "name_first_r"',
                            "given and family name swapped"),
            cll.JaroWinklerLevel("name_first", 0.92), cll.JaroWinklerLevel("name_first", 0.8),
            cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="family", comparison_levels=[
            cll.NullLevel("name_rest"), sorted_same,
            cll.ExactMatchLevel("name_rest", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("name_rest", 0.92), cll.JaroWinklerLevel("name_rest", 0.8),
            cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="birth_date", comparison_levels=[
            cll.NullLevel("birth_date"), cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel('"birth_alt_l" = "birth_date_r"', "day and month swapped"),
            cll.CustomLevel(f"damerau_levenshtein({date_l}, {date_r}) <= 1", "one digit wrong"),
            cll.CustomLevel('abs(year("birth_date_l") - year("birth_date_r")) = 1 AND '
                            'month("birth_date_l") = month("birth_date_r") AND day("birth_date_l") = day("birth_date_r")',
                            "year off by one"),
            cll.CustomLevel('year("birth_date_l") = year("birth_date_r") AND month("birth_date_l") = month("birth_date_r")',
                            "same year and month"),
            cll.CustomLevel('year("birth_date_l") = year("birth_date_r")', "same year"),
            cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="sex", comparison_levels=[
            cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="place", comparison_levels=[
            cll.And(cll.NullLevel("village_key"), cll.NullLevel("district_key"), cll.NullLevel("regency_key")),
            cll.And(cll.ExactMatchLevel("village_key"), cll.ExactMatchLevel("district_key")),
            cll.JaroWinklerLevel("village_key", 0.9), cll.ExactMatchLevel("district_key"),
            cll.JaroWinklerLevel("district_key", 0.9), cll.ExactMatchLevel("regency_key"),
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
    full_right = right
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
    linker = Linker(dfs, model, log_level=logging.WARNING)
    con.register("tf_source", full_right)
    for col in TF_COLUMNS:
        tf = con.execute(f"SELECT {col}, count(*) / sum(count(*)) OVER () AS tf_{col} FROM tf_source "
                         f"WHERE {col} IS NOT NULL GROUP BY {col}").to_arrow_table()
        linker.table_management.register_term_frequency_lookup(api.register(tf, table_name=f"tf_in_{col}"), col)
    return linker


# the identity columns each comparison reads: a list without any of them (no NIK column,
# no sex column) leaves that comparison as the prior has it
FIELDS = {"nik": ("nik",), "given": ("name_first",), "family": ("name_rest",), "birth_date": ("birth_date",),
          "sex": ("sex",), "place": ("village_key", "district_key", "regency_key")}


def absent_fields(table: pa.Table) -> set[str]:
    """The comparisons whose columns are empty on every row of ``table``."""
    return {name for name, cols in FIELDS.items()
            if all(c not in table.column_names or table[c].null_count == len(table) for c in cols)}


EM_KEYS = (("birth_date", "district_key"), ("name_sorted", "district_key"), ("name_first", "birth_date"))


def training_sample(left: pa.Table, right: pa.Table, max_left: int = 20_000, max_right: int = 300_000,
                    seed: int = 1) -> tuple[pa.Table, pa.Table]:
    """A sample to train on that keeps training time bounded on big lists and registries: at
    most ``max_left`` list identities, and the registry people that share an EM blocking key
    with them plus a random sample (for u) up to ``max_right``."""
    if len(left) <= max_left and len(right) <= max_right:
        return left, right
    con = duckdb.connect(":memory:")
    con.register("l_all", left.select(list(COLUMNS)))
    con.register("r_all", right.select(list(COLUMNS)))
    con.execute(f"SELECT setseed({1 / (seed + 1)})")
    con.execute(f"CREATE TEMP TABLE l AS SELECT * FROM l_all ORDER BY random() LIMIT {max_left}")
    keys = " UNION ".join(f"SELECT r.unique_id FROM l JOIN r_all r ON "
                          + " AND ".join(f"l.{c} = r.{c}" for c in cols) for cols in EM_KEYS)
    con.execute(f"CREATE TEMP TABLE near AS {keys}")
    r = con.execute(f"""SELECT * FROM r_all SEMI JOIN near USING (unique_id)
                        UNION ALL (SELECT * FROM r_all ANTI JOIN near USING (unique_id)
                                   ORDER BY random() LIMIT {max_right})""").to_arrow_table()
    return con.execute("SELECT * FROM l").to_arrow_table(), r


def train(left: pa.Table, right: pa.Table, seed: int = 1, max_pairs: float = 2e6,
          blocking: list[str] | None = None, prior: dict | None = None, registry_size: int | None = None) -> dict:
    """Estimate u by random sampling and m by expectation maximisation on this data; what
    the data cannot tell (a field the list does not have, a level no pair reached) keeps
    the ``prior``'s value (default: the shipped model). ``registry_size``: the whole
    registry's, when ``right`` is a sample of it (:func:`training_sample`)."""
    from splink import block_on

    rate = 0.5 / max(registry_size or len(right), 1)
    linker = _linker(left, right, settings(blocking, prior=rate))
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    # each session estimates the comparisons its blocking columns do not touch
    for rule in (block_on(*cols) for cols in EM_KEYS):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    return regularise(linker.misc.save_model_to_json(), prior or default_model(), absent_fields(left))


def _weight(level: dict) -> float:
    return math.log2(level["m_probability"] / level["u_probability"])


def regularise(model: dict, prior: dict | None = None, absent: set[str] = frozenset(),
               u_floor: float = 1e-9, m_floor: float = 1e-3) -> dict:
    """Make a trained model safe to apply.

    - A comparison of a field the training list does not have keeps the prior's levels.
    - A level the training did not observe (m or u missing: random sampling never sees two
      people share a NIK, EM never sees a pair on a level) keeps the prior's value; without
      a prior level it is neutral (m = u, weight 0) — never a free bonus.
    - A value estimated as 0 is floored, so one typo costs a finite weight.
    - A disagreement (the ELSE level) never adds weight: if training made it positive, the
      prior's level is kept, else it is made neutral.
    """
    model = copy.deepcopy(model)
    known = {c["output_column_name"]: c for c in (prior or {"comparisons": []})["comparisons"]}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        base = known.get(name)
        if base and name in absent:
            comparison["comparison_levels"] = copy.deepcopy(base["comparison_levels"])
            continue
        base_levels = {lv["sql_condition"]: lv for lv in (base or {}).get("comparison_levels", [])}
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            was = base_levels.get(level["sql_condition"])
            for key, floor in (("m_probability", m_floor), ("u_probability", u_floor)):
                value = level.get(key)
                if value is None and was is not None:
                    value = was[key]
                level[key] = value
            if level["m_probability"] is None or level["u_probability"] is None:
                observed = level["m_probability"] or level["u_probability"] or 0.5
                level["m_probability"] = level["u_probability"] = max(observed, u_floor)
            level["m_probability"] = max(level["m_probability"], m_floor)
            level["u_probability"] = max(level["u_probability"], u_floor)
            if level["sql_condition"] == "ELSE" and _weight(level) > 0:
                if was is not None and _weight(was) <= 0:
                    level.update(m_probability=was["m_probability"], u_probability=was["u_probability"])
                else:
                    level["m_probability"] = level["u_probability"]
    return model


def model_id(model: dict, kind: str = "trained") -> str:
    """An id that is a hash of what defines the model: its comparisons, levels and
    parameters (rounded to 6 significant digits, so two identical trainings share it)."""
    def rounded(value):
        if isinstance(value, float):
            return float(f"{value:.6g}")
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rounded(v) for v in value]
        return value

    defining = {k: model.get(k) for k in ("comparisons", "probability_two_random_records_match")}
    text = json.dumps(rounded(defining), sort_keys=True)
    return f"{kind}-" + hashlib.sha1(text.encode()).hexdigest()[:10]


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


def blocked_pairs(left: pa.Table, right: pa.Table, blocking: list[str] | None = None) -> pa.Table:
    """Every candidate pair each blocking rule makes: list ``unique_id``, registry
    ``person`` and ``rule`` (index into the rules), for blocking recall and ``--explain``."""
    rules = blocking or BLOCKING
    con = duckdb.connect(":memory:")
    con.register("l", left.select(list(COLUMNS)))
    con.register("r", right.select(list(COLUMNS)))
    sql = " UNION ALL ".join(f"SELECT l.unique_id, r.unique_id AS person, {i}::BIGINT AS rule "
                             f"FROM l JOIN r ON {rule}" for i, rule in enumerate(rules))
    return con.execute(sql).fetch_arrow_table()
