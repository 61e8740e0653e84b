"""Static Altair charts: spec contents (labels, sorting, locale) and offline PNG/HTML output."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from cakupan.reports import charts

COVERAGE = [
    {"region_code": "11", "region_name": "Aceh", "coverage_pct": Decimal("17.17"),
     "participants": 3062280},
    {"region_code": "12", "region_name": "Sumatera Utara", "coverage_pct": Decimal("25.5"),
     "participants": 1234567, "estimated": True},
    {"region_code": "31", "region_name": "DKI Jakarta", "coverage_pct": 48.02,
     "participants": 5000000},
    {"region_code": "TOTAL", "region_name": "Total", "coverage_pct": Decimal("30.1"),
     "participants": 9296847},
]
POTENTIAL = [
    {"label": "Aceh", "pool": "PU", "uncovered": 120000},
    {"label": "Aceh", "pool": "INFORMAL", "uncovered": 800000},
    {"label": "Jawa Barat", "pool": "PU", "uncovered": 2500000, "estimated": True},
    {"label": "Jawa Barat", "pool": "INFORMAL", "uncovered": 6000000, "estimated": True},
    {"label": "Bali", "pool": "INFORMAL", "uncovered": 950000},
]
PERFORMANCE = [
    {"period": "2021-08", "realisation": 1_100_000, "target": 1_150_000},
    {"period": "2021-07", "realisation": 1_090_000, "target": 1_140_000},
    {"period": "2021-09", "realisation": 1_120_000, "target": None},
]
PROJECTION = [
    {"period": "2021-10", "mean": 1_130_000.0, "lower": 1_100_000.0, "upper": 1_160_000.0},
    {"period": "2021-11", "mean": 1_140_000.0, "lower": 1_095_000.0, "upper": 1_185_000.0},
]


def by_mark(spec_layers: list[dict], mark: str) -> list[dict]:
    return [layer for layer in spec_layers if layer["mark"]["type"] == mark]


def values(spec: dict, layer: dict) -> list[dict]:
    """A layer's inline rows (Altair lifts data shared by all layers to the top level)."""
    return (layer.get("data") or spec["data"])["values"]


# ---------- coverage ----------

def test_coverage_id_sorted_total_rule_and_estimated_marking():
    chart = charts.coverage_chart(COVERAGE)
    spec = chart.to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["config"]["locale"]["number"]["thousands"] == "."
    bar = by_mark(spec["layer"], "bar")[0]
    names = [v["name"] for v in values(spec, bar)]
    assert names == ["DKI Jakarta", "Sumatera Utara *", "Aceh"]  # descending, TOTAL excluded
    assert bar["encoding"]["y"]["sort"] == names
    assert bar["encoding"]["x"]["field"] == "coverage"
    assert bar["encoding"]["x"]["title"] == "Cakupan (% bekerja)"
    assert bar["encoding"]["y"]["title"] == "Wilayah"
    assert bar["encoding"]["color"]["legend"]["title"] == "Estimasi"
    status = {v["name"]: v["status"] for v in values(spec, bar)}
    assert status["Sumatera Utara *"] == "Penyebut estimasi (*)"
    assert status["Aceh"] == "Penyebut terukur"
    texts = {v["coverage_text"] for v in values(spec, bar)}
    assert texts == {"48,02 %", "25,50 %", "17,17 %"}
    rule = by_mark(spec["layer"], "rule")[0]
    assert values(spec, rule)[0]["coverage"] == pytest.approx(30.1)
    total_text = [t for t in by_mark(spec["layer"], "text") if "text" in values(spec, t)[0]]
    assert values(spec, total_text[0])[0]["text"] == "Total: 30,10 %"
    assert spec["title"]["text"] == "Cakupan kepesertaan menurut wilayah"
    assert spec["title"]["subtitle"] == ["* penyebut (penduduk bekerja) diestimasi"]


def test_coverage_en_no_total_no_estimates_custom_title():
    rows = [{**r, "estimated": False} for r in COVERAGE if r["region_code"] != "TOTAL"]
    chart = charts.coverage_chart(rows, lang="en", title="Coverage 2024")
    spec = chart.to_dict()
    assert not by_mark(spec["layer"], "rule")
    bar = by_mark(spec["layer"], "bar")[0]
    assert bar["encoding"]["x"]["title"] == "Coverage (% of employed)"
    assert bar["encoding"]["y"]["title"] == "Region"
    assert bar["encoding"]["color"].get("legend", "absent") is None  # no legend without estimates
    assert [v["coverage_text"] for v in values(spec, bar)] == ["48.02%", "25.50%", "17.17%"]
    assert spec["title"] == {"text": "Coverage 2024", "anchor": "start"}
    assert spec["config"]["locale"]["number"]["decimal"] == "."


def test_coverage_rejects_bad_input():
    with pytest.raises(ValueError):
        charts.coverage_chart(COVERAGE, lang="fr")
    with pytest.raises(ValueError):
        charts.coverage_chart([COVERAGE[-1]])  # only the total


# ---------- potential ----------

