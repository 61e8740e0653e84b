"""Both sides of a match in one shape: registry people and partner-list rows.

Every function takes and returns Ibis tables, so the same preparation runs on DuckDB and
on Spark. The shape (:data:`IDENTITY`) is what the NIK stage and the probabilistic stage
read: a 16-digit NIK, the name key and its first and last words, a birth date and the
same date with day and month swapped, sex, and village and district keys (names reduced
to letters, so ``Kel. Semarang Tengah`` and ``SEMARANG TENGAH`` agree).
"""

from __future__ import annotations

import ibis
from ibis import _

from cakupan import coverage as cov
from cakupan.identity.names import name_key_ibis

IDENTITY = ("unique_id", "nik", "name_key", "name_first", "name_last", "birth_date", "birth_alt",
            "sex", "village_key", "district_key")
PLACE_PREFIX = r"^(desa|kelurahan|kel|ds|kec|kecamatan|kab|kabupaten|kota)\b\.?\s*"


def place_key(value: ibis.Value) -> ibis.Value:
    """``Kel. Semarang Tengah`` -> ``semarangtengah``; empty -> NULL."""
    key = value.lower().strip().re_replace(PLACE_PREFIX, "").re_replace(r"[^a-z]", "")
    return ibis.ifelse(key == "", ibis.null("string"), key)


def swapped(date: ibis.Value) -> ibis.Value:
    """The date with day and month swapped, where that is a date (day <= 12)."""
    return ibis.ifelse(date.day() <= 12, ibis.date(date.year(), date.day(), date.month()),
                       ibis.null("date"))


def _name_parts(t: ibis.Table, name: ibis.Value) -> ibis.Table:
    """Name key (computed here unless the table already has it, as imported lists do:
    the polars and Ibis versions of the rules give the same keys) and its first and
    last words."""
    if "name_key" not in t.columns:
        t = t.mutate(name_key=name_key_ibis(name))
    t = t.mutate(name_key=ibis.ifelse(t.name_key == "", ibis.null("string"), t.name_key))
    return t.mutate(name_first=t.name_key.split(" ")[0],
                    name_last=t.name_key.re_replace(r"^.* ", ""))


def region_names(regions: ibis.Table) -> tuple[ibis.Table, ibis.Table]:
    """(village code -> village key) and (district code -> district key) lookups."""
    villages = regions.filter(_.level == 4).select(v_code=_.code, v_key=place_key(_.name))
    districts = regions.filter(_.level == 3).select(d_code=_.code, d_key=place_key(_.name))
    return villages, districts


def registry_people(participants: ibis.Table, regions: ibis.Table) -> ibis.Table:
    """One row per NIK in the registry, identity from the membership registered last."""
    villages, districts = region_names(regions)
    p = cov.primary(participants)
    p = p.left_join(villages, p.village_code == villages.v_code)
    p = p.left_join(districts, p.village_code.substr(0, 6) == districts.d_code)
    p = _name_parts(p, p.name)
    return p.select(
        unique_id=p.nik, nik=p.nik, name_key=p.name_key, name_first=p.name_first,
        name_last=p.name_last, birth_date=p.birth_date, birth_alt=swapped(p.birth_date),
        sex=p.sex, village_key=p.v_key, district_key=p.d_key, village_code=p.village_code,
    )


def person_status(participants: ibis.Table, period: str) -> ibis.Table:
    """Per NIK registered by the end of ``period``: ACTIVE or LAPSED then, and the last
    paid month (up to ``period``)."""
    end = ibis.date(cov.next_month_start(period))
    regs = participants.filter(_.registered_date < end)
    paid = ibis.ifelse(regs.last_paid_month > period, period, regs.last_paid_month)
    per = regs.group_by("nik").aggregate(last_paid=paid.max())
    return per.select(
        "nik", last_paid_month=per.last_paid,
        status=ibis.ifelse(per.last_paid.notnull() & (per.last_paid >= period), "ACTIVE", "LAPSED"),
    )


def list_identity(rows: ibis.Table, regions: ibis.Table) -> ibis.Table:
    """One row per distinct ``row_key`` of a list, in the identity shape.

    The NIK is the valid one, else the 16 digits written (a near-miss may still score),
    never a spreadsheet-mangled value; a missing birth date is taken from a valid NIK.
    """
    villages, districts = region_names(regions)
    digits = rows.nik_raw.re_replace(r"[^0-9]", "")
    nik = ibis.coalesce(rows.nik, ibis.ifelse((digits.length() == 16)
                                              & (rows.nik_problem.fill_null("") != "mangled"),
                                              digits, ibis.null("string")))
    born = ibis.coalesce(rows.birth_date, rows.nik_birth_date)
    t = rows.mutate(_nik=nik, _born=born, _sex=ibis.coalesce(rows.sex, rows.nik_sex))
    t = t.left_join(villages, t.village_code == villages.v_code)
    t = t.left_join(districts, t.village_code.substr(0, 6) == districts.d_code)
    t = _name_parts(t, t.name)
    t = t.select(
        unique_id=t.row_key, nik=t._nik, name_key=t.name_key, name_first=t.name_first,
        name_last=t.name_last, birth_date=t._born, birth_alt=swapped(t._born), sex=t._sex,
        village_key=ibis.coalesce(place_key(t.village), t.v_key),
        district_key=ibis.coalesce(place_key(t.district), t.d_key),
    )
    return t.distinct(on="unique_id", keep="first")

