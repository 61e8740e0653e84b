"""Contribution calculator: known answers from FACTS.md section 1, rule data, errors, report."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cakupan import contracts
from cakupan.contributions import bpu, jakon, jakon_fee, pmi, pu, rules
from cakupan.contributions.calculator import PAYERS, SPONSOR_TYPES
from cakupan.reports.contributions_report import breakdown_report
from cakupan.reports import format as fmt
from cakupan.reports.tables import to_csv, to_json, to_rich

# --- known answers (FACTS.md section 1) -----------------------------------------------------


def test_bpu_minimum_package_2021_11():
    b = bpu(1_000_000, "2021-11")
    assert b.total == 16_800
    assert b.amount("JKK") == 10_000 and b.amount("JKM") == 6_800
    assert b.status == "confirmed"
    assert bpu(1_000_000, "2021-11", jht=True).total == 36_800
    assert bpu(1_000_000, "2021-11", jht=True).amount("JHT") == 20_000


def test_bpu_maximum_income_value():
    assert bpu(20_700_000, "2021-11").amount("JKK") == 207_000
    assert bpu(50_000_000, "2021-11").amount("JKK") == 207_000  # clamped to the table maximum


@pytest.mark.parametrize("period", ["2020-08", "2020-12", "2021-01"])
def test_bpu_pp49_relief_months(period):
    b = bpu(1_000_000, period)
    assert b.amount("JKM") == 68
    assert b.amount("JKK") == 100
    assert "PP 49/2020" in b.line("JKM").regulation


@pytest.mark.parametrize("period", ["2020-07", "2021-02"])
def test_bpu_outside_relief(period):
    assert bpu(1_000_000, period).total == 16_800


@pytest.mark.parametrize("value,jkk,jkm", [
    (100_000_000, 210_000, 30_000),
    (500_000_000, 890_000, 110_000),
    (1_000_000_000, 1_540_000, 210_000),
    (5_000_000_000, 5_940_000, 610_000),
    (10_000_000_000, 10_440_000, 1_110_000),
])
def test_jakon_worked_examples(value, jkk, jkm):
    b = jakon(value)
    assert (b.amount("JKK"), b.amount("JKM")) == (jkk, jkm)
    assert b.total == jkk + jkm
    assert set(b.totals) == {"project_owner"}


def test_jakon_totals_from_issue():
    assert [jakon_fee(v) for v in (100_000_000, 500_000_000, 1_000_000_000, 5_000_000_000,
                                   10_000_000_000)] == [240_000, 1_000_000, 1_750_000,
                                                        6_550_000, 11_550_000]


def test_jakon_relief_month_is_one_percent():
    assert jakon_fee(100_000_000, "2020-09") == 2_400
    assert jakon_fee(100_000_000, "2021-02") == 240_000


def test_pmi_24_months():
    b = pmi(24)
    assert b.total == 370_000
    assert [ln.amount for ln in b.lines] == [37_500, 332_500]
    assert b.status == "confirmed"


@pytest.mark.parametrize("months,total", [(6, 37_500 + 108_000), (12, 37_500 + 189_000),
                                          (30, 37_500 + 332_500 + 6 * 13_500)])
def test_pmi_other_lengths(months, total):
    assert pmi(months).total == total


def test_pmi_unlisted_length_is_flagged():
    assert pmi(30).status == "uncertain"
    assert pmi(9).total == 37_500 + 108_000 + 3 * 13_500


def test_pmi_optional_jht():
    b = pmi(24, period="2024-01", jht_amount=100_000)
    assert b.amount("JHT") == 24 * 100_000
    assert b.line("JHT").status == "uncertain"


def test_jp_cap_2022_03():
    assert rules.jp_wage_cap(date(2022, 3, 1))["cap"] == "9077600"
    b = pu(12_000_000, 1, "BESAR", "2022-03")
    assert b.line("JP", "employer").base == 9_077_600
    assert b.amount("JP", "employer") == 181_552  # 2 % of the cap
    assert b.amount("JP", "worker") == 90_776
    assert b.amount("JHT", "worker") == 240_000  # JHT has no cap


def test_pu_known_answer_2022_03():
    b = pu(5_000_000, 2, "medium", "2022-03")
    jkk = b.line("JKK")
    assert (jkk.payer, jkk.gross_rate_pct, jkk.rate_pct, jkk.amount) == (
        "employer", Decimal("0.54"), Decimal("0.40"), 20_000)
    jkm = b.line("JKM")
    assert (jkm.rate_pct, jkm.amount) == (Decimal("0.20"), 10_000)
    assert b.amount("JHT", "employer") == 185_000 and b.amount("JHT", "worker") == 100_000
    assert b.amount("JP", "employer") == 100_000 and b.amount("JP", "worker") == 50_000
    jkp = b.line("JKP")
    assert jkp.amount == 0 and jkp.payer == "government" and jkp.rate_pct == Decimal("0.46")
    assert any("JKP" in n.en and "0 payable" in n.en for n in b.notes)
    assert b.totals == {"employer": 315_000, "worker": 150_000, "government": 0}
    assert b.total == 465_000 and b.status == "confirmed"


# --- PU rules -----------------------------------------------------------------------------------

def test_pp6_2025_month_rule():
    feb = pu(5_000_000, 2, "BESAR", "2025-02")
    mar = pu(5_000_000, 2, "BESAR", "2025-03")
    assert feb.line("JKM").rate_pct == Decimal("0.20")  # still PP 37/2021 on 2025-02-01
    assert any("2025-02-07" in n.en for n in feb.notes)
    assert mar.line("JKM").rate_pct == Decimal("0.30") and mar.line("JKM").gross_rate_pct is None
    assert mar.line("JKK").rate_pct == Decimal("0.40")
    assert mar.line("JKP").rate_pct == Decimal("0.36")


def test_no_jkp_before_2021_02_and_base_rates():
    b = pu(5_000_000, 2, "BESAR", "2021-01")
    assert "JKP" not in {ln.programme for ln in b.lines}
    assert b.amount("JKK") == 270  # 0.54 % x 1 % (PP 49/2020 relief month)
    b = pu(5_000_000, 2, "BESAR", "2019-05")
    assert b.amount("JKK") == 27_000 and b.amount("JKM") == 15_000


def test_jkp_false_uses_base_rates_flagged():
    b = pu(5_000_000, 2, "BESAR", "2022-03", jkp=False)
    assert b.amount("JKK") == 27_000 and b.amount("JKM") == 15_000
    assert b.line("JKK").status == "uncertain"
    assert "JKP" not in {ln.programme for ln in b.lines}


@pytest.mark.parametrize("size,programmes", [("MIKRO", {"JKK", "JKM"}),
                                             ("KECIL", {"JKK", "JKM", "JHT", "JKP"}),
                                             ("MENENGAH", {"JKK", "JKM", "JHT", "JP", "JKP"}),
                                             ("BESAR", {"JKK", "JKM", "JHT", "JP", "JKP"})])
def test_programmes_by_size(size, programmes):
    assert {ln.programme for ln in pu(3_000_000, 1, size, "2022-03").lines} == programmes


def test_micro_jkp_needs_jht():
    with pytest.raises(ValueError, match="must hold"):
        pu(3_000_000, 1, "MIKRO", "2022-03", jkp=True)
    b = pu(3_000_000, 1, "MIKRO", "2022-03", programmes=["JKK", "JKM", "JHT"])
    assert b.line("JKK").rate_pct == Decimal("0.10") and b.line("JKP").amount == 0


def test_pu_relief_defers_jp_in_full():
    b = pu(5_000_000, 2, "BESAR", "2020-10")
    assert b.amount("JKM") == 150 and b.amount("JP", "employer") == 100_000
    assert any("deferred" in n.en for n in b.notes)


def test_jp_cap_2021_uncertain_and_overridable():
    b = pu(10_000_000, 1, "BESAR", "2021-06")
    assert b.line("JP", "employer").base == 8_754_600
    assert b.line("JP", "employer").status == "uncertain"
    assert b.line("JHT", "employer").status == "confirmed"
    o = pu(10_000_000, 1, "BESAR", "2021-06", overrides={"jp_wage_cap": 8_939_700})
    assert o.line("JP", "employer").base == 8_939_700
    assert o.line("JP", "employer").status == "override"
    assert o.amount("JP", "employer") == 178_794


def test_jp_cap_after_data_is_flagged():
    b = pu(20_000_000, 1, "BESAR", "2026-03")
    assert b.line("JP", "worker").base == 10_547_400 and b.line("JP", "worker").status == "uncertain"
    assert pu(20_000_000, 1, "BESAR", "2026-02").line("JP", "worker").status == "confirmed"


def test_rate_override_and_unused_override_note():
    b = pu(5_000_000, 2, "BESAR", "2022-03", overrides={"jkp_from_jkm": "0", "bpu_jkm": 1})
    assert b.line("JKM").rate_pct == Decimal("0.30") and b.line("JKM").status == "override"
    assert any("bpu_jkm" in n.en for n in b.notes)


def test_pu_decimal_wage_rounds_half_up_per_line():
    b = pu("1812935.43", 1, "KECIL", "2022-03")  # UMP Jawa Tengah 2022
    # JHT worker 2 % = 36,258.7086 -> 36,259; employer 3.7 % = 67,078.61 -> 67,079
    assert b.amount("JHT", "worker") == 36_259 and b.amount("JHT", "employer") == 67_079
    assert b.total == sum(ln.amount for ln in b.lines)


def test_pu_wage_zero_is_all_zero():
    assert pu(0, 3, "BESAR", "2022-03").total == 0


# --- BPU rules ----------------------------------------------------------------------------------

def test_bpu_income_rounding_rule_is_flagged():
    b = bpu(2_345_678, "2022-01")
    assert b.line("JKK").base == 2_300_000 and b.line("JKK").status == "uncertain"
    assert b.amount("JKK") == 23_000
    exact = bpu(2_345_678, "2022-01", overrides={"bpu_income_step": 1})
    assert exact.amount("JKK") == 23_457 and exact.line("JKK").status == "override"
    low = bpu(500_000, "2022-01")
    assert low.line("JKK").base == 1_000_000 and low.status == "confirmed"


@pytest.mark.parametrize("period,transport,sponsor,total", [
    ("2025-12", True, "SELF", 16_800),
    ("2026-01", True, "SELF", 8_400),
    ("2026-01", False, "SELF", 16_800),
    ("2026-04", False, "SELF", 8_400),
    ("2026-12", False, "CSR", 8_400),
    ("2027-01", False, "SELF", 16_800),
    ("2027-03", True, "SELF", 8_400),
    ("2027-04", True, "SELF", 16_800),
    ("2026-05", False, "APBD", 16_800),
    ("2026-05", True, "APBN", 16_800),
])
def test_bpu_pp50_discount(period, transport, sponsor, total):
    b = bpu(1_000_000, period, sponsor=sponsor, transport=transport)
    assert b.total == total
    if total == 8_400:
        assert b.line("JKK").status == "uncertain" and "PP 50/2025" in b.line("JKM").regulation


def test_bpu_discount_can_be_switched_off():
    b = bpu(1_000_000, "2026-05", overrides={"pp50_discount": 1})
    assert b.total == 16_800 and b.status == "override"


def test_bpu_discount_does_not_touch_jht():
    assert bpu(1_000_000, "2026-05", jht=True).amount("JHT") == 20_000


@pytest.mark.parametrize("sponsor,payer", [("SELF", "participant"), ("APBD", "government"),
                                           ("APBN", "government"), ("EMPLOYER", "employer"),
                                           ("CSR", "sponsor"), ("zakat", "sponsor")])
def test_bpu_payer_follows_sponsor(sponsor, payer):
    assert set(bpu(1_000_000, "2022-01", sponsor=sponsor).totals) == {payer}


# --- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,match", [
    ({"risk_class": 0}, "risk class must be 1-5"),
    ({"risk_class": 6}, "risk class must be 1-5"),
    ({"risk_class": True}, "risk class must be 1-5"),
    ({"size": "giant"}, "unknown employer size"),
    ({"wage": -1}, "wage must not be negative"),
    ({"wage": "abc"}, "wage must be a number"),
    ({"period": "2015-06"}, "before 2015-07"),
    ({"period": "2022-13"}, "YYYY-MM"),
    ({"period": "March 2022"}, "YYYY-MM"),
    ({"period": "2020-06", "jkp": True}, "JKP does not exist"),
    ({"overrides": {"jp_cap": 1}}, "unknown override 'jp_cap'"),
    ({"overrides": {"jp_wage_cap": -5}}, "must not be negative"),
    ({"programmes": ["JKK"]}, "missing: JHT, JKM, JP"),
    ({"programmes": ["JKK", "JKM", "JHT", "JP", "JKP"]}, "unknown programme"),
])
def test_pu_errors(kwargs, match):
    args = {"wage": 5_000_000, "risk_class": 2, "size": "BESAR", "period": "2022-03", **kwargs}
    with pytest.raises(ValueError, match=match):
        pu(**args)


def test_roman_and_string_risk_classes():
    assert pu(5_000_000, "II", "BESAR", "2022-03").total == pu(5_000_000, 2, "BESAR", "2022-03").total
    assert pu(5_000_000, "5", "BESAR", "2022-03").line("JKK").gross_rate_pct == Decimal("1.74")


def test_other_errors():
    with pytest.raises(ValueError, match="unknown sponsor"):
        bpu(1_000_000, "2022-01", sponsor="BANK")
    with pytest.raises(ValueError, match="income must not be negative"):
        bpu(-1, "2022-01")
    with pytest.raises(ValueError, match="period is required"):
        bpu(1_000_000, None)
    with pytest.raises(ValueError, match="contract value must not be negative"):
        jakon(-1)
    with pytest.raises(ValueError, match="months must be"):
        pmi(0)
    with pytest.raises(ValueError, match="jht_amount must be one of"):
        pmi(24, jht_amount=75_000)
    with pytest.raises(ValueError, match="first period covered is 2023-03"):
        pmi(24, period="2023-02")
    assert pmi(24, period="2023-03").total == 370_000


# --- rule data ----------------------------------------------------------------------------------

def _boundaries(rows):
    out = set()
    for r in rows:
        out.add(r.effective_from)
        out.add(r.effective_from - timedelta(days=1))
        if r.effective_to:
            out.add(r.effective_to)
            out.add(r.effective_to + timedelta(days=1))
    return sorted(out)


@pytest.mark.parametrize("name,key", [
    ("rates.csv", ("key",)), ("jp_wage_cap.csv", ()), ("bpu_income.csv", ("key",)),
    ("jakon_tiers.csv", ("programme", "lower")), ("pmi.csv", ("kind", "months", "amount")),
    ("programmes_by_size.csv", ("kind", "size")),
    ("adjustments.csv", ("id", "segment", "programme", "scope")),
])
def test_rule_rows_never_overlap(name, key):
    rows = rules.table(name)
    assert rows and all(r.regulation and r.status in rules.STATUSES for r in rows)
    for day in _boundaries(rows):
        live = [tuple(r[k] for k in key) for r in rows if r.in_force(day)]
        assert len(live) == len(set(live)), (name, day)


def test_jp_caps_are_contiguous_from_2015_07():
    caps = sorted(rules.table("jp_wage_cap.csv"), key=lambda r: r.effective_from)
    assert caps[0].effective_from == date(2015, 7, 1)
    for a, b in zip(caps, caps[1:]):
        assert a.effective_to + timedelta(days=1) == b.effective_from
        assert b.effective_from.month == 3
    assert {r.effective_from.year: r.status for r in caps}[2021] == "uncertain"


def test_jkp_components_add_up():
    for day in (date(2021, 2, 1), date(2025, 2, 6), date(2025, 2, 7), date(2030, 1, 1)):
        v = {k: rules.rate(k, day).number("value")
             for k in ("jkp_total", "jkp_government", "jkp_from_jkk", "jkp_from_jkm")}
        assert v["jkp_total"] == v["jkp_government"] + v["jkp_from_jkk"] + v["jkp_from_jkm"]


def test_vocabularies_match_contracts():
    assert SPONSOR_TYPES == contracts.SPONSOR_TYPES
    assert rules.sizes() == contracts.SIZE_CLASSES


# --- report -------------------------------------------------------------------------------------

def test_breakdown_report_indonesian():
    b = pu(5_000_000, 2, "MENENGAH", "2022-03")
    r = breakdown_report(b)
    assert r.columns == ["programme", "payer", "basis", "base", "amount", "regulation", "status"]
    assert r.rows[-1]["programme"] == "TOTAL" and r.rows[-1]["amount"] == 465_000
    assert r.rows[0]["payer"] == "Pemberi kerja" and r.rows[0]["status"] == "terkonfirmasi"
    assert "0,54 % − 0,14 % (JKP) = 0,40 %" == r.rows[0]["basis"]
    assert fmt.label("payer") == "Pembayar"
    from rich.console import Console
    console = Console(width=200, record=True)
    console.print(to_rich(r))
    text = console.export_text()
    assert "465.000" in text and "Pemberi kerja" in text and "Pembulatan" in text
    assert to_csv(r).splitlines()[0] == "programme,payer,basis,base,amount,regulation,status"
    assert '"amount": 465000' in to_json(r)


def test_breakdown_report_flags_uncertain_and_english():
    r = breakdown_report(pu(10_000_000, 1, "BESAR", "2021-06"), lang="en")
    jp = [row for row in r.rows if row["programme"] == "JP"]
    assert {row["status"] for row in jp} == {"uncertain"}
    assert r.rows[-1]["status"] == "uncertain"
    assert any("uncertain" in n for n in r.notes)
    rid = breakdown_report(pu(10_000_000, 1, "BESAR", "2021-06"))
    assert {row["status"] for row in rid.rows if row["programme"] == "JP"} == {"belum pasti"}


def test_report_other_segments():
    for b in (bpu(1_000_000, "2020-09"), jakon(1_234_567_890), pmi(30, jht_amount=50_000)):
        r = breakdown_report(b)
        assert r.rows[-1]["amount"] == b.total
    assert breakdown_report(bpu(1_000_000, "2020-09")).rows[1]["basis"] == "Rp 6.800 tetap, dibayar 1 %"
    with pytest.raises(ValueError, match="unknown language"):
        breakdown_report(pmi(24), lang="jv")


# --- properties -----------------------------------------------------------------------------------

EDGES = [100_000_000, 500_000_000, 1_000_000_000, 5_000_000_000]
values = st.integers(min_value=0, max_value=50_000_000_000)


@settings(max_examples=200, deadline=None)
@given(values, values)
def test_jakon_fee_is_monotone(a, b):
    lo, hi = sorted((a, b))
    assert jakon_fee(lo) <= jakon_fee(hi)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(EDGES), st.integers(min_value=0, max_value=10_000))
def test_jakon_fee_is_continuous_at_band_edges(edge, d):
    # a step of d rupiah can add at most the highest combined rate (0.24 %) plus rounding
    bound = Decimal(d) * Decimal("0.0024") + 2
    assert 0 <= jakon_fee(edge + d) - jakon_fee(edge) <= bound
    assert 0 <= jakon_fee(edge) - jakon_fee(edge - d) <= bound


@settings(max_examples=200, deadline=None)
@given(values)
def test_jakon_matches_cumulative_formula(v):
    bands = [(0, 100_000_000, "0.0024"), (100_000_000, 500_000_000, "0.0019"),
             (500_000_000, 1_000_000_000, "0.0015"), (1_000_000_000, 5_000_000_000, "0.0012"),
             (5_000_000_000, None, "0.0010")]
    exact = sum(Decimal(max(0, min(v, hi if hi else v) - lo)) * Decimal(r) for lo, hi, r in bands)
    b = jakon(v)
    assert abs(b.total - exact) <= Decimal(len(b.lines)) / 2


periods = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2015, 2030),
                    st.integers(1, 12)).filter(lambda p: p >= "2015-07")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100_000_000), periods, st.booleans(), st.sampled_from(SPONSOR_TYPES),
       st.booleans())
def test_bpu_total_never_negative(income, period, jht, sponsor, transport):
    b = bpu(income, period, jht=jht, sponsor=sponsor, transport=transport)
    assert b.total >= 16_800 // 100 and all(ln.amount >= 0 for ln in b.lines)
    assert b.total == sum(b.totals.values())


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 60_000_000), st.integers(1, 5), st.integers(1, 5),
       st.sampled_from(["MIKRO", "KECIL", "MENENGAH", "BESAR"]), periods)
def test_pu_worker_share_independent_of_risk_class(wage, rc1, rc2, size, period):
    a, b = pu(wage, rc1, size, period), pu(wage, rc2, size, period)
    assert a.totals.get("worker", 0) == b.totals.get("worker", 0)
    assert all(ln.amount >= 0 for ln in a.lines)
    assert set(a.totals) <= set(PAYERS)
