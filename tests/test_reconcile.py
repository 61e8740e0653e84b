"""Reconciliation with JKN on the synthetic province: every planted case found, the money
right to the rupiah, the same answer on DuckDB and Spark."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest

from cakupan.contributions import pu
from cakupan.ingest.jkn import normalise
from cakupan.matching.probabilistic import default_model
from cakupan.reconcile.contribution import line_amount, rate_table
from cakupan.reconcile.people import CASES
from cakupan.reconcile.run import reconcile
from cakupan.synth.jkn import make_extract

from conftest import make_warehouse

PERIOD = "2021-11"


@pytest.fixture(scope="module")
def extract(small_registry):
    frame, truth = make_extract(small_registry["participants"], small_registry["employers"], PERIOD, 7)
    rows = frame.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
    accepted, bad = normalise(rows)
    assert bad.height == 0
    return accepted, truth


def _run(engine, path: Path, registry, accepted):
    wh = make_warehouse(engine, path, registry)
    wh.replace("jkn_members", accepted.to_arrow())
    r = reconcile(wh.to_arrow, wh.table("jkn_members"), wh.table("participants"), wh.table("employers"),
                  wh.table("regions"), PERIOD, default_model())
    out = {"people": pl.from_arrow(wh.to_arrow(r.people)).sort("row_number"),
           "employers": pl.from_arrow(wh.to_arrow(r.employers)).sort("rank"),
           "lines": pl.from_arrow(wh.to_arrow(r.lines)).sort("row_number", "programme", "payer")}
    wh.close()
    return out


@pytest.fixture(scope="module")
def result(small_registry, extract, tmp_path_factory):
    return _run("duckdb", tmp_path_factory.mktemp("rec"), small_registry, extract[0])


def test_every_case_type_found_with_precision_and_recall_of_99(result, extract):
    truth = extract[1]
    j = result["people"].join(truth, on="row_number", how="full", suffix="_t")
    for case in CASES:
        predicted, true = j["case"] == case, j["case_t"] == case
        hits = int((predicted & true).sum())
        precision, recall = hits / max(int(predicted.sum()), 1), hits / max(int(true.sum()), 1)
        print(f"{case}: {int(true.sum())} planted, {int(predicted.sum())} found, "
              f"precision {precision:.4f}, recall {recall:.4f}")
        assert true.sum() >= 100
        assert precision >= 0.99 and recall >= 0.99, case
    # the people without a usable NIK were found through the probabilistic matcher
    no_nik = j.filter(~pl.col("nik_usable") & pl.col("in_registry") & pl.col("case").is_not_null())
    assert no_nik.height >= 20
    assert (no_nik["link"] == "probabilistic").mean() >= 0.95
    assert (no_nik.filter(pl.col("link").is_not_null())["nik"]
            == no_nik.filter(pl.col("link").is_not_null())["person_nik"]).all()


def test_employers_linked_to_their_true_npp_and_their_cases(result, extract):
    truth = extract[1].filter(pl.col("employer_id").is_not_null())
    true_emp = truth.group_by("employer_id").agg(pl.col("true_npp").drop_nulls().first(),
                                                 pl.col("employer_case").first())
    found = result["employers"]
    j = found.join(true_emp, on="employer_id", how="left")
    assert (j["npp"].fill_null("-") == j["true_npp"].fill_null("-")).mean() >= 0.99
    planted = true_emp.filter(pl.col("employer_case") != "NONE")
    both = planted.join(found, on="employer_id", how="left")
    assert (both["case"] == both["employer_case"]).mean() >= 0.99
    assert set(found["case"].unique()) >= {"PTD", "PDS_TK", "PDS_UPAH"}
    assert found["uncollected"].is_sorted(descending=True)
    # PTD employers have nobody in BPJamsostek and every worker missing
    ptd = found.filter(pl.col("case") == "PTD")
    assert (ptd["workers_bpjs"] == 0).all() and (ptd["missing"] == ptd["workers_jkn"]).all()


RATES_2021_11 = {"JKK": [Decimal(x) for x in ("0.24", "0.54", "0.89", "1.27", "1.74")]}
JP_CAP_2021 = 8_754_600


def _hand(wage: int, size: str, risk: int) -> dict[str, int]:
    """PP 44/2015, 45/2015, 46/2015 and the PP 37/2021 recomposition (FACTS.md 1.1-1.4), for
    2021-11 by hand: micro employers register JKK + JKM (base rates, not JKP participants),
    small ones add JHT, medium and large ones JP on the wage up to the 2021 cap; JKP
    participants' employers pay JKK - 0.14 and JKM - 0.10 points. Each line rounded half up."""
    def r(x: Decimal) -> int:
        return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    w = Decimal(wage)
    jkp = size != "MIKRO"
    jkk = RATES_2021_11["JKK"][risk - 1] - (Decimal("0.14") if jkp else 0)
    jkm = Decimal("0.30") - (Decimal("0.10") if jkp else 0)
    out = {"JKK": r(w * jkk / 100), "JKM": r(w * jkm / 100), "JHT": 0, "JP": 0}
    if size != "MIKRO":
        out["JHT"] = r(w * Decimal("3.7") / 100) + r(w * 2 / 100)
    if size in ("MENENGAH", "BESAR"):
        base = min(w, Decimal(JP_CAP_2021))
        out["JP"] = r(base * 2 / 100) + r(base * 1 / 100)
    return out


