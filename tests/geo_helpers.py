"""Boundary fixtures for the map tests: a synthetic GeoJSON a test builds itself, and the
shared Central Java + DI Yogyakarta boundaries (used only where that folder exists)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# Real regency codes at roughly their real places (lon, lat of the square's centre).
SQUARES = {
    "3374": (110.39, -7.02),   # Kota Semarang (north)
    "3322": (110.47, -7.27),   # Kab. Semarang
    "3329": (108.93, -7.06),   # Brebes (west)
    "3316": (111.39, -7.07),   # Blora (east)
    "3404": (110.38, -7.72),   # Sleman
    "3403": (110.61, -7.99),   # Gunungkidul (south)
}


def square(lon: float, lat: float, half: float = 0.1) -> list:
    """A counter-clockwise closed ring around (lon, lat)."""
    return [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]


def feature(code, geometry, key: str = "code") -> dict:
    return {"type": "Feature", "properties": {key: code, "name": "x"}, "geometry": geometry}


def polygon(lon: float, lat: float, half: float = 0.1) -> dict:
    return {"type": "Polygon", "coordinates": [square(lon, lat, half)]}


def collection(features: list) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def synthetic_geojson(squares: dict = SQUARES) -> bytes:
    return collection([feature(code, polygon(*pt)) for code, pt in squares.items()])


def shared_geo() -> Path:
    """The shared boundaries folder, or skip: env CAKUPAN_SHARED_GEO, else ../shared/geo
    beside the repository."""
    env = os.environ.get("CAKUPAN_SHARED_GEO")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "geo"
    if not (path / "regencies_33_34.geojson").is_file():
        pytest.skip(f"shared boundaries not found at {path} (set CAKUPAN_SHARED_GEO)")
    return path


ATTRIBUTION = "Boundaries: cahyadsn/wilayah_boundaries (MIT), © 2024–2025 Cahya DSN — simplified."
