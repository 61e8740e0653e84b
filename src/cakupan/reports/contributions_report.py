"""Turn a contribution :class:`~cakupan.contributions.calculator.Breakdown` into a Report.

The Report renders with the existing :mod:`cakupan.reports.tables` renderers (Rich table,
CSV, JSON, XLSX). Column keys stay English (CSV/JSON); cell texts and the title are Indonesian
by default (``lang="en"`` for English); numbers are formatted id-ID by the renderers.
"""

from __future__ import annotations

from decimal import Decimal

from cakupan.contributions.calculator import Breakdown, Line
from cakupan.reports import format as fmt
from cakupan.reports.tables import Report

COLUMNS = ["programme", "payer", "basis", "base", "amount", "regulation", "status"]
KINDS = {"programme": "text", "payer": "text", "basis": "text", "base": "int", "amount": "int",
         "regulation": "text", "status": "text"}

PAYER_LABELS = {
    "employer": ("Pemberi kerja", "Employer"),
    "worker": ("Pekerja", "Worker"),
    "government": ("Pemerintah", "Government"),
    "participant": ("Peserta", "Participant"),
    "sponsor": ("Sponsor (CSR/zakat)", "Sponsor (CSR/zakat)"),
    "project_owner": ("Pemilik proyek", "Project owner"),
}
STATUS_LABELS = {
    "confirmed": ("terkonfirmasi", "confirmed"),
    "uncertain": ("belum pasti", "uncertain"),
    "override": ("nilai pengguna", "overridden"),
}
SEGMENT_TITLES = {
    "PU": ("Penerima Upah (PU)", "wage earner (PU)"),
    "BPU": ("Bukan Penerima Upah (BPU)", "non-wage earner (BPU)"),
    "JAKON": ("Jasa Konstruksi (Jakon)", "construction project (Jakon)"),
    "PMI": ("Pekerja Migran Indonesia (PMI)", "migrant worker (PMI)"),
}


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "id" else pair[1]


def _num(d: Decimal | int, lang: str) -> str:
    d = Decimal(d)
    if d == d.to_integral_value():
        return fmt.integer(int(d), lang)
    return fmt.decimal(d, lang, places=2)


def _rate(d: Decimal, lang: str) -> str:
    places = max(2, -d.normalize().as_tuple().exponent) if d != d.to_integral_value() else 0
    text = fmt.decimal(d, lang, places=places) if places else fmt.integer(int(d), lang)
    return f"{text} %" if lang == "id" else f"{text}%"


def _idr(amount: int, lang: str) -> str:
    return f"Rp {fmt.integer(amount, lang)}"


def basis(line: Line, lang: str = "id") -> str:
    """How the line was computed, in words and numbers."""
    en = lang != "id"
    d = line.detail
    if d == "jkp":
        text = f"{_rate(line.rate_pct, lang)} " + ("(government + recomposition)" if en
                                                   else "(pemerintah + rekomposisi)")
    elif line.rate_pct is not None:
        if line.gross_rate_pct is not None:
            cut = line.gross_rate_pct - line.rate_pct
            text = (f"{_rate(line.gross_rate_pct, lang)} − {_rate(cut, lang)} (JKP) = "
                    f"{_rate(line.rate_pct, lang)}")
        else:
            text = _rate(line.rate_pct, lang)
        if d.startswith("band:"):
            lo, hi = d[5:].split("-")
            band = (f"{_num(int(lo), lang)} – {_num(int(hi), lang)}" if hi
                    else f"> {_num(int(lo), lang)}")
            text += (" of the part in band " if en else " atas bagian pada rentang ") + band
        elif d == "income_value":
            text += " of the income value" if en else " dari nilai penghasilan"
    elif d == "pre_placement":
        text = "before placement" if en else "sebelum penempatan"
    elif d.startswith("contract:"):
        months = d.split(":")[1]
        text = f"{months}-month contract" if en else f"kontrak {months} bulan"
    elif line.unit_amount is not None and line.quantity is not None:
        text = f"{_idr(line.unit_amount, lang)} × {line.quantity} " + ("months" if en else "bulan")
        if d == "extra_month":
            text += " beyond the contract" if en else " di luar masa kontrak"
    elif line.unit_amount is not None:
        text = (f"flat {_idr(line.unit_amount, lang)}" if en
                else f"{_idr(line.unit_amount, lang)} tetap")
    else:
        text = "-"
    if line.factor != 1:
        share = _rate(line.factor * 100, lang)
        text += f", {share} payable" if en else f", dibayar {share}"
    return text


def _title(b: Breakdown, lang: str) -> str:
    seg = _t(SEGMENT_TITLES[b.segment], lang)
    if b.period is None:
        when = "current rules" if lang != "id" else "aturan yang berlaku saat ini"
    else:
        when = f"period {b.period}" if lang != "id" else f"periode {b.period}"
    inputs = dict(b.inputs)
    bits = []
    if b.segment == "PU":
        bits = [(f"upah Rp {_num(inputs['wage'], lang)}" if lang == "id"
                 else f"wage Rp {_num(inputs['wage'], lang)}"),
                (f"kelas risiko {inputs['risk_class']}" if lang == "id"
                 else f"risk class {inputs['risk_class']}"),
                (f"usaha {inputs['size']}" if lang == "id" else f"{inputs['size']} employer")]
    elif b.segment == "BPU":
        bits = [(f"penghasilan Rp {_num(inputs['income'], lang)}" if lang == "id"
                 else f"income Rp {_num(inputs['income'], lang)}"),
                f"sponsor {inputs['sponsor']}"]
    elif b.segment == "JAKON":
        bits = [(f"nilai kontrak Rp {_num(inputs['contract_value'], lang)}" if lang == "id"
                 else f"contract value Rp {_num(inputs['contract_value'], lang)}")]
    elif b.segment == "PMI":
        bits = [(f"{inputs['months']} bulan" if lang == "id" else f"{inputs['months']} months")]
    head = "Iuran BPJS Ketenagakerjaan" if lang == "id" else "BPJS Ketenagakerjaan contributions"
    return f"{head} — {seg}, {when} ({', '.join(bits)})"


def breakdown_report(b: Breakdown, lang: str = "id") -> Report:
    """A Report with one row per line, a subtotal per payer (when several pay) and a total row."""
    fmt.check_lang(lang)
    rows = []
    for ln in b.lines:
        rows.append({
            "programme": ln.programme,
            "payer": _t(PAYER_LABELS[ln.payer], lang),
            "basis": basis(ln, lang),
            "base": ln.base,
            "amount": ln.amount,
            "regulation": ln.regulation,
            "status": _t(STATUS_LABELS[ln.status], lang),
        })
    totals = b.totals
    if len(totals) > 1:
        for payer, amount in totals.items():
            if not amount:  # e.g. JKP shown as 0 payable: no "government pays 0" subtotal
                continue
            rows.append({"programme": "Subtotal", "payer": _t(PAYER_LABELS[payer], lang),
                         "basis": None, "base": None, "amount": amount, "regulation": None,
                         "status": None})
    # "region_code" is not a column: the shared Rich renderer uses it to bold the total row.
    rows.append({"programme": "TOTAL", "payer": None, "basis": None, "base": None,
                 "amount": b.total, "regulation": None,
                 "status": _t(STATUS_LABELS[b.status], lang), "region_code": "TOTAL"})
    notes = [n.text(lang) for n in b.notes]
    return Report(_title(b, lang), list(COLUMNS), dict(KINDS), rows, notes)
