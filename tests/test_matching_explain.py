"""Same name and birth date with another place is a match, not a review case; ``lists match
--explain`` says why, rule by rule and comparison by comparison, in Indonesian."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import make_warehouse
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.lists.importer import import_list
from cakupan.lists.matcher import explain_match, match_list
from cakupan.matching.explain import level_text
from cakupan.synth.lists import _places

runner = CliRunner()


@pytest.fixture
def moved(small_registry, tmp_path):
    """A 20-row list (the shipped model applies): registry people written with their name and
    birth date, no NIK, each in a village of another regency."""
    wh = make_warehouse("duckdb", tmp_path, small_registry)
    people = (pl.from_arrow(small_registry["participants"]).unique("nik", keep="first").sort("nik")
              .filter(pl.col("name").str.contains(" ")).head(20))
    places = _places().filter(pl.col("code").str.starts_with("34"))          # DI Yogyakarta
    far = places.sample(people.height, seed=1, with_replacement=True)
    moved_people = people.filter(~pl.col("village_code").str.starts_with("34"))
    rows = pl.DataFrame({"NAMA": moved_people["name"], "TGL LAHIR": moved_people["birth_date"].dt.strftime("%d-%m-%Y"),
                         "DESA": far["village"].head(moved_people.height),
                         "KECAMATAN": far["district"].head(moved_people.height)})
    path = tmp_path / "pindah.csv"
    rows.write_csv(path)
    import_list(wh, path, "pindah", "BPU")
    yield wh, moved_people
    wh.close()


def test_same_name_and_birth_date_in_another_place_is_a_match(moved):
    wh, people = moved
    report = match_list(wh, "pindah", "2021-11")
    assert report.model_id.startswith("shipped-")
    got = pl.from_arrow(wh.con.con.execute(
        "SELECT row_number, nik, decision, reason_code FROM list_matches ORDER BY row_number").to_arrow_table())
    assert got.height == people.height
    assert (got["decision"] == "MATCH").all(), got.filter(pl.col("decision") != "MATCH")
    assert got["nik"].to_list() == people["nik"].to_list()


def test_explain_names_each_rule_and_comparison(moved):
    wh, _ = moved
    match_list(wh, "pindah", "2021-11")
    why = explain_match(wh, "pindah", [2, 3])
    union = why.rules[-1]
    assert union["rule"] == "gabungan semua aturan" and union["share"] == 1.0
    assert why.rules[0]["rule"] == "nama + tanggal lahir" and why.rules[0]["matches"] == union["matches"]
    assert [p["row_number"] for p in why.pairs] == [2, 3]
    parts = {x["comparison"]: x for x in why.pairs[0]["parts"]}
    assert parts["tanggal lahir"]["level"] == "sama" and parts["tanggal lahir"]["weight"] > 5
    assert parts["NIK"]["level"] == "kosong di salah satu sisi" and parts["NIK"]["weight"] == 0
    assert parts["tempat"]["weight"] < 0
    total = why.pairs[0]["prior"] + sum(x["weight"] for x in why.pairs[0]["parts"])
    assert total == pytest.approx(why.pairs[0]["match_weight"], abs=1e-6)


def test_cli_explain(moved):
    wh, _ = moved
    w = str(wh.settings.warehouse)
    wh.close()
    res = runner.invoke(app, ["lists", "match", "--source", "pindah", "--explain", "--row", "2", "-w", w])
    assert res.exit_code == 0, res.output
    assert "Aturan blocking" in res.output and "Baris 2: bobot" in res.output
    assert "tanggal lahir sama" in res.output


def test_level_words():
    assert level_text("Jaro-Winkler distance of name_first >= 0.92") == "mirip (Jaro-Winkler ≥ 0,92)"
    assert level_text("(Exact match on village_key) AND (Exact match on district_key)") == "desa dan kecamatan sama"
    assert level_text("year off by one") == "tahun beda satu"
    assert level_text("All other comparisons") == "berbeda"
