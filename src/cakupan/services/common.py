"""What every use case shares: the caller's scope, errors in words, the result shape."""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis

from cakupan.periods import month_index
from cakupan.regions import undotted
from cakupan.reports.tables import Report


class ServiceError(ValueError):
    """A request that cannot be answered as asked; the message says what to do."""


class NotFound(ServiceError):
    """The thing asked for does not exist, or lies outside the caller's scope (never said which)."""


@dataclass(frozen=True)
class Scope:
    """Who is asking: the regions they may see and whether personal data may be shown.

    ``regions`` are Kemendagri code prefixes (``"33"``, ``"3374"``); ``None`` means every
    region. ``personal_data`` says whether the caller may see NIK, names, birth dates and
    phones unmasked (they still have to ask for it). ``sources`` limits the partner lists
    the caller may see (``None``: all), ``cohorts`` likewise the sponsored cohorts (beyond
    their regions); ``leads_only`` is a field agent's scope (only leads assigned to it).
    An empty ``regions`` tuple sees no region at all.
    """

    regions: tuple[str, ...] | None = None
    personal_data: bool = True
    sources: frozenset[str] | None = None
    who: str = "cli"
    cohorts: frozenset[str] | None = None
    leads_only: bool = False

    def allows(self, code: str | None) -> bool:
        """Whether a region (at any level) lies inside the scope."""
        if self.regions is None:
            return True
        if not code:
            return False
        c = undotted(code)
        return any(c.startswith(r) for r in self.regions)

    def within(self, region: str | None) -> str | None:
        """The region a request is about, checked: ``None`` stays ``None`` (all the caller
        may see); a region outside the scope is :class:`NotFound`."""
        if region is None:
            return None
        code = undotted(region)
        if not code.isdigit() or len(code) not in (2, 4, 6, 10):
            raise ServiceError(f"kode wilayah {region!r} tidak dikenal: tulis kode Kemendagri "
                               "seperti 33, 33.74 atau 33.74.01")
        if not self.allows(code):
            raise NotFound(f"wilayah {region} tidak ditemukan")
        return code

    def filter(self, table: ibis.Table, column: str = "village_code") -> ibis.Table:
        """Only the rows of ``table`` whose region column lies inside the scope."""
        if self.regions is None:
            return table
        if not self.regions:
            return table.filter(ibis.literal(False))
        col = table[column]
        cond = ibis.or_(*[col.startswith(r) for r in self.regions])
        return table.filter(cond)

    def may_see_source(self, source: str) -> bool:
        return self.sources is None or source in self.sources

    def may_see_cohort(self, cohort_id: str) -> bool:
        return self.cohorts is None or cohort_id in self.cohorts

    def show_pii(self, asked: bool) -> bool:
        """Unmasked personal data only when asked for and allowed."""
        return bool(asked and self.personal_data)


EVERYONE = Scope()
"""The scope of a local user at the terminal: every region, personal data on request."""


@dataclass
class Result:
    """A use case's answer: its table, the period it describes, the denominator used, notes,
    and whether any figure is estimated."""

    report: Report
    period: str | None = None
    denominator: str | None = None
    estimated: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain values for JSON: the rows with machine keys, the notes and the metadata."""
        from cakupan.reports.tables import plain_rows

        return {"title": self.report.title, "period": self.period, "denominator": self.denominator,
                "estimated": self.estimated, "notes": self.report.notes + self.notes,
                "columns": self.report.columns, "rows": plain_rows(self.report)}


def check_period(period: str) -> str:
    try:
        month_index(period)
    except ValueError as e:
        raise ServiceError(str(e)) from None
    return period


def scalar(wh, expr):
    """One value of an Ibis scalar expression."""
    return wh.to_arrow(expr.as_table()).column(0)[0].as_py()
