"""Imports of registry snapshots and reference tables, their history and the quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


from cakupan.services.common import Scope, ServiceError
from cakupan.warehouse import WarehouseError

TABLES = ("participants", "employers", "workforce")


def import_table(wh, scope: Scope, table: str, path: Path, sheet: str | None = None, progress=None,
                 replace: bool = False, encoding: str | None = None, delimiter: str | None = None,
                 field_limit: int | None = None):
    """Validate a file against the table's contract: valid rows upserted by key, the rest in
    quarantine with their row number and reason; atomic and idempotent."""
    from cakupan.ingest.load import IngestError, import_file

    if scope.regions is not None:
        raise ServiceError("hanya pengguna dengan akses semua wilayah yang boleh mengimpor registri")
    try:
        return import_file(wh, table, path, sheet=sheet, progress=progress, replace=replace,
                           encoding=encoding, delimiter=delimiter, field_limit=field_limit)
    except (IngestError, WarehouseError) as e:
        raise ServiceError(str(e)) from None


@dataclass
class ImportRow:
    import_id: str
    kind: str
    table: str
    file: str
    rows_read: int
    accepted: int
    quarantined: int
    imported_at: object


def history(wh, scope: Scope, limit: int = 100) -> list[ImportRow]:
    """Every import (registry tables and partner lists), newest first, with its counts."""
    from cakupan.lists.importer import LIST_IMPORTS

    out: list[ImportRow] = []
    if wh.has("imports") and scope.regions is None:
        for r in wh.to_arrow(wh.table("imports")).to_pylist():
            out.append(ImportRow(r["import_id"], "registri", r["table_name"], Path(r["source_file"]).name,
                                 r["rows_read"], r["accepted"], r["quarantined"], r["imported_at"]))
    if wh.has(LIST_IMPORTS):
        for r in wh.to_arrow(wh.table(LIST_IMPORTS)).to_pylist():
            if scope.may_see_source(r["source"]):
                out.append(ImportRow(r["import_id"], "daftar", f"list:{r['source']}", Path(r["file"]).name,
                                     r["rows_read"], r["accepted"], r["quarantined"], r["imported_at"]))
    out.sort(key=lambda r: r.imported_at, reverse=True)
    return out[:limit]


@dataclass
class QuarantinePage:
    rows: list[dict]
    total: int
    reasons: dict[str, int]
    import_id: str | None


def quarantine(wh, scope: Scope, import_id: str | None = None, reason: str | None = None,
               table: str | None = None, limit: int = 50, offset: int = 0) -> QuarantinePage:
    """Quarantined rows with their file, sheet, row number and reason, filtered; the latest
    import with quarantined rows when no import is given. The raw text is not returned."""
    if not wh.has("quarantine"):
        return QuarantinePage([], 0, {}, None)
    q = wh.table("quarantine")
    if import_id is None and table is None and reason is None:
        latest = [r for r in history(wh, scope) if r.quarantined > 0]
        import_id = latest[0].import_id if latest else None
    if import_id:
        q = q.filter(q.import_id.startswith(import_id))
    if table:
        q = q.filter(q.table_name == table)
    visible = [t for t in _visible_tables(wh, scope)] if scope.regions is not None or scope.sources is not None else None
    if visible is not None:
        q = q.filter(q.table_name.isin(visible or ["-"]))
    reasons = {r["reason_code"]: r["n"] for r in
               wh.to_arrow(q.group_by("reason_code").agg(n=q.row_number.count())).to_pylist()}
    if reason:
        q = q.filter(q.reason_code.contains(reason))
    total = wh.to_arrow(q.count().as_table()).column(0)[0].as_py()
    rows = wh.to_arrow(q.select("import_id", "table_name", "source_file", "sheet", "row_number",
                                "reason_code", "reason")
                       .order_by(["import_id", "sheet", "row_number"]).limit(limit, offset=offset)).to_pylist()
    for r in rows:
        r["source_file"] = Path(r["source_file"]).name
        r["reason"] = mask_digits(r["reason"])
    return QuarantinePage(rows, total, reasons, import_id)


def mask_digits(text: str | None) -> str | None:
    """Runs of 12 or more digits (NIKs, phone and card numbers) masked in a text shown to
    a user: ``3374014101900001`` -> ``337401******0001``."""
    import re

    if not text:
        return text
    return re.sub(r"(?<!\d)(\d{6})(\d{2,})(\d{4})(?!\d)", lambda m: m[1] + "*" * len(m[2]) + m[3], text)


def _visible_tables(wh, scope: Scope) -> list[str]:
    from cakupan.lists.importer import LIST_IMPORTS

    if not wh.has(LIST_IMPORTS) or (scope.regions is not None and scope.sources is None):
        return []  # a region-bound caller sees the quarantine of its own lists only
    sources = wh.to_arrow(wh.table(LIST_IMPORTS).select("source").distinct())["source"].to_pylist()
    return [f"list:{s}" for s in sources if scope.may_see_source(s)]


def table_counts(wh, scope: Scope) -> dict[str, int]:
    """Row counts of the warehouse's tables."""
    return {n: wh.to_arrow(wh.table(n).count().as_table()).column(0)[0].as_py() for n in _tables(wh)}


def _tables(wh) -> list[str]:
    """Every table the project wrote (engine work tables left out), known ones first."""
    first = ("participants", "employers", "workforce", "regions", "quarantine", "imports", "boundaries",
             "list_imports", "list_rows")
    if wh.engine == "spark":
        names = [p.name for p in wh.settings.spark_dir.iterdir() if p.is_dir()]
    else:
        names = list(wh.con.list_tables())
    names = [n for n in names if not n.startswith(("_", "."))]
    return [n for n in first if n in names] + sorted(n for n in names if n not in first)


