"""From candidates to decisions, and from decisions to one outcome per list row.

:func:`decide` ranks, per list identity, every way it could be linked — a review decision,
an accepted NIK match, a probabilistic match, a probable or ambiguous one, a NIK whose name
or birth date disagrees — and keeps the strongest. Review decisions are honoured on every
run: an accepted pair always links, a rejected pair never does (whatever stage proposes it).

:func:`outcomes` gives each list row ACTIVE, LAPSED, NOT_REGISTERED, NEEDS_REVIEW, INVALID
or DUPLICATE_IN_LIST with a reason code. Both are pure Ibis, so they run on either engine.
"""

from __future__ import annotations

import ibis
from ibis import _

from cakupan.matching.exact import ACCEPTED

MATCH, REVIEW, NONE = "MATCH", "REVIEW", "NONE"
OUTCOMES = {
    "ACTIVE": "sudah terlindungi (aktif)",
    "LAPSED": "tidak aktif (calon aktivasi ulang)",
    "NOT_REGISTERED": "belum terdaftar (calon peserta baru)",
    "NEEDS_REVIEW": "perlu diperiksa",
    "INVALID": "tidak bisa dipakai apa adanya",
    "DUPLICATE_IN_LIST": "ganda dalam daftar",
}
REASONS = {
    "review_accepted": "dicocokkan oleh pemeriksa",
    "review_rejected": "pasangan ditolak pemeriksa; tidak ada calon lain",
    "nik_exact": "NIK sama, nama dan tanggal lahir sesuai",
    "nik_exact_birth_swapped": "NIK sama, nama sesuai, tanggal dan bulan lahir tertukar",
    "probabilistic": "cocok menurut model probabilistik (nama, tanggal lahir, tempat, NIK mirip)",
    "ambiguous": "lebih dari satu peserta sama-sama mirip",
    "probable_match": "mirip dengan seorang peserta, tetapi belum cukup yakin",
    "nik_name_conflict": "NIK terdaftar atas nama yang berbeda",
    "nik_birth_conflict": "NIK terdaftar, tetapi tanggal lahirnya berbeda",
    "no_candidate": "tidak ada di registri",
    "not_registered_after_period": "terdaftar setelah periode laporan",
    "duplicate": "orang yang sama sudah ada di baris sebelumnya",
    "not_found_no_nik": "tidak ditemukan dan tanpa NIK: minta NIK untuk mendaftarkan",
    "not_found_bad_nik": "tidak ditemukan dan NIK-nya tidak valid: perbaiki NIK untuk mendaftarkan",
    "unusable_identity": "tanpa NIK yang valid dan tanpa nama + tanggal lahir",
}


def _candidates(nik_hits: ibis.Table, pairs: ibis.Table, reviews: ibis.Table,
                upper: float, lower: float, margin: float) -> ibis.Table:
    rejected = reviews.filter(_.decision == "reject").select("unique_id", "nik")
    hits = nik_hits.anti_join(rejected, ["unique_id", "nik"])
    pairs = pairs.rename(nik="person").anti_join(rejected, ["unique_id", "nik"])
    w = ibis.window(group_by="unique_id", order_by=[ibis.desc("match_weight"), "nik"])
    ranked = pairs.mutate(_rank=ibis.row_number().over(w), runner_up=_.match_weight.lead().over(w))
    best = ranked.filter(_._rank == 0)
    clear = best.runner_up.isnull() | (best.match_weight - best.runner_up >= margin)
    none = ibis.null("float64")
    shape = dict(match_weight="float64", match_probability="float64", agreed="string",
                 runner_up="float64")

    def part(t, priority: int, decision: str, reason) -> ibis.Table:
        cols = {c: (t[c] if c in t.columns else ibis.null(dtype)) for c, dtype in shape.items()}
        return t.select("unique_id", "nik", priority=ibis.literal(priority),
                        decision=ibis.literal(decision), reason_code=reason, **cols)

    return ibis.union(
        part(reviews.filter(_.decision == "accept"), 0, MATCH, ibis.literal("review_accepted")),
        part(hits.filter(hits.reason_code.isin(ACCEPTED)), 1, MATCH, hits.reason_code),
        part(best.filter((best.match_weight >= upper) & clear), 2, MATCH, ibis.literal("probabilistic")),
        part(best.filter((best.match_weight >= lower)
                         & ~((best.match_weight >= upper) & clear)), 3, REVIEW,
             ibis.ifelse(best.match_weight >= upper, "ambiguous", "probable_match")),
        part(hits.filter(~hits.reason_code.isin(ACCEPTED)).mutate(match_weight=none), 4, REVIEW,
             hits.reason_code),
    )


