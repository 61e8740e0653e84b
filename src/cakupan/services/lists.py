"""Partner lists: import a list, match it against the registry, export its leads, review the
uncertain rows, train the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ibis

from cakupan.services.common import NotFound, Scope, ServiceError, check_period
from cakupan.warehouse import WarehouseError


def _errors():
    from cakupan.ingest.readers import IngestError
    from cakupan.lists.columns import ColumnError
    from cakupan.lists.matcher import MatchError
    from cakupan.lists.review import ReviewError

    return (IngestError, ColumnError, MatchError, ReviewError, WarehouseError)


def _guard(scope: Scope, source: str) -> None:
    if not scope.may_see_source(source):
        raise NotFound(f"tidak ada daftar bernama '{source}'")


def _run(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except _errors() as e:
        raise ServiceError(str(e)) from None


def import_list(wh, scope: Scope, path: Path, source: str, segment: str | None = None,
                occupation: str | None = None, columns: str | None = None, sheet: str | None = None,
                replace: bool = False, encoding: str | None = None, delimiter: str | None = None,
                field_limit: int | None = None):
    """One version of a partner's list: every row kept, usable ones for matching, the rest
    in quarantine with the reason; rows read = accepted + quarantined + skipped."""
    from cakupan.lists.columns import parse_overrides
    from cakupan.lists.importer import import_list as run

    if not source or not source.strip():
        raise ServiceError("beri nama daftar (--source), misalnya pasar-johar-2022")
    _guard(scope, source)
    overrides = _run(parse_overrides, columns)
    return _run(run, wh, path, source, segment.upper() if segment else None, occupation, overrides, sheet,
                replace=replace, encoding=encoding, delimiter=delimiter, field_limit=field_limit)


@dataclass
class ListInfo:
    source: str
    import_id: str
    file: str
    rows_read: int
    accepted: int
    quarantined: int
    imported_at: object
    versions: int
    matched: bool
    counts: dict[str, int] = field(default_factory=dict)


def lists(wh, scope: Scope) -> list[ListInfo]:
    """Every partner list the caller may see: its latest version, counts and outcomes."""
    from cakupan.lists.importer import LIST_IMPORTS
    from cakupan.lists.matcher import MATCHES

    if not wh.has(LIST_IMPORTS):
        return []
    imports = wh.to_arrow(wh.table(LIST_IMPORTS).order_by(ibis.desc("imported_at"))).to_pylist()
    outcomes: dict[str, dict[str, int]] = {}
    if wh.has(MATCHES):
        m = wh.table(MATCHES)
        if scope.regions is not None:  # outcomes counted over the rows inside the caller's regions
            from cakupan.lists.importer import LIST_ROWS

            rows = wh.table(LIST_ROWS)
            place = ibis.coalesce(rows.village_code, rows.nik.substr(0, 6))
            inside = rows.filter(ibis.or_(*[place.startswith(r) for r in scope.regions]) if scope.regions
                                 else ibis.literal(False))
            m = m.semi_join(inside, [m.import_id == inside.import_id, m.row_number == inside.row_number])
        for r in wh.to_arrow(m.group_by("import_id", "outcome").agg(n=m.row_number.count())).to_pylist():
            outcomes.setdefault(r["import_id"], {})[r["outcome"]] = r["n"]
    out: dict[str, ListInfo] = {}
    versions: dict[str, int] = {}
    for r in imports:
        versions[r["source"]] = versions.get(r["source"], 0) + 1
        if r["source"] in out or not scope.may_see_source(r["source"]):
            continue
        out[r["source"]] = ListInfo(r["source"], r["import_id"], Path(r["file"]).name, r["rows_read"],
                                    r["accepted"], r["quarantined"], r["imported_at"], 0,
                                    r["import_id"] in outcomes, outcomes.get(r["import_id"], {}))
    for info in out.values():
        info.versions = versions[info.source]
    return sorted(out.values(), key=lambda i: i.source)


def match(wh, scope: Scope, source: str, period: str = "2021-11", upper: float = 4.0, lower: float = 0.0,
          progress=None, model: str | None = None):
    """Match the latest version of a list: NIK first (checked against name and birth date),
    then the probabilistic model (``model``: an id from ``train``, or ``shipped``; default:
    the latest trained on this list, else the shipped one); only new or changed rows are
    matched again."""
    from cakupan.lists.matcher import Thresholds, match_list

    check_period(period)
    _guard(scope, source)
    if lower > upper:
        raise ServiceError("--lower must not be above --upper")
    return _run(match_list, wh, source, period, Thresholds(upper=upper, lower=lower), progress=progress,
                model=model)


def scoped_rows(wh, scope: Scope, import_id: str):
    """The rows of a list version whose place (village, else the NIK's district) lies in the
    caller's regions."""
    from cakupan.lists.importer import LIST_ROWS

    rows = wh.table(LIST_ROWS).filter(ibis._.import_id == import_id)
    if scope.regions is None:
        return rows
    if not scope.regions:
        return rows.filter(ibis.literal(False))
    place = ibis.coalesce(rows.village_code, rows.nik.substr(0, 6))
    return rows.filter(ibis.or_(*[place.startswith(r) for r in scope.regions]))


def _row_numbers(wh, scope: Scope, source: str) -> set[int] | None:
    """Row numbers of the latest version inside the scope (None: every row)."""
    from cakupan.lists.matcher import latest_import

    if scope.regions is None:
        return None
    import_id = _run(latest_import, wh, source)
    return set(wh.to_arrow(scoped_rows(wh, scope, import_id).select("row_number"))["row_number"].to_pylist())


@dataclass
class Leads:
    source: str
    summary: str
    counts: dict[str, int]
    rows: list[dict]
    """Lead rows (new registrations, reactivations, review, to complete), masked unless
    personal data was asked for and allowed."""
    personal_data: bool


def leads(wh, scope: Scope, source: str, show_pii: bool = False) -> Leads:
    """The leads of a matched list grouped by regency, district and village."""
    from cakupan.lists import leads_export as ex
    from cakupan.lists.matcher import MATCHES, PEOPLE, _regions, latest_import
    from cakupan.matching.leads import lead_rows
    from cakupan.reports.leads_report import summary

    _guard(scope, source)
    import_id = _run(latest_import, wh, source)
    if not (wh.has(MATCHES) and wh.has(PEOPLE)) or not wh.con.con.execute(
            f"SELECT count(*) FROM {MATCHES} WHERE import_id = ?", [import_id]).fetchone()[0]:
        raise ServiceError(f"daftar '{source}' belum dicocokkan: jalankan dulu cakupan lists match --source {source}")
    rows = scoped_rows(wh, scope, import_id)
    matches = wh.table(MATCHES).filter(ibis._.import_id == import_id)
    if scope.regions is not None:
        matches = matches.filter(matches.row_number.isin(rows.row_number))
    table = wh.to_arrow(lead_rows(rows, matches, wh.table(PEOPLE), _regions(wh)))
    counts = {r["outcome"]: r["n"] for r in
              wh.to_arrow(matches.group_by("outcome").agg(n=matches.row_number.count())).to_pylist()}
    show = scope.show_pii(show_pii)
    return Leads(source, summary(counts, source), counts, ex.prepare(table, show), show)


def pending(wh, scope: Scope, source: str) -> list[dict]:
    """Rows of the latest version waiting for review, with the proposed participant."""
    from cakupan.lists.review import pending as run

    _guard(scope, source)
    rows = _run(run, wh, source)
    inside = _row_numbers(wh, scope, source)
    return rows if inside is None else [r for r in rows if r["row_number"] in inside]


@dataclass
class Decision:
    row: int
    accepted: bool
    nik: str
    rematch: object


def decide(wh, scope: Scope, source: str, row: int, accept: bool, nik: str | None = None,
           note: str | None = None) -> Decision:
    """Keep a reviewer's decision (honoured on every later run of any list), then match the
    list again."""
    from cakupan.lists.matcher import Thresholds, match_list
    from cakupan.lists.review import record

    _guard(scope, source)
    inside = _row_numbers(wh, scope, source)
    if inside is not None and row not in inside:
        raise NotFound(f"baris {row} tidak ada di versi terakhir daftar '{source}'")
    decided = _run(record, wh, source, row, "accept" if accept else "reject", nik, note)
    report = _run(match_list, wh, source, decided.period, Thresholds())
    return Decision(row, accept, decided.nik, report)


def train(wh, scope: Scope, source: str) -> str:
    """EM-train the probabilistic model on this list and the registry; keep it."""
    from cakupan.lists.review import train_model

    _guard(scope, source)
    return _run(train_model, wh, source)
