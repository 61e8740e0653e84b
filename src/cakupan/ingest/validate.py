"""Validate a frame of strings against a table contract: accepted rows or quarantine.

Vectorised Polars (no per-row Python). Every row ends in exactly one of the two outputs.
A quarantined row carries every problem found: ``reason_code`` is the comma-joined list of
its distinct stable English codes (in :data:`REASON_CODES` order), ``reason`` the Indonesian
sentences (in column order) joined with ``"; "``.

Reason codes: ``required_missing``, ``bad_nik``, ``nik_mangled``, ``nik_conflict``,
``bad_id`` (KPJ/NPP/NPWP not digits), ``unknown_region``, ``unknown_branch`` (a branch
target whose branch is not in the ``branches`` table, see :func:`known_values`),
``bad_date``, ``future_date``,
``bad_month``, ``unknown_value``, ``bad_number``, ``pu_without_npp``,
``paid_before_registered``, ``implausible_target`` (a target above the region's labour
force, see :func:`target_limits`, or above Indonesia's population), ``duplicate_key``. A missing required *column* is not a row
problem: :func:`check_columns` raises :class:`IngestError` for the whole file.

A contract may name its own header aliases (``Contract.aliases``) and value spellings
(``Column.synonyms``); both are applied here, after the readers' shared aliases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import polars as pl
import pyarrow as pa

from cakupan.contracts import Contract
from cakupan.identity.nik import MANGLED, UNKNOWN_DISTRICT, validate_nik_frame
from cakupan.ingest.dates import YearRule, parse_dates
from cakupan.ingest.readers import ROW, IngestError

SHEET = "_sheet"
SEX_SYNONYMS = {"LAKI_LAKI": "L", "LAKI": "L", "PRIA": "L", "M": "L",
                "PEREMPUAN": "P", "WANITA": "P", "F": "P"}
TRUE_WORDS = ("true", "ya", "y", "yes", "1", "benar")
FALSE_WORDS = ("false", "tidak", "n", "no", "0", "salah")
INT_RANGES = {("workforce", "employment_status"): (1, 7), ("workforce", "sector"): (1, 17)}
REGION_KINDS = {"village_code": (10,), "regency_code": (4,), "region_code": (2, 4)}
ID_COLUMNS = {"kpj": "KPJ", "npp": "NPP", "npwp": "NPWP"}
REASON_CODES = (
    "required_missing", "bad_nik", "nik_mangled", "nik_conflict", "bad_id", "unknown_region",
    "unknown_branch", "bad_date", "future_date", "bad_month", "unknown_value", "bad_number",
    "pu_without_npp", "paid_before_registered", "implausible_target", "duplicate_key",
)
"""Every row-level reason code, in the order ``reason_code`` lists them."""
_MANGLED_RE = r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$|^\d+[.,]0+$"
CODE_COLUMNS = ("area_code", "branch_code")
"""Codes that are either a Kemendagri code (digits, maybe dotted: dots and spaces are
dropped) or an office code (upper-cased, inner spaces collapsed)."""
REGION_LEVELS = {"PROVINCE": (2, "provinsi"), "REGENCY": (4, "kabupaten/kota")}
"""targets.level -> (code length, Indonesian name) for the area_code check."""

_KNOWN: ContextVar[Mapping[str, frozenset[str]] | None] = ContextVar("cakupan_known_values",
                                                                     default=None)
_LIMITS: ContextVar[Mapping[str, int] | None] = ContextVar("cakupan_target_limits", default=None)
POPULATION_CAP = 300_000_000
"""No target of active workers can exceed Indonesia's population (about 280 million)."""


@contextmanager
def target_limits(labour_force: Mapping[str, int]) -> Iterator[None]:
    """The labour force (employed + unemployed) per province or regency code: a target
    above its area's labour force is quarantined as ``implausible_target``."""
    token = _LIMITS.set(dict(labour_force))
    try:
        yield
    finally:
        _LIMITS.reset(token)


