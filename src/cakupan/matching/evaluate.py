"""Quality of a matching against known truth: precision, recall and F1 of row -> person links,
and blocking recall (the share of true pairs a set of blocking rules ever compares).

Pure Ibis over tables, so the same scoring runs on DuckDB and Spark. ``links``: one row per
list row, ``row_number`` and ``nik`` (the registry NIK it was linked to, NULL for none);
``truth``: ``row_number`` and ``person_nik`` (the registry NIK the row really is, NULL when
the person is not in the registry).
"""

from __future__ import annotations

import ibis
from ibis import _


def link_quality(links: ibis.Table, truth: ibis.Table) -> ibis.Table:
    """One row: ``tp``, ``fp``, ``fn``, ``precision``, ``recall``, ``f1``.

    A link to the true person is a true positive, a link to anybody else a false positive
    (and, when the row's person is in the registry, also a false negative); a row of a
    registered person left unlinked is a false negative."""
    lk = links.select(_row=_.row_number, _nik=_.nik)
    t = truth.left_join(lk, truth.row_number == lk._row)
    linked = t._nik.notnull()
    real = t.person_nik.notnull()
    tp = (linked & (t._nik == t.person_nik).fill_null(False)).cast("int64").sum()
    fp = (linked & ~(t._nik == t.person_nik).fill_null(False)).cast("int64").sum()
    found = (real & (t._nik == t.person_nik).fill_null(False)).cast("int64").sum()
    counts = t.aggregate(tp=tp, fp=fp, fn=real.cast("int64").sum() - found)
    p = counts.tp / ibis.greatest(counts.tp + counts.fp, 1)
    r = counts.tp / ibis.greatest(counts.tp + counts.fn, 1)
    f1 = ibis.ifelse(p + r > 0, 2 * p * r / (p + r), 0.0)
    return counts.mutate(tp=counts.tp.fill_null(0), fp=counts.fp.fill_null(0), fn=counts.fn.fill_null(0),
                         precision=p.fill_null(0.0), recall=r.fill_null(0.0), f1=f1.fill_null(0.0))


def blocking_recall(pairs: ibis.Table, truth: ibis.Table) -> ibis.Table:
    """Per blocking rule (``rule``) and for their union (``rule`` NULL): true pairs
    compared, true pairs in all and the recall. ``pairs``: ``row_number``, ``person``,
    ``rule``; ``truth`` as above (rows whose person is in the registry count)."""
    real = truth.filter(_.person_nik.notnull()).select(_r=_.row_number, _p=_.person_nik)
    total = real.aggregate(true_pairs=real._r.count())
    hit = pairs.inner_join(real, (pairs.row_number == real._r) & (pairs.person == real._p))
    per_rule = hit.group_by("rule").aggregate(found=hit.row_number.nunique())
    union = hit.aggregate(found=hit.row_number.nunique()).mutate(rule=ibis.null("int64"))
    out = ibis.union(per_rule.select("rule", "found"), union.select("rule", "found")).cross_join(total)
    return out.mutate(recall=out.found / ibis.greatest(out.true_pairs, 1)).order_by(
        [out.rule.isnull(), "rule"])
