"""Targets of active workers: import them (with the branch codes checked), cascade provincial
targets to regencies, and list them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from cakupan import targets as tg
from cakupan.cohorts import registry_of
from cakupan.contracts import BRANCHES, TARGETS
from cakupan.ingest.load import ImportReport, IngestError, import_file


@dataclass
class CascadeReport:
    """What writing cascaded rows did. ``rows == inserted + updated + unchanged + kept``."""

    key: str
    provinces: int = 0
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    """Regency rows not written because an imported (not cascaded) target has their key."""
    skipped: list[str] = field(default_factory=list)
    """``"31 (2021-12)"``: province targets without regency weights, not cascaded."""


# -- I/O around the pure core ------------------------------------------------------------------

def known_branches(wh) -> list[str]:
    """Branch codes in the warehouse's ``branches`` table (none when it is missing)."""
    if not wh.has("branches"):
        return []
    return wh.to_arrow(wh.table("branches").select("branch_code").distinct())["branch_code"].to_pylist()


def labour_force(wh) -> dict[str, int]:
    """Province and regency code -> its largest labour force (employed + unemployed) over
    the workforce periods, for the targets' plausibility check (empty without workforce)."""
    if not wh.has("workforce"):
        return {}
    w = wh.table("workforce")
    w = w.filter(w.employment_status.isnull(), w.sector.isnull())
    expr = w.group_by("region_code").agg(n=(w.employed + w.unemployed.fill_null(0)).max())
    return {r["region_code"]: int(r["n"]) for r in wh.to_arrow(expr).to_pylist() if r["n"] is not None}


def _weights(wh, key: str, period: str) -> list[dict]:
    expr = tg.cascade_weights(key, period, wh.table("workforce"),
                              registry_of(wh) if key == "uncovered" else None)
    return wh.to_arrow(expr).to_pylist()


def _first_workforce_period(wh) -> str | None:
    w = wh.table("workforce")
    w = w.filter(w.region_code.length() == 4, w.employment_status.isnull(), w.sector.isnull())
    return wh.to_arrow(w.period.min().as_table()).column(0)[0].as_py()


def cascaded_rows(wh, province_rows: list[dict], key: str) -> tuple[list[dict], list[str]]:
    """Regency rows for ``province_rows`` (level PROVINCE) by ``key``, weights from the
    warehouse per target month; and the provinces left out for want of weights."""
    rows: list[dict] = []
    skipped: list[str] = []
    for period in sorted({r["period"] for r in province_rows}):
        weights_rows = _weights(wh, key, period)
        if not weights_rows:
            # a month before the first labour-force round: use the earliest round there is
            first = _first_workforce_period(wh)
            if first and first > period:
                weights_rows = _weights(wh, key, first)
        for province in sorted({r["area_code"] for r in province_rows if r["period"] == period}):
            mine = [w for w in weights_rows if w["regency_code"].startswith(province)]
            todo = [r for r in province_rows if r["period"] == period and r["area_code"] == province]
            if sum(w["weight"] for w in mine) <= 0:
                skipped.append(f"{province} ({period})")
                continue
            rows += tg.cascade(todo, {w["regency_code"]: w["weight"] for w in mine}, key,
                               tg.weights_basis(mine))
    return rows, skipped


def write_cascaded(wh, rows: list[dict], key: str = "") -> CascadeReport:
    """Upsert cascaded regency rows into ``targets`` by key in one transaction.

    A cascaded row replaces an earlier cascaded row with the same key (or leaves it when
    identical); it never replaces an imported row (``cascaded_from`` empty): those are
    counted as ``kept``. Idempotent.
    """
    from cakupan.ingest.load import table_ddl

    report = CascadeReport(key=key, rows=len(rows),
                           provinces=len({(r["area_code"][:2], r["segment"], r["period"]) for r in rows}))
    if not rows:
        return report
    if wh.engine != "duckdb":
        raise IngestError("targets are written to the DuckDB warehouse only: run without --engine spark")
    data = pa.Table.from_pylist(rows, schema=TARGETS.schema.to_pyarrow())
    with wh.transaction({"_cakupan_cascade": data}) as raw:
        raw.execute(table_ddl(TARGETS)).fetchall()
        counts = wh.upsert(TARGETS.name, "_cakupan_cascade", TARGETS.key, TARGETS.names,
                           protect="t.cascaded_from IS NULL")  # imported rows are never replaced
    report.inserted, report.updated, report.unchanged, report.kept = (
        counts.inserted, counts.updated, counts.unchanged, counts.kept)
    return report


