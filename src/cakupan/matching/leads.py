"""Leads for field agents: the matched list, grouped by regency, district and village.

Pure: :func:`lead_rows` joins a list's rows, their outcomes and region names (Ibis);
the counts are worded by :mod:`cakupan.reports.leads_report`. Writing files and masking personal data
happen at the edge (``cakupan.lists.leads_export``).
"""

from __future__ import annotations

import ibis
from ibis import _


LEAD_OUTCOMES = ("NOT_REGISTERED", "LAPSED", "NEEDS_REVIEW", "INVALID")
SHEETS = {  # outcome -> sheet title (XLSX) / status label (CSV)
    "NOT_REGISTERED": "Calon peserta baru",
    "LAPSED": "Aktivasi ulang",
    "NEEDS_REVIEW": "Perlu diperiksa",
    "INVALID": "Perlu dilengkapi",
}
COLUMNS = ["regency", "district", "village", "name", "nik", "birth_date", "sex", "occupation",
           "phone", "address", "outcome", "last_paid_month", "reason_code", "match_weight",
           "agreed", "row_number"]


def lead_rows(rows: ibis.Table, matches: ibis.Table, people: ibis.Table,
              regions: ibis.Table) -> ibis.Table:
    """Every row of the list with its outcome and the place to visit: the list's own
    regency/district/village when written, else the registry's village for matched people,
    else the list's village code, else the district in the NIK. Sorted by place and name."""
    names = regions.select(_code=_.code, _name=_.name)
    m = matches.select("row_number", "outcome", "reason_code", "last_paid_month", "match_weight",
                       "agreed", _mnik=_.nik)
    pv = people.select(_pnik=_.nik, _pvillage=_.village_code)
    t = rows.left_join(m, "row_number").left_join(pv, _._mnik == pv._pnik)
    code = ibis.coalesce(t.village_code, t._pvillage, t.nik.substr(0, 6))
    t = t.mutate(_code=code)

    def name_of(length: int) -> ibis.Table:
        return names.rename(**{f"_n{length}": "_name", f"_c{length}": "_code"})

    for length in (4, 6, 10):
        n = name_of(length)
        t = t.left_join(n, t._code.substr(0, length) == n[f"_c{length}"])
    village_from_code = ibis.ifelse(t._code.length() == 10, t._n10, ibis.null("string"))
    out = t.select(
        regency=ibis.coalesce(t.regency, t._n4),
        district=ibis.coalesce(t.district, t._n6),
        village=ibis.coalesce(t.village, village_from_code),
        name=t.name, nik=ibis.coalesce(t.nik, t._mnik), birth_date=t.birth_date, sex=t.sex,
        occupation=t.occupation, phone=t.phone, address=t.address, outcome=t.outcome,
        last_paid_month=t.last_paid_month, reason_code=t.reason_code,
        match_weight=t.match_weight.round(1), agreed=t.agreed, row_number=t.row_number,
    )
    return out.order_by([_.regency, _.district, _.village, _.name, _.row_number])
