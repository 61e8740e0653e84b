"""User-supplied region boundaries (GeoJSON) checked against the Kemendagri region master.

No installed package ships open regency polygons for Indonesia, so cakupan never needs them:
without boundaries the map is a tile grid (``cakupan.tile_grid``). A user may load a GeoJSON
FeatureCollection whose features are keyed by Kemendagri code; then the map is a choropleth.

``parse_geojson`` is pure (bytes in, rows out) and refuses a file in one Indonesian sentence
that names what to fix: not GeoJSON, no features, a feature without a code, an unknown or
duplicated code, a geometry that is not a (Multi)Polygon in WGS84 lon/lat. ``store`` and
``stored`` are the small warehouse edge (table ``boundaries``).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from cakupan.regions import dotted, level_of, names, undotted

TABLE = "boundaries"
CODE_PROPERTIES = ("code", "kode", "kode_kab", "kode_kota", "kode_wilayah", "kode_prov", "kd_kab")
"""Feature properties that may carry the Kemendagri code, tried in this order (any case)."""
MAX_LISTED = 10

SCHEMA = pa.schema([
    ("code", pa.string()), ("name", pa.string()), ("level", pa.int8()),
    ("geometry", pa.string()),
    ("centroid_lon", pa.float64()), ("centroid_lat", pa.float64()),
    ("min_lon", pa.float64()), ("min_lat", pa.float64()),
    ("max_lon", pa.float64()), ("max_lat", pa.float64()),
    ("source_file", pa.string()), ("attribution", pa.string()), ("sha256", pa.string()),
    ("loaded_at", pa.timestamp("us", tz="UTC")),
])


class BoundaryError(ValueError):
    """A boundary file cakupan refuses; the message is one Indonesian sentence."""


@dataclass(frozen=True)
class Boundary:
    """One region's shape: ``geometry`` is a GeoJSON Polygon or MultiPolygon (a dict)."""

    code: str
    name: str
    level: int
    geometry: dict = field(repr=False)
    centroid: tuple[float, float]
    """(lon, lat) of the area centroid of the largest part: where a label or a tile goes
    (Jepara's stays on the mainland, not pulled north by Karimunjawa)."""
    bbox: tuple[float, float, float, float]
    """(min_lon, min_lat, max_lon, max_lat) over every part."""
    source_file: str = ""
    attribution: str = ""
    sha256: str = ""


# -- geometry (pure, planar in degrees: enough for centroids and boxes) --------------------

def _ring_area_centroid(ring: list) -> tuple[float, float, float]:
    """Signed area and centroid of one closed ring (shoelace)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2
    if a == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return a, cx / (6 * a), cy / (6 * a)


def polygon_parts(geometry: dict) -> list[list]:
    """The polygons of a Polygon or MultiPolygon, each a list of rings (exterior first)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def _part_area_centroid(rings: list) -> tuple[float, float, float]:
    """Area (holes subtracted, orientation ignored) and centroid of one polygon."""
    total = sx = sy = 0.0
    for i, ring in enumerate(rings):
        a, cx, cy = _ring_area_centroid(ring)
        a = abs(a) if i == 0 else -abs(a)
        total += a
        sx += a * cx
        sy += a * cy
    if total <= 0:
        _, cx, cy = _ring_area_centroid(rings[0])
        return 0.0, cx, cy
    return total, sx / total, sy / total


def label_point(geometry: dict) -> tuple[float, float]:
    """Centroid (lon, lat) of the largest part of a (Multi)Polygon."""
    best = max((_part_area_centroid(p) for p in polygon_parts(geometry)), key=lambda t: t[0])
    return best[1], best[2]


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for part in polygon_parts(geometry):
        for ring in part:
            for x, y, *_ in ring:
                xs.append(x)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


# -- parsing and checking (pure) -----------------------------------------------------------

def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" dan {len(items) - MAX_LISTED} lainnya" if len(items) > MAX_LISTED else "")