@contextmanager
def known_values(**values: Iterable[str]) -> Iterator[None]:
    """Reference values that live in the warehouse, for rules the validator cannot check
    from the file alone. ``known_values(branch_code=[...])``: a ``targets`` row of level
    BRANCH whose area_code is not among them is quarantined as ``unknown_branch``.
    Without it (a bare ``import_file``), branch codes are not checked -- import targets
    through ``cakupan targets import``, which supplies the ``branches`` table."""
    token = _KNOWN.set({k: frozenset(v) for k, v in values.items()})
    try:
        yield
    finally:
        _KNOWN.reset(token)


@dataclass
class ValidationResult:
    accepted: pa.Table
    quarantined: pl.DataFrame
    """Columns ``_row``, (``_sheet``), ``reason_code``, ``reason``, ``raw`` (JSON text)."""
    warnings: dict[str, int] = field(default_factory=dict)
    """Counts of accepted rows with a warning (``unknown_district``: NIK prefix not in the
    region master, e.g. a code retired by a regency split)."""


@lru_cache(maxsize=None)
def region_codes(length: int) -> tuple[str, ...]:
    from cakupan.regions import names

    return tuple(sorted(c for c in names() if len(c) == length))


def apply_aliases(contract: Contract, df: pl.DataFrame, where: str = "file") -> pl.DataFrame:
    """Rename the contract's own header aliases (``Contract.aliases``) to column names.

    Two headers meaning the same column are merged when no row fills both (sheets of one
    workbook concatenated), else :class:`IngestError`."""
    aliases = dict(contract.aliases)
    for old in [c for c in df.columns if c in aliases and c not in contract.names]:
        new = aliases[old]
        if new not in df.columns:
            df = df.rename({old: new})
            continue
        filled = lambda c: pl.col(c).is_not_null() & (pl.col(c).cast(pl.String).str.strip_chars() != "")
        if df.select((filled(old) & filled(new)).any()).item():
            raise IngestError(f"{where}: kolom '{old}' dan '{new}' sama-sama berarti '{new}'; "
                              "hapus salah satunya")
        df = df.with_columns(pl.when(filled(new)).then(pl.col(new)).otherwise(pl.col(old))
                             .alias(new)).drop(old)
    return df


def check_columns(contract: Contract, df: pl.DataFrame, where: str = "file") -> None:
    """Raise :class:`IngestError` when a required column is absent."""
    aliases = dict(contract.aliases)
    present = [c for c in df.columns if c not in (ROW, SHEET)]
    have = {c if c in contract.names else aliases.get(c, c) for c in present}
    missing = [c.name for c in contract.columns if c.required and c.name not in have]
    if missing:
        raise IngestError(
            f"{where}: kolom wajib tidak ada: {', '.join(missing)}. "
            f"Kolom yang ada: {', '.join(present) or '(tidak ada)'}. "
            f"Tabel {contract.name} memakai kolom: {', '.join(contract.names)}"
        )


# -- per-kind parsing ------------------------------------------------------------------
def _s(name: str) -> pl.Expr:
    return pl.col(f"s_{name}")


def _v(name: str) -> pl.Expr:
    return pl.col(f"v_{name}")


def _parse_date(s: pl.Expr, rule: YearRule | None = None) -> pl.Expr:
    """The shared date parser (:mod:`cakupan.ingest.dates`)."""
    return parse_dates(s, rule or YearRule.event())[0]


def _parse_month(s: pl.Expr) -> pl.Expr:
    # a date on the first of the month (as spreadsheets store months) counts as that month
    t = s.str.replace(r"^(\d{4}[-/]\d{2})[-/]01([ T]00:00(:00)?)?$", "$1").str.replace("/", "-", literal=True)
    ok = t.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")
    return pl.when(ok).then(t)