def test_uncollected_contribution_of_three_planted_employers_by_hand(result, extract, small_registry):
    """One employer hiding workers, one under-reporting wages, one unregistered: the ranking's
    money per programme equals the hand computation from the truth and the registry."""
    accepted, truth = extract
    rows = truth.join(accepted.select("row_number", "wage"), on="row_number")
    registry = pl.from_arrow(small_registry["participants"]).filter(
        (pl.col("last_paid_month") >= PERIOD) & (pl.col("segment") == "PU"))
    found = result["employers"]
    picked = []
    for case in ("PDS_TK", "PDS_UPAH", "PTD"):
        ids = truth.filter(pl.col("employer_case") == case)["employer_id"].unique().sort()
        row = found.filter(pl.col("employer_id").is_in(ids.implode())).sort("uncollected", descending=True).row(0, named=True)
        picked.append(row)
    for emp in picked:
        mine = rows.filter((pl.col("employer_id") == emp["employer_id"]) & (pl.col("case") != "NONE"))
        assert mine.height > 0
        total = {"JKK": 0, "JKM": 0, "JHT": 0, "JP": 0}
        for person in mine.iter_rows(named=True):
            due = _hand(person["wage"], emp["size_class"], emp["risk_group"])
            paid = {k: 0 for k in due}
            if person["case"] == "PDS_UPAH":
                reported = registry.filter((pl.col("nik") == person["person_nik"])
                                           & (pl.col("npp") == person["true_npp"]))["wage"].max()
                paid = _hand(reported, emp["size_class"], emp["risk_group"])
            for k in total:
                total[k] += due[k] - paid[k]
        assert {k: emp[k] for k in total} == total, emp["employer_id"]
        assert emp["uncollected"] == sum(total.values()) > 0


@pytest.mark.parametrize("size", ["MIKRO", "KECIL", "MENENGAH", "BESAR"])
@pytest.mark.parametrize("risk", [1, 3, 5])
def test_rate_table_gives_the_calculator_s_amounts(size, risk):
    import ibis

    rates = pl.from_arrow(rate_table(PERIOD)).filter((pl.col("size_class") == size) & (pl.col("risk_group") == risk))
    con = ibis.duckdb.connect()
    for wage in (1_798_979, 4_250_500, 9_000_001, 15_000_000):
        b = pu(wage, risk, size, PERIOD)
        expected = {(ln.programme, ln.payer): ln.amount for ln in b.lines if ln.payer != "government"}
        t = ibis.memtable(rates.with_columns(wage=pl.lit(wage, pl.Int64)).to_arrow())
        out = con.to_pyarrow(t.select("programme", "payer", amount=line_amount(t.wage, t.rate_micro, t.cap)))
        got = {(r["programme"], r["payer"]): r["amount"] for r in out.to_pylist()}
        assert got == expected


@pytest.mark.spark
def test_duckdb_and_spark_agree(small_registry, extract, result, tmp_path):
    spark = _run("spark", tmp_path, small_registry, extract[0])
    for name in ("people", "employers", "lines"):
        assert spark[name].equals(result[name]), _differences(spark[name], result[name])


def _differences(a: pl.DataFrame, b: pl.DataFrame) -> str:
    if a.columns != b.columns or a.height != b.height:
        return f"columns {a.columns} vs {b.columns}, rows {a.height} vs {b.height}"
    bad = [c for c in a.columns if not a[c].equals(b[c])]
    return "; ".join(f"{c}: {a[c].dtype} vs {b[c].dtype}, e.g. "
                     f"{a.filter(a[c].ne_missing(b[c]))[c].head(2).to_list()} vs "
                     f"{b.filter(a[c].ne_missing(b[c]))[c].head(2).to_list()}" for c in bad)
