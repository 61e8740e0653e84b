"""Employer level: JKN employers linked to BPJamsostek employers, and what each one owes.

Linking, in order, each JKN employer taken once by the first stage that finds it:

1. ``npwp`` — the same NPWP (digits; the new 16-digit form ``0`` + the old 15 digits is the
   same taxpayer). JKN NPWPs python-stdnum rejected were set aside at import.
2. ``name_regency`` — the same normalised name (case, punctuation and legal forms such as
   PT, CV, UD, Tbk ignored) in the same regency, when exactly one registered employer has it.
3. ``workers`` — most of its JKN workers found in the registry hold their active PU
   membership at one employer (at least two of them, and more than half).

A JKN employer no stage links is not registered with BPJamsostek: its case is PTD. Per
employer: workers in JKN and in BPJamsostek, missing workers, under-reported wages and their
gap, and the estimated uncollected contribution per month by programme (JKK, JKM, JHT, JP)
from the contribution rules of the period (:mod:`cakupan.reconcile.contribution`), ranked by
money at stake.
"""

from __future__ import annotations

import ibis
import pyarrow as pa
from ibis import _

from cakupan.reconcile import contribution as contrib
from cakupan.reconcile.people import registry_status

LEGAL_FORMS = r"\b(pt|cv|ud|tbk|persero|perseroan|terbatas|koperasi|kop|toko|firma|fa|pd|perum)\b"
LINK_TEXT = {"npwp": "NPWP sama", "name_regency": "nama dan kabupaten/kota sama",
             "workers": "sebagian besar pekerjanya terdaftar di pemberi kerja ini"}
PROGRAMME_COLUMNS = ("JKK", "JKM", "JHT", "JP")


def name_key(value: ibis.Value) -> ibis.Value:
    """``PT. Maju Jaya`` / ``MAJU JAYA, PT`` -> ``maju jaya``."""
    v = value.lower().re_replace(r"[^a-z0-9]+", " ").re_replace(LEGAL_FORMS, " ")
    v = v.re_replace(r"\s+", " ").strip()
    return ibis.ifelse(v == "", ibis.null("string"), v)


def npwp_key(value: ibis.Value) -> ibis.Value:
    """Digits of an NPWP, the 16-digit form of an organisation (``0`` + 15) as its 15 digits."""
    d = value.re_replace(r"[^0-9]", "")
    d = ibis.ifelse((d.length() == 16) & d.startswith("0"), d.substr(1), d)
    return ibis.ifelse(d.length().isin([15, 16]), d, ibis.null("string"))


def jkn_employers(m: ibis.Table) -> ibis.Table:
    """One row per JKN employer of the period's active PPU members."""
    ppu = m.filter((_.segment == "PPU") & _.employer_id.notnull())
    return ppu.group_by("employer_id").aggregate(
        employer_name=_.employer_name.max(), employer_npwp=_.employer_npwp.max(),
        employer_regency=_.employer_regency.max(), workers_jkn=_.count())


def link_employers(m: ibis.Table, person_links: ibis.Table, participants: ibis.Table,
                   employers: ibis.Table, period: str) -> ibis.Table:
    """Per JKN employer: ``employer_id``, its JKN name, NPWP and regency, ``workers_jkn``,
    the linked ``npp`` (null: not registered) and ``link`` (the stage that found it)."""
    je = jkn_employers(m)
    je = je.mutate(_npwp=npwp_key(je.employer_npwp), _name=name_key(je.employer_name))
    reg = employers.mutate(_npwp=npwp_key(employers.npwp), _name=name_key(employers.name))
    by_tax = reg.filter(reg._npwp.notnull()).group_by("_npwp").aggregate(npp=_.npp.min())
    s1 = je.inner_join(by_tax, "_npwp").select("employer_id", "npp", link=ibis.literal("npwp"))
    unique_names = (reg.filter(reg._name.notnull()).group_by(["_name", "regency_code"])
                    .aggregate(npp=_.npp.min(), n=_.count()).filter(_.n == 1))
    rest = je.anti_join(s1, "employer_id")
    s2 = rest.inner_join(unique_names, [rest._name == unique_names._name,
                                        rest.employer_regency == unique_names.regency_code])
    s2 = s2.select("employer_id", "npp", link=ibis.literal("name_regency"))
    pu, _any, _ever = registry_status(participants, period)
    rows = m.filter(_.segment == "PPU").mutate(unique_id=_.row_number.cast("string"))
    rows = rows.inner_join(person_links, "unique_id").select("employer_id", "p_nik")
    found = rows.group_by("employer_id").aggregate(found=_.count())
    votes = rows.inner_join(pu, rows.p_nik == pu.nik).group_by(["employer_id", "npp"]).aggregate(
        votes=_.p_nik.nunique())
    w = ibis.window(group_by="employer_id", order_by=[ibis.desc("votes"), "npp"])
    top = votes.mutate(_rank=ibis.row_number().over(w)).filter(_._rank == 0)
    top = top.inner_join(found, "employer_id")
    top = top.filter((top.votes >= 2) & (top.votes * 2 > top.found))
    s3 = top.anti_join(s1, "employer_id").anti_join(s2, "employer_id").select(
        "employer_id", "npp", link=ibis.literal("workers"))
    linked = s1.union(s2).union(s3)
    out = je.left_join(linked, "employer_id")
    return out.select("employer_id", "employer_name", "employer_npwp", "employer_regency", "workers_jkn",
                      "npp", "link")