def _parse_int(s: pl.Expr) -> pl.Expr:
    """Non-negative integers: ``2500000``, ``2.500.000`` (id-ID), ``Rp 2.500.000,00``,
    ``2500000.0`` (spreadsheet float form)."""
    t = s.str.replace(r"(?i)^rp\.?\s*", "").str.replace_all(" ", "", literal=True)
    digits = (
        pl.when(t.str.contains(r"^\d{1,3}(\.\d{3})+(,0+)?$"))
        .then(t.str.replace(r",0+$", "").str.replace_all(".", "", literal=True))
        .when(t.str.contains(r"^\d+(,0+|\.0)?$")).then(t.str.replace(r"[.,]0+$", ""))
    )
    return pl.when(digits.str.len_chars() <= 18).then(digits.cast(pl.Int64, strict=False))


def _column_stage(contract: Contract, name: str, today: date):
    """(value expression, [(code, message-or-null expression)]) for one column.

    Value expressions read ``s_<col>`` (trimmed text); messages may read ``v_<col>``.
    """
    col = contract.column(name)
    s, v = _s(name), _v(name)
    problems: list[tuple[str, pl.Expr]] = []
    kind = col.dtype
    if name == "nik":
        value = pl.col("_nik_clean")
        problems.append(("nik_mangled", pl.when(s.is_not_null() & (pl.col("_nik_problem") == MANGLED))
                         .then(pl.col("_nik_message"))))
        problems.append(("bad_nik", pl.when(s.is_not_null() & pl.col("_nik_problem").is_not_null()
                                            & (pl.col("_nik_problem") != MANGLED))
                         .then(pl.col("_nik_message"))))
    elif name in ID_COLUMNS:
        label = ID_COLUMNS[name]
        t = s.str.strip_chars_start("'").str.strip_chars()
        mangled = t.str.replace_all(" ", "", literal=True).str.contains(_MANGLED_RE)
        value = pl.when(mangled).then(t).otherwise(t.str.replace_all(r"[\s.\-]", ""))
        problems.append(("bad_id", pl.when(mangled).then(pl.format(
            f"{label} rusak oleh spreadsheet ({{}}): ekspor ulang kolom sebagai teks", s))
            .when(~mangled & ~v.str.contains(r"^\d+$")).then(pl.format(
                f"{label} hanya boleh berisi angka, tertulis '{{}}'", s))))
        if name == "npwp":
            problems.append(("bad_id", pl.when(v.str.contains(r"^\d+$") & ~v.str.len_chars().is_in([15, 16]))
                             .then(pl.format("NPWP harus 15 atau 16 digit, tertulis {} digit",
                                             v.str.len_chars()))))
    elif name in REGION_KINDS:
        lengths = REGION_KINDS[name]
        value = s.str.replace_all(r"[\s.]", "")
        known = pl.lit(False)
        for n in lengths:
            known = known | v.is_in(region_codes(n))
        want = " atau ".join(str(n) for n in lengths)
        problems.append(("unknown_region", pl.when(s.is_not_null() & ~known).then(
            pl.when(v.str.contains(r"^\d+$") & v.str.len_chars().is_in(list(lengths)))
            .then(pl.format(f"{name} {{}} tidak ada di daftar wilayah Kemendagri", v))
            .otherwise(pl.format(f"{name} harus kode wilayah {want} digit, tertulis '{{}}'", s)))))
    elif name in CODE_COLUMNS:
        t = s.str.replace_all(r"\s+", " ")
        value = pl.when(t.str.contains(r"^[\d. ]+$")).then(t.str.replace_all(r"[\s.]", "")) \
            .otherwise(t.str.to_uppercase())
    elif name == "programmes":
        allowed = list(col.allowed)
        items = (s.str.to_uppercase().str.replace_all(r"[;/|+\s]+", ",").str.split(",").list.eval(
            pl.element().str.replace_all(r"[\s.]", "")).list.eval(pl.element().filter(pl.element() != ""))
            .list.unique(maintain_order=True))
        value = pl.when(items.list.len() > 0).then(items.list.join(","))
        bad = v.str.split(",").list.eval(pl.element().filter(~pl.element().is_in(allowed))).list.join(", ")
        problems.append(("unknown_value", pl.when(v.is_not_null() & (bad != "")).then(pl.format(
            f"programmes {{}} tidak dikenal (pilihan: {', '.join(allowed)}, pisahkan dengan koma)", bad))))
    elif col.allowed:
        value = s.str.to_uppercase().str.replace_all(r"[\s\-]+", "_")
        if name == "sex":
            value = value.replace(SEX_SYNONYMS)
        if col.synonyms:
            value = value.replace(dict(col.synonyms))
        problems.append(("unknown_value", pl.when(v.is_not_null() & ~v.is_in(list(col.allowed))).then(
            pl.format(f"{name} '{{}}' tidak dikenal (pilihan: {', '.join(col.allowed)})", s))))
    elif kind.is_date():
        rule = YearRule.birth(today) if name == "birth_date" else YearRule.event(today)
        value, code = parse_dates(s, rule)
        problems.append(("bad_date", pl.when(s.is_not_null() & v.is_null()).then(
            pl.when(code == "date_impossible").then(pl.format(
                f"{name} '{{}}': tanggal itu tidak ada di kalender (hari atau bulan salah)", s))
            .otherwise(pl.format(f"{name} '{{}}' bukan tanggal: tulis DD-MM-YYYY atau YYYY-MM-DD", s)))))
        problems.append(("future_date", pl.when(v > pl.lit(today)).then(pl.format(
            f"{name} {{}} ada di masa depan", v.dt.strftime("%Y-%m-%d")))))
    elif name in ("last_paid_month", "period"):
        value = _parse_month(s)
        problems.append(("bad_month", pl.when(s.is_not_null() & v.is_null()).then(pl.format(
            f"{name} '{{}}' bukan bulan: tulis YYYY-MM, mis. 2024-05", s))))
    elif kind.is_integer():
        value = _parse_int(s)
        problems.append(("bad_number", pl.when(s.is_not_null() & v.is_null()).then(pl.format(
            f"{name} '{{}}' harus bilangan bulat tidak negatif, mis. 2500000 atau 2.500.000", s))))
        if (contract.name, name) in INT_RANGES:
            lo, hi = INT_RANGES[(contract.name, name)]
            problems.append(("unknown_value", pl.when(v.is_not_null() & ~v.is_between(lo, hi)).then(
                pl.format(f"{name} {{}} tidak dikenal (pilihan: {lo}-{hi})", v))))
    elif kind.is_boolean():
        low = s.str.to_lowercase()
        value = pl.when(low.is_in(TRUE_WORDS)).then(True).when(low.is_in(FALSE_WORDS)).then(False)
        problems.append(("unknown_value", pl.when(s.is_not_null() & v.is_null()).then(pl.format(
            f"{name} '{{}}' tidak dikenal (pilihan: true/false, ya/tidak, 1/0)", s))))
    else:
        value = s.str.replace_all(r"\s+", " ")
    if col.required:
        empty = v.is_null() if name == "programmes" else s.is_null()  # unparsable is not empty
        problems.insert(0, ("required_missing", pl.when(empty).then(pl.lit(f"kolom {name} kosong"))))
    return value, problems


