"""Static charts (Altair / Vega-Lite) in Indonesian (default) or English, fully offline.

Each chart function is pure: rows in, ``alt.LayerChart`` out. Only :func:`save` writes files:
PNG through vl-convert, HTML with the Vega JavaScript inlined (no CDN).

Numbers: text drawn from the data (bar labels, tooltips) is pre-formatted with
:mod:`cakupan.reports.format` (Babel). Axis tick labels are formatted by Vega with the
number locale carried in the spec's ``config.locale`` (d3-format has no named "id-ID"
locale, so it is given as a dictionary: decimal ",", thousands ".").
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import altair as alt

from cakupan.reports.format import check_lang, integer, label, pct

NUMBER_LOCALES = {
    "id": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}
AXIS_NUMBER = ",~f"  # grouped, trailing zeros trimmed; separators come from config.locale
MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
POOLS = {
    "PU": ("Penerima upah (status 3-4)", "Wage earners (status 3-4)"),
    "INFORMAL": ("Informal (status 1,2,5,6,7)", "Informal (status 1,2,5,6,7)"),
    "ALL": ("Semua pekerja", "All workers"),
}
TEXT = {
    "coverage_title": ("Cakupan kepesertaan menurut wilayah", "Coverage by region"),
    "potential_title": ("Potensi pekerja belum terlindungi", "Uncovered workers (potential)"),
    "performance_title": ("Tenaga kerja aktif terhadap target", "Active workers against target"),
    "measured": ("Penyebut terukur", "Measured denominator"),
    "estimated_denominator": ("Penyebut estimasi (*)", "Estimated denominator (*)"),
    "estimated_note": ("* penyebut (penduduk bekerja) diestimasi",
                       "* denominator (employed population) is estimated"),
    "estimated_pool_note": ("* jumlah pekerja diestimasi", "* worker counts are estimated"),
    "total_line": ("Total", "Total"),
    "uncovered": ("Pekerja belum terlindungi", "Uncovered workers"),
    "pool": ("Kelompok", "Pool"),
    "region": ("Wilayah", "Region"),
    "sector": ("Sektor", "Sector"),
    "month": ("Bulan", "Month"),
    "active": ("Tenaga kerja aktif", "Active workers"),
    "series": ("Seri", "Series"),
    "realisation": ("Realisasi", "Realisation"),
    "target": ("Target", "Target"),
    "projection": ("Proyeksi", "Projection"),
    "interval_note": ("Area arsir: interval proyeksi", "Shaded area: projection interval"),
    "value": ("Nilai", "Value"),
    "lower": ("Batas bawah", "Lower bound"),
    "upper": ("Batas atas", "Upper bound"),
}
BLUE, LIGHT_BLUE, GREY, ORANGE, RED = "#1f5f8b", "#9ecae1", "#7f7f7f", "#e6550d", "#b2182b"


def _t(key: str, lang: str) -> str:
    return TEXT[key][0 if lang == "id" else 1]


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def month_label(period: str, lang: str = "id") -> str:
    """``"2021-08"`` -> ``"Agu 2021"`` (id) or ``"Aug 2021"`` (en), independent of OS locale."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"period must look like YYYY-MM, got {period!r}")
    return f"{MONTHS[check_lang(lang)][int(match[2]) - 1]} {match[1]}"


def _title(text: str, notes: list[str]) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=notes, anchor="start") if notes else alt.TitleParams(
        text=text, anchor="start")


def _finish(layers: list, lang: str, title: alt.TitleParams, **props) -> alt.LayerChart:
    chart = alt.layer(*layers).properties(title=title, **props)
    return chart.configure(locale={"number": NUMBER_LOCALES[lang]}).configure_view(stroke=None)


