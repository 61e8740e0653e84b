"""A press-ready paragraph in the style of the regional office's release (id or en)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from cakupan.coverage import CoverageRow, percent
from cakupan.reports.format import decimal, integer, month_name  # noqa: F401  (month_name re-exported)
from cakupan.reports.performance_report import STATUS_WORDS
from cakupan.reports.potential_report import opportunities

def whole_percent(row: CoverageRow) -> str:
    """Coverage rounded to a whole percent, as press releases print it (17,17 -> 17)."""
    p = percent(row.participants, row.employed, places=0)
    return "-" if p is None else str(p.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def coverage_brief(rows: list[CoverageRow], names: dict[str, str], period: str,
                   lang: str = "id") -> str:
    """One paragraph on coverage of the employed: each region, then the total.

    ``rows`` are province (or regency) rows followed by the total row.
    """
    *regions, total = rows
    when = month_name(period, lang)
    wf = {r.workforce_period for r in regions if r.workforce_period}
    basis = month_name(min(wf), lang) if wf else None
    parts = []
    for i, r in enumerate(regions):
        name = names.get(r.region_code, r.region_code)
        n, e = integer(r.participants, lang), integer(r.employed, lang)
        if lang == "id":
            noun = "pekerja" if i == 0 else "peserta"
            parts.append(f"{name} sebesar {whole_percent(r)} persen atau {n} {noun} "
                         f"dari {e} penduduk bekerja")
        else:
            parts.append(f"{name} {whole_percent(r)} percent, or {n} workers "
                         f"of {e} employed")
    n_total = integer(total.participants, lang)
    if lang == "id":
        text = (f"Hingga {when}, cakupan kepesertaan aktif BPJS Ketenagakerjaan di "
                f"{_join(parts, 'id')}. Secara keseluruhan, jumlah peserta aktif di wilayah "
                f"ini mencapai {n_total} atau {whole_percent(total)} persen dari "
                f"{integer(total.employed, lang)} penduduk bekerja.")
        if basis:
            text += (f" Angka penduduk bekerja mengacu pada data ketenagakerjaan {basis}"
                     f"{_estimated_note(regions, lang)}.")
        return text
    text = (f"As of {when}, active BPJS Ketenagakerjaan coverage stood at {_join(parts, 'en')}. "
            f"In total the region counts {n_total} active participants, or "
            f"{whole_percent(total)} percent of {integer(total.employed, lang)} employed people.")
    if basis:
        text += f" Employment figures refer to labour-force data of {basis}{_estimated_note(regions, lang)}."
    return text


def _join(parts: list[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    word = " dan " if lang == "id" else " and "
    return "; ".join(parts[:-1]) + ";" + word + parts[-1]


def _estimated_note(rows: list[CoverageRow], lang: str) -> str:
    if not any(r.estimated for r in rows):
        return ""
    return (" (sebagian angka merupakan estimasi)" if lang == "id"
            else " (some figures are estimates)")


def potential_brief(pool_rows: list[dict], sector_rows: list[dict], lang: str = "id") -> str:
    """A paragraph on the uncovered potential: by pool, then the largest sectors."""
    employed = sum(r["employed"] for r in pool_rows)
    potential = sum(r["potential"] for r in pool_rows)
    n = integer(potential, lang)
    if lang == "id":
        text = (f"Masih terdapat sekitar {n} pekerja yang belum terlindungi dari {integer(employed, lang)} "
                f"penduduk bekerja. {opportunities(pool_rows, 'segment', lang)}")
    else:
        text = (f"About {n} of {integer(employed, lang)} employed people are still unprotected. "
                f"{opportunities(pool_rows, 'segment', lang)}")
    if sector_rows:
        text += " " + opportunities(sector_rows, "sector", lang)
    return text + (" (Angka potensi merupakan estimasi.)" if lang == "id" else " (Potential figures are estimates.)")


def performance_brief(rows: list[dict], status: str | None, lang: str = "id") -> str:
    """A paragraph on the year so far: change since January, the last months, the target."""
    seen = [r for r in rows if r["active"] is not None]
    if len(seen) < 2:
        return ""
    first, last = seen[0], seen[-1]
    low = min(seen, key=lambda r: r["active"])
    change = last["active"] - first["active"]
    i = 0 if lang == "id" else 1
    if i == 0:
        text = (f"Sepanjang {month_name(first['period'], lang)} hingga {month_name(last['period'], lang)}, "
                f"peserta aktif {'bertambah' if change >= 0 else 'berkurang'} {integer(abs(change), lang)} orang; "
                f"titik terendah terjadi pada {month_name(low['period'], lang)} ({integer(low['active'], lang)}) "
                f"sebelum pulih menjadi {integer(last['active'], lang)} pada {month_name(last['period'], lang)}.")
    else:
        text = (f"From {month_name(first['period'], lang)} to {month_name(last['period'], lang)} active "
                f"participants {'grew' if change >= 0 else 'fell'} by {integer(abs(change), lang)}; the low point "
                f"was {month_name(low['period'], lang)} ({integer(low['active'], lang)}) before recovering to "
                f"{integer(last['active'], lang)} in {month_name(last['period'], lang)}.")
    if last.get("target"):
        pct = decimal(last["achievement_pct"], lang)
        text += (f" Capaian terhadap target bulan itu {pct} persen." if i == 0 else
                 f" Achievement against that month's target: {pct} percent.")
    if status:
        text += (" Status akhir tahun: " if i == 0 else " Year-end status: ") + STATUS_WORDS[status][i] + "."
    return text
