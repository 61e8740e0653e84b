"""The identity columns the matcher blocks and compares on, on both engines: name parts
(words after the first, words sorted, phonetic and prefix keys) and the place hierarchy
(a list that writes only the district still gets its regency)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from conftest import make_warehouse

from cakupan.matching import people as pp

ROWS = pa.table({
    "row_key": ["a", "b", "c"], "name": ["Budi Santoso Adi", "WAHYUNI", "Siti  Aminah"],
    "nik": [None, None, "3374014101800001"], "nik_raw": [None, None, "3374014101800001"],
    "nik_problem": ["empty", "empty", None],
    "birth_date": pa.array([dt.date(1980, 1, 1), dt.date(1990, 5, 15), None], pa.date32()),
    "nik_birth_date": pa.array([None, None, dt.date(1980, 1, 1)], pa.date32()),
    "sex": [None, "P", None], "nik_sex": [None, None, "P"],
    "village_code": [None, None, "3374011001"], "village": ["Miroto", None, None],
    "district": ["Semarang Tengah", "Kec. Pituruh", None], "regency": ["Kota Semarang", None, None],
})


def test_list_identity_parts_and_places(engine, tmp_path):
    wh = make_warehouse(engine, tmp_path, {"rows": ROWS})
    got = {r["unique_id"]: r for r in wh.to_arrow(pp.list_identity(wh.table("rows"), wh.table("regions"))).to_pylist()}
    a, b, c = got["a"], got["b"], got["c"]
    assert (a["name_first"], a["name_last"], a["name_rest"]) == ("budi", "adi", "santoso adi")
    assert (a["name_sorted"], a["name_phon"], a["name_pre"]) == ("adi budi santoso", "bd ad", "bud adi")
    assert (b["name_first"], b["name_last"], b["name_rest"], b["name_phon"]) == ("wahyuni", "wahyuni", None, "wn wn")
    assert (a["district_key"], a["regency_key"]) == ("semarangtengah", "semarang")
    assert (b["district_key"], b["regency_key"]) == ("pituruh", "purworejo")       # from the district alone
    assert (c["name_rest"], c["birth_date"], c["sex"], c["regency_key"]) == ("aminah", dt.date(1980, 1, 1), "P", "semarang")
    wh.close()


def test_registry_people_carry_the_same_parts(engine, tmp_path, small_registry):
    wh = make_warehouse(engine, tmp_path, small_registry)
    people = wh.to_arrow(pp.registry_people(wh.table("participants"), wh.table("regions")).order_by("nik").limit(200))
    assert set(pp.IDENTITY) <= set(people.column_names)
    rows = people.to_pylist()
    assert all(r["regency_key"] and r["district_key"] and r["village_key"] for r in rows)
    for r in rows:
        words = r["name_key"].split(" ")
        assert r["name_sorted"] == " ".join(sorted(words))
        assert r["name_rest"] == (" ".join(words[1:]) or None)
    wh.close()
