"""Person level: each active JKN member of a period against the BPJamsostek registry.

Who is who: first one engine join on the NIK, accepted when the name and birth date do not
contradict the registry (:func:`cakupan.matching.exact.nik_stage`, so a mistyped NIK that
lands on somebody else is not taken); members without a usable NIK (or whose NIK
contradicts) go through the existing probabilistic matcher
(:func:`cakupan.matching.probabilistic.score`) against the registry people who share a
blocking key with them, and are linked when the best pair clears the match weight and
the runner-up. Then each member's case in the period:

- ``PDS_TK``: a PPU wage earner of an employer BPJamsostek knows, with no active PU membership;
- ``PTD``: a PPU wage earner (no active PU membership) of an employer BPJamsostek does not know;
- ``PDS_UPAH``: a PPU wage earner with an active PU membership whose JKN wage exceeds the
  BPJamsostek wage (at the linked employer when there is one) by more than ``threshold``;
- ``BPU_LEAD``: a PBPU member aged 15-64 with no active membership at all (``lead_kind``
  NEW, or REACTIVATE for a former participant);
- ``NONE`` otherwise (PBI and BP members are not workers' cases).
"""

from __future__ import annotations

from datetime import date

import ibis
import pyarrow as pa
from ibis import _

from cakupan import coverage as cov
from cakupan.matching import exact
from cakupan.matching import people as pp
from cakupan.matching import probabilistic as prob

CASES = ("PDS_TK", "PDS_UPAH", "PTD", "BPU_LEAD")
CASE_TEXT = {
    "PDS_TK": "pekerja terdaftar di JKN, belum didaftarkan di BPJamsostek (PDS tenaga kerja)",
    "PDS_UPAH": "upah di BPJamsostek lebih rendah dari upah di JKN (PDS upah)",
    "PTD": "pemberi kerja belum terdaftar di BPJamsostek (PTD)",
    "BPU_LEAD": "pekerja informal (PBPU) belum terlindungi: calon peserta BPU",
    "NONE": "tidak ada temuan",
}
LINK_TEXT = {"nik": "NIK sama, nama dan tanggal lahir sesuai",
             "probabilistic": "tanpa NIK yang bisa dipakai: cocok menurut model probabilistik",
             None: "tidak ada di registri BPJamsostek"}
WAGE_THRESHOLD = 0.10
"""A JKN wage more than 10 % above the BPJamsostek wage is an under-reported wage."""
UPPER, MARGIN = 8.0, 4.0
"""Match weight a probabilistic link needs, and its lead over the runner-up (as for lists)."""


def members(jkn: ibis.Table, period: str) -> ibis.Table:
    """The active JKN members of ``period``."""
    return jkn.filter((_.period == period) & (_.status == "AKTIF"))


def identities(m: ibis.Table, regions: ibis.Table) -> ibis.Table:
    """JKN members in the matcher's identity shape (``unique_id`` = the row number), made
    by the matcher's own preparation of a partner list's rows."""
    null = ibis.null("string")
    rows = m.select(row_key=m.row_number.cast("string"), nik=m.nik, nik_raw=m.nik_raw, nik_problem=null,
                    name=m.name, birth_date=m.birth_date, nik_birth_date=ibis.null("date"), sex=m.sex,
                    nik_sex=null, village_code=m.village_code, village=null, district=null, regency=null)
    return pp.list_identity(rows, regions)


BLOCKING_KEYS = ("name_key", "name_sorted", "name_first", "name_phon", "name_pre")
"""Besides the birth date, the name keys the matcher's blocking rules join on."""


def _candidates(people: ibis.Table, residual: ibis.Table) -> ibis.Table:
    """Registry people sharing a blocking key with a residual member (the birth date, the
    swapped date or one of the name keys): a superset of the pairs the rules can form."""
    dates = residual.select(d=residual.birth_date).union(residual.select(d=residual.birth_alt)).distinct()
    parts = [people.semi_join(dates, people.birth_date == dates.d)]
    for key in BLOCKING_KEYS:
        if key in people.columns and key in residual.columns:
            values = residual.select(k=residual[key]).distinct()
            parts.append(people.semi_join(values, people[key] == values.k))
    out = parts[0]
    for part in parts[1:]:
        out = out.union(part)
    return out.distinct()


def _best_pairs(pairs: pa.Table) -> ibis.Table:
    t = ibis.memtable(pairs)
    w = ibis.window(group_by="unique_id", order_by=[ibis.desc("match_weight"), "person"])
    ranked = t.mutate(_rank=ibis.row_number().over(w), _next=t.match_weight.lead().over(w))
    best = ranked.filter(_._rank == 0)
    clear = best._next.isnull() | (best.match_weight - best._next >= MARGIN)
    return best.filter((best.match_weight >= UPPER) & clear).select("unique_id", p_nik=_.person)


