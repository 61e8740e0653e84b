"""Deleting a partner list: its rows, quarantined lines, outcomes and leads go (every version);
its counts stay in the import history, marked deleted; the deletion is audited. Only the
list's owner or an admin may delete it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from cakupan.services.common import NotFound, Scope
from cakupan.warehouse import WarehouseError

DELETIONS = "list_deletions"


@dataclass
class Deleted:
    source: str
    imports: int
    rows: int
    quarantined: int
    outcomes: int


def deleted_imports(wh) -> set[str]:
    """Import ids of deleted lists (their history rows stay, their data is gone)."""
    if not wh.has(DELETIONS):
        return set()
    return set(wh.to_arrow(wh.table(DELETIONS).select("import_id"))["import_id"].to_pylist())


def may_delete(store, scope: Scope, source: str) -> bool:
    from cakupan.services.users import list_owners

    if scope.regions is None and scope.sources is None:  # an admin (sees every region and list)
        return True
    return scope.who in list_owners(store, source)


def delete_list(wh, store, scope: Scope, source: str, route: str = "cli") -> Deleted:
    """Remove every version of ``source`` from the warehouse in one transaction, then write
    the audit record. A list the caller may not delete is not found."""
    from cakupan.lists.importer import LIST_IMPORTS, LIST_ROWS
    from cakupan.lists.matcher import MATCHES
    from cakupan.services import audit
    from cakupan.services.users import forget_list

    from cakupan.services.lists import lists

    if not any(i.source == source for i in lists(wh, scope)) or not may_delete(store, scope, source):
        raise NotFound(f"tidak ada daftar bernama '{source}'")
    raw = wh.con.con
    ids = [r[0] for r in raw.execute(f"SELECT import_id FROM {LIST_IMPORTS} WHERE source = ?", [source]).fetchall()]
    done = deleted_imports(wh)
    ids = [i for i in ids if i not in done]
    marks = pa.table({"import_id": ids, "source": [source] * len(ids), "deleted_by": [scope.who] * len(ids),
                      "deleted_at": pa.array([datetime.now().replace(microsecond=0)] * len(ids), pa.timestamp("us"))})

    def count(table: str, where: str, args) -> int:
        return raw.execute(f"SELECT count(*) FROM {table} WHERE {where}", args).fetchone()[0] if wh.has(table) else 0

    marks_in = ", ".join("?" for _ in ids) or "NULL"
    rows = count(LIST_ROWS, f"import_id IN ({marks_in})", ids)
    quarantined = count("quarantine", "table_name = ?", [f"list:{source}"])
    outcomes = count(MATCHES, f"import_id IN ({marks_in})", ids)
    try:
        with wh.transaction({"_deleted": marks}) as tx:
            if wh.has(LIST_ROWS):
                tx.execute(f"DELETE FROM {LIST_ROWS} WHERE import_id IN ({marks_in})", ids)
            if wh.has(MATCHES):
                tx.execute(f"DELETE FROM {MATCHES} WHERE import_id IN ({marks_in})", ids)
            if wh.has("quarantine"):
                tx.execute("DELETE FROM quarantine WHERE table_name = ?", [f"list:{source}"])
            if wh.has(DELETIONS):
                tx.execute(f"INSERT INTO {DELETIONS} BY NAME SELECT * FROM _deleted")
            else:
                tx.execute(f"CREATE TABLE {DELETIONS} AS SELECT * FROM _deleted")
    except WarehouseError:
        raise
    forget_list(store, source)
    audit.record(store, scope.who, "delete-list", route, {"source": source, "imports": len(ids),
                                                          "rows": rows, "quarantined": quarantined}, rows)
    return Deleted(source, len(ids), rows, quarantined, outcomes)
