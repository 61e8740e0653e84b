"""Sponsored cohorts: a committed plan's members, as a decision kept apart from derived data.

``sponsor_cohorts`` and ``sponsor_cohort_members`` are decision tables (never rebuilt from
inputs). The registry that coverage reads is the imported participants plus one sponsored
BPU membership per cohort member, from the cohort's start month for its number of months.
"""

from __future__ import annotations

import ibis
from ibis import _

from cakupan import coverage as cov
from cakupan.contracts import PARTICIPANTS

COHORTS = "sponsor_cohorts"
MEMBERS = "sponsor_cohort_members"
MEMBER_STATUSES = {
    "NOT_STARTED": ("belum mulai", "not started"),
    "PAID": ("dibayar sponsor", "paid by the sponsor"),
    "ENDS_NEXT_MONTH": ("berakhir bulan depan (daftar perpanjangan)", "ends next month (renewal list)"),
    "CONTINUING": ("lanjut mandiri / aktif", "still active after sponsorship"),
    "LAPSED": ("tidak aktif setelah sponsor berakhir", "lapsed after sponsorship"),
}


def last_month_expr(start: ibis.Value, months: ibis.Value) -> ibis.Value:
    return cov.period_string(cov.period_number(start) + months - 1)


def cohort_memberships(cohorts: ibis.Table, members: ibis.Table) -> ibis.Table:
    """One sponsored BPU membership per member, shaped like ``participants``."""
    m = members.join(cohorts, "cohort_id")
    start = cov.period_number(m.start)
    return m.select(
        kpj=("SP" + m.cohort_id + "-" + m.nik),
        nik=m.nik, name=m.name, birth_date=m.birth_date, sex=m.sex, village_code=m.village_code,
        segment=ibis.literal("BPU"), sub_segment=ibis.literal("RENTAN"), occupation=m.occupation,
        npp=ibis.null("string"), wage=ibis.literal(1_000_000, "int64"),
        programmes=ibis.ifelse(m.package == "jkk-jkm-jht", "JKK,JKM,JHT", "JKK,JKM"),
        registered_date=ibis.date(start // 12, start % 12 + 1, 1),
        last_paid_month=last_month_expr(m.start, m.months),
        sponsor_type=m.sponsor.upper(),
    ).cast(PARTICIPANTS.schema)


def registry(participants: ibis.Table, cohorts: ibis.Table | None,
             members: ibis.Table | None) -> ibis.Table:
    """Participants plus committed sponsored memberships (when there are any)."""
    if cohorts is None or members is None:
        return participants
    loose = ibis.schema({k: v.copy(nullable=True) for k, v in participants.schema().items()})
    return participants.cast(loose).union(cohort_memberships(cohorts, members).cast(loose))


def registry_of(wh) -> ibis.Table:
    """A warehouse's registry: participants plus committed sponsored cohorts, if any."""
    if wh.has(COHORTS) and wh.has(MEMBERS):
        return registry(wh.table("participants"), wh.table(COHORTS), wh.table(MEMBERS))
    return wh.table("participants")


def member_status(cohorts: ibis.Table, members: ibis.Table, participants: ibis.Table,
                  cohort_id: str, period: str) -> ibis.Table:
    """Each member of one cohort in ``period``: paid, ends next month, continuing or lapsed.

    Continuing/lapsed after the sponsored months is judged on the imported registry alone.
    """
    c = cohorts.filter(_.cohort_id == cohort_id)
    m = members.filter(_.cohort_id == cohort_id).join(c, "cohort_id")
    last = last_month_expr(m.start, m.months)
    active = cov.active_people(participants, period).select("nik")
    own = m.nik.isin(active.nik)
    next_period = cov.period_string(cov.period_number(ibis.literal(period)) + 1)
    status = ibis.cases(
        (ibis.literal(period) < m.start, "NOT_STARTED"),
        ((ibis.literal(period) <= last) & (last == next_period), "ENDS_NEXT_MONTH"),
        (ibis.literal(period) <= last, "PAID"),
        (own, "CONTINUING"),
        else_="LAPSED")
    return m.select("nik", "name", "village_code", "occupation", last_month=last, status=status).order_by("village_code", "nik")
