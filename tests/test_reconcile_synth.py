"""The synthetic JKN extract: consistent with the registry, planted cases with their truth."""

import polars as pl
import pytest

from cakupan.identity.nik import validate_nik_frame
from cakupan.synth.jkn import CASES, TRUTH_COLUMNS, case_counts, make_extract, write_extract


@pytest.fixture(scope="module")
def extract(small_registry):
    return make_extract(small_registry["participants"], small_registry["employers"], "2021-11", 7)


def test_same_seed_same_extract(small_registry, extract):
    again = make_extract(small_registry["participants"], small_registry["employers"], "2021-11", 7)
    assert again[0].equals(extract[0]) and again[1].equals(extract[1])
    other = make_extract(small_registry["participants"], small_registry["employers"], "2021-11", 8)
    assert not other[0].equals(extract[0])


def test_every_case_is_planted(extract):
    frame, truth = extract
    assert truth.columns == list(TRUTH_COLUMNS)
    assert frame.height == truth.height
    counts = case_counts(truth)
    assert all(counts[c] >= 100 for c in CASES), counts
    assert (~truth["nik_usable"]).sum() >= 50


def test_truth_agrees_with_the_registry(small_registry, extract):
    frame, truth = extract
    registry = pl.from_arrow(small_registry["participants"])
    niks = registry["nik"].unique().implode()
    t = truth.with_columns(found=pl.col("person_nik").is_in(niks))
    assert (t["found"] == t["in_registry"]).all()
    # unregistered employers and their workers are unknown to BPJamsostek
    ptd = t.filter(pl.col("case") == "PTD")
    assert not ptd["in_registry"].any() and ptd["true_npp"].is_null().all()
    # every usable NIK in the extract is a valid NIK, and the person's own
    both = pl.concat([frame, truth.drop("employer_id")], how="horizontal").filter("nik_usable")
    assert (both["nik"] == both["person_nik"]).all()
    checked = validate_nik_frame(both.select("nik"), "nik")
    assert checked.height == both.height
    # a registered employer's planted rows carry its true NPP, which exists
    npps = pl.from_arrow(small_registry["employers"])["npp"]
    assert truth.filter(pl.col("case").is_in(["PDS_TK", "PDS_UPAH"]))["true_npp"].is_in(npps.implode()).all()


def test_written_with_indonesian_headers(extract, tmp_path):
    frame, truth = extract
    path, truth_path = write_extract(frame, truth, tmp_path / "jkn.csv")
    back = pl.read_csv(path, infer_schema=False)
    assert back.columns[:3] == ["NO KARTU", "NIK", "NAMA"] and back.height == frame.height
    assert pl.read_csv(truth_path)["row_number"].to_list()[:2] == [2, 3]
