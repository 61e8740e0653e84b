"""Matching a partner's list: NIK stage, decisions with review, outcomes (both engines),
and the whole flow on DuckDB with a synthetic list and its truth."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pyarrow as pa
import pytest
from conftest import make_warehouse
from openpyxl import load_workbook
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.lists.importer import import_list
from cakupan.lists.matcher import LINKS, Thresholds, match_list
from cakupan.lists.review import record
from cakupan.matching import exact
from cakupan.matching import outcomes as oc
from cakupan.synth.lists import make_list, write_list

runner = CliRunner()
D = dt.date
ID_SCHEMA = pa.schema([("unique_id", pa.string()), ("nik", pa.string()), ("name_key", pa.string()),
                       ("name_first", pa.string()), ("name_last", pa.string()), ("birth_date", pa.date32()),
                       ("birth_alt", pa.date32()), ("sex", pa.string()), ("village_key", pa.string()),
                       ("district_key", pa.string())])


def ident(uid, nik, name, born, sex="L"):
    words = name.split() if name else [None]
    alt = D(born.year, born.day, born.month) if born and born.day <= 12 else None
    return {"unique_id": uid, "nik": nik, "name_key": name, "name_first": words[0], "name_last": words[-1],
            "birth_date": born, "birth_alt": alt, "sex": sex, "village_key": "miroto", "district_key": "semarangtengah"}


PEOPLE = [ident("3374010101800001", "3374010101800001", "budi santoso", D(1980, 1, 1)),
          ident("3374010203850001", "3374010203850001", "siti aminah", D(1985, 3, 2), "P"),
          ident("3374011505900001", "3374011505900001", "joko widodo", D(1990, 5, 15))]
LIST = [ident("a", "3374010101800001", "budi santoso", D(1980, 1, 1)),      # exact
        ident("b", "3374010203850001", "siti aminah", D(1985, 2, 3), "P"),  # day/month swapped
        ident("c", "3374011505900001", "agus salim", D(1990, 5, 15)),       # NIK of somebody else
        ident("d", "3374010101800001", "b santoso", None),                  # initial, no birth date
        ident("e", "3374019999990001", "rina", D(1999, 9, 9))]              # not in the registry
STATUS = pa.table({"nik": ["3374010101800001", "3374010203850001", "3374011505900001"],
                   "last_paid_month": ["2021-11", "2020-06", "2021-11"],
                   "status": ["ACTIVE", "LAPSED", "ACTIVE"]})
EMPTY_PAIRS = pa.table({"unique_id": pa.array([], pa.string()), "person": pa.array([], pa.string()),
                        "match_weight": pa.array([], pa.float64()), "match_probability": pa.array([], pa.float64()),
                        "agreed": pa.array([], pa.string())})


def tables(wh, **named):
    for name, t in named.items():
        wh.replace(name, t)
    return [wh.table(name) for name in named]


def test_nik_stage_checks_name_and_birth_date(engine, tmp_path):
    wh = make_warehouse(engine, tmp_path, {}, reference=False)
    ids, people = tables(wh, ids=pa.Table.from_pylist(LIST, ID_SCHEMA), people=pa.Table.from_pylist(PEOPLE, ID_SCHEMA))
    got = {r["unique_id"]: r["reason_code"] for r in wh.to_arrow(exact.nik_stage(ids, people)).to_pylist()}
    assert got == {"a": "nik_exact", "b": "nik_exact_birth_swapped", "c": "nik_name_conflict", "d": "nik_exact"}
    wh.close()


def test_decisions_honour_reviews_and_outcomes_cover_every_row(engine, tmp_path):
    wh = make_warehouse(engine, tmp_path, {}, reference=False)
    pairs = pa.table({"unique_id": ["c", "c", "e"], "person": ["3374011505900001", "3374010101800001", "3374010203850001"],
                      "match_weight": [3.0, 12.0, 1.0], "match_probability": [0.9, 0.999, 0.6],
                      "agreed": ["nik,tgl_lahir", "nama,tgl_lahir", "tempat"]})
    reviews = pa.table({"unique_id": ["a", "d"], "nik": ["3374010101800001", "3374010101800001"],
                        "decision": ["reject", "accept"]})
    ids, people = tables(wh, ids=pa.Table.from_pylist(LIST, ID_SCHEMA),
                         people=pa.Table.from_pylist(PEOPLE, ID_SCHEMA))
    hits, pr, rv = tables(wh, hits=wh.to_arrow(exact.nik_stage(ids, people)), pairs=pairs, reviews=reviews)
    links = {r["unique_id"]: r for r in wh.to_arrow(oc.decide(ids, hits, pr, rv, 8.0, 0.0, 4.0)).to_pylist()}
    assert (links["a"]["decision"], links["a"]["reason_code"]) == ("NONE", "review_rejected")
    assert (links["b"]["decision"], links["b"]["reason_code"]) == ("MATCH", "nik_exact_birth_swapped")
    assert (links["c"]["decision"], links["c"]["nik"], links["c"]["reason_code"]) == ("MATCH", "3374010101800001", "probabilistic")
    assert links["c"]["match_weight"] == 12.0 and links["c"]["agreed"] == "nama,tgl_lahir"
    assert (links["d"]["decision"], links["d"]["reason_code"]) == ("MATCH", "review_accepted")
    assert (links["e"]["decision"], links["e"]["reason_code"]) == ("REVIEW", "probable_match")

    rows = pa.table({"row_number": pa.array([2, 3, 4, 5, 6, 7, 8], pa.int64()),
                     "row_key": ["a", "b", "c", "d", "e", "x", "y"],
                     "nik": ["3374010101800001", None, None, "3374010101800001", "3374019999990001", None, "3374019999990002"],
                     "nik_problem": [None, "empty", "mangled", None, None, "bad_length", None]})
    more = pa.Table.from_pylist(LIST + [ident("x", None, "tono", D(1970, 1, 1)), ident("y", "3374019999990002", "tini", D(1971, 1, 1))], ID_SCHEMA)
    (i,) = tables(wh, more=more)
    links_t = wh.to_arrow(oc.decide(i, hits, pr, rv, 8.0, 0.0, 4.0))
    r, lk, st = tables(wh, rows=rows, links=links_t, status=STATUS)
    got = {x["row_number"]: x for x in wh.to_arrow(oc.outcomes(r, i, lk, st)).to_pylist()}
    assert {k: v["outcome"] for k, v in got.items()} == {
        2: "NOT_REGISTERED", 3: "LAPSED", 4: "ACTIVE", 5: "DUPLICATE_IN_LIST", 6: "NEEDS_REVIEW",
        7: "INVALID", 8: "NOT_REGISTERED"}
    assert got[3]["last_paid_month"] == "2020-06"
    assert got[5]["duplicate_of"] == 4            # row d is the person row c was matched to
    assert got[7]["reason_code"] == "not_found_bad_nik"
    wh.close()


@pytest.fixture
def demo(small_registry, tmp_path):
    wh = make_warehouse("duckdb", tmp_path, small_registry)
    frame, truth = make_list(pl.from_arrow(small_registry["participants"]), "pkl", 600, seed=3)
    path, truth_path = write_list(frame, truth, tmp_path / "pkl.csv", kind="pkl")
    yield wh, path, pl.read_csv(truth_path, schema_overrides={"person_nik": pl.String})
    wh.close()


def _matches(wh, source="pkl"):
    return pl.from_arrow(wh.con.con.execute(
        "SELECT * FROM list_matches WHERE source = ? ORDER BY row_number", [source]).fetch_arrow_table())


def test_a_noisy_list_is_matched_with_high_precision_and_recall(demo):
    wh, path, truth = demo
    report = import_list(wh, path, "pkl", "BPU", "pkl")
    result = match_list(wh, "pkl", "2021-11")
    got = _matches(wh).join(truth, on="row_number")
    assert got.height == report.rows_read == sum(result.counts.values())      # every row has an outcome
    linked = got.filter(pl.col("decision") == "MATCH")
    tp = linked.filter(pl.col("nik") == pl.col("person_nik")).height
    precision = tp / linked.height
    recall = tp / truth["in_registry"].sum()
    assert precision >= 0.99 and recall >= 0.95
    first = got.filter(pl.col("duplicate_of").is_null() & pl.col("outcome").is_in(["ACTIVE", "LAPSED"]))
    assert (first["outcome"] == first["status"]).mean() >= 0.99
    assert set(got["outcome"]) >= {"ACTIVE", "LAPSED", "NOT_REGISTERED", "INVALID", "DUPLICATE_IN_LIST"}
    assert got.filter(pl.col("reason_code") == "probabilistic")["match_weight"].min() >= Thresholds().upper


def test_rerun_and_new_version_match_only_what_is_new(demo, tmp_path):
    wh, path, _truth = demo
    import_list(wh, path, "pkl")
    first = match_list(wh, "pkl", "2021-11")
    again = match_list(wh, "pkl", "2021-11")
    assert again.reused == again.identities == first.identities and again.counts == first.counts
    text = path.read_text(encoding="utf-8").splitlines()
    extra = text[1].split(";")
    extra[1] = "Tukiman Baru"
    v2 = tmp_path / "pkl-v2.csv"
    v2.write_text("\n".join(text + [";".join(extra)]) + "\n", encoding="utf-8")
    import_list(wh, v2, "pkl")
    second = match_list(wh, "pkl", "2021-11")
    assert second.identities - second.reused == 1
    assert sum(second.counts.values()) == sum(first.counts.values()) + 1


def test_review_decisions_are_honoured_on_every_later_run(demo):
    wh, path, _truth = demo
    import_list(wh, path, "pkl")
    match_list(wh, "pkl", "2021-11")
    got = _matches(wh)
    row = got.filter(pl.col("reason_code") == "nik_exact").row(0, named=True)
    record(wh, "pkl", row["row_number"], "reject", None, "beda orang")
    for _ in range(2):
        match_list(wh, "pkl", "2021-11")
        after = _matches(wh).filter(pl.col("row_number") == row["row_number"]).row(0, named=True)
        assert after["nik"] != row["nik"] or after["decision"] != "MATCH"
    record(wh, "pkl", row["row_number"], "accept", row["nik"], None)
    match_list(wh, "pkl", "2021-11")
    after = _matches(wh).filter(pl.col("row_number") == row["row_number"]).row(0, named=True)
    assert (after["decision"], after["nik"], after["reason_code"]) == ("MATCH", row["nik"], "review_accepted")
    assert wh.con.con.execute(f"SELECT count(*) FROM {LINKS}").fetchone()[0] > 0


def test_cli_match_leads_and_review(demo, tmp_path):
    wh, path, _truth = demo
    w = str(wh.settings.warehouse)
    wh.close()
    assert runner.invoke(app, ["lists", "import", str(path), "--source", "pasar", "-w", w]).exit_code == 0
    res = runner.invoke(app, ["lists", "leads", "--source", "pasar", "-w", w])
    assert res.exit_code == 2 and "lists match" in res.output
    res = runner.invoke(app, ["lists", "match", "--source", "pasar", "-w", w])
    assert res.exit_code == 0, res.output
    assert "Dari 600 nama di daftar pasar" in res.output
    out = tmp_path / "leads.xlsx"
    res = runner.invoke(app, ["lists", "leads", "--source", "pasar", "-o", str(out), "-w", w])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Calon peserta baru", "Aktivasi ulang", "Perlu diperiksa", "Perlu dilengkapi"]
    new = list(wb["Calon peserta baru"].values)
    assert new[0][:4] == ("Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Nama")
    assert len(new) > 100 and all("*" in r[4] for r in new[1:] if r[4])           # NIK masked
    csv_out = tmp_path / "leads.csv"
    res = runner.invoke(app, ["lists", "leads", "--source", "pasar", "--format", "csv", "--show-pii", "-o", str(csv_out), "-w", w])
    assert res.exit_code == 0 and "*" not in csv_out.read_text().splitlines()[1].split(",")[4]
    res = runner.invoke(app, ["lists", "review", "--source", "pasar", "-w", w])
    assert res.exit_code == 0
    res = runner.invoke(app, ["lists", "review", "--source", "pasar", "--row", "99999", "--accept", "-w", w])
    assert res.exit_code == 2 and "tidak ada" in res.output
