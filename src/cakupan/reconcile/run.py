"""The whole reconciliation of one period, from tables to the three results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import ibis
import pyarrow as pa

from cakupan.matching import people as pp
from cakupan.reconcile import contribution as contrib
from cakupan.reconcile import employers as emp
from cakupan.reconcile import people as ppl


@dataclass
class Reconciliation:
    people: ibis.Table
    """One row per active JKN member of the period, with its link, wages and case."""
    employers: ibis.Table
    """One row per JKN employer with a finding, ranked by uncollected contribution."""
    lines: ibis.Table
    """The evidence of the money: per person and programme line, due, paid and uncollected."""


def reconcile(to_arrow: Callable[[ibis.Expr], pa.Table], jkn: ibis.Table, participants: ibis.Table,
              employers: ibis.Table, regions: ibis.Table, period: str, model: dict | None,
              threshold: float = ppl.WAGE_THRESHOLD) -> Reconciliation:
    """Reconcile the JKN members of ``period`` with the registry. ``to_arrow`` runs an
    expression on the warehouse's engine (the person links are computed once and kept,
    as a table without nulls: Spark's in-memory tables would turn a null into NaN)."""
    m = ppl.members(jkn, period)
    people_index = pp.registry_people(participants, regions)
    links = ppl.links(to_arrow, ppl.identities(m, regions), people_index, model)
    links = ibis.memtable(to_arrow(links))
    elinks = emp.link_employers(m, links, participants, employers, period)
    people = ppl.cases(m, links, elinks, participants, period, threshold)
    terms = emp.employer_terms(elinks, employers)
    lines = emp.contribution_lines(people, terms, ibis.memtable(contrib.rate_table(period)))
    summary = emp.employer_summary(people, elinks, participants, employers, lines, terms, period)
    return Reconciliation(people, summary, lines)