def coverage_chart(rows: list[dict], lang: str = "id", title: str | None = None) -> alt.LayerChart:
    """Horizontal bars of coverage (% of employed) per region, highest first.

    A row with ``region_code == "TOTAL"`` is not drawn as a bar but as a dashed vertical rule.
    Regions with an estimated denominator are lighter, starred, and explained in the subtitle.
    """
    check_lang(lang)
    total = next((r for r in rows if r.get("region_code") == "TOTAL"), None)
    regions = [r for r in rows if r.get("region_code") != "TOTAL"]
    if not regions:
        raise ValueError("no region rows to chart")
    regions = sorted(regions, key=lambda r: (-float(r["coverage_pct"]), r["region_name"]))
    any_est = any(r.get("estimated") for r in regions)
    values = [{
        "name": r["region_name"] + (" *" if r.get("estimated") else ""),
        "coverage": _num(r["coverage_pct"]),
        "coverage_text": pct(r["coverage_pct"], lang),
        "participants_text": integer(r["participants"], lang),
        "status": _t("estimated_denominator" if r.get("estimated") else "measured", lang),
    } for r in regions]
    order = [v["name"] for v in values]
    y = alt.Y("name:N", sort=order, title=label("region_name", lang))
    base = alt.Chart(alt.Data(values=values))
    status = [_t("measured", lang), _t("estimated_denominator", lang)]
    bars = base.mark_bar().encode(
        x=alt.X("coverage:Q", title=label("coverage_pct", lang), axis=alt.Axis(format=AXIS_NUMBER)),
        y=y,
        color=alt.Color("status:N", scale=alt.Scale(domain=status, range=[BLUE, LIGHT_BLUE]),
                        legend=alt.Legend(title=label("estimated", lang), orient="bottom")
                        if any_est else None),
        tooltip=[alt.Tooltip("name:N", title=label("region_name", lang)),
                 alt.Tooltip("coverage_text:N", title=label("coverage_pct", lang)),
                 alt.Tooltip("participants_text:N", title=label("participants", lang))],
    )
    texts = base.mark_text(align="left", dx=3, fontSize=10).encode(
        x="coverage:Q", y=y, text="coverage_text:N")
    layers = [bars, texts]
    if total is not None:
        tot = alt.Chart(alt.Data(values=[{
            "coverage": _num(total["coverage_pct"]),
            "text": f"{_t('total_line', lang)}: {pct(total['coverage_pct'], lang)}"}]))
        layers += [tot.mark_rule(color=RED, strokeDash=[5, 4], size=1.5).encode(x="coverage:Q"),
                   tot.mark_text(color=RED, align="left", dx=4, dy=-6, fontWeight="bold").encode(
                       x="coverage:Q", y=alt.value(0), text="text:N")]
    notes = [_t("estimated_note", lang)] if any_est else []
    return _finish(layers, lang, _title(title or _t("coverage_title", lang), notes),
                   width=480, height=max(120, 20 * len(values)))


def potential_chart(rows: list[dict], lang: str = "id", by: str = "region",
                    title: str | None = None) -> alt.LayerChart:
    """Stacked horizontal bars of uncovered workers per region/sector by pool, largest first."""
    check_lang(lang)
    if by not in ("region", "sector"):
        raise ValueError(f"by must be 'region' or 'sector', got {by!r}")
    if not rows:
        raise ValueError("no rows to chart")
    totals: dict[str, int] = {}
    estimated: set[str] = set()
    for r in rows:
        if r["pool"] not in POOLS:
            raise ValueError(f"unknown pool {r['pool']!r}: use 'PU', 'INFORMAL' or 'ALL'")
        totals[r["label"]] = totals.get(r["label"], 0) + int(r["uncovered"])
        if r.get("estimated"):
            estimated.add(r["label"])
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    shown = {k: k + (" *" if k in estimated else "") for k in ranked}
    pools = [p for p in POOLS if any(r["pool"] == p for r in rows)]
    pool_names = [POOLS[p][0 if lang == "id" else 1] for p in pools]
    colours = [{"PU": BLUE, "INFORMAL": ORANGE, "ALL": GREY}[p] for p in pools]
    values = [{
        "name": shown[r["label"]], "pool": pool_names[pools.index(r["pool"])],
        "pool_order": pools.index(r["pool"]), "uncovered": int(r["uncovered"]),
        "uncovered_text": integer(int(r["uncovered"]), lang),
    } for r in rows]
    order = [shown[k] for k in ranked]
    y = alt.Y("name:N", sort=order, title=_t(by, lang))
    bars = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("sum(uncovered):Q", stack="zero", title=_t("uncovered", lang),
                axis=alt.Axis(format=AXIS_NUMBER)),
        y=y,
        color=alt.Color("pool:N", scale=alt.Scale(domain=pool_names, range=colours),
                        legend=alt.Legend(title=_t("pool", lang), orient="bottom")),
        order=alt.Order("pool_order:Q", sort="ascending"),
        tooltip=[alt.Tooltip("name:N", title=_t(by, lang)),
                 alt.Tooltip("pool:N", title=_t("pool", lang)),
                 alt.Tooltip("uncovered_text:N", title=_t("uncovered", lang))],
    )
    total_values = [{"name": shown[k], "total": totals[k], "text": integer(totals[k], lang)}
                    for k in ranked]
    texts = alt.Chart(alt.Data(values=total_values)).mark_text(
        align="left", dx=3, fontSize=10).encode(x="total:Q", y=y, text="text:N")
    notes = [_t("estimated_pool_note", lang)] if estimated else []
    return _finish([bars, texts], lang, _title(title or _t("potential_title", lang), notes),
                   width=480, height=max(120, 22 * len(ranked)))


