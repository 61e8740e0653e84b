"""Two engines, one truth: every coverage analytic gives identical results on DuckDB and Spark."""

import pytest

from cakupan import coverage as cv

from conftest import make_warehouse

pytestmark = pytest.mark.spark


def _all(wh):
    p, w = wh.table("participants"), wh.table("workforce")
    out = {}
    for level in ("province", "regency"):
        out[level] = wh.to_arrow(cv.coverage_by_region(p, w, "2021-11", level)).to_pylist()
    out["segment"] = wh.to_arrow(cv.coverage_by_segment(p, "2021-11")).to_pylist()
    cube = wh.to_arrow(cv.coverage_cube(p, "2019-01", "2021-11")).to_pylist()
    out["cube"] = sorted((r["regency_code"], r["segment"], r["period"], r["participants"]) for r in cube)
    return out


def test_duckdb_and_spark_agree(small_registry, tmp_path):
    results = {}
    for engine in ("duckdb", "spark"):
        wh = make_warehouse(engine, tmp_path / engine, small_registry)
        results[engine] = _all(wh)
        wh.close()
    assert results["duckdb"] == results["spark"]
    assert len(results["duckdb"]["regency"]) == 40
    assert len(results["duckdb"]["cube"]) > 1000
