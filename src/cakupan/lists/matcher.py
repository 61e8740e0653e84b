"""Match the latest version of a partner's list against the registry, incrementally.

The I/O edge around :mod:`cakupan.matching`: it reads the warehouse, keeps a people index
of the registry (rebuilt only when the registry changes), matches only list identities it
has not matched before against this registry with this model, stores every link in
``match_links`` and every row's outcome in ``list_matches``. Review decisions
(``match_reviews``) are read on every run and always win.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import ibis
import pyarrow as pa

from cakupan.cohorts import registry_of
from cakupan.identity import names
from cakupan.lists.importer import LIST_IMPORTS, LIST_ROWS
from cakupan.matching import exact
from cakupan.matching import outcomes as oc
from cakupan.matching import people as pp
from cakupan.matching import probabilistic as prob

PEOPLE = "match_people"
STATE = "match_state"
LINKS = "match_links"
REVIEWS = "match_reviews"
MATCHES = "list_matches"
MODELS = "match_models"


# the people index depends on the name rules: a change of rules rebuilds it
INDEX_VERSION = hashlib.sha1(repr((names.NORMALISE_RULES, names.KEY_RULES, pp.IDENTITY)).encode()).hexdigest()[:8]


class MatchError(ValueError):
    """A matching request that cannot run as asked; the message says what to do."""


@dataclass(frozen=True)
class Thresholds:
    """Match weights (log2 Bayes factors): at or above ``upper`` a match, from ``lower`` a
    case for review; a match also needs the runner-up ``margin`` lower."""
    upper: float = 4.0
    lower: float = 0.0
    margin: float = 2.0


@dataclass
class MatchReport:
    source: str
    import_id: str
    period: str
    rows: int = 0
    identities: int = 0
    reused: int = 0
    nik_stage: int = 0
    probabilistic_input: int = 0
    pairs: int = 0
    model_id: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _regions(wh) -> ibis.Table:
    if wh.has("regions"):
        return wh.table("regions")
    from cakupan.regions import region_master
    return ibis.memtable(region_master())


def fingerprint(wh) -> str:
    """Changes whenever the registry (participants or cohorts) changes."""
    raw = wh.con.con
    parts = [raw.execute("SELECT count(*), sum(hash(nik, name, birth_date, village_code)) "
                         "FROM participants").fetchone()]
    for t in ("sponsor_cohort_members",):
        if wh.has(t):
            parts.append(raw.execute(f"SELECT count(*), sum(hash(m)) FROM {t} m").fetchone())
    parts.append(INDEX_VERSION)
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


SHIPPED = "shipped"
MIN_TRAIN = 300
"""A list with at least this many identities and no model of its own gets one, trained by
``lists match`` on the list itself (EM, the shipped model as the prior)."""


def model_for(wh, source: str, model: str | None = None) -> tuple[str, dict]:
    """The model to apply to ``source``: the one named by ``model`` (an id from
    ``lists train``, or ``shipped``), else the latest model trained on this list (by
    ``lists train``, or by ``lists match`` itself for a list of :data:`MIN_TRAIN` or more
    identities), else the shipped model. A model trained on one list is never applied to
    another unasked."""
    if model != SHIPPED and wh.has(MODELS):
        raw = wh.con.con
        if model:
            row = raw.execute(f"SELECT model_id, model FROM {MODELS} WHERE model_id = ? "
                              "ORDER BY trained_at DESC LIMIT 1", [model]).fetchone()
        else:
            row = raw.execute(f"SELECT model_id, model FROM {MODELS} WHERE source = ? "
                              "ORDER BY trained_at DESC LIMIT 1", [source]).fetchone()
        if row:
            return row[0], json.loads(row[1])
    if model and model != SHIPPED:
        known = ([r[0] for r in wh.con.con.execute(f"SELECT DISTINCT model_id FROM {MODELS} ORDER BY 1").fetchall()]
                 if wh.has(MODELS) else [])
        raise MatchError(f"tidak ada model '{model}'; yang ada: {', '.join([SHIPPED, *known])}")
    shipped = prob.default_model()
    return prob.model_id(shipped, SHIPPED), shipped


def people_index(wh, progress=None) -> tuple[ibis.Table, str]:
    """The registry's people in the identity shape, rebuilt only when the registry changed."""
    fp = fingerprint(wh)
    raw = wh.con.con
    if wh.has(STATE) and wh.has(PEOPLE):
        row = raw.execute(f"SELECT fingerprint FROM {STATE} WHERE name = 'people'").fetchone()
        if row and row[0] == fp:
            return wh.table(PEOPLE), fp
    if progress:
        progress("indeks registri")
    expr = pp.registry_people(registry_of(wh), _regions(wh))
    wh.con.create_table(PEOPLE, expr, overwrite=True)
    raw.execute(f"CREATE OR REPLACE TABLE {STATE} AS SELECT 'people' AS name, ? AS fingerprint", [fp])
    return wh.table(PEOPLE), fp


def latest_import(wh, source: str) -> str:
    if not wh.has(LIST_IMPORTS):
        raise MatchError("belum ada daftar yang diimpor: jalankan dulu `cakupan lists import FILE --source NAMA`")
    row = wh.con.con.execute(f"SELECT import_id FROM {LIST_IMPORTS} WHERE source = ? "
                             "ORDER BY imported_at DESC LIMIT 1", [source]).fetchone()
    if not row:
        known = [r[0] for r in wh.con.con.execute(f"SELECT DISTINCT source FROM {LIST_IMPORTS} ORDER BY 1").fetchall()]
        raise MatchError(f"tidak ada daftar bernama '{source}'; yang ada: {', '.join(known) or '-'}")
    return row[0]