def decide(identities: ibis.Table, nik_hits: ibis.Table, pairs: ibis.Table,
           reviews: ibis.Table, upper: float, lower: float, margin: float) -> ibis.Table:
    """One link per list identity: ``decision`` MATCH / REVIEW / NONE with the NIK
    (matched, or proposed for review), reason code, match weight and fields that agreed.

    ``reviews``: ``unique_id``, ``nik``, ``decision`` (``accept`` or ``reject``).
    Probabilistic pairs at or above ``upper`` match when the runner-up is at least
    ``margin`` lower; pairs at or above ``lower`` go to review.
    """
    cands = _candidates(nik_hits, pairs, reviews, upper, lower, margin)
    w = ibis.window(group_by="unique_id", order_by=["priority", ibis.desc("match_weight"), "nik"])
    top = cands.mutate(_rank=ibis.row_number().over(w)).filter(_._rank == 0).drop("_rank", "priority")
    ids = identities.select("unique_id")
    rejected = reviews.filter(_.decision == "reject").select(_r=_.unique_id).distinct()
    out = ids.left_join(top, "unique_id").left_join(rejected, _.unique_id == rejected._r)
    return out.select(
        "unique_id", "nik",
        decision=out.decision.fill_null(NONE),
        reason_code=ibis.coalesce(out.reason_code,
                                  ibis.ifelse(out._r.notnull(), "review_rejected", "no_candidate")),
        match_weight=out.match_weight, match_probability=out.match_probability,
        agreed=out.agreed, runner_up=out.runner_up,
    )


def outcomes(rows: ibis.Table, identities: ibis.Table, links: ibis.Table,
             status: ibis.Table) -> ibis.Table:
    """One outcome per list row (``rows``: ``row_number``, ``row_key``, ``nik`` (valid or
    NULL), ``nik_problem``). Later rows of the same person are DUPLICATE_IN_LIST, pointing
    at the first (matched to the same person; else the same valid NIK; else the same name
    key and birth date)."""
    ids = identities.select(_k=_.unique_id, _name=_.name_key, _born=_.birth_date)
    lk = links.rename(link_nik="nik", _lk="unique_id")
    st = status.rename(_snik="nik")
    t = rows.left_join(ids, rows.row_key == ids._k).left_join(lk, _.row_key == lk._lk)
    t = t.left_join(st, t.link_nik == st._snik)
    # a matched person, else the list's own NIK, else name and birth date (kept apart:
    # a row whose link a reviewer rejected is not the person its NIK points to)
    person = ibis.coalesce(ibis.ifelse(t.decision == MATCH, "p:" + t.link_nik, ibis.null("string")),
                           "n:" + t.nik, "k:" + t._name + "|" + t._born.cast("string"))
    t = t.mutate(_person=person)
    t = t.mutate(_first=t.row_number.min().over(ibis.window(group_by="_person")))
    dup = t._person.notnull() & (t._first != t.row_number)
    matched = t.decision == MATCH
    outcome = ibis.cases(
        (dup, "DUPLICATE_IN_LIST"),
        (matched & t.status.notnull(), t.status),
        (matched, "NOT_REGISTERED"),
        (t.decision == REVIEW, "NEEDS_REVIEW"),
        (t.nik.notnull(), "NOT_REGISTERED"),
        else_="INVALID",
    )
    reason = ibis.cases(
        (dup, "duplicate"),
        (matched & t.status.isnull(), "not_registered_after_period"),
        ((t.decision == NONE) & t.nik.isnull() & (t.reason_code == "no_candidate"),
         ibis.ifelse(t.nik_problem.isnull() | (t.nik_problem == "empty"),
                     "not_found_no_nik", "not_found_bad_nik")),
        else_=t.reason_code,
    )
    return t.select(
        "row_number", "row_key", outcome=outcome, reason_code=reason,
        nik=ibis.ifelse(t.decision == NONE, t.nik, t.link_nik),
        last_paid_month=ibis.ifelse(matched, t.last_paid_month, ibis.null("string")),
        match_weight=t.match_weight, match_probability=t.match_probability, agreed=t.agreed,
        duplicate_of=ibis.ifelse(dup, t._first, ibis.null("int64")),
        decision=t.decision,
    ).order_by("row_number")
