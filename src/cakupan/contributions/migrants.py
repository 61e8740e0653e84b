"""Migrant workers (Pekerja Migran Indonesia, PMI): fixed JKK+JKM amounts, optional JHT."""

from __future__ import annotations

from cakupan.contributions import rules
from cakupan.contributions.breakdown import (Breakdown, Line, Note, _period_notes, _round,
                                             _rounding_note, _uncertain_note, _worst)


def pmi(months: int, period: str | None = None, jht_amount: int | None = None) -> Breakdown:
    """JKK+JKM of a migrant worker for a placement contract of ``months`` months (Permenaker 4/2023).

    Lines: the pre-placement amount; the amount of the longest listed contract not longer than
    ``months`` (6/12/24; shorter than 6 months -> the 6-month amount); each month beyond it.
    ``jht_amount``: optional JHT amount chosen by the participant (one of the listed options),
    charged per month for ``months`` months (believed monthly; uncertain).
    """
    first, last = rules.parse_period(period, required=False)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"months must be a whole number of contract months >= 1, got {months!r}")
    found = rules.pmi(first)
    by_kind: dict[str, list[rules.Row]] = {}
    for r in found:
        by_kind.setdefault(r["kind"], []).append(r)
    contracts = sorted(by_kind["contract"], key=lambda r: int(r["months"]))
    exact = any(int(r["months"]) == months for r in contracts)
    fitting = [r for r in contracts if int(r["months"]) <= months]
    chosen = fitting[-1] if fitting else contracts[0]
    extra = max(0, months - int(chosen["months"]))
    guess = "confirmed" if exact else "uncertain"

    lines, notes = [], []
    pre = by_kind["pre_placement"][0]
    lines.append(Line("JKK+JKM", "participant", _round(pre.number("amount")), pre.regulation,
                      pre.status, unit_amount=_round(pre.number("amount")), detail="pre_placement"))
    lines.append(Line("JKK+JKM", "participant", _round(chosen.number("amount")), chosen.regulation,
                      _worst(chosen.status, guess), unit_amount=_round(chosen.number("amount")),
                      detail=f"contract:{chosen['months']}"))
    if extra:
        row = by_kind["extra_month"][0]
        unit = row.number("amount")
        lines.append(Line("JKK+JKM", "participant", _round(unit * extra), row.regulation,
                          _worst(row.status, guess), unit_amount=_round(unit), quantity=extra,
                          detail="extra_month"))
    if not exact:
        listed = "/".join(r["months"] for r in contracts)
        notes.append(Note(
            f"Kontrak {months} bulan tidak ada di tabel ({listed} bulan): dipakai kontrak "
            f"{chosen['months']} bulan" + (f" + {extra} bulan tambahan" if extra else "") + " (asumsi).",
            f"A {months}-month contract is not listed ({listed} months): the {chosen['months']}-month "
            "amount" + (f" plus {extra} extra months" if extra else "") + " is used (assumption)."))
    if jht_amount is not None:
        options = {int(r.number("amount")): r for r in by_kind.get("jht_option", [])}
        if isinstance(jht_amount, bool) or jht_amount not in options:
            raise ValueError(f"jht_amount must be one of {', '.join(str(a) for a in sorted(options))} "
                             f"rupiah (Permenaker 4/2023), got {jht_amount!r}")
        row = options[jht_amount]
        lines.append(Line("JHT", "participant", jht_amount * months, row.regulation, row.status,
                          unit_amount=jht_amount, quantity=months))
        notes.append(Note(
            "JHT PMI dihitung per bulan selama kontrak; sumber tidak menyebut periodenya (belum pasti).",
            "PMI JHT is charged per month of the contract; the source does not state the period "
            "(uncertain)."))
    notes.append(Note("Iuran JKK+JKM PMI dibayar di muka: sebelum penempatan, selama dan sesudah "
                      "bekerja, serta tiap bulan di luar masa kontrak.",
                      "PMI JKK+JKM is paid up front: before placement, during and after work, and "
                      "each month beyond the contract term."))
    notes += _period_notes(first, last, ("pmi.csv",))
    notes += _uncertain_note(lines) + [_rounding_note()]
    return Breakdown("PMI", None if first is None else f"{first:%Y-%m}", tuple(lines), tuple(notes),
                     (("months", months), ("jht_amount", jht_amount)))


__all__ = ["pmi"]