def _target_problems() -> list[tuple[str, pl.Expr]]:
    """targets: the area code must fit the level (a known province, regency or branch)."""
    level, area = _v("level"), _v("area_code")
    out = []
    for lvl, (n, label) in REGION_LEVELS.items():
        out.append(("unknown_region", pl.when((level == lvl) & area.is_not_null()
                                              & ~area.is_in(region_codes(n))).then(
            pl.when(area.str.contains(rf"^\d{{{n}}}$"))
            .then(pl.format(f"area_code {{}} tidak ada di daftar {label} Kemendagri", area))
            .otherwise(pl.format(f"level {lvl} memerlukan kode {label} {n} digit, tertulis '{{}}'",
                                 _s("area_code"))))))
    target = _v("target")
    out.append(("implausible_target", pl.when(target > POPULATION_CAP).then(pl.format(
        "target {} tidak masuk akal: lebih besar dari seluruh penduduk Indonesia; periksa angkanya",
        _s("target")))))
    limits = _LIMITS.get()
    if limits:
        lf = area.replace_strict(limits, default=None, return_dtype=pl.Int64)
        out.append(("implausible_target", pl.when((target <= POPULATION_CAP) & lf.is_not_null() & (target > lf))
                    .then(pl.format("target {} melebihi angkatan kerja wilayah {} ({} orang); periksa angkanya",
                                    _s("target"), area, lf))))
    branches = (_KNOWN.get() or {}).get("branch_code")
    if branches is not None:
        out.append(("unknown_branch", pl.when((level == "BRANCH") & area.is_not_null()
                                              & ~area.is_in(sorted(branches))).then(pl.format(
            "cabang {} belum ada di tabel branches: impor dulu `cakupan targets branches FILE`",
            area))))
    return out


