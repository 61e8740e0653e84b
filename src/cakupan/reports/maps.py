"""Region maps as SVG text (no JavaScript): a tile grid, or a choropleth from boundaries.

Each region is one ``<a href>`` (a ``<g>`` when it has no link) carrying ``data-code``,
``data-value`` and a ``<title>`` "Name — label (period)" that the browser shows on hover.
Colours come from a 5-class sequential ColorBrewer scale (quantile breaks rounded to nice
numbers): coverage in YlGnBu (more = darker green-blue), uncovered workers in Oranges
(more = darker orange); both colour-blind safe. Regions without a figure are grey,
"tidak ada data". A legend with id-ID bounds, an optional note and the boundaries'
attribution line sit under the map.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Callable, Iterable, Mapping, Sequence

from cakupan.reports import format as fmt

# ColorBrewer 2.0 (Cynthia Brewer, Apache-2.0 licensed colour values), sequential schemes.
PALETTES = {
    "coverage": {  # YlGnBu
        3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
        4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
        5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    },
    "uncovered": {  # Oranges
        3: ("#fee6ce", "#fdae6b", "#e6550d"),
        4: ("#feedde", "#fdbe85", "#fd8d3c", "#d94701"),
        5: ("#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"),
    },
}
NO_DATA = "#d0d0d0"
DARK = {"#2c7fb8", "#253494", "#225ea8", "#e6550d", "#a63603", "#d94701"}
TEXT = {"no_data": ("tidak ada data", "no data"),
        "no_shape": ("wilayah tanpa batas di peta", "regions without a boundary on the map")}
STYLE = (".cakupan-map a:hover>rect,.cakupan-map a:hover>path,.cakupan-map a:focus>rect,"
         ".cakupan-map a:focus>path{stroke:#111;stroke-width:2}"
         ".cakupan-map text{font-family:sans-serif}")


def _t(key: str, lang: str) -> str:
    return TEXT[key][0 if lang == "id" else 1]


@dataclass(frozen=True)
class MapRegion:
    """One region's figure, ready to draw: ``label`` is the value already formatted for
    display (``"17,17 %"``, ``"1.234.567"``), ``period`` the period as shown
    (``"November 2021"``), ``href`` the drill-down link."""

    code: str
    name: str
    value: Decimal | int | float | None
    label: str = ""
    period: str = ""
    href: str | None = None


# -- colour scale --------------------------------------------------------------------------

def _dec(v) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _quantile(sorted_values: list[Decimal], q: Decimal) -> Decimal:
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def _step(span: Decimal) -> Decimal:
    """A round step about a tenth of ``span`` (1, 10, 100 000 …; 0,1 for small spans)."""
    if span <= 0:
        return Decimal(1)
    return Decimal(10) ** (math.floor(math.log10(float(span))) - 1)


def _without_empty_classes(breaks: list[Decimal], vals: list[Decimal]) -> tuple[Decimal, ...]:
    """Drop a break that would leave a class with no value (quantiles of few distinct values)."""
    kept: list[Decimal] = []
    lower = None
    for b in breaks:
        if any((lower is None or v >= lower) and v < b for v in vals):
            kept.append(b)
            lower = b
    return tuple(kept)


@dataclass(frozen=True)
class ColourScale:
    """``breaks`` are the lower bounds of classes 2..k; ``colours`` has k entries."""

    breaks: tuple[Decimal, ...]
    colours: tuple[str, ...]
    places: int = 0
    lo: Decimal | None = None
    hi: Decimal | None = None

    def colour(self, value) -> str:
        if value is None or not self.colours:
            return NO_DATA
        return self.colours[bisect_right(self.breaks, _dec(value))]

    def class_of(self, value) -> int | None:
        return None if value is None or not self.colours else bisect_right(self.breaks, _dec(value))


def colour_scale(values: Iterable, measure: str = "coverage", classes: int = 5,
                 breaks: Sequence | None = None) -> ColourScale:
    """Up to ``classes`` (3–5) quantile classes over ``values`` (None ignored), their breaks
    rounded to a step of about a tenth of the range; or the caller's ``breaks`` (e.g. the
    same for two periods so maps compare)."""
    if measure not in PALETTES:
        raise ValueError(f"unknown measure {measure!r}: use 'coverage' or 'uncovered'")
    vals = sorted(_dec(v) for v in values if v is not None)
    if breaks is not None:
        bs = tuple(sorted(_dec(b) for b in breaks))
        step = min((b - a for a, b in zip(bs, bs[1:])), default=Decimal(1)) or Decimal(1)
        places = max(0, -step.normalize().as_tuple().exponent)
    elif not vals:
        return ColourScale((), ())
    else:
        step = _step(vals[-1] - vals[0])
        bs: tuple = ()
        for _ in range(3):  # refine the step when rounding merges breaks
            raw = [_quantile(vals, Decimal(i) / classes) for i in range(1, classes)]
            rounded = sorted({(b / step).quantize(Decimal(1)) * step for b in raw})
            bs = _without_empty_classes([b for b in rounded if vals[0] < b <= vals[-1]], vals)
            if len(bs) >= min(classes - 1, len(set(vals)) - 1):
                break
            step /= 10
        places = max(0, -step.normalize().as_tuple().exponent)
    k = len(bs) + 1
    if k == 1 and vals:  # one class: its bound is the value itself, shown as precisely as given
        places = min(2, max(0, -vals[0].normalize().as_tuple().exponent))
    if k > 5:
        raise ValueError("at most 5 classes (4 breaks)")
    pal = PALETTES[measure]
    colours = pal[k] if k >= 3 else (pal[3][1],) if k == 1 else (pal[3][0], pal[3][2])
    return ColourScale(bs, colours, places, vals[0] if vals else None, vals[-1] if vals else None)


def value_formatter(kind: str | Callable, lang: str, places: int) -> Callable[[Decimal], str]:
    """How legend bounds print: ``"pct"`` (``17,2 %``), ``"int"`` (``1.234.000``) or a callable."""
    if callable(kind):
        return kind
    if kind == "pct":
        return lambda v: fmt.pct(v, lang, places)
    if kind == "int":
        return lambda v: fmt.integer(int(v), lang)
    raise ValueError(f"unknown value format {kind!r}: use 'pct', 'int' or a function")


def legend_entries(scale: ColourScale, value_format: str | Callable = "pct", lang: str = "id"
                   ) -> list[tuple[str, str]]:
    """``[(colour, "12 – 15 %"), …, (grey, "tidak ada data")]``: "< b1", "b1 – b2", …, "≥ bk"."""
    f = value_formatter(value_format, lang, scale.places)
    out = []
    bs = scale.breaks
    if len(scale.colours) == 1:
        lo, hi = scale.lo, scale.hi
        text = "" if lo is None else f(lo) if lo == hi else f"{f(lo)} – {f(hi)}"
        out.append((scale.colours[0], text))
    for i, colour in enumerate(scale.colours if len(scale.colours) > 1 else ()):
        if i == 0:
            text = f"< {f(bs[0])}"
        elif i == len(bs):
            text = f"≥ {f(bs[-1])}"
        else:
            text = f"{f(bs[i - 1])} – {f(bs[i])}"
        out.append((colour, text))
    out.append((NO_DATA, _t("no_data", lang)))
    return out


# -- SVG pieces ----------------------------------------------------------------------------

def _num(v: float) -> str:
    s = f"{v:.1f}"
    s = s[:-2] if s.endswith(".0") else s
    return "0" if s == "-0" else s


def _attr_value(v) -> str:
    if v is None:
        return ""
    d = _dec(v)
    return format(d, "f")


def _hover(region: MapRegion, lang: str) -> str:
    label = region.label if region.value is not None else _t("no_data", lang)
    text = f"{region.name} — {label}"
    return f"{text} ({region.period})" if region.period else text


def _safe_href(href: str) -> str:
    """A relative link or an http(s) URL; anything else (``javascript:``) is refused."""
    scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", href)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        raise ValueError(f"map links must be relative or http(s), not {scheme.group(1)}:")
    return href


def _open_region(region: MapRegion, lang: str) -> tuple[str, str]:
    hover = escape(_hover(region, lang))
    attrs = (f'data-code="{escape(region.code)}" data-value="{_attr_value(region.value)}" '
             f'aria-label="{hover}"')
    if region.href:
        return f'<a href="{escape(_safe_href(region.href))}" {attrs}><title>{hover}</title>', "</a>"
    return f'<g {attrs}><title>{hover}</title>', "</g>"


def _wrap(text: str, width_px: float, size: float) -> list[str]:
    per_line = max(10, int(width_px / (size * 0.55)))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def _footer(width: float, top: float, scale: ColourScale, *, legend_title: str,
            value_format, lang: str, notes: list[str], attribution: str | None) -> tuple[str, float]:
    """Legend, notes and attribution below the map; returns (svg, new bottom)."""
    parts = [f'<g class="legend" role="list" aria-label="{escape(legend_title)}">',
             f'<text x="8" y="{_num(top + 14)}" font-size="12" font-weight="bold">'
             f'{escape(legend_title)}</text>']
    item_w = 132
    per_row = max(1, int((width - 8) // item_w))
    y = top + 22
    for i, (colour, text) in enumerate(legend_entries(scale, value_format, lang)):
        x = 8 + (i % per_row) * item_w
        yy = y + (i // per_row) * 20
        parts.append(f'<g role="listitem"><rect x="{x}" y="{_num(yy)}" width="14" height="14" '
                     f'fill="{colour}" stroke="#666" stroke-width="0.5"/>'
                     f'<text x="{x + 19}" y="{_num(yy + 11.5)}" font-size="11">{escape(text)}</text></g>')
    rows = (len(legend_entries(scale, value_format, lang)) + per_row - 1) // per_row
    y += rows * 20 + 4
    parts.append("</g>")
    for note in notes:
        for line in _wrap(note, width - 16, 11):
            y += 14
            parts.append(f'<text class="map-note" x="8" y="{_num(y)}" font-size="11" '
                         f'fill="#444">{escape(line)}</text>')
    if attribution:
        for line in _wrap(attribution, width - 16, 10):
            y += 13
            parts.append(f'<text class="map-attribution" x="8" y="{_num(y)}" font-size="10" '
                         f'fill="#555">{escape(line)}</text>')
    return "".join(parts), y + 8


def _svg(width: float, height: float, title: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="cakupan-map" role="group" '
            f'aria-label="{escape(title)}" viewBox="0 0 {_num(width)} {_num(height)}" '
            f'width="{_num(width)}" height="{_num(height)}">'
            f'<style>{STYLE}</style>'
            f'<text class="map-title" x="8" y="20" font-size="15" font-weight="bold">{escape(title)}</text>'
            f'{body}</svg>')


def _regions_by_code(regions) -> dict[str, MapRegion]:
    if isinstance(regions, Mapping):
        return dict(regions)
    return {r.code: r for r in regions}


def short_name(name: str) -> str:
    """``Kab. Cilacap`` -> ``Cilacap``; ``Kota Semarang`` -> ``K. Semarang`` (tile labels)."""
    if name.startswith("Kab. "):
        return name[5:]
    if name.startswith("Kabupaten "):
        return name[10:]
    if name.startswith("Kota "):
        return "K. " + name[5:]
    return name


# -- the two maps --------------------------------------------------------------------------

def tile_map_svg(regions: Sequence[MapRegion] | Mapping[str, MapRegion],
                 layout: Mapping[str, tuple[int, int]], *, title: str, legend_title: str,
                 measure: str = "coverage", value_format: str | Callable = "pct", lang: str = "id",
                 note: str | None = None, attribution: str | None = None,
                 breaks: Sequence | None = None, tile: int = 64) -> str:
    """A tile-grid map: one square per code of ``layout`` (``{code: (row, col)}``, e.g. from
    ``cakupan.tile_grid.tile_layout``), coloured by its region's value; codes in the layout
    without a region are grey."""
    fmt.check_lang(lang)
    by_code = _regions_by_code(regions)
    scale = colour_scale((r.value for r in by_code.values() if r.code in layout), measure, breaks=breaks)
    rows = max((r for r, _ in layout.values()), default=-1) + 1
    cols = max((c for _, c in layout.values()), default=-1) + 1
    gap, top = 3, 32
    width = max(cols * (tile + gap) + 16, 420)
    left = (width - cols * (tile + gap)) / 2
    body = ['<g class="regions">']
    for code, (r, c) in sorted(layout.items(), key=lambda kv: kv[1]):
        region = by_code.get(code) or MapRegion(code, code, None)
        x, y = left + c * (tile + gap), top + r * (tile + gap)
        colour = scale.colour(region.value)
        ink = "#fff" if colour in DARK else "#222"
        opening, closing = _open_region(region, lang)
        name = short_name(region.name)
        fit = f' textLength="{tile - 6}" lengthAdjust="spacingAndGlyphs"' if len(name) * 5.1 > tile - 6 else ""
        value_text = region.label if region.value is not None else "–"
        body.append(
            f'{opening}<rect x="{_num(x)}" y="{_num(y)}" width="{tile}" height="{tile}" rx="3" '
            f'fill="{colour}" stroke="#fff" stroke-width="1"/>'
            f'<text x="{_num(x + tile / 2)}" y="{_num(y + tile * 0.42)}" font-size="10" '
            f'text-anchor="middle" fill="{ink}"{fit}>{escape(name)}</text>'
            f'<text x="{_num(x + tile / 2)}" y="{_num(y + tile * 0.72)}" font-size="11" '
            f'font-weight="bold" text-anchor="middle" fill="{ink}">{escape(value_text)}</text>'
            f'{closing}')
    body.append("</g>")
    footer, bottom = _footer(width, top + rows * (tile + gap) + 6, scale, legend_title=legend_title,
                             value_format=value_format, lang=lang, notes=[note] if note else [],
                             attribution=attribution)
    return _svg(width, bottom, title, "".join(body) + footer)


def _douglas_peucker(pts: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Keep the vertices that deviate more than ``tolerance`` px from the simplified line
    (iterative Douglas–Peucker; a closed ring keeps its first and last point)."""
    if len(pts) < 4:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    # a closed ring: split at the vertex farthest from the first so both halves are arcs
    far = max(range(1, len(pts) - 1), key=lambda i: (pts[i][0] - pts[0][0]) ** 2 + (pts[i][1] - pts[0][1]) ** 2)
    keep[far] = True
    stack = [(0, far), (far, len(pts) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_d = -1, tol2
        for i in range(a + 1, b):
            px, py = pts[i]
            if seg2 == 0:
                d = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                d = cross * cross / seg2
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(a, best), (best, b)]
    return [p for p, k in zip(pts, keep) if k]


def _ring_path(ring, project, min_step: float = 0.4, tolerance: float = 0.25) -> str:
    """One ring as ``M x yL x y … Z``: vertices closer than ``min_step`` px to the last kept
    one are dropped, then those within ``tolerance`` px of the line (Douglas–Peucker), so a
    detailed boundary file still gives a small SVG."""
    pts, last = [], None
    n = len(ring)
    for i, (lon, lat, *_) in enumerate(ring):
        x, y = project(lon, lat)
        if last is None or (i == n - 1 and (x, y) != last) or \
                (x - last[0]) ** 2 + (y - last[1]) ** 2 >= min_step ** 2:
            pts.append((x, y))
            last = (x, y)
    pts = [(_num(x), _num(y)) for x, y in _douglas_peucker(pts, tolerance)]
    if len(set(pts)) < 3:
        return ""
    head, rest = pts[0], pts[1:]
    if rest and rest[-1] == head:
        rest = rest[:-1]
    return f"M{head[0]} {head[1]}L" + " ".join(f"{x} {y}" for x, y in rest) + "Z"


def choropleth_svg(features: Sequence, figures: Sequence[MapRegion] | Mapping[str, MapRegion], *,
                   title: str, legend_title: str, measure: str = "coverage",
                   value_format: str | Callable = "pct", lang: str = "id", note: str | None = None,
                   attribution: str | None = None, breaks: Sequence | None = None,
                   width: int = 760) -> str:
    """A choropleth of ``features`` (objects with ``code``, ``name`` and a GeoJSON
    ``geometry`` dict, e.g. ``cakupan.boundaries.Boundary``), coloured by ``figures``.
    Equirectangular projection with a cos(latitude) correction, fitted to every feature."""
    from cakupan.boundaries import bbox as geometry_bbox, polygon_parts

    fmt.check_lang(lang)
    by_code = _regions_by_code(figures)
    drawn = {f.code for f in features}
    scale = colour_scale((r.value for r in by_code.values() if r.code in drawn), measure, breaks=breaks)
    boxes = {f.code: (getattr(f, "bbox", None) or geometry_bbox(f.geometry)) for f in features}
    if boxes:
        x0 = min(b[0] for b in boxes.values())
        y0 = min(b[1] for b in boxes.values())
        x1 = max(b[2] for b in boxes.values())
        y1 = max(b[3] for b in boxes.values())
    else:
        x0 = y0 = 0.0
        x1 = y1 = 1.0
    kx = math.cos(math.radians((y0 + y1) / 2))
    pad, top = 8, 32
    span_x = max((x1 - x0) * kx, 1e-9)
    s = (width - 2 * pad) / span_x
    map_h = (y1 - y0) * s

    def project(lon: float, lat: float) -> tuple[float, float]:
        return pad + (lon - x0) * kx * s, top + (y1 - lat) * s

    body = ['<g class="regions" stroke="#fff" stroke-width="0.6" stroke-linejoin="round">']
    # larger shapes first, so an enclave drawn without a hole still shows on top
    order = sorted(features, key=lambda f: -((boxes[f.code][2] - boxes[f.code][0])
                                             * (boxes[f.code][3] - boxes[f.code][1])))
    for f in order:
        region = by_code.get(f.code) or MapRegion(f.code, getattr(f, "name", f.code), None)
        d = "".join(_ring_path(ring, project) for part in polygon_parts(f.geometry) for ring in part)
        opening, closing = _open_region(region, lang)
        body.append(f'{opening}<path fill-rule="evenodd" fill="{scale.colour(region.value)}" '
                    f'd="{d}"/>{closing}')
    body.append("</g>")
    notes = [note] if note else []
    missing = sorted(c for c in by_code if c not in drawn)
    if missing:
        listed = ", ".join(by_code[c].name for c in missing[:10])
        more = "" if len(missing) <= 10 else (f" dan {len(missing) - 10} lainnya" if lang == "id"
                                              else f" and {len(missing) - 10} more")
        notes.append(f"{len(missing)} {_t('no_shape', lang)}: {listed}{more}.")
    footer, bottom = _footer(width, top + map_h + 8, scale, legend_title=legend_title,
                             value_format=value_format, lang=lang, notes=notes,
                             attribution=attribution)
    return _svg(width, bottom, title, "".join(body) + footer)


def region_map_svg(regions: Sequence[MapRegion], boundaries: Sequence = (), *, title: str,
                   legend_title: str, kind: str = "auto", measure: str = "coverage",
                   value_format: str | Callable = "pct", lang: str = "id",
                   breaks: Sequence | None = None) -> tuple[str, str]:
    """The map a page shows, and which kind it is (``"choropleth"`` or ``"tiles"``).

    ``kind="auto"``: a choropleth when every region has a boundary, otherwise a tile grid
    (laid out by the centroids of the boundaries there are, else by code, with the note
    saying so). The boundaries' attribution lines go under the map either way.
    """
    from cakupan.tile_grid import layout_note, tile_layout

    if kind not in ("auto", "choropleth", "tiles"):
        raise ValueError(f"unknown map kind {kind!r}: use 'auto', 'choropleth' or 'tiles'")
    codes = [r.code for r in regions]
    shapes = [b for b in boundaries if b.code in set(codes)]
    attribution = " · ".join(dict.fromkeys(b.attribution for b in shapes if getattr(b, "attribution", ""))) or None
    if kind == "choropleth" or (kind == "auto" and shapes and len(shapes) == len(set(codes))):
        return choropleth_svg(shapes, regions, title=title, legend_title=legend_title, measure=measure,
                              value_format=value_format, lang=lang, attribution=attribution,
                              breaks=breaks), "choropleth"
    centroids = {b.code: b.centroid for b in shapes} or None
    return tile_map_svg(regions, tile_layout(codes, centroids), title=title, legend_title=legend_title,
                        measure=measure, value_format=value_format, lang=lang,
                        note=layout_note(centroids, lang), attribution=attribution,
                        breaks=breaks), "tiles"