def import_targets(wh, path: str | Path, sheet: str | None = None, cascade: str | None = None,
                   progress: Callable[[str], None] | None = None,
                   today: date | None = None) -> tuple[ImportReport, CascadeReport | None]:
    """Import a targets file (branch codes checked against the ``branches`` table) and,
    with ``cascade`` (``employed`` or ``uncovered``), write its PROVINCE rows' cascade.

    The cascade is computed before the import (a missing table fails before anything is
    written) and written after it, in its own transaction; running the same command again
    changes nothing. A target above its area's labour force (or Indonesia's population) is
    quarantined as ``implausible_target``.
    """
    from cakupan.ingest.load import _read
    from cakupan.ingest.validate import known_values, target_limits, validate_frame

    if cascade is not None and cascade not in tg.KEYS:
        raise ValueError(f"kunci kaskade {cascade!r} tidak dikenal (pilihan: {', '.join(tg.KEYS)})")
    with known_values(branch_code=known_branches(wh)), target_limits(labour_force(wh)):
        rows: list[dict] = []
        skipped: list[str] = []
        if cascade:
            df, _, _ = _read(Path(path), TARGETS, sheet)
            accepted = validate_frame(TARGETS, df, today=today).accepted.to_pylist()
            provinces = [r for r in accepted if r["level"] == "PROVINCE"]
            rows, skipped = cascaded_rows(wh, provinces, cascade)
        report = import_file(wh, TARGETS.name, path, sheet=sheet, progress=progress, today=today)
    cascade_report = None
    if cascade:
        cascade_report = write_cascaded(wh, rows, cascade)
        cascade_report.skipped = skipped
    return report, cascade_report


def import_branches(wh, path: str | Path, sheet: str | None = None,
                    progress: Callable[[str], None] | None = None) -> ImportReport:
    """The branch offices and the regencies each serves (needed before branch targets)."""
    return import_file(wh, BRANCHES.name, path, sheet=sheet, progress=progress)


def show(wh, scope, level: str | None = None, segment: str | None = None, year: int | None = None,
         lang: str = "id"):
    """The targets (imported and cascaded) with area names, as a Report."""
    from cakupan.regions import names
    from cakupan.reports import format as fmt
    from cakupan.reports.tables import Report
    from cakupan.services.common import Result, ServiceError

    try:
        lvl = tg.normalise_level(level) if level else None
    except ValueError as e:
        raise ServiceError(str(e)) from None
    seg = tg.normalise_segment(segment) if segment else None
    if not wh.has(TARGETS.name):
        raise ServiceError("belum ada target di warehouse: impor dulu `cakupan targets import FILE`")
    t = wh.table(TARGETS.name)
    if lvl:
        t = t.filter(t.level == lvl)
    if seg:
        t = t.filter(t.segment == seg)
    if year:
        t = t.filter(t.period.startswith(f"{year:04d}-"))
    rows = wh.to_arrow(t.order_by("period", "level", "area_code", "segment")).to_pylist()
    branch_names = {}
    if wh.has(BRANCHES.name) and any(r["level"] == "BRANCH" for r in rows):
        b = wh.table(BRANCHES.name)
        named = wh.to_arrow(b.group_by("branch_code").agg(name=b.branch_name.min())).to_pylist()
        branch_names = {r["branch_code"]: r["name"] for r in named}
    served: dict[str, list[str]] = {}
    if scope.regions is not None and wh.has(BRANCHES.name):
        b = wh.table(BRANCHES.name)
        for r in wh.to_arrow(b.select("branch_code", "regency_code")).to_pylist():
            served.setdefault(r["branch_code"], []).append(r["regency_code"])
    # a branch's targets only for a caller who sees every regency the branch serves
    rows = [r for r in rows if (scope.allows(r["area_code"]) if r["level"] != "BRANCH" else
                                scope.regions is None or (served.get(r["area_code"]) and
                                                          all(scope.allows(c) for c in served[r["area_code"]])))]
    region = names()
    for r in rows:
        r["area_name"] = (branch_names.get(r["area_code"]) if r["level"] == "BRANCH"
                          else region.get(r["area_code"]))
    en = lang == "en"
    filters = [f for f in (fmt.label(lvl, lang) if lvl else None,
                           fmt.label(seg, lang) if seg else None,
                           str(year) if year else None) if f]
    title = ("Targets of active workers" if en else "Target peserta aktif") + (
        f" ({', '.join(filters)})" if filters else "")
    notes = [("Target = active distinct workers (NIK). Cascaded rows say how they were derived."
              if en else "Target = jumlah pekerja aktif (NIK berbeda). Baris hasil kaskade "
                         "menyebut asal-usulnya di kolom 'Diturunkan dari'.")]
    if not rows:
        notes.append("No targets match." if en else "Tidak ada target yang cocok.")
    columns = ["level", "area_code", "area_name", "segment", "period", "target", "source", "cascaded_from"]
    kinds = {c: "text" for c in columns} | {"target": "int"}
    return Result(Report(title, columns, kinds, rows, notes), None, None, False)
