"""Templates, filters and downloads: how a service result becomes a page, a CSV or an XLSX."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from cakupan.regions import dotted
from cakupan.reports import format as fmt
from cakupan.reports import tables
from cakupan.web.i18n import WORDS, when, word

TEMPLATES = Path(__file__).parent / "templates"


def _n(value, lang="id"):
    return fmt.integer(value, lang) if value is not None else "-"


def _pct(value, lang="id"):
    return fmt.pct(value, lang) if value is not None else "-"


def make_templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(TEMPLATES))
    env = t.env
    env.filters.update(n=_n, pct=_pct, dotted=lambda c: dotted(c) if c and c != "TOTAL" else c,
                       month=lambda p, lang="id": fmt.month_name(p, lang) if p else "-",
                       when=lambda v, lang="id": when(v, lang),
                       dec=lambda v, lang="id", places=2: fmt.decimal(v, lang, places))
    env.globals.update(word=word, WORDS=WORDS, cells=cells, headers=headers, query=query)
    return t


def headers(report: tables.Report, lang: str, columns: list[str] | None = None) -> list[tuple[str, str, bool]]:
    """(column, label, numeric) for a report's columns."""
    cols = columns or report.screen or report.columns
    return [(c, fmt.label(c, lang), report.kinds.get(c) in ("int", "pct")) for c in cols]


def cells(report: tables.Report, row: dict, lang: str, columns: list[str] | None = None) -> list[str]:
    """A row of a report as id-ID (or en) formatted cells; estimated names get a star."""
    cols = columns or report.screen or report.columns
    out = [tables._cell(row.get(c), report.kinds.get(c, "text"), lang) for c in cols]
    if row.get("estimated") and row.get("region_code") != "TOTAL" and "region_name" in cols:
        out[cols.index("region_name")] += " *"
    return out


def query(base: dict, **changes) -> str:
    """The query string of the current page with some parameters changed (None drops one)."""
    merged = {k: v for k, v in {**base, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else ""


def download(report: tables.Report, name: str, kind: str, lang: str) -> Response:
    """A report as CSV (UTF-8, machine keys, plain numbers) or XLSX (labels, id-ID formats)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)[:80] or "cakupan"
    if kind == "csv":
        body = "\ufeff" + tables.to_csv(report)
        return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'})
    buf = io.BytesIO()
    tables.to_xlsx(report, buf, lang)
    return Response(buf.getvalue(),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.xlsx"'})


def svg_chart(chart) -> str:
    """An Altair chart as inline SVG, rendered here (no JavaScript, no network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_json())


def plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value