def test_potential_stacked_ranked_by_total_with_indonesian_pools():
    chart = charts.potential_chart(POTENTIAL)
    spec = chart.to_dict()
    bar = by_mark(spec["layer"], "bar")[0]
    enc = bar["encoding"]
    assert enc["y"]["sort"] == ["Jawa Barat *", "Bali", "Aceh"]  # 8.5M, 950k, 920k
    assert enc["y"]["title"] == "Wilayah"
    assert enc["x"]["aggregate"] == "sum" and enc["x"]["field"] == "uncovered"
    assert enc["x"]["stack"] == "zero"
    assert enc["x"]["title"] == "Pekerja belum terlindungi"
    assert enc["color"]["scale"]["domain"] == [
        "Penerima upah (status 3-4)", "Informal (status 1,2,5,6,7)"]
    assert enc["color"]["legend"]["title"] == "Kelompok"
    assert enc["order"]["field"] == "pool_order"
    totals = values(spec, by_mark(spec["layer"], "text")[0])
    assert [(t["name"], t["text"]) for t in totals] == [
        ("Jawa Barat *", "8.500.000"), ("Bali", "950.000"), ("Aceh", "920.000")]
    assert spec["title"]["text"] == "Potensi pekerja belum terlindungi"
    assert spec["title"]["subtitle"] == ["* jumlah pekerja diestimasi"]


def test_potential_english_by_sector():
    spec = charts.potential_chart(POTENTIAL, lang="en", by="sector").to_dict()
    enc = by_mark(spec["layer"], "bar")[0]["encoding"]
    assert enc["y"]["title"] == "Sector"
    assert enc["x"]["title"] == "Uncovered workers"
    assert enc["color"]["scale"]["domain"][0] == "Wage earners (status 3-4)"
    totals = values(spec, by_mark(spec["layer"], "text")[0])
    assert totals[0]["text"] == "8,500,000"
    with pytest.raises(ValueError):
        charts.potential_chart(POTENTIAL, by="province")
    with pytest.raises(ValueError):
        charts.potential_chart([{"label": "x", "pool": "BPU", "uncovered": 1}])


# ---------- performance ----------

def test_month_labels_do_not_depend_on_locale():
    assert charts.month_label("2021-05") == "Mei 2021"
    assert charts.month_label("2021-08") == "Agu 2021"
    assert charts.month_label("2021-10", "en") == "Oct 2021"
    assert [charts.month_label(f"2020-{m:02d}")[:3] for m in range(1, 13)] == \
        ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    for bad in ("2021-13", "2021-1", "Jan 2021"):
        with pytest.raises(ValueError):
            charts.month_label(bad)


def test_performance_lines_target_projection_band():
    chart = charts.performance_chart(PERFORMANCE, PROJECTION)
    spec = chart.to_dict()
    line = by_mark(spec["layer"], "line")[0]
    enc = line["encoding"]
    months = ["Jul 2021", "Agu 2021", "Sep 2021", "Okt 2021", "Nov 2021"]
    assert enc["x"]["sort"] == months
    assert enc["x"]["title"] == "Bulan"
    assert enc["y"]["title"] == "Tenaga kerja aktif"
    assert enc["color"]["scale"]["domain"] == ["Realisasi", "Target", "Proyeksi"]
    assert enc["strokeDash"]["scale"]["range"][2] != [1, 0]  # projection is dashed
    rows = values(spec, line)
    series = {(v["month"], v["series"]) for v in rows}
    assert ("Sep 2021", "Target") not in series  # missing target is skipped, not zero
    assert ("Agu 2021", "Target") in series and ("Okt 2021", "Proyeksi") in series
    assert [v["month"] for v in rows if v["series"] == "Realisasi"] == months[:3]
    assert {v["value_text"] for v in rows if v["month"] == "Agu 2021"} == {
        "1.100.000", "1.150.000"}
    band = by_mark(spec["layer"], "area")[0]
    assert band["encoding"]["y"]["field"] == "lower" and band["encoding"]["y2"]["field"] == "upper"
    assert [b["month"] for b in values(spec, band)] == ["Okt 2021", "Nov 2021"]
    assert spec["title"]["subtitle"] == ["Area arsir: interval proyeksi"]


def test_performance_english_without_projection():
    chart = charts.performance_chart(PERFORMANCE, lang="en", title="Active workers")
    spec = chart.to_dict()
    assert not by_mark(spec["layer"], "area")
    enc = by_mark(spec["layer"], "line")[0]["encoding"]
    assert enc["x"]["sort"] == ["Jul 2021", "Aug 2021", "Sep 2021"]
    assert enc["color"]["scale"]["domain"] == ["Realisation", "Target", "Projection"]
    assert enc["y"]["title"] == "Active workers"
    assert spec["title"] == {"text": "Active workers", "anchor": "start"}


# ---------- save ----------

def test_save_png(tmp_path):
    out = charts.save(charts.coverage_chart(COVERAGE), tmp_path / "cakupan.png")
    assert out == tmp_path / "cakupan.png"
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    width = int.from_bytes(data[16:20], "big")
    assert width > 900  # 480-px-wide plot at scale factor 2


def test_save_html_is_offline(tmp_path):
    chart = charts.performance_chart(PERFORMANCE, PROJECTION)
    out = charts.save(chart, tmp_path / "kinerja.HTML")
    html = out.read_text(encoding="utf-8")
    assert "vegaEmbed" in html and len(html) > 100_000  # Vega JS bundled inline
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?https?://", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?https?://", html, re.IGNORECASE)
    assert "Agu 2021" in html


def test_axis_numbers_use_indonesian_separators(tmp_path):
    svg = tmp_path / "potensi.svg"
    charts.potential_chart(POTENTIAL).save(str(svg))  # same Vega renderer as the PNG
    ticks = re.findall(r">([0-9][0-9.,]*)<", svg.read_text(encoding="utf-8"))
    assert "8.000.000" in ticks and "8,000,000" not in ticks


def test_save_rejects_other_suffixes(tmp_path):
    chart = charts.coverage_chart(COVERAGE)
    for name in ("chart.svg", "chart.pdf", "chart"):
        with pytest.raises(ValueError, match="chart file must end in .png or .html"):
            charts.save(chart, tmp_path / name)
        assert not (tmp_path / name).exists()
