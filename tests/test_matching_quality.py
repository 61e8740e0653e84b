"""Quality measures (both engines), the FEBRL corpora and the second noise model, and the
matcher's quality on lists our generator did not make."""

from __future__ import annotations

import pyarrow as pa
import polars as pl
import pytest
from conftest import make_warehouse

from cakupan.matching.evaluate import blocking_recall, link_quality
from cakupan.synth.alt_noise import alt_corpus


def _tables(wh, **named):
    for name, t in named.items():
        wh.replace(name, t)
    return [wh.table(name) for name in named]


def test_link_quality_counts_every_kind_of_error(engine, tmp_path):
    wh = make_warehouse(engine, tmp_path, {}, reference=False)
    truth = pa.table({"row_number": pa.array([2, 3, 4, 5, 6], pa.int64()),
                      "person_nik": ["A", "B", "C", None, None]})
    links = pa.table({"row_number": pa.array([2, 3, 4, 5, 6], pa.int64()),
                      "nik": ["A", "X", None, "D", None]})          # right, wrong, missed, false, right none
    t, lk = _tables(wh, truth=truth, links=links)
    got = wh.to_arrow(link_quality(lk, t)).to_pylist()[0]
    assert (got["tp"], got["fp"], got["fn"]) == (1, 2, 2)
    assert got["precision"] == pytest.approx(1 / 3) and got["recall"] == pytest.approx(1 / 3)
    assert got["f1"] == pytest.approx(1 / 3)
    wh.close()


def test_blocking_recall_per_rule_and_union(engine, tmp_path):
    wh = make_warehouse(engine, tmp_path, {}, reference=False)
    truth = pa.table({"row_number": pa.array([2, 3, 4, 5], pa.int64()), "person_nik": ["A", "B", "C", None]})
    pairs = pa.table({"row_number": pa.array([2, 2, 3, 3, 5], pa.int64()), "person": ["A", "A", "X", "B", "A"],
                      "rule": pa.array([0, 1, 0, 1, 0], pa.int64())})
    t, p = _tables(wh, truth=truth, pairs=pairs)
    got = {r["rule"]: (r["found"], r["true_pairs"], r["recall"]) for r in wh.to_arrow(blocking_recall(p, t)).to_pylist()}
    assert got[0] == (1, 3, pytest.approx(1 / 3))
    assert got[1] == (2, 3, pytest.approx(2 / 3))
    assert got[None] == (2, 3, pytest.approx(2 / 3))
    wh.close()


@pytest.fixture(scope="module")
def febrl():
    from cakupan.synth.febrl import FebrlMissing, febrl_corpus

    try:
        return {n: febrl_corpus(n) for n in ("febrl1", "febrl4")}
    except FebrlMissing as e:
        pytest.skip(f"FEBRL data not installed: {e}")


def test_febrl_maps_into_a_registry_and_a_list_without_nik(febrl):
    one, four = febrl["febrl1"], febrl["febrl4"]
    assert one.rows.height == 500 and four.rows.height == 5000
    assert "NIK" not in one.rows.columns and "ALAMAT" in one.rows.columns
    for c in (one, four):
        p = c.participants
        day = p["nik"].str.slice(6, 2).cast(pl.Int32) - pl.Series((p["sex"] == "P").cast(pl.Int32) * 40)
        assert p["nik"].str.contains(r"^\d{16}$").all()
        assert (day == p["birth_date"].dt.day()).all()
        assert (p["nik"].str.slice(8, 2).cast(pl.Int32) == p["birth_date"].dt.month()).all()
        reg = set(c.participants["nik"].to_list())
        linked = c.truth["person_nik"].drop_nulls().to_list()
        assert set(linked) <= reg and len(reg) == c.participants.height
        assert c.truth["row_number"].to_list() == list(range(2, c.rows.height + 2))
    assert one.truth["person_nik"].is_not_null().sum() == 487       # 13 originals lack a readable birth date


def test_the_second_noise_model_is_seeded_and_noisy(small_registry):
    parts = pl.from_arrow(small_registry["participants"])
    a, b = alt_corpus(parts, 400, seed=4), alt_corpus(parts, 400, seed=4)
    assert a.rows.equals(b.rows) and a.truth.equals(b.truth)
    assert a.truth["person_nik"].is_not_null().sum() == 200
    reg = parts.unique("nik").select("nik", "name", "birth_date")
    j = a.truth.with_columns(name=a.rows["NAMA"], born=a.rows["TGL LAHIR"]).join(
        reg, left_on="person_nik", right_on="nik")
    same_name = (j["name"] == j["name_right"]).mean()
    assert 0.3 < same_name < 0.8                                     # names changed, most recognisably
    assert a.rows["NIK"].is_null().mean() > 0.5