def _cross_problems(contract: Contract) -> list[tuple[str, pl.Expr]]:
    """Rules that read several columns (after each column's own value is known)."""
    if contract.name == "targets":
        return _target_problems()
    if contract.name != "participants":
        return []
    nik_ok = pl.col("_nik_valid")
    nb, bd = pl.col("_nik_birth_date"), _v("birth_date")
    same_day = ((nb.dt.day() == bd.dt.day()) & (nb.dt.month() == bd.dt.month())
                & (nb.dt.year() % 100 == bd.dt.year() % 100))  # the NIK's century is a guess
    reg_month = _v("registered_date").dt.strftime("%Y-%m")
    return [
        ("nik_conflict", pl.when(nik_ok & bd.is_not_null() & ~same_day).then(pl.format(
            "NIK menunjukkan tanggal lahir {}, kolom birth_date {}",
            nb.dt.strftime("%d-%m-%y"), bd.dt.strftime("%Y-%m-%d")))),
        ("nik_conflict", pl.when(nik_ok & _v("sex").is_in(["L", "P"]) & (pl.col("_nik_sex") != _v("sex")))
         .then(pl.format("NIK menunjukkan jenis kelamin {}, kolom sex {}", pl.col("_nik_sex"), _v("sex")))),
        ("pu_without_npp", pl.when((_v("segment") == "PU") & _v("npp").is_null()).then(
            pl.lit("segmen PU wajib mengisi npp (nomor pendaftaran perusahaan pemberi kerja)"))),
        ("paid_before_registered", pl.when(_v("last_paid_month") < reg_month).then(pl.format(
            "last_paid_month {} sebelum bulan pendaftaran {}", _v("last_paid_month"), reg_month))),
    ]


def _key_label(contract: Contract) -> pl.Expr:
    if len(contract.key) == 1:
        k = contract.key[0]
        return pl.format(f"{ID_COLUMNS.get(k, k)} {{}}", _v(k))
    parts = [_v(k).cast(pl.String).fill_null("-") for k in contract.key]
    return pl.format(f"kombinasi {'/'.join(contract.key)} ({{}})", pl.concat_str(parts, separator="/"))


