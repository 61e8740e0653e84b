"""Why a list row was linked to a participant, and what each blocking rule contributes, in
Indonesian: the level every comparison reached and the weight it added (log2 Bayes factor,
term-frequency adjustment included), and per blocking rule the candidate pairs it makes and
the share of the list's probabilistic matches it reaches.
"""

from __future__ import annotations

import math
import re

import pyarrow as pa

from cakupan.matching import probabilistic as prob

COMPARISONS = {"nik": "NIK", "given": "nama depan", "family": "nama belakang", "birth_date": "tanggal lahir",
               "sex": "jenis kelamin", "place": "tempat"}
LEVELS = (  # (pattern in Splink's level label, Indonesian)
    (r"^\(Exact match on village_key\) AND", "desa dan kecamatan sama"),
    (r"Jaro-Winkler distance of village_key", "nama desa mirip"),
    (r"Jaro-Winkler distance of district_key", "nama kecamatan mirip"),
    (r"Exact match on district_key", "kecamatan sama, desa beda"),
    (r"Exact match on regency_key", "kabupaten sama, kecamatan beda"),
    (r"same words in any order", "kata-kata nama sama (urutan bebas)"),
    (r"given and family name swapped", "nama depan dan belakang tertukar"),
    (r"Jaro-Winkler distance of \w+ >= (0\.\d+)", "mirip (Jaro-Winkler ≥ {0})"),
    (r"Damerau-Levenshtein distance of nik <= 1", "beda satu angka atau dua angka tertukar"),
    (r"day and month swapped", "tanggal dan bulan tertukar"),
    (r"one digit wrong", "beda satu angka"),
    (r"year off by one", "tahun beda satu"),
    (r"same year and month", "tahun dan bulan sama"),
    (r"same year", "tahun sama"),
    (r"^Exact match", "sama"),
    (r"^All other comparisons", "berbeda"),
    (r"is NULL", "kosong di salah satu sisi"),
)


def level_text(label: str) -> str:
    for pattern, text in LEVELS:
        found = re.search(pattern, label)
        if found:
            return text.format(*(g.replace(".", ",") for g in found.groups()))
    return label


def _levels(model: dict) -> dict[str, list[tuple[str, float]]]:
    """Per comparison, its levels' labels and weights (log2 m/u)."""
    return {c["output_column_name"]: [(lv["label_for_charts"], math.log2(lv["m_probability"] / lv["u_probability"]))
                                      for lv in c["comparison_levels"] if not lv.get("is_null_level")]
            for c in model["comparisons"]}


def explain_pairs(left: pa.Table, right: pa.Table, model: dict, pairs: list[tuple[str, str]]) -> list[dict]:
    """For each ``(list unique_id, registry unique_id)``: the total match weight and, per
    comparison, its level in words and the weight it added."""
    if not pairs:
        return []
    import pyarrow.compute as pc

    left = left.filter(pc.is_in(left["unique_id"], pa.array(sorted({a for a, _ in pairs}))))
    right = right.filter(pc.is_in(right["unique_id"], pa.array(sorted({b for _, b in pairs}))))
    rule = ["l.unique_id = l.unique_id"]                  # every pair of these few rows
    settings = dict(model, retain_intermediate_calculation_columns=True)
    settings["blocking_rules_to_generate_predictions"] = [{"blocking_rule": rule[0], "sql_dialect": "duckdb"}]
    linker = prob._linker(left, right, settings)
    table = linker.inference.predict().as_pyarrow_table().to_pylist()
    levels = _levels(model)
    values = {r["unique_id"]: r for r in left.to_pylist() + right.to_pylist()}
    wanted = set(pairs)
    out = []
    for row in table:
        ours = row["source_dataset_l"] == "daftar"
        key = (row["unique_id_l"], row["unique_id_r"]) if ours else (row["unique_id_r"], row["unique_id_l"])
        if key not in wanted:
            continue
        parts = []
        a, b = values[key[0]], values[key[1]]
        for name, words in COMPARISONS.items():
            weight = row.get(f"mw_{name}") or 0.0
            empty = all(a.get(c) is None or b.get(c) is None for c in prob.FIELDS[name])
            if empty:
                text = "kosong di salah satu sisi"
            else:   # the level whose weight this is (the weight before term frequencies)
                text = level_text(min(levels[name], key=lambda lv: abs(lv[1] - weight))[0])
            parts.append({"comparison": words, "level": text,
                          "weight": weight + (row.get(f"mw_tf_adj_{name}") or 0.0)})
        out.append({"unique_id": key[0], "person": key[1], "match_weight": row["match_weight"],
                    "prior": math.log2(model["probability_two_random_records_match"]
                                       / (1 - model["probability_two_random_records_match"])),
                    "parts": parts})
    return out


def rule_summary(blocked: pa.Table, matched: pa.Table, rules: list[str] | None = None) -> list[dict]:
    """Per blocking rule: candidate pairs, and the share of ``matched`` pairs (``unique_id``,
    ``person``) it reaches; the last row is their union."""
    import duckdb

    rules = rules or prob.BLOCKING
    con = duckdb.connect(":memory:")
    con.register("b", blocked)
    con.register("m", matched.select(["unique_id", "person"]))
    per = dict(con.execute("SELECT rule, count(*) FROM b GROUP BY rule").fetchall())
    hit = dict(con.execute("SELECT rule, count(DISTINCT m.unique_id) FROM b JOIN m USING (unique_id, person) "
                           "GROUP BY rule").fetchall())
    n = con.execute("SELECT count(*) FROM m").fetchone()[0]
    union = con.execute("SELECT count(*) FROM (SELECT DISTINCT unique_id, person FROM b)").fetchone()[0]
    found = con.execute("SELECT count(DISTINCT m.unique_id) FROM m SEMI JOIN b USING (unique_id, person)").fetchone()[0]
    labels = prob.RULE_LABELS if rules is prob.BLOCKING else [f"aturan {i}" for i in range(len(rules))]
    out = [{"rule": labels[i], "pairs": per.get(i, 0), "matches": hit.get(i, 0), "share": hit.get(i, 0) / max(n, 1)}
           for i in range(len(rules))]
    out.append({"rule": "gabungan semua aturan", "pairs": union, "matches": found, "share": found / max(n, 1)})
    return out
