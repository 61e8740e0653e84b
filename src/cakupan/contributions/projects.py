"""Construction projects (Jasa Konstruksi, Jakon): JKK and JKM in marginal bands on the contract."""

from __future__ import annotations

from cakupan.contributions import rules
from cakupan.contributions.breakdown import (_HUNDRED, _ONE, Breakdown, Line, Note, _adjust,
                                             _money, _Overrides, _period_notes, _round,
                                             _rounding_note, _uncertain_note, _worst)


def jakon(contract_value, period: str | None = None) -> Breakdown:
    """JKK and JKM of a construction project whose wages are unknown, on its contract value.

    Marginal bands: each band's rate applies only to the part of the value inside the band
    (one line per programme and band). ``period`` (``YYYY-MM``, the month the contribution is
    due) selects the rules and any relief; None = the rules currently in force.
    """
    first, last = rules.parse_period(period, required=False)
    v = _money(contract_value, "contract value")
    ov = _Overrides(None)
    lines, notes = [], []
    for band in rules.jakon_bands(first):
        if v <= band.lower:
            continue
        top = v if band.upper is None else min(v, band.upper)
        part = top - band.lower
        factor, st, regs, anotes = _adjust("JAKON", band.programme, first, ov)
        notes += [n for n in anotes if n not in notes]
        upper = "" if band.upper is None else str(int(band.upper))
        lines.append(Line(band.programme, "project_owner",
                          _round(part * band.rate_pct / _HUNDRED * factor),
                          "; ".join([band.row.regulation] + regs), _worst(band.row.status, st),
                          rate_pct=band.rate_pct, base=part, factor=factor,
                          detail=f"band:{int(band.lower)}-{upper}"))
    notes.append(Note(
        "Iuran Jakon atas nilai kontrak (upah tidak diketahui), tarif bertingkat marginal: tiap "
        "tarif hanya untuk bagian nilai kontrak di dalam rentangnya. Bila upah diketahui, iuran "
        "dihitung atas upah (tidak dicakup di sini). Nilai kontrak dipakai apa adanya (sebelum/"
        "sesudah PPN belum pasti).",
        "Jakon contribution on the contract value (wages unknown), marginal bands: each rate "
        "applies only to the part of the value inside its band. When wages are known the "
        "contribution is on wages (not covered here). The contract value is used as given "
        "(before or after VAT is uncertain)."))
    if any(ln.factor != _ONE for ln in lines):
        notes.append(Note("PP 49/2020: JKK dan JKM Jakon bulan ini dikurangi 99 % (bayar 1 %).",
                          "PP 49/2020: Jakon JKK and JKM cut by 99 % this month (pay 1 %)."))
    notes += _period_notes(first, last, ("jakon_tiers.csv", "adjustments.csv"))
    notes += _uncertain_note(lines) + [_rounding_note()]
    return Breakdown("JAKON", None if first is None else f"{first:%Y-%m}", tuple(lines),
                     tuple(notes), (("contract_value", v),))


def jakon_fee(contract_value, period: str | None = None) -> int:
    """Total Jakon contribution (JKK + JKM) for a contract value."""
    return jakon(contract_value, period).total


__all__ = ["jakon", "jakon_fee"]