def validate_frame(contract: Contract, df: pl.DataFrame, today: date | None = None) -> ValidationResult:
    """Split ``df`` (strings, ``_row``, optional ``_sheet``) into accepted and quarantined."""
    today = today or date.today()
    df = apply_aliases(contract, df)
    check_columns(contract, df)
    if ROW not in df.columns:
        df = df.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    has_sheet = SHEET in df.columns
    data_cols = [c for c in df.columns if c not in (ROW, SHEET)]
    lf = df.lazy().with_columns(
        *[(pl.col(c.name).cast(pl.String).str.strip_chars().replace("", None) if c.name in df.columns
           else pl.lit(None, dtype=pl.String)).alias(f"s_{c.name}") for c in contract.columns],
    )
    if "nik" in contract.names:
        lf = validate_nik_frame(lf, "s_nik", today=today, prefix="_nik")
    stages = {c.name: _column_stage(contract, c.name, today) for c in contract.columns}
    lf = lf.with_columns(**{f"v_{n}": value for n, (value, _) in stages.items()})
    problems = [p for _, (_, ps) in stages.items() for p in ps] + _cross_problems(contract)
    lf = lf.with_columns(**{f"_p{i}": msg for i, (_, msg) in enumerate(problems)})
    msgs = [pl.col(f"_p{i}") for i in range(len(problems))]
    by_code: dict[str, list[pl.Expr]] = {}
    for i, (code, _) in enumerate(problems):
        by_code.setdefault(code, []).append(pl.col(f"_p{i}").is_not_null())
    codes = [pl.when(pl.any_horizontal(by_code[code])).then(pl.lit(code))
             for code in sorted(by_code, key=REASON_CODES.index)]
    lf = lf.with_columns(
        reason=pl.concat_str(msgs, separator="; ", ignore_nulls=True).fill_null(""),
        reason_code=pl.concat_str(codes, separator=",", ignore_nulls=True).fill_null(""),
    )
    # duplicate keys among otherwise valid rows: the first (in file order) is accepted
    keys = [f"v_{k}" for k in contract.key]
    ok = pl.col("reason") == ""
    lf = lf.with_row_index("_i").with_columns(_first=pl.col("_i").filter(ok).first().over(keys))
    first_row = pl.col(ROW).gather(pl.col("_first").fill_null(0))
    where = pl.format("di baris {}", first_row)
    if has_sheet:
        where = pl.format("di baris {} (sheet {})", first_row,
                          pl.col(SHEET).gather(pl.col("_first").fill_null(0)).fill_null("-"))
    lf = lf.with_columns(_dup=ok & (pl.col("_i") != pl.col("_first")))
    lf = lf.with_columns(
        reason=pl.when("_dup").then(pl.format("{} sudah ada {}", _key_label(contract), where))
        .otherwise("reason"),
        reason_code=pl.when("_dup").then(pl.lit("duplicate_key")).otherwise("reason_code"),
    )
    keep = ([ROW] + ([SHEET] if has_sheet else []) + ["_i", "reason", "reason_code"]
            + [f"v_{c}" for c in contract.names]
            + (["_nik_warning"] if "nik" in contract.names else []))
    out = lf.select(keep).collect()  # intermediate columns never materialise together
    good = out.filter(pl.col("reason") == "")
    # the original row as JSON, only for the rows that go to quarantine
    bad = out.filter(pl.col("reason") != "").with_columns(
        _raw=df.select(pl.struct([pl.col(c).cast(pl.String) for c in data_cols])
                       .struct.json_encode()).to_series().gather(
            out.filter(pl.col("reason") != "")["_i"]))
    accepted = good.select([pl.col(f"v_{c}").alias(c) for c in contract.names]).to_arrow()
    accepted = accepted.cast(contract.schema.to_pyarrow())
    quarantined = bad.select([ROW] + ([SHEET] if has_sheet else [])
                             + ["reason_code", "reason", pl.col("_raw").alias("raw")])
    warnings = {}
    if "nik" in contract.names:
        n = good.filter(pl.col("_nik_warning") == UNKNOWN_DISTRICT).height
        if n:
            warnings[UNKNOWN_DISTRICT] = n
    if accepted.num_rows + quarantined.height != df.height:
        raise AssertionError(
            f"validation lost rows: read {df.height}, accepted {accepted.num_rows}, "
            f"quarantined {quarantined.height}"
        )
    return ValidationResult(accepted, quarantined, warnings)


def validate(contract: Contract, df: pl.DataFrame, today: date | None = None) -> tuple[pa.Table, pl.DataFrame]:
    """``(accepted rows typed as contract.schema, quarantined rows)``; see :func:`validate_frame`."""
    r = validate_frame(contract, df, today)
    return r.accepted, r.quarantined