def performance_chart(rows: list[dict], projection: list[dict] | None = None, lang: str = "id",
                      title: str | None = None) -> alt.LayerChart:
    """Monthly active workers (solid) vs target (dotted); optional projection (dashed + band)."""
    check_lang(lang)
    if not rows:
        raise ValueError("no rows to chart")
    projection = projection or []
    periods = sorted({r["period"] for r in rows} | {p["period"] for p in projection})
    months = [month_label(p, lang) for p in periods]
    series = [_t("realisation", lang), _t("target", lang), _t("projection", lang)]
    values = []
    for r in sorted(rows, key=lambda r: r["period"]):
        for name, value in ((series[0], r["realisation"]), (series[1], r.get("target"))):
            if value is not None:
                values.append({"period": r["period"], "month": month_label(r["period"], lang),
                               "series": name, "value": float(value),
                               "value_text": integer(int(value), lang)})
    for p in sorted(projection, key=lambda p: p["period"]):
        values.append({"period": p["period"], "month": month_label(p["period"], lang),
                       "series": series[2], "value": float(p["mean"]),
                       "value_text": integer(round(p["mean"]), lang)})
    x = alt.X("month:O", sort=months, title=_t("month", lang),
              axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    y_axis = alt.Axis(format=AXIS_NUMBER)
    legend = alt.Legend(title=_t("series", lang), orient="bottom", symbolType="stroke")
    lines = alt.Chart(alt.Data(values=values)).mark_line(point=True).encode(
        x=x,
        y=alt.Y("value:Q", title=_t("active", lang), axis=y_axis, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=alt.Scale(domain=series, range=[BLUE, GREY, ORANGE]),
                        legend=legend),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(
            domain=series, range=[[1, 0], [2, 2], [6, 4]]), legend=legend),
        tooltip=[alt.Tooltip("month:O", title=_t("month", lang)),
                 alt.Tooltip("series:N", title=_t("series", lang)),
                 alt.Tooltip("value_text:N", title=_t("value", lang))],
    )
    layers = [lines]
    notes = []
    if projection:
        band = [{"month": month_label(p["period"], lang), "lower": float(p["lower"]),
                 "upper": float(p["upper"]), "lower_text": integer(round(p["lower"]), lang),
                 "upper_text": integer(round(p["upper"]), lang)} for p in projection]
        layers.insert(0, alt.Chart(alt.Data(values=band)).mark_area(
            color=ORANGE, opacity=0.18).encode(
            x=x, y=alt.Y("lower:Q", title=_t("active", lang), axis=y_axis), y2="upper:Q",
            tooltip=[alt.Tooltip("month:O", title=_t("month", lang)),
                     alt.Tooltip("lower_text:N", title=_t("lower", lang)),
                     alt.Tooltip("upper_text:N", title=_t("upper", lang))]))
        notes.append(_t("interval_note", lang))
    return _finish(layers, lang, _title(title or _t("performance_title", lang), notes),
                   width=max(360, 28 * len(months)), height=260)


def save(chart: alt.TopLevelMixin, path: str | Path) -> Path:
    """Write ``chart`` to ``.png`` (scale factor 2) or self-contained offline ``.html``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        chart.save(str(path), format="png", scale_factor=2)
    elif suffix == ".html":
        chart.save(str(path), format="html", inline=True)
    else:
        raise ValueError("chart file must end in .png or .html")
    return path
