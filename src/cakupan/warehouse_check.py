"""The warehouse's invariants, checked: each breach in words, none means healthy.

- every import's counts add up: read = accepted + quarantined (+ skipped where recorded),
  accepted = inserted + updated + unchanged, and the quarantine holds as many rows as the
  import says it put there (registry imports and partner lists alike);
- no orphan rows: list rows or quarantine rows of no import, list outcomes without a list
  row, list rows of a matched version without an outcome (no lead can come from them),
  cohort members without a cohort;
- every contract (:mod:`cakupan.contracts`) holds on its table: its columns and types,
  required values present, allowed values only, keys unique;
- every region code resolves against ``regions`` (or, when the warehouse has none, the
  shipped Kemendagri master the importers validate with) at the level its column means.

:func:`check` only reads; it returns the breaches, the caller decides what to print.
"""

from __future__ import annotations

from dataclasses import dataclass

from cakupan.contracts import CONTRACTS, Contract
from cakupan.reports.format import integer as n
from cakupan.warehouse import fetch, quote


@dataclass(frozen=True)
class Breach:
    check: str
    """``counts``, ``orphans``, ``contract`` or ``regions``."""
    table: str
    message: str
    """One Indonesian sentence saying what is wrong (and where)."""
    rows: int = 0


@dataclass
class CheckResult:
    breaches: list[Breach]
    checks: int
    """How many invariants were checked."""

    @property
    def ok(self) -> bool:
        return not self.breaches


