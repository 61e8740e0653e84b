"""Potential and performance on hand-made cases: splits add up, potential = employed − covered."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from cakupan import performance as pf
from cakupan import potential as pot
from cakupan.contracts import EMPLOYERS, PARTICIPANTS, WORKFORCE

from conftest import make_warehouse
from test_coverage import member


def wf(code, employed, status=None, sector=None, period="2021-08"):
    return {"region_code": code, "period": period, "employed": employed, "unemployed": None,
            "employment_status": status, "sector": sector, "source": "t", "estimated": status is not None or sector is not None}


PARTS = [
    {**member("1", "3374010101900001", "3374011001", "PU", dt.date(2020, 1, 1), "2021-11"), "npp": "10"},
    {**member("2", "3374010101900002", "3374011001", "BPU", dt.date(2020, 1, 1), "2021-11"), "occupation": "pedagang"},
    member("3", "3374010101900003", "3374011001", "JAKON", dt.date(2021, 6, 1), "2021-11"),
    member("4", "3374010101900004", "3374011001", "PMI", dt.date(2021, 6, 1), "2021-11"),
    member("5", "3374010101900005", "3374011001", "BPU", dt.date(2020, 1, 1), "2021-09"),  # lapsed
]
EMP = [{"npp": "10", "name": "PT A", "npwp": None, "kbli_sector": "C", "size_class": "BESAR",
        "regency_code": "3374", "registered_date": dt.date(2010, 1, 1), "status": "AKTIF"}]
WF = [wf("33", 100), wf("33", 30, status=4), wf("33", 10, status=3), wf("33", 60, status=1),
      wf("33", 50, sector=1), wf("33", 20, sector=3), wf("33", 30, sector=99)]


@pytest.fixture
def wh(engine, tmp_path):
    tables = {"participants": pa.Table.from_pylist(PARTS, schema=PARTICIPANTS.schema.to_pyarrow()),
              "employers": pa.Table.from_pylist(EMP, schema=EMPLOYERS.schema.to_pyarrow()),
              "workforce": pa.Table.from_pylist(WF, schema=WORKFORCE.schema.to_pyarrow())}
    w = make_warehouse(engine, tmp_path, tables, reference=False)
    yield w
    w.close()


def test_pools_add_up_and_potential_is_employed_minus_covered(wh):
    rows = wh.to_arrow(pot.potential_by_pool(wh.table("participants"), wh.table("employers"),
                                             wh.table("workforce"), "2021-11")).to_pylist()
    got = {r["pool"]: (r["employed"], r["covered"], r["potential"]) for r in rows}
    # PU worker -> wage pool; BPU trader and Jakon worker -> informal; PMI left out; lapsed not covered
    assert got == {"PU": (40, 1, 39), "INFORMAL": (60, 2, 58)}
    assert sum(v[0] for v in got.values()) == 100
    assert all(r["estimated"] for r in rows)


def test_sectors_come_from_employer_occupation_and_segment(wh):
    rows = wh.to_arrow(pot.potential_by_sector(wh.table("participants"), wh.table("employers"),
                                               wh.table("workforce"), "2021-11", [1, 3, 99])).to_pylist()
    got = {r["sector"]: (r["employed"], r["covered"], r["potential"]) for r in rows}
    # PU at a KBLI C employer -> 3; trader (7) and Jakon (6) are not split out here -> 99
    assert got == {1: (50, 0, 50), 3: (20, 1, 19), 99: (30, 2, 28)}


def test_flows_count_registrations_and_lapses(wh):
    rows = wh.to_arrow(pf.monthly_flows(wh.table("participants"), "2021-06", "2021-11")).to_pylist()
    got = {r["period"]: (r["new"], r["lapsed"]) for r in rows}
    assert got == {"2021-06": (2, 0), "2021-10": (0, 1)}


def test_projection_and_on_track_verdicts():
    series = [1000 + 10 * i for i in range(24)]
    proj = pf.project(series, "2021-11", "2021-12")
    assert [p.period for p in proj] == ["2021-12"]
    assert proj[0].lower < proj[0].mean < proj[0].upper
    assert 1200 < proj[0].mean < 1260
    assert pf.on_track(1000, proj[0]) == "ON_TRACK"
    assert pf.on_track(int(proj[0].mean) - 1, proj[0]) in ("ON_TRACK", "AT_RISK")
    assert pf.on_track(5000, proj[0]) == "OFF_TRACK"
    assert pf.on_track(5000, None, actual=6000) == "ACHIEVED"
    assert pf.on_track(None, proj[0]) is None
    assert pf.project(series[:5], "2021-11", "2021-12") == []
