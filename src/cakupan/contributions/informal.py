"""Non-wage earners (Bukan Penerima Upah, BPU): JKK on an income value, flat JKM, optional JHT."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from cakupan.contributions import rules
from cakupan.contributions.breakdown import (_HUNDRED, _ONE, SPONSOR_PAYER, SPONSOR_TYPES,
                                             Breakdown, Line, Note, _adjust, _idr, _money,
                                             _Overrides, _period_notes, _round, _rounding_note,
                                             _uncertain_note, _worst)


def bpu_income_value(income, period: str, overrides: Mapping[str, object] | None = None
                     ) -> tuple[Decimal, str, list[Note]]:
    """Map a declared monthly income to the income value contributions are computed on.

    Returns (value, status, notes). Rule (``bpu_income.csv``): rounded down to a multiple of
    ``bpu_income_step``, then clamped to [``bpu_income_min``, ``bpu_income_max``]. A value equal
    to a confirmed endpoint is ``confirmed``; otherwise it carries the step row's status.
    """
    first, _ = rules.parse_period(period)
    return _income_value(_money(income, "income"), first, _Overrides(overrides))


def _income_value(x: Decimal, on: date, ov: _Overrides) -> tuple[Decimal, str, list[Note]]:
    rows = {k: rules.bpu_income(k, on) for k in ("bpu_income_min", "bpu_income_max", "bpu_income_step")}
    lo, lo_st = ov.get("bpu_income_min", rows["bpu_income_min"].number("value"), rows["bpu_income_min"].status)
    hi, hi_st = ov.get("bpu_income_max", rows["bpu_income_max"].number("value"), rows["bpu_income_max"].status)
    step, step_st = ov.get("bpu_income_step", rows["bpu_income_step"].number("value"),
                           rows["bpu_income_step"].status)
    if step <= 0:
        raise ValueError("override bpu_income_step must be positive (1 = use the income as declared)")
    if lo > hi:
        raise ValueError(f"bpu_income_min {lo} is above bpu_income_max {hi}")
    notes = []
    value = (x / step).to_integral_value(rounding=ROUND_FLOOR) * step
    if value < lo:
        value, status = lo, lo_st
        notes.append(Note(f"Penghasilan {_idr(x)} di bawah nilai terendah tabel; dipakai {_idr(lo)}.",
                          f"Income {_idr(x)} is below the lowest table value; {_idr(lo)} is used."))
    elif value >= hi:
        if value > hi:
            notes.append(Note(f"Penghasilan {_idr(x)} di atas nilai tertinggi tabel; dipakai {_idr(hi)}.",
                              f"Income {_idr(x)} is above the highest table value; {_idr(hi)} is used."))
        value, status = hi, hi_st
    elif value == lo:
        status = lo_st
    else:
        status = step_st
    if value != x and status != "confirmed":
        notes.append(Note(
            f"Nilai penghasilan {_idr(value)} dari {_idr(x)}: dibulatkan ke bawah ke kelipatan "
            f"{_idr(step)} (asumsi; tabel Lampiran II PP 44/2015 belum ditranskripsi).",
            f"Income value {_idr(value)} from {_idr(x)}: rounded down to a multiple of {_idr(step)} "
            "(assumption; the Lampiran II PP 44/2015 table has not been transcribed)."))
    return value, status, notes



def bpu(income, period: str, jht: bool = False, sponsor: str = "SELF",
        overrides: Mapping[str, object] | None = None, *, transport: bool = False) -> Breakdown:
    """Monthly contribution of one non-wage earner (BPU).

    ``income``: declared monthly income (mapped to an income value, see :func:`bpu_income_value`).
    ``jht``: also join the optional JHT (2 % of the income value). ``sponsor``: who pays
    (:data:`SPONSOR_TYPES`; SELF = the participant). ``transport``: a transport-sector worker
    (driver, courier), which decides the PP 50/2025 discount period.
    """
    first, last = rules.parse_period(period)
    x = _money(income, "income")
    sp = str(sponsor).strip().upper()
    if sp not in SPONSOR_TYPES:
        raise ValueError(f"unknown sponsor {sponsor!r}: use one of {', '.join(SPONSOR_TYPES)}")
    if not isinstance(jht, bool):
        raise ValueError(f"jht must be True or False, got {jht!r}")
    ov = _Overrides(overrides)
    payer = SPONSOR_PAYER[sp]
    value, value_status, notes = _income_value(x, first, ov)
    scope = "TRANSPORT" if transport else "OTHER"

    lines = []
    rate, status, reg = ov.rate("bpu_jkk", first)
    factor, st, regs, anotes = _adjust("BPU", "JKK", first, ov, scope, sp)
    notes += anotes
    lines.append(Line("JKK", payer, _round(value * rate / _HUNDRED * factor),
                      "; ".join([reg] + regs), _worst(status, value_status, st),
                      rate_pct=rate, base=value, factor=factor, detail="income_value"))
    flat, status, reg = ov.rate("bpu_jkm", first)
    factor, st, regs, anotes = _adjust("BPU", "JKM", first, ov, scope, sp)
    notes += [n for n in anotes if n not in notes]
    lines.append(Line("JKM", payer, _round(flat * factor), "; ".join([reg] + regs),
                      _worst(status, st), unit_amount=_round(flat), factor=factor))
    if jht:
        rate, status, reg = ov.rate("bpu_jht", first)
        lines.append(Line("JHT", payer, _round(value * rate / _HUNDRED), reg,
                          _worst(status, value_status), rate_pct=rate, base=value,
                          detail="income_value"))
    if any(ln.factor != _ONE for ln in lines):
        notes.append(Note(
            "Penyesuaian iuran berlaku untuk JKK dan JKM bulan ini (faktor pada kolom dasar).",
            "A contribution adjustment applies to JKK and JKM this month (factor in the basis)."))
    notes += _period_notes(first, last, ("rates.csv", "bpu_income.csv", "adjustments.csv"))
    notes += _uncertain_note(lines) + ov.unused_notes() + [_rounding_note()]
    inputs = (("income", x), ("income_value", value), ("jht", jht), ("sponsor", sp),
              ("transport", bool(transport)))
    return Breakdown("BPU", f"{first:%Y-%m}", tuple(lines), tuple(notes), inputs)


__all__ = ["bpu", "bpu_income_value"]
