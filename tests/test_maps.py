"""Tile-grid layouts and the SVG maps (tile grid and choropleth)."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from geo_helpers import ATTRIBUTION, SQUARES, shared_geo, synthetic_geojson

from cakupan.boundaries import parse_geojson, read_file
from cakupan.regions import children, region_name
from cakupan.reports import format as fmt
from cakupan.reports.maps import (NO_DATA, PALETTES, MapRegion, choropleth_svg, colour_scale,
                                  legend_entries, short_name, tile_map_svg)
from cakupan.tile_grid import code_layout, layout_note, neighbours, tile_layout

NS = {"s": "http://www.w3.org/2000/svg"}
YLGNBU = PALETTES["coverage"][5]
ORANGES = PALETTES["uncovered"][5]


def regencies() -> list[str]:
    return children("33", 2) + children("34", 2)


def figures(codes, missing=("3373",)) -> list[MapRegion]:
    """Coverage 1 %, 2 %, … in code order; ``missing`` codes without a figure."""
    out = []
    for i, code in enumerate(codes, start=1):
        v = None if code in missing else Decimal(i)
        out.append(MapRegion(code, region_name(code), v, fmt.pct(v), "November 2021",
                             f"/wilayah/{code}?periode=2021-11&segmen=PU"))
    return out


def lay_shape(lay) -> tuple[int, int]:
    return max(r for r, _ in lay.values()) + 1, max(c for _, c in lay.values()) + 1


def regions_of(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return root.findall(".//s:g[@class='regions']/s:a", NS)


# -- layouts -------------------------------------------------------------------------------

def test_code_layout_is_by_province_then_code():
    codes = regencies()
    assert len(codes) == 40
    lay = tile_layout(codes, None)
    assert lay == code_layout(codes)
    assert len(set(lay.values())) == 40
    cols = 9  # ceil(sqrt(2 * 40))
    assert lay["3301"] == (0, 0) and lay["3309"] == (0, 8) and lay["3310"] == (1, 0)
    assert lay["3376"] == (3, 7)          # the 35th of province 33
    assert lay["3401"] == (4, 0)          # province 34 starts a new row
    assert lay["3471"] == (4, 4)
    assert max(c for _, c in lay.values()) == cols - 1
    assert tile_layout(["33.74", "3301"], None) == {"3301": (0, 0), "3374": (0, 1)}
    assert layout_note(None) == "Tata letak petak menurut kode wilayah, bukan geografi."
    assert layout_note({"3374": (110.4, -7.0)}, "en").startswith("Tile layout follows")


def test_geo_layout_keeps_compass_order_on_synthetic_squares():
    rows = parse_geojson(synthetic_geojson())
    cent = {b.code: b.centroid for b in rows}
    lay = tile_layout(list(SQUARES), cent)
    assert len(set(lay.values())) == len(SQUARES)
    row = {c: r for c, (r, _) in lay.items()}
    col = {c: k for c, (_, k) in lay.items()}
    # six squares on a 2 x 5 grid (one empty outer column dropped): the order is kept,
    # not every difference in latitude
    assert lay_shape(lay) == (2, 4)
    assert row["3374"] <= row["3322"] <= row["3404"] <= row["3403"] and row["3374"] < row["3403"]
    assert col["3329"] < col["3404"] <= col["3374"] < col["3316"]   # west -> east
    assert min(row.values()) == 0 and min(col.values()) == 0
    # Brebes is the westernmost, Blora the easternmost
    assert col["3329"] == 0 and col["3316"] == max(col.values())


def test_codes_without_a_centroid_go_below():
    cent = {b.code: b.centroid for b in parse_geojson(synthetic_geojson())}
    lay = tile_layout(list(SQUARES) + ["3471", "3301"], cent)
    geo_bottom = max(lay[c][0] for c in SQUARES)
    assert lay["3301"] == (geo_bottom + 2, 0) and lay["3471"] == (geo_bottom + 2, 1)


def test_geo_layout_of_the_shared_boundaries_resembles_the_reference_grid():
    geo = shared_geo()
    rows = read_file(geo / "regencies_33_34.geojson")
    lay = tile_layout([b.code for b in rows], {b.code: b.centroid for b in rows})
    with open(geo / "tile_grid_33_34.csv", newline="", encoding="utf-8") as f:
        ref = {r["code"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(f)}
    assert set(lay) == set(ref) and len(set(lay.values())) == 40
    assert max(r for r, _ in lay.values()) + 1 == 6 and max(c for _, c in lay.values()) + 1 == 11
    kept = neighbours(ref) & neighbours(lay)
    assert len(kept) / len(neighbours(ref)) >= 0.75   # measured: 96 of 116 (83 %)
    assert sum(lay[c] == ref[c] for c in ref) >= 25    # measured: 32 of 40
    assert lay["3320"][0] == 0                         # Jepara in the top row
    assert lay["3329"][1] == 0 and lay["3301"][1] == 0  # Brebes, Cilacap in the west column


# -- colour scale and legend ---------------------------------------------------------------

def test_quantile_breaks_rounded_and_coloured():
    scale = colour_scale([Decimal(i) for i in range(1, 41)] + [None])
    assert scale.breaks == (9, 17, 24, 32)
    assert scale.colours == YLGNBU
    assert scale.colour(Decimal("8.99")) == YLGNBU[0]
    assert scale.colour(9) == YLGNBU[1]
    assert scale.colour(Decimal("31.9")) == YLGNBU[3]
    assert scale.colour(40) == YLGNBU[4]
    assert scale.colour(None) == NO_DATA
    assert legend_entries(scale) == [
        (YLGNBU[0], "< 9 %"), (YLGNBU[1], "9 % – 17 %"), (YLGNBU[2], "17 % – 24 %"),
        (YLGNBU[3], "24 % – 32 %"), (YLGNBU[4], "≥ 32 %"), (NO_DATA, "tidak ada data")]
    assert legend_entries(scale, "pct", "en")[1] == (YLGNBU[1], "9% – 17%")


def test_uncovered_workers_scale_in_oranges_with_id_thousands():
    values = [120_000, 250_000, 380_000, 410_000, 560_000, 690_000, 720_000, 1_150_000, 1_300_000, 2_050_000]
    scale = colour_scale(values, "uncovered")
    assert scale.colours == ORANGES
    assert all(b % 100_000 == 0 for b in scale.breaks) and len(scale.breaks) == 4
    labels = [t for _, t in legend_entries(scale, "int")]
    assert labels[0] == f"< {fmt.integer(int(scale.breaks[0]))}"
    assert "." in labels[0] and labels[0].endswith(".000")   # id-ID thousands: 380.000
    assert scale.colour(2_050_000) == ORANGES[4] and scale.colour(120_000) == ORANGES[0]


def test_fewer_distinct_values_fewer_classes():
    two = colour_scale([10, 10, 20, 20])
    assert two.breaks == (12,) and len(two.colours) == 2 and two.colour(10) != two.colour(20)
    one = colour_scale([Decimal("17.5")] * 3)
    assert one.colours == (PALETTES["coverage"][3][1],)
    assert legend_entries(one) == [(one.colours[0], "17,5 %"), (NO_DATA, "tidak ada data")]
    empty = colour_scale([None, None])
    assert empty.colours == () and empty.colour(5) == NO_DATA
    assert legend_entries(empty) == [(NO_DATA, "tidak ada data")]


def test_caller_breaks_and_bad_measure():
    scale = colour_scale([1, 50], breaks=[Decimal("12.5"), 15, 20, 25])
    assert scale.breaks == (Decimal("12.5"), 15, 20, 25) and scale.places == 1
    assert legend_entries(scale)[1][1] == "12,5 % – 15,0 %"
    with pytest.raises(ValueError, match="unknown measure"):
        colour_scale([1], "peserta")


# -- tile map ------------------------------------------------------------------------------

def test_tile_map_svg_regions_links_titles_colours():
    codes = regencies()
    regs = figures(codes)
    svg = tile_map_svg(regs, tile_layout(codes), title="Cakupan November 2021",
                       legend_title="Cakupan (% bekerja)", note=layout_note(None))
    root = ET.fromstring(svg)
    assert root.get("role") == "group" and root.get("aria-label") == "Cakupan November 2021"
    links = regions_of(svg)
    assert len(links) == 40
    by = {a.get("data-code"): a for a in links}
    assert set(by) == set(codes)
    a = by["3374"]
    assert a.get("href") == "/wilayah/3374?periode=2021-11&segmen=PU"
    assert "&amp;segmen" in svg  # escaped in the text
    i = codes.index("3374") + 1
    assert a.find("s:title", NS).text == f"Kota Semarang — {i},00 % (November 2021)"
    assert a.get("data-value") == str(i)
    scale = colour_scale([r.value for r in regs])
    assert a.find("s:rect", NS).get("fill") == scale.colour(i)
    assert by["3301"].find("s:rect", NS).get("fill") == YLGNBU[0]
    assert by["3471"].find("s:rect", NS).get("fill") == YLGNBU[4]
    grey = by["3373"]
    assert grey.find("s:rect", NS).get("fill") == NO_DATA
    assert grey.find("s:title", NS).text == "Kota Salatiga — tidak ada data (November 2021)"
    assert grey.get("data-value") == ""
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Tata letak petak menurut kode wilayah, bukan geografi." in texts
    assert "tidak ada data" in texts and "≥ 32 %" in texts
    assert "K. Semarang" in texts and "Cilacap" in texts


def test_tile_map_without_links_and_in_english():
    lay = {"3374": (0, 0), "3322": (1, 0)}
    regs = [MapRegion("3374", "Kota Semarang", 1234567, fmt.integer(1234567, "en"), "Nov 2021")]
    svg = tile_map_svg(regs, lay, title="Uncovered", legend_title="Uncovered workers",
                       measure="uncovered", value_format="int", lang="en")
    root = ET.fromstring(svg)
    assert root.findall(".//s:a", NS) == []
    groups = root.findall(".//s:g[@data-code]", NS)
    assert [g.get("data-code") for g in groups] == ["3374", "3322"]
    assert groups[0].find("s:title", NS).text == "Kota Semarang — 1,234,567 (Nov 2021)"
    assert groups[1].find("s:title", NS).text == "3322 — no data"
    assert groups[0].find("s:rect", NS).get("fill") == PALETTES["uncovered"][3][1]


def test_short_names():
    assert short_name("Kab. Kulon Progo") == "Kulon Progo"
    assert short_name("Kota Yogyakarta") == "K. Yogyakarta"
    assert short_name("Jawa Tengah") == "Jawa Tengah"


# -- choropleth ----------------------------------------------------------------------------

def test_choropleth_of_synthetic_squares_projects_and_fits():
    rows = parse_geojson(synthetic_geojson())
    regs = [MapRegion(b.code, b.name, Decimal(10 + i), fmt.pct(Decimal(10 + i)), "November 2021",
                      f"/wilayah/{b.code}") for i, b in enumerate(rows)]
    svg = choropleth_svg(rows, regs, title="Peta", legend_title="Cakupan", width=600,
                         attribution="Batas: uji (MIT)")
    root = ET.fromstring(svg)
    links = regions_of(svg)
    assert len(links) == 6
    xs, ys = {}, {}
    for a in links:
        d = a.find("s:path", NS).get("d")
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        xs[a.get("data-code")] = sum(nums[0::2]) / len(nums[0::2])
        ys[a.get("data-code")] = sum(nums[1::2]) / len(nums[1::2])
        assert all(len(v.split(".")[1]) == 1 for v in re.findall(r"\d+\.\d+", d))  # 0.1 px
        for v in nums[0::2]:
            assert 8 - 0.05 <= v <= 600 - 8 + 0.05       # fitted to the width, padding 8
    assert xs["3329"] < xs["3374"] < xs["3316"]         # west -> east
    assert ys["3374"] < ys["3404"] < ys["3403"]         # north on top
    # cos(lat) correction: a 0.2° square is narrower than tall by cos(~7.5°)
    d = next(a for a in links if a.get("data-code") == "3404").find("s:path", NS).get("d")
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    w = max(nums[0::2]) - min(nums[0::2])
    h = max(nums[1::2]) - min(nums[1::2])
    assert w / h == pytest.approx(0.9914, abs=0.003)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Batas: uji (MIT)" in texts


def test_choropleth_notes_figures_without_a_shape():
    rows = parse_geojson(synthetic_geojson())
    regs = [MapRegion("3471", "Kota Yogyakarta", 5, "5 %", "Nov 2021")]
    svg = choropleth_svg(rows, regs, title="Peta", legend_title="Cakupan")
    assert "1 wilayah tanpa batas di peta: Kota Yogyakarta." in svg
    fills = {a.get("data-code"): a.find("s:path", NS).get("fill")
             for a in ET.fromstring(svg).findall(".//s:g[@data-code]", NS)}
    assert set(fills.values()) == {NO_DATA}


def test_choropleth_of_the_shared_boundaries():
    geo = shared_geo()
    rows = read_file(geo / "regencies_33_34.geojson", attribution=ATTRIBUTION)
    codes = [b.code for b in rows]
    regs = figures(codes)
    svg = choropleth_svg(rows, regs, title="Cakupan kepesertaan aktif, November 2021",
                         legend_title="Cakupan (% bekerja)", attribution=ATTRIBUTION)
    assert len(svg.encode()) < 300_000            # measured: about 42 KB
    links = regions_of(svg)
    assert len(links) == 40
    by = {a.get("data-code"): a for a in links}
    scale = colour_scale([r.value for r in regs])
    for r in regs:
        a = by[r.code]
        assert a.get("href") == r.href
        path = a.find("s:path", NS)
        assert path.get("fill") == scale.colour(r.value)
        assert path.get("d").count("M") >= 1
    assert by["3373"].find("s:path", NS).get("fill") == NO_DATA
    assert by["3320"].find("s:path", NS).get("d").count("M") >= 4   # Jepara + Karimunjawa islands
    assert by["3404"].find("s:title", NS).text == f"Kab. Sleman — {codes.index('3404') + 1},00 % (November 2021)"
    assert ATTRIBUTION in svg
    # enclaves are drawn after (on top of) the regency around them
    order = [a.get("data-code") for a in links]
    assert order.index("3371") > order.index("3308") and order.index("3373") > order.index("3322")


def test_region_map_picks_the_kind_and_carries_the_attribution():
    from cakupan.reports.maps import region_map_svg

    rows = parse_geojson(synthetic_geojson(), attribution="Batas: uji (MIT)")
    regs = figures(list(SQUARES), missing=())
    svg, kind = region_map_svg(regs, rows, title="Peta", legend_title="Cakupan")
    assert kind == "choropleth" and "<path" in svg and "Batas: uji (MIT)" in svg
    svg, kind = region_map_svg(regs + figures(["3471"], missing=()), rows, title="Peta", legend_title="Cakupan")
    assert kind == "tiles" and len(regions_of(svg)) == 7
    assert "Tata letak petak mengikuti letak pusat wilayah (perkiraan)." in svg and "Batas: uji (MIT)" in svg
    svg, kind = region_map_svg(regs, [], title="Peta", legend_title="Cakupan", lang="en")
    assert kind == "tiles" and "Tile layout by region code, not geography." in svg
    assert "map-attribution" not in svg
    svg, kind = region_map_svg(regs, rows, title="Peta", legend_title="Cakupan", kind="tiles")
    assert kind == "tiles" and "<path" not in svg


def test_links_must_be_relative_or_http():
    lay = {"3374": (0, 0)}
    ok = MapRegion("3374", "Kota Semarang", 1, "1 %", href="https://contoh.id/wilayah/3374")
    assert 'href="https://contoh.id/wilayah/3374"' in tile_map_svg([ok], lay, title="t", legend_title="l")
    bad = MapRegion("3374", "Kota Semarang", 1, "1 %", href=" JavaScript:alert(1)")
    with pytest.raises(ValueError, match="relative or http"):
        tile_map_svg([bad], lay, title="t", legend_title="l")


def test_names_are_escaped():
    lay = {"3374": (0, 0)}
    r = MapRegion("3374", 'Kota <Semarang> & "X"', 1, "1 %", "Nov")
    svg = tile_map_svg([r], lay, title="A & B", legend_title="<l>")
    root = ET.fromstring(svg)   # still well-formed
    assert root.get("aria-label") == "A & B"
    assert root.find(".//s:g[@data-code]/s:title", NS).text == 'Kota <Semarang> & "X" — 1 % (Nov)'


def test_dense_rings_are_thinned_to_the_pixel():
    # a square with 4,000 vertices per side: far more than 760 px can show
    n = 4000
    side = [i / n for i in range(n)]
    ring = ([[110 + t * 0.2, -7.1] for t in side] + [[110.2, -7.1 + t * 0.2] for t in side]
            + [[110.2 - t * 0.2, -6.9] for t in side] + [[110, -6.9 - t * 0.2] for t in side]
            + [[110, -7.1]])
    from cakupan.boundaries import Boundary, bbox, label_point
    geom = {"type": "Polygon", "coordinates": [ring]}
    b = Boundary("3374", "Kota Semarang", 2, geom, label_point(geom), bbox(geom))
    svg = choropleth_svg([b], [], title="t", legend_title="l")
    d = ET.fromstring(svg).find(".//s:path", NS).get("d")
    points = len(re.findall(r"-?\d+(?:\.\d+)?", d)) // 2
    assert 4 <= points <= 6   # 16,001 collinear vertices in: the 4 corners (+ the closing point)
    assert len(svg) < 5_000
