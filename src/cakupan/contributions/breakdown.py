"""What a contribution calculation returns, and the rules every segment shares.

:class:`Breakdown` (a tuple of :class:`Line` plus :class:`Note` texts) is the result of
:func:`~cakupan.contributions.wage_earners.pu`, :func:`~cakupan.contributions.informal.bpu`,
:func:`~cakupan.contributions.projects.jakon` and :func:`~cakupan.contributions.migrants.pmi`.
This module also holds the shared constants, input parsing, overrides, adjustments and notes.

**Periods.** ``period`` is the contribution month ``YYYY-MM``; it uses the rules in force on
the first day of that month. PP 6/2025 took effect on 2025-02-07, so period ``2025-02`` is still
computed under PP 37/2021 and ``2025-03`` is the first month under PP 6/2025; the breakdown says
so in a note whenever a rule changes inside the month asked for.

**Rounding (the only rounding rule).** Every line is computed exactly with
:class:`decimal.Decimal` as base × rate ÷ 100 × adjustment factor (or amount × quantity ×
factor) and rounded once, half up, to whole rupiah. Per-payer totals and the grand total are
sums of the rounded lines. Jakon has one line per programme and band.

**Uncertain values.** A line computed from a rule row marked ``uncertain`` carries
``status="uncertain"``; a line that used a value from ``overrides`` carries ``status="override"``.
``overrides`` maps a rule key (see :func:`cakupan.contributions.rules.override_keys`: every key of
``rates.csv``, ``jp_wage_cap``, ``bpu_income_min/max/step`` and the adjustment ids
``pp49_relief`` / ``pp50_discount``) to a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from cakupan.contributions import rules

ROUNDING = ("each line = base × rate ÷ 100 × adjustment factor, exact decimal arithmetic, rounded "
            "once half up to whole rupiah; totals are sums of the rounded lines")

PAYERS = ("employer", "worker", "government", "participant", "sponsor", "project_owner")
"""Who pays a line. ``sponsor`` is a CSR or zakat body paying for a BPU participant."""

PROGRAMMES = ("JKK", "JKM", "JHT", "JP", "JKP")
SPONSOR_TYPES = ("SELF", "EMPLOYER", "APBD", "APBN", "CSR", "ZAKAT")
"""Same values as :data:`cakupan.contracts.SPONSOR_TYPES` (a test keeps them equal)."""
SPONSOR_PAYER = {"SELF": "participant", "EMPLOYER": "employer", "APBD": "government",
                 "APBN": "government", "CSR": "sponsor", "ZAKAT": "sponsor"}
SIZE_ALIASES = {"micro": "MIKRO", "mikro": "MIKRO", "small": "KECIL", "kecil": "KECIL",
                "medium": "MENENGAH", "menengah": "MENENGAH", "large": "BESAR", "besar": "BESAR"}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
STATUS_ORDER = ("confirmed", "override", "uncertain")

_ONE = Decimal(1)
_HUNDRED = Decimal(100)


class Note(NamedTuple):
    """A note in Indonesian (``id``) and English (``en``)."""

    id: str
    en: str

    def text(self, lang: str = "id") -> str:
        return self.id if lang == "id" else self.en

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Line:
    """One payable amount: a programme, who pays it, how it was computed, where the rule is from."""

    programme: str
    """JKK, JKM, JHT, JP, JKP, or ``JKK+JKM`` for the PMI fixed packages."""
    payer: str
    """One of :data:`PAYERS`."""
    amount: int
    """Whole rupiah, rounded half up (see :data:`ROUNDING`)."""
    regulation: str
    status: str
    """``confirmed``, ``uncertain`` or ``override``."""
    rate_pct: Decimal | None = None
    """Rate applied to ``base`` in percent (after any JKP recomposition)."""
    base: Decimal | None = None
    """Rupiah the rate applies to (wage, capped wage, income value, part of a contract value)."""
    unit_amount: int | None = None
    """Flat amount in rupiah (BPU JKM, PMI packages)."""
    quantity: int | None = None
    """Number of units (months) ``unit_amount`` is charged for; None = once."""
    factor: Decimal = _ONE
    """Share still payable after a relief/discount adjustment (1 = none)."""
    gross_rate_pct: Decimal | None = None
    """Rate before JKP recomposition (PU JKK/JKM of a JKP participant)."""
    detail: str = ""
    """Machine-readable qualifier: ``band:<lower>-<upper>``, ``pre_placement``, ``contract:<months>``,
    ``extra_month``, ``jkp``, ``income_value``."""


@dataclass(frozen=True)
class Breakdown:
    segment: str
    """PU, BPU, JAKON or PMI."""
    period: str | None
    """``YYYY-MM``; None = the rules currently in force (Jakon/PMI without a period)."""
    lines: tuple[Line, ...]
    notes: tuple[Note, ...] = ()
    inputs: tuple[tuple[str, object], ...] = field(default=())
    """The arguments as understood (normalised), for titles and audit."""

    @property
    def totals(self) -> dict[str, int]:
        """Payer -> sum of its lines, in :data:`PAYERS` order, payers without lines omitted."""
        out = {p: 0 for p in PAYERS}
        present = set()
        for ln in self.lines:
            out[ln.payer] += ln.amount
            present.add(ln.payer)
        return {p: v for p, v in out.items() if p in present}

    @property
    def total(self) -> int:
        return sum(ln.amount for ln in self.lines)

    @property
    def status(self) -> str:
        """The weakest status of any line (``confirmed`` if every line is)."""
        return _worst(*(ln.status for ln in self.lines))

    def amount(self, programme: str | None = None, payer: str | None = None) -> int:
        """Sum of the lines matching ``programme`` and/or ``payer``."""
        return sum(ln.amount for ln in self.lines
                   if (programme is None or ln.programme == programme)
                   and (payer is None or ln.payer == payer))

    def line(self, programme: str, payer: str | None = None) -> Line:
        """The single line of ``programme`` (and ``payer``); ``KeyError`` if not exactly one."""
        found = [ln for ln in self.lines if ln.programme == programme
                 and (payer is None or ln.payer == payer)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} lines for {programme}/{payer}")
        return found[0]


# --- helpers ---------------------------------------------------------------------------------

def _worst(*statuses: str) -> str:
    return max(statuses, key=STATUS_ORDER.index, default="confirmed")


def _round(x: Decimal) -> int:
    return int(x.quantize(_ONE, rounding=ROUND_HALF_UP))


def _number(value, what: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} must be a number of rupiah, got {value!r}")
    try:
        d = Decimal(str(value).strip().replace("_", "")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not d.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return d


def _money(value, what: str) -> Decimal:
    d = _number(value, what)
    if d < 0:
        raise ValueError(f"{what} must not be negative (got {value})")
    return d


def _risk_class(value) -> int:
    if isinstance(value, str) and value.strip().upper() in ROMAN:
        return ROMAN[value.strip().upper()]
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(f"risk class must be 1-5 (or I-V; PP 44/2015 Lampiran I groups, "
                         f"1 = very low ... 5 = very high), got {value!r}")
    return value


def _size(value) -> str:
    text = str(value).strip()
    size = SIZE_ALIASES.get(text.lower(), text.upper())
    if size not in rules.sizes():
        raise ValueError(f"unknown employer size {value!r}: use one of {', '.join(rules.sizes())} "
                         "(or micro, small, medium, large)")
    return size


def _fmt_date(d: date) -> str:
    return d.isoformat()


class _Overrides:
    """Validated ``overrides``; remembers which keys were used."""

    def __init__(self, overrides: Mapping[str, object] | None):
        self.values: dict[str, Decimal] = {}
        self.used: set[str] = set()
        allowed = rules.override_keys()
        for key, value in (overrides or {}).items():
            if key not in allowed:
                raise ValueError(f"unknown override {key!r}; allowed: {', '.join(sorted(allowed))}")
            d = _number(value, f"override {key}")
            if d < 0:
                raise ValueError(f"override {key} must not be negative (got {value})")
            self.values[key] = d

    def get(self, key: str, value: Decimal, status: str) -> tuple[Decimal, str]:
        if key in self.values:
            self.used.add(key)
            return self.values[key], "override"
        return value, status

    def rate(self, key: str, on: date | None) -> tuple[Decimal, str, str]:
        """(value, status, regulation) of a rates.csv key, honouring overrides."""
        row = rules.rate(key, on)
        value, status = self.get(key, row.number("value"), row.status)
        return value, status, row.regulation

    def unused_notes(self) -> list[Note]:
        unused = sorted(set(self.values) - self.used)
        if not unused:
            return []
        keys = ", ".join(unused)
        return [Note(f"Override tidak dipakai dalam perhitungan ini: {keys}.",
                     f"Overrides not used by this calculation: {keys}.")]


def _adjust(segment: str, programme: str, on: date | None, ov: _Overrides,
            scope: str = "ALL", sponsor: str | None = None
            ) -> tuple[Decimal, str, list[str], list[Note]]:
    """(factor, status, regulations, notes) of the adjustments in force for one programme."""
    factor, status, regs, notes = _ONE, "confirmed", [], []
    for row in rules.adjustments(segment, programme, on):
        if row["scope"] not in ("ALL", scope):
            continue
        excluded = [s for s in row["excluded_sponsors"].split(";") if s]
        if sponsor in excluded:
            notes.append(Note(
                f"{row.regulation}: peserta yang iurannya dibayar {sponsor} tidak mendapat "
                f"penyesuaian {row['id']}.",
                f"{row.regulation}: participants paid for by {sponsor} do not get "
                f"the {row['id']} adjustment."))
            continue
        f, st = ov.get(row["id"], row.number("factor"), row.status)
        factor *= f
        status = _worst(status, st)
        regs.append(row.regulation)
    return factor, status, regs, notes


def _period_notes(first: date | None, last: date | None, names: Iterable[str]) -> list[Note]:
    notes = []
    by_date: dict[date, list[str]] = {}
    for regulation, when in rules.changes_within(first, last, tuple(names)):
        by_date.setdefault(when, []).append(regulation)
    for when, regs in sorted(by_date.items()):
        regulation = "; ".join(regs)
        notes.append(Note(
            f"{regulation} berlaku mulai {_fmt_date(when)}, di tengah bulan: periode "
            f"{first:%Y-%m} dihitung dengan aturan yang berlaku pada {_fmt_date(first)}; "
            f"aturan baru dipakai mulai periode berikutnya.",
            f"{regulation} takes effect on {_fmt_date(when)}, within the month: period "
            f"{first:%Y-%m} uses the rules in force on {_fmt_date(first)}; the new rule applies "
            f"from the next period."))
    return notes


def _rounding_note() -> Note:
    return Note("Pembulatan: tiap baris = dasar × tarif ÷ 100 × faktor penyesuaian, dihitung "
                "eksak lalu dibulatkan sekali setengah ke atas ke rupiah utuh; total = jumlah baris.",
                "Rounding: " + ROUNDING + ".")


def _uncertain_note(lines: Iterable[Line]) -> list[Note]:
    flagged = [p for p in dict.fromkeys(ln.programme for ln in lines if ln.status == "uncertain")]
    if not flagged:
        return []
    what = ", ".join(flagged)
    return [Note(f"Baris bertanda 'belum pasti' ({what}) memakai nilai yang belum dikonfirmasi "
                 "sumber resmi; periksa dan ganti lewat overrides bila perlu.",
                 f"Lines marked 'uncertain' ({what}) use values not confirmed by an official "
                 "source; check them and replace them with overrides if needed.")]


def _pct(d: Decimal, point: str = ".") -> str:
    return format(d, "f").replace(".", point) if d else "0"


def _replace_status(line: Line, status: str) -> Line:
    return replace(line, status=_worst(line.status, status))



def _idr(d: Decimal) -> str:
    return "Rp " + f"{int(d):,}".replace(",", ".") if d == d.to_integral_value() else f"Rp {d}"



__all__ = ["Breakdown", "Line", "Note", "PAYERS", "PROGRAMMES", "ROMAN", "ROUNDING", "SIZE_ALIASES",
           "SPONSOR_PAYER", "SPONSOR_TYPES", "STATUS_ORDER"]