def _risk_table() -> pa.Table:
    risk = contrib.kbli_risk()
    return pa.table({"kbli_sector": list(risk), "risk_group": pa.array(list(risk.values()), pa.int64())})


def employer_terms(elinks: ibis.Table, employers: ibis.Table) -> ibis.Table:
    """Per JKN employer: size class and JKJ risk group (registry's size and KBLI section;
    for an unregistered employer its JKN headcount and risk group I), and ``estimated``."""
    reg = employers.select("npp", reg_name=employers.name, size=employers.size_class,
                           kbli=employers.kbli_sector)
    t = elinks.left_join(reg, "npp").drop("npp_right")
    risk = ibis.memtable(_risk_table())
    t = t.left_join(risk, t.kbli == risk.kbli_sector).drop("kbli_sector")
    return t.mutate(size_class=ibis.coalesce(t.size, contrib.size_for_headcount(t.workers_jkn)),
                    risk_group=t.risk_group.fill_null(1).cast("int64"),
                    terms_estimated=t.size.isnull())


def contribution_lines(people: ibis.Table, terms: ibis.Table, rates: ibis.Table) -> ibis.Table:
    """Per person with a PPU case and programme line: contribution due, paid and uncollected."""
    cases = people.filter(_.case.isin(["PDS_TK", "PTD", "PDS_UPAH"]))
    t = cases.inner_join(terms.select("employer_id", "size_class", "risk_group"), "employer_id")
    t = t.select("row_number", "employer_id", "nik", "case", "period", "size_class", "risk_group",
                 wage_due=t.wage_jkn,
                 wage_paid=ibis.ifelse(t.case == "PDS_UPAH", t.wage_bpjs, ibis.literal(0, "int64")))
    return contrib.amounts(t, rates)


def employer_summary(people: ibis.Table, elinks: ibis.Table, participants: ibis.Table,
                     employers: ibis.Table, lines: ibis.Table, terms: ibis.Table, period: str) -> ibis.Table:
    """One row per JKN employer with findings, ranked by uncollected contribution per month."""
    pu, _any, _ever = registry_status(participants, period)
    in_bpjs = pu.group_by("npp").aggregate(workers_bpjs=_.nik.nunique())
    ppu = people.filter(_.segment == "PPU")
    counts = ppu.group_by("employer_id").aggregate(
        missing=(_.case.isin(["PDS_TK", "PTD"])).sum().cast("int64"),
        under_reported=(_.case == "PDS_UPAH").sum().cast("int64"),
        wage_gap=_.wage_gap.sum().fill_null(0).cast("int64"))
    money = lines.group_by("employer_id").aggregate(
        **{p: (ibis.ifelse(lines.programme == p, lines.uncollected, 0)).sum().cast("int64")
           for p in PROGRAMME_COLUMNS},
        employer_share=(ibis.ifelse(lines.payer == "employer", lines.uncollected, 0)).sum().cast("int64"),
        uncollected=lines.uncollected.sum().cast("int64"))
    t = terms.left_join(in_bpjs, "npp").drop("npp_right")
    t = t.left_join(counts, "employer_id").drop("employer_id_right")
    t = t.left_join(money, "employer_id").drop("employer_id_right")
    zero = {c: t[c].fill_null(0) for c in ("missing", "under_reported", "wage_gap", "uncollected",
                                           "employer_share", *PROGRAMME_COLUMNS)}
    t = t.mutate(workers_bpjs=ibis.ifelse(t.npp.isnull(), 0, t.workers_bpjs.fill_null(0)), **zero)
    flags = ibis.ifelse(t.npp.isnull(), "PTD",
                        ibis.ifelse(t.missing > 0, "PDS_TK", "")
                        + ibis.ifelse((t.missing > 0) & (t.under_reported > 0), ";", "")
                        + ibis.ifelse(t.under_reported > 0, "PDS_UPAH", ""))
    t = t.mutate(case=flags).filter(_.case != "")
    w = ibis.window(order_by=[ibis.desc("uncollected"), "employer_id"])
    t = t.mutate(rank=(ibis.row_number().over(w) + 1).cast("int64"))
    return t.select("rank", "employer_id", "employer_name", "employer_npwp", "employer_regency", "npp",
                    "link", "reg_name", "case", "size_class", "risk_group", "terms_estimated", "workers_jkn",
                    "workers_bpjs", "missing", "under_reported", "wage_gap", *PROGRAMME_COLUMNS,
                    "employer_share", "uncollected")
