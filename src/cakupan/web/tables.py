"""Every table a page shows, by name, with the same filters for the page, its CSV/XLSX
download and the JSON API: one function per table, calling the service layer."""

from __future__ import annotations

from cakupan.periods import month_index, period_of
from cakupan.reports.tables import Report
from cakupan.services import ServiceError
from cakupan.services import analysis, coverage, imports, targets


def latest_period(hub, wh) -> str:
    """The registry's latest month (the default period of every page)."""
    def compute():
        if not wh.has("participants"):
            return "2021-11"
        from cakupan.services.common import scalar

        last = scalar(wh, wh.table("participants").last_paid_month.max())
        return last or "2021-11"
    return hub.cached(("latest_period",), compute)


def periods(latest: str, back: int = 35) -> list[str]:
    end = month_index(latest)
    return [period_of(i) for i in range(end, end - back - 1, -1)]


def _coverage(hub, wh, scope, p: dict, lang: str):
    return hub.cached(("coverage", scope, p["period"], p.get("by", "province"), p.get("region"), lang),
                      lambda: coverage.coverage(wh, scope, p["period"], p.get("by", "province"), p.get("region"), lang))


def _drill(hub, wh, scope, p: dict, lang: str):
    return hub.cached(("drill", scope, p["period"], p.get("region"), lang),
                      lambda: coverage.drilldown(wh, scope, p["period"], p.get("region"), lang))


def _potential(hub, wh, scope, p: dict, lang: str):
    return hub.cached(("potential", scope, p["period"], p.get("by", "regency"), lang),
                      lambda: analysis.potential(wh, scope, p["period"], p.get("by", "regency"), lang))


def _performance(hub, wh, scope, p: dict, lang: str):
    year = int(p.get("year") or p["period"][:4])
    return hub.cached(("performance", scope, year, p.get("region"), p.get("segment"), lang),
                      lambda: analysis.performance(wh, scope, year, p.get("region"), p.get("segment"), lang))


def _quarantine(hub, wh, scope, p: dict, lang: str):
    page = imports.quarantine(wh, scope, p.get("import_id"), p.get("reason"), p.get("table"),
                              limit=int(p.get("limit", 100000)), offset=int(p.get("offset", 0)))
    cols = ["import_id", "table_name", "source_file", "sheet", "row_number", "reason_code", "reason"]
    kinds = {c: "text" for c in cols} | {"row_number": "int"}
    return _Wrapped(Report("Karantina" if lang == "id" else "Quarantine", cols, kinds, page.rows, []), page)


def _imports(hub, wh, scope, p: dict, lang: str):
    rows = [r.__dict__ for r in imports.history(wh, scope, limit=1000)]
    cols = ["import_id", "kind", "table", "file", "rows_read", "accepted", "quarantined", "imported_at"]
    kinds = {c: "text" for c in cols} | {k: "int" for k in ("rows_read", "accepted", "quarantined")}
    for r in rows:
        r["imported_at"] = str(r["imported_at"])[:19]
    return _Wrapped(Report("Riwayat impor" if lang == "id" else "Import history", cols, kinds, rows, []), rows)


def _targets(hub, wh, scope, p: dict, lang: str):
    return targets.show(wh, scope, p.get("level"), p.get("segment"), int(p["year"]) if p.get("year") else None, lang)


def _map(hub, wh, scope, p: dict, lang: str):
    from cakupan.services import maps

    def compute():
        m = maps.regency_map(wh, scope, p["period"], p.get("metric", "coverage"), p.get("region"), lang)
        cols = ["region_code", "region_name", "participants", "employed", "coverage_pct", "uncovered", "estimated"]
        kinds = {"region_code": "code", "region_name": "text", "participants": "int", "employed": "int",
                 "coverage_pct": "pct", "uncovered": "int", "estimated": "bool"}
        ranked = sorted(m.rows, key=lambda r: -(r["uncovered"] or 0) if m.metric == "uncovered"
                        else (r["coverage_pct"] is None, r["coverage_pct"] or 0))
        m.report = Report(("Peta: " if lang == "id" else "Map: ") + p["period"], cols, kinds, ranked,
                          m.attributions)
        return m
    return hub.cached(("map", scope, p["period"], p.get("metric"), p.get("region"), lang), compute)


class _Wrapped:
    def __init__(self, report: Report, raw):
        self.report, self.raw = report, raw


TABLES = {"map": _map, "coverage": _coverage, "wilayah": _drill, "potential": _potential, "performance": _performance,
          "quarantine": _quarantine, "imports": _imports, "targets": _targets}


def report_of(name: str, hub, wh, scope, params: dict, lang: str) -> Report:
    if name not in TABLES:
        raise ServiceError(f"tabel {name!r} tidak dikenal; pilihan: {', '.join(TABLES)}")
    return TABLES[name](hub, wh, scope, params, lang).report
