"""Table contracts: the columns, types, keys and rules of every warehouse table.

A contract is data, not code: the importer validates against it, the warehouse creates
tables from it, and the README's data model is written from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.datatypes as dt

SEGMENTS = ("PU", "BPU", "JAKON", "PMI")
"""Membership segments: wage earners, non-wage earners (informal), construction projects,
migrant workers (FACTS.md section 7)."""

SUB_SEGMENTS = ("UMKM", "USAHA_BESAR", "NON_ASN", "INFORMAL", "RENTAN", "PROYEK", "PMI")
"""UMKM wage earner, wage earner of a large enterprise, non-civil-servant government worker,
informal (self-paying) worker, sponsored vulnerable worker, construction-project worker,
migrant worker."""

PROGRAMMES = ("JKK", "JKM", "JHT", "JP", "JKP")
SPONSOR_TYPES = ("SELF", "EMPLOYER", "APBD", "APBN", "CSR", "ZAKAT")
SEXES = ("L", "P")
SIZE_CLASSES = ("MIKRO", "KECIL", "MENENGAH", "BESAR")
EMPLOYER_STATUSES = ("AKTIF", "NONAKTIF")
KBLI_SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: dt.DataType
    required: bool
    doc: str
    allowed: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    """Other spellings of allowed values, ``(SPELLING, VALUE)``; matched after the value is
    upper-cased with spaces and hyphens turned into ``_`` (e.g. ``("PROVINSI", "PROVINCE")``)."""


@dataclass(frozen=True)
class Contract:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[str, ...] = field(default=())
    aliases: tuple[tuple[str, str], ...] = ()
    """Header names that mean a column of this table only, ``(header, column)``; applied
    after the readers' shared aliases (``kode_wilayah``, which the readers already rename to
    ``region_code``, is listed here as ``region_code``)."""

    @property
    def schema(self) -> ibis.Schema:
        return ibis.schema({c.name: c.dtype.copy(nullable=not c.required) for c in self.columns})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


S, D, I64, B = dt.string, dt.date, dt.int64, dt.boolean

PARTICIPANTS = Contract(
    name="participants",
    doc="One row per membership (a person may hold several; coverage counts each NIK once).",
    key=("kpj",),
    columns=(
        Column("kpj", S, True, "participant card number (KPJ), 10-16 digits"),
        Column("nik", S, True, "16-digit NIK: district, birth date (+40 for women), serial"),
        Column("name", S, True, "full name as registered"),
        Column("birth_date", D, True, "date of birth, not in the future"),
        Column("sex", S, True, "L (male) or P (female)", SEXES),
        Column("village_code", S, True, "domicile village, 10-digit Kemendagri code"),
        Column("segment", S, True, "membership segment", SEGMENTS),
        Column("sub_segment", S, False, "finer segment", SUB_SEGMENTS),
        Column("occupation", S, False, "informal occupation (pedagang, nelayan, ...)"),
        Column("npp", S, False, "employer registration number; required for PU"),
        Column("wage", I64, False, "declared monthly wage or income, integer rupiah"),
        Column("programmes", S, True, "comma-separated programmes, e.g. JKK,JKM,JHT", PROGRAMMES),
        Column("registered_date", D, True, "date the membership was registered"),
        Column("last_paid_month", S, False, "last month with a paid contribution, YYYY-MM"),
        Column("sponsor_type", S, True, "who pays the contribution", SPONSOR_TYPES),
    ),
    rules=(
        "kpj is unique; a second row with the same kpj is quarantined",
        "nik structure is valid and its birth date and sex agree with birth_date and sex",
        "village_code exists in the Kemendagri region master",
        "PU memberships name their employer (npp)",
        "last_paid_month is not before the registration month",
        "a membership is active in month M when registration month <= M <= last_paid_month",
    ),
)

EMPLOYERS = Contract(
    name="employers",
    doc="One row per registered employer (pemberi kerja).",
    key=("npp",),
    columns=(
        Column("npp", S, True, "employer registration number (NPP), digits"),
        Column("name", S, True, "employer name"),
        Column("npwp", S, False, "tax id, 15 or 16 digits"),
        Column("kbli_sector", S, True, "KBLI section letter A-U", KBLI_SECTIONS),
        Column("size_class", S, True, "enterprise size", SIZE_CLASSES),
        Column("regency_code", S, True, "4-digit Kemendagri regency/city code"),
        Column("registered_date", D, True, "date the employer registered"),
        Column("status", S, True, "AKTIF or NONAKTIF", EMPLOYER_STATUSES),
    ),
    rules=("npp is unique", "regency_code exists in the region master"),
)

WORKFORCE = Contract(
    name="workforce",
    doc="Labour-force denominators (BPS Sakernas or as published), per region and period.",
    key=("region_code", "period", "employment_status", "sector"),
    columns=(
        Column("region_code", S, True, "2-digit province or 4-digit regency code"),
        Column("period", S, True, "survey month the figure describes, YYYY-MM"),
        Column("employed", I64, True, "employed persons (bekerja)"),
        Column("unemployed", I64, False, "open unemployed (pengangguran terbuka)"),
        Column("employment_status", I64, False, "BPS main employment status 1-7; empty = all"),
        Column("sector", I64, False, "BPS 17-group main industry 1-17; empty = all"),
        Column("source", S, True, "publication the figure comes from"),
        Column("estimated", B, True, "true when allocated or modelled rather than published"),
    ),
    rules=(
        "employed and unemployed are non-negative",
        "coverage uses the latest period at or before the month asked for",
    ),
)

TARGET_LEVELS = ("PROVINCE", "REGENCY", "BRANCH")
TARGET_SEGMENTS = ("ALL",) + SEGMENTS
ALL_SEGMENTS = "ALL"

_LEVEL_SYNONYMS = tuple(
    [(w, "PROVINCE") for w in ("PROVINSI", "PROV", "PROV.", "PROPINSI")]
    + [(w, "REGENCY") for w in ("KABUPATEN", "KAB", "KAB.", "KOTA", "KAB/KOTA", "KAB./KOTA",
                                "KAB_KOTA", "KABUPATEN/KOTA", "KABUPATEN_KOTA", "KABKOTA", "CITY")]
    + [(w, "BRANCH") for w in ("CABANG", "KC", "KCP", "KANTOR_CABANG")]
)

TARGETS = Contract(
    name="targets",
    doc="Targets of active distinct workers per area, segment and month (e.g. from the RKAT).",
    key=("level", "area_code", "segment", "period"),
    columns=(
        Column("level", S, True, "PROVINCE, REGENCY or BRANCH (provinsi, kabupaten/kota, cabang)",
               TARGET_LEVELS, _LEVEL_SYNONYMS),
        Column("area_code", S, True,
               "2-digit province or 4-digit regency Kemendagri code, or a branch code"),
        Column("segment", S, True, "ALL (semua) or one membership segment", TARGET_SEGMENTS,
               (("SEMUA", "ALL"), ("SEMUA_SEGMEN", "ALL"), ("TOTAL", "ALL"))),
        Column("period", S, True, "month the target is for, YYYY-MM"),
        Column("target", I64, True, "target number of active distinct workers, >= 0"),
        Column("source", S, False, "where the target comes from, e.g. RKAT 2021"),
        Column("cascaded_from", S, False,
               "how a cascaded row was derived, e.g. PROVINCE 33 x share of employed (2021-08); "
               "empty for imported rows"),
    ),
    rules=(
        "(level, area_code, segment, period) is unique",
        "a PROVINCE area_code is a 2-digit, a REGENCY area_code a 4-digit Kemendagri code",
        "a BRANCH area_code exists in the branches table (import it first)",
        "target is a non-negative integer",
        "cascaded rows never replace an imported row with the same key",
    ),
    aliases=(
        ("wilayah", "area_code"), ("region_code", "area_code"), ("kode_area", "area_code"),
        ("kode", "area_code"), ("area", "area_code"),
        ("tingkat", "level"), ("jenjang", "level"), ("level_wilayah", "level"),
        ("bulan", "period"), ("bulan_target", "period"),
        ("target_peserta", "target"), ("target_peserta_aktif", "target"),
        ("target_aktif", "target"), ("target_tk_aktif", "target"),
        ("diturunkan_dari", "cascaded_from"), ("kaskade", "cascaded_from"),
    ),
)

BRANCHES = Contract(
    name="branches",
    doc="BPJS Ketenagakerjaan branch offices and the regencies/cities each serves "
        "(one row per branch and regency).",
    key=("branch_code", "regency_code"),
    columns=(
        Column("branch_code", S, True, "branch office code, e.g. KC-SMG"),
        Column("branch_name", S, True, "branch office name, e.g. Semarang Pemuda"),
        Column("regency_code", S, True, "4-digit Kemendagri regency/city code the branch serves"),
    ),
    rules=("(branch_code, regency_code) is unique", "regency_code exists in the region master"),
    aliases=(
        ("kode_cabang", "branch_code"), ("cabang", "branch_code"), ("kode_kc", "branch_code"),
        ("kantor_cabang", "branch_code"),
        ("nama_cabang", "branch_name"), ("nama_kc", "branch_name"), ("name", "branch_name"),
        ("region_code", "regency_code"), ("wilayah", "regency_code"),
    ),
)

CONTRACTS = {c.name: c for c in (PARTICIPANTS, EMPLOYERS, WORKFORCE, TARGETS, BRANCHES)}