def _code_of(props: dict, code_property: str | None) -> object:
    if code_property:
        return props.get(code_property)
    lower = {str(k).lower(): v for k, v in props.items()}
    for key in CODE_PROPERTIES:
        if lower.get(key) not in (None, ""):
            return lower[key]
    return None


def _check_geometry(geometry) -> str | None:
    """Why a geometry cannot be drawn, or None when it is a usable lon/lat (Multi)Polygon."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        return f"geometri {kind or 'kosong'}, bukan Polygon/MultiPolygon"
    try:
        parts = polygon_parts(geometry)
        if not parts:
            return "geometri kosong"
        for part in parts:
            if not part:
                return "poligon tanpa cincin"
            for ring in part:
                if len(ring) < 4:
                    return "cincin poligon dengan kurang dari 4 titik"
                for pt in ring:
                    x, y = pt[0], pt[1]
                    if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                               and math.isfinite(v) for v in (x, y)):
                        return "koordinat bukan angka"
                    if not (-180 <= x <= 180 and -90 <= y <= 90):
                        return ("koordinat di luar bujur/lintang WGS84 (berkas harus dalam "
                                "derajat bujur, lintang; mungkin urutannya tertukar atau terproyeksi)")
    except (TypeError, ValueError, IndexError, KeyError):
        return "koordinat tidak terbaca"
    return None


def parse_geojson(data: bytes, *, source_file: str = "", attribution: str = "",
                  code_property: str | None = None) -> list[Boundary]:
    """Boundaries from a GeoJSON FeatureCollection's bytes, every code checked against the
    region master. Raises ``BoundaryError`` (one Indonesian sentence) instead of loading a
    file any of whose features is not usable."""
    label = source_file or "berkas"
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BoundaryError(f"{label} bukan GeoJSON (bukan teks UTF-8; GeoJSON selalu UTF-8).") from None
    except json.JSONDecodeError as e:
        raise BoundaryError(f"{label} bukan GeoJSON (JSON rusak di baris {e.lineno}, "
                            f"kolom {e.colno}).") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise BoundaryError(f"{label} bukan GeoJSON FeatureCollection (harus berisi "
                            f"\"type\": \"FeatureCollection\" dan daftar \"features\").")
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and not any(s in crs.upper() for s in ("CRS84", "4326")):
        raise BoundaryError(f"{label} memakai sistem koordinat {crs}; simpan ulang dalam WGS84 "
                            f"bujur/lintang (EPSG:4326), misalnya dengan ogr2ogr -t_srs EPSG:4326.")
    features = doc["features"]
    if not features:
        raise BoundaryError(f"{label} tidak berisi satu pun wilayah (daftar features kosong).")

    master = names()
    seen: dict[str, int] = {}
    no_code, unknown, bad_geom = [], [], []
    parsed: list[tuple[str, dict]] = []
    for i, feat in enumerate(features, start=1):
        props = (feat or {}).get("properties") or {} if isinstance(feat, dict) else {}
        raw = _code_of(props, code_property)
        if raw is None or str(raw).strip() == "":
            no_code.append(f"#{i}")
            continue
        code = undotted(str(raw))
        try:
            level_of(code)
            known = code in master
        except ValueError:
            known = False
        if not known:
            unknown.append(str(raw).strip())
            continue
        seen[code] = seen.get(code, 0) + 1
        why = _check_geometry(feat.get("geometry"))
        if why:
            bad_geom.append(f"{dotted(code)} ({why})")
            continue
        parsed.append((code, feat["geometry"]))
    dupes = [dotted(c) for c, n in seen.items() if n > 1]

    problems = []
    if unknown:
        problems.append(f"{len(unknown)} kode tidak ada di daftar wilayah Kemendagri: {_listing(unknown)}")
    if dupes:
        problems.append(f"{len(dupes)} kode muncul lebih dari sekali: {_listing(dupes)}")
    if no_code:
        prop = code_property or "/".join(CODE_PROPERTIES[:4])
        problems.append(f"{len(no_code)} fitur tanpa kode wilayah di properti {prop}: {_listing(no_code)}")
    if bad_geom:
        problems.append(f"{len(bad_geom)} geometri tidak bisa dipakai: {_listing(bad_geom)}")
    if problems:
        raise BoundaryError(f"{label} ditolak, tidak ada yang dimuat: " + "; ".join(problems) + ".")

    digest = hashlib.sha256(data).hexdigest()
    out = []
    for code, geometry in parsed:
        geometry = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
        out.append(Boundary(code=code, name=master[code], level=level_of(code), geometry=geometry,
                            centroid=label_point(geometry), bbox=bbox(geometry),
                            source_file=source_file, attribution=attribution, sha256=digest))
    return out


def read_file(path: Path, *, attribution: str = "", code_property: str | None = None) -> list[Boundary]:
    """``parse_geojson`` on a file; a missing or unreadable file is a ``BoundaryError`` too."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BoundaryError(f"Berkas {path} tidak bisa dibaca: {e.strerror or e}.") from None
    return parse_geojson(data, source_file=path.name, attribution=attribution,
                         code_property=code_property)


