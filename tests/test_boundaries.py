"""User-supplied boundaries: parsing, refusals against the region master, the warehouse table, the CLI."""

from __future__ import annotations

import hashlib
import json

import pytest
from geo_helpers import (ATTRIBUTION, SQUARES, collection, feature, polygon, shared_geo, square,
                         synthetic_geojson)
from typer.testing import CliRunner

from cakupan import boundaries as bnd
from cakupan.boundaries import BoundaryError, parse_geojson
from cakupan.cli import app
from cakupan.settings import load
from cakupan.warehouse import open_warehouse

runner = CliRunner()


@pytest.fixture
def wh(tmp_path):
    w = open_warehouse(load(engine="duckdb", warehouse=tmp_path / "w.duckdb"))
    yield w
    w.close()


def test_parse_synthetic_squares():
    data = synthetic_geojson()
    rows = parse_geojson(data, source_file="kab.geojson", attribution="uji")
    assert [b.code for b in rows] == list(SQUARES)
    by = {b.code: b for b in rows}
    assert by["3374"].name == "Kota Semarang"
    assert by["3322"].name == "Kab. Semarang"
    assert {b.level for b in rows} == {2}
    assert by["3404"].centroid == pytest.approx((110.38, -7.72))
    assert by["3404"].bbox == pytest.approx((110.28, -7.82, 110.48, -7.62))
    assert by["3404"].geometry == polygon(*SQUARES["3404"])
    assert {b.sha256 for b in rows} == {hashlib.sha256(data).hexdigest()}
    assert {(b.source_file, b.attribution) for b in rows} == {("kab.geojson", "uji")}


@pytest.mark.parametrize("key,raw", [("kode", "33.74"), ("KODE", "3374"), ("kode_kab", "33.74"),
                                     ("Kode_Wilayah", 3374), ("code", " 33.74 ")])
def test_code_property_variants(key, raw):
    rows = parse_geojson(collection([feature(raw, polygon(110.39, -7.02), key)]))
    assert [(b.code, b.name) for b in rows] == [("3374", "Kota Semarang")]


def test_code_property_override():
    feats = [{"type": "Feature", "properties": {"code": "1", "KDKAB": "34.71"},
              "geometry": polygon(110.37, -7.80)}]
    with pytest.raises(BoundaryError, match="1 kode tidak ada di daftar wilayah Kemendagri: 1"):
        parse_geojson(collection(feats))
    rows = parse_geojson(collection(feats), code_property="KDKAB")
    assert [(b.code, b.name) for b in rows] == [("3471", "Kota Yogyakarta")]


def test_unknown_codes_are_listed_and_nothing_is_loaded():
    feats = [feature(c, polygon(*pt)) for c, pt in SQUARES.items()]
    feats += [feature("33.99", polygon(110, -7)), feature("3480", polygon(110, -7))]
    with pytest.raises(BoundaryError) as e:
        parse_geojson(collection(feats), source_file="salah.geojson")
    assert str(e.value) == ("salah.geojson ditolak, tidak ada yang dimuat: 2 kode tidak ada di daftar "
                            "wilayah Kemendagri: 33.99, 3480.")


def test_many_unknown_codes_are_cut_after_ten():
    feats = [feature(f"99{i:02d}", polygon(110, -7)) for i in range(13)]
    with pytest.raises(BoundaryError) as e:
        parse_geojson(collection(feats))
    msg = str(e.value)
    assert "13 kode tidak ada di daftar wilayah Kemendagri: 9900, 9901," in msg
    assert "9909 dan 3 lainnya." in msg
    assert "9910" not in msg


def test_duplicate_code_refused():
    feats = [feature("3374", polygon(110.39, -7.02)), feature("33.74", polygon(110.4, -7.0)),
             feature("3322", polygon(110.47, -7.27))]
    with pytest.raises(BoundaryError, match="1 kode muncul lebih dari sekali: 33.74"):
        parse_geojson(collection(feats))


