"""The map: regencies coloured by coverage or by unprotected workers, on user-supplied
boundaries when they are loaded, else on a tile grid; and loading those boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cakupan import boundaries as bnd
from cakupan.services.common import Scope, ServiceError
from cakupan.services.coverage import region_rows

METRICS = ("coverage", "uncovered")


@dataclass
class MapResult:
    svg: str
    kind: str
    """``choropleth`` (boundaries loaded) or ``tiles``."""
    metric: str
    period: str
    rows: list[dict] = field(default_factory=list)
    attributions: list[str] = field(default_factory=list)
    estimated: bool = False


def regency_map(wh, scope: Scope, period: str, metric: str = "coverage", region: str | None = None,
                lang: str = "id") -> MapResult:
    """Regencies (of one province, or all the caller may see) by coverage % or by
    unprotected workers (employed − active), each linked to its drill-down page."""
    from cakupan.reports import format as fmt
    from cakupan.reports.maps import MapRegion, region_map_svg

    if metric not in METRICS:
        raise ServiceError(f"ukuran peta {metric!r}: pilih coverage atau uncovered")
    within = scope.within(region)
    if within and len(within) != 2:
        raise ServiceError("peta menampilkan kabupaten/kota satu provinsi: pilih kode provinsi, mis. 33")
    rows, names, _ = region_rows(wh, scope, period, "regency", within)
    rows = [r for r in rows if r.region_code != "TOTAL"]
    out, regions = [], []
    when = fmt.month_name(period, lang)
    for r in rows:
        uncovered = None if r.employed is None else max(r.employed - r.participants, 0)
        value = r.coverage_pct if metric == "coverage" else uncovered
        label = fmt.pct(value, lang) if metric == "coverage" else fmt.integer(value, lang)
        name = names.get(r.region_code, r.region_code)
        out.append({"region_code": r.region_code, "region_name": name, "participants": r.participants,
                    "employed": r.employed, "coverage_pct": r.coverage_pct, "uncovered": uncovered,
                    "estimated": r.estimated})
        regions.append(MapRegion(r.region_code, name, value, label + (" *" if r.estimated else ""), when,
                                 f"/wilayah/{r.region_code}?period={period}"))
    shapes = bnd.stored(wh, within=within, level=2) if wh.has("boundaries") else []
    shapes = [s for s in shapes if scope.allows(s.code)]
    i = 0 if lang == "id" else 1
    title = (("Cakupan kepesertaan aktif per kabupaten/kota", "Active coverage by regency/city"),
             ("Pekerja belum terlindungi per kabupaten/kota", "Unprotected workers by regency/city"))[
        METRICS.index(metric)][i] + f", {when}"
    legend = (("Cakupan (% penduduk bekerja)", "Coverage (% of employed)"),
              ("Pekerja belum terlindungi", "Unprotected workers"))[METRICS.index(metric)][i]
    svg, kind = region_map_svg(regions, shapes, title=title, legend_title=legend,
                               measure=metric, value_format="pct" if metric == "coverage" else "int", lang=lang)
    return MapResult(svg, kind, metric, period, out, bnd.attributions(shapes), any(r["estimated"] for r in out))


@dataclass
class BoundaryLoad:
    file: str
    regions: int
    levels: dict[int, int]
    attribution: str


def load_boundaries(wh, scope: Scope, path: Path, attribution: str = "",
                    code_property: str | None = None) -> BoundaryLoad:
    """Check a GeoJSON file against the region master and keep its shapes (the rows of the
    same codes are replaced); a file with an unknown or duplicated code is refused whole."""
    if scope.regions is not None:
        raise ServiceError("hanya pengguna dengan akses semua wilayah yang boleh memuat batas wilayah")
    try:
        rows = bnd.read_file(path, attribution=attribution, code_property=code_property)
    except bnd.BoundaryError as e:
        raise ServiceError(str(e)) from None
    bnd.store(wh, rows)
    levels: dict[int, int] = {}
    for b in rows:
        levels[b.level] = levels.get(b.level, 0) + 1
    return BoundaryLoad(Path(path).name, len(rows), dict(sorted(levels.items())), attribution)


def clear_boundaries(wh, scope: Scope) -> int:
    if scope.regions is not None:
        raise ServiceError("hanya pengguna dengan akses semua wilayah yang boleh menghapus batas wilayah")
    return bnd.clear(wh)
