"""Load and query the contribution rule data in ``contributions/data/*.csv``.

Every rate, cap, band and amount lives in those files, each row with its validity interval
(``effective_from`` .. ``effective_to``, inclusive dates, empty ``effective_to`` = still in
force), the regulation it comes from and a ``status`` (``confirmed`` or ``uncertain``).
Lines starting with ``#`` are comments (each file documents its own choices there).

Nothing here computes a contribution; :mod:`cakupan.contributions.calculator` does.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from importlib import resources

FILES = ("rates.csv", "jp_wage_cap.csv", "bpu_income.csv", "jakon_tiers.csv", "pmi.csv",
         "programmes_by_size.csv", "adjustments.csv")
STATUSES = ("confirmed", "uncertain")
EARLIEST = date(2015, 7, 1)
"""PP 44/45/46/2015 took effect on 1 July 2015: no rule data before that."""

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Row:
    """One row of a rule file: its own columns plus the common ones, parsed."""

    table: str
    values: dict[str, str]
    effective_from: date
    effective_to: date | None
    regulation: str
    status: str
    note: str

    def __getitem__(self, key: str) -> str:
        return self.values[key]

    def number(self, key: str) -> Decimal:
        return Decimal(self.values[key])

    def in_force(self, on: date | None) -> bool:
        """In force on ``on``; ``on=None`` means "the rules currently in force" (open-ended rows)."""
        if on is None:
            return self.effective_to is None
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


@lru_cache(maxsize=None)
def table(name: str) -> tuple[Row, ...]:
    """All rows of ``data/<name>``, parsed; raises ``ValueError`` on a malformed row."""
    text = resources.files("cakupan.contributions").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    rows = []
    for i, r in enumerate(csv.DictReader(lines), start=1):
        status = r.pop("status").strip()
        if status not in STATUSES:
            raise ValueError(f"{name} row {i}: status {status!r} is not one of {STATUSES}")
        start = _date(r.pop("effective_from"))
        if start is None:
            raise ValueError(f"{name} row {i}: effective_from is empty")
        end = _date(r.pop("effective_to"))
        if end is not None and end < start:
            raise ValueError(f"{name} row {i}: effective_to before effective_from")
        regulation, note = r.pop("regulation").strip(), (r.pop("note") or "").strip()
        rows.append(Row(name, {k: (v or "").strip() for k, v in r.items()}, start, end,
                        regulation, status, note))
    return tuple(rows)


def rows(name: str, on: date | None, **match: str) -> list[Row]:
    """Rows of ``name`` in force on ``on`` whose columns equal ``match``."""
    return [r for r in table(name) if r.in_force(on)
            and all(r.values.get(k) == v for k, v in match.items())]


def one(name: str, on: date | None, what: str, **match: str) -> Row:
    """The single row in force; ``ValueError`` naming ``what`` and the date if there is none."""
    found = rows(name, on, **match)
    if not found:
        when = "currently" if on is None else f"on {on.isoformat()}"
        start = earliest(name, **match)
        hint = ""
        if start != "never":
            d = date.fromisoformat(start)
            first_period = d if d.day == 1 else date(d.year + (d.month == 12), d.month % 12 + 1, 1)
            hint = f"; the first period covered is {first_period:%Y-%m}"
        raise ValueError(f"no rule for {what} in force {when} (rule file {name}): "
                         f"the rules start on {start}{hint}")
    if len(found) > 1:  # the data tests forbid this; guard anyway
        raise ValueError(f"{len(found)} overlapping rules for {what} in {name}")
    return found[0]


def earliest(name: str, **match: str) -> str:
    dates = [r.effective_from for r in table(name)
             if all(r.values.get(k) == v for k, v in match.items())]
    return min(dates).isoformat() if dates else "never"


# --- periods ---------------------------------------------------------------------------------

def parse_period(period: str | None, *, required: bool = True) -> tuple[date | None, date | None]:
    """``"2022-03"`` -> (first day, last day) of that month.

    A period uses the rules in force on its **first day** (a regulation that takes effect
    later in the month applies from the next period). ``None`` is allowed only when
    ``required`` is false and means "the rules currently in force".
    """
    if period is None:
        if required:
            raise ValueError("period is required: give the contribution month as YYYY-MM, e.g. 2022-03")
        return None, None
    m = _PERIOD.match(str(period).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"period {period!r} is not a month: use YYYY-MM, e.g. 2022-03")
    first = date(int(m.group(1)), int(m.group(2)), 1)
    if first < EARLIEST:
        raise ValueError(f"period {period} is before 2015-07: the PP 44/45/46/2015 rules in this "
                         "calculator start in July 2015")
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def changes_within(first: date | None, last: date | None, names=FILES) -> list[tuple[str, date]]:
    """(regulation, date) of rules that start after the first day of the month but within it."""
    if first is None or last is None:
        return []
    seen = {}
    for name in names:
        for r in table(name):
            if first < r.effective_from <= last:
                seen.setdefault((r.regulation, r.effective_from), None)
    return sorted(seen, key=lambda x: (x[1], x[0]))


# --- typed queries ---------------------------------------------------------------------------

def rate(key: str, on: date | None) -> Row:
    """A row of ``rates.csv`` (``value`` column, ``unit`` pct or idr)."""
    return one("rates.csv", on, key, key=key)


def rate_keys() -> set[str]:
    return {r["key"] for r in table("rates.csv")}


def jp_wage_cap(on: date | None) -> Row:
    """The JP wage cap row in force (``cap`` column)."""
    return one("jp_wage_cap.csv", on, "the JP wage cap")


def latest_jp_cap() -> Row:
    return max(table("jp_wage_cap.csv"), key=lambda r: r.effective_from)


def bpu_income(key: str, on: date | None) -> Row:
    return one("bpu_income.csv", on, key, key=key)


def bpu_income_keys() -> set[str]:
    return {r["key"] for r in table("bpu_income.csv")}


@dataclass(frozen=True)
class Band:
    programme: str
    lower: Decimal
    upper: Decimal | None
    rate_pct: Decimal
    row: Row


def jakon_bands(on: date | None) -> list[Band]:
    """Marginal bands in force, sorted by programme then lower bound."""
    found = rows("jakon_tiers.csv", on)
    if not found:
        one("jakon_tiers.csv", on, "Jakon bands")  # raises with a helpful message
    bands = [Band(r["programme"], r.number("lower"),
                  Decimal(r["upper"]) if r["upper"] else None, r.number("rate_pct"), r)
             for r in found]
    return sorted(bands, key=lambda b: (b.programme, b.lower))


def pmi(on: date | None) -> list[Row]:
    found = rows("pmi.csv", on)
    if not found:
        one("pmi.csv", on, "PMI contribution amounts")
    return found


def programmes(kind: str, size: str, on: date | None) -> tuple[frozenset[str], Row] | None:
    """(programmes, row) for ``kind`` mandatory/jkp_requires and a size, or None if none in force."""
    found = rows("programmes_by_size.csv", on, kind=kind, size=size)
    if not found:
        return None
    return frozenset(p for p in found[0]["programmes"].split(";") if p), found[0]


def sizes() -> tuple[str, ...]:
    out = []
    for r in table("programmes_by_size.csv"):
        if r["size"] not in out:
            out.append(r["size"])
    return tuple(out)


def adjustments(segment: str, programme: str, on: date | None) -> list[Row]:
    return rows("adjustments.csv", on, segment=segment, programme=programme)


def adjustment_ids() -> set[str]:
    return {r["id"] for r in table("adjustments.csv")}


def override_keys() -> set[str]:
    """Every key accepted in an ``overrides`` mapping."""
    return rate_keys() | bpu_income_keys() | adjustment_ids() | {"jp_wage_cap"}
