"""Sponsorship planner on hand-made cases where the right answer is known (both engines)."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from cakupan import coverage as cov
from cakupan import sponsorship as sp
from cakupan.contracts import PARTICIPANTS, WORKFORCE
from cakupan.ingest.candidates import SCHEMA

from conftest import make_warehouse
from test_coverage import member

V1, V2, V3 = "3322012001", "3322012002", "3322022001"   # two villages in one district, one in another
OUTSIDE = "3374011001"


def cand(row, nik, village, occupation=None, born=dt.date(1990, 1, 1), miskin=False):
    return {"row": row, "nik": nik, "name": f"Orang {row}", "birth_date": born, "sex": "L",
            "village_code": village, "occupation": occupation, "phone": None, "miskin": miskin}


CANDIDATES = [
    cand(2, "3322010101900001", V1, "pemulung", miskin=True),   # 3 + 4 + low coverage
    cand(3, "3322010101900002", V1, "pedagang"),                # 1
    cand(4, "3322010101900003", V2, "nelayan"),                 # 3
    cand(5, "3322010101900004", V3, "pedagang"),                # 1
    cand(6, "3322010101900005", V3, None),                      # 0
    cand(7, "3322010101900001", V1, "pemulung"),                # duplicate of row 2
    cand(8, "3374010101900009", OUTSIDE, "pemulung"),           # outside the region
    cand(9, "3322010101100010", V2, "pemulung", born=dt.date(2010, 1, 1)),  # 11 years old
    cand(10, "3322010101900011", V2, "pemulung"),               # already active (see below)
]
ACTIVE = [member("1", "3322010101900011", V2, "BPU", dt.date(2020, 1, 1), "2021-11")]


@pytest.fixture
def wh(engine, tmp_path):
    tables = {"participants": pa.Table.from_pylist(ACTIVE, schema=PARTICIPANTS.schema.to_pyarrow()),
              "workforce": pa.Table.from_pylist([
                  {"region_code": "3322", "period": "2021-08", "employed": 1000, "unemployed": 10,
                   "employment_status": None, "sector": None, "source": "t", "estimated": False}],
                  schema=WORKFORCE.schema.to_pyarrow())}
    w = make_warehouse(engine, tmp_path, tables, reference=False)
    yield w
    w.close()


def plan(wh, capacity, quotas=None, low_coverage=0.0):
    req = sp.PlanRequest(budget=capacity * 201_600, months=12, start="2021-12", region="3322",
                         cost_per_person=201_600, quotas=quotas or {},
                         priority=sp.Priority(low_coverage=low_coverage))
    schema = pa.schema(list(SCHEMA) + [pa.field("miskin", pa.bool_())])
    c = ibis.memtable(pa.Table.from_pylist(CANDIDATES, schema=schema))
    t = sp.select(sp.assess(c, wh.table("participants"), req, "2021-11"), req)
    return {r["row"]: (r["status"], r["score"]) for r in wh.to_arrow(t).to_pylist()}


def test_eligibility_reasons_and_best_scores_first(wh):
    got = plan(wh, capacity=2)
    assert {k: s for k, (s, _) in got.items()} == {
        2: "SELECTED", 4: "SELECTED", 3: "BUDGET", 5: "BUDGET", 6: "BUDGET",
        7: "DUPLICATE", 8: "REGION", 9: "AGE", 10: "ACTIVE"}
    assert got[2][1] == 7.0 and got[4][1] == 3.0


def test_quota_caps_an_area_and_the_next_best_takes_the_place(wh):
    got = plan(wh, capacity=2, quotas={"332201": 1})
    assert got[2][0] == "SELECTED" and got[4][0] == "QUOTA"
    assert got[5][0] == "SELECTED"  # V3 lies in another district


def test_least_covered_villages_come_first(wh):
    got = plan(wh, capacity=5, low_coverage=2.0)
    # V2 has one active participant among its known workers, V1 and V3 none
    assert got[3][1] == 3.0 and got[5][1] == 3.0
    assert got[4][1] == pytest.approx(3 + 2 * (1 - 1 / 2))


def test_budget_is_never_exceeded_and_impossible_requests_are_refused():
    with pytest.raises(ValueError, match="below the cost of protecting one person"):
        sp.PlanRequest(budget=100_000, months=12, start="2021-12", region="3322",
                       cost_per_person=201_600).check()
    req = sp.PlanRequest(budget=1_000_000, months=12, start="2021-12", region="3322", cost_per_person=201_600)
    assert req.capacity * req.cost_per_person <= req.budget < (req.capacity + 1) * req.cost_per_person


def test_priority_rules_parse_and_explain_mistakes():
    p = sp.Priority.parse("occupation.nelayan=5, flag.miskin=6, low_coverage=1")
    assert p.occupation["nelayan"] == 5 and p.flags["miskin"] == 6 and p.low_coverage == 1
    with pytest.raises(ValueError, match="KIND.NAME=WEIGHT"):
        sp.Priority.parse("nelayan")
    with pytest.raises(ValueError, match="occupation.NAME, flag.NAME"):
        sp.Priority.parse("umur.tua=3")


def test_coverage_impact_adds_the_selected(wh):
    selected = ibis.memtable({"nik": ["a", "b"], "village_code": [V1, V3]})
    rows = wh.to_arrow(sp.coverage_impact(wh.table("participants"), wh.table("workforce"),
                                          selected, "2021-11", "3322")).to_pylist()
    assert [(r["region_code"], r["participants"], r["added"], r["after"]) for r in rows] == [("3322", 1, 2, 3)]


def test_cohort_members_are_sponsored_then_renewed_then_followed_up(wh):
    from cakupan import cohorts as co

    cohorts = ibis.memtable({"cohort_id": ["c1"], "name": ["A"], "sponsor": ["apbd"], "region": ["3322"],
                             "start": ["2021-12"], "months": [3], "package": ["jkk-jkm"],
                             "cost_per_person": [50_400], "budget": [100_800],
                             "created_at": [dt.datetime(2021, 11, 30)]})
    members = ibis.memtable(pa.Table.from_pylist([
        {"cohort_id": "c1", "nik": n, "name": "x", "birth_date": dt.date(1990, 1, 1), "sex": "L",
         "village_code": V1, "occupation": None, "score": 1.0}
        for n in ("3322010101900011", "3322010101900099")]))
    seen = {}
    for period in ("2021-11", "2021-12", "2022-01", "2022-02", "2022-03"):
        rows = wh.to_arrow(co.member_status(cohorts, members, wh.table("participants"), "c1", period)).to_pylist()
        seen[period] = sorted(r["status"] for r in rows)
    assert seen["2021-11"] == ["NOT_STARTED"] * 2
    assert seen["2021-12"] == ["PAID"] * 2 and seen["2022-02"] == ["PAID"] * 2
    assert seen["2022-01"] == ["ENDS_NEXT_MONTH"] * 2
    # one member has their own membership paid up to 2021-11 only, so both have lapsed by 2022-03
    assert seen["2022-03"] == ["LAPSED"] * 2
    reg = co.registry(wh.table("participants"), cohorts, members)
    people = wh.to_arrow(cov.active_people(reg, "2022-01")).to_pylist()
    assert sorted((p["nik"], p["sponsor_type"]) for p in people) == [
        ("3322010101900011", "APBD"), ("3322010101900099", "APBD")]
