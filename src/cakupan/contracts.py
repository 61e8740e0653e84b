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


@dataclass(frozen=True)
class Contract:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[str, ...] = field(default=())

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

CONTRACTS = {c.name: c for c in (PARTICIPANTS, EMPLOYERS, WORKFORCE)}
