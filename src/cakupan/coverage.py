"""Coverage: distinct active workers against the employed population, by region, segment, month.

Pure functions from Ibis tables to Ibis tables; they run unchanged on DuckDB and Spark.

Definitions (see README):

- A membership is *active* in month M when it was registered on or before the last day of
  M and its last paid month is M or later.
- A person (NIK) is counted once. When a person holds several active memberships, the one
  registered last (ties: the higher KPJ) is their *primary* membership and gives the region
  (domicile village) and segment they are counted under, so rows always add up to the total.
- Coverage = active distinct workers / employed persons (the regional office's definition);
  coverage of the labour force (employed + unemployed) is given beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import ibis
from ibis import _

from cakupan.periods import month_index, months_between, period_of  # noqa: F401  (months_between re-exported)

LEVELS = {"province": 2, "regency": 4}
TOTAL = "TOTAL"


def month_start(period: str) -> dt.date:
    i = month_index(period)
    return dt.date(i // 12, i % 12 + 1, 1)


def next_month_start(period: str) -> dt.date:
    return month_start(period_of(month_index(period) + 1))


def active_memberships(participants: ibis.Table, period: str) -> ibis.Table:
    """Memberships active in ``period`` (YYYY-MM)."""
    return participants.filter(
        _.registered_date < ibis.date(next_month_start(period)),
        _.last_paid_month.notnull(),
        _.last_paid_month >= period,
    )


def primary(memberships: ibis.Table, *keys: str) -> ibis.Table:
    """One row per person (and per each of ``keys``): the membership registered last."""
    rank = ibis.row_number().over(
        group_by=["nik", *keys], order_by=[ibis.desc("registered_date"), ibis.desc("kpj")])
    return memberships.mutate(_rank=rank).filter(_._rank == 0).drop("_rank")


def active_people(participants: ibis.Table, period: str) -> ibis.Table:
    """One row per distinct active worker in ``period`` with region and segment columns."""
    people = primary(active_memberships(participants, period))
    return people.mutate(
        province_code=people.village_code.substr(0, 2),
        regency_code=people.village_code.substr(0, 4),
    )


def latest_workforce(workforce: ibis.Table, period: str, level: str) -> ibis.Table:
    """Per region of ``level``, the total labour-force figures of the latest period at or
    before ``period`` (Sakernas rounds serve the months after them)."""
    wf = workforce.filter(
        _.employment_status.isnull(), _.sector.isnull(), _.period <= period,
        _.region_code.length() == LEVELS[level],
    )
    latest = wf.group_by("region_code").agg(workforce_period=_.period.max())
    joined = wf.join(latest, [wf.region_code == latest.region_code,
                              wf.period == latest.workforce_period])
    return joined.select(
        region_code=wf.region_code, workforce_period=latest.workforce_period,
        employed=wf.employed, unemployed=wf.unemployed, estimated=wf.estimated,
    )


def coverage_by_region(participants: ibis.Table, workforce: ibis.Table, period: str,
                       level: str = "province", within: str | None = None) -> ibis.Table:
    """Active distinct workers and labour force per province or regency in ``period``.

    Regions with a workforce figure but no participant appear with 0 participants;
    regions with participants but no workforce figure appear with empty denominators.
    ``within`` limits the result to one province or regency code.
    """
    key = f"{level}_code"
    people = active_people(participants, period)
    counts = people.group_by(region_code=people[key]).agg(participants=_.nik.count())
    wf = latest_workforce(workforce, period, level)
    if within:
        counts = counts.filter(counts.region_code.startswith(within))
        wf = wf.filter(wf.region_code.startswith(within))
    joined = counts.outer_join(wf, counts.region_code == wf.region_code)
    return joined.select(
        region_code=ibis.coalesce(counts.region_code, wf.region_code),
        participants=ibis.coalesce(counts.participants, 0),
        employed=wf.employed, unemployed=wf.unemployed,
        workforce_period=wf.workforce_period, estimated=wf.estimated,
    ).order_by("region_code")


def coverage_by_segment(participants: ibis.Table, period: str,
                        within: str | None = None) -> ibis.Table:
    """Active distinct workers per segment and sub-segment (primary membership)."""
    people = active_people(participants, period)
    if within:
        people = people.filter(people.village_code.startswith(within))
    return (people.group_by("segment", "sub_segment")
            .agg(participants=_.nik.count())
            .order_by("segment", "sub_segment"))


def month_number(date_col: ibis.Value) -> ibis.Value:
    """Month index (year * 12 + month - 1) of a date column."""
    return date_col.year() * 12 + date_col.month() - 1


def period_number(period_col: ibis.Value) -> ibis.Value:
    """Month index of a ``YYYY-MM`` string column."""
    return (period_col.substr(0, 4).cast("int64") * 12
            + period_col.substr(5, 2).cast("int64") - 1)


def period_string(index: ibis.Value) -> ibis.Value:
    """``YYYY-MM`` from a month-index column (the inverse of :func:`period_number`)."""
    return ((index // 12).cast("string").lpad(4, "0") + "-"
            + (index % 12 + 1).cast("string").lpad(2, "0"))


def coverage_cube(participants: ibis.Table, first: str, last: str) -> ibis.Table:
    """Distinct active workers per regency x segment x month, ``first`` to ``last``.

    People with one membership in the window are counted from interval deltas (+1 in the
    month the membership starts, -1 after its last paid month), without expanding months;
    only people with several memberships are expanded month by month to find their primary
    membership each month. Same result as expanding everyone, at a fraction of the work.
    """
    lo, hi = month_index(first), month_index(last)
    p = participants.filter(_.last_paid_month.notnull(), _.last_paid_month >= first)
    p = p.mutate(
        regency_code=_.village_code.substr(0, 4),
        start=ibis.greatest(month_number(_.registered_date), lo),
        stop=ibis.least(period_number(_.last_paid_month), hi),
        memberships=_.count().over(group_by="nik"),
    ).filter(_.start <= _.stop)
    keys = ["regency_code", "segment"]
    single = p.filter(_.memberships == 1)
    opened = single.group_by(*keys, month=single.start).agg(delta=_.count())
    closed = single.group_by(*keys, month=single.stop + 1).agg(delta=-_.count())
    deltas = opened.union(closed)
    months = ibis.memtable({"month": list(range(lo, hi + 1))})
    running = (deltas.join(months, deltas.month <= months.month)
               .group_by(*keys, month=months.month).agg(participants=deltas.delta.sum()))

    multi = p.filter(_.memberships > 1)
    multi = multi.mutate(rank=ibis.row_number().over(
        group_by="nik", order_by=[ibis.desc("registered_date"), ibis.desc("kpj")]))
    expanded = multi.mutate(month=ibis.range(multi.start, multi.stop + 1).unnest())
    primaries = expanded.group_by("nik", "month").agg(
        regency_code=expanded.regency_code.argmin(expanded.rank),
        segment=expanded.segment.argmin(expanded.rank))
    several = primaries.group_by(*keys, "month").agg(participants=_.count())

    both = running.union(several)
    cube = both.group_by(*keys, "month").agg(participants=_.participants.sum())
    cube = cube.filter(_.participants > 0)
    return cube.select(
        "regency_code", "segment",
        period=period_string(cube.month),
        participants=cube.participants.cast("int64"),
    )


# -- rates, at the edge of the core: exact decimals, identical on every engine ---------------

def percent(part: int | None, whole: int | None, places: int = 2) -> Decimal | None:
    """``part / whole * 100`` rounded half up; None when the denominator is missing."""
    if part is None or not whole:
        return None
    q = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(q, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CoverageRow:
    region_code: str
    participants: int
    employed: int | None
    unemployed: int | None
    workforce_period: str | None = None
    estimated: bool | None = None

    @property
    def labour_force(self) -> int | None:
        if self.employed is None or self.unemployed is None:
            return None
        return self.employed + self.unemployed

    @property
    def coverage_pct(self) -> Decimal | None:
        return percent(self.participants, self.employed)

    @property
    def coverage_lf_pct(self) -> Decimal | None:
        return percent(self.participants, self.labour_force)


def with_total(rows: list[CoverageRow]) -> list[CoverageRow]:
    """Rows followed by their total (denominators only when every row has one)."""
    def total(field: str) -> int | None:
        values = [getattr(r, field) for r in rows]
        return None if any(v is None for v in values) else sum(values)

    periods = {r.workforce_period for r in rows}
    return rows + [CoverageRow(
        TOTAL, sum(r.participants for r in rows), total("employed"), total("unemployed"),
        periods.pop() if len(periods) == 1 else None,
        any(bool(r.estimated) for r in rows),
    )]


def rows_from(records: list[dict]) -> list[CoverageRow]:
    return [CoverageRow(**{k: r.get(k) for k in CoverageRow.__dataclass_fields__}) for r in records]
