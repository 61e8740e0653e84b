"""Sponsored protection: with a budget, whom to protect, for how long, at what cost.

Pure Ibis functions (DuckDB and Spark alike). A candidate is *eligible* when their NIK is
not active in the registry, they live in the sponsor's region and they are of working age
at the start month. Eligible candidates are ranked by a transparent priority score (the sum
of the weights of what applies to them, see :class:`Priority`), capped per area by quotas,
and the best are selected while the budget lasts. Every sponsored person costs the same
package, so taking the highest scores within the caps maximises the total score: the
selection is optimal for that objective, not only greedy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
from ibis import _

from cakupan import coverage as cov

STATUSES = {
    "SELECTED": ("dipilih", "selected"),
    "BUDGET": ("tidak terpilih: anggaran habis", "not selected: budget exhausted"),
    "QUOTA": ("tidak terpilih: kuota wilayah penuh", "not selected: area quota full"),
    "ACTIVE": ("sudah peserta aktif", "already an active participant"),
    "REGION": ("di luar wilayah sponsor", "outside the sponsor's region"),
    "AGE": ("di luar usia kerja", "outside working age"),
    "DUPLICATE": ("NIK ganda dalam daftar", "NIK repeated in the list"),
}


@dataclass(frozen=True)
class Priority:
    """Score = sum of the weights that apply + ``low_coverage`` x (1 - village coverage).

    Village coverage is the share of a village's known workers (active participants plus
    eligible candidates) who are already active; villages with least protection come first.
    """

    occupation: dict[str, float] = field(default_factory=lambda: {
        "pemulung": 3.0, "nelayan": 3.0, "buruh_tani": 2.5, "tukang_becak": 2.5, "pkl": 2.0,
        "marbot": 2.0, "ojek": 1.5, "petani": 1.5, "pedagang": 1.0, "perajin": 1.0, "seniman": 1.0})
    flags: dict[str, float] = field(default_factory=lambda: {
        "miskin": 4.0, "disabilitas": 3.0, "perempuan_kepala_keluarga": 2.0})
    low_coverage: float = 2.0

    @classmethod
    def parse(cls, text: str | None) -> "Priority":
        """``"occupation.nelayan=5,flag.miskin=6,low_coverage=1"`` on top of the defaults."""
        p = cls()
        if not text:
            return p
        occ, flags, low = dict(p.occupation), dict(p.flags), p.low_coverage
        for item in filter(None, (s.strip() for s in text.split(","))):
            key, sep, value = item.partition("=")
            try:
                weight = float(value)
            except ValueError:
                weight = None
            if not sep or weight is None:
                raise ValueError(f"priority {item!r}: write KIND.NAME=WEIGHT, e.g. occupation.nelayan=5, "
                                 "flag.miskin=6 or low_coverage=1")
            kind, _, name = key.strip().partition(".")
            if kind == "occupation" and name:
                occ[name.lower()] = weight
            elif kind == "flag" and name:
                flags[name.lower()] = weight
            elif kind == "low_coverage" and not name:
                low = weight
            else:
                raise ValueError(f"priority {item!r}: the kind must be occupation.NAME, flag.NAME "
                                 "or low_coverage")
        return cls(occ, flags, low)


@dataclass(frozen=True)
class PlanRequest:
    budget: int
    months: int
    start: str
    region: str
    """Kemendagri code(s) (digits) the sponsor covers: province, regency or district;
    several separated by commas (``33,34``)."""
    cost_per_person: int
    """Package cost of one person over the whole plan, integer rupiah."""
    quotas: dict[str, int] = field(default_factory=dict)
    """Area code (digits, any level) -> maximum people selected there."""
    priority: Priority = field(default_factory=Priority)
    min_age: int = 15
    max_age: int = 64

    def check(self) -> None:
        if self.months < 1:
            raise ValueError("--months must be at least 1")
        if self.budget < self.cost_per_person:
            raise ValueError(f"the budget (Rp {self.budget:,}) is below the cost of protecting one person "
                             f"for {self.months} months (Rp {self.cost_per_person:,})".replace(",", "."))
        if self.min_age > self.max_age:
            raise ValueError("minimum age is above maximum age")

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(a for a in self.region.split(",") if a)

    @property
    def capacity(self) -> int:
        return self.budget // self.cost_per_person


def _age_at(birth: ibis.Value, start: ibis.Value) -> ibis.Value:
    years = start.year() - birth.year()
    before_birthday = (start.month() < birth.month()) | (
        (start.month() == birth.month()) & (start.day() < birth.day()))
    return years - ibis.ifelse(before_birthday, 1, 0)


def assess(candidates: ibis.Table, participants: ibis.Table, req: PlanRequest,
           as_of: str) -> ibis.Table:
    """Every candidate with ``status`` (eligibility) and ``score``; nothing is dropped.

    ``candidates`` needs ``row``, ``nik``, ``village_code``, ``birth_date``, ``occupation``
    and any flag columns named in the priority. ``as_of`` is the registry month that
    decides who is already active.
    """
    active = cov.active_people(participants, as_of).select("nik", "village_code")
    start = ibis.date(cov.month_start(req.start))
    c = candidates.mutate(
        _first=candidates.row.min().over(group_by="nik"),
        _age=_age_at(candidates.birth_date, start),
    )
    is_active = c.nik.isin(active.nik)
    status = (ibis.cases(
        (c.row != c._first, "DUPLICATE"),
        (is_active, "ACTIVE"),
        (~_within(c.village_code, req.areas), "REGION"),
        (c._age.isnull() | (c._age < req.min_age) | (c._age > req.max_age), "AGE"),
        else_="ELIGIBLE"))
    c = c.mutate(status=status)
    eligible = c.filter(c.status == "ELIGIBLE")
    known = (active.filter(_within(active.village_code, req.areas)).select("village_code", act=ibis.literal(1))
             .union(eligible.select("village_code", act=ibis.literal(0))))
    village = known.group_by("village_code").agg(village_coverage=_.act.mean())
    c = c.left_join(village, "village_code").drop("village_code_right")
    return c.mutate(score=_score(c, req.priority), village_coverage=c.village_coverage.fill_null(0.0))


def _within(code: ibis.Value, areas: tuple[str, ...]) -> ibis.Value:
    out = code.startswith(areas[0])
    for a in areas[1:]:
        out = out | code.startswith(a)
    return out


def _score(c: ibis.Table, p: Priority) -> ibis.Value:
    occ = ibis.literal(0.0)
    if p.occupation:
        occ = ibis.cases(*[(c.occupation.lower() == k, w) for k, w in p.occupation.items()], else_=0.0)
    flags = [ibis.ifelse(c[name].fill_null(False), weight, 0.0)
             for name, weight in p.flags.items() if name in c.columns]
    low = p.low_coverage * (1 - c.village_coverage.fill_null(0.0))
    return (occ + sum(flags, ibis.literal(0.0)) + low).round(6)


def select(assessed: ibis.Table, req: PlanRequest) -> ibis.Table:
    """Final ``status`` per candidate: SELECTED, QUOTA, BUDGET, or the eligibility reason."""
    order = [ibis.desc("score"), "nik"]
    t = assessed
    # one window per level of quota area (regency, district, ...), not one per area
    for length in sorted({len(a) for a in req.quotas}):
        caps = {a: n for a, n in req.quotas.items() if len(a) == length}
        quota = ibis.memtable({"_area": list(caps), "_cap": list(caps.values())})
        t = t.mutate(_area=t.village_code.substr(0, length))
        t = t.left_join(quota, "_area").drop("_area_right")
        capped = t._cap.notnull() & (t.status == "ELIGIBLE")
        rank = ibis.row_number().over(group_by=[t._area, capped], order_by=order)
        t = t.mutate(status=ibis.ifelse(capped & (rank >= t._cap), "QUOTA", t.status)).drop("_area", "_cap")
    rank = ibis.row_number().over(group_by=[t.status == "ELIGIBLE"], order_by=order)
    t = t.mutate(rank=ibis.ifelse(t.status == "ELIGIBLE", rank + 1, ibis.null("int64")))
    return t.mutate(status=ibis.cases(
        ((t.status == "ELIGIBLE") & (t.rank <= req.capacity), "SELECTED"),
        (t.status == "ELIGIBLE", "BUDGET"),
        else_=t.status))


def coverage_impact(participants: ibis.Table, workforce: ibis.Table, selected: ibis.Table,
                    as_of: str, region: str) -> ibis.Table:
    """Per regency of the sponsor's province(s): participants before, added and after."""
    provinces = tuple(sorted({a[:2] for a in region.split(",") if a}))
    before = cov.coverage_by_region(participants, workforce, as_of, "regency")
    before = before.filter(_within(before.region_code, provinces))
    added = (selected.group_by(region_code=selected.village_code.substr(0, 4))
             .agg(added=_.nik.count()))
    t = before.left_join(added, "region_code").drop("region_code_right")
    return t.mutate(added=t.added.fill_null(0), after=t.participants + t.added.fill_null(0)).order_by("region_code")
