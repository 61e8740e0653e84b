"""The NIK stage: an exact NIK found in the registry, checked against the name and birth date.

A NIK alone is not trusted: a one-digit typo can land on somebody else's NIK. The match is
taken when the name does not contradict the registry's (same key, within two edits, one
name contained in the other — ``siti`` in ``siti aminah`` —, the same last word and
initial — ``b santoso`` for ``budi santoso`` — or a missing name) and the
birth date does not either (equal, day and month swapped, or missing). Otherwise the row
goes on to the probabilistic stage with the conflict noted, and ends in review if nothing
better is found there.
"""

from __future__ import annotations

import ibis

NIK_EXACT = "nik_exact"
NIK_SWAPPED = "nik_exact_birth_swapped"
NAME_CONFLICT = "nik_name_conflict"
BIRTH_CONFLICT = "nik_birth_conflict"


def name_agrees(a: ibis.Value, b: ibis.Value) -> ibis.Value:
    padded_a, padded_b = " " + a + " ", " " + b + " "
    last_a, last_b = a.re_replace(r"^.* ", ""), b.re_replace(r"^.* ", "")
    initial = (last_a == last_b) & (a.substr(0, 1) == b.substr(0, 1)) & a.contains(" ")
    return (a.isnull() | b.isnull() | (a == b) | (a.levenshtein(b) <= 2) | initial
            | padded_a.contains(padded_b) | padded_b.contains(padded_a)).fill_null(False)


ACCEPTED = (NIK_EXACT, NIK_SWAPPED)


def nik_stage(identities: ibis.Table, people: ibis.Table) -> ibis.Table:
    """Per list identity whose NIK is in the registry: ``unique_id``, ``nik`` and a
    ``reason_code`` — :data:`NIK_EXACT`/:data:`NIK_SWAPPED` (accepted) or a conflict."""
    p = people.select(p_nik=people.nik, p_name=people.name_key, p_born=people.birth_date)
    j = identities.inner_join(p, identities.nik == p.p_nik)
    born_null = j.birth_date.isnull() | j.p_born.isnull()
    same_day = (j.birth_date == j.p_born).fill_null(False)
    swapped = (j.birth_alt == j.p_born).fill_null(False)
    name_ok = name_agrees(j.name_key, j.p_name)
    reason = ibis.cases((~name_ok, NAME_CONFLICT), (born_null | same_day, NIK_EXACT),
                        (swapped, NIK_SWAPPED), else_=BIRTH_CONFLICT)
    return j.select("unique_id", nik=j.p_nik, reason_code=reason)
