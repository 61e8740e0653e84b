"""A trained model is safe to apply: fields the training list lacks keep the shipped weights,
a wrong NIK or a wrong sex never scores above a missing one, the model applies to the list
it was trained on unless asked, and its id is a hash of the model."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pytest
from conftest import make_warehouse

from cakupan.lists.importer import import_list
from cakupan.lists.matcher import MODELS, MatchError, match_list, model_for
from cakupan.lists.review import train_model
from cakupan.matching import people as pp
from cakupan.matching import probabilistic as prob
from cakupan.synth.lists import make_list

EXACT = ["l.name_key = r.name_key AND l.birth_date = r.birth_date"]


def _write(frame: pl.DataFrame, path, drop: tuple[str, ...] = ()) -> None:
    frame.drop([c for c in frame.columns if c in drop]).write_csv(path, separator=";")


@pytest.fixture(scope="module")
def trained(small_registry, tmp_path_factory):
    """A warehouse with two lists: ``nelayan`` without NIK and sex columns (trained), and
    ``pasar`` with both (trained too)."""
    d = tmp_path_factory.mktemp("model")
    wh = make_warehouse("duckdb", d, small_registry)
    parts = pl.from_arrow(small_registry["participants"])
    frame, _ = make_list(parts, "pkl", 500, seed=5)
    _write(frame, d / "nelayan.csv", drop=("NIK", "JENIS KELAMIN"))
    _write(frame, d / "pasar.csv")
    import_list(wh, d / "nelayan.csv", "nelayan", "BPU", "nelayan")
    import_list(wh, d / "pasar.csv", "pasar", "BPU", "pkl")
    ids = {"nelayan": train_model(wh, "nelayan"), "pasar": train_model(wh, "pasar")}
    yield wh, ids
    wh.close()


def _comparison(model: dict, name: str) -> list[tuple]:
    (c,) = [c for c in model["comparisons"] if c["output_column_name"] == name]
    return [(lv["sql_condition"], lv.get("m_probability"), lv.get("u_probability")) for lv in c["comparison_levels"]]


def test_fields_the_list_lacks_keep_the_shipped_weights(trained):
    wh, ids = trained
    _, model = model_for(wh, "nelayan")
    shipped = prob.default_model()
    for name in ("nik", "sex"):
        assert _comparison(model, name) == _comparison(shipped, name)
    assert _comparison(model, "given") != _comparison(shipped, "given")      # trained where it could


def _people(wh, n: int = 40) -> pa.Table:
    return wh.con.con.execute(
        f"SELECT {', '.join(pp.IDENTITY)} FROM match_people WHERE sex IS NOT NULL ORDER BY nik LIMIT {n}").to_arrow_table()


def _variant(people: pa.Table, tag: str, **values) -> pa.Table:
    t = people.set_column(0, "unique_id", pa.array([f"{tag}:{u}" for u in people["unique_id"].to_pylist()]))
    for col, fn in values.items():
        i = t.column_names.index(col)
        t = t.set_column(i, col, pa.array([fn(v) for v in t[col].to_pylist()], t.schema.field(col).type))
    return t


def _wrong_nik(nik: str) -> str:   # three digits of the serial changed: no near-miss either
    return nik[:12] + "".join(str((int(c) + 5) % 10) for c in nik[12:15]) + nik[15]


@pytest.mark.parametrize("source", ["nelayan", "pasar"])
def test_a_wrong_nik_or_sex_never_scores_above_a_missing_one(trained, source):
    wh, _ = trained
    _, model = model_for(wh, source)
    people = _people(wh)
    left = pa.concat_tables([
        _variant(people, "own"), _variant(people, "nonik", nik=lambda v: None),
        _variant(people, "badnik", nik=_wrong_nik),
        _variant(people, "nosex", nik=lambda v: None, sex=lambda v: None),
        _variant(people, "badsex", nik=lambda v: None, sex=lambda v: "P" if v == "L" else "L"),
    ])
    pairs = prob.score(left, people, model, -1e9, blocking=EXACT)
    w = {(u, p): x for u, p, x in zip(pairs["unique_id"].to_pylist(), pairs["person"].to_pylist(),
                                      pairs["match_weight"].to_pylist())}
    for person in people["unique_id"].to_pylist():
        own, nonik, badnik = (w[(f"{t}:{person}", person)] for t in ("own", "nonik", "badnik"))
        nosex, badsex = w[(f"nosex:{person}", person)], w[(f"badsex:{person}", person)]
        assert badnik < nonik < own
        assert badsex < nosex


def test_regularise_never_gives_an_unobserved_level_a_bonus():
    shipped = prob.default_model()
    blank = json.loads(json.dumps(shipped))
    for c in blank["comparisons"]:
        for lv in c["comparison_levels"]:
            lv.pop("m_probability", None)
            lv.pop("u_probability", None)
    assert _comparison(prob.regularise(blank, shipped), "nik") == _comparison(shipped, "nik")
    neutral = prob.regularise(blank)                      # no prior at all: every level weight 0
    for c in neutral["comparisons"]:
        for lv in c["comparison_levels"]:
            if not lv.get("is_null_level"):
                assert lv["m_probability"] == lv["u_probability"]
    bonus = json.loads(json.dumps(shipped))               # training made "NIK differs" positive
    else_level = [lv for lv in bonus["comparisons"][0]["comparison_levels"] if lv["sql_condition"] == "ELSE"][0]
    else_level.update(m_probability=0.5, u_probability=0.01)
    fixed = [lv for lv in prob.regularise(bonus, shipped)["comparisons"][0]["comparison_levels"]
             if lv["sql_condition"] == "ELSE"][0]
    assert fixed["m_probability"] < fixed["u_probability"]


def test_a_model_applies_to_its_own_list_unless_asked(trained, tmp_path):
    wh, ids = trained
    assert model_for(wh, "nelayan")[0] == ids["nelayan"]
    assert model_for(wh, "pasar")[0] == ids["pasar"]
    assert model_for(wh, "lain")[0].startswith("shipped-")
    assert model_for(wh, "lain", ids["pasar"])[0] == ids["pasar"]
    assert model_for(wh, "nelayan", "shipped")[0].startswith("shipped-")
    with pytest.raises(MatchError, match="tidak ada model"):
        model_for(wh, "nelayan", "trained-0000")
    report = match_list(wh, "nelayan", "2021-11")
    assert report.model_id == ids["nelayan"]


def test_training_twice_gives_the_same_id_and_one_row(trained):
    wh, ids = trained
    again = train_model(wh, "pasar")
    assert again == ids["pasar"]
    n = wh.con.con.execute(f"SELECT count(*) FROM {MODELS} WHERE source = 'pasar'").fetchone()[0]
    assert n == 1