# -- the warehouse edge --------------------------------------------------------------------

def to_arrow(rows: list[Boundary], loaded_at: datetime | None = None) -> pa.Table:
    at = loaded_at or datetime.now(timezone.utc)
    return pa.table({
        "code": [b.code for b in rows], "name": [b.name for b in rows],
        "level": [b.level for b in rows],
        "geometry": [json.dumps(b.geometry, separators=(",", ":")) for b in rows],
        "centroid_lon": [b.centroid[0] for b in rows], "centroid_lat": [b.centroid[1] for b in rows],
        "min_lon": [b.bbox[0] for b in rows], "min_lat": [b.bbox[1] for b in rows],
        "max_lon": [b.bbox[2] for b in rows], "max_lat": [b.bbox[3] for b in rows],
        "source_file": [b.source_file for b in rows], "attribution": [b.attribution for b in rows],
        "sha256": [b.sha256 for b in rows], "loaded_at": [at] * len(rows),
    }, schema=SCHEMA)


def store(wh, rows: list[Boundary]) -> int:
    """Keep ``rows`` in the warehouse table ``boundaries``, replacing the rows of the same
    codes (other regions' boundaries stay). Returns the number of rows written."""
    wh.replace_where(TABLE, to_arrow(rows), "code IN (SELECT code FROM incoming)")
    return len(rows)


def clear(wh) -> int:
    """Remove every stored boundary (the map goes back to the tile grid); returns how many."""
    if not wh.has(TABLE):
        return 0
    n = wh.to_arrow(wh.table(TABLE).count().as_table()).column(0)[0].as_py()
    wh.replace_where(TABLE, SCHEMA.empty_table(), "TRUE")
    return n


def stored(wh, within: str | None = None, level: int | None = None) -> list[Boundary]:
    """Stored boundaries (codes starting with ``within``, at ``level``), by code; [] if none."""
    if not wh.has(TABLE):
        return []
    t = wh.table(TABLE)
    if within:
        t = t.filter(t.code.startswith(undotted(within)))
    if level is not None:
        t = t.filter(t.level == level)
    rows = wh.to_arrow(t.order_by(t.code)).to_pylist()
    return [Boundary(code=r["code"], name=r["name"], level=int(r["level"]),
                     geometry=json.loads(r["geometry"]),
                     centroid=(r["centroid_lon"], r["centroid_lat"]),
                     bbox=(r["min_lon"], r["min_lat"], r["max_lon"], r["max_lat"]),
                     source_file=r["source_file"], attribution=r["attribution"] or "",
                     sha256=r["sha256"]) for r in rows]


def attributions(rows: list[Boundary]) -> list[str]:
    """The distinct attribution lines of ``rows`` (what must show under the map)."""
    return list(dict.fromkeys(b.attribution for b in rows if b.attribution))
