"""Synthetic partner lists: sizes, the truth against the importer, the registry, the noise."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.ingest.readers import normalise_header
from cakupan.lists.columns import FIELDS, guess_columns
from cakupan.lists.importer import import_list
from cakupan.settings import load
from cakupan.synth.list_noise import LABELS, Noise, old_spelling_series
from cakupan.synth.lists import KINDS, TRUTH_COLUMNS, make_list, noise_counts, write_list
from cakupan.synth.names import old_spelling
from cakupan.warehouse import open_warehouse

from conftest import make_warehouse

runner = CliRunner()
PERIOD = "2021-11"


@pytest.fixture(scope="module")
def participants(small_registry) -> pl.DataFrame:
    return pl.from_arrow(small_registry["participants"])


@pytest.fixture(scope="module")
def lists(participants) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    return {kind: make_list(participants, kind, 400, seed=5) for kind in KINDS}


@pytest.fixture
def wh(tmp_path):
    w = open_warehouse(load("duckdb", tmp_path / "w.duckdb"))
    yield w
    w.close()


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_the_requested_size_and_share_from_the_registry(lists, kind):
    frame, truth = lists[kind]
    spec = KINDS[kind]
    assert frame.height == truth.height == 400
    assert frame.columns == [h for h, _ in spec.columns]
    assert all(dtype == pl.String for dtype in frame.dtypes)
    assert tuple(truth.columns) == TRUTH_COLUMNS
    assert truth["row_number"].to_list() == list(range(2, 402))
    people = truth.filter(pl.col("duplicate_of").is_null())
    assert people["person_nik"].n_unique() == people.height
    assert people["in_registry"].sum() == round(people.height * spec.registry_share)
    assert set(truth["status"]) <= {"ACTIVE", "LAPSED", "NOT_REGISTERED"}
    assert (truth["status"] == "NOT_REGISTERED").to_list() == (~truth["in_registry"]).to_list()


@pytest.mark.parametrize("kind", list(KINDS))
def test_headers_are_recognised_by_the_importer(kind):
    spec = KINDS[kind]
    headers = [normalise_header(h) for h, _ in spec.columns]
    found = guess_columns(headers)
    want = {field: normalise_header(h) for h, field in spec.columns if field in FIELDS}
    assert {f: found.get(f) for f in want} == want


@pytest.mark.parametrize("kind, suffix", [("pkl", ".csv"), ("village", ".csv"), ("nelayan", ".xlsx"),
                                          ("non-asn", ".xlsx"), ("jkn", ".parquet"), ("pkl", ".xlsx")])
def test_truth_row_numbers_are_the_importers(lists, wh, tmp_path, kind, suffix):
    frame, truth = lists[kind]
    list_path, truth_path = write_list(frame, truth, tmp_path / f"{kind}{suffix}", kind)
    assert truth_path.name == f"{kind}.truth.csv"
    written = pl.read_csv(truth_path, infer_schema=False).with_columns(pl.col("row_number").cast(pl.Int64))
    report = import_list(wh, list_path, f"{kind}-{suffix}")
    assert report.rows_read == report.accepted + report.quarantined == frame.height
    rows = pl.from_arrow(wh.to_arrow(wh.table("list_rows")))
    quarantined = (wh.con.con.execute("select row_number from quarantine").fetchall()
                   if report.quarantined else [])
    assert sorted(rows["row_number"].to_list() + [r for (r,) in quarantined]) == written["row_number"].to_list()
    got = rows.join(written, on="row_number").with_columns(
        nik_noise=pl.col("noise").fill_null("").str.contains("nik_"),
        date_noise=pl.col("noise").fill_null("").str.contains("date_"))
    clean = got.filter(~pl.col("nik_noise"))
    assert (clean["nik"] == clean["person_nik"]).all()
    assert not clean.filter(~pl.col("date_noise"))["nik_conflict"].any()
    missing = got.filter(pl.col("noise").fill_null("").str.contains("nik_missing"))
    assert missing["nik"].is_null().all()
    formatted = got.filter(pl.col("noise").fill_null("").str.contains("nik_formatted"))
    assert (formatted["nik"] == formatted["person_nik"]).all()
    mistyped = got.filter(pl.col("noise").fill_null("").str.contains("nik_typo|nik_mangled"))
    assert not (mistyped["nik"] == mistyped["person_nik"]).fill_null(False).any()


def test_xlsx_keeps_niks_as_text_except_the_mangled_ones(participants, tmp_path):
    frame, truth = make_list(participants, "pkl", 300, seed=2,
                             noise=dataclasses.replace(KINDS["pkl"].noise, nik_mangled=0.2))
    path, _ = write_list(frame, truth, tmp_path / "pkl.xlsx", "pkl")
    sheet = load_workbook(path, read_only=True).active
    col = frame.columns.index("NIK")
    cells = [row[col] for row in sheet.iter_rows(min_row=2)]
    mangled = truth["noise"].fill_null("").str.contains("nik_mangled").to_list()
    dot_zero = frame["NIK"].fill_null("").str.ends_with(".0").to_list()
    for cell, m, z in zip(cells, mangled, dot_zero):
        assert cell.data_type == ("n" if m and not z else "s") or cell.value is None
    assert any(m and not z for m, z in zip(mangled, dot_zero))


def test_registry_people_are_in_the_registry_and_outsiders_are_not(lists, participants):
    registry = set(participants["nik"].to_list())
    for _, truth in lists.values():
        inside = truth.filter("in_registry")["person_nik"].to_list()
        outside = truth.filter(~pl.col("in_registry"))["person_nik"].to_list()
        assert inside and all(n in registry for n in inside)
        assert outside and not any(n in registry for n in outside)
        assert all(re.fullmatch(r"\d{16}", n) for n in outside)


def test_outsider_niks_are_valid_and_agree_with_their_row(participants):
    from cakupan.identity.nik import parse_nik

    frame, truth = make_list(participants, "village", 300, seed=4, noise=Noise.none())
    for nik, born, sex in zip(truth["person_nik"], frame["TGL LAHIR"], frame["L/P"]):
        info = parse_nik(nik)
        assert info.valid and info.sex == sex
        assert info.birth_date.strftime("%d-%m-%Y") == born


def _status(participants: pl.DataFrame, period: str) -> dict[str, tuple[str, str]]:
    """Status and latest paid month per NIK, recomputed row by row."""
    end = date(2021, 12, 1)
    out: dict[str, tuple[str, str]] = {}
    for r in participants.iter_rows(named=True):
        active = r["last_paid_month"] >= period and r["registered_date"] < end
        was_status, was_last = out.get(r["nik"], ("LAPSED", ""))
        out[r["nik"]] = ("ACTIVE" if active or was_status == "ACTIVE" else "LAPSED",
                         max(was_last, r["last_paid_month"]))
    return out


def test_status_matches_a_recomputation(lists, participants):
    expected = _status(participants, PERIOD)
    for _, truth in lists.values():
        for nik, status, last, inside in truth.select("person_nik", "status", "last_paid_month",
                                                      "in_registry").iter_rows():
            if inside:
                assert (status, last) == expected[nik]
            else:
                assert (status, last) == ("NOT_REGISTERED", None)


def test_duplicates_point_to_the_first_occurrence(lists):
    for _, truth in lists.values():
        first = dict(zip(truth["row_number"], truth["person_nik"]))
        dups = truth.filter(pl.col("duplicate_of").is_not_null())
        for row, nik, of in dups.select("row_number", "person_nik", "duplicate_of").iter_rows():
            assert of < row and first[of] == nik
        originals = truth.filter(pl.col("row_number").is_in(dups["duplicate_of"].implode()))
        assert originals["duplicate_of"].is_null().all()
        assert truth["noise"].fill_null("").str.contains("duplicate").sum() == dups.height


def test_noise_rates_roughly_as_configured(participants):
    rates = Noise(nik_missing=0.08, nik_typo=0.05, nik_mangled=0.04, nik_formatted=0.06,
                  old_spelling=0.05, title=0.04, degree=0.03, patronymic=0.03, muhammad=0.5,
                  upper_case=0.1, name_typo=0.05, date_swapped=0.1, date_missing=0.05,
                  sex_missing=0.04, duplicate=0.03)
    frame, truth = make_list(participants, "pkl", 12_000, seed=9, noise=rates)
    counts = noise_counts(truth)
    n = truth.height
    assert counts["duplicate"] == round(n * rates.duplicate)
    for label in ("nik_missing", "nik_typo", "nik_mangled", "nik_formatted", "title", "degree",
                  "patronymic", "upper_case", "name_typo", "date_missing", "sex_missing"):
        assert counts[label] == pytest.approx(n * getattr(rates, label), rel=0.15), label
    # old spelling leaves some names unchanged, and is then not counted
    assert 0.6 * n * rates.old_spelling < counts["old_spelling"] <= 1.15 * n * rates.old_spelling
    assert 0 < counts["date_swapped"] < n * rates.date_swapped
    nik = frame["NIK"]
    marked = truth["noise"].fill_null("")
    assert nik.filter(marked.str.contains("nik_missing")).fill_null("-").eq("-").all()
    mangled = nik.filter(marked.str.contains("nik_mangled"))
    assert mangled.str.contains(r"^(\d\.\d+E\+15|\dE\+15|\d{16}|\d{16}\.0)$").all()
    typo = pl.DataFrame({"a": nik, "b": truth["person_nik"]}).filter(marked.str.contains("nik_typo"))
    for a, b in typo.iter_rows():
        diff = [i for i in range(16) if a[i] != b[i]]
        assert len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]])
    assert truth["noise"].is_null().sum() > 0.3 * n


def test_no_noise_gives_the_people_as_they_are(participants):
    frame, truth = make_list(participants, "non-asn", 300, seed=1, noise=Noise.none())
    assert truth["noise"].is_null().all() and truth["duplicate_of"].is_null().all()
    assert (frame["NIK"] == truth["person_nik"]).all()


def test_same_seed_same_output_and_another_seed_differs(participants):
    a = make_list(participants, "village", 500, seed=3)
    b = make_list(participants, "village", 500, seed=3)
    c = make_list(participants, "village", 500, seed=4)
    assert a[0].equals(b[0]) and a[1].equals(b[1])
    assert not a[1].equals(c[1])


def test_old_spelling_series_is_old_spelling(participants):
    names = participants["name"].head(3000)
    assert old_spelling_series(names).to_list() == [old_spelling(x) for x in names]


def test_noise_labels_and_bad_arguments(participants):
    assert LABELS[-1] == "duplicate" and len(LABELS) == len(set(LABELS))
    with pytest.raises(ValueError, match="between 0 and 1"):
        Noise(nik_typo=1.5)
    with pytest.raises(ValueError, match="add up"):
        Noise(nik_missing=0.6, nik_typo=0.6)
    with pytest.raises(ValueError, match="unknown list kind"):
        make_list(participants, "ojek", 10, seed=1)
    with pytest.raises(ValueError, match="registry holds only"):
        make_list(participants, "non-asn", 1_000_000, seed=1)


def test_cli_synth_list_writes_the_list_and_its_truth(small_registry, tmp_path):
    make_warehouse("duckdb", tmp_path, {"participants": small_registry["participants"]},
                   reference=False).close()
    out = tmp_path / "out" / "nelayan.csv"
    result = runner.invoke(app, ["synth", "list", "--kind", "nelayan", "--size", "250", "--seed", "2",
                                 "--out", str(out), "-w", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 0, result.output
    truth = pl.read_csv(out.with_name("nelayan.truth.csv"), infer_schema=False)
    assert truth.height == 250 and pl.read_csv(out, infer_schema=False).height == 250
    registered = (truth["in_registry"] == "true").sum()
    assert f"Daftar nelayan: 250 baris; {registered} dari registri" in result.stdout
    assert "Derau: nik_missing" in result.stdout and "nelayan.truth.csv" in result.stdout
    same = make_list(small_registry["participants"], "nelayan", 250, seed=2)[1]
    assert truth["person_nik"].to_list() == same["person_nik"].to_list()


def test_cli_synth_list_needs_participants(tmp_path):
    result = runner.invoke(app, ["synth", "list", "--kind", "pkl", "--out", str(tmp_path / "x.csv"),
                                 "-w", str(tmp_path / "empty.duckdb")])
    assert result.exit_code == 2 and "jalankan dulu: cakupan synth" in result.output
    bad = runner.invoke(app, ["synth", "list", "--kind", "ojek", "--out", str(tmp_path / "x.csv")])
    assert bad.exit_code == 2