@pytest.mark.parametrize("data,expected", [
    (b"kode,nama\n3374,Kota Semarang\n", "bukan GeoJSON (JSON rusak di baris 1, kolom 1)"),
    (b"\xff\xfe\x00garbage", "bukan GeoJSON (bukan teks UTF-8"),
    (json.dumps({"type": "Feature", "geometry": None}).encode(), "bukan GeoJSON FeatureCollection"),
    (json.dumps([1, 2]).encode(), "bukan GeoJSON FeatureCollection"),
    (collection([]), "tidak berisi satu pun wilayah"),
])
def test_not_geojson_or_empty(data, expected):
    with pytest.raises(BoundaryError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        parse_geojson(data, source_file="x.geojson")


def test_unusable_geometries_and_missing_codes():
    feats = [
        feature("3374", {"type": "Point", "coordinates": [110.4, -7.0]}),
        # [lat, lon] order, as in some SQL dumps: latitudes of 110 are impossible
        feature("3322", {"type": "Polygon", "coordinates": [[[y, x] for x, y in square(110.47, -7.27)]]}),
        feature("3404", {"type": "Polygon", "coordinates": [[[110, -7], [110.1, -7], [110, -7]]]}),
        {"type": "Feature", "properties": {"name": "tanpa kode"}, "geometry": polygon(110, -7)},
        feature("3471", {"type": "Polygon", "coordinates": [[[str(x), y] for x, y in square(110.37, -7.8)]]}),
    ]
    with pytest.raises(BoundaryError) as e:
        parse_geojson(collection(feats))
    msg = str(e.value)
    assert "1 fitur tanpa kode wilayah di properti code/kode/kode_kab/kode_kota: #4" in msg
    assert "4 geometri tidak bisa dipakai: 33.74 (geometri Point, bukan Polygon/MultiPolygon)" in msg
    assert "33.22 (koordinat di luar bujur/lintang WGS84" in msg
    assert "34.04 (cincin poligon dengan kurang dari 4 titik)" in msg
    assert "34.71 (koordinat bukan angka)" in msg
    assert msg.count(".") >= 1 and "\n" not in msg


def test_projected_crs_refused():
    doc = json.loads(synthetic_geojson())
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    with pytest.raises(BoundaryError, match="memakai sistem koordinat urn:ogc:def:crs:EPSG::3857"):
        parse_geojson(json.dumps(doc).encode())
    doc["crs"]["properties"]["name"] = "urn:ogc:def:crs:OGC:1.3:CRS84"
    assert len(parse_geojson(json.dumps(doc).encode())) == len(SQUARES)


def test_centroid_is_the_largest_part_with_holes_subtracted():
    # Jepara-like: a mainland square and a small island far north
    multi = {"type": "MultiPolygon", "coordinates": [[square(110.4, -6.4, 0.02)], [square(110.8, -6.6, 0.2)]]}
    (b,) = parse_geojson(collection([feature("3320", multi)]))
    assert b.centroid == pytest.approx((110.8, -6.6))
    assert b.bbox == pytest.approx((110.38, -6.8, 111.0, -6.38))
    # a hole in the east half pulls the centroid west
    outer = square(110.0, -7.0, 1.0)
    hole = list(reversed(square(110.5, -7.0, 0.25)))
    holed = {"type": "Polygon", "coordinates": [outer, hole]}
    (b,) = parse_geojson(collection([feature("3308", holed)]))
    # area 4 - 0.25; centroid x = (4*110 - 0.25*110.5) / 3.75
    assert b.centroid[0] == pytest.approx((4 * 110 - 0.25 * 110.5) / 3.75)
    assert b.centroid[1] == pytest.approx(-7.0)


def test_store_replaces_rows_of_the_same_codes(wh):
    assert bnd.stored(wh) == []
    first = parse_geojson(synthetic_geojson(), source_file="a.geojson", attribution="A")
    assert bnd.store(wh, first) == 6
    again = parse_geojson(collection([feature("3404", polygon(110.4, -7.7, 0.2))]),
                          source_file="b.geojson", attribution="B")
    bnd.store(wh, again)
    rows = {b.code: b for b in bnd.stored(wh)}
    assert sorted(rows) == sorted(SQUARES)
    assert rows["3404"].source_file == "b.geojson"
    assert rows["3404"].bbox == pytest.approx((110.2, -7.9, 110.6, -7.5))
    assert rows["3374"].source_file == "a.geojson"
    assert rows["3374"].geometry == polygon(*SQUARES["3374"])
    assert bnd.attributions(bnd.stored(wh)) == ["A", "B"]  # by code: 3316 … 3403 A, 3404 B
    assert [b.code for b in bnd.stored(wh, within="34")] == ["3403", "3404"]
    assert bnd.stored(wh, level=3) == []
    stored_json = wh.to_arrow(wh.table("boundaries").filter(wh.table("boundaries").code == "3374")
                              .select("geometry")).column(0)[0].as_py()
    assert " " not in stored_json  # compact GeoJSON text
    assert bnd.clear(wh) == 6
    assert bnd.stored(wh) == []
    assert bnd.clear(wh) == 0


def test_cli_loads_refuses_and_clears(tmp_path):
    w = tmp_path / "w.duckdb"
    good = tmp_path / "kab.geojson"
    good.write_bytes(synthetic_geojson())
    r = runner.invoke(app, ["warehouse", "boundaries", str(good), "--attribution", "Sumber uji (MIT)",
                            "-w", str(w)])
    assert r.exit_code == 0, r.output
    assert "kab.geojson: 6 wilayah dimuat (6 kabupaten/kota)." in r.output
    assert "Atribusi: Sumber uji (MIT)" in r.output

    bad = tmp_path / "bad.geojson"
    bad.write_bytes(collection([feature("3374", polygon(110.39, -7.02)), feature("3399", polygon(110, -7))]))
    r = runner.invoke(app, ["warehouse", "boundaries", str(bad), "-w", str(w)])
    assert r.exit_code == 2
    assert "bad.geojson ditolak" in r.output and "3399" in r.output
    assert "Traceback" not in r.output

    r = runner.invoke(app, ["warehouse", "boundaries", "--clear", "-w", str(w)])
    assert r.exit_code == 0, r.output
    assert "6 batas wilayah dihapus" in r.output
    r = runner.invoke(app, ["warehouse", "boundaries", "-w", str(w)])
    assert r.exit_code == 2 and "--clear" in r.output


def test_shared_boundaries_of_provinces_33_and_34(wh):
    geo = shared_geo()
    rows = bnd.read_file(geo / "regencies_33_34.geojson", attribution=ATTRIBUTION)
    assert len(rows) == 40
    assert sum(b.code.startswith("33") for b in rows) == 35
    assert {b.code for b in rows if b.code.startswith("34")} == {"3401", "3402", "3403", "3404", "3471"}
    by = {b.code: b for b in rows}
    assert by["3322"].name == "Kab. Semarang" and by["3374"].name == "Kota Semarang"
    # Jepara's label point stays on the mainland, south of 6.4° S; its box reaches Karimunjawa
    assert by["3320"].centroid[1] < -6.4 and by["3320"].bbox[3] > -5.8
    for b in rows:
        assert 108 < b.centroid[0] < 112 and -9 < b.centroid[1] < -5
    bnd.store(wh, rows)
    assert len(bnd.stored(wh, within="33")) == 35
    assert bnd.attributions(bnd.stored(wh)) == [ATTRIBUTION]