def links(wh_to_arrow, ids: ibis.Table, people: ibis.Table, model: dict | None) -> ibis.Table:
    """``unique_id`` -> registry ``p_nik`` and ``link`` (``nik`` or ``probabilistic``).

    ``wh_to_arrow`` runs an expression on the engine (the probabilistic stage's inputs are
    small and run in the matcher's own DuckDB); ``model=None`` skips that stage.
    """
    hits = exact.nik_stage(ids, people)
    by_nik = hits.filter(hits.reason_code.isin(exact.ACCEPTED)).select(
        "unique_id", p_nik=hits.nik, link=ibis.literal("nik"))
    if model is None:
        return by_nik
    residual = ids.anti_join(by_nik, "unique_id")
    left = wh_to_arrow(residual.filter(residual.name_key.notnull()).select(*prob.COLUMNS))
    if not len(left):
        return by_nik
    right = wh_to_arrow(_candidates(people.select(*prob.COLUMNS), ibis.memtable(left)))
    pairs = prob.score(left, right, model, 0.0)
    if not len(pairs):
        return by_nik
    best = _best_pairs(pairs).mutate(link=ibis.literal("probabilistic"))
    return by_nik.union(best)


def registry_status(participants: ibis.Table, period: str) -> tuple[ibis.Table, ibis.Table, ibis.Table]:
    """(active PU memberships ``nik, npp, wage``; NIKs with any active membership; NIKs ever registered)."""
    active = cov.active_memberships(participants, period)
    pu = active.filter((_.segment == "PU") & _.npp.notnull()).select("nik", "npp", "wage")
    any_active = active.select("nik").distinct()
    ever = participants.filter(_.registered_date < ibis.date(cov.next_month_start(period))).select("nik").distinct()
    return pu, any_active, ever


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cases(m: ibis.Table, linked: ibis.Table, employer_links: ibis.Table, participants: ibis.Table,
          period: str, threshold: float = WAGE_THRESHOLD) -> ibis.Table:
    """One row per active member of ``m`` with its registry link, wages and case.

    ``employer_links``: ``employer_id`` -> ``npp`` (null when the employer is not in the
    registry), from :func:`cakupan.reconcile.employers.link_employers`.
    """
    pu, any_active, ever = registry_status(participants, period)
    t = m.mutate(unique_id=m.row_number.cast("string"))
    t = t.left_join(linked, "unique_id").drop("unique_id_right")
    t = t.left_join(employer_links.select("employer_id", npp=employer_links.npp),
                    "employer_id").drop("employer_id_right")
    at_employer = pu.group_by(["nik", "npp"]).aggregate(w_at=_.wage.max())
    t = t.left_join(at_employer, [t.p_nik == at_employer.nik, t.npp == at_employer.npp]).drop(
        "nik_right", "npp_right")
    anywhere = pu.group_by("nik").aggregate(w_any=_.wage.max(), n_pu=_.nik.count())
    t = t.left_join(anywhere, t.p_nik == anywhere.nik).drop("nik_right")
    active_any = any_active.mutate(_on=ibis.literal(True))
    t = t.left_join(active_any, t.p_nik == active_any.nik).drop("nik_right")
    ever_t = ever.mutate(_ever=ibis.literal(True))
    t = t.left_join(ever_t, t.p_nik == ever_t.nik).drop("nik_right")
    first = cov.month_start(period)
    working_age = ((t.birth_date <= ibis.date(_years_before(first, 15)))
                   & (t.birth_date > ibis.date(_years_before(first, 65)))).fill_null(False)
    has_pu = t.n_pu.notnull()
    wage_bpjs = ibis.coalesce(t.w_at, t.w_any)
    ppu = t.segment == "PPU"
    employer_known = t.npp.notnull()
    under = has_pu & (t.wage > (wage_bpjs * (1 + threshold))).fill_null(False)
    case = ibis.cases(
        (ppu & ~has_pu & employer_known, "PDS_TK"),
        (ppu & ~has_pu, "PTD"),
        (ppu & under, "PDS_UPAH"),
        ((t.segment == "PBPU") & working_age & t._on.isnull(), "BPU_LEAD"),
        else_="NONE")
    lead_kind = ibis.ifelse(case == "BPU_LEAD", ibis.ifelse(t._ever.notnull(), "REACTIVATE", "NEW"),
                            ibis.null("string"))
    regency = ibis.coalesce(t.employer_regency, t.village_code.substr(0, 4))
    return t.select(
        "row_number", "jkn_number", nik=ibis.coalesce(t.p_nik, t.nik), nik_jkn=t.nik_raw, link=t.link,
        name=t.name, birth_date=t.birth_date, sex=t.sex, village_code=t.village_code,
        regency_code=regency, segment=t.segment, employer_id=t.employer_id, employer_name=t.employer_name,
        npp=t.npp, wage_jkn=t.wage, wage_bpjs=ibis.ifelse(has_pu, wage_bpjs, ibis.null("int64")),
        wage_gap=ibis.ifelse(case == "PDS_UPAH", t.wage - wage_bpjs, ibis.null("int64")),
        case=case, lead_kind=lead_kind, period=t.period)


def reconcile_people(to_arrow, jkn: ibis.Table, participants: ibis.Table, regions: ibis.Table,
                     employer_links: ibis.Table, period: str, model: dict | None,
                     threshold: float = WAGE_THRESHOLD) -> ibis.Table:
    """The person-level result for ``period`` (see :func:`cases`)."""
    m = members(jkn, period)
    people = pp.registry_people(participants, regions)
    linked = links(to_arrow, identities(m, regions), people, model)
    return cases(m, linked, employer_links, participants, period, threshold)
