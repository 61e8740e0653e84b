"""Coverage on hand-made tables with known answers, on DuckDB and Spark alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from cakupan import coverage as cv
from cakupan.contracts import PARTICIPANTS, WORKFORCE

from conftest import make_warehouse


def member(kpj, nik, village, segment, registered, last, sub=None):
    return {"kpj": kpj, "nik": nik, "name": "Contoh", "birth_date": dt.date(1990, 1, 1),
            "sex": "L", "village_code": village, "segment": segment, "sub_segment": sub,
            "occupation": None, "npp": None, "wage": None, "programmes": "JKK,JKM",
            "registered_date": registered, "last_paid_month": last, "sponsor_type": "SELF"}


A, B, C = "3374010101900001", "3374010101900002", "3401010101900003"
PARTS = [
    member("1", A, "3374011001", "PU", dt.date(2020, 1, 5), "2021-11"),
    member("2", A, "3374011001", "BPU", dt.date(2021, 3, 1), "2021-11"),   # A's primary from 2021-03
    member("3", B, "3374011001", "PU", dt.date(2021, 11, 30), "2021-11"),  # registered on the last day
    member("4", B, "3374011001", "PU", dt.date(2019, 1, 1), "2021-10"),    # lapsed before Nov
    member("5", C, "3401011001", "BPU", dt.date(2021, 12, 1), "2021-12"),  # not yet registered in Nov
    member("6", C, "3401011001", "BPU", dt.date(2020, 6, 1), None),        # never paid
]
WF = [
    {"region_code": "33", "period": "2021-02", "employed": 10, "unemployed": 1,
     "employment_status": None, "sector": None, "source": "old", "estimated": False},
    {"region_code": "33", "period": "2021-08", "employed": 12, "unemployed": 3,
     "employment_status": None, "sector": None, "source": "new", "estimated": False},
    {"region_code": "33", "period": "2022-02", "employed": 99, "unemployed": 9,
     "employment_status": None, "sector": None, "source": "future", "estimated": False},
    {"region_code": "33", "period": "2021-08", "employed": 5, "unemployed": None,
     "employment_status": 4, "sector": None, "source": "by status", "estimated": False},
    {"region_code": "34", "period": "2021-08", "employed": 7, "unemployed": 0,
     "employment_status": None, "sector": None, "source": "diy", "estimated": True},
]


@pytest.fixture
def tiny(engine, tmp_path):
    tables = {"participants": pa.Table.from_pylist(PARTS, schema=PARTICIPANTS.schema.to_pyarrow()),
              "workforce": pa.Table.from_pylist(WF, schema=WORKFORCE.schema.to_pyarrow())}
    wh = make_warehouse(engine, tmp_path, tables, reference=False)
    yield wh
    wh.close()


def test_people_are_counted_once_in_their_latest_membership(tiny):
    people = tiny.to_arrow(cv.active_people(tiny.table("participants"), "2021-11")).to_pylist()
    assert sorted((p["nik"], p["kpj"], p["segment"]) for p in people) == [(A, "2", "BPU"), (B, "3", "PU")]


def test_coverage_by_province_uses_the_latest_survey_round(tiny):
    out = tiny.to_arrow(cv.coverage_by_region(tiny.table("participants"), tiny.table("workforce"),
                                              "2021-11", "province")).to_pylist()
    assert out == [
        {"region_code": "33", "participants": 2, "employed": 12, "unemployed": 3,
         "workforce_period": "2021-08", "estimated": False},
        {"region_code": "34", "participants": 0, "employed": 7, "unemployed": 0,
         "workforce_period": "2021-08", "estimated": True},
    ]
    rows = cv.with_total(cv.rows_from(out))
    assert [(r.region_code, r.participants, r.employed, r.coverage_pct) for r in rows] == [
        ("33", 2, 12, Decimal("16.67")), ("34", 0, 7, Decimal("0.00")), ("TOTAL", 2, 19, Decimal("10.53"))]
    assert rows[-1].coverage_lf_pct == Decimal("9.09")  # 2 / 22


def test_an_earlier_month_sees_earlier_memberships(tiny):
    out = tiny.to_arrow(cv.coverage_by_region(tiny.table("participants"), tiny.table("workforce"),
                                              "2021-05", "province")).to_pylist()
    # DIY's only figure (2021-08) is later than May 2021 and it has no participants yet
    assert [(r["region_code"], r["participants"], r["employed"]) for r in out] == [("33", 2, 10)]


def test_segments_add_up_to_the_people(tiny):
    out = tiny.to_arrow(cv.coverage_by_segment(tiny.table("participants"), "2021-11")).to_pylist()
    assert out == [{"segment": "BPU", "sub_segment": None, "participants": 1},
                   {"segment": "PU", "sub_segment": None, "participants": 1}]


def test_cube_follows_primary_membership_month_by_month(tiny):
    out = tiny.to_arrow(cv.coverage_cube(tiny.table("participants"), "2021-01", "2021-12")).to_pylist()
    got = {(r["regency_code"], r["segment"], r["period"]): r["participants"] for r in out}
    assert got[("3374", "PU", "2021-02")] == 2      # A (PU) and B (old PU membership)
    assert ("3374", "BPU", "2021-02") not in got
    assert got[("3374", "BPU", "2021-03")] == 1     # A switches to the later BPU membership
    assert got[("3374", "PU", "2021-03")] == 1
    assert got[("3374", "PU", "2021-11")] == 1      # B's new membership only
    assert got[("3401", "BPU", "2021-12")] == 1
    assert ("3374", "PU", "2021-12") not in got


def test_percent_rounds_half_up_and_handles_missing_denominators():
    assert cv.percent(3_062_280, 17_835_770) == Decimal("17.17")
    assert cv.percent(1, 8) == Decimal("12.50")
    assert cv.percent(1, 200, places=2) == Decimal("0.50")
    assert cv.percent(5, None) is None and cv.percent(5, 0) is None


def naive_cube(participants: pa.Table, months: list[str]) -> dict:
    """Expand every membership month by month in plain Python: the reference answer."""
    out: dict = {}
    rows = participants.to_pylist()
    for m in months:
        start = cv.next_month_start(m)
        best: dict = {}
        for r in rows:
            if r["registered_date"] < start and r["last_paid_month"] and r["last_paid_month"] >= m:
                key = (r["registered_date"], r["kpj"])
                if r["nik"] not in best or key > best[r["nik"]][0]:
                    best[r["nik"]] = (key, r)
        for _, r in best.values():
            k = (r["village_code"][:4], r["segment"], m)
            out[k] = out.get(k, 0) + 1
    return out


def test_cube_equals_the_naive_expansion(small_warehouse, small_registry):
    months = cv.months_between("2020-10", "2021-11")
    out = small_warehouse.to_arrow(cv.coverage_cube(small_warehouse.table("participants"), months[0], months[-1]))
    got = {(r["regency_code"], r["segment"], r["period"]): r["participants"] for r in out.to_pylist()}
    assert got == naive_cube(small_registry["participants"], months)