class _Checker:
    def __init__(self, raw):
        self.raw = raw
        self.breaches: list[Breach] = []
        self.checks = 0
        self.tables = {r[0] for r in fetch(raw, "SELECT table_name FROM information_schema.tables "
                                                "WHERE table_schema = current_schema()")}

    def columns(self, table: str) -> dict[str, str]:
        return dict(fetch(self.raw, "SELECT column_name, data_type FROM information_schema.columns "
                                    "WHERE table_name = ? AND table_schema = current_schema()", [table]))

    def count(self, sql: str, params: list | None = None) -> int:
        return int(fetch(self.raw, sql, params)[0][0] or 0)

    def expect_none(self, check: str, table: str, sql: str, say, params: list | None = None) -> None:
        """One invariant: ``sql`` counts the rows that break it."""
        self.checks += 1
        bad = self.count(sql, params)
        if bad:
            self.breaches.append(Breach(check, table, say(bad), bad))

    def ids(self, *tables: str, column: str = "import_id") -> str:
        """A subquery of ``column`` over those of ``tables`` that exist (empty if none)."""
        parts = [f"SELECT {column} FROM {x}" for x in tables if x in self.tables]
        return " UNION ALL ".join(parts) or f"SELECT NULL::VARCHAR AS {column} WHERE FALSE"

    # -- imports add up ----------------------------------------------------------------
    def import_counts(self) -> None:
        if "imports" in self.tables:
            cols = self.columns("imports")
            skipped = " + coalesce(skipped, 0)" if "skipped" in cols else ""
            self.expect_none("counts", "imports", f"SELECT count(*) FROM imports WHERE rows_read <> accepted + quarantined{skipped}",
                             lambda k: f"{n(k)} impor dengan jumlah dibaca ≠ diterima + karantina"
                                       + (" + dilewati" if skipped else ""))
            self.expect_none("counts", "imports", "SELECT count(*) FROM imports WHERE accepted <> inserted + updated + unchanged",
                             lambda k: f"{n(k)} impor dengan jumlah diterima ≠ baru + diperbarui + sama")
            self._quarantine_matches("imports", "quarantined")
        if "list_imports" in self.tables:
            cols = self.columns("list_imports")
            skipped = " + coalesce(skipped, 0)" if "skipped" in cols else ""
            self.expect_none("counts", "list_imports", f"SELECT count(*) FROM list_imports WHERE rows_read <> accepted + quarantined{skipped}",
                             lambda k: f"{n(k)} impor daftar dengan jumlah dibaca ≠ diterima + karantina")
            if "list_rows" in self.tables:
                self.expect_none("counts", "list_imports", """
                    SELECT count(*) FROM list_imports i
                    LEFT JOIN (SELECT import_id, count(*) AS k FROM list_rows GROUP BY 1) r USING (import_id)
                    WHERE i.accepted <> coalesce(r.k, 0)""",
                    lambda k: f"{n(k)} impor daftar yang jumlah barisnya di list_rows tidak sama dengan "
                              "jumlah diterima yang dicatat")
            self._quarantine_matches("list_imports", "quarantined")

    def _quarantine_matches(self, log: str, column: str) -> None:
        held = ("(SELECT import_id, count(*) AS k FROM quarantine GROUP BY 1)" if "quarantine" in self.tables
                else "(SELECT NULL::VARCHAR AS import_id, 0 AS k WHERE FALSE)")
        self.expect_none("counts", log, f"""
            SELECT count(*) FROM {log} i LEFT JOIN {held} q USING (import_id)
            WHERE i.{column} <> coalesce(q.k, 0)""",
            lambda k: f"{n(k)} impor ({log}) yang jumlah baris karantinanya tidak sama dengan yang dicatat")

    # -- orphans -----------------------------------------------------------------------
    def orphans(self) -> None:
        t = self.tables
        if "list_rows" in t:
            self.expect_none("orphans", "list_rows", "SELECT count(*) FROM list_rows WHERE import_id NOT IN "
                             f"({self.ids('list_imports')})",
                             lambda k: f"{n(k)} baris daftar tanpa catatan impornya di list_imports")
        if "quarantine" in t:
            self.expect_none("orphans", "quarantine",
                             f"SELECT count(*) FROM quarantine WHERE import_id NOT IN ({self.ids('imports', 'list_imports')})",
                             lambda k: f"{n(k)} baris karantina tanpa catatan impornya")
        if "list_matches" in t:
            sources = [f"SELECT import_id, row_number FROM {x}" for x in ("list_rows", "quarantine") if x in t]
            self.expect_none("orphans", "list_matches", f"""
                SELECT count(*) FROM list_matches m WHERE NOT EXISTS (
                    SELECT 1 FROM ({' UNION ALL '.join(sources) or 'SELECT NULL AS import_id, NULL AS row_number'}) r
                    WHERE r.import_id = m.import_id AND r.row_number = m.row_number)""",
                lambda k: f"{n(k)} hasil pencocokan tanpa baris daftarnya (list_rows atau karantina)")
            if "list_rows" in t:
                self.expect_none("orphans", "list_rows", """
                    SELECT count(*) FROM list_rows r
                    WHERE r.import_id IN (SELECT import_id FROM list_matches)
                      AND NOT EXISTS (SELECT 1 FROM list_matches m
                                      WHERE m.import_id = r.import_id AND m.row_number = r.row_number)""",
                    lambda k: f"{n(k)} baris daftar yang sudah dicocokkan tanpa hasil pencocokan "
                              "(tidak bisa jadi prospek); jalankan lagi cakupan lists match")
        if "sponsor_cohort_members" in t:
            self.expect_none("orphans", "sponsor_cohort_members",
                             "SELECT count(*) FROM sponsor_cohort_members WHERE cohort_id NOT IN "
                             f"({self.ids('sponsor_cohorts', column='cohort_id')})",
                             lambda k: f"{n(k)} anggota kohort sponsor tanpa kohortnya di sponsor_cohorts")

    # -- contracts ---------------------------------------------------------------------
    def contracts(self) -> None:
        from ibis.backends.sql.datatypes import DuckDBType

        for contract in CONTRACTS.values():
            if contract.name not in self.tables:
                continue
            have = self.columns(contract.name)
            self.checks += 1
            missing = [c for c in contract.names if c not in have]
            if missing:
                self.breaches.append(Breach("contract", contract.name,
                                            f"tabel {contract.name} tidak punya kolom {', '.join(missing)}"))
            def same(stored: str, want) -> bool:
                try:
                    return DuckDBType.from_string(stored).copy(nullable=True) == want.copy(nullable=True)
                except Exception:  # noqa: BLE001 - a type Ibis cannot read is not the contract's
                    return False

            wrong = [f"{c.name} ({have[c.name]}, seharusnya {DuckDBType.from_ibis(c.dtype).sql('duckdb')})"
                     for c in contract.columns if c.name in have and not same(have[c.name], c.dtype)]
            if wrong:
                self.breaches.append(Breach("contract", contract.name,
                                            f"tabel {contract.name}: tipe kolom salah: {', '.join(wrong)}"))
            self._contract_values(contract, have)

    def _contract_values(self, contract: Contract, have: dict[str, str]) -> None:
        t = quote(contract.name)
        for c in contract.columns:
            if c.name not in have:
                continue
            col = quote(c.name)
            if c.required:
                self.expect_none("contract", contract.name, f"SELECT count(*) FROM {t} WHERE {col} IS NULL",
                                 lambda k, c=c: f"tabel {contract.name}: {n(k)} baris tanpa {c.name} (wajib)")
            if c.allowed:
                allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in c.allowed)
                if c.name == "programmes":  # a comma-separated set
                    bad = (f"len(list_filter(string_split({col}, ','), x -> trim(x) NOT IN ({allowed}))) > 0")
                else:
                    bad = f"{col} NOT IN ({allowed})"
                self.expect_none("contract", contract.name, f"SELECT count(*) FROM {t} WHERE {col} IS NOT NULL AND {bad}",
                                 lambda k, c=c: f"tabel {contract.name}: {n(k)} baris dengan {c.name} di luar "
                                                f"pilihan ({', '.join(c.allowed)})")
        if all(k in have for k in contract.key):
            key = ", ".join(quote(k) for k in contract.key)
            self.expect_none("contract", contract.name,
                             f"SELECT count(*) FROM (SELECT {key} FROM {t} GROUP BY ALL HAVING count(*) > 1)",
                             lambda k: f"tabel {contract.name}: {n(k)} kunci ({', '.join(contract.key)}) "
                                       "muncul lebih dari sekali")

    # -- region codes ------------------------------------------------------------------
    REGION_COLUMNS = (
        # table, column, levels it may name, filter
        ("participants", "village_code", (4,), None),
        ("employers", "regency_code", (2,), None),
        ("workforce", "region_code", (1, 2), None),
        ("branches", "regency_code", (2,), None),
        ("targets", "area_code", (1, 2), "level IN ('PROVINCE', 'REGENCY')"),
        ("sponsor_cohort_members", "village_code", (4,), None),
    )
    LEVEL_WORDS = {1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}

    def regions(self) -> None:
        used = [(t, c, lv, f) for t, c, lv, f in self.REGION_COLUMNS
                if t in self.tables and c in self.columns(t)]
        if not used:
            return
        regions = "regions"
        if "regions" not in self.tables:  # the shipped master, as the importers used it
            from cakupan.regions import region_master

            regions = "_cakupan_region_master"
            self.raw.register(regions, region_master().select(["code", "level"]))
        for table, column, levels, where in used:
            kinds = " atau ".join(self.LEVEL_WORDS[lv] for lv in levels)
            self.expect_none("regions", table, f"""
                SELECT count(*) FROM {quote(table)} x
                WHERE x.{quote(column)} IS NOT NULL {'AND ' + where if where else ''}
                  AND NOT EXISTS (SELECT 1 FROM {regions} r WHERE r.code = x.{quote(column)}
                                  AND r.level IN ({', '.join(map(str, levels))}))""",
                lambda k, table=table, column=column, kinds=kinds:
                    f"tabel {table}: {n(k)} baris dengan {column} yang bukan kode {kinds} Kemendagri")
        if regions != "regions":
            self.raw.unregister(regions)


def check(wh) -> CheckResult:
    """Every invariant of DuckDB warehouse ``wh`` (read only)."""
    checker = _Checker(wh.con.con)
    checker.import_counts()
    checker.orphans()
    checker.contracts()
    checker.regions()
    return CheckResult(checker.breaches, checker.checks)