def _reviews(wh) -> ibis.Table:
    if wh.has(REVIEWS):
        return wh.table(REVIEWS).select("unique_id", "nik", "decision")
    return ibis.memtable(pa.table({"unique_id": pa.array([], pa.string()), "nik": pa.array([], pa.string()),
                                   "decision": pa.array([], pa.string())}))


def match_list(wh, source: str, period: str, thresholds: Thresholds = Thresholds(),
               progress=None, model: str | None = None) -> MatchReport:
    """Match the latest version of ``source``; store links and outcomes; report counts.
    ``model``: see :func:`model_for`."""
    if wh.engine != "duckdb":
        raise MatchError("lists are matched in the DuckDB warehouse: run without --engine spark")
    step = progress or (lambda name: None)
    clock = time.perf_counter()
    import_id = latest_import(wh, source)
    report = MatchReport(source, import_id, period)
    people, fp = people_index(wh, step)
    report.seconds["indeks registri"] = time.perf_counter() - clock

    rows = wh.table(LIST_ROWS).filter(ibis._.import_id == import_id)
    ids = wh.to_arrow(pp.list_identity(rows, _regions(wh)))
    report.identities = len(ids)
    model_id, weights = model_for(wh, source, model)
    if model is None and model_id.startswith(SHIPPED) and len(ids) >= MIN_TRAIN:
        from cakupan.lists.review import train_model

        clock = time.perf_counter()
        step("melatih model untuk daftar ini")
        train_model(wh, source, auto=True)
        model_id, weights = model_for(wh, source)
        report.seconds["latih model"] = time.perf_counter() - clock
    report.model_id = model_id
    key = f"{fp}:{model_id}:{thresholds.upper}:{thresholds.lower}:{thresholds.margin}"
    if wh.has(LINKS):
        done = wh.to_arrow(wh.table(LINKS).filter(ibis._.cache_key == key).select("unique_id"))
        report.reused = len(done)
        new = ibis.memtable(ids).anti_join(ibis.memtable(done), "unique_id")
        new_ids = wh.to_arrow(new)
    else:
        new_ids = ids
    clock = time.perf_counter()
    step("tahap NIK")
    new_t = ibis.memtable(new_ids)
    hits = wh.to_arrow(exact.nik_stage(new_t, people))
    accepted = ibis.memtable(hits).filter(ibis._.reason_code.isin(exact.ACCEPTED))
    residual = wh.to_arrow(new_t.anti_join(accepted, "unique_id"))
    report.nik_stage = len(new_ids) - len(residual)
    report.probabilistic_input = len(residual)
    report.seconds["tahap NIK"] = time.perf_counter() - clock

    clock = time.perf_counter()
    step("tahap probabilistik")
    right = wh.to_arrow(people.select(*pp.IDENTITY)) if len(residual) else None
    pairs = prob.score(residual, right, weights, thresholds.lower) if len(residual) else prob.empty_pairs()
    report.pairs = len(pairs)
    report.seconds["tahap probabilistik"] = time.perf_counter() - clock

    clock = time.perf_counter()
    step("keputusan")
    links = oc.decide(new_t, ibis.memtable(hits), ibis.memtable(pairs), _reviews(wh),
                      thresholds.upper, thresholds.lower, thresholds.margin)
    links = wh.to_arrow(links.mutate(cache_key=ibis.literal(key)))
    wh.replace_where(LINKS, links, "unique_id IN (SELECT unique_id FROM incoming)")
    all_links = wh.table(LINKS).filter(ibis._.cache_key == key)
    status = pp.person_status(registry_of(wh), period)
    result = oc.outcomes(rows, ibis.memtable(ids), all_links, status)
    table = wh.to_arrow(result.mutate(source=ibis.literal(source), import_id=ibis.literal(import_id),
                                      period=ibis.literal(period)))
    table = table.append_column("matched_at", pa.array([datetime.now(UTC).replace(tzinfo=None)] * len(table),
                                                       pa.timestamp("us")))
    invalid = _quarantined(wh, import_id, source, period, table.schema)
    if len(invalid):
        table = pa.concat_tables([table, invalid])
    wh.replace_where(MATCHES, table, "source = ?", [source])
    report.rows = len(table)
    report.counts = dict(sorted(
        (k, v) for k, v in zip(*_count(table["outcome"]))))
    report.seconds["keputusan"] = time.perf_counter() - clock
    return report


def _count(col: pa.ChunkedArray) -> tuple[list, list]:
    vc = col.value_counts()
    return vc.field("values").to_pylist(), vc.field("counts").to_pylist()


def _quarantined(wh, import_id: str, source: str, period: str, schema: pa.Schema) -> pa.Table:
    """Rows the import put in quarantine: INVALID, so every row read has an outcome."""
    if not wh.has("quarantine"):
        return schema.empty_table()
    got = wh.con.con.execute(
        "SELECT row_number, reason_code FROM quarantine WHERE import_id = ? ORDER BY row_number",
        [import_id]).fetch_arrow_table()
    n = len(got)
    cols = {f.name: pa.nulls(n, f.type) for f in schema}
    cols.update(row_number=got["row_number"].cast(pa.int64()), outcome=pa.array(["INVALID"] * n),
                reason_code=got["reason_code"], source=pa.array([source] * n),
                import_id=pa.array([import_id] * n), period=pa.array([period] * n),
                decision=pa.array([oc.NONE] * n))
    cols["matched_at"] = pa.array([datetime.now(UTC).replace(tzinfo=None)] * n, pa.timestamp("us"))
    return pa.table([cols[f.name] for f in schema], schema=schema)

