"""Wage earners (Penerima Upah, PU): JKK by risk class, JKM, JHT, JP with its wage cap, JKP."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from cakupan.contributions import rules
from cakupan.contributions.breakdown import (_HUNDRED, PROGRAMMES, Breakdown, Line, Note,
                                             _adjust, _idr, _money, _Overrides, _pct,
                                             _period_notes, _replace_status, _risk_class, _round,
                                             _rounding_note, _size, _uncertain_note, _worst)


def pu(wage, risk_class, size, period: str, jkp: bool | None = None,
       overrides: Mapping[str, object] | None = None, *,
       programmes: Iterable[str] | None = None) -> Breakdown:
    """Monthly contribution of one wage earner (PU).

    ``wage``: monthly reported wage in rupiah (int, Decimal or numeric string; cents allowed).
    ``risk_class``: JKK risk group 1-5 (or "I"-"V"). ``size``: MIKRO/KECIL/MENENGAH/BESAR (or
    micro/small/medium/large). ``period``: contribution month ``YYYY-MM``.

    ``programmes``: the programmes the worker is registered in; default = the ones mandatory
    for the employer size (Perpres 109/2013); may add voluntary ones (e.g. JHT at a micro
    employer) but not drop mandatory ones.

    ``jkp``: whether the worker is a JKP participant. None = yes when JKP exists in ``period``
    and the worker holds the programmes PP 6/2025 Pasal 4 requires for the size (citizenship,
    age under 54 and JKN membership are assumed); True = require it (error if impossible);
    False = not a participant. A JKP participant's employer pays JKK minus ``jkp_from_jkk`` and
    JKM minus ``jkp_from_jkm`` percentage points; JKP itself is shown as 0 payable.
    """
    first, last = rules.parse_period(period)
    w = _money(wage, "wage")
    rc = _risk_class(risk_class)
    sz = _size(size)
    ov = _Overrides(overrides)
    if jkp not in (None, True, False):
        raise ValueError(f"jkp must be True, False or None (decide from the programmes), got {jkp!r}")

    mandatory, mrow = rules.programmes("mandatory", sz, first)
    registered = set(mandatory)
    if programmes is not None:
        given = {str(p).strip().upper() for p in programmes}
        bad = given - {"JKK", "JKM", "JHT", "JP"}
        if bad:
            raise ValueError(f"unknown programme(s) {', '.join(sorted(bad))}: use JKK, JKM, JHT, JP "
                             "(JKP is decided by the jkp argument)")
        missing = mandatory - given
        if missing:
            raise ValueError(f"a {sz} employer must register {', '.join(sorted(mandatory))} "
                             f"({mrow.regulation}); missing: {', '.join(sorted(missing))}")
        registered = given
    notes: list[Note] = []

    # JKP participation
    jkp_exists = bool(rules.rows("rates.csv", first, key="jkp_total"))
    req = rules.programmes("jkp_requires", sz, first)
    holds = req is not None and req[0] <= registered
    if jkp is True and not jkp_exists:
        raise ValueError(f"JKP does not exist in period {period}: it starts "
                         f"{rules.earliest('rates.csv', key='jkp_total')[:7]} (PP 37/2021); "
                         "use jkp=None or False")
    if jkp is True and not holds:
        need = ", ".join(sorted(req[0]))
        raise ValueError(f"a JKP participant at a {sz} employer must hold {need} ({req[1].regulation}); "
                         f"registered: {', '.join(sorted(registered))}. Add the missing programmes "
                         "with programmes=[...] or use jkp=False")
    participant = jkp_exists and holds if jkp is None else bool(jkp)
    if jkp is None and participant:
        notes.append(Note(
            "Pekerja dianggap peserta JKP: terdaftar di program yang disyaratkan "
            f"({req[1].regulation}); syarat WNI, usia < 54 saat mendaftar dan JKN diasumsikan "
            "terpenuhi (jkp=False bila tidak).",
            "The worker is assumed to be a JKP participant: registered in the programmes "
            f"{req[1].regulation} requires; citizenship, age under 54 at registration and JKN "
            "membership are assumed (pass jkp=False otherwise)."))
    if jkp_exists and not participant:
        why_id = why_en = ""
        if jkp is None and req is not None:
            need, have = ", ".join(sorted(req[0])), ", ".join(sorted(registered))
            why_id = f" JKP mensyaratkan {need} untuk usaha {sz} ({req[1].regulation}); terdaftar: {have}."
            why_en = f" JKP requires {need} at a {sz} employer ({req[1].regulation}); registered: {have}."
        notes.append(Note(
            "Bukan peserta JKP: JKK dan JKM dihitung dengan tarif dasar tanpa rekomposisi "
            "(disimpulkan dari syarat kepesertaan, belum pasti)." + why_id,
            "Not a JKP participant: JKK and JKM at the base rates without recomposition "
            "(inferred from the eligibility rules, uncertain)." + why_en))

    lines: list[Line] = []
    # JKK and JKM, employer, possibly recomposed and relieved
    for prog, key, from_key in (("JKK", f"pu_jkk_{rc}", "jkp_from_jkk"),
                                ("JKM", "pu_jkm", "jkp_from_jkm")):
        if prog not in registered:
            continue
        gross, status, reg = ov.rate(key, first)
        rate, regs = gross, [reg]
        if participant:
            cut, st, creg = ov.rate(from_key, first)
            rate = gross - cut
            status = _worst(status, st)
            if cut:
                regs.append(creg)
        elif jkp_exists:
            status = _worst(status, "uncertain")
        if rate < 0:
            raise ValueError(f"{prog} rate after JKP recomposition is negative ({rate} %): "
                             "check the overrides")
        factor, st, aregs, anotes = _adjust("PU", prog, first, ov)
        status = _worst(status, st)
        notes += anotes
        lines.append(Line(prog, "employer", _round(w * rate / _HUNDRED * factor),
                          "; ".join(dict.fromkeys(regs + aregs)), status, rate_pct=rate, base=w,
                          factor=factor, gross_rate_pct=gross if rate != gross else None))

    if participant:
        cap_row = rules.rows("rates.csv", first, key="jkp_wage_cap")
        if cap_row and w > cap_row[0].number("value"):
            lines[0] = _replace_status(lines[0], "uncertain")
            notes.append(Note(
                f"Upah di atas batas upah JKP {_idr(cap_row[0].number('value'))}: belum pasti apakah batas "
                "itu juga membatasi dasar rekomposisi; dihitung atas seluruh upah.",
                f"Wage above the JKP wage cap {_idr(cap_row[0].number('value'))}: whether that cap also "
                "limits the recomposition basis is uncertain; computed on the full wage."))

    if "JHT" in registered:
        for payer, key in (("employer", "pu_jht_employer"), ("worker", "pu_jht_worker")):
            rate, status, reg = ov.rate(key, first)
            lines.append(Line("JHT", payer, _round(w * rate / _HUNDRED), reg, status,
                              rate_pct=rate, base=w))

    if "JP" in registered:
        cap_row = rules.jp_wage_cap(first)
        cap, cap_status = ov.get("jp_wage_cap", cap_row.number("cap"), cap_row.status)
        latest = rules.latest_jp_cap()
        stale = (cap_row is latest and "jp_wage_cap" not in ov.values
                 and first >= date(latest.effective_from.year + 1, 3, 1))
        if stale:
            cap_status = "uncertain"
            notes.append(Note(
                f"Batas upah JP untuk {first:%Y-%m} belum ada di data; dipakai batas "
                f"{latest.effective_from:%Y-%m} ({_idr(latest.number('cap'))}). Ganti dengan "
                "overrides={'jp_wage_cap': ...}.",
                f"The JP wage cap for {first:%Y-%m} is not in the data; the "
                f"{latest.effective_from:%Y-%m} cap ({_idr(latest.number('cap'))}) is used. Set it with "
                "overrides={'jp_wage_cap': ...}."))
        base = min(w, cap)
        if w > cap:
            notes.append(Note(
                f"Upah di atas batas upah JP {_idr(cap)}; iuran JP dihitung atas batas tersebut.",
                f"Wage above the JP wage cap {_idr(cap)}; JP is computed on the cap."))
        for payer, key in (("employer", "pu_jp_employer"), ("worker", "pu_jp_worker")):
            rate, status, reg = ov.rate(key, first)
            lines.append(Line("JP", payer, _round(base * rate / _HUNDRED), reg,
                              _worst(status, cap_status), rate_pct=rate, base=base))
        if any(r["id"] == "pp49_relief" for r in rules.adjustments("PU", "JKK", first)):
            notes.append(Note(
                "PP 49/2020: 99 % iuran JP bulan ini boleh ditunda (dibayar Mei 2021 - April 2022); "
                "ditampilkan penuh.",
                "PP 49/2020: 99 % of this month's JP contribution may be deferred (paid May 2021 - "
                "April 2022); shown in full."))

    if participant:
        total, status, reg = ov.rate("jkp_total", first)
        gov, st_gov, _ = ov.rate("jkp_government", first)
        from_jkk, st_k, _ = ov.rate("jkp_from_jkk", first)
        from_jkm, st_m, _ = ov.rate("jkp_from_jkm", first)
        lines.append(Line("JKP", "government", 0, reg, _worst(status, st_gov, st_k, st_m),
                          rate_pct=total, base=w, detail="jkp"))
        notes.append(Note(
            f"JKP {_pct(total, ',')} % tidak dibayar pemberi kerja atau pekerja (0 terutang): "
            f"{_pct(gov, ',')} % dibayar Pemerintah Pusat, {_pct(from_jkk, ',')} poin diambil "
            f"dari JKK dan {_pct(from_jkm, ',')} poin dari JKM (sudah dikurangkan di atas) ({reg}).",
            f"JKP {_pct(total)} % is not charged to employer or worker (0 payable): "
            f"{_pct(gov)} % is paid by the central government, {_pct(from_jkk)} points come from "
            f"JKK and {_pct(from_jkm)} points from JKM (already deducted above) ({reg})."))

    notes += _period_notes(first, last, ("rates.csv", "jp_wage_cap.csv", "adjustments.csv",
                                         "programmes_by_size.csv"))
    notes += _uncertain_note(lines) + ov.unused_notes() + [_rounding_note()]
    inputs = (("wage", w), ("risk_class", rc), ("size", sz),
              ("programmes", ",".join(p for p in PROGRAMMES if p in registered)),
              ("jkp", participant))
    return Breakdown("PU", f"{first:%Y-%m}", tuple(lines), tuple(notes), inputs)


__all__ = ["pu"]
